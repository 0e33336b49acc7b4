"""DOCX as real files hold it: merged cells read and written once, tabs and line breaks kept,
no space added before a mark, notes read however their runs are split, comments reported.

The WordEngine (a word-by-word double) shows that text was translated and where it went;
the copy model (tests/data/copy-marian) that a round trip keeps every block's text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests import docx_cases as cases
from tests.doubles import WordEngine
from translator import Pipeline
from translator.engine.marian import MarianEngine
from translator.formats import Document, read_document, write


def _through(engine: object, data: bytes) -> tuple[Document, bytes]:
    document = read_document(data, name="a.docx")
    result = Pipeline(engine).translate_document(document, name="a.docx")  # type: ignore[arg-type]
    out = write(result, document, "docx")
    assert isinstance(out, bytes)
    return document, out


def _texts(data: bytes) -> list[tuple[str, str, object]]:
    return [
        (b.kind, unicodedata.normalize("NFKC", b.text), b.origin)
        for b in read_document(data, name="a.docx").blocks
    ]


def test_merged_cells_are_read_once() -> None:
    document = read_document(cases.build_merged_table(), name="t.docx")
    cells = [b.text for b in document.blocks if b.kind == "table-cell"]
    assert cells == cases.MERGED_TEXTS
    places = [(b.origin or {}).get("row") for b in document.blocks if b.kind == "table-cell"]
    assert places == [0, 0, 1, 1, 1, 2, 2]  # the merged-down cell in its first row only


def test_merged_cells_are_written_once() -> None:
    _, out = _through(WordEngine(), cases.build_merged_table())
    texts = [items for items in cases.body_runs(out) if items]
    assert texts == [
        [("t", "Die Lage in the region.")],
        [("t", "Die city liegt im Osten.")],
        [("t", "Sie is alt.")],
        [("t", "Die troops are da.")],
        [("t", "Die region is ruhig.")],
        [("t", "Die soldiers report.")],
        [("t", "Die losses are hoch.")],
        [("t", "Die city is leer.")],
    ]


def test_tabs_breaks_and_marks_stay_in_their_runs() -> None:
    _, out = _through(WordEngine(), cases.build_runs_with_content())
    paragraphs = [items for items in cases.body_runs(out) if items]
    assert paragraphs[0] == [("t", "Ort:"), ("tab", ""), ("t", "Berlin")]
    assert paragraphs[1] == [("t", "Die troops are da."), ("br", ""), ("t", "Die region is ruhig.")]
    # No space is added before the comment mark, nor before the endnote mark (which moves to
    # the end of its sentence: the reference shared its run with the word before the stop).
    assert paragraphs[2] == [("t", "Die city is alt."), ("commentReference", "")]
    assert paragraphs[3] == [("t", "Die soldiers report."), ("endnoteReference", "")]


def test_a_note_whose_mark_shares_its_run_is_translated() -> None:
    data = cases.build_runs_with_content()
    document = read_document(data, name="n.docx")
    notes = [b.text for b in document.blocks if b.kind == "footnote"]
    assert notes == [cases.NOTE_TEXT]
    _, out = _through(WordEngine(), data)
    assert cases.part_text(out, "word/endnotes.xml") == " Die Zahl is not bestätigt."


def test_comments_are_left_alone_and_reported() -> None:
    data = cases.build_runs_with_content()
    document = read_document(data, name="c.docx")
    assert document.losses == {"docx_comments": 1}
    assert all(cases.COMMENT not in b.text for b in document.blocks)
    _, out = _through(WordEngine(), data)
    assert cases.part_text(out, "word/comments.xml") == cases.COMMENT


def test_text_in_a_tracked_change_is_counted_as_untranslated() -> None:
    import io

    import docx
    from docx.oxml.parser import parse_xml

    d = docx.Document()
    p = d.add_paragraph("Die Stadt ist alt. ")
    p._p.append(
        parse_xml(
            f'<w:ins xmlns:w="{cases.W}" w:id="1" w:author="R" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:t>Die Region ist ruhig.</w:t></w:r></w:ins>"
        )
    )
    out = io.BytesIO()
    d.save(out)
    document = read_document(out.getvalue(), name="i.docx")
    assert document.losses == {"docx_untranslated_runs": 1}


def test_a_content_control_paragraph_is_read() -> None:
    import io

    import docx
    from docx.oxml.parser import parse_xml

    d = docx.Document()
    d.add_paragraph("Die Stadt ist alt.")
    d.element.body.insert(
        0,
        parse_xml(
            f'<w:sdt xmlns:w="{cases.W}"><w:sdtPr/><w:sdtContent><w:p><w:r>'
            "<w:t>Die Region ist ruhig.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    out = io.BytesIO()
    d.save(out)
    document, written = _through(WordEngine(), out.getvalue())
    assert [b.text for b in document.blocks] == ["Die Region ist ruhig.", "Die Stadt ist alt."]
    assert [i for i in cases.body_runs(written) if i] == [
        [("t", "Die region is ruhig.")],
        [("t", "Die city is alt.")],
    ]


@pytest.fixture(scope="module")
def copy_engine(copy_model_dir: Path) -> MarianEngine:
    return MarianEngine(str(copy_model_dir), device="cpu", beam_size=1)


@pytest.mark.slow
@pytest.mark.parametrize("build", [cases.build_merged_table, cases.build_runs_with_content])
def test_round_trip_through_the_copy_model_is_exact(copy_engine: MarianEngine, build) -> None:  # type: ignore[no-untyped-def]
    original = build()
    _, out = _through(copy_engine, original)
    assert _texts(out) == _texts(original)
    expected = [
        [(tag, unicodedata.normalize("NFKC", text)) for tag, text in items]
        for items in cases.body_runs(original)
    ]
    if build is cases.build_runs_with_content:  # the endnote mark moves to its sentence's end
        i = expected.index([("t", cases.NOTE_BODY), ("endnoteReference", ""), ("t", ".")])
        expected[i] = [("t", cases.NOTE_BODY + "."), ("endnoteReference", "")]
    assert cases.body_runs(out) == expected


def test_a_merged_cell_keeps_its_columns_in_markdown() -> None:
    document = read_document(cases.build_merged_table(), name="t.docx")
    result = Pipeline(WordEngine()).translate_document(document)
    table = [line for line in str(write(result, document, "markdown")).splitlines() if "|" in line]
    assert table[0] == "| Die city liegt im Osten. |  | Sie is alt. |"
    assert table[3] == "| Die losses are hoch. | Die city is leer. |  |"
