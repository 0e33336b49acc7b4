"""The glossary entry's validation rules, as pydantic models (imported only when validating).

`translator.glossary.schema` defines the entry types as plain dataclasses (`Entry`, `Styles`,
`Context`); the rules a glossary file must follow live here: every text a strict, non-empty
string with surrounding whitespace stripped; no unknown keys; categories, enforce modes and
numbers from their lists. Parsing a glossary file validates all its entries in one call into
pydantic-core (`entry_list`), and `translator.glossary.schema` turns each model into an
`Entry`; a hand-built ``Entry(...)`` is validated through its model (`model_of`). A glossary
read back from the cache directory was validated when it was stored and does not import this
module (nor pydantic).

The models mirror the dataclasses field for field (same names, same defaults): a test holds
them together.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Strict, StringConstraints, TypeAdapter

from .kinds import Category, Enforce, Number

Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]


class StylesModel(BaseModel):
    """The rules of `Styles` (named so in its errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Styles")

    ap: Text | None = None
    reuters: Text | None = None
    bbc: Text | None = None


class ContextModel(BaseModel):
    """The rules of `Context` (named so in its errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Context")

    when: tuple[Text, ...]
    target: Text


class EntryModel(BaseModel):
    """The rules of `Entry` (named so in its errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Entry")

    source: Text
    target: Text
    category: Category
    forms: tuple[Text, ...] = ()
    wrong: tuple[Text, ...] = ()
    accept: tuple[Text, ...] = ()
    note: Text | None = None
    inflect: Annotated[bool, Strict()] | None = None
    enforce: Enforce | None = None
    styles: StylesModel | None = None
    context: tuple[ContextModel, ...] = ()
    number: Number | None = None


def model_of(name: str) -> type[BaseModel]:
    """The model holding the rules of the dataclass called ``name`` (``Entry``, ...)."""
    models: dict[str, type[BaseModel]] = {
        "Entry": EntryModel,
        "Styles": StylesModel,
        "Context": ContextModel,
    }
    return models[name]


@cache
def entry_list() -> TypeAdapter[list[EntryModel]]:
    """Validates a whole list of entries in one call into pydantic-core."""
    return TypeAdapter(list[EntryModel])
