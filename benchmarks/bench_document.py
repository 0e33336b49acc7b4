"""Speed of the text side: normalise + rebuild paragraphs, and sentence splitting.

    python benchmarks/bench_document.py

Inputs: the seed article (4.4 kB), the seed repeated 10x and 100x, and one huge hard-wrapped
paragraph (400 kB, the worst case for joining). Prints one row per input: best of 3 runs.
pysbd's first use (building its rule set) is timed apart.
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translator.text.layout import rebuild  # noqa: E402
from translator.text.segment import split_sentences  # noqa: E402


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    seed = (ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt").read_text(encoding="utf-8")
    sentence = "Die Truppen ziehen sich am 6. Mai nach Verlusten zurück, berichten die Medien. "
    inputs = {
        "seed": seed,
        "seed x10": seed * 10,
        "seed x100": seed * 100,
        "one wrapped paragraph": "\n".join(textwrap.wrap(sentence * 5000, 65)),
    }
    started = time.perf_counter()
    split_sentences("Erster Satz. Zweiter Satz.")
    print(f"pysbd first use (builds the segmenter): {time.perf_counter() - started:.3f} s\n")

    print(f"{'input':<24}{'kB':>8}{'blocks':>8}{'sentences':>11}{'rebuild s':>11}{'split s':>9}")
    for name, text in inputs.items():
        blocks = rebuild(text)
        sentences = sum(len(split_sentences(b.text)) for b in blocks)
        t_rebuild = best_of(lambda text=text: rebuild(text))
        t_split = best_of(lambda blocks=blocks: [split_sentences(b.text) for b in blocks])
        kb = len(text.encode()) / 1024
        print(
            f"{name:<24}{kb:>8.1f}{len(blocks):>8}{sentences:>11}{t_rebuild:>11.3f}{t_split:>9.3f}"
        )


if __name__ == "__main__":
    main()
