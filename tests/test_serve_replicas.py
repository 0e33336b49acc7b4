"""Several `translator serve` processes (replicas behind a proxy) on one data folder.

The jobs, glossaries and usage live in one SQLite file (WAL, busy timeout) under the shared
folder; a document job is run by the replica that claims it, never by two. The in-process
tests race claims through separate connections (as separate processes would hold); the last
test starts two real servers on one folder with the committed copy model.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from translator.serve.store import Store


def _jobs(store: Store, count: int) -> list[str]:
    return [
        store.add_job(data=f"Satz {n}.".encode(), name=f"{n}.txt", input_format="text",
                      output_format="text", glossary_id=None, owner=None).id
        for n in range(count)
    ]


def test_concurrent_claims_never_give_one_job_to_two_replicas(tmp_path: Path) -> None:
    ids = _jobs(Store(tmp_path), 40)
    claimed: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    errors: list[BaseException] = []

    def replica(name: str) -> None:
        store = Store(tmp_path)  # its own connection, as another process has
        start.wait()
        try:
            while (row := store.claim(name, lease=60)) is not None:
                claimed.setdefault(row.id, []).append(name)
        except BaseException as exc:  # e.g. "database is locked": a replica's worker dies
            errors.append(exc)
        store.close()

    threads = [threading.Thread(target=replica, args=(f"host:{n}:r",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(claimed) == sorted(ids)
    assert all(len(names) == 1 for names in claimed.values())
    assert {row.attempts for row in map(Store(tmp_path).job, ids) if row} == {1}


def test_a_job_is_taken_over_only_when_its_replica_is_gone(tmp_path: Path) -> None:
    store = Store(tmp_path)
    [job] = _jobs(store, 1)
    assert store.claim("elsewhere:1:a", lease=60).id == job  # type: ignore[union-attr]
    assert store.claim("here:2:b", lease=60) is None  # a live lease elsewhere: left alone
    assert store.claim("here:2:b", lease=0.0) is not None  # its lease ran out: taken over
    # A replica on this machine whose process has ended: taken over at once.
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    store.update_job(job, status="translating")
    with sqlite3.connect(tmp_path / "serve.sqlite3") as conn:
        conn.execute("UPDATE jobs SET claimed_by = ?, heartbeat = ? WHERE id = ?",
                     (f"{socket.gethostname()}:{dead}:c", time.time(), job))
    row = store.claim("here:3:d", lease=60)
    assert row is not None and row.attempts == 3
    # ... but not while it runs (this process is alive).
    with sqlite3.connect(tmp_path / "serve.sqlite3") as conn:
        conn.execute("UPDATE jobs SET claimed_by = ? WHERE id = ?",
                     (f"{socket.gethostname()}:{os.getpid()}:e", job))
    assert store.claim("here:4:f", lease=60) is None


def test_an_older_data_folder_gets_the_new_columns(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "serve.sqlite3") as conn:
        conn.execute(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, key TEXT NOT NULL, owner TEXT, status TEXT "
            "NOT NULL, name TEXT NOT NULL, input_format TEXT NOT NULL, output_format TEXT NOT "
            "NULL, glossary_id TEXT, created REAL NOT NULL, finished REAL, error TEXT, "
            "characters INTEGER, sentences INTEGER, done INTEGER DEFAULT 0)"
        )
    store = Store(tmp_path)
    [job] = _jobs(store, 1)
    assert store.claim("a:1:x", lease=60).id == job  # type: ignore[union-attr]


@pytest.mark.slow
def test_two_servers_on_one_data_folder(tmp_path: Path, copy_model_dir: Path) -> None:
    """Documents submitted to either replica are each run once, by one of them, and can be
    polled and downloaded through the other; glossaries and usage are shared."""
    from tests.serve_server import serve_process

    data = tmp_path / "shared"
    texts = [f"Meldung {n}: Die Lage in der Region bleibt angespannt." for n in range(8)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = ["--no-glossary", "--no-qa"]
    with serve_process(tmp_path / "a", copy_model_dir, keys=False, args=args, data=data) as a, \
            serve_process(tmp_path / "b", copy_model_dir, keys=False, args=args,
                          data=data) as b:
        jobs = []
        for n, text in enumerate(texts):
            to, other = (a, b) if n % 2 else (b, a)
            got = httpx.post(f"{to.url}/api/documents", timeout=60,
                             files={"file": (f"m{n}.txt", text.encode(), "text/plain")})
            assert got.status_code == 202, got.text
            jobs.append((got.json(), other, text))
        for job, other, text in jobs:
            deadline = time.monotonic() + 300
            while True:
                status = httpx.get(f"{other.url}/api/documents/{job['id']}", timeout=60,
                                   params={"key": job["key"]}).json()
                if status["status"] not in ("queued", "translating"):
                    break
                assert time.monotonic() < deadline, status
                time.sleep(0.3)
            assert status["status"] == "done", status
            out = httpx.get(f"{other.url}/api/documents/{job['id']}/download", timeout=60,
                            params={"key": job["key"]})
            assert out.status_code == 200 and out.text.strip() == text
        glossary = httpx.post(f"{a.url}/v2/glossaries", timeout=60, data={
            "name": "Orte", "source_lang": "de", "target_lang": "en",
            "entries": "Region\tarea", "entries_format": "tsv"})
        assert glossary.status_code == 201, glossary.text
        used = httpx.post(f"{b.url}/v2/translate", timeout=60, data={
            "text": "Die Region.", "source_lang": "DE", "target_lang": "EN-US",
            "glossary_id": glossary.json()["glossary_id"]})
        assert used.json()["translations"][0]["text"] == "Die area."
        usage = httpx.get(f"{a.url}/v2/usage", timeout=60).json()["character_count"]
        assert usage == sum(len(t) for t in texts) + len("Die Region.")
    with sqlite3.connect(data / "serve.sqlite3") as conn:
        rows = conn.execute("SELECT status, attempts, claimed_by FROM jobs").fetchall()
    assert len(rows) == len(texts)
    assert {(status, attempts) for status, attempts, _ in rows} == {("done", 1)}
