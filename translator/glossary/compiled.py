"""A validated, indexed glossary kept on disk, so that a large one loads in a fraction of a second.

Reading a termbase-sized glossary (tens of thousands of entries) is dominated by YAML parsing and
validation. Once a file has been validated, its entries, their digest and its match index are
written to ``<cache dir>/glossary/<key>.json``, where the key is a hash of the file's bytes and
of the code that reads and matches it (so an edited glossary or a new version of the tool never
sees a stale copy). Only valid glossaries are stored; anything unreadable in the store is
ignored and rebuilt. Small glossaries (fewer than `MIN_ENTRIES`) are not stored: parsing them
is faster than the bookkeeping.

The file is three lines of JSON: a header, the entries (as ``Entry.to_dict()`` writes them),
and the index (`translator.glossary.match.build_index`). The header holds a hash of the other
two lines: the entries were validated before they were stored, so reading them back checks
that hash and their shape, not every value again (no pydantic is imported on this path).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from .match import MatcherIndex
from .schema import Entry, entry_from_dict

#: Glossaries with fewer entries are not stored.
MIN_ENTRIES = 1000
#: How many stored glossaries are kept (the most recently written).
KEEP = 8
FORMAT = 3


@cache
def _code_fingerprint() -> bytes:
    """A hash of the modules that decide what a stored glossary contains."""
    digest = hashlib.sha256(str(FORMAT).encode())
    here = Path(__file__).parent
    modules = ("__init__.py", "kinds.py", "schema.py", "validation.py", "match.py", "compiled.py")
    for name in modules:
        digest.update((here / name).read_bytes())
    return digest.digest()


def _body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def key(raw: bytes) -> str:
    """The store key of a glossary file's bytes."""
    return hashlib.sha256(_code_fingerprint() + raw).hexdigest()[:32]


def _folder() -> Path:
    from .. import config

    return config.cache_dir() / "glossary"


def load(raw: bytes) -> tuple[list[Entry], str, MatcherIndex] | None:
    """Entries, digest and index of the stored glossary with these bytes, if there is one."""
    path = _folder() / f"{key(raw)}.json"
    try:
        header, body = path.read_text(encoding="utf-8").split("\n", 1)
        meta = json.loads(header)
        if meta.get("format") != FORMAT or meta.get("body") != _body_hash(body):
            return None
        entries_json, index_json = body.split("\n", 1)
        entries = [entry_from_dict(e) for e in json.loads(entries_json)]
        index = json.loads(index_json)
        keys = {key: tuple(found) for key, found in index["keys"].items()}
        return entries, str(meta["digest"]), (keys, tuple(index["always"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: parse the glossary instead


def store(raw: bytes, entries: tuple[Entry, ...], digest: str, index: MatcherIndex) -> None:
    """Keep a validated glossary; failures (read-only cache, full disk) are ignored."""
    folder = _folder()
    rows = json.dumps([e.to_dict() for e in entries], ensure_ascii=False)
    tail = json.dumps({"keys": index[0], "always": index[1]}, ensure_ascii=False)
    body = f"{rows}\n{tail}"
    header = json.dumps(
        {"format": FORMAT, "digest": digest, "entries": len(entries), "body": _body_hash(body)}
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(f"{header}\n{body}")
            os.replace(tmp, folder / f"{key(raw)}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        stored = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
