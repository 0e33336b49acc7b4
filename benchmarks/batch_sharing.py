"""Batch conversion: sentences of many files sharing engine batches vs. file by file.

    python -m benchmarks.batch_sharing --model PATH_OR_HUB_ID   # a real MarianMT
    python -m benchmarks.batch_sharing                          # a tiny random MarianMT

Builds a folder of N short articles (sentences of the seed article, each tagged with its
article number so no two files share a sentence and the translation memory cannot help),
then runs ``translator.batch.translate_folder`` three ways and prints a table:

* file by file (``chunk_sentences=1``: every file is its own ``Pipeline.run``),
* shared (the default chunking: many files per run, so per-call overhead and padding are
  paid once per batch, not once per file),
* a re-run with nothing changed (must make no engine call and load no model).

The engine calls column counts ``translate_batch`` calls (the pipeline sends up to 64
distinct sentences per call; the engine batches inside). Without ``--model`` the engine is the
tiny random MarianMT of the test suite: the real MarianMT code path, but its output is noise
and its speed is not the real model's; only the ratio between the rows means something.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"


class Counting:
    """Wraps an engine and counts the calls and sentences it gets."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls = 0
        self.sentences = 0

    @property
    def signature(self) -> dict[str, Any]:
        return dict(getattr(self.engine, "signature", {"backend": type(self.engine).__name__}))

    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.calls += 1
        self.sentences += len(sentences)
        return list(self.engine.translate_batch(sentences))


def make_articles(folder: Path, count: int, per_article: int) -> None:
    """Write ``count`` articles of ``per_article`` seed sentences."""
    from translator.pipeline import Pipeline
    from translator.text.decode import read_file

    sentences = [
        u.source
        for units in Pipeline(engine=None).prepare(read_file(SEED)).units  # type: ignore[arg-type]
        for u in units
    ]
    for k in range(count):
        picked = [sentences[(k * per_article + j) % len(sentences)] for j in range(per_article)]
        body = " ".join(f"Bericht {k}: {s}" for s in picked)
        path = folder / f"{k // 10:02d}" / f"artikel {k:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body + "\n", encoding="utf-8")


def load(args: argparse.Namespace, work: Path) -> tuple[Any, str]:
    from translator.engine import load_engine

    if args.model:
        return load_engine(args.model, device="cpu", beam_size=args.beam_size), args.model
    from tests.models import build_marian_model

    model = build_marian_model(work / "tiny-marian", seed=0)
    engine = load_engine(str(model), backend="transformers", device="cpu", beam_size=args.beam_size)
    return engine, "tiny random MarianMT (real code path, noise output: NOT a translation)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="Hub id or folder of a MarianMT model")
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--sentences", type=int, default=4, help="sentences per article")
    parser.add_argument("--beam-size", type=int, default=1)
    args = parser.parse_args()

    from translator.batch import translate_folder
    from translator.options import Options

    options = Options(glossary=False, qa=False)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_articles(work / "in", args.files, args.sentences)
        total = 0
        engine, name = load(args, work)
        engine.translate_batch(["Warm-up."])  # first-call costs are not the batch's
        rows = []
        for label, out, chunk in [
            ("file by file", "out-single", 1),
            ("shared batches", "out-shared", 256),
            ("re-run, unchanged", "out-shared", 256),
        ]:
            counting = Counting(engine)
            started = time.perf_counter()
            summary = translate_folder(
                work / "in", work / out, options=options, engine=counting, chunk_sentences=chunk
            )
            seconds = time.perf_counter() - started
            assert summary.ok, summary.failed
            done = len(summary.translated)
            total = max(total, summary.sentences)  # as the splitter counts them
            rows.append((label, done, counting.calls, counting.sentences, seconds))

    print(f"engine: {name}; {args.files} files, {total} sentences")
    print(f"| {'run':<18} | translated | engine calls | sentences sent | seconds | sent/s |")
    print(f"|{'-' * 20}|-----------:|-------------:|---------------:|--------:|-------:|")
    for label, files, calls, sent, seconds in rows:
        rate = f"{sent / seconds:.1f}" if sent else "-"
        cells = f"{files:>10} | {calls:>12} | {sent:>14} | {seconds:>7.2f} | {rate:>6}"
        print(f"| {label:<18} | {cells} |")


if __name__ == "__main__":
    main()
