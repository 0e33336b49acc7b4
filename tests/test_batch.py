"""Batch conversion of folders: discovery, isolation, incremental re-runs, interruption.

The engine is the WordEngine test double (the model is not under test here; the real
MarianMT path is covered by tests/test_batch_cli.py with the tiny model). Its recorded calls
show what work a run did.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import translator.factory
from tests.doubles import WordEngine
from translator.batch import (
    MANIFEST_NAME,
    BatchInterrupted,
    BatchSummary,
    Event,
    FileDone,
    Manifest,
    Planned,
    SentencesDone,
    SentencesQueued,
    Working,
    discover,
    translate_folder,
)
from translator.batch.manifest import LEGACY_NAME, MIGRATED_NAME
from translator.errors import InputError, OutputError
from translator.options import Options

#: No glossary, QA or translation memory unless a test is about them: the recorded engine
#: calls then show exactly the sentences a run translated.
PLAIN = Options(glossary=False, qa=False)
ROOT = Path(__file__).resolve().parents[1]


def article(i: int | str) -> str:
    return (
        f"Die Truppen sind in der Stadt {i} angekommen. Die Soldaten berichten von {i} Verlusten."
        "\n\n"
        f"Die Region {i} ist nicht mehr sicher.\n"
    )


def put(root: Path, rel: str, content: str | bytes = "") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def age(path: Path, seconds: float = 3600) -> None:
    """Make a file look ``seconds`` old (a fresh one's size and time are not trusted)."""
    then = path.stat().st_mtime - seconds
    os.utime(path, (then, then))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones too) with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run(in_dir: Path, out_dir: Path, engine: WordEngine | None = None, **kw: Any) -> BatchSummary:
    kw.setdefault("options", PLAIN)
    return translate_folder(in_dir, out_dir, engine=engine or WordEngine(), **kw)


Folders = tuple[Path, Path]


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    return tmp_path / "in", tmp_path / "out"


# -- discovery -------------------------------------------------------------------------------


@pytest.fixture
def sample_tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    for rel in [
        "a.txt",
        "b.md",
        "UPPER.TXT",
        "2024/jan/c.txt",
        "2024/jan/c.bak",
        "2024/drafts/d.txt",
        "mit Leerzeichen/Über die Lage.txt",
        ".hidden.txt",
        ".git/e.txt",
        "2024/.cache/f.txt",
        "out/g.txt",
    ]:
        put(root, rel, article(rel))
    return root


@pytest.mark.parametrize(
    ("patterns", "exclude", "expected"),
    [
        (
            (),
            (),
            ["2024/drafts/d.txt", "2024/jan/c.txt", "UPPER.TXT", "a.txt",
             "mit Leerzeichen/Über die Lage.txt"],
        ),
        (("*.md",), (), ["b.md"]),
        (("*.txt", "*.md"), ("drafts", "a.*"),
         ["2024/jan/c.txt", "UPPER.TXT", "b.md", "mit Leerzeichen/Über die Lage.txt"]),
        (("2024/*/*.txt",), (), ["2024/drafts/d.txt", "2024/jan/c.txt"]),
        (("jan/*",), ("*.bak",), ["2024/jan/c.txt"]),
        (("über*",), (), ["mit Leerzeichen/Über die Lage.txt"]),
        (("**/*.md", "**/c.*"), ("**/*.bak",), ["2024/jan/c.txt", "b.md"]),
    ],
)  # fmt: skip
def test_discovery_patterns_hidden_and_output_folder(
    sample_tree: Path, patterns: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]
) -> None:
    found = discover(sample_tree, sample_tree / "out", patterns=patterns or ("*.txt",),
                     exclude=exclude)  # fmt: skip
    assert [f.rel for f in found.files] == expected
    assert found.problems == []


