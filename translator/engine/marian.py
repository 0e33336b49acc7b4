"""The MarianMT engine (transformers): Helsinki-NLP/opus-mt-de-en or any local Marian folder.

torch and transformers are imported inside the functions that need them, never at import.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from .. import config
from ..errors import ModelError
from .hub import resolve_model
from .text import gather, max_input_for, output_bound, plan_batches, plan_units
from .vocab import target_pieces

log = logging.getLogger("translator")

#: Padded source tokens x beam width per generate() call. Beam 4 with 32 sentences was slower
#: than with 8 (padding and beam bookkeeping; see REFERENCE.md): ~1,000 keeps beam-4 batches
#: near 8-10 news sentences and lets greedy batches grow to the batch size.
DEFAULT_MAX_BATCH_TOKENS = 1024
#: Fixed cost of one generate() step of a batch (Python, kernel launches, weights), in beam
#: rows: on 2 cores (full-size model, float32) a greedy step of one sentence took ~25 ms and
#: each further row ~5 ms. Steers the batch plan (text.plan_batches) within the budget.
STEP_COST_ROWS = 4.5

#: Safer decoding for `retranslate` (empty or runaway output on the first pass).
RETRY_OPTIONS: dict[str, Any] = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.2}


class MarianEngine:
    """Translate sentences with a MarianMT model through transformers.

    Args:
        model: Hub id (looked up in the HF cache first) or a local model folder.
        device: ``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda`` or ``cuda:N``.
        beam_size: beam width (1 = greedy).
        batch_size: most sentences per generate() call.
        max_batch_tokens: budget of padded source tokens x beam width per generate() call.
        revision: Hub revision (branch, tag or commit) of a Hub id.
        local_files_only: never touch the network (also implied by $HF_HUB_OFFLINE=1).
        max_input_tokens: longest input sent to the model in one piece; longer sentences are
            split (clauses, then words) and the translated pieces rejoined, never truncated.
            Default: what keeps the output bound within the model's positions (334 for 512).
        force_length_ratio: benchmarks only: every batch generates exactly ``ratio x`` its
            longest input in tokens, so a random-weight model costs what a real one does.
        threads: torch CPU threads (process-wide); default $OMP_NUM_THREADS if set, else the
            cores this process may use. On a busy machine 1 is much faster for small models.
    """

    def __init__(
        self,
        model: str = config.DEFAULT_MODEL,
        *,
        device: str = "auto",
        beam_size: int = 4,
        batch_size: int = 32,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        revision: str | None = None,
        local_files_only: bool | None = None,
        max_input_tokens: int | None = None,
        force_length_ratio: float | None = None,
        threads: int | None = None,
    ) -> None:
        if beam_size < 1 or batch_size < 1 or max_batch_tokens < 1:
            raise ModelError("beam size, batch size and max batch tokens must be at least 1")
        self.location = resolve_model(model, revision=revision, local_files_only=local_files_only)
        # A folder is named by its absolute path, so `./m` and `/abs/m` sign alike.
        self.model_name = (
            str(self.location.path.resolve()) if self.location.kind == "folder" else model
        )
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.force_length_ratio = force_length_ratio

        import torch

        self.device = _pick_device(device, torch)
        torch.set_num_threads(threads or _threads())
        self._tokenizer, self._model = _load(self.location.path, self.device)
        self._torch = torch
        cfg = self._model.config
        positions = min(int(cfg.max_position_embeddings), int(self._tokenizer.model_max_length))
        self._cap = positions - 1  # new tokens after the decoder start token
        self.max_input_tokens = max_input_tokens or max_input_for(self._cap)
        if self.max_input_tokens > positions - 1:
            raise ModelError(
                f"max_input_tokens {self.max_input_tokens} exceeds the model's limit of "
                f"{positions - 1} tokens"
            )
        #: Counters since loading: units (pieces) translated, sentences split, and outputs that
        #: ran into the length bound (likely runaway repetition; QA may look at them).
        self.stats: dict[str, int] = {"units": 0, "batches": 0, "split": 0, "bound_hits": 0}
        #: (input tokens, generated tokens) of each unit of the last translate call.
        self.last_lengths: list[tuple[int, int]] = []
        self._pad_id = int(cfg.pad_token_id)
        self._eos_id = int(cfg.eos_token_id)
        # Only the target side's pieces may be generated (vocab.py), as in the CTranslate2
        # engine, whose output layer covers just those ids: the two backends agree.
        output = target_pieces(self.location.path)
        self._output_size = None if output is None else len(output)
        self._restrict: list[Any] = []
        if output is not None:
            keep = self._tokenizer.convert_tokens_to_ids(output)
            self._restrict = [_only(keep, int(cfg.vocab_size), self.device)]
        log.info(
            "loaded %s (%s, revision %s) on %s",
            model,
            self.location.path,
            self.location.revision,
            self.device,
        )

    # -- public ----------------------------------------------------------------------------

    @property
    def signature(self) -> dict[str, Any]:
        """What produces this engine's output (goes into every result and the memory key)."""
        import transformers

        sig: dict[str, Any] = {
            "backend": "transformers",
            "model": self.model_name,
            "revision": self.location.revision,
            "device": self.device,
            "dtype": str(self._model.dtype).removeprefix("torch."),
            "beam_size": self.beam_size,
            "max_input_tokens": self.max_input_tokens,
            "transformers": transformers.__version__,
        }
        if self._output_size is not None:
            sig["output_vocabulary"] = self._output_size
        if self.force_length_ratio is not None:
            sig["force_length_ratio"] = self.force_length_ratio
        return sig

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """One translation per sentence, in order; "" for empty input."""
        return self._translate(sentences, {"num_beams": self.beam_size})

    def retranslate(self, sentences: list[str]) -> list[str]:
        """Translate again with safer decoding (beam >= 4, no repeated trigrams, penalty)."""
        return self._translate(sentences, {"num_beams": max(4, self.beam_size), **RETRY_OPTIONS})

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text`` (without the end-of-sentence token)."""
        return len(self._encode([text])[0])

    # -- internals -------------------------------------------------------------------------

    def _translate(self, sentences: Sequence[str], options: dict[str, Any]) -> list[str]:
        owners, ids = self._plan(sentences)
        self.last_lengths = []
        outputs: list[str] = [""] * len(ids)
        plan = plan_batches(
            [len(x) for x in ids],
            self.batch_size,
            self.max_batch_tokens,
            beams=int(options.get("num_beams", 1)),
            step_rows=STEP_COST_ROWS,
        )
        for batch in plan:
            decoded = self._generate([ids[i] for i in batch], options)
            for i, text in zip(batch, decoded, strict=True):
                outputs[i] = text
        return gather(owners, outputs, len(sentences))

    def _plan(self, sentences: Sequence[str]) -> tuple[list[int], list[list[int]]]:
        """Token ids of every unit to translate and the sentence each belongs to."""
        owners, ids, split = plan_units(
            sentences, self._encode, self.count_tokens, self.max_input_tokens
        )
        self.stats["split"] += split
        return owners, ids

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        with quiet():
            return [
                list(x) for x in self._tokenizer(list(texts), add_special_tokens=False)["input_ids"]
            ]

    def _generate(self, batch: list[list[int]], options: dict[str, Any]) -> list[str]:
        torch = self._torch
        longest = max(len(x) for x in batch) + 1  # + </s>
        input_ids = torch.full((len(batch), longest), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, ids in enumerate(batch):
            seq = ids + [self._eos_id]
            input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
            mask[row, : len(seq)] = 1
        if self.force_length_ratio is not None:
            n = min(self._cap, max(1, math.ceil(self.force_length_ratio * (longest - 1))))
            lengths: dict[str, Any] = {"max_new_tokens": n, "min_new_tokens": n}
            lengths["logits_processor"] = list(self._restrict)
        else:
            # The batch stops at its longest member's bound; shorter members are held to
            # their own bound by forcing </s> (sorted batches make the two close anyway).
            bounds = [output_bound(len(ids), cap=self._cap) for ids in batch]
            lengths = {"max_new_tokens": max(bounds)}
            beams = int(options.get("num_beams", 1))
            row_bounds = _row_bounds(bounds, beams, self._eos_id)
            lengths["logits_processor"] = [*self._restrict, row_bounds]
        try:
            with torch.inference_mode(), quiet():
                out = self._model.generate(
                    input_ids=input_ids.to(self.device),
                    attention_mask=mask.to(self.device),
                    max_length=None,
                    **lengths,
                    **options,
                )
        except RuntimeError as exc:  # out of memory, device errors: say which batch
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(
                f"generation failed for a batch of {len(batch)} sentences of up to "
                f"{longest} tokens on {self.device}: {first} (try a smaller --batch-size)"
            ) from exc
        with quiet():
            texts = list(self._tokenizer.batch_decode(out, skip_special_tokens=True))
        # The decoder starts with <pad> and may never generate it (bad_words_ids), so the
        # non-pad tokens of a row are exactly the generated ones (including the final </s>).
        generated = [int((row != self._pad_id).sum()) for row in out]
        self.stats["units"] += len(batch)
        self.stats["batches"] += 1
        if self.force_length_ratio is None:
            self.stats["bound_hits"] += sum(g >= b for g, b in zip(generated, bounds, strict=True))
        self.last_lengths.extend(zip([len(x) for x in batch], generated, strict=True))
        return texts


def _only(keep: list[int], vocab_size: int, device: str) -> Any:
    """A logits processor that leaves only the ids ``keep``, renormalised over them.

    The result is what an output layer over just those ids gives (CTranslate2's vmap):
    log-probabilities over the allowed ids, -inf elsewhere, in greedy and beam search alike.
    """
    import torch
    from transformers import LogitsProcessor

    bias = torch.full((vocab_size,), -math.inf, device=device)
    bias[torch.tensor(sorted(set(keep)), dtype=torch.long, device=device)] = 0.0

    class Only(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> Any:
            return torch.log_softmax(scores + bias.to(scores.dtype), dim=-1)

    return Only()


def _row_bounds(bounds: list[int], beams: int, eos_id: int) -> Any:
    """A logits processor that ends row ``i`` with </s> once it has ``bounds[i]`` tokens."""
    import torch
    from transformers import LogitsProcessor

    # Rows are sentence-major: beam j of sentence i is row i * beams + j.
    last_free = torch.tensor([b - 1 for b in bounds for _ in range(beams)])

    class RowBounds(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> Any:
            generated = input_ids.shape[1] - 1  # minus the decoder start token
            done = last_free.to(scores.device) <= generated
            if bool(done.any()):
                scores[done] = -math.inf
                scores[done, eos_id] = 0.0
            return scores

    return RowBounds()


# -- loading -----------------------------------------------------------------------------------


def _pick_device(device: str, torch: Any) -> str:
    device = (device or "auto").lower()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        return "cpu"
    if device == "cuda" or device.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise ModelError(f"--device {device} asked for, but no CUDA device is available")
        return device
    raise ModelError(f"unknown device {device!r} (use auto, cpu or cuda)")


def _threads() -> int:
    """$OMP_NUM_THREADS when the user set it, else every core this process may run on."""
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _load(path: os.PathLike[str] | str, device: str) -> tuple[Any, Any]:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    try:
        with quiet():
            tokenizer = MarianTokenizer.from_pretrained(str(path))
            # transformers 5 loads in the checkpoint's dtype by default (float16 for some
            # opus-mt uploads), which is slow and lossy on a CPU: always compute in float32.
            model = MarianMTModel.from_pretrained(str(path), dtype=torch.float32)
    except Exception as exc:  # corrupt or foreign files: one line, naming the folder
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"cannot load the model in {path}: {first}") from exc
    model.to(device)  # type: ignore[arg-type]
    model.eval()
    return tokenizer, model


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence loading bars and the libraries' advice for the duration (restored after).

    Same effect as HF_HUB_DISABLE_PROGRESS_BARS=1 without changing the user's environment.
    """
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses, which its encoding never uses.
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
