"""A validated, indexed glossary kept on disk, so that a large one loads in a fraction of a second.

Reading a termbase-sized glossary (tens of thousands of entries) is dominated by YAML parsing and
validation. Once a file has been validated, its entries, their digest and its match index are
written to ``<cache dir>/glossary/<key>.json``, where the key is a hash of the file's bytes and
of the code that reads and matches it (so an edited glossary or a new version of the tool never
sees a stale copy). Only valid glossaries are stored; anything unreadable in the store is
ignored and rebuilt. Small glossaries (fewer than `MIN_ENTRIES`) are not stored: parsing them
is faster than the bookkeeping.

The file is three lines of JSON: a header, the entries (validated again on reading, in one call
into pydantic-core), and the index (`translator.glossary.match.build_index`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from .match import MatcherIndex
from .schema import Entry, entry_list

#: Glossaries with fewer entries are not stored.
MIN_ENTRIES = 1000
#: How many stored glossaries are kept (the most recently written).
KEEP = 8
FORMAT = 2


@cache
def _code_fingerprint() -> bytes:
    """A hash of the modules that decide what a stored glossary contains."""
    digest = hashlib.sha256(str(FORMAT).encode())
    here = Path(__file__).parent
    for name in ("__init__.py", "schema.py", "match.py", "compiled.py"):
        digest.update((here / name).read_bytes())
    return digest.digest()


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
        header, entries_json, index_json = path.read_text(encoding="utf-8").split("\n", 2)
        meta = json.loads(header)
        if meta.get("format") != FORMAT:
            return None
        entries = entry_list().validate_json(entries_json)
        index = json.loads(index_json)
        keys = {key: tuple(found) for key, found in index["keys"].items()}
        return entries, str(meta["digest"]), (keys, tuple(index["always"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: parse the glossary instead


def store(raw: bytes, entries: tuple[Entry, ...], digest: str, index: MatcherIndex) -> None:
    """Keep a validated glossary; failures (read-only cache, full disk) are ignored."""
    folder = _folder()
    header = json.dumps({"format": FORMAT, "digest": digest, "entries": len(entries)})
    body = entry_list().dump_json(list(entries), exclude_defaults=True).decode()
    tail = json.dumps({"keys": index[0], "always": index[1]}, ensure_ascii=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(f"{header}\n{body}\n{tail}")
            os.replace(tmp, folder / f"{key(raw)}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        stored = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
