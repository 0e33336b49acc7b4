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

from ..options import STYLES, Options, Style
from .schema import Entry

__all__ = ["BRITISH", "DEFAULT_STYLE", "STYLES", "Style", "check_style", "styled_targets"]
#: The default house style, Options' (AP: the stylebook most US and international newsrooms
#: follow).
DEFAULT_STYLE: Style = Options.style
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


#: Anything ``spell`` could change: most renderings have none, and skip the three rewrites.
_SPELLING_HINT = re.compile(r"[iy]z|[Dd]efens|[Oo]ffens|[Pp]retens|[Aa]rmor")


def spell(text: str, style: str) -> str:
    """``text`` (AP/US spelling) in the spelling of ``style``."""
    if style not in BRITISH or not _SPELLING_HINT.search(text):
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


def styled_targets(entries: tuple[Entry, ...], style: str) -> list[tuple[str, ...]]:
    """Per entry (in order): its rendering under ``style`` first, then the other styles'.

    Built for every entry of a glossary at load, so it stays linear: a rendering is searched
    for styled entries' renderings only when one of them occurs in it at all.
    """
    styled = [e for e in entries if e.styles is not None]
    # Longest first, so "Volodymyr Zelensky" is substituted before "Zelensky".
    styled.sort(key=lambda e: len(e.target), reverse=True)
    inside = [re.compile(rf"(?<!\w){re.escape(e.target)}(?!\w)") for e in styled]
    anywhere = (
        re.compile("|".join(p.pattern for p in inside)) if inside else None
    )  # any styled rendering inside this one?

    def contains(entry: Entry) -> int | None:
        """The longest styled entry whose rendering stands in ``entry``'s (its index)."""
        if anywhere is None or not anywhere.search(entry.target):
            return None
        for i, other in enumerate(styled):
            if other is not entry and inside[i].search(entry.target):
                return i
        return None

    def render(entry: Entry, s: str, within: int | None) -> str:
        own = _own(entry, s)
        if own is not None:
            return own
        text = entry.target
        if within is not None:
            other = styled[within]
            text = inside[within].sub(_own(other, s) or other.target, text)
        return spell(text, s)

    result: list[tuple[str, ...]] = []
    for entry in entries:
        within = contains(entry)
        chosen = render(entry, style, within)
        others = [render(entry, s, within) for s in STYLES if s != style]
        if entry.styles is not None:
            others.append(entry.target)
        result.append((chosen, *dict.fromkeys(o for o in others if o != chosen)))
    return result
