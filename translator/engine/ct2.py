"""The CTranslate2 engine: the same MarianMT model, converted, 3-5x faster on a CPU.

It behaves like the transformers engine (``marian.MarianEngine``): sentences sorted by length
and batched by a token budget, beam size always set, output length bounded relative to the
input, over-long inputs split (never truncated), the same safer decoding for ``retranslate``,
output restricted to the target side's pieces (``vocab.py``; here the output layer is computed
for those ids only: ~32k of opus-mt-de-en's 58,101). Under greedy decoding a float32
conversion gives the transformers engine's output token for token. It never imports torch or
transformers: tokenization uses sentencepiece and the model's ``vocab.json`` directly, exactly
as ``MarianTokenizer`` does (tests check that).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import config
from ..errors import ModelError
from .marian import RETRY_OPTIONS  # the same safer decoding in both backends (cheap import)
from .select import converted_model_for, ct2_root, read_meta
from .text import gather, max_input_for, output_bound, plan_batches, plan_units
from .vocab import EOS, PAD, UNK, VMAP_FILE, read_json

log = logging.getLogger("translator")

#: Most padded source tokens x beam width per batch: a memory bound. Within it the batch
#: plan weighs padding against per-step cost (text.plan_batches, STEP_COST_ROWS) and keeps
#: batches small enough for PARALLEL_BATCHES workers to share the work evenly.
DEFAULT_MAX_BATCH_TOKENS = 4096
#: Batches translated at the same time (CTranslate2's inter_threads), the cores shared among
#: them. On 2 shared cores two one-thread batches beat one two-thread batch: int8 beam 4 by
#: ~25%, float32 by 2-3x (OpenMP threads of one batch wait on each other when the machine is
#: busy). A lone batch then runs on half the cores: fine for articles, not for one sentence.
PARALLEL_BATCHES = 2
#: Fixed cost of one decoding step of a batch (reading and packing the weights), in beam
#: rows: on 2 cores (int8, one thread per batch, full-size model) a greedy step of one
#: sentence took ~7.7 ms and each further row ~1 ms (beam 4: ~6.7 ms + ~4 ms a sentence).
#: Steers the batch plan (text.plan_batches).
STEP_COST_ROWS = 7.0

_SPECIAL = (EOS, UNK, PAD)
_SPIECE_UNDERLINE = "\u2581"


class MarianPieces:
    """MarianTokenizer's encoding and decoding, from sentencepiece + ``vocab.json`` alone.

    Encoding: a leading ``>>xx<<`` language code kept as one token, literal special tokens
    (``</s>``, ``<unk>``, ``<pad>``) kept whole, everything else split by ``source.spm``;
    tokens outside ``vocab.json`` become ``<unk>``.
    Decoding: special tokens dropped, the rest joined by the source model (or ``target.spm``
    for models with separate vocabularies, as transformers does), ``▁`` to spaces, stripped.
    """

    def __init__(self, folder: Path) -> None:
        import sentencepiece as spm

        try:
            self.source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
            target_file = folder / "target.spm"
            self.target = (
                spm.SentencePieceProcessor(model_file=str(target_file))
                if target_file.is_file()
                else self.source
            )
            tok_config = read_json(folder / "tokenizer_config.json")
            self.vocab = frozenset(read_json(folder / "vocab.json"))
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load the tokenizer files in {folder}: {exc}") from exc
        self.separate_vocabs = bool(tok_config.get("separate_vocabs", False))
        self._decoder = self.target if self.separate_vocabs else self.source

    def encode(self, text: str) -> list[str]:
        """Source tokens of ``text`` without the final ``</s>``."""
        tokens: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            tokens.append(text[: end + 2])
            text = text[end + 2 :]
        for segment, special in _split_special(text):
            if special:
                tokens.append(segment)
            elif segment:
                tokens.extend(self.source.encode(segment, out_type=str))
        # Pieces (and language codes) outside the model's vocabulary are <unk> to the model.
        return [t if t in self.vocab else UNK for t in tokens]

    def decode(self, tokens: Sequence[str]) -> str:
        pieces = [t for t in tokens if t not in _SPECIAL]
        text: str = self._decoder.decode_pieces(pieces) if pieces else ""
        return text.replace(_SPIECE_UNDERLINE, " ").strip()


def _split_special(text: str) -> list[tuple[str, bool]]:
    """``text`` cut around literal special tokens: [(segment, is_special), ...]."""
    parts: list[tuple[str, bool]] = []
    start = i = 0
    while i < len(text):
        hit = next((s for s in _SPECIAL if text.startswith(s, i)), None)
        if hit is None:
            i += 1
            continue
        parts.append((text[start:i], False))
        parts.append((hit, True))
        i += len(hit)
        start = i
    parts.append((text[start:], False))
    return parts


class CTranslate2Engine:
    """Translate sentences with a CTranslate2 conversion of a MarianMT model.

    Args:
        model: a Hub id or MarianMT folder (its conversion from ``translator model convert``
            is used; ModelError naming that command if there is none), or a converted folder.
        device: ``auto`` (CUDA when CTranslate2 sees a GPU), ``cpu`` or ``cuda``.
        beam_size: beam width (1 = greedy); always passed (CTranslate2's own default is 2).
        batch_size: most sentences per batch.
        compute_type: CTranslate2 compute type; default: the conversion's quantization
            (int8 on CPU, float16 on CUDA unless converted otherwise).
        max_batch_tokens: budget of padded source tokens x beam width per batch.
        revision: the Hub revision whose conversion to use (as given to ``model convert``).
        local_files_only: accepted for interface parity (a conversion is always local).
        max_input_tokens: longest input translated in one piece; longer sentences are split
            (clauses, then words) and the pieces' translations rejoined, never truncated.
        force_length_ratio: benchmarks only: outputs are forced to ``ratio x`` their input's
            tokens, so a random-weight model costs what a real one does (greedy: each row its
            own length; beam search: every row the batch's longest, as in the transformers
            engine).
        threads: CPU threads in all (default: every core this process may use).
        parallel_batches: batches translated at the same time, each on ``threads //
            parallel_batches`` threads (CTranslate2's inter_threads; default
            ``PARALLEL_BATCHES``, at most ``threads``).
    """

    def __init__(
        self,
        model: str = config.DEFAULT_MODEL,
        *,
        device: str = "auto",
        beam_size: int = 4,
        batch_size: int = 32,
        compute_type: str | None = None,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        revision: str | None = None,
        local_files_only: bool | None = None,
        max_input_tokens: int | None = None,
        force_length_ratio: float | None = None,
        threads: int | None = None,
        parallel_batches: int = PARALLEL_BATCHES,
    ) -> None:
        if beam_size < 1 or batch_size < 1 or max_batch_tokens < 1:
            raise ModelError("beam size, batch size and max batch tokens must be at least 1")
        import ctranslate2

        # A folder is named by its absolute path (as in MarianEngine): `./m` and `/abs/m` alike.
        path = Path(model).expanduser()
        self.model_name = str(path.resolve()) if path.is_dir() else model
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.force_length_ratio = force_length_ratio
        self.device, device_index = _pick_device(device, ctranslate2)
        folder = converted_model_for(
            model, compute_type=compute_type, device=self.device, revision=revision
        )
        if folder is None:
            raise ModelError(
                f"no CTranslate2 conversion of {model!r} in {ct2_root()}: run "
                f"`translator model convert {model}` first (or use --backend transformers)"
            )
        self.path = folder
        self.meta = read_meta(folder)
        self.threads = max(1, threads or _cores())
        self.parallel_batches = max(1, min(parallel_batches, self.threads))
        try:
            self._translator = ctranslate2.Translator(
                str(folder),
                device=self.device,
                device_index=device_index,
                compute_type=compute_type or "default",
                inter_threads=self.parallel_batches,
                intra_threads=max(1, self.threads // self.parallel_batches),
            )
        except (RuntimeError, ValueError, OSError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load the CTranslate2 model in {folder}: {first}") from exc
        self._pieces = MarianPieces(folder)
        positions = int(self.meta.get("max_position_embeddings", 512))
        self._cap = positions - 1  # new tokens after the decoder start token
        self.max_input_tokens = max_input_tokens or max_input_for(self._cap)
        if self.max_input_tokens > positions - 1:
            raise ModelError(
                f"max_input_tokens {self.max_input_tokens} exceeds the model's limit of "
                f"{positions - 1} tokens"
            )
        # Tokens the model must never produce (a conversion that kept <pad>, see convert.py).
        self._suppress = [[t] for t in self.meta.get("suppress", [])]
        # Output restricted to the target side's pieces (vocab.py; written by the conversion).
        self._use_vmap = (folder / VMAP_FILE).is_file()
        self._version = str(ctranslate2.__version__)
        #: Counters since loading: units (pieces) translated, sentences split, and outputs that
        #: ran into the length bound (likely runaway repetition; QA may look at them).
        self.stats: dict[str, int] = {"units": 0, "batches": 0, "split": 0, "bound_hits": 0}
        #: (input tokens, generated tokens incl. </s>) of each unit of the last translate call.
        self.last_lengths: list[tuple[int, int]] = []
        log.info(
            "loaded %s (CTranslate2 %s, %s) on %s: %d batch(es) at a time on %d thread(s)",
            model,
            folder,
            self._translator.compute_type,
            self.device,
            self.parallel_batches,
            self.threads,
        )

    # -- public ----------------------------------------------------------------------------

    @property
    def signature(self) -> dict[str, Any]:
        """What produces this engine's output (goes into every result and the memory key)."""
        sig: dict[str, Any] = {
            "backend": "ctranslate2",
            "model": self.model_name,
            "revision": self.meta.get("revision"),
            "quantization": self.meta.get("quantization"),
            "compute_type": self._translator.compute_type,
            "device": self.device,
            "beam_size": self.beam_size,
            "max_input_tokens": self.max_input_tokens,
            "ctranslate2": self._version,
        }
        if self._use_vmap:
            sig["output_vocabulary"] = self.meta.get("output_vocabulary", "target")
        if self.force_length_ratio is not None:
            sig["force_length_ratio"] = self.force_length_ratio
        return sig

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """One translation per sentence, in order; "" for empty input."""
        return self._translate(sentences, {"beam_size": self.beam_size})

    def retranslate(self, sentences: list[str]) -> list[str]:
        """Translate again with safer decoding (beam >= 4, no repeated trigrams, penalty)."""
        return self._translate(sentences, {"beam_size": max(4, self.beam_size), **RETRY_OPTIONS})

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text`` (without the end-of-sentence token)."""
        return len(self._pieces.encode(text))

    # -- internals -------------------------------------------------------------------------

    def _translate(self, sentences: Sequence[str], options: dict[str, Any]) -> list[str]:
        owners, units = self._plan(sentences)
        self.last_lengths = []
        outputs: list[str] = [""] * len(units)
        # Every batch is submitted at once; CTranslate2 runs `parallel_batches` of them at a
        # time and the results are collected in order.
        plan = plan_batches(
            [len(u) for u in units],
            self.batch_size,
            self.max_batch_tokens,
            beams=int(options.get("beam_size", 1)),
            step_rows=STEP_COST_ROWS,
            workers=self.parallel_batches,
        )
        submitted = [self._submit([units[i] for i in batch], options) for batch in plan]
        for batch, (pending, bounds) in zip(plan, submitted, strict=True):
            decoded = self._collect([units[i] for i in batch], pending, bounds)
            for i, text in zip(batch, decoded, strict=True):
                outputs[i] = text
        return gather(owners, outputs, len(sentences))

    def _plan(self, sentences: Sequence[str]) -> tuple[list[int], list[list[str]]]:
        """Source tokens of every unit to translate and the sentence each belongs to."""
        owners, units, split = plan_units(
            sentences,
            lambda texts: [self._pieces.encode(t) for t in texts],
            self.count_tokens,
            self.max_input_tokens,
        )
        self.stats["split"] += split
        return owners, units

    def _submit(
        self, batch: list[list[str]], options: dict[str, Any]
    ) -> tuple[list[Any], list[int]]:
        """Start translating one batch; returns its pending results and per-row bounds."""
        extra: dict[str, Any] = {}
        if self.force_length_ratio is not None:
            ratio = self.force_length_ratio
            bounds = [min(self._cap, max(1, math.ceil(ratio * len(x)))) for x in batch]
            n = max(bounds)
            lengths = {"max_decoding_length": n, "min_decoding_length": n}
            if int(options.get("beam_size", 1)) == 1:
                # Greedy: each row stops at its own forced length, as a real translation
                # stops at its own </s> and leaves the batch. Beam search has no such hook:
                # there every row runs to the batch's longest forced length (more work than
                # a real translation does, never less).
                extra["callback"] = lambda step: step.step + 1 >= bounds[step.batch_id]
            else:
                bounds = [n] * len(batch)
        else:
            # Each row is held to its own bound, as in the transformers engine, which spends
            # a row's last step on a forced </s>: so a row keeps at most bound - 1 tokens.
            # Cutting a greedy row afterwards gives exactly what forcing </s> there gives.
            bounds = [output_bound(len(x), cap=self._cap) for x in batch]
            # min 0: like transformers, </s> may come first (CTranslate2's default is 1; an
            # empty output is then retried by the pipeline, never dropped).
            lengths = {"max_decoding_length": max(1, max(bounds) - 1), "min_decoding_length": 0}
        pending = self._translator.translate_batch(
            [tokens + [EOS] for tokens in batch],
            max_batch_size=0,  # batches are planned in _translate
            asynchronous=True,
            num_hypotheses=1,
            max_input_length=0,  # never truncate: long inputs were split in _plan
            return_end_token=True,
            suppress_sequences=self._suppress or None,
            use_vmap=self._use_vmap,
            **lengths,
            **options,
            **extra,
        )
        return list(pending), bounds

    def _collect(self, batch: list[list[str]], pending: list[Any], bounds: list[int]) -> list[str]:
        try:
            results = [p.result() for p in pending]
        except RuntimeError as exc:  # out of memory, device errors: say which batch
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(
                f"CTranslate2 failed on a batch of {len(batch)} sentences of up to "
                f"{max(len(x) for x in batch)} tokens: {first} (try a smaller --batch-size)"
            ) from exc
        texts: list[str] = []
        for tokens, result, bound in zip(batch, results, bounds, strict=True):
            hyp = list(result.hypotheses[0]) if result.hypotheses else []
            ended = bool(hyp) and hyp[-1] == EOS
            real = hyp[:-1] if ended else hyp
            if self.force_length_ratio is not None:
                generated = len(hyp)
            elif ended and len(real) < bound:
                generated = len(hyp)
            else:  # the bound was hit: keep what transformers keeps before its forced </s>
                real = real[: bound - 1]
                generated = bound
                self.stats["bound_hits"] += 1
            self.last_lengths.append((len(tokens), generated))
            texts.append(self._pieces.decode(real))
        self.stats["units"] += len(batch)
        self.stats["batches"] += 1
        return texts


def _pick_device(device: str, ctranslate2: Any) -> tuple[str, int]:
    """(CTranslate2 device, device index) for ``auto``, ``cpu``, ``cuda`` or ``cuda:N``."""
    device = (device or "auto").lower()
    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return ("cuda" if gpus > 0 else "cpu"), 0
    if device == "cpu":
        return "cpu", 0
    if device == "cuda" or device.startswith("cuda:"):
        index = device.partition(":")[2]
        if gpus == 0 or not (index.isdigit() or not index) or int(index or 0) >= gpus:
            raise ModelError(f"--device {device} asked for, but no such CUDA device is available")
        return "cuda", int(index or 0)
    raise ModelError(f"unknown device {device!r} (use auto, cpu or cuda)")


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
