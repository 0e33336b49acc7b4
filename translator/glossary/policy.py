"""Which entries may be injected: the enforcement policy that ``translator glossary check`` applies.

Injecting puts the English rendering into the German before translation, so the model never
sees the German word: right only where the German match has one sense in news text. The rules
(README, "Glossary", section "Inject, verify or suggest"):

* **Everyday word.** A single German word (no space, no hyphen, no digit, not an acronym) of a
  common-noun category (term, unit, rank, organisation) rendered by a common noun (lower-case
  English: "troops", not "Kremlin") whose wordfreq Zipf frequency in German is at least
  `EVERYDAY_ZIPF` is an everyday word: the model translates it, the glossary only verifies
  ("Soldaten", "Präsident", "Munition", "Geheimdienst"). Multi-word terms, hyphen compounds
  ("US-Armee", "Tomahawk-Marschflugkörper"), acronyms, coined and rare words may be injected.
* **Another name's word.** A single word that is also the name of a place, river, family or
  club (`name_senses`, a reviewed list: "Moldau" is Moldova and the Vltava, "Posen" is Poznan and
  the verb "posen", "Vatikan" is the state and the Holy See) is never injected either.

Both apply to every source form of the entry, unless the entry has a ``context`` that restricts
its rendering. An entry that breaks them must say ``enforce: verify`` (or ``suggest``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .enforce import enforce_mode
from .schema import Entry, Located

#: German Zipf frequency (wordfreq) from which a single word is an everyday word.
EVERYDAY_ZIPF = 3.0
#: Categories whose single words are common nouns (names are judged by `name_senses` only).
COMMON_NOUN_CATEGORIES = frozenset({"term", "unit", "rank", "organisation"})
_SINGLE = re.compile(r"[^\W\d_]+")


@cache
def name_senses() -> dict[str, str]:
    """Reviewed words that are also another place's, river's, family's or club's name (or a
    common word), with that other sense: ``translator/data/name_senses.tsv``."""
    text = (resources.files("translator") / "data" / "name_senses.tsv").read_text("utf-8")
    senses = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, sense = line.partition("\t")
            senses[word.strip()] = sense.strip()
    return senses


def everyday_zipf(word: str) -> float:
    """wordfreq's German Zipf frequency of ``word`` (0 for unknown words)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "de")


def common_noun(entry: Entry) -> bool:
    """Is the rendering a common noun (lower case: "troops", "president", "intelligence
    service")? A capitalised one names one thing ("Kremlin", "Hezbollah", "Security Council")."""
    return entry.target[:1].islower()


def reasons(entry: Entry) -> list[str]:
    """Why ``entry`` may not be injected (empty: it may)."""
    if enforce_mode(entry) != "inject" or entry.context:
        return []
    found = []
    senses = name_senses()
    for form in entry.source_forms:
        if not _SINGLE.fullmatch(form):
            continue  # several words, a hyphen compound, digits: one sense in news text
        if form in senses:
            found.append(f"{form!r} is also {senses[form]}")
        elif entry.category in COMMON_NOUN_CATEGORIES and common_noun(entry) and not form.isupper():
            zipf = everyday_zipf(form)
            if zipf >= EVERYDAY_ZIPF:
                found.append(f"{form!r} is an everyday German word (Zipf {zipf:.1f})")
    return found


def policy_problems(located: list[Located], where: str) -> list[str]:
    """One line per entry that is ``inject`` against the policy, naming file, line and entry."""
    problems = []
    for loc in located:
        why = reasons(loc.entry)
        if why:
            problems.append(
                f"{where}:{loc.line}: entry {loc.entry.source!r}: may not be injected: "
                f"{'; '.join(why)}; set 'enforce: verify' or add a 'context' that restricts it"
            )
    return problems
