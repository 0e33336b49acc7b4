"""Paragraphs rebuilt exactly from generated multi-column news PDFs (issue 23, item 4).

    python -m benchmarks.bench_pdf_columns            # 200 layouts
    python -m benchmarks.bench_pdf_columns --n 50 --seed 1000 --show

Each layout is drawn at random (seeded): two or three columns; a label, a title (short or
long), a date and a bold lead now and then, opening the first column or spanning the page;
1-14 paragraphs of 1-8 sentences with a heading now and then; justified or ragged, spaced
or indented paragraphs; a running header and page numbers or not; Times or Helvetica body
type at 9, 10 or 11 points; gutters of 12, 18 or 24 points (``tests/pdfs.py``'s
``news_pdf``). A paragraph counts as exact when the reader returns a paragraph block with
exactly its text; a document when all its blocks and kinds are exact. Goal: >= 95 % of
paragraphs exact.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections import Counter
from pathlib import Path

from tests.pdfs import news_pdf, paragraph, text_blocks
from translator.formats.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]


TITLES = [
    "Waffenruhe gebrochen",
    "Nordkoreanische Truppen ziehen sich nach Verlusten aus der Region Kursk zurück",
]
LEAD = (
    "Die Lage an der Front bleibt angespannt: Nach schweren Verlusten ziehen sich die "
    "Einheiten zurück, berichten Beobachter aus der Region."
)


def layout(rng: random.Random) -> tuple[list[tuple[str, str]], dict[str, object]]:
    blocks = []
    if rng.random() < 0.4:
        blocks.append(("label", "Ukraine"))
    blocks.append(("title", rng.choice(TITLES)))
    if rng.random() < 0.4:
        blocks.append(("date", "31. Januar 2025"))
    if rng.random() < 0.6:
        blocks.append(("lead", LEAD))
    for n in range(rng.randint(1, 14)):
        if n and rng.randint(0, 4) == 0:
            blocks.append(("heading", f"Lage im Abschnitt {n}"))
        blocks.append(("paragraph", paragraph(n, rng.randint(1, 8))))
    indented = rng.random() < 0.5
    return blocks, {
        "columns": rng.randint(2, 3),
        "indented": indented,
        "ragged": indented and rng.random() < 0.5,
        "header": rng.choice([None, "Der Tagesbote · Politik"]),
        "page_numbers": rng.random() < 0.5,
        "head_in_column": rng.random() < 0.6,
        "body_font": rng.choice(["Times", "Helvetica"]),
        "body_size": rng.choice([9, 10, 11]),
        "gutter": rng.choice([12, 18, 24]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", action="store_true", help="print each layout not exact")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    paragraphs = exact = documents = pages = 0
    for seed in range(args.seed, args.seed + args.n):
        blocks, options = layout(random.Random(seed))
        doc = read_pdf(news_pdf(blocks, **options))  # type: ignore[arg-type]
        want = text_blocks(blocks)
        got = [(b.kind, b.text) for b in doc.blocks]
        found = Counter(text for kind, text in got if kind == "paragraph")
        wanted = [text for kind, text in want if kind == "paragraph"]
        paragraphs += len(wanted)
        exact += sum(found[text] > 0 for text in wanted)
        documents += got == want
        pages += doc.metadata["pages"]
        if args.show and got != want:
            print(f"seed {seed}: {options}")
    print(
        f"{args.n} layouts ({pages} pages): paragraphs exact {exact}/{paragraphs} "
        f"({exact / paragraphs:.1%}); documents exact {documents}/{args.n}"
    )


if __name__ == "__main__":
    main()
