"""House styles: the spellings English-language outlets disagree on, chosen once (``--style``).

==========  =============  =============  ===========  ==============
style       Zelensky       defense        mobilize     Kim Jong Un
==========  =============  =============  ===========  ==============
``ap``      Zelenskyy      defense        mobilization Kim Jong Un
``reuters`` Zelenskiy      defence        mobilisation Kim Jong Un
``bbc``     Zelensky       defence        mobilisation Kim Jong-un
==========  =============  =============  ===========  ==============

Glossary targets are written in AP (US) spelling. Per entry, ``styles: {ap: ..., reuters: ...,
bbc: ...}`` gives the rendering under each style (names: "Zelenskyy"/"Zelenskiy"/"Zelensky");
an entry without ``styles`` follows the *spelling rule*: under ``reuters`` and ``bbc`` (British
spelling) -ize/-yze become -ise/-yse ("mobilization" -> "mobilisation"), defense/offense become
defence/offence and armor becomes armour. An entry whose target contains the target of an entry
with ``styles`` (as whole words) takes that entry's styled rendering ("President Volodymyr
Zelensky" -> "President Volodymyr Zelenskyy" under ``ap``).

The other styles' renderings are not *wrong* English: they are repaired only where the term is
(see `translator.glossary.enforce`), never elsewhere in a sentence.
"""

from __future__ import annotations

import re

from ..options import STYLES, Style
from .schema import Entry

__all__ = ["BRITISH", "DEFAULT_STYLE", "STYLES", "Style", "check_style", "styled_targets"]
#: The default house style (AP: the stylebook most US and international newsrooms follow).
DEFAULT_STYLE: Style = "ap"
BRITISH: frozenset[str] = frozenset({"reuters", "bbc"})

# -ize words that are -ize in British spelling too ("size", "seize", "prize", "capsize").
_IZE_KEEP = frozenset({"size", "seize", "prize", "capsize", "downsize", "oversize", "baize"})
_IZE = re.compile(r"\b([A-Za-z]{3,}?)([iy])z(e|es|ed|ing|ation|ations|er|ers)\b")
_SE_CE = re.compile(r"\b([Dd]efen|[Oo]ffen|[Pp]reten)se(s)?\b")
_ARMOR = re.compile(r"\b([Aa]rmo)r(ed|s|y)?\b")


def _ize(m: re.Match[str]) -> str:
    word = m.group(0)
    if word.lower() in _IZE_KEEP or word.lower().rstrip("ds") in _IZE_KEEP:
        return word
    return f"{m.group(1)}{m.group(2)}s{m.group(3)}"


def spell(text: str, style: str) -> str:
    """``text`` (AP/US spelling) in the spelling of ``style``."""
    if style not in BRITISH:
        return text
    text = _IZE.sub(_ize, text)
    text = _SE_CE.sub(lambda m: f"{m.group(1)}ce{m.group(2) or ''}", text)
    return _ARMOR.sub(lambda m: f"{m.group(1)}ur{m.group(2) or ''}", text)


def check_style(style: str) -> Style:
    """``style`` validated (a `ValueError` names the choices)."""
    if style not in STYLES:
        raise ValueError(f"unknown house style {style!r} (one of: {', '.join(STYLES)})")
    return style  # type: ignore[return-value]


def _own(entry: Entry, style: str) -> str | None:
    if entry.styles is None:
        return None
    return getattr(entry.styles, style) or entry.target


def styled_targets(entries: tuple[Entry, ...], style: str) -> dict[Entry, tuple[str, ...]]:
    """Per entry: its rendering under ``style`` first, then the other styles' renderings."""
    styled = [e for e in entries if e.styles is not None]
    # Longest first, so "Volodymyr Zelensky" is substituted before "Zelensky".
    styled.sort(key=lambda e: len(e.target), reverse=True)
    # Pairs, not a dict keyed by entry: hashing a (frozen pydantic) entry hashes all its
    # fields, and this loop runs entries x styles x styled entries times.
    inside = [(e, re.compile(rf"(?<!\w){re.escape(e.target)}(?!\w)")) for e in styled]

    def render(entry: Entry, s: str) -> str:
        own = _own(entry, s)
        if own is not None:
            return own
        text = entry.target
        for other, pattern in inside:
            if other is not entry and pattern.search(text):
                text = pattern.sub(_own(other, s) or other.target, text)
                break
        return spell(text, s)

    result: dict[Entry, tuple[str, ...]] = {}
    for entry in entries:
        chosen = render(entry, style)
        others = [render(entry, s) for s in STYLES if s != style]
        if entry.styles is not None:
            others.append(entry.target)
        result[entry] = (chosen, *dict.fromkeys(o for o in others if o != chosen))
    return result
