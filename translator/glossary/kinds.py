"""The closed vocabularies of a glossary entry: categories, enforce modes, grammatical number.

Shared by the entry types (`translator.glossary.schema`) and their validation rules
(`translator.glossary.validation`), which must not import each other.
"""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "term",
    "person",
    "place",
    "organisation",
    "unit",
    "rank",
    "acronym",
    "fragment",
    "do-not-translate",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
#: How a matched term is enforced: ``inject`` puts the rendering into the German before
#: translation, then verifies and repairs the output; ``verify`` lets the model translate the
#: German and only verifies and repairs the output; ``suggest`` neither injects nor repairs,
#: it only reports (for sense-ambiguous words).
Enforce = Literal["inject", "verify", "suggest"]
ENFORCE_MODES: tuple[str, ...] = get_args(Enforce)
Number = Literal["singular", "plural", "both"]
