"""PDF builders for the tests and benchmarks: news pages typeset with reportlab.

Every builder takes the article as ``(kind, text)`` blocks (kind: label | title | date |
heading | paragraph | caption | figure) and returns the PDF's bytes. ``\xad`` (a soft hyphen) in
a text marks where reportlab may hyphenate a word at a line end; ``text_blocks`` gives what a
reader should return.

- ``news_pdf``: A4, Times body text justified (or ragged right), Helvetica headings; 1 to 3
  columns (the head - label, title, date - spans the page); optional running header, footer,
  page numbers, first-line indents, footnotes at the foot of chosen pages;
- ``seed_news_pdf``: the seed article as a two-column news page with all of that, a photo and
  its caption; ``typewritten_pdf``: text line by line in one font; ``sideways_pdf``: an article
  set turned on the page; ``chromium_pdf(news_html(...))``: another producer (Chromium);
- ``Sheet``: exactly the lines given, for breaks at chosen places;
- ``article``/``paragraph``: generated news text; ``seed_blocks``: the seed's blocks;
- bad PDFs: ``scanned_pdf`` (an image, no text layer), ``encrypted_pdf``, ``truncated_pdf``.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"

PAGE_W, PAGE_H = A4
MARGIN = 56.0
GUTTER = 18.0
FOOTNOTE_AREA = 56.0  # kept free at the bottom of every page for footnotes

STYLES = {
    "label": ParagraphStyle(
        "label",
        fontName="Helvetica-Bold",
        fontSize=9,
        leading=12,
        textColor="#b00020",
        spaceAfter=4,
    ),
    "title": ParagraphStyle(
        "title", fontName="Helvetica-Bold", fontSize=22, leading=26, spaceAfter=6
    ),
    "date": ParagraphStyle("date", fontName="Helvetica", fontSize=9, leading=12, spaceAfter=10),
    "heading": ParagraphStyle(
        "heading",
        fontName="Helvetica-Bold",
        fontSize=12,
        leading=15,
        spaceBefore=8,
        spaceAfter=3,
    ),
    "paragraph": ParagraphStyle(
        "paragraph",
        fontName="Times-Roman",
        fontSize=10,
        leading=13,
        alignment=TA_JUSTIFY,
        spaceAfter=5,
        embeddedHyphenation=1,
        hyphenationLang="",
    ),
    "caption": ParagraphStyle(
        "caption",
        fontName="Helvetica-Oblique",
        fontSize=8,
        leading=10,
        alignment=TA_LEFT,
        spaceBefore=2,
        spaceAfter=8,
    ),
    "footnote": ParagraphStyle("footnote", fontName="Times-Roman", fontSize=7.5, leading=9),
    "lead": ParagraphStyle(
        "lead",
        fontName="Times-Bold",
        fontSize=11.5,
        leading=14,
        alignment=TA_LEFT,
        spaceAfter=8,
    ),
}
#: Body fonts (regular, bold) a layout may use.
BODY_FONTS = {"Times": "Times-Roman", "Helvetica": "Helvetica", "Courier": "Courier"}
#: First-line indent instead of space between paragraphs (the other common news style).
INDENTED = ParagraphStyle("indented", parent=STYLES["paragraph"], spaceAfter=0, firstLineIndent=12)
HEAD_KINDS = ("label", "title", "date")


def expected(text: str) -> str:
    """The text a reader should give back: soft hyphens were only allowed break points."""
    return text.replace("\xad", "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Figure(Flowable):
    """A photo placeholder: a real (grey, generated) image, so the page has an image object."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.width, available_width)
        return self.width, self.height

    def draw(self) -> None:

        self.canv.drawImage(_grey_image(), 0, 0, self.width, self.height)


