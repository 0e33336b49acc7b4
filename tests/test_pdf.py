"""Reading PDFs: the article rebuilt from the geometry of generated news pages, exactly;
bad PDFs give one-line typed errors; no word of the text layer is lost."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import pdfs
from tests.pdfs import SENTENCES, Sheet, article, news_pdf, paragraph, text_blocks
from translator.errors import CorruptPdfError, EncryptedPdfError, InputError, ScannedPdfError
from translator.formats.base import Document
from translator.formats.pdf import read_pdf


def kinds_texts(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks]


def text_layer_words(data: bytes) -> list[str]:
    """Every word of the PDF's text layer, as PDFium reads it (independent of the reader)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    words = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        words += text.replace("\x02", "-").replace("\ufffe", "-").split()
    pdf.close()
    return words


def assert_nothing_lost(data: bytes, doc: Document) -> None:
    """Each word of the text layer is in a block (a line-end half inside its whole word) or
    in the running headers and footers the reader reports as removed."""
    everything = " ".join([b.text for b in doc.blocks] + doc.metadata["removed"])
    for word in text_layer_words(data):
        for part in word.split("-"):  # PDFium joins a word hyphenated at a line end
            assert part in everything, f"lost: {word!r}"


# -- layouts ---------------------------------------------------------------------------------


def test_one_column() -> None:
    blocks = article(5)
    data = news_pdf(blocks)
    doc = read_pdf(data)
    assert kinds_texts(doc) == text_blocks(blocks)
    assert doc.format == "pdf" and doc.metadata["pages"] == 1
    assert_nothing_lost(data, doc)


def test_one_column_with_first_line_indents_and_no_spacing() -> None:
    blocks = article(6)
    data = news_pdf(blocks, indented=True)
    assert kinds_texts(read_pdf(data)) == text_blocks(blocks)


@pytest.mark.parametrize("columns", [2, 3])
def test_columns_read_left_to_right_across_column_breaks(columns: int) -> None:
    blocks = article(14)
    data = news_pdf(blocks, columns=columns)
    doc = read_pdf(data)
    assert kinds_texts(doc) == text_blocks(blocks)
    xs = {round(b.origin["bbox"][0]) for b in doc.blocks if b.kind == "paragraph"}  # type: ignore[index]
    assert len(xs) == columns  # the paragraphs really sit in that many columns
    # Some paragraph runs on from the foot of one column to the head of the next.
    assert any(
        b.origin["bbox"][3] - b.origin["bbox"][1] > 400  # type: ignore[index]
        for b in doc.blocks
    )
    assert_nothing_lost(data, doc)


def test_running_header_footer_and_page_numbers_are_removed() -> None:
    blocks = article(24)
    header, footer = "Der Tagesbote · Politik · 31. Januar 2025", "www.tagesbote.example"
    data = news_pdf(blocks, columns=2, header=header, footer=footer, page_numbers=True)
    doc = read_pdf(data)
    assert doc.metadata["pages"] >= 3
    assert kinds_texts(doc) == text_blocks(blocks)
    removed = doc.metadata["removed"]
    assert header in removed and footer in removed
    assert [str(n) for n in range(1, doc.metadata["pages"] + 1)] == [
        r for r in removed if r.isdigit()
    ]
    assert_nothing_lost(data, doc)


def test_picture_across_both_columns_cuts_the_page_into_sections() -> None:
    """Columns above a wide photo are read before the columns below it; the paragraph runs
    from the top of the left column to the foot of the right one."""
    sheet = Sheet()
    left, right, width = 56.0, 306.0, 232.0
    above = [
        ["Die Streitkräfte meldeten am Morgen neue", "Angriffe auf Stellungen im Osten des"],
        ["Landes, wo seit Wochen heftig gekämpft", "wird und die Lage nach Angaben des"],
    ]
    below = [
        ["Generalstabs weiter angespannt bleibt, wie", "ein Sprecher in Kiew am Abend sagte, der"],
        ["zugleich vor neuen Angriffen im Norden", "warnte."],
    ]
    for x, lines in zip((left, right), above, strict=True):
        sheet.lines(lines, x, 80, width, justify_last=True)
    bottom = sheet.image(left, 112, 482, 150)
    sheet.lines(["Zerstörte Brücke bei Kursk. Foto: Archiv"], left, bottom + 4, 482,
                font="Helvetica-Oblique", size=8)  # fmt: skip
    for x, lines in zip((left, right), below, strict=True):
        sheet.lines(lines, x, bottom + 20, width, justify_last=x == left)
    assert kinds_texts(read_pdf(sheet.pdf())) == [
        (
            "paragraph",
            "Die Streitkräfte meldeten am Morgen neue Angriffe auf Stellungen im Osten des "
            "Landes, wo seit Wochen heftig gekämpft wird und die Lage nach Angaben des "
            "Generalstabs weiter angespannt bleibt, wie ein Sprecher in Kiew am Abend sagte, "
            "der zugleich vor neuen Angriffen im Norden warnte.",
        ),
        ("caption", "Zerstörte Brücke bei Kursk. Foto: Archiv"),
    ]


