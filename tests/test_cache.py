"""The SQLite translation memory: hits, isolation, concurrency, damaged/locked files, CLI."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.doubles import WordEngine
from translator import Pipeline
from translator.cache import MemorySnapshot, TranslationMemory, default_path
from translator.signature import qa_namespace

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Die Truppen sind in der Stadt. Die Soldaten berichten.\n\nZweiter Absatz hier."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tm" / "memory.sqlite3"


def test_lookup_returns_only_what_was_stored(db: Path) -> None:
    memory = TranslationMemory(db)
    assert memory.lookup("ns", ["Hallo."]) == {}
    memory.store("ns", [("Hallo.", "Hello."), ("Tschüss.", "Bye.")])
    assert memory.lookup("ns", ["Hallo.", "Unbekannt.", "Tschüss."]) == {
        "Hallo.": "Hello.",
        "Tschüss.": "Bye.",
    }
    memory.close()
    # Persisted: a new instance (a later run) sees the same entries.
    assert TranslationMemory(db).lookup("ns", ["Hallo."]) == {"Hallo.": "Hello."}


def test_store_replaces_an_existing_entry(db: Path) -> None:
    memory = TranslationMemory(db)
    memory.store("ns", [("a", "first")])
    memory.store("ns", [("a", "second")])
    assert memory.lookup("ns", ["a"]) == {"a": "second"}
    assert memory.stats().entries == 1


def test_namespaces_are_isolated(db: Path) -> None:
    memory = TranslationMemory(db)
    memory.store("beam4", [("Satz.", "from beam 4")])
    memory.store("greedy", [("Satz.", "from greedy")])
    assert memory.lookup("beam4", ["Satz."]) == {"Satz.": "from beam 4"}
    assert memory.lookup("greedy", ["Satz."]) == {"Satz.": "from greedy"}
    assert memory.lookup("other", ["Satz."]) == {}


def test_many_sources_in_one_lookup(db: Path) -> None:
    # More than SQLite's classic 999 bound-parameter limit.
    memory = TranslationMemory(db)
    pairs = [(f"Satz {i}.", f"Sentence {i}.") for i in range(2500)]
    memory.store("ns", pairs)
    found = memory.lookup("ns", [s for s, _ in pairs])
    assert found == dict(pairs)


def test_database_uses_wal_and_a_busy_timeout(db: Path) -> None:
    memory = TranslationMemory(db, timeout=3.0)
    memory.store("ns", [("a", "b")])
    with sqlite3.connect(db) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert memory._conn is not None
    assert memory._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 3000


def test_default_location_follows_translator_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "elsewhere"))
    memory = TranslationMemory()
    assert memory.path == tmp_path / "elsewhere" / "memory.sqlite3" == default_path()
    assert not memory.path.exists()  # nothing touches the disk before the first use
    memory.store("ns", [("a", "b")])
    assert memory.path.is_file()


def test_concurrent_threads_each_with_their_own_connection(db: Path) -> None:
    def writer(tag: str) -> None:
        memory = TranslationMemory(db)
        for i in range(40):
            memory.store("ns", [(f"{tag}-{i}-{j}", f"{tag}{i}{j}") for j in range(5)])
        memory.close()

    threads = [threading.Thread(target=writer, args=(t,)) for t in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert TranslationMemory(db).stats().entries == 4 * 40 * 5


def test_one_instance_shared_between_threads(db: Path) -> None:
    memory = TranslationMemory(db)

    def writer(tag: str) -> None:
        for i in range(50):
            memory.store("ns", [(f"{tag}{i}", "x")])
            assert memory.lookup("ns", [f"{tag}{i}"]) == {f"{tag}{i}": "x"}

    threads = [threading.Thread(target=writer, args=(t,)) for t in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert memory.stats().entries == 150
    assert memory.enabled


_WRITER = """
import sys
from pathlib import Path
from translator.cache import TranslationMemory
memory = TranslationMemory(Path(sys.argv[1]))
tag = sys.argv[2]
for i in range(60):
    memory.store("ns", [(f"{tag}-{i}-{j}", tag) for j in range(10)])
    memory.lookup("ns", [f"{tag}-{i}-0"])
