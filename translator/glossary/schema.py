"""The glossary file: schema, strict validation, and error messages that name file, line, entry.

A glossary is YAML read with the *safe* loader::

    schema: 1
    entries:
      - source: Kiew            # required: German form (or fragment as it occurs in German)
        target: Kyiv            # required: the English rendering
        category: place         # required: one of CATEGORIES
        forms: [Kiews, Kiewer]  # optional: more source forms (inflections the matcher misses)
        wrong: [Kiev]           # optional: wrong English renderings to repair in MT output
        accept: [...]           # optional: other correct renderings, never repaired
        inflect: false          # optional: override the category's inflection default
        enforce: inject         # optional: inject | verify | suggest (default: by category)
        note: AP/Reuters spelling since 2019   # optional: source/reason of the rendering

Optional fields for renderings that depend on something:

* ``styles: {ap: Zelenskyy, reuters: Zelenskiy, bbc: Zelensky}`` -- the rendering under each
  house style (``--style``); a style left out uses ``target``. The other styles' spellings are
  not wrong: they are repaired only where the term is, when a style was chosen. Entries without
  ``styles`` follow the spelling rule of `translator.glossary.style` (defense/defence,
  mobilization/mobilisation, ...).
* ``context: [{when: [US-, USA, amerikanisch], target: Secretary of State}]`` -- a rendering
  for a country (or other qualifier) named in the same source sentence; the cue nearest to the
  term wins, and ``target`` is the fallback when no cue is present.
* ``number: both`` -- German shows no number ("Nordkoreaner", "Söldner"): the English takes
  the number of the sentence (singular after "ein", "einen", ...; ``target`` otherwise).
  ``singular``/``plural`` state the number of ``target`` (the default: as written).

Every problem is collected and reported at once (`GlossaryError`), one line each:
``glossary.yaml:12: entry 'Kiew': unknown key 'targt' (allowed: ...)``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from ..errors import GlossaryError

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
SCHEMA_VERSION = 1
TOP_LEVEL_KEYS = ("schema", "name", "source_language", "target_language", "entries")

Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]


class Styles(BaseModel):
    """An entry's rendering per house style (see `translator.glossary.style`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ap: Text | None = None
    reuters: Text | None = None
    bbc: Text | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Context(BaseModel):
    """A rendering used when one of ``when`` occurs in the source sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: tuple[Text, ...]
    target: Text

    def to_dict(self) -> dict[str, Any]:
        return {"when": list(self.when), "target": self.target}


class Entry(BaseModel):
    """One glossary entry (immutable once loaded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Text
    target: Text
    category: Category
    forms: tuple[Text, ...] = ()
    wrong: tuple[Text, ...] = ()
    accept: tuple[Text, ...] = ()
    note: Text | None = None
    inflect: Annotated[bool, Strict()] | None = None
    enforce: Enforce | None = None  # None: the category's default (see match.enforce_mode)
    styles: Styles | None = None
    context: tuple[Context, ...] = ()
    number: Number | None = None

    @property
    def source_forms(self) -> tuple[str, ...]:
        """The canonical source form followed by the extra forms."""
        return (self.source, *self.forms)

    def to_dict(self) -> dict[str, Any]:
        """The entry as it is written in YAML: field order kept, empty optionals left out."""
        data: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "category": self.category,
        }
        if self.forms:
            data["forms"] = list(self.forms)
        if self.wrong:
            data["wrong"] = list(self.wrong)
        if self.accept:
            data["accept"] = list(self.accept)
        if self.inflect is not None:
            data["inflect"] = self.inflect
        if self.enforce is not None:
            data["enforce"] = self.enforce
        if self.styles is not None:
            data["styles"] = self.styles.to_dict()
        if self.context:
            data["context"] = [c.to_dict() for c in self.context]
        if self.number is not None:
            data["number"] = self.number
        if self.note is not None:
            data["note"] = self.note
        return data


FIELDS: tuple[str, ...] = tuple(Entry.model_fields)


