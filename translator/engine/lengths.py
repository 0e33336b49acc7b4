"""Lost content: is a translation's length plausible for its source's?

A model may drop part of its input without a sign (91 words of a long sentence collapsed into
one, a clause skipped) or run on. Both engines check every unit they translate (a sentence,
or a piece of a split sentence) and the pipeline every sentence: the output must have between
``low(n)`` and ``high(n)`` words for a source of ``n`` words, where

    low(n)  = floor(LOW_RATIO * n) - SLACK
    high(n) = ceil(HIGH_RATIO * n) + SLACK

Words are counted as ``\\w+`` runs (numbers too; punctuation not), the same on both sides,
whatever the model's tokenizer, so the bounds hold for every model.

The constants are measured, not guessed: ``benchmarks/length_bounds.py`` on the WMT 2023
general test set, German-English in both directions (1,106 human-aligned segments, sentences
and paragraphs, of news, speech, social media and user reviews), with the command

    python benchmarks/length_bounds.py generaltest2023.de-en.src.de \\
        generaltest2023.de-en.ref.refA.en generaltest2023.en-de.ref.refA.de \\
        generaltest2023.en-de.src.en

(files from github.com/wmt-conference/wmt23-news-systems, txt/sources and txt/references):
the 0.1 % and 99.9 % quantiles of English/German word ratios of segments of 10 words or more
(0.711 and 1.8; median 1.056), widened by 10 %, and the least slack keeping 99.9 % of all
segments inside (1 of 1,106 was outside: 4 German words, 10 English). A copy (ratio 1) is
always inside.
"""

from __future__ import annotations

import math
import re

from .. import config

_WORD = re.compile(r"\w+", re.UNICODE)

#: Measured by benchmarks/length_bounds.py (see the module docstring).
LOW_RATIO = 0.65
HIGH_RATIO = 1.98
SLACK = 1


#: Set to ``off`` to turn the check off (for test models whose output is noise by design);
#: ``Options.lost_content_check`` is the same switch for one run.
ENV_SWITCH = config.ENV_LOST_CONTENT_CHECK


def check_enabled() -> bool:
    """False when ``$TRANSLATOR_LOST_CONTENT_CHECK`` is ``off`` (read at every call): what
    an engine built without options (``lost_content_check=None``) and the pipeline check."""
    return config.switch_on(ENV_SWITCH)


def count_words(text: str) -> int:
    """Words (``\\w+`` runs) in ``text``."""
    return len(_WORD.findall(text))


def length_bounds(n_source_words: int) -> tuple[int, int]:
    """Fewest and most words a translation of ``n_source_words`` words may have."""
    low = max(0, math.floor(LOW_RATIO * n_source_words) - SLACK)
    high = math.ceil(HIGH_RATIO * n_source_words) + SLACK
    return low, high


def length_problem(source: str, target: str) -> str | None:
    """Why ``target`` cannot be a whole translation of ``source`` by length, else None.

    An empty target is left to the empty-output handling (retried, then the source kept).
    """
    if not target.strip():
        return None
    n, m = count_words(source), count_words(target)
    low, high = length_bounds(n)
    if m < low:
        return f"{m} words for a source of {n} (fewest expected {low}): content lost?"
    if m > high:
        return f"{m} words for a source of {n} (most expected {high}): runaway output?"
    return None
