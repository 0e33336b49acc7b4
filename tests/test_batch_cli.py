"""`translator batch` as a user runs it: exit codes, messages, summary, interruption.

In-process tests go through the real entry point (`translator.cli.main`) with the model
loader replaced by the WordEngine double; the subprocess tests run `python -m translator
batch` with the tiny MarianMT in the real layout and kill it mid-run.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run_cli as cli
from tests.cli import use_engine
from tests.doubles import MangleEngine, WordEngine
from translator.batch import MANIFEST_NAME, Manifest
from translator.batch.local import WRITERS
from translator.files import temp_target

ROOT = Path(__file__).resolve().parents[1]
Capture = pytest.CaptureFixture[str]


def article(i: int | str, paragraphs: int = 2) -> str:
    return "\n\n".join(
        f"Die Truppen sind in der Stadt {i}-{p} angekommen. Die Soldaten berichten von {i} "
        f"Verlusten im Abschnitt {p}."
        for p in range(paragraphs)
    ) + "\n"  # fmt: skip


def put(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> WordEngine:
    """The engine the CLI gets instead of loading a model."""
    return use_engine(monkeypatch, WordEngine())


PLAIN = ("--no-glossary", "--no-cache", "--no-qa")


def test_success_prints_a_summary_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    put(tmp_path / "in", "sub dir/ü.txt", article(2))
    code, out, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                         str(tmp_path / "out"), *PLAIN)  # fmt: skip
    assert code == 0, err
    assert out == ""
    assert "Batch summary" in err and "translated" in err
    assert (tmp_path / "out" / "sub dir" / "ü.txt").is_file()
    code, out, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                         str(tmp_path / "out"), *PLAIN)  # fmt: skip
    assert code == 0 and "2 of 2 files unchanged" in err
    assert len(engine.calls) == 1
    code, _, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                       str(tmp_path / "out"), "--force", *PLAIN)  # fmt: skip
    assert code == 0 and "unchanged" not in err.split("Batch summary")[0]
    assert len(engine.calls) == 2 and len(engine.calls[1]) == 8  # both files again


def test_failed_files_exit_8_and_are_listed_with_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    put(tmp_path / "in", "good.txt", article(1))
    put(tmp_path / "in", "[bin].txt", b"\x00\x01\x02\xff" * 100)
    put(tmp_path / "in", "big.txt", article(2, paragraphs=40))
    summary = tmp_path / "report" / "summary.json"
    code, _, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                       str(tmp_path / "out"), "--max-size", "1k", "--summary-json",
                       str(summary), "--mkdir", *PLAIN)  # fmt: skip
    assert code == 8
    assert "[bin].txt" in err and "big.txt" in err and "too large" in err
    data = json.loads(summary.read_text("utf-8"))
    assert data["counts"]["translated"] == 1 and data["counts"]["failed"] == 2
    failed = {f["source"] for f in data["files"] if f["status"] == "failed"}
    assert failed == {"[bin].txt", "big.txt"}


def test_quiet_prints_nothing_and_summary_can_go_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    put(tmp_path / "in", "a.md", article(1))
    put(tmp_path / "in", "drafts/b.md", article(2))
    code, out, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                         str(tmp_path / "out"), "--quiet", "--summary-json", "-", "-p", "*.md",
                         "-x", "drafts", "-f", "markdown", *PLAIN)  # fmt: skip
    assert code == 0
    assert err == ""
    data = json.loads(out)
    assert [(f["source"], f["output"]) for f in data["files"]] == [("a.md", "a.md")]


def test_strict_exits_7_like_translate_when_a_term_is_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, seed_text: str
) -> None:
    use_engine(monkeypatch, MangleEngine(("drop",)))
    put(tmp_path / "in", "seed.txt", seed_text)
    put(tmp_path / "in", "plain.txt", article(1))
    args = ("batch", str(tmp_path / "in"), str(tmp_path / "out"), "--no-cache", "-q")
    code, out, err = cli(monkeypatch, capsys, *args, "--strict")
    assert code == 7, err
    # The same route as `translate --strict`: one error line from the CLI's entry point.
    assert err.startswith("translator: error: ") and err.count("\n") == 1
    assert "glossary term(s) missed in 1 file(s): seed.txt" in err
    assert (tmp_path / "out" / "seed.txt").is_file()  # the translations are still written
    code, _, err = cli(monkeypatch, capsys, *args)  # without --strict a miss is no failure
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["{in}", "{in}"], 6, "must differ"),
        (["{tmp}/missing", "{out}"], 3, "no such folder"),
        (["{in}", "{in}/a.txt"], 6, "not a folder"),
        (["{in}", "{out}", "--max-size", "lots"], 2, "not a size"),
        (["{in}", "{out}", "--format", "pdf"], 2, "--format"),
        (["{in}", "{out}", "--summary-json", "{in}/sum.json"], 6, "into the input folder"),
    ],
)
def test_usage_mistakes_give_one_line_and_an_exit_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    engine: WordEngine,
    args: list[str],
    code: int,
    message: str,
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    paths = {"in": tmp_path / "in", "out": tmp_path / "out", "tmp": tmp_path}
    got, _, err = cli(monkeypatch, capsys, "batch", *[a.format(**paths) for a in args], *PLAIN)
    assert got == code
    assert message in err
    assert "Traceback" not in err
    assert engine.calls == []


def test_a_missing_model_is_one_line_and_exit_4_but_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    args = ("batch", str(tmp_path / "in"), str(tmp_path / "out"), "--model",
            str(tmp_path / "no-model"), *PLAIN)  # fmt: skip
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 4
    assert "no-model" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    (tmp_path / "in" / "a.txt").unlink()
    code, _, err = cli(monkeypatch, capsys, *args)  # nothing to translate: no model needed
    assert code == 0


def test_a_failed_run_leaves_no_empty_out_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    no_model = ("--model", str(tmp_path / "no-model"), *PLAIN)
    out = tmp_path / "made" / "by" / "out"
    code, _, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"), str(out), "--mkdir",
                       *no_model)  # fmt: skip
    assert code == 4, err
    assert not (tmp_path / "made").exists()  # OUT and the parents --mkdir made: all gone
    # A folder that was there before the run stays, and so do its parents.
    (tmp_path / "there").mkdir()
    code, _, _ = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"), str(tmp_path / "there"),
                     *no_model)  # fmt: skip
    assert code == 4 and (tmp_path / "there").is_dir()
    (tmp_path / "there" / "out").mkdir()
    code, _, _ = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                     str(tmp_path / "there" / "out" / "deeper"), "--mkdir", *no_model)  # fmt: skip
    assert code == 4 and list((tmp_path / "there").rglob("*")) == [tmp_path / "there" / "out"]


def test_ctrl_c_stops_cleanly_with_a_summary_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    class CtrlCOnSecondBatch(WordEngine):
        def translate_batch(self, sentences: list[str]) -> list[str]:
            if len(self.calls) == 1:
                raise KeyboardInterrupt
            return super().translate_batch(sentences)

    double = CtrlCOnSecondBatch()
    use_engine(monkeypatch, double)
    for i in range(6):
        put(tmp_path / "in", f"a{i}.txt", article(i))
    args = ("batch", str(tmp_path / "in"), str(tmp_path / "out"), "--chunk-sentences", "8",
            "--format", "json", *PLAIN)  # fmt: skip
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 130
    assert "Batch interrupted" in err and "run the same command again" in err
    with Manifest.load(tmp_path / "out") as manifest:
        done = manifest.to_dict()["files"]
    assert sorted(done) == ["a0.json", "a1.json"]  # the first chunk: 2 files of 4 sentences

    use_engine(monkeypatch, WordEngine())
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 0 and "2 of 6 files unchanged" in err


# -- the real CLI and the tiny MarianMT, killed mid-run ------------------------------------------


#: Runs `translator ARGS` and stops itself at a point fixed in advance, so the test needs no
#: polling: ``term N`` sends SIGTERM right after the runner reports (``FileDone``) its N-th
#: written output; ``kill N`` dies by SIGKILL in the middle of writing the N-th output (its
#: data is in the temp file, the rename has not happened).
_STOPPING = """
import os, signal, sys
from pathlib import Path
from translator.batch.events import FileDone
from translator.batch.records import Ledger
from translator.cli import main