def _grey_image() -> object:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (40, 24), (150, 160, 170))
    for x in range(40):
        image.putpixel((x, x * 24 // 40), (60, 60, 60))
    return ImageReader(image)


def news_pdf(
    blocks: Sequence[tuple[str, str]],
    *,
    columns: int = 1,
    header: str | None = None,
    footer: str | None = None,
    page_numbers: bool = False,
    footnotes: dict[int, list[str]] | None = None,
    indented: bool = False,
    ragged: bool = False,
    page_size: tuple[float, float] = A4,
    head_in_column: bool = False,
    body_font: str = "Times",
    body_size: float = 10,
    gutter: float = GUTTER,
) -> bytes:
    """Typeset an article as a news page (see the module docstring). ``head_in_column``:
    the label, title and date open the first column instead of spanning the page (so the
    columns differ in type size line by line); a ``lead`` block is a bold first paragraph."""
    page_w, page_h = page_size
    body_top = page_h - MARGIN - (18 if header else 0)
    body_bottom = MARGIN + FOOTNOTE_AREA
    width = page_w - 2 * MARGIN
    col_w = (width - (columns - 1) * gutter) / columns
    paragraph_style = INDENTED if indented else STYLES["paragraph"]
    if ragged:
        paragraph_style = ParagraphStyle("ragged", parent=paragraph_style, alignment=TA_LEFT)
    if (body_font, body_size) != ("Times", 10):
        paragraph_style = ParagraphStyle(
            "body",
            parent=paragraph_style,
            fontName=BODY_FONTS[body_font],
            fontSize=body_size,
            leading=round(body_size * 1.3, 1),
        )

    def flowable(kind: str, text: str) -> Flowable:
        if kind == "figure":
            return Figure(col_w, float(text or 110))
        style = paragraph_style if kind == "paragraph" else styles[kind]
        return Paragraph(_escape(text), style)

    spanning = () if head_in_column else HEAD_KINDS
    styles = dict(STYLES)
    if head_in_column:  # a title that fits its column: no word wider than the column
        size = min(22.0, round(col_w / 11, 1))
        styles["title"] = ParagraphStyle(
            "column title", parent=STYLES["title"], fontSize=size, leading=round(size * 1.2, 1)
        )
    head = [flowable(k, t) for k, t in blocks if k in spanning]
    body = [flowable(k, t) for k, t in blocks if k not in spanning]
    head_h = sum(f.wrap(width, page_h)[1] + f.getSpaceAfter() for f in head) + 6

    def column_frames(top: float, page: str) -> list[Frame]:
        return [
            Frame(
                MARGIN + i * (col_w + gutter),
                body_bottom,
                col_w,
                top - body_bottom,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=f"{page}{i}",
            )
            for i in range(columns)
        ]

    head_frame = Frame(
        MARGIN,
        body_top - head_h,
        width,
        head_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="head",
    )
    notes = footnotes or {}

    def decorate(canvas: object, doc: BaseDocTemplate) -> None:
        c = canvas
        page = doc.page
        c.saveState()  # type: ignore[attr-defined]
        if header:
            c.setFont("Helvetica", 8)  # type: ignore[attr-defined]
            c.drawString(MARGIN, page_h - MARGIN + 4, header)  # type: ignore[attr-defined]
            c.line(MARGIN, page_h - MARGIN, page_w - MARGIN, page_h - MARGIN)  # type: ignore[attr-defined]
        if footer or page_numbers:
            c.setFont("Helvetica", 8)  # type: ignore[attr-defined]
            if footer:
                c.drawString(MARGIN, MARGIN - 20, footer)  # type: ignore[attr-defined]
            if page_numbers:
                c.drawRightString(page_w - MARGIN, MARGIN - 20, str(page))  # type: ignore[attr-defined]
        if notes.get(page):
            y = body_bottom - 10
            c.line(MARGIN, y + 4, MARGIN + 80, y + 4)  # type: ignore[attr-defined]
            for note in notes[page]:
                p = Paragraph(_escape(note), STYLES["footnote"])
                _, h = p.wrap(width, FOOTNOTE_AREA)
                p.drawOn(c, MARGIN, y - h)
                y -= h + 2
        c.restoreState()  # type: ignore[attr-defined]

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title="",
        author="",
        invariant=1,
    )
    first = [head_frame, *column_frames(body_top - head_h, "first")] if head else []
    templates = [PageTemplate("rest", column_frames(body_top, "rest"), onPage=decorate)]
    story: list[Flowable] = []
    if head:
        templates.insert(0, PageTemplate("first", first, onPage=decorate))
        story += [NextPageTemplate("rest"), *head, FrameBreak()]
    doc.addPageTemplates(templates)
    doc.build(story + body or [Spacer(1, 1)])
    return buffer.getvalue()


# -- articles --------------------------------------------------------------------------------

SENTENCES = [
    "Die ukrainischen Streitkräfte meldeten am Morgen neue Angriffe auf Stellungen im Osten.",
    "Nach Angaben des Generalstabs wurden dabei mehrere Dörfer unter Beschuss genommen.",
    "Beobachter der Vereinten Nationen sprachen von einer deutlichen Verschärfung der Lage.",
    "In der Hauptstadt Kiew heulten in der Nacht erneut die Sirenen, berichteten Anwohner.",
    "Die Regierung in Moskau äußerte sich zunächst nicht zu den Berichten aus dem Frontgebiet.",
    "Militärexperten erwarten, dass die Kämpfe in den kommenden Wochen weiter zunehmen.",
    "Zugleich beraten die Verbündeten in Brüssel über weitere Lieferungen von Munition.",
]


def paragraph(n: int, sentences: int = 4) -> str:
    """A distinct paragraph: a numbered opening and a few sentences of news text."""
    body = " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(sentences))
    return f"Meldung {n} aus dem Kriegsgebiet: {body}"


def article(paragraphs: int, sentences: int = 4) -> list[tuple[str, str]]:
    blocks = [
        ("label", "Ukraine"),
        ("title", "Neue Angriffe im Osten der Ukraine gemeldet"),
        ("date", "31. Januar 2025"),
    ]
    for n in range(paragraphs):
        if n and n % 3 == 0:
            blocks.append(("heading", f"Lage im Abschnitt {n // 3}"))
        blocks.append(("paragraph", paragraph(n, sentences)))
    return blocks


def seed_blocks() -> list[tuple[str, str]]:
    """The seed article's blocks, as ``translator.text.layout`` rebuilds them from the text."""
    from translator.text.layout import rebuild

    return [(b.kind, b.text) for b in rebuild(SEED.read_text(encoding="utf-8"))]


def typewritten_pdf(text: str, *, font: str = "Courier", size: float = 9) -> bytes:
    """Text set line by line as it is, in one font and size, 11 points apart (blank lines
    too): a PDF with no typography to go by, like the one the seed was extracted from."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    y = PAGE_H - MARGIN
    for line in text.split("\n"):
        if y < MARGIN:
            canvas.showPage()
            y = PAGE_H - MARGIN
        canvas.setFont(font, size)
        canvas.drawString(MARGIN, y, line)
        y -= size + 2
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sideways_pdf(blocks: Sequence[tuple[str, str]], rotate: int = 90) -> bytes:
    """A landscape article set sideways on a portrait page (turned ``rotate`` degrees
    counter-clockwise: its lines run up the page, or down for 270): one column, ragged."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    if rotate == 90:
        canvas.translate(PAGE_W, 0)
        canvas.rotate(90)
    else:
        canvas.translate(0, PAGE_H)
        canvas.rotate(-90)
    width, y = PAGE_H - 2 * MARGIN, PAGE_W - MARGIN
    for kind, text in blocks:
        style = STYLES[kind]
        font, size, leading = style.fontName, style.fontSize, style.leading
        words, line = text.split(), ""
        for word in words:  # greedy wrap, ragged right
            if line and stringWidth(f"{line} {word}", font, size) > width:
                canvas.setFont(font, size)
                canvas.drawString(MARGIN, y - size, line)
                y, line = y - leading, word
            else:
                line = f"{line} {word}".strip()
        canvas.setFont(font, size)
        canvas.drawString(MARGIN, y - size, line)
        y -= leading + style.spaceAfter + 4
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def seed_news_pdf() -> bytes:
    """The seed article as a two-column news page: running header, footer, page numbers,
    a photo with its caption and a footnote; the long words hyphenated at line ends."""
    blocks = [_hyphenate(kind, text) for kind, text in seed_blocks()]
    label = blocks.index(("label", "Ukraine"))
    # A news page's head: section label, title, date.
    head = [
        blocks[label],
        *[b for b in blocks[:label] if b[0] == "title"],
        *[b for b in blocks[:label] if b[0] == "date"],
    ]
    body = blocks[label + 1 :]
    body[2:2] = [("figure", "120"), ("caption", SEED_CAPTION)]
    return news_pdf(
        head + body,
        columns=2,
        header=SEED_HEADER,
        footer=SEED_FOOTER,
        page_numbers=True,
        footnotes={1: [SEED_FOOTNOTE]},
    )


SEED_HEADER = "Der Tagesbote · Ausland · Freitag, 31. Januar 2025"
SEED_FOOTER = "Der Tagesbote"
SEED_CAPTION = "Ukrainische Soldaten in der Region Kursk. Foto: Archiv"
SEED_FOOTNOTE = "1 Zahlen nach Angaben der ukrainischen Streitkräfte und westlicher Dienste."
#: Long words of the seed that may be hyphenated at a line end (soft hyphens).
SEED_SOFT = {
    "Spezialoperationskräfte": "Spezial\xadoperations\xadkräfte",
    "Verteidigungsministerium": "Verteidigungs\xadministerium",
    "Verteidigungsabkommen": "Verteidigungs\xadabkommen",
    "Verteidigungsversprechens": "Verteidigungs\xadversprechens",
    "Massengroundangriffe": "Massen\xadground\xadangriffe",
    "Sicherheitsgründen": "Sicherheits\xadgründen",
    "Schießvermögen": "Schieß\xadvermögen",
    "Trainingsqualität": "Trainings\xadqualität",
}


def _hyphenate(kind: str, text: str) -> tuple[str, str]:
    if kind != "paragraph":
        return kind, text
    for word, soft in SEED_SOFT.items():
        text = text.replace(word, soft)
    return kind, text


def text_blocks(blocks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``(kind, text)`` a reader should return: no figures, no soft hyphens."""
    kinds = {"lead": "paragraph"}
    return [(kinds.get(kind, kind), expected(text)) for kind, text in blocks if kind != "figure"]


# -- bad PDFs --------------------------------------------------------------------------------


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only an image of text: no text layer at all."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for _ in range(pages):
        canvas.drawImage(_grey_image(), MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf(password: str = "geheim") -> bytes:
    """An encrypted PDF: it needs ``password`` to open (with "" only its owner's password is
    set, restricting printing, and anyone can read it)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption(password, ownerPassword="besitzer", canPrint=0)
    canvas = Canvas(buffer, pagesize=A4, encrypt=encrypt)
    canvas.drawString(MARGIN, PAGE_H / 2, "Geheime Mitteilung der Streitkräfte.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    """A real article PDF cut off halfway, as an interrupted download leaves it."""
    data = news_pdf([("title", "Abgebrochen"), ("paragraph", "Ein Satz. " * 200)])
    return data[: len(data) // 2]


# -- exact lines -----------------------------------------------------------------------------


class Sheet:
    """Draw exactly the lines given, where a test needs a break at a chosen place (platypus
    decides its own): paragraphs as lists of lines, justified but for their last line."""

    def __init__(self, page_size: tuple[float, float] = A4, *, unit_fonts: bool = False) -> None:
        """``unit_fonts``: set every font at size 1 and scale the text matrix instead, as
        many producers do ("/F1 1 Tf 10 0 0 10 x y Tm")."""
        from reportlab.pdfgen.canvas import Canvas

        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=page_size, invariant=1)
        self.height = page_size[1]
        self.unit_fonts = unit_fonts

    def lines(
        self,
        lines: Sequence[str],
        x: float,
        top: float,
        width: float,
        *,
        font: str = "Times-Roman",
        size: float = 10,
        leading: float = 13,
        justify_last: bool = False,
        indent: float = 0,
        char_space: float = 0,
    ) -> float:
        """Draw one paragraph's lines from ``top`` (points from the page top); returns the
        top of the line after it."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        for i, line in enumerate(lines):
            text = self.canvas.beginText()
            left = x + (indent if i == 0 else 0)
            scale = size if self.unit_fonts else 1  # text space units per point
            if self.unit_fonts:
                text.setFont(font, 1)
                text.setTextTransform(size, 0, 0, size, left, self.height - top - size)
            else:
                text.setFont(font, size)
                text.setTextOrigin(left, self.height - top - size)
            spaces = line.count(" ")
            word_space = 0.0  # Tw is graphics state: it outlives the text object, so always set
            if spaces and (i < len(lines) - 1 or justify_last):
                slack = width - (left - x) - stringWidth(line, font, size)
                word_space = slack / spaces / scale
            text.setWordSpace(word_space)
            text.setCharSpace(char_space / scale)  # letter-spaced (tracked) type
            text.textLine(line)
            self.canvas.drawText(text)
            top += leading
        return top

    def cells(
        self, row: Sequence[str], x: float, top: float, width: float, *, size: float = 9
    ) -> None:
        """A table row: each cell's text drawn at its own place (``width`` per cell)."""
        self.canvas.setFont("Helvetica", size)
        for i, cell in enumerate(row):
            self.canvas.drawString(x + i * width, self.height - top - size, cell)

    def image(self, x: float, top: float, width: float, height: float) -> float:
        self.canvas.drawImage(_grey_image(), x, self.height - top - height, width, height)
        return top + height

    def page(self) -> None:
        self.canvas.showPage()

    def pdf(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


# -- another producer: Chromium's print to PDF (Skia, embedded TrueType subsets) -------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

_NEWS_CSS = """
@page { size: A4; margin: 2cm; }
body { font-family: 'DejaVu Serif', serif; font-size: 10pt; line-height: 1.35; }
main { columns: 2; column-gap: 18pt; }
h1 { font-family: 'DejaVu Sans', sans-serif; font-size: 22pt; column-span: all; }
.label { font-family: 'DejaVu Sans', sans-serif; font-weight: bold; color: #b00;
         column-span: all; }
.date { font-size: 9pt; column-span: all; }
h2 { font-family: 'DejaVu Sans', sans-serif; font-size: 12pt; margin: 8pt 0 3pt; }
p { margin: 0 0 6pt; text-align: justify; }
"""
_TAGS = {"date": 'p class="date"', "title": "h1", "label": 'p class="label"', "heading": "h2"}


def news_html(blocks: Iterable[tuple[str, str]]) -> str:
    """The article as a two-column news page in HTML (CSS columns)."""
    from html import escape

    body = []
    for kind, text in blocks:
        tag = _TAGS.get(kind, "p")
        body.append(f"<{tag}>{escape(text)}</{tag.split()[0]}>")
    return (
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><style>{_NEWS_CSS}</style>'
        f"</head><body><main>{''.join(body)}</main></body></html>"
    )


def chromium_pdf(html: str) -> bytes:
    """Print a page to PDF with headless Chromium (file:// only, no network)."""
    import subprocess
    import tempfile

    assert CHROMIUM, "needs chromium"
    with tempfile.TemporaryDirectory() as tmp:
        page, out = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return out.read_bytes()


def broken_cmap_pdf(text: str, controls: dict[str, int]) -> bytes:
    """One line of Helvetica whose font maps the letters in ``controls`` to control
    characters (code points), as a broken font encoding does: a hand-made PDF."""
    names = " ".join(f"{ord(ch)} /uni{code:04X}" for ch, code in controls.items())
    content = b"BT /F1 12 Tf 56 700 Td (" + text.encode("latin-1") + b") Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding << /Differences [" + names.encode() + b"] >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
