"""Glossary at termbase scale: load, match and import 1k / 10k / 50k entries.

    python -m benchmarks.bench_glossary_scale                  # 1k, 10k, 50k (~3 min, 2 cores)
    python -m benchmarks.bench_glossary_scale --sizes 1000     # one size
    python -m benchmarks.bench_glossary_scale --reference 10000  # also time today's all-regex
                                                                  # matcher up to this size
    python -m benchmarks.bench_glossary_scale --termbase FILE --sentences FILE [--entries 10000]
                                           # a real third-party termbase instead (see below)

The termbase is generated deterministically (``tests/termbase.py``): the packaged glossary, then
nouns and hyphen compounds from wordfreq's German words, adjective + noun terms, people (first +
last names), places and acronyms, with English renderings from wordfreq's English words. The
news sentences use its terms inflected (adjective endings, plural and genitive endings) among
frequent German words; the seed is the article in ``seeds/``, split into sentences by
``translator.text.segment``.

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

* work -- all glossary work per sentence as the pipeline does it: `Glossary.prepare`, then
  `Glossary.finalize` of an output that echoes the prepared sentence, then the term report
  (the hits as JSON), in CPU time of the process; first pass (every pattern compiled when
  first needed) / again, and the number of regular expressions compiled in the first pass
  (Python's ``re`` cache holds 512 patterns, so a pattern that is not kept is compiled again
  and again at termbase scale).

A real termbase (``--termbase``) replaces the generated one: a CSV/TSV/TBX file (imported with
`import_glossary`, the first of entries sharing a source form kept), or the German-English
dictionary of Debian's ``trans-de-en`` package (Ding format, GPL-2+; get it with
``apt-get download trans-de-en && dpkg -x trans-de-en_*.deb x``, file
``x/usr/share/trans/de-en``): its nouns with their plural forms, ``--entries`` of them taken
evenly through the file. ``--sentences`` is a German text, one sentence or paragraph a line
(split into sentences). Nothing of either is committed.

Goal for the work at 10,000 entries: <= 2 ms per sentence (first pass).

Goals at 50,000 entries: load <= 1 s warm and <= 5 s cold, matching <= 2 ms per sentence,
< 300 MB resident on top of the tool.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def work_ms(glossary, sentences: list[str]) -> tuple[float, float, int]:
    """prepare + finalize (echo) + JSON report per sentence: (first pass, again) ms, compiles."""
    import re._compiler as compiler

    compiled = [0]
    original = compiler.compile

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        compiled[0] += 1
        return original(*args, **kwargs)

    def run() -> float:
        # CPU time of this process: the machine this runs on is shared, and wall time then
        # counts other processes' work too.
        t = time.process_time()
        for s in sentences:
            prepared = glossary.prepare(s)
            _, hits = glossary.finalize(prepared, prepared.text)
            json.dumps([dataclasses.asdict(h) for h in hits])
        return (time.process_time() - t) * 1000 / len(sentences)

    compiler.compile = counting
    try:
        first = run()
    finally:
        compiler.compile = original
    return first, run(), compiled[0]


_DING_GENDER = re.compile(r"\s*\{[^}]*\}|\s*\[[^\]]*\]|\s*\([^)]*\)")


def ding_entries(path: Path, count: int) -> list:
    """``count`` noun entries of a Ding-format dictionary (Debian ``trans-de-en``), taken evenly
    through the file: German singular, its plural as a form, the first English rendering."""
    from translator.glossary import Entry

    rows = []
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or " :: " not in line:
            continue
        de, en = line.split(" :: ", 1)
        de_groups, en_groups = de.split(" | "), en.split(" | ")
        head = de_groups[0].split(";")[0]
        if "{m}" not in head and "{f}" not in head and "{n}" not in head:
            continue  # nouns only
        source = _DING_GENDER.sub("", head).strip()
        target = _DING_GENDER.sub("", en_groups[0].split(";")[0]).strip()
        if not source[:1].isupper() or not target or "/" in source + target or "..." in source:
            continue
        if source.casefold() in seen:
            continue
        forms = []
        if len(de_groups) > 1 and "{pl}" in de_groups[1].split(";")[0]:
            pl = _DING_GENDER.sub("", de_groups[1].split(";")[0]).strip()
            if pl and pl != source and "/" not in pl:
                forms.append(pl)
        seen.add(source.casefold())
        rows.append((source, target, forms))
    step = max(1, len(rows) // count)
    return [
        Entry(source=s, target=t, category="term", forms=tuple(f), number="both")
        for s, t, f in rows[::step][:count]
    ]


def real_termbase(path: Path, count: int) -> list:
    """Entries of a third-party termbase file (see the module docstring)."""
    from translator.glossary.interchange import guess_format, import_glossary

    text = path.read_text(encoding="utf-8")
    if " :: " in text[:20000] and "{" in text[:20000]:
        return ding_entries(path, count)
    fmt = guess_format(path.name, text)
    entries = import_glossary(text, fmt, str(path), on_conflict="first", allow_common=True).entries
    step = max(1, len(entries) // count)
    return list(entries[::step][:count])


def measure_termbase(path: Path, text: Path, count: int) -> None:
    """The work per sentence with a real termbase on real German sentences."""
    from translator.glossary import Glossary, dump_entries
    from translator.text.segment import split_sentences

    entries = real_termbase(path, count)
    sentences = [
        s for line in text.read_text(encoding="utf-8").splitlines() for s in split_sentences(line)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRANSLATOR_CACHE_DIR"] = tmp  # never the user's
        Glossary.from_yaml(dump_entries(entries))  # validates as a file would be
        glossary = Glossary(entries)
        first, again, compiles = work_ms(glossary, sentences)
        matched = sum(len(glossary.find(s)) for s in sentences)
    print(f"termbase {path.name}: {len(entries)} entries; {len(sentences)} sentences")
    print(f"matches: {matched} ({matched / len(sentences):.1f} per sentence)")
    print(f"work (prepare + finalize + report) ms/sentence: first {first:.2f}, again {again:.2f}")
    print(f"regexes compiled in the first pass: {compiles} ({compiles / len(sentences):.1f}/sent)")


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
    parser.add_argument("--termbase", type=Path, help="a real termbase (CSV/TSV/TBX or Ding)")
    parser.add_argument("--sentences", type=Path, help="German text for --termbase, one a line")
    parser.add_argument("--entries", type=int, default=10000, help="entries of --termbase used")
    args = parser.parse_args()
    if args.termbase:
        if not args.sentences:
            parser.error("--termbase needs --sentences")
        measure_termbase(args.termbase, args.sentences, args.entries)
        return

    from tests.termbase import english_sentences, news_sentences, termbase
    from translator.glossary import dump_entries, load_glossary
    from translator.glossary.interchange import export, import_glossary
    from translator.glossary.match import ReferenceMatcher
    from translator.text.segment import split_sentences

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
            work_row = work_ms(load_glossary(path), news[:300])  # a fresh glossary: cold

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
        rows.append(
            (size, cold, warm, seed_ms, news_ms, en_ms, matched, ref_ms, imports, work_row)
        )
        print(f"... {size} entries done", file=sys.stderr)

    head = (
        f"{'entries':>7} {'cold s':>6} {'warm s':>6} {'+RSS MB':>7} {'seed ms/sent':>13} "
        f"{'news ms/sent':>13} {'EN ms/sent':>13} {'matches':>7} {'reference ms/sent':>17} "
        f"{'import csv s':>12} {'import tbx s':>12} {'work ms/sent':>13} {'compiles':>8}"
    )
    print(head)
    print("-" * len(head))
    for size, cold, warm, seed_ms, news_ms, en_ms, matched, ref_ms, imports, wk in rows:
        ref = f"{ref_ms:.2f} (same)" if ref_ms is not None else "-"
        rss = max(cold["peak"], warm["peak"]) - base
        cells = [f"{a:.2f} / {b:.2f}" for a, b in (seed_ms, news_ms, en_ms)]
        print(
            f"{size:>7} {cold['seconds']:>6.2f} {warm['seconds']:>6.2f} {rss:>7.0f} "
            f"{cells[0]:>13} {cells[1]:>13} {cells[2]:>13} {matched:>7} {ref:>17} "
            f"{imports['csv']:>12.2f} {imports['tbx']:>12.2f} "
            f"{f'{wk[0]:.2f} / {wk[1]:.2f}':>13} {wk[2]:>8}"
        )
    print(
        f"\ncold/warm s: load_glossary + index, fresh process, nothing stored / stored copy read. "
        f"+RSS: peak RSS of that process minus the peak with a 1-entry glossary ({base:.0f} MB). "
        f"ms/sent: first pass (each entry's regex is compiled the first time it is tried) / "
        f"again. seed: {len(seed)} sentences; news: 1,000 generated sentences; EN: "
        "find_renderings on 1,000 English ones. "
        "reference: every entry's regex on every news sentence (same results asserted). "
        "work: prepare + finalize (echo) + JSON report on 300 news sentences, fresh glossary: "
        "first pass / again; compiles: regexes compiled in the first pass."
    )


if __name__ == "__main__":
    main()