how, at = sys.argv[1], int(sys.argv[2])
sys.argv = ["translator", *sys.argv[3:]]
count = 0
if how == "term":
    emit = Ledger.emit
    def emit_and_stop(self, event):
        global count
        emit(self, event)
        if isinstance(event, FileDone) and event.outcome.status == "translated":
            count += 1
            if count == at:
                os.kill(os.getpid(), signal.SIGTERM)
    Ledger.emit = emit_and_stop
elif how == "kill":
    replace = os.replace
    def replace_or_die(src, dst, *args, **kwargs):
        global count
        if not Path(dst).name.startswith("."):  # an output, not the manifest
            count += 1
            if count == at:
                os.kill(os.getpid(), signal.SIGKILL)
        return replace(src, dst, *args, **kwargs)
    os.replace = replace_or_die
main()
"""


def _start(
    in_dir: Path, out_dir: Path, model: Path, *extra: str, stop: tuple[str, int] | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    runner = ["-c", _STOPPING, stop[0], str(stop[1])] if stop else ["-m", "translator"]
    return subprocess.Popen(
        [sys.executable, *runner, "batch", str(in_dir), str(out_dir),
         "--model", str(model), "--backend", "transformers", "--device", "cpu",
         "--format", "json", "--beam-size", "1", "--chunk-sentences", "12", "--no-cache",
         "--no-glossary", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _rerun_loads_nothing(in_dir: Path, out_dir: Path, model: Path) -> str:
    """Run the same batch again in a fresh interpreter; report exit code and heavy imports."""
    argv = ["translator", "batch", str(in_dir), str(out_dir), "--model", str(model),
            "--backend", "transformers", "--device", "cpu", "--format", "json",
            "--beam-size", "1", "--no-cache", "--no-glossary"]  # fmt: skip
    code = (
        f"import sys\nfrom translator.cli import main\nsys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as exc:\n"
        "    print(exc.code or 0, 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return done.stdout.strip()


def _done_in_manifest(out_dir: Path) -> list[str]:
    with Manifest.load(out_dir) as manifest:
        files = manifest.to_dict()["files"]
    return sorted(out for out, entry in files.items() if entry["status"] == "ok")


@pytest.mark.slow
def test_killed_mid_batch_then_rerun_every_output_complete(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    rels = [f"{d}/artikel {i}.txt" for d in ("politik", "welt/östlich") for i in range(8)]
    for i, rel in enumerate(rels):
        put(in_dir, rel, article(i, paragraphs=3))
    expected = [r[:-4] + ".json" for r in rels]

    # SIGTERM right after the second output is reported: stops like Ctrl-C, exit 130, with a
    # summary; what was written is in the manifest.
    proc = _start(in_dir, out_dir, tiny_model_dir, stop=("term", 2))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "Batch interrupted" in err and "Traceback" not in err
    after_term = _done_in_manifest(out_dir)
    assert len(after_term) >= 2 and set(after_term) < set(expected)

    # SIGKILL in the middle of writing the second output of the next run: no chance to clean
    # up at all. That output's data sits in a hidden temp file; the output itself is absent
    # (and so are those of other outputs the writer threads had in flight).
    proc = _start(in_dir, out_dir, tiny_model_dir, stop=("kill", 2))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, err
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.json")
                     if not p.name.startswith("."))  # fmt: skip
    assert len(after_term) + 1 <= len(written) <= len(after_term) + WRITERS
    assert len(written) < len(expected)
    temps = list(out_dir.rglob(".*.tmp"))
    assert 1 <= len(temps) <= WRITERS
    complete = 0
    for temp in temps:
        target = temp.parent / (temp_target(temp.name) or "?")
        assert target.suffix == ".json" and not target.exists()
        with contextlib.suppress(ValueError):  # another writer's may be cut short
            json.loads(temp.read_text("utf-8"))
            complete += 1
    assert complete >= 1  # written in full before the rename that never came
    for rel in written:  # whatever is visible is complete
        json.loads((out_dir / rel).read_text("utf-8"))

    summary_path = tmp_path / "summary.json"
    proc = _start(in_dir, out_dir, tiny_model_dir, "--summary-json", str(summary_path))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    summary = json.loads(summary_path.read_text("utf-8"))
    assert summary["counts"]["unchanged"] >= len(after_term)
    assert summary["counts"]["unchanged"] + summary["counts"]["translated"] == len(rels)

    outputs = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert outputs == sorted(
        [MANIFEST_NAME, *(r[:-4] + ".json" for r in rels)]
    )  # one output per input, nothing missing, nothing doubled, no temp files left
    for rel in rels:
        data = json.loads((out_dir / rel).with_suffix(".json").read_text("utf-8"))
        assert data["name"] == rel
        source = (in_dir / rel).read_text("utf-8")
        assert [p["source"] for p in data["paragraphs"]] == source.strip().split("\n\n")
        for p in data["paragraphs"]:
            assert len(p["sentences"]) == 2 and all(s["target"].strip() for s in p["sentences"])

    # Nothing changed: the re-run neither translates nor even imports torch/transformers.
    assert _rerun_loads_nothing(in_dir, out_dir, tiny_model_dir) == "0 False False"


def test_a_folder_with_no_matching_file_says_so_and_suggests_p(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    put(tmp_path / "in", "a.rtf", article(1))
    put(tmp_path / "in", "sub/b.rtf", article(2))
    put(tmp_path / "in", "notes", article(3))
    code, out, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                         str(tmp_path / "out"), *PLAIN)  # fmt: skip
    assert code == 0 and out == "" and engine.calls == []
    lines = [line for line in err.splitlines() if line.startswith("warning:")]
    assert lines == [
        f'warning: no file in {tmp_path / "in"} matched "*.txt" "*.md" "*.markdown" "*.html" '
        '"*.htm" "*.xhtml" "*.docx" "*.pdf"; it holds 3 (.rtf 2, no extension 1): to take '
        'them, add -p "*.rtf"'
    ]

    code, _, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"),
                       str(tmp_path / "out"), "-p", "*.rtf", *PLAIN)  # fmt: skip
    assert code == 0 and "warning:" not in err
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.txt")) == ["a.txt", "b.txt"]


def test_the_summary_counts_files_skipped_by_pattern_with_their_extensions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    put(tmp_path / "in", "b.odt", b"PK\x03\x04")
    put(tmp_path / "in", "c.ODT", b"PK\x03\x04")
    summary = tmp_path / "s.json"
    code, _, err = cli(monkeypatch, capsys, "batch", str(tmp_path / "in"), str(tmp_path / "out"),
                       "--summary-json", str(summary), *PLAIN)  # fmt: skip
    assert code == 0, err
    assert "skipped (no -p pattern matched)" in err and "2 (.odt 2)" in err
    data = json.loads(summary.read_text("utf-8"))
    assert data["skipped"]["unmatched"] == {".odt": 2}
    assert data["patterns"] == [
        "*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.xhtml", "*.docx", "*.pdf"
    ]


def test_an_earlier_runs_output_folder_inside_in_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, engine: WordEngine
) -> None:
    in_dir = tmp_path / "in"
    put(in_dir, "a.txt", article(1))
    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir), str(in_dir / "english"),
                       *PLAIN)  # fmt: skip
    assert code == 0, err
    assert (in_dir / "english" / "a.txt").is_file()
    engine.calls.clear()
    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir), str(tmp_path / "elsewhere"),
                       *PLAIN)  # fmt: skip
    assert code == 0, err
    assert sorted(p.relative_to(tmp_path / "elsewhere").as_posix()
                  for p in (tmp_path / "elsewhere").rglob("*.txt")) == ["a.txt"]  # fmt: skip
    assert len(engine.calls) == 1 and all("english" not in s for s in engine.calls[0])
    assert "skipped (earlier runs' output folders)" in err and "english/" in err

    # An earlier run's output folder given as the input is refused with one line.
    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir / "english"),
                       str(tmp_path / "again"), *PLAIN)  # fmt: skip
    assert code == 3
    assert "output of an earlier batch run" in err and len(err.strip().splitlines()) == 1
def test_ray_without_the_extra_says_how_to_install_it_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    put(tmp_path / "in", "a.txt", article(1))
    args = ("batch", str(tmp_path / "in"), str(tmp_path / "out"))
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    code, _, err = cli(monkeypatch, capsys, *args, "--ray")
    assert code == 2
    assert err.strip() == "translator: error: Ray is not installed; pip install 'translator[ray]'"
    code, _, err = cli(monkeypatch, capsys, *args, "--workers", "2")
    assert code == 2 and "--ray" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
