"""Documents through the real MarianMT path (the copy-trained model) and through the CLI.

The copy model returns its input (NFKC-normalised), so a DOCX -> DOCX and an MD -> MD run
must give back the same text in the same structure: styles, tables, links, code, front
matter. Bad files must give one line and exit 3 in `translate`, and fail alone (exit 8) in
`batch`.
"""

from __future__ import annotations

import io
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests import documents
from tests.cli import run_cli as cli
from tests.cli import use_engine
from tests.doubles import WordEngine
from translator import Pipeline
from translator.engine.marian import MarianEngine
from translator.formats import read_document, write
from translator.formats.docx import _open, _walk
from translator.formats.markdown import _parse

Capture = pytest.CaptureFixture[str]
PLAIN = ["--beam-size", "1", "--no-glossary", "--no-cache", "--no-qa", "--backend", "transformers"]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def copy_engine(copy_model_dir: Path) -> MarianEngine:
    return MarianEngine(str(copy_model_dir), device="cpu", beam_size=1)


def _docx_structure(data: bytes) -> list[tuple[object, ...]]:
    """Every paragraph with text: kind, text, origin (index, style, table cell) and its
    formatted spans (kind, offsets, link URL)."""
    out = []
    for para in _walk(_open(data, "x")):
        spans = [
            (s.kind, s.start, s.end, s.data["url"] if s.kind == "link" else None)
            for s in para.spans
        ]
        out.append((para.block.kind, nfkc(para.block.text), para.block.origin, spans))
    return out


def _docx_through(engine: MarianEngine, original: bytes, name: str) -> tuple[Any, bytes]:
    """``original`` translated by ``engine`` and written as DOCX: (result, the new file)."""
    document = read_document(original, name=name)
    result = Pipeline(engine).translate_document(document, name=name)
    out = write(result, document, "docx")
    assert isinstance(out, bytes)
    return result, out


@pytest.mark.slow
def test_docx_to_docx_with_the_copy_model_keeps_text_and_structure(
    copy_engine: MarianEngine,
) -> None:
    import docx

    original = documents.build_docx()
    _, out = _docx_through(copy_engine, original, "a.docx")
    assert _docx_structure(out) == _docx_structure(original)
    before, after = docx.Document(io.BytesIO(original)), docx.Document(io.BytesIO(out))
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    assert [p.alignment for p in after.paragraphs] == [p.alignment for p in before.paragraphs]
    assert len(after.tables) == 1 and len(after.tables[0].rows) == 3
    formatted = [(r.text, r.bold, r.italic) for r in after.paragraphs[2].runs]
    assert ("nach schweren Verlusten", True, None) in formatted
    assert ("Das ist ein ganzer Satz.", None, True) in formatted
    assert [link.address for link in after.paragraphs[2].hyperlinks] == [documents.LINK]


@pytest.mark.slow
def test_docx_notes_to_docx_with_the_copy_model_keep_text_marks_and_places(
    copy_engine: MarianEngine,
) -> None:
    original = documents.build_docx_with_notes()
    _, out = _docx_through(copy_engine, original, "n.docx")
    # Same blocks, texts and places of the reference marks (the atoms' offsets) ...
    assert _docx_structure(out) == _docx_structure(original)
    # ... and the notes' own XML: same ids, number mark first, same text.
    for kind in ("footnote", "endnote"):
        got = [(i, nfkc(text), tags) for i, text, tags in documents.docx_notes(out, kind)]
        assert got == documents.docx_notes(original, kind)


@pytest.mark.slow
def test_docx_text_box_to_docx_with_the_copy_model_keeps_its_text(
    copy_engine: MarianEngine,
) -> None:
    original = documents.build_docx_with_text_box()
    result, out = _docx_through(copy_engine, original, "b.docx")
    boxed = [p for p in result.paragraphs if (p.origin or {}).get("text_box") == 0]
    assert [nfkc(p.target) for p in boxed] == documents.BOX_TEXT  # translated by the model
    assert _docx_structure(out) == _docx_structure(original)
    got = [(where, [nfkc(t) for t in texts]) for where, texts in documents.docx_text_boxes(out)]
    assert got == documents.docx_text_boxes(original)


def _markdown_structure(data: bytes) -> tuple[str, list[tuple[object, ...]]]:
    parsed = _parse(data, "x")
    units = [
        (u.block.kind, nfkc(u.block.text), [(s.kind, s.start, s.end, s.data) for s in u.spans])
        for u in parsed.units
    ]
    return parsed.front, units


