"""Number agrees: an injected noun takes the number of the German (its determiner or numeral,
else its form), and no entry maps a German plural form onto a singular rendering or the reverse.
Every injectable noun entry is prepared in singular and plural carrier sentences."""

from __future__ import annotations

import pytest

from translator import config
from translator.glossary import Glossary, load_glossary
from translator.glossary.enforce import enforce_mode, form_numbers, number_forms
from translator.glossary.style import styled_targets

SINGULAR = "Dabei wurde ein {} gesehen."
PLURAL = "Dabei wurden drei {} gesehen."
BARE = "Dabei wurden {} gesehen."


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(config.packaged_glossary(), stored=False)


def injected(glossary: Glossary, sentence: str, form: str) -> str | None:
    prepared = glossary.prepare(sentence.format(form))
    found = [p.injected for p in prepared.planned if p.match.text == form]
    return found[0] if found else None


def test_no_entry_maps_plural_forms_onto_one_number(glossary: Glossary) -> None:
    """Forms that tell singular from plural ("Lancet-Drohne", "Lancet-Drohnen") need
    ``number: both``, so that each gets the English of its number."""
    wrong = [
        e.source
        for e in glossary.entries
        if enforce_mode(e) == "inject" and e.number != "both" and form_numbers(e)[0]
    ]
    assert wrong == []


def test_every_injected_noun_takes_the_number_of_the_german(glossary: Glossary) -> None:
    checked, failures = 0, []
    styled = styled_targets(glossary.entries, glossary.style)
    for entry, targets in zip(glossary.entries, styled, strict=True):
        if enforce_mode(entry) != "inject" or entry.number != "both" or entry.context:
            continue
        one, many = number_forms(entry, targets[0])
        singular_forms, plural_forms = form_numbers(entry)
        for form in entry.source_forms:
            folded = form.casefold()
            cases = []
            if folded not in plural_forms:
                cases.append((SINGULAR, one))
            if folded not in singular_forms:
                cases.append((PLURAL, many))
            if folded in plural_forms:
                cases.append((BARE, many))  # the form alone says plural
            if folded in singular_forms:
                cases.append((BARE.replace("wurden", "wurde"), one))
            for carrier, want in cases:
                got = injected(glossary, carrier, form)
                if got is None:
                    continue
                checked += 1
                if got != want:
                    failures.append(f"{carrier.format(form)!r}: {got!r}, not {want!r}")
    assert checked > 80
    assert failures == []


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Russland setzte eine Lancet-Drohne ein.", "Lancet drone"),
        ("Russland setzte die Lancet-Drohne ein.", "Lancet drone"),
        ("Russland setzte Lancet-Drohnen ein.", "Lancet drones"),
        ("Russland setzte die Lancet-Drohnen ein.", "Lancet drones"),
        ("Russland setzte drei Lancet-Drohnen ein.", "Lancet drones"),
        ("Die USA lieferten einen Tomahawk-Marschflugkörper.", "Tomahawk cruise missile"),
        ("Die USA lieferten zehn Tomahawk-Marschflugkörper.", "Tomahawk cruise missiles"),
    ],
)
def test_number_in_sentences(glossary: Glossary, german: str, english: str) -> None:
    prepared = glossary.prepare(german)
    assert english in [p.injected for p in prepared.planned]
