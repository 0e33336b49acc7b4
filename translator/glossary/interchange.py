"""Exchanging glossaries with other tools: CSV, TSV (DeepL style) and TBX (ISO 30042).

CSV/TSV. A plain DeepL glossary -- rows of ``source,target`` (optionally followed by DeepL's
``source_lang,target_lang`` columns) and no header -- imports as entries of category ``term``.
Our export starts with the header ``source,target,category,forms,wrong,inflect,note,enforce,
number,styles,context`` and is read back without loss: several forms/wrong renderings share a
cell, separated by ``|`` (a literal ``|`` or ``\\`` in a term is escaped with a backslash);
``styles`` and ``context`` cells hold JSON (``{"bbc": "Nato"}``). Exports with fewer columns
(older ones) import too.

TBX. One ``conceptEntry`` per entry: the ``de`` language section holds the source form and the
extra forms (``termType`` ``variant``), the ``en`` section the rendering (``administrativeStatus``
``preferredTerm-admn-sts``) and the wrong renderings (``deprecatedTerm-admn-sts``); category,
inflection and note are ``descrip``/``admin``/``note`` elements; enforce, number, styles and
context are ``admin`` elements (styles and context as JSON). TBX v2 element names
(``termEntry``/``langSet``/``tig``) are read as well. Documents declaring entities are refused
(no entity expansion, no external resources).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import GlossaryError
from .schema import (
    Entry,
    GlossaryValidationError,
    Located,
    _key,
    collector_paused,
    cross_check,
)

FORMATS = ("csv", "tsv", "tbx")
HEADER = (
    "source",
    "target",
    "category",
    "forms",
    "wrong",
    "inflect",
    "note",
    "accept",
    "enforce",
    "number",
    "styles",
    "context",
)


def _extra(e: Entry) -> dict[str, str]:
    """The optional fields beyond the DeepL-like core, as cell/element text (empty: unset)."""
    return {
        "accept": _join(e.accept),
        "enforce": e.enforce or "",
        "number": e.number or "",
        "styles": json.dumps(e.styles.to_dict(), ensure_ascii=False) if e.styles else "",
        "context": (
            json.dumps([c.to_dict() for c in e.context], ensure_ascii=False) if e.context else ""
        ),
    }


def _read_extra(cells: dict[str, str], data: dict[str, Any], at: str) -> None:
    for key in ("enforce", "number"):
        if cells.get(key, "").strip():
            data[key] = cells[key].strip()
    for key in ("styles", "context"):
        if cells.get(key, "").strip():
            try:
                data[key] = json.loads(cells[key])
            except json.JSONDecodeError:
                raise GlossaryError(f"{at}: {key} must be JSON") from None
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_NS = "urn:iso:std:iso:30042:ed-2"


def _join(values: tuple[str, ...]) -> str:
    return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def _split(cell: str) -> list[str]:
    if not cell.strip():
        return []
    parts = re.findall(r"(?:\\.|[^|\\])+", cell)
    return [re.sub(r"\\(.)", r"\1", p).strip() for p in parts]


# -- export -------------------------------------------------------------------------------------


def to_delimited(entries: list[Entry], delimiter: str) -> str:
    """CSV (``,``) or TSV (``\\t``) with our header; read back by `from_delimited`."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    for e in entries:
        inflect = "" if e.inflect is None else str(e.inflect).lower()
        writer.writerow(
            [e.source, e.target, e.category, _join(e.forms), _join(e.wrong), inflect, e.note or ""]
            + list(_extra(e).values())
        )
    return buf.getvalue()


