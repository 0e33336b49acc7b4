"""Documents: the text side's speed, extraction per format against translation, PDF per page.

    python -m benchmarks run documents                 # all three parts (full-size model)
    python -m benchmarks.bench_documents --part text   # one part: text, formats or pdf
    python -m benchmarks.bench_documents --quick       # tiny model for the formats part

``text``: normalise + rebuild paragraphs (``translator.text.layout.rebuild``) and sentence
splitting (``translator.text.segment``) on the seed article (4.4 kB), the seed repeated 10x and
100x, and one huge hard-wrapped paragraph (400 kB, the worst case for joining); best of 3.
pysbd's first use (building its rule set) is timed apart.

``formats``: the seed article laid out as each format the tool reads, built here (no
downloads): the text itself; a DOCX (python-docx: Title, Heading 1, a date line, body
paragraphs, a header and a footer); a saved news page (navigation, cookie banner, ads, "read
more" list, comments and a footer around the article); a Markdown file with front matter; a
two-column news PDF with a running header and footer, page numbers, a caption and a footnote
(``tests/pdfs.py``). Each row gives the best of ``--runs`` extractions
(``translator.formats.read_document``: detection, parsing, blocks), the translation of the same
document by the tool's pipeline with CTranslate2 int8 (beam 4) and the extraction's share of
it. The model is the speed benchmark's (``benchmarks.common.prepare_model``: the full
opus-mt-de-en architecture with random weights, every output forced to 1.2 x its source length
in tokens), so translation time is what a real model spends. Goal: extraction under 10 % of
translation.

``pdf``: the whole PDF reader, layout included, per page: the seed article as a two-column
news page (2 pages), and a long two-column article with running header, footer and page
numbers (14 and 67 pages). If pdfplumber is installed, a comparison row times only its
character extraction (``page.chars``) on the same 14 pages: what the reader would cost before
any layout work had it been built on pdfplumber/pdfminer.six.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RATIO, SEED, WORK, best_of, prepare_model

PARTS = ("text", "formats", "pdf")


# -- text: rebuild and sentence splitting ------------------------------------------------------


def bench_text() -> None:
    from translator.text.layout import rebuild
    from translator.text.segment import split_sentences

    seed = SEED.read_text(encoding="utf-8")
    sentence = "Die Truppen ziehen sich am 6. Mai nach Verlusten zurück, berichten die Medien. "
    inputs = {
        "seed": seed,
        "seed x10": seed * 10,
        "seed x100": seed * 100,
        "one wrapped paragraph": "\n".join(textwrap.wrap(sentence * 5000, 65)),
    }
    started = time.perf_counter()
    split_sentences("Erster Satz. Zweiter Satz.")
    first = time.perf_counter() - started
    print("Text: rebuild and sentence splitting, best of 3.\n")
    print("| input | kB | blocks | sentences | rebuild s | split s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, text in inputs.items():
        blocks = rebuild(text)
        sentences = sum(len(split_sentences(b.text)) for b in blocks)
        t_rebuild = best_of(lambda text=text: rebuild(text))
        t_split = best_of(lambda blocks=blocks: [split_sentences(b.text) for b in blocks])
        kb = len(text.encode()) / 1024
        print(f"| {name} | {kb:.1f} | {len(blocks)} | {sentences} | {t_rebuild:.3f} "
              f"| {t_split:.3f} |")  # fmt: skip
    print(f"\npysbd's first use (builds the segmenter): {first:.3f} s\n")


# -- formats: extraction against translation ---------------------------------------------------


def as_docx(blocks: list[Any]) -> bytes:
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Nachrichten aus der Ukraine"
    d.sections[0].footer.paragraphs[0].text = "Alle Rechte vorbehalten."
    styles = {"title": "Title", "heading": "Heading 1", "label": "Subtitle"}
    for block in blocks:
        d.add_paragraph(block.text, style=styles.get(block.kind))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def as_html(blocks: list[Any]) -> bytes:
    from html import escape

    tags = {"title": "h1", "heading": "h2", "label": "p", "date": "p"}
    article = "\n".join(
        f"<{tags.get(b.kind, 'p')}>{escape(b.text)}</{tags.get(b.kind, 'p')}>" for b in blocks
    )
    related = "".join(f'<li><a href="/n/{i}">Weiterlesen: Meldung {i}</a></li>' for i in range(12))
    comments = "".join(
        f'<div class="comment"><p>Kommentar {i}: Ich sehe das anders als der Autor.</p></div>'
        for i in range(20)
    )
    page = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{escape(blocks[2].text)} | Die Zeitung</title><meta name="author" content="Helen Regan">
<meta property="article:published_time" content="2025-01-31T10:00:00Z">
<link rel="canonical" href="https://zeitung.example/politik/truppen"></head><body>
<header><nav><ul>{"".join(f'<li><a href="/r/{i}">Ressort {i}</a></li>' for i in range(15))}
</ul></nav></header><div id="cookie-banner">Wir verwenden Cookies. <button>OK</button></div>
<div class="ad">Anzeige: Jetzt Abo abschließen!</div>
<main><article>{article}</article></main>
<aside class="related"><h3>Mehr zum Thema</h3><ul>{related}</ul></aside>
<section id="comments"><h3>Kommentare</h3>{comments}</section>
<footer><p>© 2025 Die Zeitung GmbH · Impressum · Datenschutz</p></footer></body></html>"""
    return page.encode("utf-8")


