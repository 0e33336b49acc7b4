"""The benchmark runner: runs benchmarks and writes each one's section of docs/performance.md.

    python -m benchmarks                      # list the benchmarks
    python -m benchmarks run NAME [NAME ...]  # run them; each replaces its section of the page
    python -m benchmarks run NAME -- ARGS     # pass ARGS to the benchmark (e.g. -- --sizes 1000)
    python -m benchmarks run NAME --no-write  # print only (a smoke run never replaces figures)

Run from the repository root. Each benchmark runs as a module in its own process
(``python -m benchmarks.MODULE``, which can also be run directly to print without recording);
its standard output becomes the section between ``<!-- benchmark:NAME -->`` and
``<!-- /benchmark:NAME -->`` in ``docs/performance.md``, under one line saying when, by which
command, on which machine and under which load it was measured. A failed run, or a run with
``--quick``, writes nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks.common import (
    PERFORMANCE,
    ROOT,
    format_load,
    load_average,
    module_command,
    section_header,
    write_section,
)


@dataclass(frozen=True)
class Benchmark:
    module: str  # in the benchmarks package
    what: str
    args: tuple[str, ...] = ()  # always passed (before the user's)
    markdown: bool = False  # its output is Markdown (else recorded as a text block)
    cost: str = ""  # how long a full run takes, roughly, on 2 idle cores


BENCHMARKS: dict[str, Benchmark] = {
    "speed": Benchmark("bench_speed", "naive vs the tool's backends, memory, start-up, --help",
                       markdown=True, cost="~2 min (model built once: ~10 min)"),
    "startup": Benchmark("bench_speed", "the speed table's start-up row alone, median of 3",
                         ("--only", "cold", "--repeat", "3"), markdown=True,
                         cost="~1 min (model built once: ~10 min)"),
    "documents-text": Benchmark("bench_documents", "rebuild and sentence splitting",
                                ("--part", "text"), markdown=True, cost="seconds"),
    "documents-formats": Benchmark("bench_documents", "extraction vs translation per format",
                                   ("--part", "formats"), markdown=True, cost="~1 min"),
    "documents-pdf": Benchmark("bench_documents", "the PDF reader per page",
                               ("--part", "pdf"), markdown=True, cost="seconds"),
    "pdf-columns": Benchmark("bench_pdf_columns", "paragraphs exact in generated PDF layouts",
                             cost="minutes"),
    "text-rebuild": Benchmark("bench_text_rebuild", "paragraphs exact in PDF-extracted text",
                              cost="~1 min"),
    "realworld": Benchmark("realworld", "third-party test files read, refused, words missing",
                           cost="minutes (downloads sdists once)"),
    "glossary": Benchmark("bench_glossary", "glossary load, compile and per-sentence cost",
                          cost="seconds"),
    "glossary-scale": Benchmark("bench_glossary_scale", "termbases of 1k-50k entries",
                                cost="~3 min"),
    "glossary-damage": Benchmark("glossary_damage", "does the glossary damage English?",
                                 cost="minutes"),
    "term-success": Benchmark("term_success", "term success on the seed per policy",
                              cost="~1 min"),
    "batch-sharing": Benchmark("batch_sharing", "files sharing engine batches vs file by file",
                               cost="~1 min"),
    "scale": Benchmark("bench_scale", "batch overhead per file, 1k-100k files",
                       markdown=True, cost="minutes (100k files: ~10 min)"),
    "ray": Benchmark("bench_ray", "files per minute: local runner vs Ray",
                     markdown=True, cost="~15 min"),
    "serve": Benchmark("bench_serve", "translator serve under 1, 8, 32 clients vs batch",
                       cost="~6 min"),
    "length-bounds": Benchmark("length_bounds", "the lost-content bounds on WMT data "
                               "(needs data files as arguments)"),
}  # fmt: skip


def list_benchmarks() -> None:
    print("python -m benchmarks run NAME [NAME ...] [-- ARGS]\n")
    width = max(map(len, BENCHMARKS))
    for name, bench in BENCHMARKS.items():
        cost = f" [{bench.cost}]" if bench.cost else ""
        print(f"  {name:<{width}}  {bench.what} (benchmarks/{bench.module}.py){cost}")
    print(f"\nEach run replaces its section of {PERFORMANCE.relative_to(ROOT)}.")


def run(name: str, args: list[str], write: bool) -> int:
    bench = BENCHMARKS[name]
    cmd = module_command(f"benchmarks.{bench.module}", *bench.args, *args)
    shown = " ".join(["python -m benchmarks run", name, *(["--", *args] if args else [])])
    print(f"$ {shown}", file=sys.stderr)
    before = format_load(load_average())
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:  # shown as it comes, kept for the page
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
    seconds = time.perf_counter() - started
    if proc.returncode:
        print(f"{name}: failed (exit {proc.returncode}); nothing written", file=sys.stderr)
        return proc.returncode
    if not write or "--quick" in args:
        print(f"{name}: not written to {PERFORMANCE.name} (--no-write or --quick)",
              file=sys.stderr)  # fmt: skip
        return 0
    output = "".join(lines).strip()
    body = output if bench.markdown else f"```text\n{output}\n```"
    header = section_header(shown, seconds, before, format_load(load_average()))
    write_section(name, f"{header}\n\n{body}")
    print(f"{name}: written to {PERFORMANCE.relative_to(ROOT)}", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list", help="list the benchmarks")
    runner = sub.add_parser("run", help="run benchmarks and write their sections")
    runner.add_argument("names", nargs="+", metavar="NAME", choices=list(BENCHMARKS))
    runner.add_argument("--no-write", action="store_true", help="print only")
    rest: list[str] = []
    if "--" in argv:
        argv, rest = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = parser.parse_args(argv)
    if args.command != "run":
        list_benchmarks()
        return 0
    for name in args.names:
        code = run(name, rest, write=not args.no_write)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
