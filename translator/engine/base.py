"""What the MarianMT engines share, whichever library runs the model.

``BaseEngine`` holds the part of an engine that does not depend on transformers or
CTranslate2: option checks, device and thread choice, the counters, the signature's common
fields, ``translate_batch`` / ``retranslate`` (with the same safer decoding), and the plan
(long inputs split, units batched by ``text.plan_batches``). A backend (``marian.py``,
``ct2.py``) adds how it tokenizes and how it decodes a list of planned batches.

No model library is imported here.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from ..errors import ModelError
from .lengths import check_enabled, count_words, length_problem
from .text import (
    gather,
    join_pieces,
    max_input_for,
    output_bound,
    plan_batches,
    plan_units,
    split_long,
)

log = logging.getLogger("translator")

#: A unit's source tokens: ids (transformers) or pieces (CTranslate2).
Token = TypeVar("Token")

#: Safer decoding for `retranslate` (empty or runaway output on the first pass), in both
#: backends: beam >= 4, no repeated trigram, a repetition penalty.
RETRY_OPTIONS: dict[str, Any] = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.2}
RETRY_MIN_BEAM = 4

#: Held while transformers builds a model from its files (our engine's loading, CTranslate2's
#: converter). transformers 5 loads by patching process-wide torch state for the duration
#: (``nn.Module.register_parameter`` onto the meta device, the ``nn.init`` functions): two loads
#: at once in one process leave it patched, and every later load in that process then fails
#: with "Cannot copy out of meta tensor". A model loading in the background (the batch
#: runner's, a library user's thread) must never meet another load, so all of ours take this.
MODEL_LOAD_LOCK = threading.RLock()


def first_line(exc: BaseException) -> str:
    """An exception's first line (libraries' messages run to many), or its type's name."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def folder_name(model: str) -> str:
    """A model as signatures name it: a folder by its absolute path (so ``./m`` and
    ``/abs/m`` sign alike), a Hub id as given."""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.is_dir() else model


def check_device(device: str | None) -> None:
    """ModelError, before a backend is chosen, converted for or loaded, when ``device`` asks
    for a CUDA device that neither model library can see (``auto`` and ``cpu`` always pass).
    CTranslate2 is asked first (it imports in a fraction of a second), torch only if it sees
    none."""
    device = (device or "auto").lower()
    if not device.startswith("cuda"):
        return
    index = device.partition(":")[2] or "0"
    if device not in ("cuda", f"cuda:{index}") or not index.isdigit():
        raise ModelError(f"unknown device {device!r} (use auto, cpu or cuda)")
    seen = cuda_device_count()
    if int(index) >= seen:  # the words of pick_device, which says it when loading
        raise ModelError(f"--device {device} asked for, but no such CUDA device is available")


def cuda_device_count() -> int:
    """CUDA devices CTranslate2 or, failing that, torch can use (0 without either)."""
    try:
        import ctranslate2

        count = int(ctranslate2.get_cuda_device_count())
    except Exception:  # not installed, or no CUDA runtime
        count = 0
    if count:
        return count
    try:
        import torch

        return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0
    except Exception:
        return 0


def pick_device(device: str, cuda_devices: int) -> str:
    """``cpu``, ``cuda`` or ``cuda:N`` for ``auto`` (CUDA when there is a device), ``cpu``,
    ``cuda`` or ``cuda:N``; ModelError for an unknown value or a CUDA device that is absent."""
    device = (device or "auto").lower()
    if device == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if device == "cpu":
        return "cpu"
    if device == "cuda" or device.startswith("cuda:"):
        index = device.partition(":")[2] or "0"
        if not index.isdigit() or int(index) >= cuda_devices:
            raise ModelError(f"--device {device} asked for, but no such CUDA device is available")
        return device
    raise ModelError(f"unknown device {device!r} (use auto, cpu or cuda)")


