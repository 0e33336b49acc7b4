"""Deterministic test-double engines, for tests about something other than the model.

The real MarianMT path is covered with the tiny model the suite builds (see conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

# A few German words rendered the way an MT system would; everything else is copied through.
WORDS = {
    "die": "the", "der": "the", "das": "the", "den": "the", "dem": "the", "des": "of the",
    "und": "and", "in": "in", "von": "of", "nach": "after", "nicht": "not", "mehr": "more",
    "ist": "is", "sind": "are", "wurden": "were", "haben": "have", "hat": "has",
    "Truppen": "troops", "Soldaten": "soldiers", "Verluste": "losses", "Region": "region",
    "russischen": "Russian", "ukrainischen": "Ukrainian", "nordkoreanische": "North Korean",
    "nordkoreanischen": "North Korean", "Stadt": "city", "berichten": "report",
}

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class WordEngine:
    """Word-by-word 'translation' with a fixed dictionary; records every batch it gets."""

    signature = {"backend": "test-double", "model": "word-engine"}

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    @property
    def sentences_seen(self) -> int:
        return sum(len(c) for c in self.calls)

    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [self._one(s) for s in sentences]

    def _one(self, sentence: str) -> str:
        return re.sub(r"\w+", lambda m: WORDS.get(m.group(0), m.group(0)), sentence)


class EmptyEngine(WordEngine):
    """Returns an empty string for every sentence containing ``trigger`` (even on retry)."""

    def __init__(self, trigger: str = "LEER") -> None:
        super().__init__()
        self.trigger = trigger

    def _one(self, sentence: str) -> str:
        return "" if self.trigger in sentence else super()._one(sentence)


class FaultyEngine(WordEngine):
    """Returns a scripted, deliberately faulty translation for chosen sentences.

    ``faults`` maps an engine input to what the engine "translates" it into (a runaway loop,
    German numbers, copied German words...); other sentences go word by word. It has no
    ``retranslate``, so the pipeline's retry calls ``translate_batch`` again.
    """

    def __init__(self, faults: dict[str, str]) -> None:
        super().__init__()
        self.faults = faults

    def _one(self, sentence: str) -> str:
        return self.faults.get(sentence, super()._one(sentence))


class RetryingFaultyEngine(FaultyEngine):
    """A `FaultyEngine` with ``retranslate`` (safer decoding): ``retry[sentence]`` if scripted,
    else the same faulty output again."""

    def __init__(self, faults: dict[str, str], retry: dict[str, str]) -> None:
        super().__init__(faults)
        self.retry = retry
        self.retried: list[str] = []

    def retranslate(self, sentences: list[str]) -> list[str]:
        self.retried.extend(sentences)
        return [self.retry.get(s, self._one(s)) for s in sentences]


class MangleEngine(WordEngine):
    """An MT-like test double for glossary enforcement (deterministic, not a translation).

    Like real MT it renders the German words it knows (``WORDS``) and copies unknown tokens
    through; and, chosen by a hash of the sentence (stable across runs and processes), it
    damages what it copies the way MarianMT does (LibreTranslate#944, EasyNMT#35, Opus-MT#78):

    * ``case``: lower-cases every capitalised word after the first;
    * ``punct``: spaces inside brackets, hyphens between words become spaces, „“ become ";
    * ``habit``: falls back to spellings of its training data ("Kyiv" -> "Kiev",
      "Zelensky" -> "Selenskyj", "Pyongyang" -> "Pjöngjang");
    * ``placeholder``: breaks placeholder-like tokens (``__T0__`` -> ``__ T 0 __``, ``<x>``
      -> ``x``);
    * ``drop``: leaves out the longest capitalised multi-letter word.

    ``modes`` fixes the damage for every sentence instead (tests that need one behaviour).
    """

    MODES = ("case", "punct", "habit", "placeholder", "drop")
    HABITS = {"Kyiv": "Kiev", "Zelensky": "Selenskyj", "Pyongyang": "Pjöngjang"}

    def __init__(self, modes: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.modes = modes

    def modes_for(self, sentence: str) -> tuple[str, ...]:
        if self.modes is not None:
            return self.modes
        import hashlib

        h = int.from_bytes(hashlib.sha256(sentence.encode()).digest()[:4], "big")
        # Each kind of damage hits roughly every third sentence; "drop" every seventh.
        chosen = [m for i, m in enumerate(self.MODES[:4]) if (h >> (2 * i)) % 3 == 0]
        if h % 7 == 0:
            chosen.append("drop")
        return tuple(chosen)

    def _one(self, sentence: str) -> str:
        out = super()._one(sentence)
        modes = self.modes_for(sentence)
        if "placeholder" in modes:
            out = re.sub(r"__([A-Za-z]+)(\d+)__", r"__ \1 \2 __", out)
            out = re.sub(r"</?([A-Za-z]\w*)>", r"\1", out)
        if "habit" in modes:
            for right, habit in self.HABITS.items():
                out = re.sub(rf"\b{right}\b", habit, out)
        if "drop" in modes:
            words = re.findall(r"\b[A-ZÄÖÜ][\w-]{3,}", out)
            if words:
                longest = max(words, key=len)
                out = re.sub(rf"\s*\b{re.escape(longest)}\b", "", out, count=1)
        if "punct" in modes:
            out = re.sub(r"(?<=\w)-(?=\w)", " ", out)
            out = out.replace("(", "( ").replace(")", " )")
            out = re.sub(r"[„“”]", '"', out)
        if "case" in modes:
            first = True

            def lower(m: re.Match[str]) -> str:
                nonlocal first
                if first:
                    first = False
                    return m.group(0)
                return m.group(0).lower() if not m.group(0).isupper() else m.group(0)

            out = re.sub(r"\b[A-ZÄÖÜ]\w*", lower, out)
        return out


class IdentityEngine(WordEngine):
    """Returns every sentence as it is: what the copy model does when it copies perfectly."""

    signature = {"backend": "test-double", "model": "identity"}

    def _one(self, sentence: str) -> str:
        return sentence


class SuffixEngine(WordEngine):
    """Returns every sentence with ``suffix`` added: a translation that changes every
    sentence while keeping its words, so a writer must place the inline markup again."""

    signature = {"backend": "test-double", "model": "suffix"}

    def __init__(self, suffix: str = " Qq") -> None:
        super().__init__()
        self.suffix = suffix

    def _one(self, sentence: str) -> str:
        return sentence + self.suffix


def piece_engine(
    *, drop: str | None = None, collapse_over: int | None = None, max_input_tokens: int = 20,
    beam_size: int = 4,
) -> Any:
    """A word-level stand-in for a MarianMT model inside the real engine machinery.

    It subclasses ``translator.engine.base.BaseEngine``, so planning, the splitting of long
    sentences, the lost-content check and its retry are the real ones; only the model is
    replaced: a unit's words are copied, except that a unit containing the word ``drop``
    comes back empty (a dropped piece) and a unit of more than ``collapse_over`` words comes
    back as its first word (a collapsed long input). ``decoded`` lists every unit decoded.
    """
    from translator.engine.base import BaseEngine

    class _PieceEngine(BaseEngine[str]):
        backend = "test-double"
        library = "none"
        beam_option = "beam_size"
        step_cost_rows = 1.0

        def __init__(self) -> None:
            super().__init__(
                beam_size=beam_size, batch_size=8, max_batch_tokens=4096,
                force_length_ratio=None, threads=1,
            )
            self.model_name = "piece-engine"
            self._set_limits(512, max_input_tokens)
            self.decoded: list[list[str]] = []

        def _setup(self) -> dict[str, object]:
            return {}

        def _encode(self, texts):  # type: ignore[no-untyped-def]
            return [t.split() for t in texts]

        def _decode_batches(self, batches, options):  # type: ignore[no-untyped-def]
            for batch in batches:
                out = []
                for tokens in batch:
                    self.decoded.append(list(tokens))
                    if drop is not None and drop in tokens:
                        out.append("")
                    elif collapse_over is not None and len(tokens) > collapse_over:
                        out.append(tokens[0])
                    else:
                        out.append(" ".join(tokens))
                    # (input, generated incl. </s>), as the real backends record it.
                    self.last_lengths.append((len(tokens), len(out[-1].split()) + 1))
                self._count(len(batch))
                yield out

    return _PieceEngine()
