"""Silent loss is never silent: what reading or writing drops or changes is counted in the
document (``Document.losses``), carried into the JSON's metadata, and said in one stderr line
by `translate` and `batch`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine
from translator import Pipeline
from translator.batch.events import BatchSummary
from translator.batch.records import FileRecord
from translator.cli.report import losses_line
from translator.formats import Document, read_document, write
from translator.text.block import Block


def test_reader_losses_reach_the_json_metadata() -> None:
    doc = Document(format="text", blocks=[Block("paragraph", "Die Stadt ist schön.")])
    doc.losses["control_characters"] = 2
    result = Pipeline(WordEngine()).translate_document(doc)
    data = json.loads(write(result, doc, "json"))
    assert data["metadata"]["losses"] == {"control_characters": 2}
    # Writing twice does not count twice.
    write(result, doc, "text")
    assert result.metadata["losses"] == {"control_characters": 2}


def test_nothing_lost_no_losses_key() -> None:
    doc = read_document(b"Die Stadt ist sch\xc3\xb6n.", name="a.txt")
    result = Pipeline(WordEngine()).translate_document(doc)
    assert "losses" not in json.loads(write(result, doc, "json"))["metadata"]
    assert losses_line({}) is None


def test_losses_line_names_each_kind_with_its_count() -> None:
    line = losses_line({"docx_comments": 1, "page_furniture": 3, "odd_thing": 2})
    assert line is not None
    assert "3 page furniture" in line and "1 comments" in line and "2 odd thing" in line
    assert "\n" not in line


def test_batch_summary_adds_up_losses_of_translated_files() -> None:
    records = [
        FileRecord("a.docx", "a.docx", None, "translated", losses={"docx_comments": 2}),
        FileRecord("b.docx", "b.docx", None, "translated", losses={"docx_comments": 1}),
        FileRecord("c.docx", "c.docx", None, "failed", error="x"),
    ]
    summary = BatchSummary("in", "out", "docx", {}, files=[r.outcome() for r in records])
    assert summary.losses == {"docx_comments": 3}
    assert summary.to_dict()["losses"] == {"docx_comments": 3}
    assert summary.to_dict()["files"][0]["losses"] == {"docx_comments": 2}


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_cli_says_losses_in_one_line(
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from tests.docx_cases import build_runs_with_content

    use_engine(monkeypatch, WordEngine())
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.docx").write_bytes(build_runs_with_content())
    if command == "translate":
        out = tmp_path / "a.json"
        args = ["translate", str(src / "a.docx"), "-o", str(out), "--format", "json"]
    else:
        out = tmp_path / "summary.json"
        args = ["batch", str(src), str(tmp_path / "out"), "--summary-json", str(out)]
    code, _, err = run_cli(monkeypatch, capsys, *args, "--no-glossary")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "dropped or changed" in line]
    assert len(lines) == 1, err
    assert "1 comments (not translated)" in lines[0]
    data = json.loads(out.read_text(encoding="utf-8"))
    losses = data["metadata"]["losses"] if command == "translate" else data["losses"]
    assert losses == {"docx_comments": 1}
