"""The server's state on disk: one SQLite file (document jobs, glossaries, usage) and the job
files, all under the data folder.

Every file name is built here from an id this module generated (``secrets.token_hex``) and
checked against :data:`ID` before use: nothing a client sends becomes part of a path.

Several server processes (replicas) may share one data folder: SQLite runs in WAL mode with a
busy timeout (writers wait for each other instead of failing), and a document job is run by the
replica that *claims* it (:meth:`Store.claim`, one ``BEGIN IMMEDIATE`` transaction, so two
replicas never take the same job). A claim is a lease that the claiming replica renews
(:meth:`Store.renew`); a job whose lease ran out, or whose replica on this machine is no longer
running, is taken over by another. The folder must be on a local file system (WAL needs
shared memory between the processes: not NFS).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ID", "GlossaryRow", "JobRow", "Store", "new_id"]

#: Ids of jobs and glossaries: 32 lower-case hex digits (128 random bits).
ID = re.compile(r"^[0-9a-f]{32}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, owner TEXT, status TEXT NOT NULL,
    name TEXT NOT NULL, input_format TEXT NOT NULL, output_format TEXT NOT NULL,
    glossary_id TEXT, created REAL NOT NULL, finished REAL, error TEXT,
    characters INTEGER, sentences INTEGER, done INTEGER DEFAULT 0,
    claimed_by TEXT, heartbeat REAL, attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS glossaries (
    id TEXT PRIMARY KEY, owner TEXT, name TEXT NOT NULL, source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL, created REAL NOT NULL, entries TEXT NOT NULL,
    entry_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (owner TEXT PRIMARY KEY, characters INTEGER NOT NULL);
"""


#: Columns added since the first version (added to an older data folder's table at start).
_ADDED = (("claimed_by", "TEXT"), ("heartbeat", "REAL"),
          ("attempts", "INTEGER NOT NULL DEFAULT 0"))
#: How long a write waits for another process's (seconds).
BUSY_SECONDS = 30.0
_JOB_COLUMNS = (
    "id, key, owner, status, name, input_format, output_format, glossary_id, created, "
    "finished, error, characters, sentences, done, claimed_by, heartbeat, attempts"
)


def new_id() -> str:
    return secrets.token_hex(16)


@dataclass
class JobRow:
    id: str
    key: str
    owner: str | None
    status: str  # queued, translating, done, error
    name: str
    input_format: str
    output_format: str
    glossary_id: str | None
    created: float
    finished: float | None
    error: str | None
    characters: int | None
    sentences: int | None
    done: int
    claimed_by: str | None = None  # the replica running it (host:pid:random)
    heartbeat: float | None = None  # when that replica last renewed its claim
    attempts: int = 0  # claims so far (1 for a job run once)


@dataclass
class GlossaryRow:
    id: str
    owner: str | None
    name: str
    source_lang: str
    target_lang: str
    created: float
    entries: str  # TSV, as given (normalised to source<TAB>target lines)
    entry_count: int