@cache
def entry_list() -> TypeAdapter[list[Entry]]:
    """Validates (and serialises) a whole list of entries in one call into pydantic-core."""
    return TypeAdapter(list[Entry])


class GlossaryValidationError(GlossaryError):
    """An invalid glossary; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Located:
    """An entry with the line it starts on (1-based) in its file."""

    entry: Entry
    line: int


def _key_lines(node: yaml.MappingNode) -> dict[str, int]:
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _duplicate_keys(node: yaml.MappingNode, where: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                problems.append(f"{where}:{key.start_mark.line + 1}: duplicate key {key.value!r}")
            seen.add(key.value)
    return problems


def _pydantic_problem(err: Any, lines: dict[str, int], line: int, name: str, where: str) -> str:
    loc = err["loc"]
    key = str(loc[0]) if loc else ""
    at = lines.get(key, line)
    kind = err["type"]
    if kind == "missing":
        msg = f"missing required field {key!r}"
    elif kind == "extra_forbidden" and len(loc) > 1:
        msg = f"{'.'.join(str(p) for p in loc[:-1])}: unknown key {loc[-1]!r}"
    elif kind == "extra_forbidden":
        msg = f"unknown key {key!r} (allowed: {', '.join(FIELDS)})"
    elif kind == "string_too_short":
        msg = f"{key!r} is empty" + (f" (item {loc[1] + 1})" if len(loc) > 1 else "")
    elif kind == "literal_error" and key != "category":
        msg = f"{key!r} must be one of {err['ctx']['expected']} (got {err['input']!r})"
    elif kind == "literal_error":
        msg = f"unknown category {err['input']!r} (one of: {', '.join(CATEGORIES)})"
    else:
        msg = f"{'.'.join(str(p) for p in loc)}: {err['msg']}"
    return f"{where}:{at}: entry {name!r}: {msg}"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole glossary is read or written.

    Tens of thousands of entries are millions of new objects: the collector would run
    hundreds of times, scanning them all each time, and find nothing to collect.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_entries(text: str, where: str = "<glossary>") -> list[Located]:
    """Validate glossary YAML text; raise `GlossaryValidationError` listing every problem."""
    with collector_paused():
        return _parse_entries(text, where)


def _parse_entries(text: str, where: str) -> list[Located]:
    try:
        # libyaml's safe loader when present (7x faster); both keep line marks on nodes.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}" if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GlossaryValidationError([f"{where}:{line}: invalid YAML: {problem}"]) from None
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise GlossaryValidationError(
            [f"{where}:1: the glossary must be a mapping with an 'entries' list"]
        )
    problems = _duplicate_keys(root, where)
    top_lines = _key_lines(root)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.append(
                f"{where}:{top_lines.get(str(key), 1)}: unknown top-level key {key!r} "
                f"(allowed: {', '.join(TOP_LEVEL_KEYS)})"
            )
    if "schema" in data and data["schema"] != SCHEMA_VERSION:
        problems.append(
            f"{where}:{top_lines['schema']}: unsupported schema {data['schema']!r} "
            f"(this version reads {SCHEMA_VERSION})"
        )
    entries_node = next(
        (v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "entries"), None
    )
    raw_entries = data.get("entries")
    if not isinstance(entries_node, yaml.SequenceNode) or not isinstance(raw_entries, list):
        problems.append(f"{where}:{top_lines.get('entries', 1)}: 'entries' must be a list")
        raise GlossaryValidationError(problems)

    # What is needed of the nodes (lines, duplicate keys), so that they can go before the
    # entries are built: for a termbase they are the larger part of the memory.
    shapes: list[tuple[int, dict[str, int] | None, list[str]]] = []
    for node in entries_node.value:
        start = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            shapes.append((start, _key_lines(node), _duplicate_keys(node, where)))
        else:
            shapes.append((start, None, []))
    del root, entries_node, loader
    mappings = [
        raw for (_, lines, _), raw in zip(shapes, raw_entries, strict=True)
        if lines is not None and isinstance(raw, dict)
    ]
    # All entries at once (one call into pydantic-core); per entry only to report problems.
    try:
        valid: list[Entry] | None = entry_list().validate_python(mappings)
    except ValidationError:
        valid = None
    del mappings
    located: list[Located] = []
    for (start, lines, duplicates), raw in zip(shapes, raw_entries, strict=True):
        if lines is None or not isinstance(raw, dict):
            problems.append(f"{where}:{start}: each entry must be a mapping (source, target, ...)")
            continue
        problems += duplicates
        if valid is not None:
            located.append(Located(valid[len(located)], start))
            continue
        name = raw.get("source") if isinstance(raw.get("source"), str) else f"#{len(located) + 1}"
        try:
            entry = Entry.model_validate(raw)
        except ValidationError as exc:
            problems += [_pydantic_problem(e, lines, start, str(name), where) for e in exc.errors()]
            continue
        located.append(Located(entry, start))
    del data, raw_entries
    problems += cross_check(located, where)
    if problems:
        raise GlossaryValidationError(problems)
    return located


def _key(text: str) -> str:
    """Texts the matcher cannot tell apart: whitespace runs and the first letter's case."""
    text = " ".join(text.split())
    return text[:1].lower() + text[1:]


