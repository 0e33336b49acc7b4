"""PDFs through the commands: a news PDF becomes Markdown with its structure, and a scanned,
encrypted or truncated PDF is one line and exit 3 in `translate`, and fails alone (exit 8) in
`batch` while the other files are translated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import pdfs
from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine

Capture = pytest.CaptureFixture[str]
PLAIN = ["--no-glossary", "--no-cache", "--no-qa"]

BAD = {
    "scanned.pdf": (pdfs.scanned_pdf, "no text layer", "ocrmypdf"),
    "locked.pdf": (pdfs.encrypted_pdf, "encrypted", "unprotected copy"),
    "cut.pdf": (pdfs.truncated_pdf, "damaged or truncated", "PDF"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_pdf_is_one_line_and_exit_3(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    build, says, fix = BAD[name]
    source = tmp_path / name
    source.write_bytes(build())
    before = source.read_bytes()
    use_engine(monkeypatch, WordEngine())
    code, out, err = run_cli(monkeypatch, capsys, "translate", str(source), *PLAIN)
    assert code == 3, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("translator: error: ") and says in lines[0] and fix in lines[0]
    assert "Traceback" not in err
    assert source.read_bytes() == before  # never touched


def test_a_news_pdf_becomes_markdown_with_its_structure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    source = tmp_path / "article.pdf"
    source.write_bytes(pdfs.seed_news_pdf())
    use_engine(monkeypatch, WordEngine())
    code, out, err = run_cli(monkeypatch, capsys, "translate", str(source), *PLAIN, "-q")
    assert code == 0, err
    # The PDF's title (largest type) is the Markdown title; its headings are headings; every
    # block of the PDF is there (the WordEngine keeps one output per sentence).
    from translator.formats import read_document

    blocks = read_document(source.read_bytes(), name=source.name).blocks
    assert sum(line.startswith("# ") for line in out.splitlines()) == 1
    assert sum(line.startswith("## ") for line in out.splitlines()) == sum(
        b.kind == "heading" for b in blocks
    )
    assert sum(b.kind == "heading" for b in blocks) >= 3


def test_batch_a_bad_pdf_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    (in_dir / "good.pdf").write_bytes(pdfs.seed_news_pdf())
    (in_dir / "note.txt").write_text("Die Truppen ziehen ab.\n", encoding="utf-8")
    for name, (build, _, _) in BAD.items():
        (in_dir / name).write_bytes(build())
    use_engine(monkeypatch, WordEngine())
    code, out, err = run_cli(
        monkeypatch, capsys, "batch", str(in_dir), str(out_dir), "--quiet",
        "--summary-json", "-", *PLAIN,
    )  # fmt: skip
    assert code == 8, err
    summary = json.loads(out)
    status = {f["source"]: f["status"] for f in summary["files"]}
    assert status == {
        "good.pdf": "translated",
        "note.txt": "translated",
        "scanned.pdf": "failed",
        "locked.pdf": "failed",
        "cut.pdf": "failed",
    }
    reasons = {f["source"]: f["reason"] for f in summary["files"] if f["status"] == "failed"}
    for name, (_, says, _) in BAD.items():
        assert says in reasons[name] and "\n" not in reasons[name]
    assert (out_dir / "good.md").read_text(encoding="utf-8").count("\n## ") >= 3
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == [
        "good.md",
        "note.txt",
    ]
