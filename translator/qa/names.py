"""Slavic names in German transliteration and their usual English form.

German transliterates Russian and Ukrainian with German spelling (Wladimir, Selenskyj,
Tschernihiw, Lawrow, Pjöngjang for the Korean capital too); English news uses English
spelling (Vladimir, Zelensky, Chernihiv, Lavrov, Pyongyang). A table of spelling rules
produces candidates; English word frequencies (wordfreq) pick the one English actually uses,
and confirm that the word is a name of that kind at all.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from .words import zipf

# Rules applied to every candidate, in this order (lower-case, on the German spelling).
_ALWAYS: tuple[tuple[str, str], ...] = (
    # "tsch" becomes "ch" at the end (a placeholder meanwhile, so that the ^ch -> kh choice
    # below only sees a German "Ch": Charkiw -> Kharkiv but Tschernihiw -> Chernihiv).
    (r"schtsch", "sh\x00"),
    (r"tsch", "\x00"),
    (r"(?<=[aeiouy])j(?=[aeiou])", "y"),  # Nikolajewo -> Nikolayevo
    (r"^j(?=[aeiouö])", "y"),  # Jermak -> Yermak, Juri -> Yuri
    (r"(?<=[^aeiou])j(?=[aeiouö])", "y"),  # Pjotr -> Pyotr, Pjöngjang -> Pyöngyang
    (r"(?<=y)ö", "o"),  # Pyöngyang -> Pyongyang, Fjodor -> Fyodor
    (r"ö", "yo"),
    (r"ü", "yu"),
    (r"ä", "ya"),
    (r"w", "v"),  # Wolodymyr, Lawrow, Charkiw
    (r"(?<=[aeou])j$", "y"),  # Sergej -> Sergey, Nikolaj -> Nikolay
)
# Alternatives, each tried on and off; English frequency decides (default: the first).
_CHOICES: tuple[tuple[tuple[str, str], ...], ...] = (
    ((r"sch", "sh"), (r"sch", "zh")),  # Schoigu -> Shoigu, Schukow -> Zhukov
    ((r"yj$", "y"), (r"yj$", "yy")),  # Selenskyj -> Zelensky / Zelenskyy
    ((r"ij$", "iy"), (r"ij$", "y")),  # Dmitrij -> Dmitriy / Dmitry
    ((r"^ch", "kh"), (r"^ch", "ch")),  # Charkiw -> Kharkiv
    ((r"^s(?=[aeiou])", "s"), (r"^s(?=[aeiou])", "z")),  # Selenskyj -> Zelensky
    ((r"(?<=[aeiou])ss(?=[aeiou])", "s"), (r"(?<=[aeiou])ss(?=[aeiou])", "ss")),
    ((r"ov$", "ov"), (r"ov$", "ev")),  # Lawrow -> Lavrov, Gorbatschow -> Gorbachev
    ((r"z", "z"), (r"z", "ts")),  # Jelzin -> Yeltsin
)

# English moved to the Ukrainian-based spelling of these places in 2019-2022; no spelling
# rule leads from the German (Russian-based) form to it, and wordfreq's English data predates
# the change. Names only, never common words.
_EXONYMS = {"kiew": "Kyiv", "kiev": "Kyiv", "charkow": "Kharkiv", "odessa": "Odesa"}

# Endings that mark a German-transliterated Slavic name even when English has no data on it.
_SLAVIC = re.compile(
    r"(?:skyj|zkyj|yj|ij|iw|ow|owa|ew|ewa|jew|jewa|owo|ewo|owitsch|ewitsch|tschuk|schtschuk)$"
)
# Something for the rules to change at all.
_TRIGGER = re.compile(r"w|j|sch|ö|ü|ä")


def _candidates(low: str) -> list[str]:
    base = low
    for pattern, repl in _ALWAYS:
        base = re.sub(pattern, repl, base)
    out: list[str] = []
    for picks in itertools.product(*[range(len(c)) for c in _CHOICES]):
        cand = base
        for choice, pick in zip(_CHOICES, picks, strict=True):
            pattern, repl = choice[pick]
            cand = re.sub(pattern, repl, cand)
        out.append(cand.replace("\x00", "ch"))
    return list(dict.fromkeys(out))  # first = all defaults


def _case_like(word: str, low: str) -> str:
    return low[:1].upper() + low[1:] if word[:1].isupper() else low


@lru_cache(maxsize=8192)
def english_name(word: str) -> str | None:
    """The usual English form of a German-transliterated name, or None if it is not one.

    ``Selenskyj`` -> ``Zelensky``, ``Wladimir`` -> ``Vladimir``, ``Kiew`` -> ``Kyiv``,
    ``Pjöngjang`` -> ``Pyongyang``; ``Schweiz`` or ``Truppen`` -> None.
    """
    if not word[:1].isupper() or not word.isalpha():
        return None
    low = word.lower()
    if low in _EXONYMS:
        return _EXONYMS[low]
    if not _TRIGGER.search(low):
        return None
    de = zipf(low, "de")
    if de >= 4.0:
        return None  # a common German word (Schweiz, Woche), not a transliterated name
    cands = [c for c in _candidates(low) if c != low]
    if not cands:
        return None
    scored = max(cands, key=lambda c: (zipf(c, "en"), -cands.index(c)))
    en_best, en_word = zipf(scored, "en"), zipf(low, "en")
    if en_best >= 1.5 and en_best > en_word + 0.5:
        return _case_like(word, scored)  # English uses the candidate: Vladimir, Zelensky
    if _SLAVIC.search(low) and en_word < 1.0 and de < 3.0:
        return _case_like(word, cands[0])  # a Slavic name English has no data on
    return None
