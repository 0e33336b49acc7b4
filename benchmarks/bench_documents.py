"""Extraction time per document format: from the file's bytes to the article's blocks.

    python benchmarks/bench_documents.py

One function per format builds its test documents (the builders of the test suite) and times
its reader, best of 3 runs; each prints rows of one table. PDF: the seed article as a
two-column news page (2 pages), and a long two-column article with running header, footer and
page numbers (14 and 67 pages); ms/page is the number to hold against translation time.
If pdfplumber is installed, a comparison row times only its character extraction
(``page.chars``) on the same 14 pages: what the reader would cost before any layout work had it
been built on pdfplumber/pdfminer.six.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import pdfs  # noqa: E402

#: format, document, pages, kB, blocks, seconds (best of 3), ms per page
Row = tuple[str, str, int, float, int, float, float]


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def long_article(paragraphs: int) -> list[tuple[str, str]]:
    return pdfs.article(paragraphs, sentences=6)


def bench_pdf() -> Iterator[Row]:
    from translator.formats.pdf import read_pdf

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
    for name, data in inputs.items():
        doc = read_pdf(data)
        seconds = best_of(lambda data=data: read_pdf(data))
        pages = doc.metadata["pages"]
        yield "pdf", name, pages, len(data) / 1024, len(doc.blocks), seconds, 1000 * seconds / pages
    try:
        import pdfplumber
    except ImportError:
        return
    data = inputs["long article, 2 columns"]

    def chars() -> int:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return sum(len(page.chars) for page in pdf.pages)

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    seconds = best_of(chars)
    name = "pdfplumber page.chars only"
    yield "pdf", name, pages, len(data) / 1024, 0, seconds, 1000 * seconds / pages


#: One function per format; each yields its rows.
FORMATS: list[Callable[[], Iterator[Row]]] = [bench_pdf]


def main() -> None:
    print(f"{'format':<9}{'document':<30}{'pages':>6}{'kB':>8}{'blocks':>8}{'s':>9}{'ms/page':>9}")
    for bench in FORMATS:
        for fmt, name, pages, kb, blocks, seconds, per_page in bench():
            print(
                f"{fmt:<9}{name:<30}{pages:>6}{kb:>8.0f}{blocks:>8}{seconds:>9.3f}{per_page:>9.1f}"
            )


if __name__ == "__main__":
    main()