def test_page_break_inside_a_paragraph() -> None:
    blocks = [("title", "Ein langer Bericht"), *[("paragraph", paragraph(n, 12)) for n in range(6)]]
    data = news_pdf(blocks, footer="Der Tagesbote", page_numbers=True)
    doc = read_pdf(data)
    assert kinds_texts(doc) == text_blocks(blocks)
    spanning = [b for b in doc.blocks if "pages" in (b.origin or {})]
    assert spanning and all(b.kind == "paragraph" for b in spanning)
    first = spanning[0].origin
    assert first is not None and first["pages"] == [first["page"], first["page"] + 1]


@pytest.mark.parametrize("unit_fonts", [False, True], ids=["Tf 10", "Tf 1 and Tm 10"])
def test_line_end_hyphens_told_apart_from_real_ones(unit_fonts: bool) -> None:
    sheet = Sheet(unit_fonts=unit_fonts)
    sheet.lines(
        [
            "Das russische Verteidigungs-",
            "ministerium bestätigte am Abend den Abzug der DPRK-",
            "Truppen aus dem Gebiet, während der NATO-",
            "geführte Verband seine Übungen in Ost-",
            "und Westeuropa fortsetzte. Auch drei 3-",
            "jährige Programme zur Aus-",
            "bildung wurden verlängert, hieß es in der Mit-",
            "teilung aus Moskau.",
        ],
        x=72,
        top=90,
        width=300,
    )
    doc = read_pdf(sheet.pdf())
    assert kinds_texts(doc) == [
        (
            "paragraph",
            "Das russische Verteidigungsministerium bestätigte am Abend den Abzug der "
            "DPRK-Truppen aus dem Gebiet, während der NATO-geführte Verband seine Übungen in "
            "Ost- und Westeuropa fortsetzte. Auch drei 3-jährige Programme zur Ausbildung "
            "wurden verlängert, hieß es in der Mitteilung aus Moskau.",
        )
    ]


def test_drop_cap_joins_its_word() -> None:
    sheet = Sheet()
    x, width, cap = 72.0, 320.0, 24.0
    top = sheet.lines(
        [
            "ach Berichten über schwere Verluste haben nordkoreanische",
            "Truppen sich von den Frontlinien in Russlands Kursk-Region",
        ],
        x + cap, 90, width - cap, justify_last=True,
    )  # fmt: skip
    sheet.lines(
        [
            "zurückgezogen. Erfahren Sie mehr über die aktuellen Entwicklungen und",
            "das Schicksal der Soldaten.",
        ],
        x, top, width,
    )  # fmt: skip
    sheet.canvas.setFont("Times-Roman", 30)
    sheet.canvas.drawString(x, sheet.height - 90 - 13 - 10, "N")  # on the second baseline
    sheet.lines(["Ein zweiter Absatz folgt."], x, top + 32, width)
    assert kinds_texts(read_pdf(sheet.pdf())) == [
        (
            "paragraph",
            "Nach Berichten über schwere Verluste haben nordkoreanische Truppen sich von den "
            "Frontlinien in Russlands Kursk-Region zurückgezogen. Erfahren Sie mehr über die "
            "aktuellen Entwicklungen und das Schicksal der Soldaten.",
        ),
        ("paragraph", "Ein zweiter Absatz folgt."),
    ]


