"""Read a PDF article: the words of its text layer with font, size and position (pypdfium2),
then the article rebuilt from that geometry (``translator.formats.pdf_layout``).

pypdfium2 (Apache-2.0/BSD, PDFium's C++ parser) is imported only when a PDF is read.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
import statistics
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..errors import CorruptPdfError, EncryptedPdfError, ScannedPdfError
from .base import SIGNATURE, Codec, Document
from .pdf_geometry import Line, Page, Word
from .pdf_layout import rebuild

if TYPE_CHECKING:
    from ..options import Limits

__all__ = ["CODEC", "read_pdf"]

log = logging.getLogger("translator")

#: A word breaks at a gap wider than this share of the font size even without a space.
WORD_GAP = 0.25
#: A line breaks at a gap wider than this share of the font size: a gutter, a tab, or a
#: justified line's stretched space (``pdf_layout`` joins those again unless a gutter is there).
LINE_GAP = 1.5
#: Characters on a baseline this far (share of the size) from the line's are another line.
BASELINE_TOLERANCE = 0.5
#: A character in a smaller font box than this share of its word's first, set higher, is a
#: superscript.
SUPERSCRIPT = 0.8
_SUPERSCRIPTS = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True))
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(?:(\d{2})(\d{2})?)?")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC = re.compile(r"italic|oblique|kursiv", re.IGNORECASE)
_FONT_ITALIC_FLAG = 1 << 6
_SPACES = frozenset({0x20, 0xA0})
_BREAKS = _SPACES | {0x09, 0x0A, 0x0D}
#: A hyphen PDFium marked as a line-end hyphen, and the soft hyphen: a plain hyphen to us;
#: ligatures: their letters.
_LIGATURES = dict(zip("ﬀﬁﬂﬃﬄﬅﬆ", ["ff", "fi", "fl", "ffi", "ffl", "st", "st"], strict=True))
_SPECIAL = {0x02: "-", 0xAD: "-", 0xFFFE: "-"} | {ord(k): v for k, v in _LIGATURES.items()}
#: Control characters (a broken CMap maps glyphs to them): removed, and counted.
_CONTROLS = frozenset(range(0x20)) - _BREAKS - {0x02} | frozenset(range(0x7F, 0xA0))


def read_pdf(data: bytes, *, name: str | None = None) -> Document:
    """Read a PDF's article: title, headings, date, labels, paragraphs, captions, footnotes.

    Each block's ``origin`` is ``{"page": 1, "bbox": [x0, top, x1, bottom]}`` (points from the
    top left of the page turned the way its text reads; the box of the block's lines on its
    first page) plus ``"pages"`` when a paragraph runs on over a page break. ``metadata``:
    ``pages``, the PDF's own ``title`` / ``author`` / ``date`` where set, ``removed``: the
    running headers, footers and page numbers left out, and ``pages_without_text`` if any.
    Raises ``EncryptedPdfError``, ``CorruptPdfError`` or ``ScannedPdfError`` (no text layer).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    label = name or "PDF"
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError(
                f"{label}: the PDF is encrypted; save an unprotected copy and try again"
            ) from exc
        raise CorruptPdfError(
            f"{label}: not a readable PDF (damaged or truncated): {_reason(exc)}"
        ) from exc
    try:
        pages = [_read_page(pdf, index) for index in range(len(pdf))]
        info = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"{label}: damaged PDF page: {_reason(exc)}") from exc
    finally:
        pdf.close()
    if not pages:
        raise CorruptPdfError(f"{label}: the PDF has no pages")
    if not any(page.lines for page in pages):
        raise ScannedPdfError(
            f"{label}: the PDF has no text layer (scanned pages?); run OCR first, "
            "e.g. `ocrmypdf in.pdf out.pdf`"
        )
    blank = [page.number for page in pages if not page.lines and page.images]
    if blank:
        log.warning("%s: pages without text (scanned?) left out: %s", label, blank)
    blocks, removed = rebuild(pages)
    metadata: dict[str, Any] = {"pages": len(pages), "removed": list(dict.fromkeys(removed))}
    if blank:
        metadata["pages_without_text"] = blank
    losses = {
        "page_furniture": len(removed),
        "control_characters": sum(page.controls for page in pages),
        "pages_without_text": len(blank),
    }
    for key, ours in (("Title", "title"), ("Author", "author")):
        if info.get(key, "").strip():
            metadata[ours] = info[key].strip()
    if info.get("CreationDate"):
        metadata["date"] = _iso_date(info["CreationDate"])
    return Document(
        format="pdf",
        blocks=blocks,
        metadata=metadata,
        losses={kind: n for kind, n in losses.items() if n},
    )


