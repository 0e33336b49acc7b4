"""Glossary cost: load + compile time of a glossary, and match/enforce time per sentence.

    python -m benchmarks.bench_glossary                       # the packaged glossary
    python -m benchmarks.bench_glossary --glossary OLD.yaml   # e.g. an older version, to compare
    git show REV:translator/data/glossary.yaml > /tmp/old.yaml   # (how to get an older one)

Rows (median of ``--repeat`` runs in this process; the first, cold run is shown too):

* load: read the YAML and validate every entry (`translator.glossary.schema`);
* compile: build the `Glossary` (the matcher's anchors; an entry's regex is compiled when its
  anchor first occurs in a text, so the first pass over the input pays that part);
* load + compile + the first ``prepare`` of every input sentence: what ``translator translate``
  pays once per run for the glossary, also as a share of a
  translation of the seed article (``--translation-seconds``: default 3.17 s of translation
  work and 5.39 s for the whole ``translator translate`` process, CTranslate2 int8, beam 4, as
  measured by ``benchmarks/bench_speed.py`` on 27 Nov 2026: docs/performance.md, Speed);
* per sentence, over the seed's sentences: ``find`` (German matching), ``prepare`` (matching +
  injection, and name transliteration when on) and ``finalize`` (verification and repair of an
  output that copies the prepared sentence; its per-entry English patterns are built on first
  use, so the first pass is shown apart).
"""

from __future__ import annotations

import argparse
import inspect
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK = time.perf_counter  # --clock cpu: time.process_time
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"


def _timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first run, median of the runs) in seconds."""
    times = []
    for _ in range(repeat):
        started = CLOCK()
        fn()
        times.append(CLOCK() - started)
    return times[0], statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--glossary", type=Path, help="glossary YAML [default: the packaged one]")
    parser.add_argument("--input", type=Path, default=SEED, help="German article [the seed]")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: this process's CPU time (steadier on a busy machine)")
    parser.add_argument("--no-transliterate", action="store_true",
                        help="measure without name transliteration")
    parser.add_argument("--translation-seconds", type=float, nargs=2, default=(3.17, 5.39),
                        metavar=("WORK", "PROCESS"))
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    from translator import config
    from translator.glossary import Glossary
    from translator.glossary.schema import read_entries
    from translator.pipeline import Pipeline

    path = args.glossary or config.packaged_glossary()
    # Name transliteration and QA look words up in wordfreq; its data loads once per process
    # (QA pays it anyway when on). Loaded first and shown apart: the rows below are the glossary.
    started = CLOCK()
    from translator.qa.words import zipf

    zipf("haus", "de"), zipf("house", "en")
    wordfreq_load = CLOCK() - started
    load_first, load = _timed(lambda: read_entries(path), args.repeat)
    located = read_entries(path)
    entries = [loc.entry for loc in located]
    # (also runs against an older checkout of the package, from before name transliteration)
    names = not args.no_transliterate and "transliterate" in inspect.signature(Glossary).parameters
    extra = {"transliterate": names} if "transliterate" in inspect.signature(Glossary).parameters \
        else {}

    def compile_cold() -> None:
        re.purge()  # Python's regex cache would otherwise make every run after the first free
        Glossary(entries, path=path, **extra)

    compile_first, compiled = _timed(compile_cold, args.repeat)
    glossary = Glossary(entries, path=path, **extra)

    text = args.input.read_text(encoding="utf-8")
    job = Pipeline(engine=None).prepare(text)  # type: ignore[arg-type]
    sentences = [u.source for units in job.units for u in units]
    n = len(sentences)

    def find_all() -> None:
        for s in sentences:
            glossary.find(s)

    def prepare_all() -> list:  # type: ignore[type-arg]
        return [glossary.prepare(s) for s in sentences]

    prepared = prepare_all()

    def finalize_all() -> None:
        for p in prepared:
            glossary.finalize(p, p.text)

    fresh = Glossary(entries, path=path, **extra)
    re.purge()
    started = CLOCK()
    prepared = [fresh.prepare(s) for s in sentences]  # first pass: compiles what the seed needs
    first_pass = CLOCK() - started
    re.purge()
    find_first, find_t = _timed(find_all, args.repeat)
    _, prepare_t = _timed(prepare_all, args.repeat)
    re.purge()
    final_first, final_t = _timed(finalize_all, args.repeat)
    total_first, total = load_first + compile_first + first_pass, load + compiled + first_pass
    work, process = args.translation_seconds

    print(f"glossary: {path} ({len(glossary)} entries; name transliteration "
          f"{'on' if names else 'off'})")
    print(f"input:    {args.input.name} ({n} sentences); median of {args.repeat} runs; "
          f"{args.clock} clock")
    print()
    print(f"| {'step':<46} | {'first':>9} | {'median':>9} |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 11}|")
    rows = [
        ("wordfreq data (de + en), s, once per process", wordfreq_load, None),
        ("load (read + validate), s", load_first, load),
        ("compile (Glossary(...)), s", compile_first, compiled),
        ("load + compile + first prepare of the input, s", total_first, total),
        ("find, ms per sentence", find_first / n * 1e3, find_t / n * 1e3),
        ("prepare, ms per sentence", first_pass / n * 1e3, prepare_t / n * 1e3),
        ("finalize, ms per sentence", final_first / n * 1e3, final_t / n * 1e3),
    ]
    for name, first, median in rows:
        shown = f"{first:.4f}" if first is not None else ""
        med = f"{median:.4f}" if median is not None else ""
        print(f"| {name:<46} | {shown:>9} | {med:>9} |")
    print()
    print(
        f"load + compile + first prepare (first run) = {total_first / work:.1%} of {work} s of "
        "translation work, "
        f"{total_first / process:.1%} of a {process} s `translator translate` process"
    )


if __name__ == "__main__":
    main()