@pytest.mark.slow
def test_markdown_to_markdown_with_the_copy_model_keeps_text_and_structure(
    copy_engine: MarianEngine,
) -> None:
    original = documents.MARKDOWN.encode()
    document = read_document(original, name="a.md")
    result = Pipeline(copy_engine).translate_document(document, name="a.md")
    out = write(result, document, "markdown")
    assert isinstance(out, str)
    assert _markdown_structure(out.encode()) == _markdown_structure(original)
    # The copy model returns every sentence: every block is kept as written, soft breaks too.
    assert out == documents.MARKDOWN


@pytest.mark.slow
def test_translate_docx_file_to_docx_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, copy_model_dir: Path
) -> None:
    source = tmp_path / "bericht.docx"
    source.write_bytes(documents.build_docx())
    target = tmp_path / "report.docx"
    code, out, err = cli(
        monkeypatch, capsys, "translate", str(source), "--model", str(copy_model_dir),
        "-o", str(target), *PLAIN,
    )  # fmt: skip
    assert (code, out) == (0, "")
    assert _docx_structure(target.read_bytes()) == _docx_structure(source.read_bytes())
    assert not list(tmp_path.glob(".*.tmp"))


def test_docx_output_is_not_written_to_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    source = tmp_path / "bericht.docx"
    source.write_bytes(documents.build_docx())
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = cli(monkeypatch, capsys, "translate", str(source), *PLAIN)
    assert code == 6 and out == ""
    assert err.strip().splitlines() == [
        "translator: error: DOCX is binary: write it with -o FILE.docx or redirect stdout"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kaputt.docx", documents.renamed_zip(), "cannot read it as DOCX (not a Word document"),
        ("leer.html", documents.EMPTY_PAGE.encode(), "no article text found in the web page"),
        ("archiv.zip", documents.renamed_zip(), "a ZIP archive, not a document"),
    ],
)
def test_bad_files_give_one_line_and_exit_3(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    name: str,
    content: bytes,
    message: str,
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, out, err = cli(monkeypatch, capsys, "translate", str(source), *PLAIN)
    assert code == 3 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"translator: error: {source}: ")
    assert message in lines[0]


def test_docx_output_from_markdown_goes_to_a_redirected_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, copy_model_dir: Path
) -> None:
    source = tmp_path / "a.md"
    source.write_text(documents.MARKDOWN, encoding="utf-8")
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="utf-8"))
    code, _, err = cli(
        monkeypatch, capsys, "translate", str(source), "-f", "docx",
        "--model", str(copy_model_dir), *PLAIN,
    )  # fmt: skip
    assert code == 0, err
    document = read_document(buffer.getvalue(), name="out.docx")
    assert document.format == "docx"
    assert [b.kind for b in document.blocks][:3] == ["title", "date", "paragraph"]


def test_batch_translates_every_format_and_bad_files_fail_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    use_engine(monkeypatch, WordEngine())
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    files = {
        "a.txt": b"Die Truppen ziehen ab.\n",
        "b.md": documents.MARKDOWN.encode(),
        "c.docx": documents.build_docx(),
        "d.html": documents.NEWS_PAGE.encode(),
        "sub/e.htm": documents.NEWS_PAGE.encode(),
        "kaputt.docx": documents.renamed_zip(),
        "leer.html": documents.EMPTY_PAGE.encode(),
        "ignored.zip": documents.renamed_zip(),
    }
    for rel, content in files.items():
        (in_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (in_dir / rel).write_bytes(content)
    code, out, err = cli(
        monkeypatch, capsys, "batch", str(in_dir), str(out_dir), "--quiet",
        "--summary-json", "-", "--no-glossary", "--no-cache", "--no-qa",
    )  # fmt: skip
    assert code == 8
    import json

    summary = json.loads(out)
    status = {f["source"]: (f["status"], f["output"]) for f in summary["files"]}
    assert status == {
        "a.txt": ("translated", "a.txt"),
        "b.md": ("translated", "b.md"),
        "c.docx": ("translated", "c.docx"),
        "d.html": ("translated", "d.html"),
        "sub/e.htm": ("translated", "sub/e.html"),
        "kaputt.docx": ("failed", "kaputt.docx"),
        "leer.html": ("failed", "leer.html"),
    }
    reasons = {f["source"]: f["reason"] for f in summary["files"] if f["status"] == "failed"}
    assert "cannot read it as DOCX" in reasons["kaputt.docx"]
    assert reasons["leer.html"] == "no article text found in the web page"
    assert read_document((out_dir / "c.docx").read_bytes(), name="c.docx").format == "docx"
    assert (out_dir / "b.md").read_text(encoding="utf-8").startswith("---\ntitle: Truppen")
    assert '<html lang="en">' in (out_dir / "d.html").read_text(encoding="utf-8")
    assert not (out_dir / "kaputt.docx").exists() and not (out_dir / "leer.html").exists()
