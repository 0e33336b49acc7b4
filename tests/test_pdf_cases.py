"""PDF cases met in real files (issue 23), on generated pages: letter-spaced type, tables
and repeated sentences near the page's edge, running headers on one page, bytes before the
header, control characters from a broken font encoding. What is left out is counted."""

from __future__ import annotations

import textwrap

from tests.pdfs import MARGIN, SENTENCES, Sheet, broken_cmap_pdf, news_pdf, paragraph
from translator.formats import detect, read_document
from translator.formats.pdf import read_pdf

WIDTH = 483.0  # A4 less the margins


def _texts(data: bytes) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in read_pdf(data).blocks]


def test_letter_spaced_words_are_joined() -> None:
    sheet = Sheet()
    top = sheet.lines(["Doublequote Verlag"], MARGIN, 60, WIDTH, font="Helvetica-Bold",
                      size=10, char_space=3)  # fmt: skip
    top = sheet.lines(["Kultur und Leben"], MARGIN, top + 10, WIDTH, size=16, char_space=5)
    body = textwrap.wrap(paragraph(1, 5), 95)
    sheet.lines(body, MARGIN, top + 10, WIDTH)
    assert _texts(sheet.pdf()) == [
        ("label", "Doublequote Verlag"),
        ("title", "Kultur und Leben"),
        ("paragraph", paragraph(1, 5)),
    ]


def test_one_letter_words_and_figures_in_a_row_stay_apart() -> None:
    sheet = Sheet()
    line = "Die Punkte a b c d e liegen auf einer Geraden, sagt der Bericht."
    top = sheet.lines([line], MARGIN, 200, WIDTH)
    sheet.cells(["1", "2", "3", "4", "5"], MARGIN, top + 20, 14)  # a row of figures
    assert [text for _, text in _texts(sheet.pdf())] == [line, "1 2 3 4 5"]


def test_table_figures_near_the_top_are_not_page_numbers() -> None:
    sheet = Sheet()
    rows = [["Jahr", "Verluste", "Gefangene"], ["2023", "12", "4"], ["2024", "31", "7"]]
    for i, row in enumerate(rows):
        sheet.cells(row, MARGIN, 40 + 12 * i, 120)
    body = textwrap.wrap(paragraph(2, 6), 95)
    sheet.lines(body, MARGIN, 100, WIDTH)
    # A table at the foot whose total row stands apart, above the page number.
    foot = [["Region", "Tote", "Verletzte"], ["Kursk", "43", "11"], ["Gesamt", "43", "11"]]
    for i, row in enumerate(foot):
        sheet.cells(row, MARGIN, 740 + 12 * i + (14 if i == 2 else 0), 120)
    sheet.canvas.setFont("Helvetica", 8)
    sheet.canvas.drawRightString(MARGIN + WIDTH, 842 - 20, "Seite 1")  # the page number
    doc = read_pdf(sheet.pdf())
    text = " ".join(b.text for b in doc.blocks)
    for row in rows + foot:
        assert all(cell in text.split() for cell in row), row
    assert doc.metadata["removed"] == ["Seite 1"]
    assert doc.losses == {"page_furniture": 1}


def test_body_sentences_repeated_on_two_pages_are_not_running_headers() -> None:
    sheet = Sheet()
    repeated = SENTENCES[0]
    for page in range(2):
        sheet.canvas.setFont("Helvetica", 8)
        sheet.canvas.drawString(MARGIN, 842 - 40, "Der Tagesbote · Politik")
        top = sheet.lines([repeated], MARGIN, 70, WIDTH, justify_last=False)
        sheet.lines(textwrap.wrap(paragraph(page, 6), 95), MARGIN, top + 6, WIDTH)
        if page == 0:
            sheet.page()
    doc = read_pdf(sheet.pdf())
    texts = [b.text for b in doc.blocks]
    assert texts.count(repeated) == 2
    assert doc.metadata["removed"] == ["Der Tagesbote · Politik"]
    assert doc.losses == {"page_furniture": 2}


def test_running_header_on_a_one_page_article_is_left_out_and_counted() -> None:
    blocks = [("title", "Waffenruhe gebrochen"), ("paragraph", paragraph(1, 3))]
    doc = read_pdf(news_pdf(blocks, columns=2, header="Der Tagesbote · Politik"))
    assert [(b.kind, b.text) for b in doc.blocks] == blocks
    assert doc.metadata["removed"] == ["Der Tagesbote · Politik"]
    assert doc.losses == {"page_furniture": 1}


def test_a_label_above_the_title_is_not_a_running_header() -> None:
    blocks = [("label", "Ukraine"), ("title", "Waffenruhe gebrochen"), ("paragraph", paragraph(1))]
    doc = read_pdf(news_pdf(blocks, columns=2))
    assert [(b.kind, b.text) for b in doc.blocks] == blocks
    assert doc.losses == {}


def test_control_characters_from_a_broken_font_encoding_are_removed_and_counted() -> None:
    doc = read_pdf(broken_cmap_pdf("Die Truppen ziehen sich zurXck, Qsagt Kiew.", {"X": 7, "Q": 1}))
    assert [b.text for b in doc.blocks] == ["Die Truppen ziehen sich zurck, sagt Kiew."]
    assert doc.losses == {"control_characters": 2}


BANNER = b"GPL Ghostscript 10.02.1 (2023-11-01)\nCopyright (C) 2023 Artifex Software, Inc.\n"


def test_bytes_before_the_pdf_header_are_tolerated() -> None:
    blocks = [("title", "Waffenruhe gebrochen"), ("paragraph", paragraph(1, 3))]
    data = BANNER + news_pdf(blocks)
    assert detect(data, "x.pdf") == "pdf"
    assert [(b.kind, b.text) for b in read_document(data, name="x.pdf").blocks] == blocks


def test_a_text_that_mentions_the_pdf_header_stays_text() -> None:
    data = b"Notiz\n%PDF-1.7 steht am Anfang jeder PDF-Datei, sagt der Bericht.\n"
    assert detect(data, "notiz.txt") == "text"


def test_a_date_line_above_the_title_is_not_a_running_header() -> None:
    sheet = Sheet()
    sheet.lines(["31. Januar 2025"], MARGIN, 40, WIDTH, font="Helvetica", size=8)
    top = sheet.lines(["Waffenruhe gebrochen"], MARGIN, 70, WIDTH, font="Helvetica-Bold", size=20)
    sheet.lines(textwrap.wrap(paragraph(1, 5), 95), MARGIN, top + 10, WIDTH)
    doc = read_pdf(sheet.pdf())
    assert [b.kind for b in doc.blocks] == ["date", "title", "paragraph"]
    assert doc.losses == {}
