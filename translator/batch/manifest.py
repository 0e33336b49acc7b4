"""The manifest: what each output in OUT_DIR was made from, so a re-run redoes only what changed.

It lives in ``OUT_DIR/.translator-manifest.sqlite`` (hidden, so a later run that reads OUT_DIR
as input ignores it): one SQLite row per output, keyed by output path (so runs with different
formats can share an OUT_DIR). A finished file is one row written, and rows are committed in
groups (write-ahead log, checkpointed when the run ends), so the cost per file does not grow
with the archive and a run killed at any moment loses at most the files not yet committed.
Looking a file up reads its row only: nothing is held in memory per file.

Each row also keeps the size and modification time of the source and of the output as they
were when the hashes were taken, so a re-run hashes only files whose size or time changed.

The previous layout, one JSON document rewritten whole (``.translator-manifest.json``), is
read once and migrated (the old file is kept, renamed ``.translator-manifest.v1.json``). An
object-store OUT keeps that JSON layout (``JsonManifest``): it has no SQLite.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..errors import OutputError

log = logging.getLogger("translator")

MANIFEST_NAME = ".translator-manifest.sqlite"
#: The previous version's manifest (one JSON document): read once, migrated.
LEGACY_NAME = ".translator-manifest.json"
#: What a migrated JSON manifest is renamed to.
MIGRATED_NAME = ".translator-manifest.v1.json"
#: Names whose presence marks a folder as a batch run's output.
MANIFEST_NAMES = (MANIFEST_NAME, LEGACY_NAME)
LOCK_NAME = ".translator-manifest.lock"
#: Version of the JSON layout; an unknown version is ignored (everything is redone).
MANIFEST_VERSION = 1
#: Version of the SQLite layout (``PRAGMA user_version``).
SCHEMA_VERSION = 2
#: A source modified less than this long before it was looked at may change again within
#: the file system's time resolution without its size or time changing: its stamp is not
#: kept, so the next run hashes it ("racy" files, as git calls them).
RACY_NS = 2_000_000_000

Status = Literal["ok", "failed"]
#: (size, modification time in ns) of a file when it was hashed.
Stamp = tuple[int, int]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def stamp_of(st: os.stat_result, *, now_ns: int | None = None) -> Stamp | None:
    """The stamp of a file's ``stat``, or None when it was modified too recently to trust."""
    now = time.time_ns() if now_ns is None else now_ns
    if now - st.st_mtime_ns < RACY_NS:
        return None
    return (st.st_size, st.st_mtime_ns)


def dumps(data: Any) -> str:
    """JSON as readable as possible: non-ASCII kept, unless a file name that is not valid
    UTF-8 (a lone surrogate from os.fsdecode) forces escapes, which round-trip exactly."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=1)
    return text + "\n"


def signature_key(signature: dict[str, Any]) -> str:
    """A short stable hash of a run signature (what would change an output)."""
    blob = json.dumps(signature, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class Entry:
    """One output file and what produced it."""

    source: str  # input path relative to IN_DIR (POSIX)
    source_sha256: str | None
    signature: str  # signature_key() of the run that wrote it
    status: Status
    output_sha256: str | None = None
    error: str | None = None
    sentences: int = 0
    terms_missed: int = 0
    updated: str = ""
    #: Size and mtime (ns) of the source and the output when hashed (None: hash again).
    source_size: int | None = None
    source_mtime_ns: int | None = None
    output_size: int | None = None
    output_mtime_ns: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def source_stamp(self) -> Stamp | None:
        if self.source_size is None or self.source_mtime_ns is None:
            return None
        return (self.source_size, self.source_mtime_ns)

    @property
    def output_stamp(self) -> Stamp | None:
        if self.output_size is None or self.output_mtime_ns is None:
            return None
        return (self.output_size, self.output_mtime_ns)


_COLUMNS = tuple(f.name for f in fields(Entry))
#: Columns that hold text which may carry lone surrogates (file names that are not UTF-8):
#: stored as bytes (``surrogatepass``), which SQLite's UTF-8 text cannot hold.
_RAW = frozenset({"source", "error"})
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS signatures (key TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    output BLOB PRIMARY KEY, {", ".join(_COLUMNS)}
) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA_VERSION};
"""


