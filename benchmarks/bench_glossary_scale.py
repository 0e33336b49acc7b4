"""Glossary at termbase scale: load, match and import 1k / 10k / 50k entries.

    python benchmarks/bench_glossary_scale.py                  # 1k, 10k, 50k (~3 min, 2 cores)
    python benchmarks/bench_glossary_scale.py --sizes 1000     # one size
    python benchmarks/bench_glossary_scale.py --reference 10000  # also time today's all-regex
                                                                  # matcher up to this size

The termbase is generated deterministically (``tests/termbase.py``): the packaged glossary, then
nouns and hyphen compounds from wordfreq's German words, adjective + noun terms, people (first +
last names), places and acronyms, with English renderings from wordfreq's English words. The
news sentences use its terms inflected (adjective endings, plural and genitive endings) among
frequent German words; the seed is the article in ``seeds/``, split into sentences by
``translator.segment``.

For each size the table gives:

* load -- `load_glossary` plus building the match index, each in a fresh process: *cold*
  (nothing stored yet: YAML parsing, validation, indexing, storing the compiled glossary) and
  *warm* (the stored compiled glossary is read); RSS is that process's peak resident memory
  minus its resident memory before loading (the glossary on top of the tool);
* matching -- `Glossary.find` per sentence on the seed and on 1,000 news sentences, and
  `Glossary.find_renderings` per English sentence (first call to an entry compiles its regex,
  included);
* identity -- `Matcher` and `ReferenceMatcher` (every entry's regex on every sentence, the
  matcher before the index) return the same matches on every news sentence; asserted for sizes
  up to ``--reference`` (default 1,000), whose reference times are printed too;
* import -- `import_glossary` of the termbase exported as CSV and as TBX (parse, validate,
  conflict and common-word checks), and writing the YAML.

Goals at 50,000 entries: load <= 1 s warm and <= 5 s cold, matching <= 2 ms per sentence,
< 300 MB resident on top of the tool.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"

LOAD = """
import json, sys, time
from pathlib import Path
from translator.glossary import load_glossary

t = time.perf_counter()
g = load_glossary(Path(sys.argv[1]))
g.find("Die Truppen ziehen sich zurück.")  # the index is built (or read) by now
seconds = time.perf_counter() - t
# VmHWM, not ru_maxrss: on Linux that one keeps the parent's peak across fork + exec.
status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak": peak, "entries": len(g)}))
"""
TINY = "entries:\n  - {source: Kiew, target: Kyiv, category: place}\n"


def load_in_fresh_process(path: Path, cache: Path) -> dict:
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(path)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def per_sentence_ms(find, sentences: list[str]) -> tuple[float, list]:
    t = time.perf_counter()
    results = [find(s) for s in sentences]
    return (time.perf_counter() - t) * 1000 / len(sentences), results


def key(matches: list) -> list:
    return [(m.entry.source, m.start, m.end, m.text, m.exact) for m in matches]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument(
        "--reference",
        type=int,
        default=1000,
        help="assert identity with (and time) the reference matcher up to this size",
    )
    args = parser.parse_args()

    from tests.termbase import english_sentences, news_sentences, termbase
    from translator.glossary import dump_entries, load_glossary
    from translator.glossary.interchange import export, import_glossary
    from translator.glossary.match import ReferenceMatcher
    from translator.segment import split_sentences

    seed = [s for p in SEED.read_text(encoding="utf-8").split("\n\n") for s in split_sentences(p)]
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.yaml"
        tiny.write_text(TINY, encoding="utf-8")
        base = load_in_fresh_process(tiny, Path(tmp) / "cache")["peak"]
    rows = []
    for size in args.sizes:
        entries = termbase(size)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            path = work / "glossary.yaml"
            path.write_text(dump_entries(entries), encoding="utf-8")
            cold = load_in_fresh_process(path, work / "cache")
            warm = load_in_fresh_process(path, work / "cache")

            os.environ["TRANSLATOR_CACHE_DIR"] = str(work / "cache")  # never the user's
            glossary = load_glossary(path)  # the stored copy: the index is ready
            news = news_sentences(entries, 1000)
            english = english_sentences(entries, 1000)
            # First pass: each entry's regex is compiled when first tried; then again.
            seed_ms = [per_sentence_ms(glossary.find, seed)[0] for _ in range(2)]
            news_first, found = per_sentence_ms(glossary.find, news)
            news_ms = [news_first, per_sentence_ms(glossary.find, news)[0]]
            en_ms = [per_sentence_ms(glossary.find_renderings, english)[0] for _ in range(2)]
            matched = sum(len(f) for f in found)

            ref_ms = None
            if size <= args.reference:
                reference = ReferenceMatcher(glossary.entries)
                ref_ms, ref_found = per_sentence_ms(reference.find, news)
                assert [key(f) for f in found] == [key(f) for f in ref_found], "not identical"

            imports = {}
            for fmt in ("csv", "tbx"):
                text = export(list(entries), fmt)
                t = time.perf_counter()
                result = import_glossary(text, fmt, f"termbase.{fmt}", allow_common=True)
                dump_entries(result.entries)
                imports[fmt] = time.perf_counter() - t
                assert len(result.entries) == size
        rows.append((size, cold, warm, seed_ms, news_ms, en_ms, matched, ref_ms, imports))
        print(f"... {size} entries done", file=sys.stderr)

    head = (
        f"{'entries':>7} {'cold s':>6} {'warm s':>6} {'+RSS MB':>7} {'seed ms/sent':>13} "
        f"{'news ms/sent':>13} {'EN ms/sent':>13} {'matches':>7} {'reference ms/sent':>17} "
        f"{'import csv s':>12} {'import tbx s':>12}"
    )
    print(head)
    print("-" * len(head))
    for size, cold, warm, seed_ms, news_ms, en_ms, matched, ref_ms, imports in rows:
        ref = f"{ref_ms:.2f} (same)" if ref_ms is not None else "-"
        rss = max(cold["peak"], warm["peak"]) - base
        cells = [f"{a:.2f} / {b:.2f}" for a, b in (seed_ms, news_ms, en_ms)]
        print(
            f"{size:>7} {cold['seconds']:>6.2f} {warm['seconds']:>6.2f} {rss:>7.0f} "
            f"{cells[0]:>13} {cells[1]:>13} {cells[2]:>13} {matched:>7} {ref:>17} "
            f"{imports['csv']:>12.2f} {imports['tbx']:>12.2f}"
        )
    print(
        f"\ncold/warm s: load_glossary + index, fresh process, nothing stored / stored copy read. "
        f"+RSS: peak RSS of that process minus the peak with a 1-entry glossary ({base:.0f} MB). "
        f"ms/sent: first pass (each entry's regex is compiled the first time it is tried) / "
        f"again. seed: {len(seed)} sentences; news: 1,000 generated sentences; EN: "
        "find_renderings on 1,000 English ones. "
        "reference: every entry's regex on every news sentence (same results asserted)."
    )


if __name__ == "__main__":
    main()