def test_discovery_maps_outputs_by_format_and_never_lets_two_collide(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in ["a.txt", "a.md", "sub/b.txt", "README"]:
        put(root, rel, "x")
    found = discover(root, tmp_path / "out", patterns=["*"], extension=".json")
    assert {f.rel: f.out_rel for f in found.files} == {
        "README": "README.json",
        "a.md": "a.md.json",
        "a.txt": "a.txt.json",
        "sub/b.txt": "sub/b.json",
    }


def test_symlink_loops_do_not_hang_and_linked_folders_count_once(tmp_path: Path) -> None:
    root = tmp_path / "in"
    put(root, "a/x.txt", "x")
    put(tmp_path / "elsewhere", "y.txt", "y")
    os.symlink("..", root / "a" / "up")  # a loop: in/a/up/a/up/...
    os.symlink(".", root / "a" / "self")
    os.symlink(tmp_path / "elsewhere", root / "linked")
    os.symlink(tmp_path / "elsewhere", root / "linked-again")
    found = discover(root, tmp_path / "out")
    rels = [f.rel for f in found.files]
    # The link met first in path order ("linked-again/" sorts before "linked/") is taken.
    assert rels == ["a/x.txt", "linked-again/y.txt"]


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("missing-in", InputError),
        ("in-is-file", InputError),
        ("same", OutputError),
        ("out-is-file", OutputError),
        ("out-contains-in", OutputError),
    ],
)
def test_folder_mistakes_are_refused_before_any_work(
    tmp_path: Path, setup: str, error: type[Exception]
) -> None:
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    put(in_dir, "a.txt", article(1))
    if setup == "missing-in":
        in_dir = tmp_path / "nope"
    elif setup == "in-is-file":
        in_dir = in_dir / "a.txt"
    elif setup == "same":
        out_dir = tmp_path / "x" / ".." / "in"
    elif setup == "out-is-file":
        put(tmp_path, "out", "I am a file")
    elif setup == "out-contains-in":
        out_dir = tmp_path
    engine = WordEngine()
    before = tree(tmp_path)
    with pytest.raises(error):
        run(in_dir, out_dir, engine)
    assert engine.calls == []
    assert tree(tmp_path) == before


# -- a run: mirrored outputs, shared batches, isolation --------------------------------------


def test_mirrors_the_tree_and_shares_engine_batches_between_files(folders: Folders) -> None:
    in_dir, out_dir = folders
    rels = [f"{year}/heft {i}/artikel-{i}.txt" for year in (2023, 2024) for i in range(10)]
    for i, rel in enumerate(rels):
        put(in_dir, rel, article(i))
    engine = WordEngine()
    events: list[Event] = []
    summary = run(in_dir, out_dir, engine, fmt="json", on_event=events.append)

    assert [f.source for f in summary.translated] == sorted(rels)
    assert summary.ok and summary.sentences == 20 * 3
    # 20 articles of 3 sentences went to the engine together, not file by file.
    assert len(engine.calls) == 1 and len(engine.calls[0]) == 60
    for rel in rels:
        data = json.loads((out_dir / rel).with_suffix(".json").read_text("utf-8"))
        assert data["name"] == rel
        assert [p["source"] for p in data["paragraphs"]] == [
            " ".join(p.split()) for p in (in_dir / rel).read_text("utf-8").split("\n\n")
        ]
    # Progress: one Planned, every sentence queued and done, one FileDone per file.
    assert events[0] == Planned(total=20, todo=20, unchanged=0)
    assert sum(e.count for e in events if isinstance(e, SentencesQueued)) == 60
    assert sum(e.count for e in events if isinstance(e, SentencesDone)) == 60
    assert sorted(e.outcome.source for e in events if isinstance(e, FileDone)) == sorted(rels)


