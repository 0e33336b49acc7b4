"""DOCX files with what real Word files hold and the first readers missed: merged table cells,
tabs and line breaks inside runs, a note's number mark sharing its run with the note's text
(as in mammoth's ``endnotes.docx``), a reference mark sharing a run with body text, a
comment. Built with python-docx and lxml here (no third-party file is committed)."""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: Cell texts of a 3 x 3 table where (0,0)-(0,1) are merged across and (1,2)-(2,2) down.
CELLS = [
    ["Die Stadt liegt im Osten.", "Die Stadt liegt im Osten.", "Sie ist alt."],
    ["Die Truppen sind da.", "Die Region ist ruhig.", "Die Soldaten berichten."],
    ["Die Verluste sind hoch.", "Die Stadt ist leer.", "Die Soldaten berichten."],
]
MERGED_TEXTS = [
    "Die Stadt liegt im Osten.",
    "Sie ist alt.",
    "Die Truppen sind da.",
    "Die Region ist ruhig.",
    "Die Soldaten berichten.",
    "Die Verluste sind hoch.",
    "Die Stadt ist leer.",
]
TAB_LINE = ("Ort:", "Berlin")
BREAK_LINES = ("Die Truppen sind da.", "Die Region ist ruhig.")
COMMENTED = "Die Stadt ist alt."
COMMENT = "Bitte die Zahl prüfen."
NOTE_BODY = "Die Soldaten berichten"
NOTE_TEXT = "Die Zahl ist nicht bestätigt."


def build_merged_table() -> bytes:
    """A paragraph and a 3 x 3 table with a horizontally and a vertically merged cell."""
    import docx

    d = docx.Document()
    d.add_paragraph("Die Lage in der Region.")
    table = d.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            if (r, c) not in ((0, 1), (2, 2)):
                table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    for cell in (table.cell(0, 0), table.cell(1, 2)):  # merging joins the (empty) paragraphs
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def build_runs_with_content() -> bytes:
    """A tab inside a run ("Ort:<tab/>Berlin"), a line break inside a run, a commented
    sentence (its comment mark a run of its own, as Word writes it), and a body sentence
    whose endnote mark shares the run with its last word; the endnote's own paragraph has its
    number mark and text in one run (mammoth's endnotes.docx)."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.parser import parse_xml

    d = docx.Document()
    d.add_paragraph().add_run("\t".join(TAB_LINE))
    d.add_paragraph().add_run("\n".join(BREAK_LINES))
    run = d.add_paragraph().add_run(COMMENTED)
    d.add_comment(run, text=COMMENT, author="Redaktion", initials="R")
    p = d.add_paragraph()
    p._p.append(
        parse_xml(
            f'<w:r xmlns:w="{W}"><w:t>{NOTE_BODY}</w:t>'
            '<w:endnoteReference w:id="1"/><w:t>.</w:t></w:r>'
        )
    )
    endnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:endnotes xmlns:w="{W}">'
        '<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:endnote>"
        '<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/>'
        f'<w:t xml:space="preserve"> {NOTE_TEXT}</w:t></w:r></w:p></w:endnote></w:endnotes>'
    ).encode()
    part = Part(PackURI("/word/endnotes.xml"), CT.WML_ENDNOTES, endnotes, d.part.package)
    d.part.relate_to(part, RT.ENDNOTES)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def body_runs(data: bytes) -> list[list[tuple[str, str]]]:
    """Each body paragraph's runs as (content tag, text) pairs, read from the XML directly
    (not through the reader under test): ``t`` with its text, or the tag of other content."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{{{W}}}p"):
        items: list[tuple[str, str]] = []
        for r in p.iter(f"{{{W}}}r"):
            for child in r:
                tag = etree.QName(child).localname
                if tag == "rPr":
                    continue
                if tag == "t":
                    if items and items[-1][0] == "t":
                        items[-1] = ("t", items[-1][1] + (child.text or ""))
                    else:
                        items.append(("t", child.text or ""))
                else:
                    items.append((tag, ""))
        out.append(items)
    return out


def part_text(data: bytes, member: str) -> str:
    """All text of one part of the DOCX (``word/endnotes.xml`` ...)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read(member))
    return "".join(t.text or "" for t in root.iter(f"{{{W}}}t"))
