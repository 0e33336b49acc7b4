"""Deterministic test-double engines, for tests about something other than the model.

The real MarianMT path is covered with the tiny model the suite builds (see conftest.py).
"""

from __future__ import annotations

import re

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