def as_markdown(blocks: list[Any]) -> bytes:
    marks = {"title": "# ", "heading": "## ", "date": "*", "label": "*"}
    lines = ["---", "title: Truppen", "author: Helen Regan", "date: 2025-01-31", "---", ""]
    for b in blocks:
        mark = marks.get(b.kind, "")
        close = "*" if mark == "*" else ""
        lines += [f"{mark}{b.text}{close}", ""]
    return "\n".join(lines).encode("utf-8")


def bench_formats(work: Path, quick: bool, runs: int) -> None:
    from tests.pdfs import seed_news_pdf
    from translator.engine.ct2 import CTranslate2Engine
    from translator.formats import read_document
    from translator.pipeline import Pipeline
    from translator.text.layout import rebuild
    from translator.text.segment import split_sentences

    work.mkdir(parents=True, exist_ok=True)
    prepare_model(work, quick)
    split_sentences("Erster Satz. Zweiter Satz.")  # pysbd builds its rules once, not per row
    blocks = rebuild(SEED.read_text("utf-8"))
    inputs = {
        "text": ("seed.txt", SEED.read_bytes()),
        "docx": ("seed.docx", as_docx(blocks)),
        "html": ("seed.html", as_html(blocks)),
        "markdown": ("seed.md", as_markdown(blocks)),
        "pdf": ("seed.pdf", seed_news_pdf()),
    }
    for name, data in inputs.values():  # first use of each library (imports) not timed
        read_document(data, name=name)
    engine = CTranslate2Engine(
        str(work / "ct2-int8"), device="cpu", beam_size=4, force_length_ratio=RATIO
    )
    pipeline = Pipeline(engine)
    pipeline.translate_text("Ein Satz zum Aufwärmen.")
    print(f"Formats: extraction (best of {runs}) against translation by the "
          f"{'tiny (--quick)' if quick else 'full-size'} random MarianMT, CTranslate2 int8, "
          "beam 4.\n")  # fmt: skip
    print("| format | kB | blocks | sentences | extraction ms | translation s | share |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fmt, (name, data) in inputs.items():
        document = read_document(data, name=name)
        assert document.format == fmt, (fmt, document.format)
        extract = best_of(lambda d=data, n=name: read_document(d, name=n), runs)
        started = time.perf_counter()
        result = pipeline.translate_document(document)
        translate = time.perf_counter() - started
        print(f"| {fmt} | {len(data) / 1024:.1f} | {len(document.blocks)} "
              f"| {len(result.sentences)} | {extract * 1000:.1f} | {translate:.2f} "
              f"| {extract / translate:.1%} |")  # fmt: skip
    print()


# -- pdf: the reader per page --------------------------------------------------------------------


def bench_pdf() -> None:
    from tests import pdfs
    from translator.formats.pdf import read_pdf

    def long_article(paragraphs: int) -> list[tuple[str, str]]:
        return pdfs.article(paragraphs, sentences=6)

    header = "Der Tagesbote · Politik · 31. Januar 2025"
    inputs = {
        "seed news page, 2 columns": pdfs.seed_news_pdf(),
        "long article, 2 columns": pdfs.news_pdf(
            long_article(110), columns=2, header=header, footer="Der Tagesbote", page_numbers=True
        ),
        "longer article, 2 columns": pdfs.news_pdf(
            long_article(560), columns=2, header=header, footer="Der Tagesbote", page_numbers=True
        ),
    }
    read_pdf(inputs["seed news page, 2 columns"])  # import pypdfium2 outside the timing
    print("PDF: the whole reader (pypdfium2 and layout), best of 3.\n")
    print("| document | pages | kB | blocks | s | ms/page |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, data in inputs.items():
        doc = read_pdf(data)
        seconds = best_of(lambda data=data: read_pdf(data))
        pages = doc.metadata["pages"]
        print(f"| {name} | {pages} | {len(data) / 1024:.0f} | {len(doc.blocks)} "
              f"| {seconds:.3f} | {1000 * seconds / pages:.1f} |")  # fmt: skip
    try:
        import pdfplumber
    except ImportError:
        print("\n(pdfplumber not installed: no comparison row)\n")
        return
    data = inputs["long article, 2 columns"]

    def chars() -> int:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return sum(len(page.chars) for page in pdf.pages)

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    seconds = best_of(chars)
    print(f"| pdfplumber `page.chars` only (long article) | {pages} | {len(data) / 1024:.0f} "
          f"| — | {seconds:.3f} | {1000 * seconds / pages:.1f} |")  # fmt: skip
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", action="append", choices=PARTS,
                        help="run only this part (repeatable); default: all")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="formats: tiny model, a smoke run")
    parser.add_argument("--runs", type=int, default=5, help="formats: extractions (best of)")
    parser.add_argument("--work", type=Path, default=None, help="formats: model folder")
    args = parser.parse_args()
    parts = args.part or list(PARTS)
    if "text" in parts:
        bench_text()
    if "pdf" in parts:
        bench_pdf()
    if "formats" in parts:
        work = args.work or (WORK / ("quick" if args.quick else "full"))  # bench_speed's too
        bench_formats(work, args.quick, args.runs)
        sys.stdout.flush()
        # As bench_speed: leave without tearing down CTranslate2's threads.
        os._exit(0)


if __name__ == "__main__":
    main()
