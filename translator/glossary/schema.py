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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import GlossaryError
from .kinds import CATEGORIES, Category, Enforce, Number

if TYPE_CHECKING:
    import yaml  # imported where a file is parsed or written: a stored glossary needs none

SCHEMA_VERSION = 1
TOP_LEVEL_KEYS = ("schema", "name", "source_language", "target_language", "entries")

# The entry types are plain frozen dataclasses: what matching and enforcement read, cheap to
# build and to hash. Their validation rules (strict, stripped, non-empty texts; known keys and
# values) are pydantic models in `translator.glossary.validation`, imported only when something
# is validated: a glossary file being parsed, or an entry built by hand (``Entry(...)``). A
# glossary read back from the cache directory (`translator.glossary.compiled`), validated when
# it was stored, imports no pydantic at all.


@dataclass(frozen=True)
class Styles:
    """An entry's rendering per house style (see `translator.glossary.style`)."""

    ap: str | None = None
    reuters: str | None = None
    bbc: str | None = None

    def __post_init__(self) -> None:
        _validated_into(self)

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Context:
    """A rendering used when one of ``when`` occurs in the source sentence."""

    when: tuple[str, ...]
    target: str

    def __post_init__(self) -> None:
        _validated_into(self)

    def to_dict(self) -> dict[str, Any]:
        return {"when": list(self.when), "target": self.target}


@dataclass(frozen=True)
class Entry:
    """One glossary entry (immutable; validated when built: pydantic's ``ValidationError``)."""

    source: str
    target: str
    category: Category
    forms: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    note: str | None = None
    inflect: bool | None = None
    enforce: Enforce | None = None  # None: the category's default (see match.enforce_mode)
    styles: Styles | None = None
    context: tuple[Context, ...] = ()
    number: Number | None = None

    def __post_init__(self) -> None:
        _validated_into(self)

    @property
    def source_forms(self) -> tuple[str, ...]:
        """The canonical source form followed by the extra forms."""
        return (self.source, *self.forms)

    @classmethod
    def model_validate(cls, data: Any) -> Entry:
        """The entry for a mapping as written in YAML (pydantic's ``ValidationError`` if it is
        not one); the name is pydantic's, which `Entry` was until it became a dataclass."""
        from .validation import EntryModel

        return from_model(EntryModel.model_validate(data))

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Entry:
        """A copy with ``update``'s fields changed, not validated again (as pydantic's)."""
        values = dict(self.__dict__)
        values.update(update or {})
        return trusted(Entry, values)

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


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Entry))
_T = TypeVar("_T", Entry, Styles, Context)
_DEFAULTS: dict[type, dict[str, Any]] = {
    cls: {f.name: f.default for f in fields(cls) if f.default is not f.default_factory}
    for cls in (Entry, Styles, Context)
}
_REQUIRED: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in fields(cls)) - _DEFAULTS[cls].keys()
    for cls in (Entry, Styles, Context)
}


def trusted(cls: type[_T], values: Mapping[str, Any]) -> _T:
    """An instance of ``cls`` with these values, not validated: only for values that are
    valid already (validated by pydantic, or copied from a valid entry)."""
    obj = object.__new__(cls)
    obj.__dict__.update(_DEFAULTS[cls])
    obj.__dict__.update(values)
    return obj


def from_model(model: Any) -> Entry:
    """The `Entry` of a validated `translator.glossary.validation.EntryModel` (its values are
    valid: not validated again)."""
    values = dict(model.__dict__)
    if model.styles is not None:
        values["styles"] = trusted(Styles, model.styles.__dict__)
    if model.context:
        values["context"] = tuple(trusted(Context, c.__dict__) for c in model.context)
    return trusted(Entry, values)


def _validated_into(obj: Entry | Styles | Context) -> None:
    """Validate a hand-built instance in place (strip, check), as pydantic did on ``Entry(...)``:
    pydantic's ``ValidationError`` if it breaks the rules."""
    from .validation import model_of

    plain = {k: _plain(v) for k, v in obj.__dict__.items()}
    model = model_of(type(obj).__name__).model_validate(plain)
    valid = from_model(model) if isinstance(obj, Entry) else model
    for name, value in valid.__dict__.items():
        object.__setattr__(obj, name, value)


def _plain(value: Any) -> Any:
    """A field value as the validation reads it (nested dataclasses as dicts)."""
    if isinstance(value, Styles | Context):
        return dict(value.__dict__)
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    return value


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """An entry from its ``to_dict()`` form as this module wrote it (the stored glossary): not
    validated again, only its shape checked; ``ValueError`` if it is not that form."""
    values = dict(data)
    _check_keys(Entry, values)
    for name in ("forms", "wrong", "accept"):
        if name in values:
            values[name] = tuple(values[name])
    styles = values.get("styles")
    if styles is not None:
        _check_keys(Styles, styles)
        values["styles"] = trusted(Styles, styles)
    if "context" in values:
        contexts = []
        for c in values["context"]:
            _check_keys(Context, c)
            contexts.append(trusted(Context, {"when": tuple(c["when"]), "target": c["target"]}))
        values["context"] = tuple(contexts)
    if not all(isinstance(values[k], str) for k in ("source", "target")) or (
        values["category"] not in CATEGORIES
    ):
        raise ValueError("not a stored entry")
    return trusted(Entry, values)


def _check_keys(cls: type, values: Any) -> None:
    if not isinstance(values, dict):
        raise ValueError(f"not a stored {cls.__name__}")
    keys = values.keys()
    if not _REQUIRED[cls] <= keys or not keys <= _DEFAULTS[cls].keys() | _REQUIRED[cls]:
        raise ValueError(f"not a stored {cls.__name__}")


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
    import yaml

    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _duplicate_keys(node: yaml.MappingNode, where: str) -> list[str]:
    import yaml

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
    import yaml

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
    from pydantic import ValidationError

    from .validation import EntryModel, entry_list

    try:
        valid: list[Entry] | None = [from_model(m) for m in entry_list().validate_python(mappings)]
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
            entry = from_model(EntryModel.model_validate(raw))
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
    import yaml

    doc = {"schema": SCHEMA_VERSION, "entries": [e.to_dict() for e in entries]}
    # libyaml's emitter when present: the same text, several times faster.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with collector_paused():
        return yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