def test_list_items_with_hanging_indents() -> None:
    sheet = Sheet()
    x, width, hang = 72.0, 300.0, 9.0
    top = sheet.lines(["Die Verbündeten beschlossen am Abend drei Schritte:"], x, 90, width)
    top = sheet.lines(
        ["• mehr Munition für die Artillerie an der Front im Osten des"], x, top + 3, width,
        justify_last=True,
    )  # fmt: skip
    top = sheet.lines(["Landes, geliefert bis zum Sommer;"], x + hang, top, width - hang)
    top = sheet.lines(["• neue Luftabwehrsysteme für die Hauptstadt;"], x, top, width)
    top = sheet.lines(["• Ausbildung von Soldaten in Polen und Deutschland."], x, top, width)
    sheet.lines(["Die Regierung in Moskau reagierte mit Drohungen."], x, top + 3, width)
    assert kinds_texts(read_pdf(sheet.pdf())) == [
        ("paragraph", "Die Verbündeten beschlossen am Abend drei Schritte:"),
        (
            "paragraph",
            "• mehr Munition für die Artillerie an der Front im Osten des Landes, geliefert bis "
            "zum Sommer;",
        ),
        ("paragraph", "• neue Luftabwehrsysteme für die Hauptstadt;"),
        ("paragraph", "• Ausbildung von Soldaten in Polen und Deutschland."),
        ("paragraph", "Die Regierung in Moskau reagierte mit Drohungen."),
    ]


def test_soft_hyphens_set_by_the_typesetter_disappear() -> None:
    word = "Verteidigungs\xadministerium"
    text = " ".join([f"Das {word} meldete Erfolge."] * 30)
    blocks = [("paragraph", text)]
    data = news_pdf(blocks, columns=3)
    # Some line breaks fell on the soft hyphen (PDFium shows them, rejoined, with a hyphen).
    assert any("Verteidigungs-ministerium" in w for w in text_layer_words(data))
    assert kinds_texts(read_pdf(data)) == text_blocks(blocks)


@pytest.mark.parametrize("unit_fonts", [False, True], ids=["Tf 10", "Tf 1 and Tm 10"])
def test_headings_in_bold_and_in_larger_type(unit_fonts: bool) -> None:
    sheet = Sheet(unit_fonts=unit_fonts)
    x, width = 72.0, 420.0
    top = sheet.lines(
        ["Waffenruhe im Osten hält"], x, 70, width, font="Helvetica-Bold", size=24, leading=30
    )
    top = sheet.lines([SENTENCES[1]], x, top + 6, width, justify_last=False)
    top = sheet.lines(
        ["Verhandlungen in Genf"], x, top + 10, width, font="Helvetica", size=15, leading=19
    )
    top = sheet.lines(
        ["Die Gespräche sollen am Montag fortgesetzt werden, hieß es."], x, top, width
    )
    top = sheet.lines(["Wie reagiert Kiew?"], x, top + 8, width, font="Times-Bold", size=10)
    sheet.lines(["Kiew begrüßte die Waffenruhe, blieb aber vorsichtig."], x, top, width)
    doc = read_pdf(sheet.pdf())
    assert kinds_texts(doc) == [
        ("title", "Waffenruhe im Osten hält"),
        ("paragraph", SENTENCES[1]),
        ("heading", "Verhandlungen in Genf"),
        ("paragraph", "Die Gespräche sollen am Montag fortgesetzt werden, hieß es."),
        ("heading", "Wie reagiert Kiew?"),
        ("paragraph", "Kiew begrüßte die Waffenruhe, blieb aber vorsichtig."),
    ]