def _iso_date(value: str) -> str:
    """A PDF date ("D:20250131120000+01'00'") as an ISO date ("2025-01-31")."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return value.strip()
    return "-".join(part for part in match.groups() if part)


def _reason(exc: Exception) -> str:
    return str(exc).replace("Failed to load document ", "").strip(" .()") or type(exc).__name__


# -- the text layer --------------------------------------------------------------------------


def _read_page(pdf: Any, index: int) -> Page:
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            # Read the page the way most of its text runs: a landscape page set sideways on
            # a portrait one is read upright, not as text turned on its side.
            angle = _text_angle(textpage.raw)
            frame = _Frame(angle, width, height)
            words, controls = _words(textpage.raw, frame)
        finally:
            textpage.close()
        images = [
            frame.box(*obj.get_bounds())
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)
        ]
    finally:
        page.close()
    return Page(index + 1, frame.width, frame.height, _lines(words), images, controls)


class _Frame:
    """Page coordinates (y up) turned so that text at ``angle`` runs left to right, y up."""

    def __init__(self, angle: int, width: float, height: float) -> None:
        self.angle = angle
        turned = angle in (90, 270)
        self.width, self.height = (height, width) if turned else (width, height)
        # y of the frame's top edge, in turned coordinates: a top-down y is ``top - y``.
        self.top = {0: height, 90: 0.0, 180: 0.0, 270: width}[angle]
        self.page_width, self.page_height = width, height

    def turn(self, left: float, right: float, bottom: float, top: float) -> tuple[float, ...]:
        """A box (left, right, bottom, top) as (left, right, high, low) in the frame."""
        w, h = self.page_width, self.page_height
        if self.angle == 90:
            return bottom, top, -left, -right
        if self.angle == 180:
            return w - right, w - left, -bottom, -top
        if self.angle == 270:
            return h - top, h - bottom, right, left
        return left, right, top, bottom

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        """A box as (x0, top, x1, bottom) from the frame's top left."""
        x0, x1, high, low = self.turn(left, right, bottom, top)
        return (x0, self.top - high, x1, self.top - low)


def _angle(a: float, b: float) -> int | None:
    """The direction of a text matrix's baseline: 0, 90, 180 or 270 degrees, or None."""
    degrees = math.degrees(math.atan2(b, a)) % 360
    nearest = round(degrees / 90) % 4 * 90
    return nearest if abs((degrees - nearest + 180) % 360 - 180) < 5 else None