def cross_check(located: list[Located], where: str) -> list[str]:
    """Problems within and between entries: repeated forms, duplicates, conflicts."""
    problems: list[str] = []
    by_form: dict[str, Located] = {}
    by_target: dict[str, Located] = {}
    for loc in located:
        e = loc.entry
        at = f"{where}:{loc.line}: entry {e.source!r}"
        forms = [_key(f) for f in e.source_forms]
        if len(set(forms)) != len(forms):
            problems.append(f"{at}: a source form is listed twice")
        if _key(e.target) in {_key(w) for w in e.wrong}:
            problems.append(f"{at}: the target {e.target!r} is also listed as wrong")
        if len({_key(w) for w in e.wrong}) != len(e.wrong):
            problems.append(f"{at}: a wrong rendering is listed twice")
        if {_key(w) for w in e.wrong} & {_key(a) for a in e.accept}:
            problems.append(f"{at}: a rendering is listed both as wrong and as accepted")
        for form in dict.fromkeys(forms):
            other = by_form.get(form)
            if other is None:
                by_form[form] = loc
            elif other.entry.target == e.target:
                problems.append(
                    f"{at}: duplicate of entry {other.entry.source!r} (line {other.line}): "
                    f"source form {form!r}"
                )
            else:
                problems.append(
                    f"{at}: conflicts with entry {other.entry.source!r} (line {other.line}): "
                    f"{form!r} rendered {e.target!r} vs {other.entry.target!r}"
                )
        by_target.setdefault(_key(e.target), loc)
    for loc in located:
        for w in loc.entry.wrong:
            other = by_target.get(_key(w))
            if other is not None and other is not loc:
                problems.append(
                    f"{where}:{loc.line}: entry {loc.entry.source!r}: wrong rendering {w!r} is "
                    f"the target of entry {other.entry.source!r} (line {other.line})"
                )
    return problems


def read_bytes(path: Path) -> bytes:
    """The glossary file's bytes; `GlossaryError` if it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"{path}: glossary file not found") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read the glossary: {exc.strerror}") from None


def decode(raw: bytes, path: Path) -> str:
    """The glossary file's text; `GlossaryError` if it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: the glossary is not UTF-8 (byte {exc.start})") from None


def read_entries(path: Path) -> list[Located]:
    """Read and validate a glossary file."""
    return parse_entries(decode(read_bytes(path), path), str(path))


def dump_entries(entries: list[Entry]) -> str:
    """Glossary YAML for ``entries``: hand-editable, field order kept, Unicode as is."""
    doc = {"schema": SCHEMA_VERSION, "entries": [e.to_dict() for e in entries]}
    # libyaml's emitter when present: the same text, several times faster.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with collector_paused():
        return yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