def test_caption_and_footnote_are_blocks_of_their_own() -> None:
    """A paragraph runs on past a photo (with its caption) into the next column, over a
    footnote at the foot of the first: neither is glued into it."""
    sheet = Sheet()
    col, width = (56.0, 306.0), 232.0
    top = sheet.lines(
        [
            "Die Streitkräfte meldeten am Morgen neue",
            "Angriffe auf Stellungen im Osten des Landes,",
            "wo seit Wochen heftig gekämpft wird und die",
        ],
        col[0],
        80,
        width,
    )
    top = sheet.image(col[0], top + 6, width, 140)
    # The photo credit, set turned up the photo's right side.
    sheet.canvas.saveState()
    sheet.canvas.translate(col[0] + width + 7, sheet.height - top)
    sheet.canvas.rotate(90)
    sheet.canvas.setFont("Helvetica", 6)
    sheet.canvas.drawString(0, 0, "Foto: Max Muster/dpa")
    sheet.canvas.restoreState()
    sheet.lines(
        ["Soldaten an der Front bei Kursk. Foto: Archiv"],
        col[0],
        top + 4,
        width,
        font="Helvetica-Oblique",
        size=8,
        leading=10,
    )
    sheet.lines(
        ["1 Angaben des Generalstabs, nicht unabhängig geprüft."],
        col[0],
        760,
        480,
        size=7.5,
        leading=9,
    )
    sheet.lines(
        [
            "Lage nach Angaben des Generalstabs weiter",
            "angespannt bleibt. Beobachter sprachen von",
            "einer deutlichen Verschärfung.",
        ],
        col[1],
        80,
        width,
    )
    # The footnote mark, set superior after the last word.
    from reportlab.pdfbase.pdfmetrics import stringWidth

    end = col[1] + stringWidth("einer deutlichen Verschärfung.", "Times-Roman", 10)
    sheet.canvas.setFont("Times-Roman", 6)
    sheet.canvas.drawString(end + 0.5, sheet.height - 80 - 26 - 10 + 4, "1")
    doc = read_pdf(sheet.pdf())
    assert kinds_texts(doc) == [
        (
            "paragraph",
            "Die Streitkräfte meldeten am Morgen neue Angriffe auf Stellungen im Osten des "
            "Landes, wo seit Wochen heftig gekämpft wird und die Lage nach Angaben des "
            "Generalstabs weiter angespannt bleibt. Beobachter sprachen von einer deutlichen "
            "Verschärfung.¹",
        ),
        ("caption", "Soldaten an der Front bei Kursk. Foto: Archiv"),
        ("footnote", "1 Angaben des Generalstabs, nicht unabhängig geprüft."),
        ("caption", "Foto: Max Muster/dpa"),
    ]


def test_seed_article_as_a_news_page() -> None:
    data = pdfs.seed_news_pdf()
    doc = read_pdf(data, name="seed.pdf")
    seed = text_blocks(pdfs.seed_blocks())
    label, title, date = seed[2], seed[1], seed[0]
    body = seed[3:]
    expected = [label, title, date, *body[:2], ("caption", pdfs.SEED_CAPTION), *body[2:]]
    got = kinds_texts(doc)
    footnote = ("footnote", pdfs.SEED_FOOTNOTE)
    assert footnote in got
    got.remove(footnote)
    assert got == expected
    assert set(doc.metadata["removed"]) == {pdfs.SEED_HEADER, pdfs.SEED_FOOTER, "1", "2"}
    assert_nothing_lost(data, doc)


def test_seed_typewritten_in_one_font_rebuilds_like_the_text(seed_text: str) -> None:
    """No typography to go by (one font, one size): spacing and line lengths alone give the
    blocks ``translator.text.layout`` finds in the extracted text."""
    data = pdfs.typewritten_pdf(seed_text)
    doc = read_pdf(data)
    assert doc.metadata["pages"] == 2
    assert kinds_texts(doc) == pdfs.seed_blocks()
    assert_nothing_lost(data, doc)


def test_origins_point_into_the_page() -> None:
    doc = read_pdf(pdfs.seed_news_pdf())
    for block in doc.blocks:
        origin = block.origin
        assert origin is not None and origin["page"] in (1, 2)
        x0, top, x1, bottom = origin["bbox"]
        assert 0 <= x0 < x1 <= pdfs.PAGE_W and 0 <= top < bottom <= pdfs.PAGE_H
    runs_on = [b for b in doc.blocks if b.origin and "pages" in b.origin]
    assert [b.origin["pages"] for b in runs_on if b.origin] == [[1, 2]]
    assert runs_on[0].text.startswith("Trotz der beträchtlichen Verluste")


