"""Test documents built in the suite (none downloaded): DOCX with python-docx, a saved news
page with boilerplate around its article, and Markdown with every construct the tool keeps."""

from __future__ import annotations

import io
import zipfile

TITLE = "Nordkoreanische Truppen ziehen sich zurück"
PARAGRAPH_RUNS = [
    ("Die Truppen haben sich ", None),
    ("nach schweren Verlusten", "bold"),
    (" zurückgezogen, berichten ukrainische Quellen. ", None),
    ("Das ist ein ganzer Satz.", "italic"),
    (" Laut ", None),
    ("ISW", "link"),
    (" wurden 4.000 Soldaten getötet.", None),
]
LINK = "https://isw.example/report?id=7&lang=de"


def build_docx() -> bytes:
    """Title, date, a paragraph with bold/italic/link runs, Heading 1/2, bullet and numbered
    list items, a quote, a 2x3 table, an empty paragraph, header and footer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    d.core_properties.title = "Truppen"
    d.core_properties.author = "Helen Regan"
    d.sections[0].header.paragraphs[0].text = "Nachrichten aus der Ukraine"
    d.sections[0].footer.paragraphs[0].text = "Alle Rechte vorbehalten."
    d.add_paragraph(TITLE, style="Title")
    d.add_paragraph("31. Januar 2025")
    p = d.add_paragraph()
    for text, how in PARAGRAPH_RUNS:
        if how == "link":
            _add_link(p, text, LINK)
            continue
        run = p.add_run(text)
        run.bold = how == "bold" or None
        run.italic = how == "italic" or None
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    d.add_paragraph("Schwere Verluste", style="Heading 1")
    d.add_paragraph("Erster Punkt der Liste.", style="List Bullet")
    d.add_paragraph("Zweiter Punkt der Liste.", style="List Number")
    d.add_paragraph("„Wir werden nicht aufgeben“, sagte er.", style="Quote")
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("Ort", "Verluste"), ("Kursk", "4.000"), ("Kiew", "")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("")
    d.add_paragraph("Die Lage bleibt angespannt.", style="Heading 2")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _add_link(paragraph, text: str, url: str) -> None:  # type: ignore[no-untyped-def]
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def renamed_zip() -> bytes:
    """A ZIP archive that is no Word document (what a renamed .zip looks like)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "Hallo")
    return out.getvalue()


NEWS_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>Truppen ziehen ab | Die Zeitung</title>
<meta name="author" content="Helen Regan">
<meta property="article:published_time" content="2025-01-31T10:00:00Z">
<link rel="canonical" href="https://zeitung.example/politik/truppen">
</head><body>
<header><nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent">Wir verwenden Cookies, um Ihnen das beste
Erlebnis zu bieten. <button>Alle akzeptieren</button></div>
<div class="ad">Anzeige: Jetzt Abo abschließen und 50 Prozent sparen!</div>
<main><article>
<h1>Nordkoreanische Truppen ziehen sich von der Front zurück</h1>
<p class="byline">Von Helen Regan</p>
<p>Die nordkoreanischen Truppen haben sich nach schweren Verlusten aus der Region Kursk
zurückgezogen, berichten ukrainische Quellen. Das sagte ein Sprecher am Freitag in Kiew.</p>
<h2>Schwere Verluste</h2>
<p>Nach Angaben des <a href="https://isw.example/report">ISW</a> wurden rund
<b>4.000 Soldaten</b> getötet oder verletzt, darunter mehrere Offiziere.</p>
<ul><li>Erster Punkt der Liste mit etwas Text.</li><li>Zweiter Punkt der Liste.</li></ul>
<blockquote>„Wir werden nicht aufgeben“, sagte der Kommandeur der Brigade.</blockquote>
<p>Die Lage bleibt angespannt, sagen Beobachter in Kiew und Moskau übereinstimmend.</p>
</article></main>
<aside class="related"><h3>Mehr zum Thema</h3><ul>
<li><a href="/a">Weiterlesen: Andere Nachricht eins</a></li>
<li><a href="/b">Weiterlesen: Andere Nachricht zwei</a></li></ul></aside>
<section id="comments" class="comments"><h3>Kommentare</h3>
<div class="comment"><p>Toller Artikel! Ich stimme völlig zu, weiter so.</p></div></section>
<footer><p>© 2025 Die Zeitung GmbH. Impressum. Datenschutz.</p></footer>
</body></html>
"""

EMPTY_PAGE = "<!DOCTYPE html><html><head><title></title></head><body></body></html>\n"

MARKDOWN = """---
title: Truppen ziehen ab
author: Helen Regan
date: 2025-01-31
---

# Nordkoreanische Truppen ziehen sich zurück

*31. Januar 2025*

