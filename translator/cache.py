"""Translation memory: an SQLite store of engine outputs, keyed by namespace + source sentence.

The pipeline builds the namespace from everything that changes an engine output (model,
revision, backend, quantization, decoding options, glossary version; see
``Pipeline.memory_namespace``), so a memory entry is only ever reused for the same setup.

It also remembers, per setup (options and the facts on disk that decide the engine: see
``translator.engine.spec``), the signature of the engine that setup loaded, so that a re-run
can look its sentences up before loading any model, and load none when all are there.

The memory is a speed-up, never a reason to fail a translation: a corrupt file is moved aside
(with a warning) and a fresh one started; a locked or unwritable file is skipped (with a
warning) and the translation goes on without it. Several processes may use one file at the
same time (WAL journal, busy timeout, one short transaction per store).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .signature import is_qa_namespace

log = logging.getLogger("translator")

FILENAME = "memory.sqlite3"
_SCHEMA_VERSION = 1
# SQLite's bound-parameter limit is 999 in older builds; stay well under it.
_CHUNK = 500
_SIDE_FILES = ("-wal", "-shm")

_Run = Callable[[sqlite3.Connection], None]


def default_path() -> Path:
    """``$TRANSLATOR_CACHE_DIR/memory.sqlite3`` (or the platform's user cache dir)."""
    from . import config

    return config.cache_dir() / FILENAME


@dataclass(frozen=True)
class MemoryStats:
    """What ``translator cache stats`` shows."""

    path: Path
    entries: int  # all of them, QA results included
    namespaces: int  # translation setups (model, backend, decoding, glossary, ...)
    size_bytes: int  # the database file plus its WAL and shared-memory files
    qa_entries: int = 0  # the QA checker's stored results (namespaces ``qa-<version>``)


class MemorySnapshot:
    """A translation memory in a dict, for one namespace (the pipeline's ``Memory``
    protocol): what another process looked up, handed over with the work (the Ray runner's
    workers get the driver's stored translations this way; see ``Pipeline.run(memory=)``).

    Lookups under ``namespace`` answer from ``entries``; what is stored under it is kept
    there too and collected in ``fresh`` (for the owner of the real memory to store). Any
    other namespace (another setup's, or the QA results') is answered with nothing and its
    stores are dropped: those stay with the real memory.
    """

    def __init__(self, namespace: str, entries: dict[str, str] | None = None) -> None:
        self.namespace = namespace
        self.entries = dict(entries or {})
        self.fresh: list[tuple[str, str]] = []

    def lookup(self, namespace: str, sources: Sequence[str]) -> dict[str, str]:
        if namespace != self.namespace:
            return {}
        return {s: self.entries[s] for s in sources if s in self.entries}

    def store(self, namespace: str, pairs: Sequence[tuple[str, str]]) -> None:
        if namespace != self.namespace:
            return
        self.entries.update(pairs)
        self.fresh.extend(pairs)


class TranslationMemory:
    """SQLite translation memory implementing the pipeline's ``Memory`` protocol.

    ``path``: the database file (None: :func:`default_path`). ``timeout``: seconds to wait
    for another process's lock before giving up on the memory for this run. Nothing touches
    the disk until the first lookup or store.
    """

    def __init__(self, path: Path | None = None, *, timeout: float = 5.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self._lock = threading.Lock()  # one instance may be shared between threads

    # -- the Memory protocol -----------------------------------------------------------------

    def lookup(self, namespace: str, sources: Sequence[str]) -> dict[str, str]:
        """The stored translations of those ``sources`` that the memory holds."""
        wanted = list(dict.fromkeys(sources))
        if not wanted:
            return {}
        found: dict[str, str] = {}

        def run(conn: sqlite3.Connection) -> None:
            found.clear()
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT source, target FROM entries"
                    f" WHERE namespace = ? AND source IN ({marks})",
                    [namespace, *chunk],
                )
                found.update(rows)

        self._guarded("read", run)
        return found

    def store(self, namespace: str, pairs: Sequence[tuple[str, str]]) -> None:
        """Remember ``(source, target)`` pairs (one short transaction)."""
        rows = [(namespace, s, t, time.time()) for s, t in pairs]
        if not rows:
            return

        def run(conn: sqlite3.Connection) -> None:
            with _write(conn):  # one transaction: all pairs or none
                conn.executemany(
                    "INSERT OR REPLACE INTO entries (namespace, source, target, created) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )

        self._guarded("write", run)

    # -- setups: engine signatures known before loading --------------------------------------

    def known_setup(self, key: str) -> dict[str, Any] | None:
        """The engine signature recorded for the setup ``key``, if any."""
        found: list[str] = []

        def run(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT signature FROM setups WHERE key = ?", (key,)).fetchone()
            found[:] = [row[0]] if row else []

        self._guarded("read", run)
        if not found:
            return None
        try:
            signature = json.loads(found[0])
        except ValueError:
            return None
        return signature if isinstance(signature, dict) else None

    def remember_setup(self, key: str, signature: dict[str, Any]) -> None:
        """Record the signature of the engine that the setup ``key`` loaded."""
        blob = json.dumps(signature, sort_keys=True, default=str)

        def run(conn: sqlite3.Connection) -> None:
            with _write(conn):
                conn.execute(
                    "INSERT OR REPLACE INTO setups (key, signature, created) VALUES (?, ?, ?)",
                    (key, blob, time.time()),
                )

        self._guarded("write", run)

    # -- maintenance ---------------------------------------------------------------------------

    def stats(self) -> MemoryStats:
        """Entries (and how many are QA results), translation setups, size on disk and path
        (an absent file counts as empty)."""
        counts: dict[str, int] = {}
        if self.path.exists():

            def run(conn: sqlite3.Connection) -> None:
                rows = conn.execute("SELECT namespace, COUNT(*) FROM entries GROUP BY namespace")
                counts.update((str(ns), int(n)) for ns, n in rows)

            self._guarded("read", run)
        qa = {ns: n for ns, n in counts.items() if is_qa_namespace(ns)}
        return MemoryStats(
            self.path,
            entries=sum(counts.values()),
            namespaces=len(counts) - len(qa),
            size_bytes=self._size(),
            qa_entries=sum(qa.values()),
        )

    def clear(self, namespace: str | None = None) -> int:
        """Delete every entry (or those of one ``namespace``); returns how many were deleted."""
        if not self.path.exists():
            return 0
        deleted: list[int] = []

        def run(conn: sqlite3.Connection) -> None:
            with _write(conn):
                if namespace is None:
                    cur = conn.execute("DELETE FROM entries")
                    conn.execute("DELETE FROM setups")
                else:
                    cur = conn.execute("DELETE FROM entries WHERE namespace = ?", (namespace,))
                deleted[:] = [cur.rowcount]
            # Give the space back: clearing is how users shrink the file.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")

        self._guarded("write", run)
        return deleted[0] if deleted else 0

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        """False once the memory was given up for this run (locked or unusable file)."""
        return not self._disabled

    # -- internals -------------------------------------------------------------------------------

    def _size(self) -> int:
        total = 0
        for p in (self.path, *(Path(f"{self.path}{s}") for s in _SIDE_FILES)):
            try:
                total += p.stat().st_size
            except OSError:
                pass
        return total

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; writes open their own BEGIN IMMEDIATE (see _write),
        # and PRAGMAs/VACUUM must run outside a transaction.
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, check_same_thread=False, isolation_level=None
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS entries ("
                " namespace TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
                " created REAL NOT NULL, PRIMARY KEY (namespace, source)) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS setups ("
                " key TEXT PRIMARY KEY, signature TEXT NOT NULL, created REAL NOT NULL)"
            )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            # A sanity read: a damaged file often opens fine and fails only here.
            conn.execute("SELECT COUNT(*) FROM entries WHERE namespace = ''").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_waiting(self) -> sqlite3.Connection:
        """``_open``, waiting up to ``timeout`` while another process holds the file.

        Switching a fresh file to WAL takes an exclusive lock that SQLite does not wait for
        (busy_timeout does not apply), so processes opening a new memory at the same moment
        see "database is locked" at once: that is worth a wait, not giving up the memory."""
        deadline = time.monotonic() + self.timeout
        pause = 0.02
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _guarded(self, what: str, run: _Run) -> None:
        """Run ``run(conn)``; on a locked/corrupt/unusable database, warn and carry on."""
        with self._lock:
            if self._disabled:
                return
            for attempt in (1, 2):
                try:
                    if self._conn is None:
                        self._conn = self._open_waiting()
                    run(self._conn)
                    return
                except sqlite3.OperationalError as exc:
                    if _is_corruption(exc) and attempt == 1:
                        self._move_aside(exc)
                        continue
                    self._give_up(what, exc)
                    return
                except sqlite3.DatabaseError as exc:
                    # "file is not a database", "database disk image is malformed", ...
                    if attempt == 1:
                        self._move_aside(exc)
                        continue
                    self._give_up(what, exc)
                    return
                except OSError as exc:  # cache dir not creatable, file not movable, ...
                    self._give_up(what, exc)
                    return

    def _give_up(self, what: str, exc: BaseException) -> None:
        self._disabled = True
        self._close_quietly()
        reason = "it is locked by another process" if _is_locked(exc) else str(exc)
        log.warning(
            "translation memory %s: cannot %s (%s); continuing without it for this run",
            self.path,
            what,
            reason,
        )

    def _move_aside(self, exc: BaseException) -> None:
        self._close_quietly()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        if self.path.exists():
            self.path.replace(aside)
        for suffix in _SIDE_FILES:
            side = Path(f"{self.path}{suffix}")
            if side.exists():
                side.replace(Path(f"{aside}{suffix}"))
        log.warning(
            "translation memory %s is damaged (%s); moved it to %s and started a fresh one",
            self.path,
            exc,
            aside,
        )

    def _close_quietly(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None


@contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the write lock up front.

    BEGIN IMMEDIATE waits (busy_timeout) for another writer instead of failing later when a
    read transaction would have to be upgraded -- the usual cause of "database is locked"
    under concurrent writers.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _is_locked(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _is_corruption(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "malformed" in msg or "not a database" in msg