def to_tbx(entries: list[Entry]) -> str:
    """A TBX (ISO 30042) document."""
    ET.register_namespace("", TBX_NS)
    q = f"{{{TBX_NS}}}"
    root = ET.Element(f"{q}tbx", {"type": "TBX-Basic", "style": "dca", _XML_LANG: "en"})
    desc = ET.SubElement(ET.SubElement(ET.SubElement(root, f"{q}tbxHeader"), f"{q}fileDesc"),
                         f"{q}sourceDesc")
    ET.SubElement(desc, f"{q}p").text = "translator glossary (German -> English)"
    body = ET.SubElement(ET.SubElement(root, f"{q}text"), f"{q}body")
    for i, e in enumerate(entries, 1):
        concept = ET.SubElement(body, f"{q}conceptEntry", {"id": f"c{i}"})
        ET.SubElement(concept, f"{q}descrip", {"type": "category"}).text = e.category
        if e.inflect is not None:
            ET.SubElement(concept, f"{q}admin", {"type": "inflect"}).text = str(e.inflect).lower()
        if e.note is not None:
            ET.SubElement(concept, f"{q}note").text = e.note
        for key, value in _extra(e).items():
            if value and key != "accept":
                ET.SubElement(concept, f"{q}admin", {"type": key}).text = value
        de = ET.SubElement(concept, f"{q}langSec", {_XML_LANG: "de"})
        for j, form in enumerate(e.source_forms):
            term_sec = ET.SubElement(de, f"{q}termSec")
            ET.SubElement(term_sec, f"{q}term").text = form
            kind = "fullForm" if j == 0 else "variant"
            ET.SubElement(term_sec, f"{q}termNote", {"type": "termType"}).text = kind
        en = ET.SubElement(concept, f"{q}langSec", {_XML_LANG: "en"})
        for text, status in [
            (e.target, "preferred"),
            *((w, "deprecated") for w in e.wrong),
            *((a, "admitted") for a in e.accept),
        ]:
            term_sec = ET.SubElement(en, f"{q}termSec")
            ET.SubElement(term_sec, f"{q}term").text = text
            ET.SubElement(term_sec, f"{q}termNote", {"type": "administrativeStatus"}).text = (
                f"{status}Term-admn-sts"
            )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def export(entries: list[Entry], fmt: str) -> str:
    """``entries`` as csv, tsv or tbx text."""
    if fmt == "csv":
        return to_delimited(entries, ",")
    if fmt == "tsv":
        return to_delimited(entries, "\t")
    if fmt == "tbx":
        return to_tbx(entries)
    raise GlossaryError(f"unknown glossary format {fmt!r} (one of: {', '.join(FORMATS)})")


# -- import -------------------------------------------------------------------------------------


def _entry(data: dict[str, Any], where: str) -> Entry:
    try:
        return Entry.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise GlossaryError(
            f"{where}: entry {data.get('source')!r}: {field}: {err['msg']}"
        ) from None


def _default_category(
    data: dict[str, Any], number: int, category: str | None, defaulted: list[int] | None
) -> None:
    if "category" not in data:
        data["category"] = category or "term"
        if category is None and defaulted is not None:
            defaulted.append(number)


def from_delimited(
    text: str,
    delimiter: str,
    where: str,
    category: str | None = None,
    defaulted: list[int] | None = None,
) -> list[Located]:
    """Entries from DeepL-style rows or from our own export (detected by its header). A row
    without a category gets ``category`` (``term`` if None); its line goes into ``defaulted``
    when that list is given and ``category`` is None."""
    # newline=None: a row may end in \n, \r\n or a lone \r (old Mac exports), as in a file
    # opened in text mode; the csv module refuses a bare \r inside an unquoted field.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=None), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
        raise GlossaryError(f"{where}:{reader.line_num}: {exc}") from exc
    header: list[str] | None = None
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["source", "target"]:
        header = [c.strip().lower() for c in rows[0]]
        unknown = [c for c in header if c not in HEADER]
        if unknown:
            raise GlossaryError(f"{where}:1: unknown column(s) {', '.join(unknown)}")
    located = []
    for number, row in enumerate(rows, 1):
        if (header is not None and number == 1) or not any(c.strip() for c in row):
            continue
        at = f"{where}:{number}"
        if header is None:
            if len(row) not in (2, 4):
                raise GlossaryError(
                    f"{at}: expected 'source{delimiter}target', got {len(row)} cells"
                )
            data: dict[str, Any] = {"source": row[0], "target": row[1]}
        else:
            if len(row) != len(header):
                raise GlossaryError(f"{at}: expected {len(header)} cells, got {len(row)}")
            cells = dict(zip(header, row, strict=True))
            data = {"source": cells["source"], "target": cells.get("target", "")}
            if cells.get("category"):
                data["category"] = cells["category"]
            for key in ("forms", "wrong", "accept"):
                if cells.get(key, "").strip():
                    data[key] = _split(cells[key])
            inflect = cells.get("inflect", "").strip().lower()
            if inflect:
                if inflect not in ("true", "false"):
                    raise GlossaryError(f"{at}: inflect must be true, false or empty")
                data["inflect"] = inflect == "true"
            if cells.get("note", "").strip():
                data["note"] = cells["note"]
            _read_extra(cells, data, at)
        _default_category(data, number, category, defaulted)
        located.append(Located(_entry(data, at), number))
    return located


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _children(el: ET.Element, *names: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) in names]


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def from_tbx(
    text: str, where: str, category: str | None = None, defaulted: list[int] | None = None
) -> list[Located]:
    """Entries from a TBX document (v3 ``conceptEntry`` or v2 ``termEntry`` names); a concept
    without our ``category`` gets ``category`` as in `from_delimited`."""
    if re.search(r"<!ENTITY", text):
        raise GlossaryError(f"{where}: TBX files declaring XML entities are not accepted")
    try:
        root = ET.fromstring(text.lstrip("\ufeff").encode())
    except ET.ParseError as exc:
        raise GlossaryError(f"{where}:{exc.position[0]}: invalid XML: {exc}") from None
    located = []
    concepts = [el for el in root.iter() if _local(el.tag) in ("conceptEntry", "termEntry")]
    for number, concept in enumerate(concepts, 1):
        at = f"{where}: concept {concept.get('id') or number}"
        data: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for el in concept:
            kind, typ = _local(el.tag), el.get("type")
            # Only our own "category" maps to a category; another tool's subjectField
            # ("Military") does not.
            if kind == "descrip" and typ == "category" and _text(el):
                data["category"] = _text(el)
            elif kind == "admin" and typ == "inflect":
                data["inflect"] = _text(el).lower() == "true"
            elif kind == "admin" and typ in ("enforce", "number", "styles", "context"):
                extra[typ] = _text(el)
            elif kind == "note" and _text(el):
                data["note"] = _text(el)
            elif kind == "admin" and typ == "enforce" and _text(el):
                data["enforce"] = _text(el)
        sources: list[str] = []
        targets: list[str] = []
        wrong: list[str] = []
        accept: list[str] = []
        for lang_sec in _children(concept, "langSec", "langSet"):
            lang = (lang_sec.get(_XML_LANG) or lang_sec.get("lang") or "").lower()[:2]
            for term_sec in _children(lang_sec, "termSec", "tig", "ntig"):
                term = next((t for t in term_sec.iter() if _local(t.tag) == "term"), None)
                status = " ".join(
                    _text(n) for n in term_sec.iter() if _local(n.tag) == "termNote"
                )
                value = _text(term)
                if lang == "de":
                    sources.append(value)
                elif lang == "en":
                    if "deprecated" in status:
                        wrong.append(value)
                    elif "admitted" in status:
                        accept.append(value)
                    else:
                        targets.append(value)
        if not sources or not targets:
            raise GlossaryError(f"{at}: needs a German (de) and an English (en) term")
        data.update(source=sources[0], target=targets[0])
        if sources[1:]:
            data["forms"] = sources[1:]
        if wrong:
            data["wrong"] = wrong
        if accept:
            data["accept"] = accept
        _read_extra(extra, data, at)
        _default_category(data, number, category, defaulted)
        located.append(Located(_entry(data, at), number))
    return located