@pytest.mark.parametrize("rotate", [90, 270])
def test_article_set_sideways_is_read_in_its_own_direction(rotate: int) -> None:
    blocks = [
        ("title", "Querformat: Die Lage an der Front"),
        ("paragraph", paragraph(1, 3)),
        ("paragraph", paragraph(2, 2)),
    ]
    data = pdfs.sideways_pdf(blocks, rotate)
    doc = read_pdf(data)
    assert kinds_texts(doc) == blocks
    # Origins in the page turned to read it: landscape, the title at the top left.
    assert doc.blocks[0].origin and doc.blocks[0].origin["bbox"][:2] < [60, 80]
    assert_nothing_lost(data, doc)


def test_metadata_from_the_pdf_itself() -> None:
    sheet = Sheet()
    sheet.canvas.setTitle("Waffenruhe gebrochen")
    sheet.canvas.setAuthor("Max Muster")
    sheet.canvas.setCreator("test")
    sheet.lines(["Die Waffenruhe hielt nur wenige Stunden."], 72, 90, 300)
    doc = read_pdf(sheet.pdf())
    assert doc.metadata["title"] == "Waffenruhe gebrochen"
    assert doc.metadata["author"] == "Max Muster"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.metadata["date"])
    assert doc.metadata["pages"] == 1 and doc.metadata["removed"] == []


def test_a_page_without_text_among_text_pages_is_reported() -> None:
    sheet = Sheet()
    sheet.lines(["Die Waffenruhe hielt nur wenige Stunden."], 72, 90, 300)
    sheet.page()
    sheet.image(72, 90, 400, 600)  # a scanned page
    sheet.page()
    sheet.lines(["Am Abend wurde wieder geschossen."], 72, 90, 300)
    doc = read_pdf(sheet.pdf())
    assert kinds_texts(doc) == [
        ("paragraph", "Die Waffenruhe hielt nur wenige Stunden."),
        ("paragraph", "Am Abend wurde wieder geschossen."),
    ]
    assert doc.metadata["pages_without_text"] == [2]


# -- bad PDFs --------------------------------------------------------------------------------


def one_line(error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message and message
    return message


def test_scanned_pdf_names_ocr_as_the_fix() -> None:
    with pytest.raises(ScannedPdfError) as caught:
        read_pdf(pdfs.scanned_pdf(), name="scan.pdf")
    message = one_line(caught.value)
    assert message.startswith("scan.pdf: ") and "ocrmypdf" in message
    assert isinstance(caught.value, InputError)


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPdfError) as caught:
        read_pdf(pdfs.encrypted_pdf(), name="secret.pdf")
    assert "encrypted" in one_line(caught.value)


def test_encrypted_pdf_that_opens_without_a_password_is_read() -> None:
    doc = read_pdf(pdfs.encrypted_pdf(password=""))
    assert kinds_texts(doc) == [("paragraph", "Geheime Mitteilung der Streitkräfte.")]


@pytest.mark.parametrize(
    "data", [pdfs.truncated_pdf(), b"%PDF-1.7\n", b"", b"not a pdf at all"], ids=repr
)
def test_truncated_or_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(CorruptPdfError) as caught:
        read_pdf(data, name="broken.pdf")
    assert re.match(r"broken\.pdf: .*(damaged|truncated)", one_line(caught.value))


def test_reading_a_pdf_imports_the_pdf_library_only_when_called() -> None:
    code = "import sys, translator.formats.pdf; print('pypdfium2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- any article, any of these layouts -------------------------------------------------------


@st.composite
def typeset_articles(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, object]]:
    """An article (paragraphs of 1-8 sentences, headings now and then) and a layout."""
    blocks = [("title", draw(st.sampled_from(["Waffenruhe gebrochen", TITLE_LONG])))]
    if draw(st.booleans()):
        blocks.append(("date", "31. Januar 2025"))
    for n in range(draw(st.integers(1, 16))):
        if n and draw(st.integers(0, 4)) == 0:
            blocks.append(("heading", f"Lage im Abschnitt {n}"))
        blocks.append(("paragraph", paragraph(n, draw(st.integers(1, 8)))))
    indented = draw(st.booleans())
    layout = {
        "columns": draw(st.integers(1, 3)),
        "indented": indented,
        # Ragged right with space between paragraphs is ambiguous where a column ends with a
        # full line ending a sentence (a new paragraph or not?): ragged only with indents.
        "ragged": indented and draw(st.booleans()),
        "header": draw(st.sampled_from([None, "Der Tagesbote · Politik"])),
        "page_numbers": draw(st.booleans()),
    }
    return blocks, layout


