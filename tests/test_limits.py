"""Limits on what a document holds, not only on its file size: a small DOCX whose XML unpacks
to tens of MB, a document of too many paragraphs or sentences is refused as too large in one
line naming the limit and the flag that raises it; in `batch` such a file fails alone."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine
from translator import Options
from translator.errors import InputError, UsageError
from translator.formats import read_document

PARAGRAPH = b"<w:p><w:r><w:t>Die Stadt ist alt.</w:t></w:r></w:p>"


def docx_with_body(body: bytes) -> bytes:
    """A DOCX (python-docx's template) whose body is ``body`` (WordprocessingML)."""
    import docx

    d = docx.Document()
    d.add_paragraph("x")
    plain = io.BytesIO()
    d.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, _, tail = data.partition(b"<w:body>")
                data = head + b"<w:body>" + body + tail
            z.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 220 KB whose XML unpacks to 65 MB: 1.5 million paragraphs."""
    return docx_with_body(b"<w:p><w:r><w:t>Die Stadt.</w:t></w:r></w:p>" * 1_500_000)


def test_a_docx_unpacking_to_too_much_xml_is_refused_as_too_large(bomb: bytes) -> None:
    assert len(bomb) < 300_000
    with pytest.raises(InputError) as caught:
        read_document(bomb, name="bomb.docx")
    message = str(caught.value)
    assert message.startswith("bomb.docx: too large: its XML unpacks to ")
    assert "--max-unpacked" in message and "\n" not in message


def test_too_many_paragraphs_then_too_many_sentences(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    use_engine(monkeypatch, WordEngine())
    path = tmp_path / "long.docx"
    path.write_bytes(docx_with_body(PARAGRAPH * 60))
    args = ["translate", str(path), "--no-glossary", "--no-cache", "--format", "json"]
    code, out, err = run_cli(monkeypatch, capsys, *args, "--max-paragraphs", "50")
    assert (code, out) == (3, "")
    assert err.count("\n") == 1 and "too large: 61 paragraphs in its body" in err, err
    assert "--max-paragraphs" in err
    code, out, err = run_cli(
        monkeypatch, capsys, *args, "--max-paragraphs", "100", "--max-sentences", "40"
    )
    assert (code, out) == (3, "")
    assert err.count("\n") == 1 and "too large: more than 40 sentences" in err, err
    assert "--max-sentences" in err
    code, out, err = run_cli(monkeypatch, capsys, *args, "--max-paragraphs", "100")
    assert code == 0, err
    assert len(json.loads(out)["paragraphs"]) == 61


def test_a_text_over_the_xml_parsers_limit_is_too_large_not_damaged() -> None:
    data = docx_with_body(b"<w:p><w:r><w:t>" + b"Stadt " * 2_000_000 + b"</w:t></w:r></w:p>")
    with pytest.raises(InputError, match=r"^big\.docx: too large: .*XML parser's fixed limit"):
        read_document(data, name="big.docx")


def test_limits_are_checked_like_every_option() -> None:
    assert Options().limits.paragraphs == Options.max_paragraphs
    with pytest.raises(UsageError, match="max_sentences"):
        Options(max_sentences=0)


def test_batch_refuses_the_bomb_alone(
    bomb: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    use_engine(monkeypatch, WordEngine())
    src = tmp_path / "in"
    src.mkdir()
    (src / "bomb.docx").write_bytes(bomb)
    (src / "good.docx").write_bytes(docx_with_body(PARAGRAPH))
    summary = tmp_path / "summary.json"
    code, _, err = run_cli(
        monkeypatch, capsys, "batch", str(src), str(tmp_path / "out"), "--no-glossary",
        "--summary-json", str(summary),
    )  # fmt: skip
    assert code == 8, err
    files = {f["source"]: f for f in json.loads(summary.read_text())["files"]}
    assert files["good.docx"]["status"] == "translated"
    assert files["bomb.docx"]["status"] == "failed"
    assert files["bomb.docx"]["reason"].startswith("too large: its XML unpacks to ")
    assert "--max-unpacked" in files["bomb.docx"]["reason"]


def test_batch_refuses_a_document_of_too_many_sentences_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    use_engine(monkeypatch, WordEngine())
    src = tmp_path / "in"
    src.mkdir()
    (src / "long.docx").write_bytes(docx_with_body(PARAGRAPH * 30))
    (src / "short.docx").write_bytes(docx_with_body(PARAGRAPH))
    summary = tmp_path / "summary.json"
    code, _, err = run_cli(
        monkeypatch, capsys, "batch", str(src), str(tmp_path / "out"), "--no-glossary",
        "--max-sentences", "10", "--summary-json", str(summary),
    )  # fmt: skip
    assert code == 8, err
    files = {f["source"]: f for f in json.loads(summary.read_text())["files"]}
    assert files["short.docx"]["status"] == "translated"
    reason = files["long.docx"]["reason"]
    assert reason.startswith("too large: more than 10 sentences (the limit is 10 sentences;")
    assert "--max-sentences" in reason