#: What ``--on-conflict`` accepts: keep the first entry of a source form, the one whose
#: rendering the termbase gives most often, or refuse the import (the default).
ON_CONFLICT = ("first", "most-frequent", "error")

#: Pronominal adverbs ("dabei", "darauf", "wofür", "hierzu"): as frequent as the words of a
#: stop-word list, but missing from most.
_PREPOSITIONS = (
    "an auf aus bei durch für gegen hinter in mit nach neben über um unter von vor zu zwischen"
).split()


def common_words() -> frozenset[str]:
    """German function words: a term matching one would be injected into most sentences.

    The German stop-word list of the ``stop-words`` package (articles, pronouns, prepositions,
    conjunctions, auxiliaries) and the pronominal adverbs formed from the prepositions.
    """
    from stop_words import get_stop_words

    words = set(get_stop_words("de"))
    for prep in _PREPOSITIONS:
        linked = "r" if prep[0] in "aeiouäöü" else ""
        words |= {f"da{linked}{prep}", f"wo{linked}{prep}", f"hier{prep}"}
    return frozenset(words)


@dataclass
class Imported:
    """The result of an import: the entries to write and what was left out or is suspicious."""

    entries: list[Entry]
    #: One line per entry left out by ``on_conflict`` (which entry was kept instead).
    dropped: list[str] = field(default_factory=list)
    #: One line per entry that matches a common German word (refused unless allowed).
    common: list[str] = field(default_factory=list)


def _drop_conflicts(located: list[Located], on_conflict: str, where: str) -> tuple[
    list[Located], list[str]
]:
    """Keep one entry per source form (first letter's case and whitespace ignored)."""
    if on_conflict == "most-frequent":
        # Within the entries sharing a source, the rendering given most often wins (ties: the
        # first given); the others are dropped first, then any remaining overlap as "first".
        groups: dict[str, list[Located]] = {}
        for loc in located:
            groups.setdefault(_key(loc.entry.source), []).append(loc)
        preferred: set[int] = set()
        for group in groups.values():
            counts = Counter(loc.entry.target for loc in group)
            best = max(counts.values())
            winner = next(loc for loc in group if counts[loc.entry.target] == best)
            preferred.add(id(winner))
        order = sorted(located, key=lambda loc: id(loc) not in preferred)
    else:
        order = located
    kept: dict[int, Located] = {}
    owner: dict[str, Located] = {}
    dropped: list[tuple[int, str]] = []
    for loc in order:
        keys = [_key(f) for f in loc.entry.source_forms]
        clash = next((owner[k] for k in keys if k in owner), None)
        if clash is None:
            for k in keys:
                owner[k] = loc
            kept[id(loc)] = loc
            continue
        e, other = loc.entry, clash.entry
        kind = "duplicate of" if e.target == other.target else "conflicts with"
        dropped.append(
            (
                loc.line,
                f"{where}:{loc.line}: dropped entry {e.source!r} -> {e.target!r}: {kind} "
                f"entry {other.source!r} -> {other.target!r} ({clash.line}), which is kept "
                f"(--on-conflict {on_conflict})",
            )
        )
    return [loc for loc in located if id(loc) in kept], [line for _, line in sorted(dropped)]