Die Truppen haben sich **nach schweren Verlusten** zurückgezogen, berichten
ukrainische Quellen. Laut [ISW](https://isw.example/report?a=1&b=2 "Bericht") wurden rund
4.000 Soldaten getötet. **Das ist ein ganzer Satz.** Der Befehl `kubectl get pods` bleibt.

## Schwere Verluste

- Erster Punkt der Liste.
- Zweiter Punkt mit *Betonung*.
  1. Verschachtelt.

> „Wir werden nicht aufgeben“, sagte er.
> Zweite Zeile.

| Ort | Verluste |
|-----|---------:|
| Kursk | 4.000 |
| Kiew |  |

```python
print("nicht übersetzen")  # Kommentar   mit  Leerzeichen
```

Mehr unter <https://example.com/x>. ![Karte](karte.png "Die Karte") Ende.

Überschrift
===========
"""


def build_docx_with_fields() -> bytes:
    """A footer "Seite {PAGE} von {NUMPAGES}" (complex fields, with their results) and a body
    paragraph with a symbol run (content that is not text) after its first sentence."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(p, **children: str) -> None:  # type: ignore[no-untyped-def]
        r = OxmlElement("w:r")
        for tag, value in children.items():
            el = OxmlElement(f"w:{tag}")
            if tag == "fldChar":
                el.set(qn("w:fldCharType"), value)
            elif tag == "sym":
                el.set(qn("w:font"), "Wingdings")
                el.set(qn("w:char"), value)
            else:
                el.text = value
                el.set(qn("xml:space"), "preserve")
            r.append(el)
        p._p.append(r)

    d = docx.Document()
    footer = d.sections[0].footer.paragraphs[0]
    run(footer, t="Seite ")
    for name, result in (("PAGE", "3"), ("NUMPAGES", "10")):
        run(footer, fldChar="begin")
        run(footer, instrText=f" {name} ")
        run(footer, fldChar="separate")
        run(footer, t=result)
        run(footer, fldChar="end")
        if name == "PAGE":
            run(footer, t=" von ")
    body = d.add_paragraph()
    run(body, t="Die Truppen ziehen ab.")
    run(body, sym="F04A")
    run(body, t=" Die Lage bleibt ruhig.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


NOTE_BODY = "Die Truppen ziehen ab."
FOOTNOTES = ["Laut Angaben des Generalstabs.", "Die Zahl ist nicht bestätigt."]
ENDNOTE = "Alle Angaben ohne Gewähr."


def build_docx_with_notes() -> bytes:
    """A body paragraph with two footnote references and one endnote reference, and the
    footnotes and endnotes parts as Word writes them: separator notes (ids -1 and 0), then
    each note's paragraph in the Footnote Text / Endnote Text style, starting with its number
    mark and a space. python-docx cannot add notes, so the parts are written here."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def notes_xml(kind: str, texts: list[str]) -> bytes:
        mark = "footnoteRef" if kind == "footnote" else "endnoteRef"
        style = "FootnoteText" if kind == "footnote" else "EndnoteText"
        separators = "".join(
            f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:{s}/></w:r></w:p></w:{kind}>'
            for i, (t, s) in enumerate(
                [("separator", "separator"), ("continuationSeparator", "continuationSeparator")],
                start=-1,
            )
        )
        notes = "".join(
            f'<w:{kind} w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            f"<w:r><w:{mark}/></w:r>"
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
            for i, text in enumerate(texts, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:{kind}s xmlns:w="{w}">{separators}{notes}</w:{kind}s>'
        ).encode()

    def reference(p, kind: str, note: int) -> None:  # type: ignore[no-untyped-def]
        r = OxmlElement("w:r")
        ref = OxmlElement(f"w:{kind}Reference")
        ref.set(qn("w:id"), str(note))
        r.append(ref)
        p._p.append(r)

    d = docx.Document()
    p = d.add_paragraph(NOTE_BODY)
    reference(p, "footnote", 1)
    p.add_run(" Die Lage bleibt ruhig.")
    reference(p, "footnote", 2)
    reference(p, "endnote", 1)
    package = d.part.package
    for kind, name, content_type, reltype, texts in (
        ("footnote", "footnotes", CT.WML_FOOTNOTES, RT.FOOTNOTES, FOOTNOTES),
        ("endnote", "endnotes", CT.WML_ENDNOTES, RT.ENDNOTES, [ENDNOTE]),
    ):
        part = Part(PackURI(f"/word/{name}.xml"), content_type, notes_xml(kind, texts), package)
        d.part.relate_to(part, reltype)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def docx_notes(data: bytes, kind: str = "footnote") -> list[tuple[int, str, list[str]]]:
    """(id, text, tags of the first run's children) of each real note in a DOCX, read from
    its XML directly (not through the reader under test)."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read(f"word/{kind}s.xml"))
    out = []
    for note in root.findall(f"{w}{kind}"):
        if note.get(f"{w}type") is not None:
            continue
        first = note.find(f".//{w}r")
        tags = [etree.QName(c).localname for c in (first if first is not None else [])]
        text = "".join(t.text or "" for t in note.iter(f"{w}t"))
        out.append((int(note.get(f"{w}id") or 0), text, tags))
    return out


BOX_TEXT = ["Hintergrund: Die Brigade wurde 2022 gegründet.", "Sie zählt 3.000 Soldaten."]


def build_docx_with_text_box() -> bytes:
    """A paragraph, then a paragraph anchoring a text box (an info box of two paragraphs) the
    way Word stores one: a drawing (mc:Choice) and its VML fallback (mc:Fallback), each with
    the same w:txbxContent. python-docx cannot add one, so the run is written here."""
    import docx
    from docx.oxml.parser import parse_xml

    ns = {
        "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "v": "urn:schemas-microsoft-com:vml",
    }
    content = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in BOX_TEXT
    )
    declarations = " ".join(f'xmlns:{k}="{v}"' for k, v in ns.items())
    run = parse_xml(
        f"<w:r {declarations}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="3000000" cy="900000"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="1" name="Info"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3000000" cy="900000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/>"
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape style="width:236pt;height:71pt"><v:textbox>'
        f"<w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    d = docx.Document()
    d.add_paragraph(NOTE_BODY)
    d.add_paragraph()._p.append(run)
    d.add_paragraph("Die Lage bleibt ruhig.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def docx_text_boxes(data: bytes) -> list[tuple[str, list[str]]]:
    """(where, paragraph texts) of every w:txbxContent in the body: "drawing" or "fallback",
    read from the XML directly."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for box in root.iter(f"{w}txbxContent"):
        where = "fallback" if any(a.tag == fallback for a in box.iterancestors()) else "drawing"
        texts = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in box.findall(f"{w}p")]
        out.append((where, texts))
    return out