class Store:
    """Jobs, glossaries and usage in ``DATA/serve.sqlite3``; job files in ``DATA/jobs/ID/``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "jobs").mkdir(exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.folder / "serve.sqlite3", check_same_thread=False, isolation_level=None,
            timeout=BUSY_SECONDS,
        )
        self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        self._conn.execute("PRAGMA journal_mode=WAL")
        with self._tx() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            have = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
            for column, kind in _ADDED:  # a data folder of an earlier version
                if column not in have:
                    conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _one(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._conn.execute(sql, args).fetchone()
            return row

    # -- job files ---------------------------------------------------------------------------

    def job_dir(self, job_id: str) -> Path:
        if not ID.match(job_id):
            raise ValueError("not a job id")
        return self.folder / "jobs" / job_id

    # -- jobs --------------------------------------------------------------------------------

    def add_job(
        self, *, data: bytes, name: str, input_format: str, output_format: str,
        glossary_id: str | None, owner: str | None,
    ) -> JobRow:
        job_id, key = new_id(), secrets.token_hex(16)
        folder = self.job_dir(job_id)
        folder.mkdir()
        (folder / "input").write_bytes(data)
        row = JobRow(job_id, key, owner, "queued", name, input_format, output_format,
                     glossary_id, time.time(), None, None, None, None, 0)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO jobs (id, key, owner, status, name, input_format, output_format,"
                " glossary_id, created) VALUES (?,?,?,?,?,?,?,?,?)",
                (job_id, key, owner, "queued", name, input_format, output_format, glossary_id,
                 row.created),
            )
        return row

    def job(self, job_id: str) -> JobRow | None:
        if not ID.match(job_id or ""):
            return None
        row = self._one(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        return JobRow(*row) if row else None

    def unfinished_jobs(self) -> list[JobRow]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status IN ('queued', 'translating') "
                "ORDER BY created"
            ).fetchall()
        return [JobRow(*r) for r in rows]

    def claim(self, replica: str, lease: float) -> JobRow | None:
        """Take the oldest job no replica runs (queued; or translating under a lease older
        than ``lease`` seconds, or by a replica on this machine that is not running) for
        ``replica``; None when there is none. One transaction: no two replicas get a job."""
        now = time.time()
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status = 'queued' OR "
                "status = 'translating' ORDER BY created"
            ).fetchall()
            for found in (JobRow(*r) for r in rows):
                if found.status == "translating" and not _abandoned(found, now - lease):
                    continue
                conn.execute(
                    "UPDATE jobs SET status = 'translating', claimed_by = ?, heartbeat = ?, "
                    "attempts = attempts + 1 WHERE id = ?", (replica, now, found.id),
                )
                found.status, found.claimed_by, found.heartbeat = "translating", replica, now
                found.attempts += 1
                return found
        return None

    def renew(self, replica: str) -> None:
        """Renew the claims of ``replica`` on the jobs it is running."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE jobs SET heartbeat = ? WHERE claimed_by = ? AND status = 'translating'",
                (time.time(), replica),
            )

    def update_job(self, job_id: str, replica: str | None = None, **fields: Any) -> bool:
        """Set ``fields`` of a job (``replica``: only while that replica holds its claim);
        False when nothing was changed."""
        allowed = {"status", "finished", "error", "characters", "sentences", "done"}
        if not fields or not set(fields) <= allowed:
            raise ValueError(f"bad job fields {sorted(fields)}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        where, args = "id = ?", [job_id]
        if replica is not None:
            where, args = "id = ? AND claimed_by = ?", [job_id, replica]
        with self._tx() as conn:
            cur = conn.execute(f"UPDATE jobs SET {sets} WHERE {where}", (*fields.values(), *args))
            return cur.rowcount > 0

    def delete_job(self, job_id: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)

    # -- glossaries --------------------------------------------------------------------------

    def add_glossary(
        self, *, name: str, source_lang: str, target_lang: str, entries: str, count: int,
        owner: str | None,
    ) -> GlossaryRow:
        row = GlossaryRow(new_id(), owner, name, source_lang, target_lang, time.time(),
                          entries, count)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO glossaries VALUES (?,?,?,?,?,?,?,?)",
                (row.id, owner, name, source_lang, target_lang, row.created, entries, count),
            )
        return row

    def glossary(self, glossary_id: str) -> GlossaryRow | None:
        if not ID.match(glossary_id or ""):
            return None
        row = self._one("SELECT * FROM glossaries WHERE id = ?", (glossary_id,))
        return GlossaryRow(*row) if row else None

    def glossaries(self, owner: str | None) -> list[GlossaryRow]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM glossaries WHERE owner IS ? ORDER BY created", (owner,)
            ).fetchall()
        return [GlossaryRow(*r) for r in rows]

    def delete_glossary(self, glossary_id: str) -> bool:
        with self._tx() as conn:
            cur = conn.execute("DELETE FROM glossaries WHERE id = ?", (glossary_id,))
            return cur.rowcount > 0

    # -- usage -------------------------------------------------------------------------------

    def count(self, owner: str | None, characters: int) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO usage VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET "
                "characters = characters + excluded.characters",
                (owner or "", characters),
            )

    def usage(self, owner: str | None) -> int:
        row = self._one("SELECT characters FROM usage WHERE owner = ?", (owner or "",))
        return int(row[0]) if row else 0


def replica_id() -> str:
    """This process's name in job claims: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _abandoned(row: JobRow, stale: float) -> bool:
    """A translating job nobody runs any more: its lease is older than ``stale``, it was never
    claimed (an earlier version's), or its replica ran on this machine and has ended."""
    if row.claimed_by is None or row.heartbeat is None or row.heartbeat < stale:
        return True
    host, _, rest = row.claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