def common_word_matches(entries: list[Entry]) -> list[tuple[Entry, str]]:
    """(entry, word) for each entry that matches a whole common German word."""
    from .match import Matcher

    matcher = Matcher(tuple(entries))
    found: dict[Entry, str] = {}
    for word in sorted(common_words()):
        for m in matcher.candidates(word):
            if (m.start, m.end) == (0, len(word)):
                found.setdefault(m.entry, word)
    order = {e: i for i, e in enumerate(entries)}
    return sorted(found.items(), key=lambda item: order[item[0]])


def import_glossary(
    text: str,
    fmt: str,
    where: str,
    *,
    on_conflict: str = "error",
    allow_common: bool = False,
    category: str | None = None,
    defaulted: list[int] | None = None,
) -> Imported:
    """Entries from CSV/TSV/TBX text, validated like a glossary file.

    ``on_conflict``: ``error`` refuses entries that share a source form (differing only in the
    case of the first letter or in spacing), ``first`` keeps the first of them, ``most-frequent``
    the one whose rendering is given most often. Entries that match a common German word
    ("der", "bei", "dabei") are refused unless ``allow_common``; they are listed either way.
    Entries the file gives no category get ``category``; with None they get ``term`` and
    their lines (rows, or concept numbers in TBX) go into ``defaulted`` when it is given.
    """
    if on_conflict not in ON_CONFLICT:
        raise GlossaryError(
            f"unknown --on-conflict {on_conflict!r} (one of: {', '.join(ON_CONFLICT)})"
        )
    with collector_paused():  # tens of thousands of entries: see schema.collector_paused
        if fmt == "csv":
            located = from_delimited(text, ",", where, category, defaulted)
        elif fmt == "tsv":
            located = from_delimited(text, "\t", where, category, defaulted)
        elif fmt == "tbx":
            located = from_tbx(text, where, category, defaulted)
        else:
            raise GlossaryError(f"unknown glossary format {fmt!r} (one of: {', '.join(FORMATS)})")
        dropped: list[str] = []
        if on_conflict != "error":
            located, dropped = _drop_conflicts(located, on_conflict, where)
        problems = cross_check(located, where)
        shared = sum(": conflicts with entry" in p or ": duplicate of entry" in p for p in problems)
        if shared and on_conflict == "error":
            problems.append(
                f"{where}: {shared} entr{'y shares' if shared == 1 else 'ies share'} a source "
                "form with another; --on-conflict first|most-frequent keeps one of each"
            )
        entries = [loc.entry for loc in located]
        lines = {id(loc.entry): loc.line for loc in located}
        if defaulted:  # only the entries kept
            kept = {loc.line for loc in located}
            defaulted[:] = [line for line in defaulted if line in kept]
        common = [
            f"{where}:{lines[id(e)]}: entry {e.source!r} -> {e.target!r} matches the common "
            f"German word {word!r}"
            for e, word in common_word_matches(entries)
        ]
    if common and not allow_common:
        problems += [
            *common,
            f"{where}: {len(common)} entr{'y' if len(common) == 1 else 'ies'} would be "
            "injected into most sentences; remove them or import with --allow-common",
        ]
    if problems:
        # Everything at once: conflicts, other problems and common words.
        raise GlossaryValidationError(problems)
    return Imported(entries, dropped, common)


def import_text(text: str, fmt: str, where: str) -> list[Entry]:
    """Entries from CSV/TSV/TBX text, validated like a glossary file (duplicates, conflicts)."""
    return import_glossary(text, fmt, where, allow_common=True).entries


def guess_format(name: str, text: str) -> str:
    """csv, tsv or tbx from the file name, else from the content."""
    lower = name.lower()
    for fmt in FORMATS:
        if lower.endswith(f".{fmt}"):
            return fmt
    if lower.endswith((".xml", ".tbx2")) or text.lstrip("\ufeff").lstrip().startswith("<"):
        return "tbx"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return "tsv" if "\t" in first else "csv"