def _text_angle(textpage: Any) -> int:
    """The direction most of the page's text runs in (sampled: a matrix call per char is
    too dear for this)."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(textpage)
    matrix = raw.FS_MATRIX()
    votes: Counter[int | None] = Counter()
    for i in range(0, count, max(1, count // 200)):
        if raw.FPDFText_GetUnicode(textpage, i) in _BREAKS:
            continue
        raw.FPDFText_GetMatrix(textpage, i, matrix)
        votes[_angle(matrix.a, matrix.b)] += 1
    angle = votes.most_common(1)[0][0] if votes else 0
    return angle or 0


def _words(textpage: Any, frame: _Frame) -> tuple[list[Word], int]:
    """The page's words in the text layer's (content stream) order, and how many control
    characters were left out.

    Font and size are looked up once per word (at its first character), the box of every
    character: these C calls are most of the time a page takes. A word's ``baseline`` is the
    bottom of its first character's font box (the descent line): the same for every word set
    on one line in one font, which is all it is compared for.
    """
    import pypdfium2.raw as raw

    get_box = raw.FPDFText_GetLooseCharBox
    height, turn = frame.top, (frame.turn if frame.angle else None)
    count = raw.FPDFText_CountChars(textpage)
    codes = _codes(textpage, count)
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    fonts: dict[int | None, tuple[bool, bool]] = {}
    words: list[Word] = []
    chars: list[str] = []
    # The word being read: its box in PDF coordinates (y up), font size and style.
    x0 = x1 = top = bottom = base = size = em = 0.0
    style = (False, False)
    rotated = False  # not set along the page's x axis: read in text order, not by geometry

    def flush() -> None:
        text = "".join(chars)
        if text.strip():
            word = Word(text, x0, height - top, x1, height - bottom, height - base, size, *style)
            word.rotated = rotated
            words.append(word)
        chars.clear()

    controls = 0
    for i, code in enumerate(codes):
        if code in _CONTROLS:  # left out; its box still belongs to its word (no gap there)
            controls += 1
            if chars:
                get_box(textpage, i, rect)
                right = rect.right
                if turn:
                    right = turn(rect.left, rect.right, rect.bottom, rect.top)[1]
                x1 = max(x1, right)
            continue
        if code in _BREAKS:
            flush()
            if code in _SPACES and words and not raw.FPDFText_IsGenerated(textpage, i):
                words[-1].space_after = True  # a space in the text: a justified line goes on
            continue
        get_box(textpage, i, rect)
        if turn:
            left, right, high, low = turn(rect.left, rect.right, rect.bottom, rect.top)
        else:
            left, right, high, low = rect.left, rect.right, rect.top, rect.bottom
        if (
            chars
            and not rotated
            and (
                abs(low - base) > BASELINE_TOLERANCE * size
                or left - x1 > WORD_GAP * size
                or left < x0 - 0.5 * size
            )
        ):
            flush()
        char = _SPECIAL.get(code) or chr(code)
        if chars:
            if high - low < SUPERSCRIPT * em and low > base + 0.15 * size:
                char = _SUPERSCRIPTS.get(char, char)  # a footnote mark: "Verluste¹"
            # Plain comparisons: this runs once per character.
            if right > x1:
                x1 = right
            if left < x0:
                x0 = left
            if high > top:
                top = high
            if low < bottom:
                bottom = low
        else:
            x0, x1, top, bottom, base = left, right, high, low, low
            em = high - low
            # The size as set (Tf) times the scale of text and page matrices: "1 Tf" with
            # "10 0 0 10 x y Tm" is 10-point type, as is "5 Tf" under a doubling "cm".
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            scale = math.hypot(matrix.c, matrix.d) or 1.0
            if matrix.b == 0 and matrix.a > 0:  # upright, the common case: no trigonometry
                rotated = frame.angle != 0
            else:
                rotated = _angle(matrix.a, matrix.b) != frame.angle
            size = raw.FPDFText_GetFontSize(textpage, i) * scale or em
            obj = ctypes.cast(raw.FPDFText_GetTextObject(textpage, i), ctypes.c_void_p).value
            if obj not in fonts:
                raw.FPDFText_GetFontInfo(textpage, i, name, len(name), flags)
                font = _SUBSET.sub("", name.value.decode("utf-8", "replace"))
                weight = raw.FPDFText_GetFontWeight(textpage, i)
                fonts[obj] = (
                    bool(_BOLD.search(font)) or weight >= 600,
                    bool(_ITALIC.search(font)) or bool(flags.value & _FONT_ITALIC_FLAG),
                )
            style = fonts[obj]
        chars.append(char)
    flush()
    return words, controls


def _codes(textpage: Any, count: int) -> list[int]:
    """Each character's code point: the page's text in one call where it maps one to one."""
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = raw.FPDFText_GetText(
        textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    )
    text = buffer.raw[: 2 * max(written - 1, 0)].decode("utf-16-le", "surrogatepass")
    if len(text) == count and "\ufffd" not in text:
        return [ord(ch) for ch in text]
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


def _lines(words: list[Word]) -> list[Line]:
    """Consecutive words on one baseline make a line, unless a wide gap without a space in
    the text separates them (a gutter; a justified line's stretched spaces are spaces)."""
    lines: list[list[Word]] = []
    for word in words:
        current = lines[-1] if lines else None
        if current and (word.rotated or current[-1].rotated):
            if word.rotated and current[-1].rotated and current[-1].space_after:
                current.append(word)  # turned text: the text layer's order is its order
            else:
                lines.append([word])
            continue
        if current:
            last = current[-1]
            if _superior(word, last):
                last.text += "".join(_SUPERSCRIPTS.get(c, c) for c in word.text)
                last.x1, last.top = max(last.x1, word.x1), min(last.top, word.top)
                last.space_after = word.space_after
                continue
            size = max(word.size, last.size)
            if (
                abs(word.baseline - last.baseline) <= BASELINE_TOLERANCE * size
                and -0.5 * size <= word.x0 - last.x1
                and (word.x0 - last.x1 <= LINE_GAP * size or last.space_after)
            ):
                current.append(word)
                continue
        lines.append([word])
    return [Line(_letter_spaced(ws)) for ws in lines]


#: Letter-spaced text ("D o u b l e"): at least this many one-character words in a row.
SPACED_RUN = 4


def _letter_spaced(words: list[Word]) -> list[Word]:
    """Join the letters of letter-spaced (tracked) words, which PDFium gives one by one:
    a run of one-character words set evenly and closely apart, without spaces between them
    in the text; a space there or a wider gap than the letters' is a word space
    ("D o u b l e q u o t e  V e r l a g" -> "Doublequote Verlag")."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j].text) == 1 and not words[j].rotated:
            j += 1
        if j - i < SPACED_RUN:
            out.append(words[i])
            i += 1
            continue
        run = words[i:j]
        gaps = [b.x0 - a.x1 for a, b in zip(run, run[1:], strict=False)]
        letter = statistics.median(gaps)
        if letter > 0.6 * run[0].size:
            out += run  # a row of figures in a table, not letters of one word
            i = j
            continue
        word = run[0]
        for gap, nxt in zip(gaps, run[1:], strict=True):
            if word.space_after or (gap > 1.4 * letter and gap - letter > 0.1 * nxt.size):
                out.append(word)
                word = nxt
                continue
            word = Word(
                word.text + nxt.text, word.x0, min(word.top, nxt.top), nxt.x1,
                max(word.bottom, nxt.bottom), word.baseline, word.size, word.bold,
                word.italic, nxt.space_after,
            )  # fmt: skip
        out.append(word)
        i = j
    return out


def _superior(word: Word, last: Word) -> bool:
    """``word`` is a footnote mark set superior right after ``last`` ("Verluste¹")."""
    raised = last.baseline - word.baseline  # y grows downwards
    return (
        len(word.text) <= 3
        and word.size <= SUPERSCRIPT * last.size
        and 0.15 * last.size < raised <= 0.7 * last.size
        and -0.5 <= word.x0 - last.x1 <= 0.3 * last.size
        and not last.space_after
    )


# -- the codec ------------------------------------------------------------------------------


def sniff(data: bytes, suggested: str | None) -> int | None:
    """``%PDF-`` at the start; or, after other bytes (a Ghostscript banner, a mail header),
    where readers look for it (the first 1024 bytes), starting a line, in a file that ends as
    a PDF does, so that a text that mentions ``%PDF-`` stays text."""
    if data.lstrip()[:5] == b"%PDF-":
        return SIGNATURE
    at = data.find(b"%PDF-", 0, 1024)
    if at > 0 and data[at - 1 : at] in (b"\n", b"\r") and b"%%EOF" in data[-2048:]:
        return SIGNATURE
    return None


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    return read_pdf(data, name=name)


#: Read only; written as Markdown when no output format is asked (its structure, not its
#: page geometry).
CODEC = Codec("pdf", suffixes=(".pdf",), sniff=sniff, read=_read, output="markdown")
