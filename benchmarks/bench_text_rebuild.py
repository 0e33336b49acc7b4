"""Paragraphs of PDF-extracted plain text rebuilt exactly (issue 23, item 6).

    python -m benchmarks.bench_text_rebuild [--seed 0] [--per-article 12]

The German news-like articles in tests/data/news_de (written for the tests) are rendered the
way text extraction leaves a PDF (``tests/textset.py``): wrapped by the width of the words in
Times at one of six column widths, hyphenated at line ends with a hyphen or a soft hyphen
(pyphen's German patterns), the title and headings wrapped narrower, page breaks (a form feed
or blank lines) every 9 to 37 lines, inside paragraphs too. Two forms: paragraphs apart by a
blank line (the seed's form; goal >= 97 % exact) and without any blank line between them
(harder: only a short last line shows where a paragraph ends).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.textset import exact_paragraphs, variants

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-article", type=int, default=12)
    args = parser.parse_args()
    for blank, label in ((True, "blank line between paragraphs"), (False, "no blank lines")):
        total = exact = texts = 0
        for text, paragraphs, _ in variants(args.seed, args.per_article, blank_between=blank):
            texts += 1
            total += len(paragraphs)
            exact += exact_paragraphs(text, paragraphs)
        print(f"{label}: {texts} texts, paragraphs exact {exact}/{total} ({exact / total:.1%})")


if __name__ == "__main__":
    main()
