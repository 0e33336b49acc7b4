"""Measure the lost-content bounds (translator.engine.lengths) on real German-English news.

    python -m benchmarks.length_bounds SOURCE.de REFERENCE.en [SOURCE2.en REFERENCE2.de ...]

Arguments come in pairs of line-aligned files; which file of a pair is German is decided by
the ``.de`` / ``.en`` suffix (the order of a pair does not matter). Each line is a segment (a
sentence or a paragraph), aligned by the test set's authors. A segment is used whole: pairing
the sentences of a paragraph would guess an alignment, and a wrong guess ("They caused a
disruption." for a 25-word German sentence) is what the check must find, not what its bounds
should allow. The pieces of a split sentence are such chunks too. Lengths are counted as the
check counts them (``translator.engine.lengths.count_words``).

It prints the distribution of English/German length ratios and the bounds

    low(n)  = floor(LOW_RATIO * n) - SLACK
    high(n) = ceil(HIGH_RATIO * n) + SLACK

for ``n`` German words: LOW_RATIO and HIGH_RATIO are the 0.1 % and 99.9 % quantiles of the
ratio over segments of at least 10 words, then widened by MARGIN (a model's translation
varies more than a human reference), and SLACK is the smallest slack that keeps at least
99.9 % of all segments (short ones included) inside. The constants in lengths.py are the
output of this script on the data named there; nothing of the data is kept in the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Widening of the measured quantiles: low divided by it, high multiplied by it.
MARGIN = 1.1
#: Share of real segments that must fall inside the bounds.
KEEP = 0.999


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def pairs_from(files: Sequence[Path]) -> list[tuple[str, str]]:
    """(German, English) segment pairs from line-aligned file pairs."""
    if len(files) % 2:
        raise SystemExit("give the files in pairs: GERMAN ENGLISH [GERMAN ENGLISH ...]")
    out: list[tuple[str, str]] = []
    for a, b in zip(files[::2], files[1::2], strict=True):
        de_file, en_file = (b, a) if a.name.endswith(".en") and b.name.endswith(".de") else (a, b)
        de_lines = de_file.read_text("utf-8").splitlines()
        en_lines = en_file.read_text("utf-8").splitlines()
        if len(de_lines) != len(en_lines):
            raise SystemExit(f"{de_file} and {en_file} have different numbers of lines")
        for de, en in zip(de_lines, en_lines, strict=True):
            if not de.strip() or not en.strip():
                continue
            out.append((de.strip(), en.strip()))
    return out


def measure(pairs: Sequence[tuple[str, str]]) -> dict[str, object]:
    from translator.engine.lengths import count_words

    lengths = [(count_words(de), count_words(en)) for de, en in pairs]
    lengths = [(n, m) for n, m in lengths if n > 0]
    long_ratios = [m / n for n, m in lengths if n >= 10]
    low_ratio = round(quantile(long_ratios, 1 - KEEP) / MARGIN, 2)
    high_ratio = round(quantile(long_ratios, KEEP) * MARGIN, 2)

    def inside(n: int, m: int, slack: int) -> bool:
        return math.floor(low_ratio * n) - slack <= m <= math.ceil(high_ratio * n) + slack

    slack = 0
    while sum(inside(n, m, slack) for n, m in lengths) < KEEP * len(lengths):
        slack += 1
    outside = [(n, m) for n, m in lengths if not inside(n, m, slack)]
    return {
        "segments": len(lengths),
        "segments_10_words_or_more": len(long_ratios),
        "ratio_quantiles": {
            str(q): round(quantile(long_ratios, q), 3)
            for q in (0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999)
        },
        "LOW_RATIO": low_ratio,
        "HIGH_RATIO": high_ratio,
        "SLACK": slack,
        "outside": len(outside),
        "outside_examples": outside[:10],
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="+", type=Path, help="line-aligned .de/.en file pairs")
    args = p.parse_args(argv)
    pairs = pairs_from(args.files)
    print(json.dumps(measure(pairs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
