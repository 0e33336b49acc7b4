"""Injection never deletes content: every word of a matched German form is rendered by what is
injected for it, or left in place (`translator.glossary.preserve`), for every injected entry and
form of the shipped glossary, prepared in a carrier sentence and echoed back."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from translator import config
from translator.glossary import Entry, Glossary, load_glossary, names
from translator.glossary.enforce import enforce_mode
from translator.glossary.preserve import unrendered

CARRIER = "Gestern sprach {} lange."
#: Official long names whose English news name is the short one (AP: "Brunei", "the United
#: States", "Macao"): the German long form says nothing the short English leaves out.
OFFICIAL_LONG_FORMS = frozenset(
    {
        "Brunei Darussalam",
        "Sonderverwaltungsregion Macau",
        "Vereinigte Staaten von Amerika",
        "Vereinigten Staaten von Amerika",
    }
)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(config.packaged_glossary(), stored=False)


def renderings_for(glossary: Glossary, entry: Entry) -> Callable[[str], Iterable[str]]:
    """A word's (or word group's) renderings by the glossary's other entries, its
    transliteration, and what "US"/"amerikanisch", "NATO" and "EU" are in English names."""

    def renderings(text: str) -> set[str]:
        found = {names.transliterate(text)} if " " not in text else set()
        low = text.casefold()
        if low in ("us", "usa") or low.startswith("amerikanisch"):
            found |= {"U.S.", "US", "American", "United States"}
        if text == "NATO":
            found |= {"North Atlantic", "Allied"}
        if text == "EU":
            found |= {"European"}
        for m in glossary.find(text):
            if m.entry.source != entry.source and (m.start, m.end) == (0, len(text)):
                found |= {m.entry.target, *(c.target for c in m.entry.context)}
                if m.entry.styles is not None:
                    found |= set(m.entry.styles.to_dict().values())
        return found

    return renderings


def lost_words(glossary: Glossary, entry: Entry, form: str) -> list[str] | None:
    """The words of ``form`` lost when it is injected in a carrier sentence (None: the form is
    not matched there as a whole)."""
    prepared = glossary.prepare(CARRIER.format(form))
    planned = [p for p in prepared.planned if p.match.text == form]
    if not planned:
        return None
    # The echo engine: the prepared sentence comes back, and the repair step keeps it as it is.
    final, hits = glossary.finalize(prepared, prepared.text)
    assert final == prepared.text, (form, final)
    lost = unrendered(form, planned[0].injected, renderings_for(glossary, entry))
    if entry.category == "person":
        # Given names may be the English form ("Jizchak" -> "Isaac"); the surname must stay.
        surname = form.split()[-1].split("-")[-1]
        lost = [w for w in lost if w == surname]
    return lost


def test_every_injected_form_keeps_its_names_and_content_words(glossary: Glossary) -> None:
    checked, failures = 0, []
    for entry in glossary.entries:
        if enforce_mode(entry) != "inject":
            continue
        for form in entry.source_forms:
            if form in OFFICIAL_LONG_FORMS:
                continue
            lost = lost_words(glossary, entry, form)
            if lost is None:
                continue
            checked += 1
            if lost:
                failures.append(f"{form!r} -> {entry.target!r}: loses {lost}")
    assert checked > 1500
    assert failures == []


@pytest.mark.parametrize(
    ("german", "english", "lost"),
    [
        ("Tomahawk-Marschflugkörper", "Tomahawk", ["Marschflugkörper"]),
        ("Tomahawk-Marschflugkörper", "Tomahawk cruise missile", []),
        ("US-Vizepräsident", "vice president", ["US"]),
        ("US-Vizepräsident", "U.S. vice president", []),
        ("Westbalkan", "Balkans", ["Westbalkan"]),
        ("Westbalkan", "Western Balkans", []),
        ("Präsident Selenskyj", "President", ["Selenskyj"]),
        ("Präsident Selenskyj", "President Zelenskyy", []),
        ("selbsternannte Volksrepublik Donezk", "Donetsk People's Republic", ["selbsternannt"]),
        ("Ajatollah Ali Chamenei", "Ali Khamenei", ["Ajatollah"]),
        ("Sicherheitsrat der Vereinten Nationen", "UN Security Council", []),
        ("Arrow-3", "Arrow", ["3"]),
        ("G-20", "G20", []),
    ],
)
def test_unrendered(german: str, english: str, lost: list[str]) -> None:
    def renderings(text: str) -> set[str]:
        return {
            "Selenskyj": {"Zelenskyy"},
            "Balkan": {"Balkans"},
            "US": {"U.S."},
            "Donezk": {"Donetsk"},
            "Vereinten Nationen": {"United Nations"},
        }.get(text, set())

    assert unrendered(german, english, renderings) == lost
