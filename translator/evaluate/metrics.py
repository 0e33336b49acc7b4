"""The scores: sacrebleu's BLEU and chrF (with signatures), glossary terms, optional COMET."""

from __future__ import annotations

import importlib.util
import inspect
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError

if TYPE_CHECKING:
    from ..glossary import Entry, Glossary

log = logging.getLogger("translator")


@dataclass(frozen=True)
class Score:
    """One corpus-level score and the sacrebleu signature that makes it reproducible."""

    score: float
    signature: str
    detail: str = ""  # sacrebleu's full line (n-gram precisions, brevity penalty ...)


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> Score:
    """Corpus BLEU with sacrebleu's defaults (13a tokenisation, mixed case, exp smoothing)."""
    from sacrebleu.metrics import BLEU

    metric = BLEU()
    result = metric.corpus_score(list(hypotheses), [list(references)])
    signature = str(metric.get_signature())
    return Score(result.score, signature, result.format(signature=signature))


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> Score:
    """Corpus chrF (character 6-grams, beta 2) with sacrebleu's defaults."""
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    result = metric.corpus_score(list(hypotheses), [list(references)])
    signature = str(metric.get_signature())
    return Score(result.score, signature, result.format(signature=signature))


# -- glossary terms --------------------------------------------------------------------------


@dataclass(frozen=True)
class TermScore:
    """How the glossary's renderings fare in the output (and in the reference).

    ``found``: glossary terms matched in the sources (each occurrence counts);
    ``rendered``: of those, how many have their rendering in the output;
    ``in_reference``: how many have their rendering in the reference as well;
    ``agreed``: of those, how many have it in the output too.
    """

    found: int
    rendered: int
    in_reference: int
    agreed: int

    @property
    def success(self) -> float | None:
        """Term success rate: rendered / found."""
        return self.rendered / self.found if self.found else None

    @property
    def agreement(self) -> float | None:
        """Agreement with the reference where it uses the rendering: agreed / in_reference."""
        return self.agreed / self.in_reference if self.in_reference else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "success": self.success, "agreement": self.agreement}


class TermCounter:
    """Counts glossary renderings per entry in English text.

    A rendering counts when it is written as the glossary writes it (first letter of a
    lower-case rendering in either case, any whitespace, plural -s), the same test the
    pipeline uses to call a term ``applied``. Longer renderings claim their span first, so
    "Kursk region" is not also counted as "Kursk".
    """

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._patterns: dict[Entry, re.Pattern[str]] = {}

    def _pattern(self, entry: Entry) -> re.Pattern[str]:
        pattern = self._patterns.get(entry)
        if pattern is None:
            from ..glossary.match import rendering_pattern

            pattern = self._patterns[entry] = rendering_pattern(entry.target, plural=True)
        return pattern

    def count(self, text: str, entries: Sequence[Entry]) -> dict[Entry, int]:
        taken = bytearray(len(text))
        counts: dict[Entry, int] = {}
        for entry in sorted(set(entries), key=lambda e: len(e.target), reverse=True):
            n = 0
            for m in self._pattern(entry).finditer(text):
                if not any(taken[m.start() : m.end()]):
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                    n += 1
            counts[entry] = n
        return counts

    def score(
        self, sources: Sequence[str], outputs: Sequence[str], references: Sequence[str]
    ) -> TermScore:
        found = rendered = in_reference = agreed = 0
        for source, output, reference in zip(sources, outputs, references, strict=True):
            wanted: dict[Entry, int] = {}
            for match in self.glossary.find(source):
                wanted[match.entry] = wanted.get(match.entry, 0) + 1
            if not wanted:
                continue
            in_output = self.count(output, list(wanted))
            in_ref = self.count(reference, list(wanted))
            for entry, n in wanted.items():
                found += n
                rendered += min(n, in_output[entry])
                used = min(n, in_ref[entry])
                in_reference += used
                agreed += min(used, in_output[entry])
        return TermScore(found, rendered, in_reference, agreed)


# -- COMET (optional) ------------------------------------------------------------------------

COMET_HINT = "pip install 'translator[comet]'"


def comet_installed() -> bool:
    """Whether the optional ``unbabel-comet`` package can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("comet") is not None
    except (ImportError, ValueError):
        return False


class Comet:
    """COMET from a checkpoint already on disk; it never downloads anything.

    ``checkpoint``: a ``.ckpt`` file, or a folder holding ``checkpoints/model.ckpt`` (the
    layout of a downloaded COMET model). Loaded on first use. ``gpus``: 0 (CPU) or 1.
    """

    def __init__(self, checkpoint: Path, *, batch_size: int = 8, gpus: int = 0) -> None:
        path = Path(checkpoint).expanduser()
        if path.is_dir():
            path = path / "checkpoints" / "model.ckpt"
        if not path.is_file():
            raise ModelError(
                f"{checkpoint}: no COMET checkpoint there (a model.ckpt file, or a downloaded "
                "COMET model folder with checkpoints/model.ckpt); eval never downloads one"
            )
        self.checkpoint = path
        self.batch_size = batch_size
        self.gpus = gpus
        self._model: Any = None

    @property
    def name(self) -> str:
        return str(self.checkpoint)

    def _load(self) -> Any:
        if self._model is None:
            import comet

            kwargs: dict[str, Any] = {}
            # Newer releases can be told to stay off the network for the encoder's files too.
            if "local_files_only" in inspect.signature(comet.load_from_checkpoint).parameters:
                kwargs["local_files_only"] = True
            try:
                self._model = comet.load_from_checkpoint(str(self.checkpoint), **kwargs)
            except Exception as exc:  # COMET raises plain Exceptions for a bad checkpoint
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise ModelError(f"{self.checkpoint}: cannot load COMET: {first}") from exc
        return self._model

    def score(
        self, sources: Sequence[str], outputs: Sequence[str], references: Sequence[str]
    ) -> float:
        """System-level COMET score (the mean of the segment scores)."""
        data = [
            {"src": s, "mt": o, "ref": r}
            for s, o, r in zip(sources, outputs, references, strict=True)
        ]
        prediction = self._load().predict(
            data, batch_size=self.batch_size, gpus=self.gpus, progress_bar=False
        )
        return round(float(prediction.system_score), 4)