def test_bad_files_are_reported_and_skipped_while_the_rest_goes_on(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "good/one.txt", article(1))
    put(in_dir, "good/zwei äöü.txt", article(2))
    put(in_dir, "legacy/cp1252.txt", article("Größe").encode("cp1252"))
    put(in_dir, "bad/binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    put(in_dir, "bad/empty.txt", "")
    put(in_dir, "bad/huge.txt", article(3) * 200)
    os.mkfifo(in_dir / "bad" / "pipe.txt")  # would block a naive reader forever
    os.symlink(in_dir / "does-not-exist.txt", in_dir / "bad" / "dangling.txt")
    os.symlink("self.txt", in_dir / "bad" / "self.txt")  # a link to itself
    put(in_dir, "folder.txt/inside.txt", article(4))  # a folder named *.txt is a folder

    summary = run(in_dir, out_dir, max_bytes=10_000)

    assert sorted(f.source for f in summary.translated) == [
        "folder.txt/inside.txt", "good/one.txt", "good/zwei äöü.txt", "legacy/cp1252.txt",
    ]  # fmt: skip
    reasons = {f.source: f.reason or "" for f in summary.failed}
    assert sorted(reasons) == [
        "bad/binary.txt", "bad/dangling.txt", "bad/empty.txt", "bad/huge.txt", "bad/pipe.txt",
        "bad/self.txt",
    ]  # fmt: skip
    assert "regular file" in reasons["bad/pipe.txt"]
    assert "too large" in reasons["bad/huge.txt"]
    assert all(reasons.values())
    assert not any(str(in_dir) in reason for reason in reasons.values())  # the file is named once
    assert not summary.ok
    assert "Größe" in (out_dir / "legacy" / "cp1252.txt").read_text("utf-8")
    assert not (out_dir / "bad").exists()  # no output, not even an empty one, for a failure


_AS_USER = """
import json, sys
from tests.doubles import WordEngine
from translator.batch import translate_folder
from translator.options import Options
options = Options(glossary=False, qa=False)
summary = translate_folder(sys.argv[1], sys.argv[2], engine=WordEngine(), options=options)
print(json.dumps([[f.source, f.status, f.reason] for f in summary.files]))
"""


def test_unreadable_file_and_folder_are_reported() -> None:
    """chmod 000 on a file and a folder. Root reads them anyway, so as root the run is done
    as the unprivileged user `nobody` (in a subprocess), where permissions apply."""
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no user 'nobody' to drop to")
    base = Path(tempfile.mkdtemp(prefix="batch-perm-"))  # tmp_path is root-only (0700)
    try:
        base.chmod(0o777)
        in_dir, out_dir = base / "in", base / "out"
        put(in_dir, "ok.txt", article(1))
        put(in_dir, "closed/inner.txt", article(2))
        locked = put(in_dir, "locked.txt", article(3))
        for path in (in_dir, in_dir / "closed", in_dir / "ok.txt"):
            path.chmod(0o755)
        locked.chmod(0)
        (in_dir / "closed").chmod(0)
        try:
            done = subprocess.run(
                [sys.executable, "-c", _AS_USER, str(in_dir), str(out_dir)], cwd=ROOT,
                capture_output=True, text=True, timeout=120, user="nobody" if as_root else None,
            )  # fmt: skip
        except PermissionError:
            pytest.skip(f"running as root, and 'nobody' may not run {sys.executable}")
    finally:
        with contextlib.suppress(OSError):
            (in_dir / "closed").chmod(0o755)
        shutil.rmtree(base)
    assert done.returncode == 0, done.stderr
    files = {source: (status, reason) for source, status, reason in json.loads(done.stdout)}
    assert files["ok.txt"] == ("translated", None)
    assert files["locked.txt"][0] == "failed" and "permission" in files["locked.txt"][1].lower()
    assert files["closed/"][0] == "failed" and "cannot be read" in files["closed/"][1]
    assert len(files) == 3


def test_a_file_that_cannot_be_read_is_reported(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the OS does for a chmod-000 file, simulated so that it also runs as root (CI):
    the file is listed and stat-ed, but opening it is denied."""
    in_dir, out_dir = folders
    put(in_dir, "ok.txt", article(1))
    locked = put(in_dir, "locked.txt", article(3))
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["ok.txt"]
    assert [(f.source, f.reason) for f in summary.failed] == [("locked.txt", "permission denied")]
    assert not summary.ok
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == ["ok.txt"]


def test_a_folder_that_cannot_be_listed_is_reported(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the OS does for a chmod-000 folder (simulated: root could list it anyway)."""
    in_dir, out_dir = folders
    put(in_dir, "ok.txt", article(1))
    put(in_dir, "closed/inner.txt", article(2))
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["ok.txt"]
    assert [(f.source, f.reason) for f in summary.failed] == [
        ("closed/", "folder cannot be read: Permission denied")
    ]
    assert not summary.ok


def test_a_second_run_on_the_same_output_folder_is_refused(folders: Folders) -> None:
    """Another run holds OUT_DIR's lock (taken here as any process would, with flock on the
    lock file): this run writes nothing and says why; once the lock is free it runs."""
    import fcntl

    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    out_dir.mkdir()
    fd = os.open(out_dir / ".translator-manifest.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        engine = WordEngine()
        with pytest.raises(OutputError, match="another batch run is writing to this folder"):
            run(in_dir, out_dir, engine)
        assert engine.calls == [] and sorted(p.name for p in out_dir.iterdir()) == [
            ".translator-manifest.lock"
        ]
    finally:
        os.close(fd)
    assert [f.source for f in run(in_dir, out_dir).translated] == ["a.txt"]


def test_never_writes_into_the_input_folder(folders: Folders) -> None:
    in_dir, out_dir = folders
    for i in range(3):
        put(in_dir, f"s{i}/a.txt", article(i))
    before = tree(in_dir)
    run(in_dir, out_dir, fmt="text")
    run(in_dir, out_dir, fmt="markdown", force=True)
    assert tree(in_dir) == before


def test_output_folder_inside_the_input_folder_is_never_read_as_input(tmp_path: Path) -> None:
    in_dir = tmp_path / "in"
    out_dir = in_dir / "english"
    put(in_dir, "a.txt", article(1))
    put(in_dir, "sub/b.txt", article(2))
    first = run(in_dir, out_dir)
    second = run(in_dir, out_dir)
    assert [f.source for f in first.translated] == ["a.txt", "sub/b.txt"]
    assert [f.source for f in second.unchanged] == ["a.txt", "sub/b.txt"]
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.txt")) == [
        "a.txt",
        "sub/b.txt",
    ]


def test_a_symlink_in_the_output_folder_cannot_lead_writes_into_the_input(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "sub/b.txt", article(2))
    out_dir.mkdir()
    os.symlink(in_dir / "sub", out_dir / "sub")
    before = tree(in_dir)
    summary = run(in_dir, out_dir, patterns=["*.txt"], fmt="json")
    assert [f.source for f in summary.failed] == ["sub/b.txt"]
    assert "input folder" in (summary.failed[0].reason or "")
    assert tree(in_dir) == before


# -- incremental re-runs -------------------------------------------------------------------


def test_rerun_translates_nothing_when_nothing_changed(folders: Folders) -> None:
    in_dir, out_dir = folders
    for i in range(5):
        put(in_dir, f"d{i % 2}/a{i}.txt", article(i))
        age(in_dir / f"d{i % 2}/a{i}.txt")  # old enough that its size and time are trusted
    run(in_dir, out_dir, fmt="json")
    outputs = tree(out_dir)
    stamp = (out_dir / MANIFEST_NAME).stat().st_mtime_ns
    engine = WordEngine()
    summary = run(in_dir, out_dir, engine, fmt="json")
    assert engine.calls == []
    assert len(summary.unchanged) == 5 and not summary.translated
    assert tree(out_dir) == outputs
    assert (out_dir / MANIFEST_NAME).stat().st_mtime_ns == stamp  # not even rewritten


def test_the_model_is_not_loaded_when_nothing_needs_it(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "b.txt", article(2))
    loads: list[WordEngine] = []

    def load(options: Options) -> WordEngine:
        loads.append(WordEngine())
        return loads[-1]

    monkeypatch.setattr(translator.factory, "engine_for", load)
    translate_folder(in_dir, out_dir, options=PLAIN)
    assert len(loads) == 1
    assert translate_folder(in_dir, out_dir, options=PLAIN).unchanged
    put(in_dir, "c.txt", b"\x00\x01binary")  # new, but fails before it needs a model
    summary = translate_folder(in_dir, out_dir, options=PLAIN)
    assert [f.source for f in summary.failed] == ["c.txt"]
    assert len(loads) == 1


def test_changed_file_is_the_only_one_translated_again(folders: Folders) -> None:
    in_dir, out_dir = folders
    for i in range(4):
        put(in_dir, f"a{i}.txt", article(i))
    run(in_dir, out_dir)
    put(in_dir, "a2.txt", article("neu"))
    engine = WordEngine()
    summary = run(in_dir, out_dir, engine)
    assert [f.source for f in summary.translated] == ["a2.txt"]
    assert sorted(s for call in engine.calls for s in call) == [
        "Die Region neu ist nicht mehr sicher.",
        "Die Soldaten berichten von neu Verlusten.",
        "Die Truppen sind in der Stadt neu angekommen.",
    ]
    assert "neu" in (out_dir / "a2.txt").read_text("utf-8")


@pytest.mark.parametrize("damage", ["delete", "truncate", "edit"])
def test_deleted_or_altered_output_is_regenerated(folders: Folders, damage: str) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "b.txt", article(2))
    run(in_dir, out_dir, fmt="json")
    good = (out_dir / "a.json").read_bytes()
    target = out_dir / "a.json"
    if damage == "delete":
        target.unlink()
    elif damage == "truncate":
        target.write_bytes(good[: len(good) // 2])
    else:
        target.write_bytes(good.replace(b"the", b"THE"))
    summary = run(in_dir, out_dir, fmt="json")
    assert [f.source for f in summary.translated] == ["a.txt"]
    assert json.loads(target.read_text("utf-8"))["name"] == "a.txt"


def test_force_translates_everything_again(folders: Folders) -> None:
    in_dir, out_dir = folders
    for i in range(3):
        put(in_dir, f"a{i}.txt", article(i))
    run(in_dir, out_dir)
    engine = WordEngine()
    summary = run(in_dir, out_dir, engine, force=True)
    assert len(summary.translated) == 3 and engine.sentences_seen == 9


GLOSSARY = """\
schema: 1
entries:
  - source: Truppen
    target: troops
    category: term
"""


def test_changed_glossary_translates_everything_again(folders: Folders, tmp_path: Path) -> None:
    in_dir, out_dir = folders
    for i in range(3):
        put(in_dir, f"a{i}.txt", article(i))
    glossary = put(tmp_path, "glossary.yaml", GLOSSARY)
    options = Options(glossary=glossary, qa=False)
    run(in_dir, out_dir, options=options)
    engine = WordEngine()
    assert run(in_dir, out_dir, engine, options=options).unchanged
    assert engine.calls == []
    put(tmp_path, "glossary.yaml", GLOSSARY + "  - source: Region\n    target: region\n"
        "    category: term\n")  # fmt: skip
    summary = run(in_dir, out_dir, engine, options=options)
    assert len(summary.translated) == 3 and engine.sentences_seen == 9


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"options": PLAIN}, {"options": Options(glossary=False)}),  # QA on
        ({"options": PLAIN}, {"options": PLAIN, "engine": type("E", (WordEngine,), {
            "signature": {"backend": "test-double", "model": "other"}})()}),
    ],
    ids=["qa-switched-on", "other-engine"],
)  # fmt: skip
def test_changed_option_translates_everything_again(
    folders: Folders, first: dict[str, Any], second: dict[str, Any]
) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "b.txt", article(2))
    run(in_dir, out_dir, **first)
    summary = run(in_dir, out_dir, **second)
    assert [f.source for f in summary.translated] == ["a.txt", "b.txt"]


