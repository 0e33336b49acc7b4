"""Runaway output: looping n-grams and a target far longer or shorter than its source.

MarianMT hallucinates repetition on noisy or mixed-language input (EasyNMT#38, Opus-MT#49)
and now and then drops half a sentence (Opus-MT#60). Both show in the output alone; the
source is only used so that a repetition the author wrote is not held against the MT.
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)

#: Accepted range of (len(target) + SLACK) / (len(source) + SLACK), in characters.
#: German -> English runs at about 0.8-1.1; the slack keeps one-word headings out of it.
RATIO_RANGE = (0.5, 2.0)
SLACK = 10


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def longest_loop(tokens: list[str], max_n: int = 8) -> tuple[str, int] | None:
    """The worst run of one n-gram repeated back to back, as (n-gram, times), if it loops.

    One- and two-word n-grams must come three times in a row ("the the the"), longer ones
    twice ("of the war of the war"): a human writes "very, very" but not that.
    """
    worst: tuple[str, int] | None = None
    for n in range(1, max_n + 1):
        need = 3 if n <= 2 else 2
        i = 0
        while i + n <= len(tokens):
            gram = tokens[i : i + n]
            times = 1
            while tokens[i + times * n : i + (times + 1) * n] == gram:
                times += 1
            if times >= need and (worst is None or times * n > worst[1] * len(worst[0].split())):
                worst = (" ".join(gram), times)
            i += n * times if times > 1 else 1
    return worst


def frequent_ngram(tokens: list[str], n: int = 4, times: int = 3) -> str | None:
    """A 4-gram that occurs three times or more anywhere in the sentence (a scattered loop)."""
    grams = Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    for gram, count in grams.most_common(1):
        if count >= times:
            return " ".join(gram)
    return None


def repetition(source: str, target: str) -> str | None:
    """Describe the repetition in ``target`` that ``source`` does not have, else None."""
    tokens = _tokens(target)
    loop = longest_loop(tokens)
    if loop is not None and longest_loop(_tokens(source)) is None:
        gram, times = loop
        return f"{gram!r} repeated {times} times in a row"
    gram4 = frequent_ngram(tokens)
    if gram4 is not None and frequent_ngram(_tokens(source)) is None:
        return f"{gram4!r} occurs three times or more"
    return None


def length_ratio(source: str, target: str) -> float:
    return (len(target.strip()) + SLACK) / (len(source.strip()) + SLACK)


def bad_length(source: str, target: str) -> str | None:
    """Describe an output/input length ratio outside RATIO_RANGE, else None."""
    ratio = length_ratio(source, target)
    low, high = RATIO_RANGE
    if ratio > high:
        return f"translation is {ratio:.1f}x the length of the source: runaway output?"
    if ratio < low:
        return f"translation is {ratio:.1f}x the length of the source: text dropped?"
    return None
