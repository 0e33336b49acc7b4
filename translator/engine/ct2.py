"""The CTranslate2 engine: the same MarianMT model, converted, 3-5x faster on a CPU.

What both engines share is in ``base.BaseEngine``; this module holds what CTranslate2 does
differently (tokenizing without transformers, asynchronous batches, the vocabulary map). It
behaves like the transformers engine (``marian.MarianEngine``): sentences sorted by length
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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import config
from ..errors import ModelError
from ..options import Options
from .base import BaseEngine, first_line, folder_name, pick_device
from .select import converted_model_for, ct2_root, read_meta
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
    tokens outside the model's vocabulary become ``<unk>`` (see `_vocabulary`).
    Decoding: special tokens dropped, the rest joined by the source model (or ``target.spm``
    for models with separate vocabularies, as transformers does), ``▁`` to spaces, stripped.
    """

    def __init__(self, folder: Path) -> None:
        import sentencepiece as spm

        try:
            tok_config = read_json(folder / "tokenizer_config.json")
            self.separate_vocabs = bool(tok_config.get("separate_vocabs", False))
            self.source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
            # target.spm decodes only models with separate vocabularies (as in transformers):
            # for the others (opus-mt-de-en) it is not read at all (~0.03 s of every start).
            target_file = folder / "target.spm"
            self._decoder = (
                spm.SentencePieceProcessor(model_file=str(target_file))
                if self.separate_vocabs and target_file.is_file()
                else self.source
            )
            self.vocab = _vocabulary(folder)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load the tokenizer files in {folder}: {exc}") from exc

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


def _vocabulary(folder: Path) -> frozenset[str]:
    """The source tokens the model knows: in a CTranslate2 conversion, the vocabulary the
    conversion gave CTranslate2 (``shared_vocabulary.json``, or ``source_vocabulary.json``
    for separate vocabularies), which maps any other token to ``<unk>`` itself; else the
    keys of ``vocab.json``. The two hold the same pieces, except that CTranslate2 leaves out
    ``<pad>`` (the decoder's start, never an input) unless convert.py kept it; and the list
    reads in a third of the time of ``vocab.json``'s mapping, on the way of every start."""
    import json

    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        path = folder / name
        if path.is_file():
            tokens = json.loads(path.read_text("utf-8"))
            if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens):
                return frozenset(tokens)
            raise ValueError(f"{name} is not a list of tokens")
    return frozenset(read_json(folder / "vocab.json"))


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


class CTranslate2Engine(BaseEngine[str]):
    """Translate sentences with a CTranslate2 conversion of a MarianMT model.

    Args:
        model: a Hub id or MarianMT folder (its conversion from ``translator model convert``
            is used; ModelError naming that command if there is none), or a converted folder.
        device: ``auto`` (CUDA when CTranslate2 sees a GPU), ``cpu``, ``cuda`` or ``cuda:N``.
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
        threads: CPU threads in all; default $OMP_NUM_THREADS if set, else the cores this
            process may use (as in the transformers engine).
        parallel_batches: batches translated at the same time, each on ``threads //
            parallel_batches`` threads (CTranslate2's inter_threads; default
            ``PARALLEL_BATCHES``, at most ``threads``).
    """

    backend = "ctranslate2"
    library = "ctranslate2"
    beam_option = "beam_size"
    step_cost_rows = STEP_COST_ROWS

    def __init__(
        self,
        model: str = config.DEFAULT_MODEL,
        *,
        device: str = "auto",
        beam_size: int = Options.beam_size,
        batch_size: int = Options.batch_size,
        compute_type: str | None = None,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        revision: str | None = None,
        local_files_only: bool | None = None,
        max_input_tokens: int | None = None,
        force_length_ratio: float | None = None,
        threads: int | None = None,
        lost_content_check: bool | None = None,
        parallel_batches: int = PARALLEL_BATCHES,
    ) -> None:
        super().__init__(
            beam_size=beam_size,
            batch_size=batch_size,
            max_batch_tokens=max_batch_tokens,
            force_length_ratio=force_length_ratio,
            threads=threads,
            lost_content_check=lost_content_check,
        )
        import ctranslate2

        self.model_name = folder_name(model)
        picked = pick_device(device, ctranslate2.get_cuda_device_count())
        self.device, _, index = picked.partition(":")  # CTranslate2 takes the index apart
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
        self.revision = self.meta.get("revision")
        self.parallel_batches = max(1, min(parallel_batches, self.threads))
        try:
            self._translator = ctranslate2.Translator(
                str(folder),
                device=self.device,
                device_index=int(index or 0),
                # A conversion whose quantized computation failed its check (convert.py)
                # runs in float32 unless asked otherwise.
                compute_type=compute_type or self.meta.get("compute_type") or "default",
                inter_threads=self.parallel_batches,
                intra_threads=max(1, self.threads // self.parallel_batches),
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"cannot load the CTranslate2 model in {folder} on {picked}: {first_line(exc)}"
            ) from exc
        self._pieces = MarianPieces(folder)
        self._set_limits(int(self.meta.get("max_position_embeddings", 512)), max_input_tokens)
        # Tokens the model must never produce (a conversion that kept <pad>, see convert.py).
        self._suppress = [[t] for t in self.meta.get("suppress", [])]
        # Output restricted to the target side's pieces (vocab.py; written by the conversion).
        self._use_vmap = (folder / VMAP_FILE).is_file()
        if self._use_vmap:
            self.output_vocabulary = self.meta.get("output_vocabulary", "target")
        self.library_version = str(ctranslate2.__version__)
        log.info(
            "loaded %s (CTranslate2 %s, %s) on %s: %d batch(es) at a time on %d thread(s)",
            model,
            folder,
            self._translator.compute_type,
            self.device,
            self.parallel_batches,
            self.threads,
        )

    def _setup(self) -> dict[str, Any]:
        return {
            "quantization": self.meta.get("quantization"),
            "compute_type": self._translator.compute_type,
            "device": self.device,
        }

    # -- tokens in, text out -----------------------------------------------------------------

    def _encode(self, texts: Sequence[str]) -> list[list[str]]:
        return [self._pieces.encode(t) for t in texts]

    def _decode_batches(
        self, batches: list[list[list[str]]], options: dict[str, Any]
    ) -> Iterator[list[str]]:
        # Every batch is submitted at once; CTranslate2 runs `parallel_batches` of them at a
        # time and the results are collected in order.
        submitted = [self._submit(batch, options) for batch in batches]
        for batch, (pending, bounds) in zip(batches, submitted, strict=True):
            yield self._collect(batch, pending, bounds)

    def _submit(
        self, batch: list[list[str]], options: dict[str, Any]
    ) -> tuple[list[Any], list[int]]:
        """Start translating one batch; returns its pending results and per-row bounds."""
        extra: dict[str, Any] = {}
        if self.force_length_ratio is not None:
            bounds = [self._forced_length(len(x)) for x in batch]
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
            bounds = self._bounds(batch)
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
            raise ModelError(
                f"CTranslate2 failed on a batch of {len(batch)} sentences of up to "
                f"{max(len(x) for x in batch)} tokens: {first_line(exc)} (try a smaller "
                "--batch-size)"
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
        self._count(len(batch))
        return texts