def default_threads() -> int:
    """$OMP_NUM_THREADS when the user set it, else every core this process may run on."""
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class BaseEngine(Generic[Token]):
    """The backend-neutral half of a MarianMT engine (see the module docstring).

    A subclass sets the class attributes, calls ``__init__`` and ``_set_limits`` from its own
    constructor, and implements ``_encode``, ``_decode_batches`` and ``_setup``.
    """

    #: The signature's ``backend``.
    backend: ClassVar[str]
    #: The library whose version goes into the signature (``transformers``, ``ctranslate2``).
    library: ClassVar[str]
    #: The decoding option naming the beam width in the library's API.
    beam_option: ClassVar[str]
    #: Fixed cost of one decoding step of a batch, in beam rows (measured per backend).
    step_cost_rows: ClassVar[float]

    def __init__(
        self,
        *,
        beam_size: int,
        batch_size: int,
        max_batch_tokens: int,
        force_length_ratio: float | None,
        threads: int | None,
        lost_content_check: bool | None = None,
    ) -> None:
        if beam_size < 1 or batch_size < 1 or max_batch_tokens < 1:
            raise ModelError("beam size, batch size and max batch tokens must be at least 1")
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.force_length_ratio = force_length_ratio
        #: The lost-content check (``lengths``): on, off, or None for the environment's
        #: switch at each call (``lengths.check_enabled``).
        self.lost_content_check = lost_content_check
        #: CPU threads in all: as asked, else $OMP_NUM_THREADS, else every core.
        self.threads = max(1, threads or default_threads())
        #: Batches decoded at the same time (CTranslate2 runs several).
        self.parallel_batches = 1
        #: Counters since loading: units (pieces) translated, sentences split, and outputs that
        #: ran into the length bound (likely runaway repetition; QA may look at them).
        self.stats: dict[str, int] = {
            "units": 0,
            "batches": 0,
            "split": 0,
            "bound_hits": 0,
            "lost_retried": 0,
            "lost_kept": 0,
        }
        #: (input tokens, generated tokens incl. </s>) of each unit of the last translate call.
        self.last_lengths: list[tuple[int, int]] = []
        #: What the lost-content check did in the last translate call, per unit it caught:
        #: (sentence index, message, fixed). fixed: the retry's output passed; not fixed: the
        #: unit's source text (German) was kept in the output. The pipeline turns these into
        #: ``lost-content`` flags.
        self.last_flags: list[tuple[int, str, bool]] = []
        # Set by the subclass: the model's name and revision, the library's version, and
        # the size of the output vocabulary when the output is restricted to the target side.
        self.model_name = ""
        self.revision: str | None = None
        self.library_version = ""
        self.output_vocabulary: Any = None

    def _set_limits(self, positions: int, max_input_tokens: int | None) -> None:
        """The model's position limit: new tokens after the decoder start, longest input."""
        self._cap = positions - 1
        self.max_input_tokens = max_input_tokens or max_input_for(self._cap)
        if self.max_input_tokens > positions - 1:
            raise ModelError(
                f"max_input_tokens {self.max_input_tokens} exceeds the model's limit of "
                f"{positions - 1} tokens"
            )

    # -- public ----------------------------------------------------------------------------

    @property
    def signature(self) -> dict[str, Any]:
        """What produces this engine's output (goes into every result and the memory key)."""
        sig: dict[str, Any] = {
            "backend": self.backend,
            "model": self.model_name,
            "revision": self.revision,
            **self._setup(),
            "beam_size": self.beam_size,
            "max_input_tokens": self.max_input_tokens,
            self.library: self.library_version,
        }
        if self.output_vocabulary is not None:
            sig["output_vocabulary"] = self.output_vocabulary
        if self.force_length_ratio is not None:
            sig["force_length_ratio"] = self.force_length_ratio
        return sig

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """One translation per sentence, in order; "" for empty input."""
        return self._translate(sentences, {self.beam_option: self.beam_size})

    def retranslate(self, sentences: list[str]) -> list[str]:
        """Translate again with safer decoding (beam >= 4, no repeated trigrams, penalty)."""
        beams = max(RETRY_MIN_BEAM, self.beam_size)
        return self._translate(sentences, {self.beam_option: beams, **RETRY_OPTIONS})

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text`` (without the end-of-sentence token)."""
        return len(self._encode([text])[0])

    # -- what a backend provides -----------------------------------------------------------

    def _setup(self) -> dict[str, Any]:
        """The signature's backend-specific fields (device, precision), in order."""
        raise NotImplementedError

    def _encode(self, texts: Sequence[str]) -> list[list[Token]]:
        """Source tokens of each text, without the end-of-sentence token."""
        raise NotImplementedError

    def _decode_batches(
        self, batches: list[list[list[Token]]], options: dict[str, Any]
    ) -> Iterator[list[str]]:
        """The translations of each batch, batch by batch, in order."""
        raise NotImplementedError

    # -- shared internals ------------------------------------------------------------------

    def _translate(self, sentences: Sequence[str], options: dict[str, Any]) -> list[str]:
        owners, units, texts = self._plan(sentences)
        self.last_lengths = []
        self.last_flags = []
        outputs, runaway = self._decode_units(units, options)
        checking = self.lost_content_check
        if checking is None:
            checking = check_enabled()
        if checking:
            outputs = self._check_lengths(owners, texts, outputs, runaway, options)
        return gather(owners, outputs, len(sentences))

    def _decode_units(
        self, units: list[list[Token]], options: dict[str, Any]
    ) -> tuple[list[str], set[int]]:
        """One output per unit, in order (batched by ``text.plan_batches``), and the units
        whose output ran into the length bound (``text.output_bound``: a real translation
        never does; a model stuck repeating itself does)."""
        outputs: list[str] = [""] * len(units)
        runaway: set[int] = set()
        plan = plan_batches(
            [len(u) for u in units],
            self.batch_size,
            self.max_batch_tokens,
            beams=int(options.get(self.beam_option, 1)),
            step_rows=self.step_cost_rows,
            workers=self.parallel_batches,
        )
        batches = [[units[i] for i in batch] for batch in plan]
        for batch, decoded in zip(plan, self._decode_batches(batches, options), strict=True):
            for i, text in zip(batch, decoded, strict=True):
                outputs[i] = text
            if self.force_length_ratio is None:  # benchmarks force lengths to the bound
                # The backends record (input, generated) per unit, batch by batch, in order.
                done = self.last_lengths[-len(batch) :]
                bounds = self._bounds([units[i] for i in batch])
                for i, (_, generated), bound in zip(batch, done, bounds, strict=True):
                    if generated >= bound:
                        runaway.add(i)
        return outputs, runaway

    def _check_lengths(
        self,
        owners: list[int],
        texts: list[str],
        outputs: list[str],
        runaway: set[int],
        options: dict[str, Any],
    ) -> list[str]:
        """Lost content: every unit whose output is implausibly short or long for its text
        (``lengths.length_problem``; for a piece of a split sentence, also an empty output;
        and any output that ran into the length bound) is translated once more, in smaller
        pieces (halves, cut as ``split_long`` cuts), or, when it cannot be cut, greedily
        (after beam search; after greedy decoding there is no retry). If a retried piece
        fails the check again, the unit's source text is kept. Each caught unit is
        reported in ``last_flags`` and counted."""
        pieces = Counter(owners)  # units per sentence
        caught: dict[int, str] = {}
        for k, (text, out) in enumerate(zip(texts, outputs, strict=True)):
            problem: str | None
            if k in runaway:
                problem = "the output ran into the length bound (runaway?)"
            elif out.strip():
                problem = length_problem(text, out)
            elif pieces[owners[k]] > 1 and count_words(text):
                problem = "nothing returned for this piece"  # a lone empty: the pipeline's
            else:
                problem = None
            if problem is not None:
                caught[k] = problem
        if not caught:
            return outputs
        beams = int(options.get(self.beam_option, 1))
        # A unit that cannot be cut (one token) is retried greedily after beam search; after
        # greedy decoding there is nothing else to try: it keeps its source text.
        other = {**options, self.beam_option: 1} if beams > 1 else None
        retries: dict[int, list[str]] = {}
        for k in caught:
            n = self.count_tokens(texts[k])
            parts = split_long(texts[k], self.count_tokens, max(1, n // 2)) if n > 1 else []
            retries[k] = [p.strip() for p in parts if p.strip()]
        halves = [k for k in caught if len(retries[k]) > 1]
        whole = [k for k in caught if len(retries[k]) <= 1]
        redone: dict[int, list[str]] = {}
        for k in whole:
            retries[k] = [texts[k]]
            redone[k] = [""]  # fails below unless the greedy retry replaces it
        for group, opts in ((halves, options), (whole, other)):
            if not group or opts is None:
                continue
            flat = [p for k in group for p in retries[k]]
            outs, hit = self._decode_units(self._encode(flat), opts)
            position = 0
            for k in group:
                n = len(retries[k])
                redone[k] = outs[position : position + n]
                if hit & set(range(position, position + n)):
                    redone[k] = [""] * n  # ran away again: fails below
                position += n
        fixed = list(outputs)
        for k, problem in caught.items():
            failed = [
                p
                for p, o in zip(retries[k], redone[k], strict=True)
                if not o.strip() or length_problem(p, o) is not None
            ]
            how = (
                f"retried in {len(retries[k])} pieces"
                if k in halves
                else ("retried greedily" if other is not None else "nothing else to try")
            )
            if failed:
                fixed[k] = texts[k]
                self.stats["lost_kept"] += 1
                message = f"{problem}; {how}, still short or long: the German is kept"
                self.last_flags.append((owners[k], message, False))
            else:
                fixed[k] = join_pieces(redone[k])
                self.stats["lost_retried"] += 1
                self.last_flags.append((owners[k], f"{problem}; {how}", True))
            log.info("lost-content check, sentence %d: %s", owners[k], self.last_flags[-1][1])
        return fixed

    def _plan(self, sentences: Sequence[str]) -> tuple[list[int], list[list[Token]], list[str]]:
        """Source tokens and text of every unit to translate and the sentence each belongs
        to."""
        owners, units, texts, split = plan_units(
            sentences, self._encode, self.count_tokens, self.max_input_tokens
        )
        self.stats["split"] += split
        return owners, units, texts

    def _bounds(self, batch: Sequence[Sequence[Token]]) -> list[int]:
        """Most new tokens for each unit of ``batch`` (``text.output_bound``)."""
        return [output_bound(len(x), cap=self._cap) for x in batch]

    def _forced_length(self, n_tokens: int) -> int:
        """Benchmarks: the output length ``force_length_ratio`` gives an input of ``n_tokens``."""
        assert self.force_length_ratio is not None
        return min(self._cap, max(1, math.ceil(self.force_length_ratio * n_tokens)))

    def _count(self, batch_size: int) -> None:
        self.stats["units"] += batch_size
        self.stats["batches"] += 1
