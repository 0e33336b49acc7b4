"""Extraction time per document format, and its share of the translation time.

    python benchmarks/bench_formats.py           # full-size random model (built once, ~minutes)
    python benchmarks/bench_formats.py --quick   # tiny model: a smoke run

The seed article is laid out as each format the tool reads, built here (no downloads): the text
itself; a DOCX (python-docx: Title, Heading 1, a date line, body paragraphs, a header and a
footer); a saved news page (navigation, cookie banner, ads, "read more" list, comments and a
footer around the article); a Markdown file with front matter; a two-column news PDF with a
running header and footer, page numbers, a caption and a footnote (``tests/pdfs.py``). Each row
gives the best of ``--runs`` extractions (``translator.formats.read_document``: detection,
parsing, blocks), the translation of the same document by the tool's pipeline with CTranslate2
int8 (beam 4) and the extraction's share of it. The model is ``benchmarks/bench_speed.py``'s:
the full opus-mt-de-en architecture with random weights, every output forced to 1.2 x its source
length in tokens (see there), so translation time is what a real model spends. Goal: extraction
under 10 % of translation. Extraction per PDF page: ``benchmarks/bench_documents.py``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_speed import RATIO, SEED, WORK, prepare  # noqa: E402

from translator.formats import read_document  # noqa: E402
from translator.text.layout import rebuild  # noqa: E402


def seed_blocks() -> list[Any]:
    return rebuild(SEED.read_text("utf-8"))


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


def seed_pdf() -> bytes:
    from tests.pdfs import seed_news_pdf

    return seed_news_pdf()


def best_of(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model: a smoke run")
    parser.add_argument("--runs", type=int, default=5, help="extractions per format (best of)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (models)")
    args = parser.parse_args()
    work = args.work or (WORK / ("quick" if args.quick else "full"))  # shared with bench_speed
    work.mkdir(parents=True, exist_ok=True)
    prepare(work, args.quick)

    from translator.engine.ct2 import CTranslate2Engine
    from translator.pipeline import Pipeline
    from translator.text.segment import split_sentences

    split_sentences("Erster Satz. Zweiter Satz.")  # pysbd builds its rules once, not per row
    blocks = seed_blocks()
    inputs = {
        "text": ("seed.txt", SEED.read_bytes()),
        "docx": ("seed.docx", as_docx(blocks)),
        "html": ("seed.html", as_html(blocks)),
        "markdown": ("seed.md", as_markdown(blocks)),
        "pdf": ("seed.pdf", seed_pdf()),
    }
    for name, data in inputs.values():  # first use of each library (imports) not timed
        read_document(data, name=name)
    engine = CTranslate2Engine(
        str(work / "ct2-int8"), device="cpu", beam_size=4, force_length_ratio=RATIO
    )
    pipeline = Pipeline(engine)
    pipeline.translate_text("Ein Satz zum Aufwärmen.")
    print(f"model: {'tiny' if args.quick else 'full-size'} random MarianMT, CTranslate2 int8, "
          f"beam 4; extraction best of {args.runs}\n")  # fmt: skip
    header = f"{'format':<10}{'kB':>7}{'blocks':>8}{'sentences':>11}"
    print(header + f"{'extract ms':>12}{'translate s':>13}{'share':>8}")
    for fmt, (name, data) in inputs.items():
        document = read_document(data, name=name)
        assert document.format == fmt, (fmt, document.format)
        extract = best_of(lambda d=data, n=name: read_document(d, name=n), args.runs)
        started = time.perf_counter()
        result = pipeline.translate_document(document)
        translate = time.perf_counter() - started
        print(
            f"{fmt:<10}{len(data) / 1024:>7.1f}{len(document.blocks):>8}"
            f"{len(result.sentences):>11}{extract * 1000:>12.1f}{translate:>13.2f}"
            f"{extract / translate:>8.1%}"
        )
    sys.stdout.flush()
    # As bench_speed: leave without tearing down CTranslate2's threads.
    os._exit(0)


if __name__ == "__main__":
    main()
