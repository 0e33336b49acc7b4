"""Warnings about a valid glossary (``translator glossary check``): ``wrong`` items that may be
right.

A ``wrong`` rendering is replaced where its term is; it must be wrong in every context. Two kinds
of item are suspicious:

* one that is the rendering -- or a form of it (case, hyphens, spacing, plural, another house
  style's spelling, a context rendering) -- of another entry: repairing it would break that
  entry's term ("Defense Ministry" listed wrong while another entry renders it so);
* one that is a common English word or phrase (wordfreq): lower-case items with a Zipf
  frequency of at least 3 ("frontline", "air strike"), capitalised single words of at least 4
  ("Nato"). Rare names ("Kiev" 3.5 is below) are what wrong lists are for;
* one that the reviewed list of spellings correct in another context
  (`translator.glossary.english`) names as correct English by itself: a US town ("Odessa"), a
  family name ("Holland"), a historical name ("White Russia"). A spelling correct only inside
  fixed phrases ("chicken Kiev", "Peking duck") is fine: repairs leave those phrases alone.
"""

from __future__ import annotations

from .english import english_senses
from .match import mangled_pattern
from .schema import Located
from .style import STYLES, styled_targets

COMMON_LOWER = 3.0
COMMON_NAME = 4.0


def wrong_warnings(located: list[Located], where: str) -> list[str]:
    """One line per suspicious ``wrong`` item, naming file, line and entry."""
    from wordfreq import zipf_frequency

    entries = tuple(loc.entry for loc in located)
    per_style = [styled_targets(entries, s) for s in STYLES]
    renderings: dict[str, set[str]] = {}  # rendering -> entries (source) that use it
    own_styled = {e: {t for st in per_style for t in st[i]} for i, e in enumerate(entries)}
    for e in entries:
        texts = {e.target, *(c.target for c in e.context), *own_styled[e]}
        for text in texts:
            renderings.setdefault(text, set()).add(e.source)
    patterns = {text: mangled_pattern(text) for text in renderings}
    warnings = []
    for loc in located:
        e = loc.entry
        at = f"{where}:{loc.line}: warning: entry {e.source!r}: wrong rendering"
        for w in e.wrong:
            owners = sorted(
                {
                    src
                    for text, srcs in renderings.items()
                    if patterns[text].fullmatch(w)
                    for src in srcs
                    if src != e.source
                }
            )
            own = {*(c.target for c in e.context)} | own_styled[e]
            if w in own:
                warnings.append(f"{at} {w!r} is this entry's rendering in a house style or context")
                continue
            if owners:
                which = ", ".join(repr(o) for o in owners[:3])
                warnings.append(f"{at} {w!r} is a rendering (or a form of one) of {which}")
                continue
            sense = english_senses().get(w)
            if sense is not None and sense.kind == "name":
                warnings.append(
                    f"{at} {w!r} is correct English elsewhere ({sense.where}); "
                    "list it under 'accept' or leave it out"
                )
                continue
            zipf = zipf_frequency(w, "en")
            lower = w[:1].islower()
            if (lower and zipf >= COMMON_LOWER) or (
                not lower and " " not in w and zipf >= COMMON_NAME
            ):
                warnings.append(
                    f"{at} {w!r} is common English (Zipf {zipf:.1f}); is it wrong in every context?"
                )
    return warnings