assert memory.enabled, "the memory gave up under concurrent writers"
"""


def test_concurrent_processes_writing_the_same_file(db: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), tag],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "continuing without it" not in err
    memory = TranslationMemory(db)
    assert memory.stats().entries == 2 * 60 * 10
    assert memory.lookup("ns", ["p1-59-9", "p2-0-0"]) == {"p1-59-9": "p1", "p2-0-0": "p2"}


@pytest.mark.parametrize(
    "damage",
    [
        b"this is not an sqlite database at all\n" * 100,
        b"SQLite format 3\x00" + b"\xff" * 4000,  # right header, garbage behind it
    ],
)
def test_corrupt_file_is_moved_aside_with_a_warning(
    db: Path, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(damage)
    memory = TranslationMemory(db)
    with caplog.at_level(logging.WARNING, logger="translator"):
        assert memory.lookup("ns", ["a"]) == {}
    assert any("damaged" in r.getMessage() for r in caplog.records)
    aside = [p for p in db.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == damage  # kept for inspection
    memory.store("ns", [("a", "b")])  # a fresh memory works
    assert memory.lookup("ns", ["a"]) == {"a": "b"}
    assert memory.enabled


def test_corrupt_file_does_not_fail_a_translation(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"\x00garbage" * 512)
    engine = WordEngine()
    with caplog.at_level(logging.WARNING, logger="translator"):
        result = Pipeline(engine, memory=TranslationMemory(db)).translate_text(TEXT)
    assert len(result.sentences) == 3
    assert all(s.target for s in result.sentences)
    assert any("damaged" in r.getMessage() for r in caplog.records)


@pytest.fixture
def locked_db(db: Path):  # type: ignore[no-untyped-def]
    """A memory file another process holds an exclusive lock on."""
    with TranslationMemory(db) as memory:
        memory.store("ns", [("a", "b")])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO entries VALUES ('ns', 'held', 'x', 0)")
    yield db
    holder.execute("ROLLBACK")
    holder.close()


def test_locked_file_is_skipped_with_a_warning(
    locked_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    memory = TranslationMemory(locked_db, timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="translator"):
        assert memory.lookup("ns", ["a"]) == {}
        memory.store("ns", [("c", "d")])  # does not raise
    assert not memory.enabled
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "locked" in warnings[0]
    assert locked_db.exists() and not list(locked_db.parent.glob("*.corrupt-*"))


def test_locked_file_does_not_fail_a_translation(locked_db: Path) -> None:
    engine = WordEngine()
    memory = TranslationMemory(locked_db, timeout=0.2)
    result = Pipeline(engine, memory=memory).translate_text(TEXT)
    assert [s.target for s in result.sentences] == [engine._one(s.source) for s in result.sentences]
    assert engine.sentences_seen == 3


def test_cached_sentences_are_not_sent_to_the_engine(db: Path) -> None:
    first_engine = WordEngine()
    first = Pipeline(first_engine, memory=TranslationMemory(db)).translate_text(TEXT)
    assert first_engine.sentences_seen == 3
    assert not any(s.cached for s in first.sentences)

    # A later run (new engine object, new memory object) with one new sentence.
    engine = WordEngine()
    again = Pipeline(engine, memory=TranslationMemory(db)).translate_text(
        TEXT + " Neuer Satz von heute."
    )
    assert engine.calls == [["Neuer Satz von heute."]]
    assert [s.target for s in again.sentences][:3] == [s.target for s in first.sentences]
    assert [s.cached for s in again.sentences] == [True, True, True, False]
    assert again.stats["cached"] == 3 and again.stats["translated"] == 1


def test_other_engine_setup_does_not_reuse_entries(db: Path) -> None:
    Pipeline(WordEngine(), memory=TranslationMemory(db)).translate_text(TEXT)

    class Beam1(WordEngine):
        signature = {**WordEngine.signature, "beam_size": 1}

    engine = Beam1()
    Pipeline(engine, memory=TranslationMemory(db)).translate_text(TEXT)
    assert engine.sentences_seen == 3
    assert TranslationMemory(db).stats().namespaces == 2


def test_stats_and_clear(db: Path) -> None:
    memory = TranslationMemory(db)
    empty = memory.stats()
    assert (empty.entries, empty.namespaces, empty.size_bytes) == (0, 0, 0)
    assert not db.exists()  # stats on a missing memory creates nothing
    memory.store("a", [("1", "x"), ("2", "y")])
    memory.store("b", [("1", "z")])
    stats = memory.stats()
    assert (stats.entries, stats.namespaces, stats.path) == (3, 2, db)
    assert stats.size_bytes > 0
    assert memory.clear("a") == 2
    assert memory.lookup("b", ["1"]) == {"1": "z"}
    assert memory.clear() == 1
    assert memory.stats().entries == 0


def test_stats_count_qa_results_apart_from_translation_setups(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    memory = TranslationMemory(db)
    memory.store("setup-a", [("1", "x"), ("2", "y")])
    memory.store(qa_namespace("3"), [("1", "{}"), ("2", "{}"), ("3", "{}")])
    stats = memory.stats()
    assert (stats.entries, stats.namespaces, stats.qa_entries) == (5, 1, 3)
    code, out, err = run_cli(monkeypatch, capsys, "cache", "stats", "--path", str(db))
    assert code == 0, err
    assert "entries:    5  (3 of them QA results)" in out and "namespaces: 1" in out


def test_cli_cache_stats_and_clear(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    TranslationMemory(db).store("ns", [("a", "b"), ("c", "d")])
    code, out, err = run_cli(monkeypatch, capsys, "cache", "stats", "--path", str(db))
    assert code == 0, err
    assert str(db) in out
    assert "entries:    2" in out and "namespaces: 1" in out

    code, out, err = run_cli(monkeypatch, capsys, "cache", "clear", "--path", str(db))
    assert code == 0, err
    assert "deleted 2 entries" in out
    assert TranslationMemory(db).stats().entries == 0


def test_cli_cache_uses_translator_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "c"))
    TranslationMemory().store("ns", [("a", "b")])
    code, out, err = run_cli(monkeypatch, capsys, "cache", "stats")
    assert code == 0, err
    assert str(tmp_path / "c" / "memory.sqlite3") in out
    assert "entries:    1" in out


def test_unusable_location_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("not ours")
    memory = TranslationMemory(folder)  # a directory where the file should be
    engine = WordEngine()
    with caplog.at_level(logging.WARNING, logger="translator"):
        result = Pipeline(engine, memory=memory).translate_text(TEXT)
    assert len(result.sentences) == 3 and engine.sentences_seen == 3
    assert not memory.enabled
    assert "continuing without it" in caplog.text
    assert (folder / "keep.txt").read_text() == "not ours"  # nothing moved or deleted


def test_sizes_are_printed_in_binary_units() -> None:
    from translator.cli.common import human_size

    assert human_size(0) == "0 B"
    assert human_size(1023) == "1023 B"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(295_806_292) == "282.1 MiB"
    assert human_size(3 * 1024**3) == "3.0 GiB"
    assert human_size(5 * 1024**4) == "5120.0 GiB"  # nothing larger than GiB


def test_a_snapshot_answers_and_collects_its_own_namespace_only(seed_text: str) -> None:
    """What a Ray worker is handed: the driver's translations under the worker's namespace;
    what it translates comes back in ``fresh``; the QA results (their own namespace) do not,
    and a snapshot for another setup serves nothing."""
    from translator import config
    from translator.glossary import load_glossary
    from translator.qa import QualityChecker

    glossary = load_glossary(config.packaged_glossary())
    engine = WordEngine()
    pipeline = Pipeline(engine, glossary=glossary, checker=QualityChecker(glossary))
    namespace = pipeline.memory_namespace()
    job = pipeline.prepare(seed_text)
    inputs = job.engine_inputs()
    handed = {inputs[0]: "handed over"}

    snapshot = MemorySnapshot(namespace, handed)
    result = pipeline.run([job], memory=snapshot)[0]
    assert result.stats["cached"] == 1
    assert inputs[0] not in [s for call in engine.calls for s in call]
    assert sorted(s for s, _ in snapshot.fresh) == sorted(inputs[1:])  # translations only
    assert snapshot.lookup(namespace, inputs) == {**handed, **dict(snapshot.fresh)}
    assert pipeline.memory is None  # nothing was swapped in

    other = MemorySnapshot("another-setup", handed)
    calls = len(engine.calls)
    pipeline.run([pipeline.prepare(seed_text)], memory=other)
    assert engine.calls[calls][0] in inputs and other.fresh == []
    assert sum(len(c) for c in engine.calls[calls:]) == len(inputs)  # nothing served
