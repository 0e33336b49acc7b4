"""Batch at archive scale: the cost per file of a run, and of a re-run, as the folder grows.

    python -m benchmarks.bench_scale                      # 1,000 and 10,000 files
    python -m benchmarks.bench_scale --sizes 1000 10000 100000
    python -m benchmarks.bench_scale --engine word        # a test double instead of a model
    python -m benchmarks.bench_scale --ray --sizes 1000 5000   # the Ray runner (the driver's cost)

For each size, a fresh process (so its peak RSS is its own) writes that many small German
articles (two sentences each, every one different so the translation memory could not help;
100 per folder; dated an hour back, as an archive's files are) and runs
``translator.batch.translate_folder`` on them twice: the first run translates everything, the
re-run finds nothing changed. It prints, per size:

* first run: seconds, engine seconds (time inside ``translate_batch``), and the overhead per
  file: (total - engine) / files: discovery, planning, hashing, reading, splitting, writing
  and the manifest, everything a file costs besides its translation;
* re-run: seconds per file (nothing to translate: discovery, stat, manifest look-up);
* peak RSS of the process (model included; compare the sizes with each other);
* CPU milliseconds per file (this process, all threads; engine seconds taken off the first
  run's): on a busy machine, the figure that others' load inflates least.

Goals (issue 25): overhead per file flat within 20 % from 1,000 to 100,000 files and at most
2 ms; re-run at most 0.1 ms per file; peak RSS at 100,000 files within 100 MB of 1,000.

The engine is the committed copy-trained MarianMT (``tests/data/copy-marian``, greedy): the
real model code path, its output a copy, NOT a translation; only the overhead columns mean
something beyond this machine. Glossary, QA and translation memory are off (their cost is per
sentence, not per file). The machine's load average is printed: other work on it slows
every column.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import module_command

ROOT = Path(__file__).resolve().parents[1]
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"
PER_FOLDER = 100
WORDS = ["Regierung", "Stadt", "Bericht", "Wahl", "Hafen", "Schule", "Gericht", "Markt"]


class Timed:
    """Wraps an engine and adds up the seconds spent inside ``translate_batch``."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.seconds = 0.0
        self.sentences = 0

    @property
    def signature(self) -> dict[str, Any]:
        return dict(getattr(self.engine, "signature", {"backend": type(self.engine).__name__}))

    def translate_batch(self, sentences: list[str]) -> list[str]:
        started = time.perf_counter()
        try:
            return list(self.engine.translate_batch(sentences))
        finally:
            self.seconds += time.perf_counter() - started
            self.sentences += len(sentences)


def make_articles(folder: Path, count: int) -> None:
    """``count`` articles of two different sentences, ``PER_FOLDER`` to a folder, an hour old."""
    then = time.time() - 3600
    for k in range(count):
        sub = folder / f"{k // PER_FOLDER:05d}"
        if k % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        word = WORDS[k % len(WORDS)]
        path = sub / f"artikel {k:07d}.txt"
        path.write_text(
            f"Die {word} meldet Nummer {k}. Am Abend kam der Bericht {k // 7} dazu.\n",
            encoding="utf-8",
        )
        os.utime(path, (then, then))


class Words:
    """The test suite's word-by-word double, without its record of every call (which would
    grow with the files)."""

    signature = {"backend": "test-double", "model": "word-engine"}

    def __init__(self) -> None:
        from tests.doubles import WordEngine

        self._one = WordEngine()._one

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [self._one(s) for s in sentences]


def engine_for(kind: str) -> Any:
    if kind == "word":
        return Words()
    from translator.engine import load_engine

    return load_engine(str(COPY_MODEL), backend="transformers", device="cpu", beam_size=1)


def one(size: int, kind: str, ray: bool) -> dict[str, Any]:
    """Both runs at one size, in this process (the driver, with ``ray``)."""
    from functools import partial

    from translator.batch import RaySettings, translate_folder
    from translator.options import Options

    options = Options(glossary=False, qa=False, memory=False)
    engine = engine_for(kind)
    engine.translate_batch(["Warm-up."])  # first-call costs are not the batch's
    run = partial(translate_folder, options=options)
    if ray:
        from tests.doubles import WordEngine

        # Two workers with the word double; the engine time is theirs (not measured here).
        settings = RaySettings(workers=2, engine_factory=WordEngine)
        run = partial(translate_folder, options=options, ray=settings)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        make_articles(work / "in", size)
        timed = Timed(engine)
        started, cpu = time.perf_counter(), _cpu()
        first = run(work / "in", work / "out", engine=None if ray else timed)
        first_s, first_cpu = time.perf_counter() - started, _cpu() - cpu
        assert first.ok and len(first.translated) == size, first.failed[:3]
        del first  # the summary lists every file; the re-run's peak is its own
        rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        again = Timed(engine)
        started, cpu = time.perf_counter(), _cpu()
        second = run(work / "in", work / "out", engine=None if ray else again)
        rerun_s, rerun_cpu = time.perf_counter() - started, _cpu() - cpu
        assert len(second.unchanged) == size and again.sentences == 0
    return {
        "files": size,
        "first_s": first_s,
        "first_cpu_s": first_cpu,
        "engine_s": timed.seconds,
        "sentences": timed.sentences,
        "rerun_s": rerun_s,
        "rerun_cpu_s": rerun_cpu,
        "rss_first_mb": rss_first,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _cpu() -> float:
    """CPU seconds of this process (all threads): what the load of others does not inflate
    as much as wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--engine", choices=["copy", "word"], default="copy")
    parser.add_argument("--ray", action="store_true", help="on a local Ray (word double)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child's size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.engine, args.ray)))
        return

    rows = []
    for size in args.sizes:
        load = os.getloadavg()[0]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            module_command("benchmarks.bench_scale", "--one", str(size), "--engine", args.engine,
                           *(["--ray"] if args.ray else [])),
            capture_output=True, text=True, env=env, check=False, cwd=ROOT,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"size {size} failed:\n{done.stderr[-3000:]}")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["load"] = (load, os.getloadavg()[0])
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    engine = "copy-trained MarianMT, greedy" if args.engine == "copy" else "WordEngine double"
    if args.ray:
        engine = "Ray, 2 workers, WordEngine double (engine time not taken off)"
    print(f"engine: {engine}; {PER_FOLDER} files per folder; {os.cpu_count()} CPUs\n")
    print(
        "| files | first run s | engine s | overhead ms/file | CPU ms/file | re-run s "
        "| re-run ms/file | re-run CPU ms/file | peak RSS MB | load avg (before, after) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        n = r["files"]
        overhead = (r["first_s"] - r["engine_s"]) / n * 1000
        cpu = (r["first_cpu_s"] - r["engine_s"]) / n * 1000  # the engine's time is CPU too
        print(
            f"| {n:,} | {r['first_s']:.1f} | {r['engine_s']:.1f} | {overhead:.2f} | {cpu:.2f} "
            f"| {r['rerun_s']:.2f} | {r['rerun_s'] / n * 1000:.3f} "
            f"| {r['rerun_cpu_s'] / n * 1000:.3f} | {r['rss_mb']:.0f} "
            f"| {r['load'][0]:.1f}, {r['load'][1]:.1f} |"
        )


if __name__ == "__main__":
    main()
