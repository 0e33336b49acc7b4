"""The MarianMT engine (transformers): Helsinki-NLP/opus-mt-de-en or any local Marian folder.

What both engines share (options, device and threads, planning, retries, the signature's
common part) is in ``base.BaseEngine``; this module holds what transformers does differently:
tokenizing with ``MarianTokenizer``, padding id tensors and bounding ``generate()`` with
logits processors. torch and transformers are imported inside the functions that need them,
never at import.
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
from ..options import Options
from .base import MODEL_LOAD_LOCK, BaseEngine, first_line, pick_device
from .hub import resolve_model
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


class MarianEngine(BaseEngine[int]):
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
        lost_content_check: the lost-content check (``lengths``) on or off; None: as
            ``$TRANSLATOR_LOST_CONTENT_CHECK`` says at each call.
    """

    backend = "transformers"
    library = "transformers"
    beam_option = "num_beams"
    step_cost_rows = STEP_COST_ROWS

    def __init__(
        self,
        model: str = config.DEFAULT_MODEL,
        *,
        device: str = "auto",
        beam_size: int = Options.beam_size,
        batch_size: int = Options.batch_size,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        revision: str | None = None,
        local_files_only: bool | None = None,
        max_input_tokens: int | None = None,
        force_length_ratio: float | None = None,
        threads: int | None = None,
        lost_content_check: bool | None = None,
    ) -> None:
        super().__init__(
            beam_size=beam_size,
            batch_size=batch_size,
            max_batch_tokens=max_batch_tokens,
            force_length_ratio=force_length_ratio,
            threads=threads,
            lost_content_check=lost_content_check,
        )
        self.location = resolve_model(model, revision=revision, local_files_only=local_files_only)
        # A folder is named by its absolute path, so `./m` and `/abs/m` sign alike.
        self.model_name = (
            str(self.location.path.resolve()) if self.location.kind == "folder" else model
        )
        self.revision = self.location.revision

        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        self.device = pick_device(device, gpus)
        torch.set_num_threads(self.threads)
        self._tokenizer, self._model = _load(self.location.path, self.device)
        import transformers  # imported by _load, under the lock

        self._torch = torch
        self.library_version = transformers.__version__
        cfg = self._model.config
        self._set_limits(
            min(int(cfg.max_position_embeddings), int(self._tokenizer.model_max_length)),
            max_input_tokens,
        )
        self._pad_id = int(cfg.pad_token_id)
        self._eos_id = int(cfg.eos_token_id)
        # Only the target side's pieces may be generated (vocab.py), as in the CTranslate2
        # engine, whose output layer covers just those ids: the two backends agree.
        output = target_pieces(self.location.path)
        self.output_vocabulary = None if output is None else len(output)
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

    def _setup(self) -> dict[str, Any]:
        return {"device": self.device, "dtype": str(self._model.dtype).removeprefix("torch.")}

    # -- tokens in, text out -----------------------------------------------------------------

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        with quiet():
            return [
                list(x) for x in self._tokenizer(list(texts), add_special_tokens=False)["input_ids"]
            ]

    def _decode_batches(
        self, batches: list[list[list[int]]], options: dict[str, Any]
    ) -> Iterator[list[str]]:
        for batch in batches:
            yield self._generate(batch, options)

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
            n = self._forced_length(longest - 1)
            lengths: dict[str, Any] = {"max_new_tokens": n, "min_new_tokens": n}
            lengths["logits_processor"] = list(self._restrict)
        else:
            # The batch stops at its longest member's bound; shorter members are held to
            # their own bound by forcing </s> (sorted batches make the two close anyway).
            bounds = self._bounds(batch)
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
            raise ModelError(
                f"generation failed for a batch of {len(batch)} sentences of up to "
                f"{longest} tokens on {self.device}: {first_line(exc)} (try a smaller "
                "--batch-size)"
            ) from exc
        with quiet():
            texts = list(self._tokenizer.batch_decode(out, skip_special_tokens=True))
        # The decoder starts with <pad> and may never generate it (bad_words_ids), so the
        # non-pad tokens of a row are exactly the generated ones (including the final </s>).
        generated = [int((row != self._pad_id).sum()) for row in out]
        self._count(len(batch))
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


def _load(path: os.PathLike[str] | str, device: str) -> tuple[Any, Any]:
    import torch

    with MODEL_LOAD_LOCK:
        from transformers import MarianMTModel, MarianTokenizer

        try:
            with quiet():
                tokenizer = MarianTokenizer.from_pretrained(str(path))
                # transformers 5 loads in the checkpoint's dtype by default (float16 for some
                # opus-mt uploads), which is slow and lossy on a CPU: always compute in float32.
                model = MarianMTModel.from_pretrained(str(path), dtype=torch.float32)
        except Exception as exc:  # corrupt or foreign files: one line, naming the folder
            raise ModelError(f"cannot load the model in {path}: {first_line(exc)}") from exc
    try:
        model.to(device)  # type: ignore[arg-type]
    except (RuntimeError, AssertionError) as exc:  # out of memory, a driver or build mismatch
        raise ModelError(f"cannot load the model in {path} on {device}: {first_line(exc)}") from exc
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