TITLE_LONG = "Nordkoreanische Truppen ziehen sich nach Verlusten aus der Region Kursk zurück"


@settings(max_examples=25, deadline=None)
@given(typeset_articles())
def test_any_typeset_article_comes_back_exactly(
    case: tuple[list[tuple[str, str]], dict[str, object]],
) -> None:
    blocks, layout = case
    data = news_pdf(blocks, **layout)  # type: ignore[arg-type]
    doc = read_pdf(data)
    assert kinds_texts(doc) == text_blocks(blocks)
    if layout["header"]:  # on one page too: small type, in the top margin, standing apart
        assert layout["header"] in doc.metadata["removed"]
    assert_nothing_lost(data, doc)


LEAD = (
    "Die Lage an der Front bleibt angespannt: Nach schweren Verlusten ziehen sich die "
    "Einheiten zurück, berichten Beobachter aus der Region."
)


@st.composite
def column_articles(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, object]]:
    """Two or three columns whose type differs line by line: the title (and a bold lead)
    open the first column or span the page; body fonts, sizes and gutters vary."""
    blocks = []
    if draw(st.booleans()):
        blocks.append(("label", "Ukraine"))
    blocks.append(("title", draw(st.sampled_from(["Waffenruhe gebrochen", TITLE_LONG]))))
    if draw(st.booleans()):
        blocks.append(("date", "31. Januar 2025"))
    if draw(st.booleans()):
        blocks.append(("lead", LEAD))
    for n in range(draw(st.integers(1, 14))):
        if n and draw(st.integers(0, 4)) == 0:
            blocks.append(("heading", f"Lage im Abschnitt {n}"))
        blocks.append(("paragraph", paragraph(n, draw(st.integers(1, 8)))))
    indented = draw(st.booleans())
    layout = {
        "columns": draw(st.integers(2, 3)),
        "head_in_column": draw(st.booleans()),
        "indented": indented,
        "ragged": indented and draw(st.booleans()),
        "header": draw(st.sampled_from([None, "Der Tagesbote · Politik"])),
        "page_numbers": draw(st.booleans()),
        "body_font": draw(st.sampled_from(["Times", "Helvetica"])),
        "body_size": draw(st.sampled_from([9, 10, 11])),
        "gutter": draw(st.sampled_from([12, 18, 24])),
    }
    return blocks, layout


@settings(max_examples=25, deadline=None)
@given(column_articles())
def test_columns_of_different_type_read_column_by_column(
    case: tuple[list[tuple[str, str]], dict[str, object]],
) -> None:
    blocks, layout = case
    data = news_pdf(blocks, **layout)  # type: ignore[arg-type]
    doc = read_pdf(data)
    assert kinds_texts(doc) == text_blocks(blocks)
    assert_nothing_lost(data, doc)


@pytest.mark.browser
def test_seed_printed_by_chromium() -> None:
    """Another producer: Chromium's (Skia) PDF with embedded DejaVu subsets and CSS columns."""
    blocks = pdfs.seed_blocks()
    data = pdfs.chromium_pdf(pdfs.news_html(blocks))
    doc = read_pdf(data)
    assert doc.metadata["pages"] == 2
    assert kinds_texts(doc) == blocks
    assert_nothing_lost(data, doc)


SEED_PDF = pdfs.seed_news_pdf()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(SEED_PDF) - 1), st.integers(0, 255)), max_size=20),
    st.integers(100, len(SEED_PDF)),
)
def test_damaged_pdfs_read_or_fail_with_one_line(
    changes: list[tuple[int, int]], length: int
) -> None:
    """Bytes changed and the end cut off: an InputError of one line, or a document, never
    anything else."""
    data = bytearray(SEED_PDF)
    for at, value in changes:
        data[at] = value
    try:
        doc = read_pdf(bytes(data[:length]), name="damaged.pdf")
    except InputError as error:
        assert one_line(error).startswith("damaged.pdf: ")
    else:
        assert doc.format == "pdf"
