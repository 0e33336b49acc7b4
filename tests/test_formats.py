"""Documents in, documents out: detection, the DOCX / web page / Markdown readers and the
writers that keep the original's structure.

The word-by-word test double stands in for the model here (these tests are about the
formats); the real MarianMT path is in test_documents_copy.py.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests import documents
from tests.doubles import FaultyEngine, WordEngine
from translator import InputError, Pipeline
from translator.formats import default_output, detect, read_document, write


def translate(data: bytes, name: str, fmt: str | None = None) -> tuple[object, str | bytes]:
    document = read_document(data, name=name)
    result = Pipeline(WordEngine()).translate_document(document, name=name)
    return result, write(result, document, fmt or default_output(document.format))


# -- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n...", None, "pdf"),
        (b"\n  %PDF-1.4", "x.txt", "pdf"),
        (documents.build_docx(), None, "docx"),
        (documents.build_docx(), "bericht.txt", "docx"),
        (documents.NEWS_PAGE.encode(), None, "html"),
        (b"<p>Eins.</p><p>Zwei.</p><div>Drei.</div>", None, "html"),
        (documents.MARKDOWN.encode(), None, "markdown"),
        (b"Ein Satz. Noch ein Satz.", "notiz.md", "markdown"),
        (b"# Titel\n\nText mit [Link](https://x.example).\n", None, "markdown"),
        (b"31. Januar 2025\n\nTruppen ziehen ab.\n", None, "text"),
        (b"Nur ein Satz.", "a.html", "text"),  # content wins over the name
    ],
)
def test_format_is_detected_by_content(data: bytes, name: str | None, expected: str) -> None:
    assert detect(data, name) == expected


def test_a_zip_that_is_no_document_is_refused() -> None:
    with pytest.raises(InputError, match="a ZIP archive, not a document"):
        read_document(documents.renamed_zip(), name="archiv.zip")
    with pytest.raises(InputError, match=r"bericht\.docx: cannot read it as DOCX"):
        read_document(documents.renamed_zip(), name="bericht.docx")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("docx", "docx"), ("markdown", "markdown"), ("html", "html"), ("pdf", "markdown"),
     ("text", "text")],
)  # fmt: skip
def test_default_output_is_the_inputs_own_format_and_markdown_for_pdf(
    fmt: str, expected: str
) -> None:
    assert default_output(fmt) == expected  # type: ignore[arg-type]


# -- web pages -------------------------------------------------------------------------------


def test_news_page_gives_the_article_without_boilerplate() -> None:
    document = read_document(documents.NEWS_PAGE.encode(), name="seite.html")
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("title", "Nordkoreanische Truppen ziehen sich von der Front zurück"),
        ("paragraph", "Die nordkoreanischen Truppen haben sich nach schweren Verlusten aus der "
         "Region Kursk zurückgezogen, berichten ukrainische Quellen. Das sagte ein Sprecher am "
         "Freitag in Kiew."),
        ("heading", "Schwere Verluste"),
        ("paragraph", "Nach Angaben des ISW wurden rund 4.000 Soldaten getötet oder verletzt, "
         "darunter mehrere Offiziere."),
        ("list-item", "Erster Punkt der Liste mit etwas Text."),
        ("list-item", "Zweiter Punkt der Liste."),
        ("quote", "„Wir werden nicht aufgeben“, sagte der Kommandeur der Brigade."),
        ("paragraph", "Die Lage bleibt angespannt, sagen Beobachter in Kiew und Moskau "
         "übereinstimmend."),
    ]  # fmt: skip
    text = " ".join(b.text for b in document.blocks)
    for boilerplate in ("Cookies", "Anzeige", "Weiterlesen", "Kommentare", "Toller Artikel",
                        "Startseite", "Impressum", "Mehr zum Thema"):  # fmt: skip
        assert boilerplate not in text
    assert document.metadata["url"] == "https://zeitung.example/politik/truppen"
    assert document.metadata["date"] == "2025-01-31"
    assert document.metadata["author"] == "Helen Regan"
    heading = document.blocks[2].origin
    assert heading is not None and heading["element"] == "h2"
    assert heading["path"].endswith("/article/h2")


def test_page_metadata_goes_into_json_and_markdown_front_matter() -> None:
    result, _ = translate(documents.NEWS_PAGE.encode(), "seite.html")
    data = json.loads(write(result, None, "json"))  # type: ignore[arg-type]
    assert data["schema"] == 2 and data["format"] == "html"
    assert data["metadata"]["url"] == "https://zeitung.example/politik/truppen"
    assert data["paragraphs"][1]["origin"]["element"] == "p"
    markdown = write(result, None, "markdown")  # type: ignore[arg-type]
    assert isinstance(markdown, str)
    front, body = markdown.split("---\n", 2)[1:]
    assert "url: https://zeitung.example/politik/truppen\n" in front
    assert "date: '2025-01-31'\n" in front and "author: Helen Regan\n" in front
    targets = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert body.lstrip().startswith(f"# {targets[0]}\n")
    assert f"\n## {targets[2]}\n" in body
    assert f"\n- {targets[4]}\n- {targets[5]}\n" in body
    assert f"\n> {targets[6]}\n" in body


def test_html_output_is_a_translated_page_not_the_review_page() -> None:
    result, page = translate(documents.NEWS_PAGE.encode(), "seite.html")
    assert isinstance(page, str)
    targets = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert targets[0] != "Nordkoreanische Truppen ziehen sich von der Front zurück"
    assert '<html lang="en">' in page and f"<h1>{targets[0]}</h1>" in page
    assert f"<h2>{targets[2]}</h2>" in page
    assert f"<ul><li>{targets[4]}</li><li>{targets[5]}</li></ul>" in page
    assert '<a href="https://zeitung.example/politik/truppen">source</a>' in page
    assert "German source" not in page
    review = write(result, None, "review")  # type: ignore[arg-type]
    assert "German source" in review


def test_the_translated_page_keeps_the_pages_links_and_bold() -> None:
    document = read_document(documents.NEWS_PAGE.encode(), name="seite.html")
    assert document.phrases == ["ISW", "4.000 Soldaten"]  # translated on their own too
    result, page = translate(documents.NEWS_PAGE.encode(), "seite.html")
    assert isinstance(page, str)
    target = result.paragraphs[3].target  # type: ignore[attr-defined]
    assert target.startswith("Nach Angaben of the ISW were rund 4.000 soldiers")
    linked = target.replace("ISW", '<a href="https://isw.example/report">ISW</a>', 1)
    expected = linked.replace("4.000 soldiers", "<strong>4.000 soldiers</strong>", 1)
    assert f"<p>{expected}</p>" in page
    # Other outputs are unchanged by it: the text is the translation, nothing added.
    assert write(result, None, "html") == page.replace(
        '<a href="https://isw.example/report">ISW</a>', "ISW"
    ).replace("<strong>4.000 soldiers</strong>", "4.000 soldiers")


def test_a_line_break_in_a_page_paragraph_separates_its_words() -> None:
    page = documents.NEWS_PAGE.replace("Das sagte ein Sprecher", "Das sagte<br>ein Sprecher")
    document = read_document(page.encode(), name="s.html")
    assert "Das sagte ein Sprecher am Freitag in Kiew." in document.blocks[1].text


def test_a_page_link_that_cannot_be_placed_keeps_its_url_after_the_sentence(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = documents.NEWS_PAGE.replace("ISW", "Institut")
    source = "Nach Angaben des Institut wurden rund 4.000 Soldaten getötet oder verletzt, " \
        "darunter mehrere Offiziere."
    engine = FaultyEngine({source: "The think tank says 4.000 soldiers died."})
    document = read_document(page.encode(), name="s.html")
    result = Pipeline(engine).translate_document(document, name="s.html")
    out = write(result, document, "html")
    assert isinstance(out, str)
    url = "https://isw.example/report"
    assert (
        f'<p>The think tank says <strong>4.000 soldiers</strong> died. (<a href="{url}">{url}</a>)'
        "</p>" in out
    )
    assert f"s.html: ¶4: the link to {url} not found in the translation" in caplog.text
    assert result.metadata["losses"] == {"moved_markup": 1}  # and said in the CLI's one line


def test_a_page_without_an_article_is_an_input_error() -> None:
    with pytest.raises(InputError, match="leer.html: no article text found in the web page"):
        read_document(documents.EMPTY_PAGE.encode(), name="leer.html")


# -- Markdown --------------------------------------------------------------------------------


def test_markdown_blocks_kinds_and_origins() -> None:
    document = read_document(documents.MARKDOWN.encode(), name="a.md")
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("title", "Nordkoreanische Truppen ziehen sich zurück"),
        ("date", "31. Januar 2025"),
        ("paragraph", "Die Truppen haben sich nach schweren Verlusten zurückgezogen, berichten "
         "ukrainische Quellen. Laut ISW wurden rund 4.000 Soldaten getötet. Das ist ein ganzer "
         "Satz. Der Befehl kubectl get pods bleibt."),
        ("heading", "Schwere Verluste"),
        ("list-item", "Erster Punkt der Liste."),
        ("list-item", "Zweiter Punkt mit Betonung."),
        ("list-item", "Verschachtelt."),
        ("quote", "„Wir werden nicht aufgeben“, sagte er. Zweite Zeile."),
        ("table-cell", "Ort"), ("table-cell", "Verluste"),
        ("table-cell", "Kursk"), ("table-cell", "4.000"), ("table-cell", "Kiew"),
        ("code", 'print("nicht übersetzen")  # Kommentar   mit  Leerzeichen'),
        ("paragraph", "Mehr unter https://example.com/x. Ende."),
        ("heading", "Überschrift"),
    ]  # fmt: skip
    assert document.blocks[0].origin == {"line": 7, "element": "h1", "level": 1}
    assert document.blocks[11].origin is not None
    assert document.blocks[11].origin["row"] == 1 and document.blocks[11].origin["cell"] == 1
    assert document.metadata["author"] == "Helen Regan"
    assert document.metadata["front_matter"]["date"] == "2025-01-31"


def test_markdown_out_keeps_structure_urls_code_and_front_matter() -> None:
    result, out = translate(documents.MARKDOWN.encode(), "a.md")
    assert isinstance(out, str)
    lines = out.split("\n")
    source = documents.MARKDOWN.split("\n")
    assert lines[:6] == source[:6]  # front matter, byte for byte
    targets = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert f"# {targets[0]}" in lines and targets[0] != documents.MARKDOWN.split("\n")[6][2:]
    assert f"## {targets[3]}" in lines
    assert f"- {targets[4]}" in lines
    assert "  1. Verschachtelt." in lines
    assert f"> {targets[7]}" in lines and "Zweite Zeile" in targets[7]
    assert "| Kursk | 4.000 |" in lines and "|-----|---------:|" in lines
    assert "| Kiew |  |" in lines
    code = source.index("```python")
    assert source[code : code + 3] == lines[lines.index("```python") :][:3]  # untouched
    paragraph = next(line for line in lines if line.startswith("Die troops"))
    assert "[ISW](https://isw.example/report?a=1&b=2 \"Bericht\")" in paragraph
    assert "**Das is ein ganzer Satz.**" in paragraph  # a whole sentence keeps its markup
    assert "`kubectl get pods`" in paragraph
    assert "<https://example.com/x>" in out and '![Karte](karte.png "Die Karte")' in out
    assert lines[-3:] == ["Überschrift", "===========", ""]


LINKED = "Laut [die Truppen](https://x.example/die-truppen) ist es ruhig. Sonst nichts.\n"


def test_link_text_is_found_by_its_own_translation() -> None:
    _, out = translate(LINKED.encode(), "l.md", "markdown")
    assert out == "Laut [the troops](https://x.example/die-truppen) is es ruhig. Sonst nichts.\n"


def test_a_link_that_cannot_be_placed_keeps_its_url_after_the_sentence(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = FaultyEngine({"Laut die Truppen ist es ruhig.": "The army says it is calm."})
    document = read_document(LINKED.encode(), name="l.md")
    result = Pipeline(engine).translate_document(document, name="l.md")
    assert result.phrases == {"die Truppen": "the troops"}
    out = write(result, document, "markdown")
    assert out == "The army says it is calm. (<https://x.example/die-truppen>) Sonst nichts.\n"
    assert "l.md: ¶1: the link to https://x.example/die-truppen not found" in caplog.text


# -- DOCX ------------------------------------------------------------------------------------


def test_docx_blocks_follow_styles_tables_headers_and_footers() -> None:
    document = read_document(documents.build_docx(), name="a.docx")
    got = [(b.kind, b.text, (b.origin or {}).get("style")) for b in document.blocks]
    assert got == [
        ("header", "Nachrichten aus der Ukraine", "Header"),
        ("title", documents.TITLE, "Title"),
        ("date", "31. Januar 2025", "Normal"),
        ("paragraph", "".join(t for t, _ in documents.PARAGRAPH_RUNS), "Normal"),
        ("heading", "Schwere Verluste", "Heading 1"),
        ("list-item", "Erster Punkt der Liste.", "List Bullet"),
        ("list-item", "Zweiter Punkt der Liste.", "List Number"),
        ("quote", "„Wir werden nicht aufgeben“, sagte er.", "Quote"),
        ("table-cell", "Ort", "Normal"), ("table-cell", "Verluste", "Normal"),
        ("table-cell", "Kursk", "Normal"), ("table-cell", "4.000", "Normal"),
        ("table-cell", "Kiew", "Normal"),
        ("heading", "Die Lage bleibt angespannt.", "Heading 2"),
        ("footer", "Alle Rechte vorbehalten.", "Footer"),
    ]  # fmt: skip
    assert document.blocks[3].origin == {"paragraph": 2, "style": "Normal"}
    assert document.blocks[11].origin == {
        "table": 0, "row": 1, "cell": 1, "paragraph": 0, "style": "Normal"
    }  # fmt: skip
    assert document.metadata == {"title": "Truppen", "author": "Helen Regan"}


def test_docx_out_keeps_styles_tables_headers_footers_and_formatting() -> None:
    import docx

    result, out = translate(documents.build_docx(), "a.docx")
    assert isinstance(out, bytes)
    d = docx.Document(io.BytesIO(out))
    t = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert t[3].startswith("Die troops have sich after")  # translated
    styles = [(p.style.name, p.text) for p in d.paragraphs]
    assert styles == [
        ("Title", t[1]), ("Normal", t[2]), ("Normal", t[3]), ("Heading 1", t[4]),
        ("List Bullet", t[5]), ("List Number", t[6]), ("Quote", t[7]), ("Normal", ""),
        ("Heading 2", t[13]),
    ]  # fmt: skip
    assert d.paragraphs[2].alignment is not None  # paragraph formatting (justified) kept
    rows = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert rows == [["Ort", "losses"], ["Kursk", "4.000"], ["Kiew", ""]]
    assert d.sections[0].header.paragraphs[0].text == "Nachrichten aus the Ukraine"
    assert d.sections[0].footer.paragraphs[0].text == "Alle Rechte vorbehalten."
    runs = {r.text: (r.bold, r.italic) for r in d.paragraphs[2].runs}
    assert runs["Das is ein ganzer Satz."] == (None, True)  # a whole sentence keeps italics
    # The bold phrase, translated on its own, is found in its sentence's translation.
    assert runs["after schweren Verlusten"] == (True, None)
    links = list(d.paragraphs[2].hyperlinks)
    assert [(link.text, link.address) for link in links] == [("ISW", documents.LINK)]


def test_docx_out_from_another_format_is_a_new_document_with_its_structure() -> None:
    import docx

    result, out = translate(documents.NEWS_PAGE.encode(), "seite.html", "docx")
    assert isinstance(out, bytes)
    d = docx.Document(io.BytesIO(out))
    t = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert [(p.style.name, p.text) for p in d.paragraphs] == [
        ("Title", t[0]), ("Normal", t[1]), ("Heading 1", t[2]), ("Normal", t[3]),
        ("List Bullet", t[4]), ("List Bullet", t[5]), ("Quote", t[6]), ("Normal", t[7]),
    ]  # fmt: skip
    assert d.core_properties.author == "Helen Regan"
    md_result, md_out = translate(documents.MARKDOWN.encode(), "a.md", "docx")
    table = docx.Document(io.BytesIO(md_out)).tables[0]  # type: ignore[arg-type]
    cells = [p.target for p in md_result.paragraphs if p.kind == "table-cell"]  # type: ignore[attr-defined]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        cells[0:2], cells[2:4], [cells[4], ""]
    ]


def test_docx_footnotes_and_endnotes_are_blocks_after_the_body() -> None:
    document = read_document(documents.build_docx_with_notes(), name="n.docx")
    got = [(b.kind, b.text, {k: v for k, v in (b.origin or {}).items() if k != "style"})
           for b in document.blocks]  # fmt: skip
    assert got == [
        ("paragraph", documents.NOTE_BODY + " Die Lage bleibt ruhig.", {"paragraph": 0}),
        ("footnote", documents.FOOTNOTES[0], {"part": "footnotes", "note": 1, "paragraph": 0}),
        ("footnote", documents.FOOTNOTES[1], {"part": "footnotes", "note": 2, "paragraph": 0}),
        ("footnote", documents.ENDNOTE, {"part": "endnotes", "note": 1, "paragraph": 0}),
    ]


def test_docx_out_translates_the_notes_and_keeps_every_mark_where_it_was() -> None:
    from lxml import etree

    original = documents.build_docx_with_notes()
    result, out = translate(original, "n.docx")
    assert isinstance(out, bytes)
    t = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert t[1] != documents.FOOTNOTES[0]  # the double translated it
    # Each note: its number mark first, then a space and the translation; separators kept.
    assert documents.docx_notes(out) == [(1, f" {t[1]}", ["footnoteRef"]),
                                         (2, f" {t[2]}", ["footnoteRef"])]  # fmt: skip
    assert documents.docx_notes(out, "endnote") == [(1, f" {t[3]}", ["endnoteRef"])]
    for kind in ("footnote", "endnote"):
        with zipfile.ZipFile(io.BytesIO(out)) as z, zipfile.ZipFile(io.BytesIO(original)) as o:
            assert z.read(f"word/{kind}s.xml").count(b"w:type=") == o.read(
                f"word/{kind}s.xml"
            ).count(b"w:type=")

    # The references stay after the words they follow, with no space put before them.
    def body(data: bytes) -> list[str]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        p = root.find(f".//{w}p")
        return [c.text if etree.QName(c).localname == "t" else etree.QName(c).localname
                for r in p.findall(f"{w}r") for c in r]  # fmt: skip

    marks = ["footnoteReference", "endnoteReference"]
    assert body(original) == [documents.NOTE_BODY, marks[0], " Die Lage bleibt ruhig.", *marks]
    first, second = t[0].split(". ", 1)
    assert body(out) == [first + ".", marks[0], " " + second, *marks]
    # Every other format has the notes as blocks of their own.
    _, markdown = translate(original, "n.docx", "markdown")
    assert all(note in markdown for note in t[1:])


def test_docx_text_boxes_are_read_and_both_stored_copies_translated() -> None:
    original = documents.build_docx_with_text_box()
    document = read_document(original, name="b.docx")
    boxes = [(b.text, (b.origin or {}).get("text_box")) for b in document.blocks]
    assert boxes == [  # the box right after the paragraph it is anchored in
        (documents.NOTE_BODY, None), *[(text, 0) for text in documents.BOX_TEXT],
        ("Die Lage bleibt ruhig.", None),
    ]  # fmt: skip
    result, out = translate(original, "b.docx")
    assert isinstance(out, bytes)
    t = [p.target for p in result.paragraphs]  # type: ignore[attr-defined]
    assert t[2] != documents.BOX_TEXT[1]  # the double translated it
    assert documents.docx_text_boxes(original) == [
        ("drawing", documents.BOX_TEXT), ("fallback", documents.BOX_TEXT)
    ]  # fmt: skip
    assert documents.docx_text_boxes(out) == [("drawing", t[1:3]), ("fallback", t[1:3])]


def test_renamed_zip_as_docx_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot read it as DOCX"):
        read_document(documents.renamed_zip(), name="kaputt.docx")


def test_docx_fields_stay_in_place_and_other_content_follows_its_sentence() -> None:
    import docx
    from docx.oxml.ns import qn

    document = read_document(documents.build_docx_with_fields(), name="f.docx")
    assert [(b.kind, b.text, (b.origin or {}).get("segment")) for b in document.blocks] == [
        ("paragraph", "Die Truppen ziehen ab. Die Lage bleibt ruhig.", None),
        ("footer", "Seite", 0),
        ("footer", "von", 1),
    ]
    result = Pipeline(WordEngine()).translate_document(document, name="f.docx")
    d = docx.Document(io.BytesIO(write(result, document, "docx")))  # type: ignore[arg-type]
    footer = d.sections[0].footer.paragraphs[0]._p
    pieces = []
    for r in footer.iter(qn("w:r")):
        for child in r:
            if child.tag == qn("w:t"):
                pieces.append(child.text)
            elif child.tag == qn("w:instrText"):
                pieces.append(f"{{{child.text.strip()}}}")
    # WordEngine renders "von" as "of": each stretch translated, the fields where they were.
    assert pieces == ["Seite", " ", "{PAGE}", "3", " ", "of", " ", "{NUMPAGES}", "10"]
    body = d.paragraphs[0]._p
    order = [
        "SYM" if r.find(qn("w:sym")) is not None else r.findtext(qn("w:t"))
        for r in body.iter(qn("w:r"))
    ]
    assert order == ["Die troops ziehen ab.", " ", "SYM", " Die Lage bleibt ruhig."]


def test_list_items_from_plain_text_show_one_mark_in_every_writer() -> None:
    """Plain text keeps an item's mark in its text ("- Brot"); the writers that draw their
    own bullet or number (HTML, DOCX) draw it instead, never both ("• - Brot")."""
    import docx as python_docx

    from tests.doubles import IdentityEngine

    text = "Einkaufsliste:\n\n- Brot\n- Milch\n\nDanach:\n\n1. Kochen\n2. Essen\n"
    document = read_document(text.encode(), name="liste.txt")
    result = Pipeline(IdentityEngine()).translate_document(document)
    page = write(result, document, "html")
    assert isinstance(page, str)
    assert "<ul><li>Brot</li><li>Milch</li></ul>" in page
    assert "<ol><li>Kochen</li><li>Essen</li></ol>" in page
    out = write(result, document, "docx")
    assert isinstance(out, bytes)
    paragraphs = [(p.style.name, p.text) for p in python_docx.Document(io.BytesIO(out)).paragraphs]
    assert ("List Bullet", "Brot") in paragraphs and ("List Number", "Essen") in paragraphs
    assert "- Brot" in write(result, document, "markdown")  # Markdown's own mark, once
