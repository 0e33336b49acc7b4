"""`translator translate` and `translator model` as users run them, with the tiny MarianMT.

The tiny model's output is noise: these tests check structure, counts, files, exit codes and
messages, never a translation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import translator
from tests.cli import run_cli as cli

Capture = pytest.CaptureFixture[str]
ROOT = Path(__file__).resolve().parents[1]

ARTICLE = """31. Januar 2025

Truppen ziehen sich zurück

In der Stadt Kiew berichten Militärbeamte, dass die Truppen nicht mehr an den
Frontlinien gesichtet wurden. Das deutet auf Verluste hin.

Rückzug der Truppen

„Die Präsenz wurde seit drei Wochen nicht mehr beobachtet“, erklärte Oberst Kindratenko.
"""

#: Keep runs quick and independent of the glossary/cache being built elsewhere.
FAST = ["--beam-size", "1", "--no-glossary", "--no-cache"]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "artikel.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def offline_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty Hugging Face cache and no network: the default model is not available."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _json_run(monkeypatch, capsys, model: Path, *args: str, stdin: bytes = b"") -> dict:  # type: ignore[no-untyped-def,type-arg]
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        *args,
        "--model",
        str(model),
        *FAST,
        "-f",
        "json",
        stdin=stdin,
    )
    assert code == 0, err
    return json.loads(out)


# -- happy paths -------------------------------------------------------------------------------


@pytest.mark.slow
def test_stdin_to_stdout_one_paragraph_per_block(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path
) -> None:
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        "-",
        "--model",
        str(tiny_model_dir),
        *FAST,
        stdin=ARTICLE.encode(),
    )
    assert code == 0, err
    assert out.endswith("\n")
    paragraphs = out.rstrip("\n").split("\n\n")
    data = _json_run(monkeypatch, capsys, tiny_model_dir, "-", stdin=ARTICLE.encode())
    assert len(paragraphs) == len(data["paragraphs"]) >= 5
    assert all(p.strip() for p in paragraphs)


@pytest.mark.slow
def test_output_file_is_written_atomically(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, article: Path
) -> None:
    target = article.parent / "out" / "english.txt"
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        str(article),
        "-o",
        str(target),
        "--mkdir",  # out/ does not exist yet
        "--model",
        str(tiny_model_dir),
        *FAST,
    )
    assert code == 0, err
    assert out == ""
    assert target.read_text("utf-8").strip()
    assert [p.name for p in target.parent.iterdir()] == ["english.txt"]  # no temp file left
    assert article.read_text("utf-8") == ARTICLE
    # the same run to stdout gives the same text
    _, again, _ = cli(
        monkeypatch, capsys, "translate", str(article), "--model", str(tiny_model_dir), *FAST
    )
    assert again == target.read_text("utf-8")


@pytest.mark.slow
def test_output_onto_the_input_is_refused_with_exit_6(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, article: Path
) -> None:
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        str(article),
        "-o",
        str(article),
        "--model",
        str(tiny_model_dir),
        *FAST,
    )
    assert code == 6
    assert "overwrite the input" in err
    assert "Traceback" not in err
    assert article.read_text("utf-8") == ARTICLE


def test_output_onto_the_input_is_refused_before_any_model_work(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path, article: Path
) -> None:
    # The model folder does not exist: reaching the engine would exit 4, not 6.
    missing = tmp_path / "no-such-model"
    code, _, err = cli(
        monkeypatch, capsys, "translate", str(article), "-o", str(article),
        "--model", str(missing), *FAST,
    )
    assert code == 6, err
    assert article.read_text("utf-8") == ARTICLE


@pytest.mark.slow
def test_json_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, article: Path
) -> None:
    data = _json_run(monkeypatch, capsys, tiny_model_dir, str(article))
    assert isinstance(data["paragraphs"], list) and data["paragraphs"]
    for p in data["paragraphs"]:
        assert set(p) >= {"kind", "source", "target", "sentences"}
        assert p["kind"] in {"date", "label", "title", "heading", "paragraph"}
        assert p["source"].strip() and p["target"].strip()
        assert p["sentences"]
        for s in p["sentences"]:
            assert set(s) >= {"source", "target"}
            assert s["source"].strip() and s["target"].strip()  # nothing dropped
            assert s["source"] in p["source"]
    kinds = [p["kind"] for p in data["paragraphs"]]
    assert kinds[0] == "date" and "heading" in kinds and "paragraph" in kinds
    sig = data["signature"]
    assert sig["model"] == str(tiny_model_dir.resolve())
    assert sig["revision"].startswith("local-")
    assert sig["version"] == translator.__version__
    assert sig["backend"] == "transformers"
    assert sig["beam_size"] == 1


@pytest.mark.slow
def test_markdown_marks_headings(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, article: Path
) -> None:
    data = _json_run(monkeypatch, capsys, tiny_model_dir, str(article))
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        str(article),
        "--model",
        str(tiny_model_dir),
        *FAST,
        "--format",
        "markdown",
    )
    assert code == 0, err
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) == len(data["paragraphs"])
    for block, paragraph in zip(blocks, data["paragraphs"], strict=True):
        if paragraph["kind"] == "heading":
            assert block == f"## {paragraph['target']}"
        elif paragraph["kind"] == "paragraph":
            assert block == paragraph["target"]


@pytest.mark.slow
def test_cp1252_input_is_decoded(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "alt.txt"
    text = "Die Soldaten berichten über Verluste in Kiew. Der Rückzug dauert an – „vorerst“."
    path.write_bytes(text.encode("cp1252"))
    assert b"\xfc" in path.read_bytes()  # really not UTF-8
    data = _json_run(monkeypatch, capsys, tiny_model_dir, str(path))
    sources = [s["source"] for p in data["paragraphs"] for s in p["sentences"]]
    assert " ".join(sources) == text


@pytest.mark.slow
def test_defaults_for_glossary_cache_and_qa_also_work(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, article: Path
) -> None:
    code, out, err = cli(
        monkeypatch,
        capsys,
        "translate",
        str(article),
        "--model",
        str(tiny_model_dir),
        "--beam-size",
        "1",
        "-f",
        "json",
    )
    assert code == 0, err
    assert len(json.loads(out)["paragraphs"]) >= 5


# -- exit codes and messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"  \n\n \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ],
)
def test_bad_input_exits_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    tmp_path: Path,
    content: bytes | None,
    why: str,
) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    # The input is read before any model is loaded: no model needed to fail fast.
    code, out, err = cli(monkeypatch, capsys, "translate", str(path), "--model", "/nowhere")
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and why in err and str(path) in err
    assert "Traceback" not in err


def test_missing_model_folder_exits_4_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-model-here"
    code, out, err = cli(
        monkeypatch, capsys, "translate", str(article), "--model", str(missing), *FAST
    )
    assert code == 4
    assert out == ""
    assert err.startswith("translator: error: ") and err.count("\n") == 1
    assert str(missing) in err and "--model PATH" in err
    assert "Traceback" not in err


def test_default_model_offline_exits_4_and_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, offline_hub: None
) -> None:
    code, out, err = cli(monkeypatch, capsys, "translate", str(article), *FAST)
    assert code == 4
    assert err.count("\n") == 1 and "Traceback" not in err
    for needle in (
        "Helsinki-NLP/opus-mt-de-en",
        "--model PATH",
        "TRANSLATOR_MODEL",
        "translator model download",
        "HF_HOME",
    ):
        assert needle in err


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pdf"],
        ["--device", "tpu"],
        ["--beam-size", "0"],
        ["--frobnicate"],
    ],
)
def test_bad_options_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, args: list[str]
) -> None:
    code, _, err = cli(monkeypatch, capsys, "translate", str(article), *args, "--model", "/x")
    assert code == 2
    assert "Traceback" not in err


# -- translator model ... ----------------------------------------------------------------------


def test_model_info_of_a_folder(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path
) -> None:
    code, out, err = cli(monkeypatch, capsys, "model", "info", str(tiny_model_dir), "--json")
    assert code == 0, err
    facts = json.loads(out)
    assert facts["kind"] == "folder" and facts["available_offline"] is True
    assert facts["config"]["max_position_embeddings"] == 512
    assert "model.safetensors" in facts["files"]
    code, out, _ = cli(monkeypatch, capsys, "model", "info", str(tiny_model_dir))
    assert code == 0
    assert "available offline: yes" in out and "model.safetensors" in out


def test_model_info_of_the_missing_default(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, offline_hub: None
) -> None:
    code, out, err = cli(monkeypatch, capsys, "model", "info")
    assert code == 4  # the model-error code, through the same route as every model error
    assert "Helsinki-NLP/opus-mt-de-en" in out
    assert "available offline: no" in out
    assert err == "translator: error: Helsinki-NLP/opus-mt-de-en is not available offline\n"
    code, out, err = cli(monkeypatch, capsys, "model", "info", "--json")
    assert code == 4 and json.loads(out)["available_offline"] is False


def test_model_download_offline_exits_4_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, offline_hub: None
) -> None:
    code, out, err = cli(monkeypatch, capsys, "model", "download")
    assert code == 4
    assert err.count("\n") == 1 and "HF_HUB_OFFLINE" in err and "Traceback" not in err


def test_model_download_of_a_folder_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path
) -> None:
    code, _, err = cli(monkeypatch, capsys, "model", "download", str(tiny_model_dir))
    assert code == 4
    assert "local path" in err and err.count("\n") == 1


# -- as a real process -------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "1",
        "TRANSLATOR_CACHE_DIR": str(tmp_path / "cache"),
        "OMP_NUM_THREADS": "1",
    }


@pytest.mark.slow
def test_python_m_translator_pipes_stdin_to_stdout(tmp_path: Path, tiny_model_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translator",
            "translate",
            "-",
            "--model",
            str(tiny_model_dir),
            *FAST,
        ],
        input=ARTICLE.encode(),
        capture_output=True,
        cwd=ROOT,
        env=_env(tmp_path),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert len(done.stdout.decode().rstrip("\n").split("\n\n")) >= 5


def test_help_does_not_import_torch(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "translator", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0
    assert "translate" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "translator.cli" in imported  # the check sees our own imports...
    assert not {m for m in imported if m.split(".")[0] in {"torch", "transformers"}}