def _raw(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", "surrogatepass")


def _text(raw: bytes | str | None) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw
    return raw.decode("utf-8", "surrogatepass")


class Manifest:
    """The manifest of one local OUT_DIR (SQLite). ``get`` and ``entries`` read rows,
    ``record`` and ``restamp`` write them, ``save`` commits, ``close`` ends the run."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        self.dirty = False  # recorded since the last save
        self._db: sqlite3.Connection | None = None
        self._known: set[str] = set()  # signature keys stored
        self._writing = False  # in write-ahead-log mode, switched on by the first write

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """Open the manifest (migrating a previous version's JSON one, once); a missing one
        is empty, an unreadable one is set aside (everything is redone)."""
        manifest = cls(out_dir)
        manifest._open()
        return manifest

    # -- opening --------------------------------------------------------------------------------

    def _open(self) -> None:
        legacy = self.out_dir / LEGACY_NAME
        if self.path.exists():
            try:
                self._connect()
            except sqlite3.DatabaseError as exc:
                if exc.sqlite_errorname not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                    raise OutputError(f"{self.path}: cannot be read ({exc})") from exc
                aside = self.path.with_name(MANIFEST_NAME + ".unreadable")
                log.warning(
                    "ignoring unreadable manifest %s (%s); every file is redone; kept as %s",
                    self.path, exc, aside.name,
                )  # fmt: skip
                self._close_quietly()
                with contextlib.suppress(OSError):
                    os.replace(self.path, aside)
                for suffix in ("-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(str(self.path) + suffix)
        elif legacy.is_file():
            self._migrate(legacy)

    def _connect(self) -> sqlite3.Connection:
        """The connection (made on first need: a missing manifest is created only when
        something is recorded)."""
        if self._db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level="DEFERRED",
                                 check_same_thread=False)  # fmt: skip
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    if version:
                        log.warning("manifest %s of an unknown layout; starting afresh", self.path)
                        db.executescript(
                            "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS signatures;"
                        )
                    db.executescript(_SCHEMA)
                db.execute("PRAGMA synchronous=NORMAL")
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _migrate(self, legacy: Path) -> None:
        old = JsonManifest.load(self.out_dir)
        if not old.entries:
            return  # unreadable or empty: warned already, everything is redone
        for out_rel, entry in old.entries.items():
            self._put(out_rel, entry, old.signatures.get(entry.signature, {}))
        self.save()
        try:
            os.replace(legacy, legacy.with_name(MIGRATED_NAME))
        except OSError as exc:
            log.warning("cannot rename %s after migrating it (%s)", legacy, exc)
        log.warning(
            "migrated the manifest %s (%d files) to %s; the old file is kept as %s",
            legacy, len(old.entries), self.path.name, MIGRATED_NAME,
        )  # fmt: skip

    # -- reading --------------------------------------------------------------------------------

    def get(self, out_rel: str) -> Entry | None:
        """The entry of one output, or None."""
        if self._db is None and not self.path.exists():
            return None
        row = (
            self._connect()
            .execute(f"SELECT {', '.join(_COLUMNS)} FROM files WHERE output = ?", (_raw(out_rel),))
            .fetchone()
        )
        return None if row is None else _entry(row)

    @property
    def entries(self) -> dict[str, Entry]:
        """Every entry by output path, as they are now (read whole: for tests and tools; a
        run never needs it)."""
        if self._db is None and not self.path.exists():
            return {}
        sql = f"SELECT output, {', '.join(_COLUMNS)} FROM files"
        rows = self._connect().execute(sql).fetchall()
        return {str(_text(row[0])): _entry(row[1:]) for row in rows}

    def signature(self, key: str) -> dict[str, Any] | None:
        """The run signature a key stands for."""
        if self._db is None and not self.path.exists():
            return None
        row = (
            self._connect()
            .execute("SELECT signature FROM signatures WHERE key = ?", (key,))
            .fetchone()
        )
        return None if row is None else dict(json.loads(row[0]))

    def output_current(self, out_rel: str, entry: Entry) -> bool:
        """Whether the output is still exactly what we wrote: by its size and time, else by
        its hash (a match refreshes the stamp, so it is not hashed again)."""
        path = self.out_dir / out_rel
        try:
            st = os.stat(path)
        except OSError:
            return False
        if entry.output_stamp is not None and entry.output_stamp == (st.st_size, st.st_mtime_ns):
            return True
        if sha256_file(path) != entry.output_sha256 or entry.output_sha256 is None:
            return False
        self.restamp(out_rel, output=stamp_of(st))
        return True

    def to_dict(self) -> dict[str, Any]:
        """The manifest in the previous version's JSON layout (for people and tools)."""
        files = {out: asdict(e) for out, e in sorted(self.entries.items())}
        used = {e["signature"] for e in files.values()}
        return {
            "manifest": MANIFEST_VERSION,
            "tool": "translator",
            "signatures": {k: self.signature(k) for k in sorted(used)},
            "files": files,
        }

    # -- writing --------------------------------------------------------------------------------

    def record(self, out_rel: str, entry: Entry, signature: dict[str, Any]) -> None:
        """Store a finished file's entry (committed by the next ``save``). The output's
        stamp is taken here, next to its hash."""
        entry.updated = datetime.now(UTC).isoformat(timespec="seconds")
        if entry.status == "ok" and entry.output_stamp is None:
            try:
                st = os.stat(self.out_dir / out_rel)
            except OSError:
                pass
            else:
                entry.output_size, entry.output_mtime_ns = st.st_size, st.st_mtime_ns
        self._put(out_rel, entry, signature)

    def _write(self) -> sqlite3.Connection:
        """The connection, ready for writing: the first write of a run switches to a
        write-ahead log, where a commit appends (cost per file constant) and a reader
        (someone watching the progress) does not block the run. NORMAL sync survives a
        killed process; only a power cut can lose the last commits (those files are redone)."""
        db = self._connect()
        if not self._writing:
            db.execute("PRAGMA journal_mode=WAL")
            self._writing = True
        return db

    def _put(self, out_rel: str, entry: Entry, signature: dict[str, Any]) -> None:
        db = self._write()
        if entry.signature not in self._known:
            db.execute(
                "INSERT OR REPLACE INTO signatures VALUES (?, ?)",
                (entry.signature, json.dumps(signature, sort_keys=True, default=str)),
            )
            self._known.add(entry.signature)
        values = [_raw(getattr(entry, k)) if k in _RAW else getattr(entry, k) for k in _COLUMNS]
        db.execute(
            f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
            (_raw(out_rel), *values),
        )
        self.dirty = True

    def restamp(
        self, out_rel: str, *, source: Stamp | None = None, output: Stamp | None = None
    ) -> None:
        """Remember a file's new size and time after its hash was found unchanged."""
        db = self._write()
        if source is not None:
            db.execute(
                "UPDATE files SET source_size = ?, source_mtime_ns = ? WHERE output = ?",
                (*source, _raw(out_rel)),
            )
            self.dirty = True
        if output is not None:
            db.execute(
                "UPDATE files SET output_size = ?, output_mtime_ns = ? WHERE output = ?",
                (*output, _raw(out_rel)),
            )
            self.dirty = True

    def save(self) -> None:
        """Commit what was recorded since the last save."""
        if self._db is not None and self.dirty:
            try:
                self._db.commit()
            except sqlite3.Error as exc:
                raise OutputError(f"{self.path}: cannot write ({exc})") from exc
        self.dirty = False

    def close(self) -> None:
        """Commit, fold the write-ahead log into the file (one file is left, as before the
        run), and let go of it."""
        if self._db is None:
            return
        try:
            self.save()
            if self._writing:
                # Back to a plain journal, which leaves no -wal/-shm files next to it (a
                # reader still looking keeps WAL: the next run's close folds it in).
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("PRAGMA journal_mode=DELETE")
        finally:
            self._close_quietly()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _close_quietly(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _entry(row: tuple[Any, ...]) -> Entry:
    values: list[Any] = [_text(v) if k in _RAW else v for k, v in zip(_COLUMNS, row, strict=True)]
    return Entry(*values)


class JsonManifest:
    """The previous layout: one JSON document, read whole and rewritten whole (atomically).
    Still what an object-store OUT keeps (see ``storage.RemoteManifest``), and what a local
    OUT_DIR is migrated from."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / LEGACY_NAME
        self.entries: dict[str, Entry] = {}
        self.signatures: dict[str, dict[str, Any]] = {}
        self.dirty = False

    @classmethod
    def load(cls, out_dir: Path) -> JsonManifest:
        """Read the manifest; a missing, unreadable or foreign one counts as empty."""
        manifest = cls(out_dir)
        manifest._load()
        return manifest

    def _load(self) -> None:
        try:
            data = json.loads(self._read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning(
                "ignoring unreadable manifest %s (%s); every file is redone", self.path, exc
            )
            return
        if not isinstance(data, dict) or data.get("manifest") != MANIFEST_VERSION:
            log.warning("ignoring manifest %s of an unknown layout", self.path)
            return
        try:
            self.signatures = dict(data.get("signatures") or {})
            self.entries = {
                out: Entry.from_dict(entry) for out, entry in (data.get("files") or {}).items()
            }
        except (TypeError, AttributeError) as exc:
            log.warning("ignoring malformed manifest %s (%s)", self.path, exc)
            self.entries, self.signatures = {}, {}

    # Where the manifest and the outputs are; an object-store manifest overrides these three.
    def _read_text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def _write_text(self, text: str) -> None:
        from ..files import write_atomic

        write_atomic(self.path, text)

    def _output_sha256(self, out_rel: str) -> str | None:
        return sha256_file(self.out_dir / out_rel)

    def get(self, out_rel: str) -> Entry | None:
        return self.entries.get(out_rel)

    def signature(self, key: str) -> dict[str, Any] | None:
        return self.signatures.get(key)

    def output_current(self, out_rel: str, entry: Entry) -> bool:
        """Whether the output is exactly what we wrote (deleted, truncated or edited outputs
        are regenerated)."""
        return self._output_sha256(out_rel) == entry.output_sha256

    def record(self, out_rel: str, entry: Entry, signature: dict[str, Any]) -> None:
        entry.updated = datetime.now(UTC).isoformat(timespec="seconds")
        self.entries[out_rel] = entry
        self.signatures[entry.signature] = signature
        self.dirty = True

    def restamp(
        self, out_rel: str, *, source: Stamp | None = None, output: Stamp | None = None
    ) -> None:
        """Stamps are not kept here: every file is hashed."""

    def to_dict(self) -> dict[str, Any]:
        used = {e.signature for e in self.entries.values()}
        return {
            "manifest": MANIFEST_VERSION,
            "tool": "translator",
            "signatures": {k: v for k, v in sorted(self.signatures.items()) if k in used},
            "files": {out: asdict(e) for out, e in sorted(self.entries.items())},
        }

    def save(self) -> None:
        """Write the manifest atomically (temp file + rename)."""
        if self.dirty:
            self._write_text(dumps(self.to_dict()))
        self.dirty = False

    def close(self) -> None:
        self.save()


#: What the plan and the ledger need of a manifest.
AnyManifest = Manifest | JsonManifest


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUT_DIR's manifest for the run: two batch runs writing the
    same folder would overwrite each other's manifest. The OS drops the lock if we die; the
    lock file is removed when the run ends."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking, as before
        yield
        return
    path = out_dir / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise OutputError(f"{out_dir}: another batch run is writing to this folder") from exc
        # The run before us may have removed the file between our open and our lock: a lock
        # on a file no longer at ``path`` guards nothing, so take the one that is there.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        # Removed while still held, so a run waiting on this file retries on a fresh one.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)