def test_formats_share_an_output_folder_each_incremental(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    assert run(in_dir, out_dir, fmt="json").translated
    assert run(in_dir, out_dir, fmt="markdown").translated
    assert run(in_dir, out_dir, fmt="json").unchanged
    assert run(in_dir, out_dir, fmt="markdown").unchanged
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == [
        "a.json",
        "a.md",
    ]


def test_failed_files_are_retried_and_succeed_once_fixed(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "b.txt", "")
    assert [f.source for f in run(in_dir, out_dir).failed] == ["b.txt"]
    assert [f.source for f in run(in_dir, out_dir).failed] == ["b.txt"]  # still bad, still said
    put(in_dir, "b.txt", article(2))
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["b.txt"] and summary.ok


#: The fields of a manifest entry as the previous version (one JSON document) wrote them.
OLD_FIELDS = ("source", "source_sha256", "signature", "status", "output_sha256", "error",
              "sentences", "terms_missed", "updated")  # fmt: skip


def test_a_manifest_of_the_previous_version_is_migrated_once(
    folders: Folders, caplog: pytest.LogCaptureFixture
) -> None:
    in_dir, out_dir = folders
    for name in ("a.txt", "sub/b.txt", "c.txt"):
        put(in_dir, name, article(name))
    put(in_dir, "bad.txt", "")
    run(in_dir, out_dir, fmt="json")
    with Manifest.load(out_dir) as manifest:
        now = manifest.to_dict()
    # The OUT_DIR as the previous version left it: its JSON manifest, no SQLite one.
    old = {**now, "files": {out: {k: e[k] for k in OLD_FIELDS} for out, e in now["files"].items()}}
    (out_dir / LEGACY_NAME).write_text(json.dumps(old, indent=1), "utf-8")
    (out_dir / MANIFEST_NAME).unlink()
    put(in_dir, "c.txt", article("changed"))

    engine = WordEngine()
    with caplog.at_level("WARNING", logger="translator"):
        summary = run(in_dir, out_dir, engine, fmt="json")
    assert [f.source for f in summary.unchanged] == ["a.txt", "sub/b.txt"]
    assert [f.source for f in summary.translated] == ["c.txt"]  # changed since
    assert [f.source for f in summary.failed] == ["bad.txt"]  # failed before: tried again
    assert engine.sentences_seen == 3
    [said] = [r.getMessage() for r in caplog.records if "migrated" in r.getMessage()]
    assert LEGACY_NAME in said and "4 files" in said and MIGRATED_NAME in said
    assert not (out_dir / LEGACY_NAME).exists() and (out_dir / MIGRATED_NAME).is_file()
    with Manifest.load(out_dir) as manifest:
        entry = manifest.get("sub/b.json")
    assert entry is not None and entry.source_sha256 == old["files"]["sub/b.json"]["source_sha256"]

    caplog.clear()
    with caplog.at_level("WARNING", logger="translator"):
        again = run(in_dir, out_dir, WordEngine(), fmt="json")
    assert len(again.unchanged) == 3 and not [r for r in caplog.records if "migrated" in r.msg]


def test_a_rerun_hashes_only_files_whose_size_or_time_changed(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    import translator.batch.manifest as manifest_mod
    import translator.batch.plan as plan_mod

    in_dir, out_dir = folders
    for name in ("a.txt", "b.txt", "c.txt"):
        age(put(in_dir, name, article(name)))
    run(in_dir, out_dir)
    hashed: list[str] = []
    real = manifest_mod.sha256_file

    def counting(path: Path) -> str | None:
        hashed.append(path.relative_to(path.parents[1]).as_posix())
        return real(path)

    monkeypatch.setattr(plan_mod, "sha256_file", counting)
    monkeypatch.setattr(manifest_mod, "sha256_file", counting)
    summary = run(in_dir, out_dir)
    assert len(summary.unchanged) == 3 and hashed == []  # sizes and times as recorded

    age(in_dir / "b.txt", 60)  # touched, same bytes: hashed, found unchanged, re-stamped
    age(out_dir / "c.txt", 60)  # an output touched, same bytes: the same
    summary = run(in_dir, out_dir)
    assert len(summary.unchanged) == 3 and sorted(hashed) == ["in/b.txt", "out/c.txt"]
    hashed.clear()
    assert len(run(in_dir, out_dir).unchanged) == 3 and hashed == []

    put(in_dir, "a.txt", article("other"))  # new bytes (and time): translated again
    age(in_dir / "a.txt")
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["a.txt"] and hashed == ["in/a.txt"]


@pytest.mark.parametrize("name", [MANIFEST_NAME, LEGACY_NAME])
def test_a_corrupt_manifest_means_redo_not_crash(folders: Folders, name: str) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    run(in_dir, out_dir)
    (out_dir / MANIFEST_NAME).unlink()
    (out_dir / name).write_text('{"manifest": 1, "files": {"a.txt": [', "utf-8")
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["a.txt"]
    entry = Manifest.load(out_dir).get("a.txt")
    assert entry is not None and entry.status == "ok"


def test_manifest_records_what_produced_each_output(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "sub/a.txt", article(1))
    put(in_dir, "b.txt", "")
    run(in_dir, out_dir, fmt="json")
    manifest = Manifest.load(out_dir).to_dict()
    ok, bad = manifest["files"]["sub/a.json"], manifest["files"]["b.json"]
    assert ok["source"] == "sub/a.txt" and ok["status"] == "ok" and ok["sentences"] == 3
    assert len(ok["source_sha256"]) == len(ok["output_sha256"]) == 64
    signature = manifest["signatures"][ok["signature"]]
    assert signature["backend"] == "test-double" and signature["model"] == "word-engine"
    assert {"version", "glossary", "qa", "format"} <= set(signature)
    # The output's own signature comes from the same function: they agree on every key.
    output = json.loads((out_dir / "sub/a.json").read_text("utf-8"))["signature"]
    assert {k: v for k, v in signature.items() if k != "format"} == output
    assert bad["status"] == "failed" and bad["error"]


# -- interruption ------------------------------------------------------------------------------


def test_interrupt_keeps_finished_files_and_the_next_run_continues(folders: Folders) -> None:
    in_dir, out_dir = folders
    rels = [f"a{i:02}.txt" for i in range(8)]
    for i, rel in enumerate(rels):
        put(in_dir, rel, article(i))

    def ctrl_c_after_three(event: Event) -> None:
        if isinstance(event, FileDone) and event.outcome.source == "a02.txt":
            raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as info:
        run(in_dir, out_dir, fmt="json", chunk_sentences=3, on_event=ctrl_c_after_three)
    summary = info.value.summary
    assert summary.interrupted
    done = [f.source for f in summary.translated]
    assert len(done) >= 3 and done == rels[: len(done)]
    assert [f.source for f in summary.pending] == rels[len(done) :]
    written = sorted(out_dir.glob("a*.json"))
    assert len(written) >= len(done)
    for path in written:  # outputs written but not yet recorded are complete too
        assert json.loads(path.read_text("utf-8"))["name"] == path.stem + ".txt"

    engine = WordEngine()
    again = run(in_dir, out_dir, engine, fmt="json", chunk_sentences=3)
    assert [f.source for f in again.unchanged] == done
    assert [f.source for f in again.translated] == rels[len(done) :]
    assert engine.sentences_seen == (len(rels) - len(done)) * 3
    for rel in rels:
        assert json.loads((out_dir / rel).with_suffix(".json").read_text("utf-8"))["name"] == rel


def test_summary_json_layout(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "a.txt", article(1))
    put(in_dir, "b.txt", "")
    data = run(in_dir, out_dir).to_dict()
    assert data["counts"] == {
        "files": 2, "translated": 1, "unchanged": 0, "failed": 1, "pending": 0,
    }  # fmt: skip
    assert data["sentences"] == 3 and data["interrupted"] is False
    assert [(f["source"], f["status"]) for f in data["files"]] == [
        ("a.txt", "translated"),
        ("b.txt", "failed"),
    ]
    json.dumps(data)  # serialisable as is


def test_an_input_that_trips_the_engine_fails_alone(folders: Folders) -> None:
    class Fragile(WordEngine):
        def translate_batch(self, sentences: list[str]) -> list[str]:
            if any("KAPUTT" in s for s in sentences):
                raise ValueError("cannot handle this")
            return super().translate_batch(sentences)

    in_dir, out_dir = folders
    for i in range(4):
        put(in_dir, f"a{i}.txt", article("KAPUTT" if i == 2 else i))
    summary = run(in_dir, out_dir, Fragile())
    assert [f.source for f in summary.translated] == ["a0.txt", "a1.txt", "a3.txt"]
    assert [(f.source, f.reason) for f in summary.failed] == [
        ("a2.txt", "internal error: ValueError: cannot handle this")
    ]


def test_temp_files_of_a_killed_run_are_removed_and_nothing_else(folders: Folders) -> None:
    in_dir, out_dir = folders
    put(in_dir, "sub/a.txt", article(1))
    stale = [put(out_dir, "sub/.a.json.k3j_x9a2.tmp", "{half"),
             put(out_dir, "..translator-manifest.json.abcd1234.tmp", "{")]  # fmt: skip
    keep = [put(out_dir, "sub/.b.json.k3j_x9a2.tmp", "not ours"), put(out_dir, "sub/notes", "x")]
    run(in_dir, out_dir, fmt="json")
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep)


def test_temp_file_names_are_the_ones_write_atomic_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import translator.files as files

    renamed: list[str] = []
    replace = os.replace

    def spy(src: str, dst: Path) -> None:
        renamed.append(Path(src).name)
        replace(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    files.write_atomic(tmp_path / "a.json", "{}")
    assert files.temp_target(renamed[0]) == "a.json"
    assert files.temp_target("a.json") is None
    assert files.temp_target(".a.json") is None


# -- the seam for other runners: what is due, and a record per file -----------------------------


def test_another_runner_plugs_in_through_the_plan_and_records(folders: Folders) -> None:
    from translator.batch import FileRecord, Ledger, Manifest, make_plan
    from translator.batch.manifest import sha256_file
    from translator.files import write_atomic

    in_dir, out_dir = folders
    for name in ("a.txt", "b.txt", "c.txt"):
        put(in_dir, name, article(name))
    out_dir.mkdir()

    def plan(signature: dict[str, Any]) -> tuple[Ledger, Any]:
        ledger = Ledger(Manifest.load(out_dir), signature)
        found = discover(in_dir, out_dir, extension=".json")
        return ledger, make_plan(found, ledger.manifest, ledger.signature_key)

    ledger, todo = plan({"runner": "elsewhere"})
    assert [t.file.rel for t in todo.due] == ["a.txt", "b.txt", "c.txt"] and not todo.unchanged
    for task in todo.due:  # a runner that writes its outputs itself and reports records
        if task.file.rel == "c.txt":
            ledger.record(FileRecord.failed(task, "no luck"))
            continue
        out = out_dir / task.file.out_rel
        write_atomic(out, "{}")
        done = FileRecord(task.file.rel, task.file.out_rel, task.source_sha256, "translated",
                          output_sha256=sha256_file(out), sentences=3)  # fmt: skip
        ledger.record(done)
    ledger.save()
    assert [(o.source, o.status) for o in ledger.files()] == [
        ("a.txt", "translated"), ("b.txt", "translated"), ("c.txt", "failed")
    ]  # fmt: skip
    entries = Manifest.load(out_dir).entries
    assert entries["a.json"].source_sha256 == sha256_file(in_dir / "a.txt")
    assert (entries["c.json"].status, entries["c.json"].error) == ("failed", "no luck")

    put(in_dir, "b.txt", article("changed"))
    _, todo = plan({"runner": "elsewhere"})
    assert [t.file.rel for t in todo.due] == ["b.txt", "c.txt"]  # changed, failed before
    assert [(o.source, o.sentences) for o in todo.unchanged] == [("a.txt", 3)]
    _, todo = plan({"runner": "elsewhere", "beam": 5})  # another setup: everything is due
    assert len(todo.due) == 3


def test_prefetch_reads_ahead_hands_on_errors_and_stops_when_left() -> None:
    import time

    from translator.batch.prefetch import Prefetch

    def failing() -> Any:
        yield 1
        yield 2
        raise ValueError("boom")

    got: list[int] = []
    with pytest.raises(ValueError, match="boom"), Prefetch(failing(), 1) as items:
        for item in items:
            got.append(item)
    assert got == [1, 2]

    produced: list[int] = []

    def endless() -> Any:
        while True:
            produced.append(len(produced))
            yield produced[-1]

    with Prefetch(endless(), 2) as items:
        assert next(items) == 0
    time.sleep(0.3)
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count <= 4  # the reader stopped, a few items ahead at most


def test_a_file_name_that_is_not_utf8_works(folders: Folders) -> None:
    in_dir, out_dir = folders
    in_dir.mkdir(parents=True)
    name = os.fsdecode(b"caf\xe9 (latin-1).txt")  # as old archives have them
    (in_dir / name).write_text(article(1), encoding="utf-8")
    put(in_dir, "b.txt", article(2))
    summary = run(in_dir, out_dir, fmt="json")
    assert sorted(f.source for f in summary.translated) == sorted([name, "b.txt"])
    assert json.loads((out_dir / name).with_suffix(".json").read_text("utf-8"))["name"]
    assert json.loads(summary.to_json())["files"][1]["source"] == name  # exact round trip
    assert [f.source for f in run(in_dir, out_dir, fmt="json").unchanged] == ["b.txt", name]


def test_the_lock_file_is_removed_when_the_run_ends(tmp_path: Path) -> None:
    from translator.batch.manifest import LOCK_NAME, locked

    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    put(in_dir, "a.txt", article(1))
    summary = run(in_dir, out_dir)
    assert [f.source for f in summary.translated] == ["a.txt"]
    assert not (out_dir / LOCK_NAME).exists()

    (out_dir / LOCK_NAME).touch()  # left behind by a run that was killed
    with locked(out_dir):
        assert (out_dir / LOCK_NAME).exists()
        with pytest.raises(OutputError, match="another batch run"), locked(out_dir):
            pass
        assert (out_dir / LOCK_NAME).exists()  # a refused run leaves the holder's lock alone
    assert not (out_dir / LOCK_NAME).exists()


class SlowWordEngine(WordEngine):
    """Takes a moment per call, as a model does, so that writes finish while it works."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        import time

        time.sleep(0.2)
        return super().translate_batch(sentences)


def test_progress_knows_its_file_total_first_and_counts_files_as_they_are_written(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_dir, out_dir = folders
    for i in range(86):
        put(in_dir, f"a{i:02d}.txt", article(i))  # 3 sentences each: 258
    monkeypatch.setattr(translator.factory, "engine_for", lambda options: SlowWordEngine())
    events: list[Event] = []
    # Two chunks of 129 sentences, each translated in three engine calls (64, 64, 1).
    translate_folder(in_dir, out_dir, options=PLAIN, chunk_sentences=129,
                     on_event=events.append)  # fmt: skip
    kinds = [type(e).__name__ for e in events]
    first_done = kinds.index("SentencesDone")
    assert events[kinds.index("Planned")] == Planned(total=86, todo=86, unchanged=0)
    assert kinds.index("Planned") < kinds.index("SentencesQueued") < first_done
    # Sentences are announced chunk by chunk as the files are read (no counting pass).
    queued = [e.count for e in events if isinstance(e, SentencesQueued)]
    assert queued == [129, 129]
    second = [i for i, k in enumerate(kinds) if k == "SentencesQueued"][1]
    assert sum(e.count for e in events[:second] if isinstance(e, SentencesDone)) == 129
    # No engine given: the model "loads" at first need, and the events say so.
    assert events[kinds.index("Working")] == Working("loading the model")
    assert kinds.index("Working") < first_done and Working("") in events[:first_done]
    # The first chunk's files count as soon as they are written (while the second chunk is
    # translated), not when that chunk ends.
    last_done = len(kinds) - 1 - kinds[::-1].index("SentencesDone")
    assert kinds.index("FileDone") < last_done
    assert kinds.count("FileDone") == 86
