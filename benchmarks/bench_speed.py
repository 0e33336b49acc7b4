"""Speed benchmark: naive per-paragraph transformers vs this tool's two backends and its memory.

    python -m benchmarks run speed                   # full architecture: ~10 min on 2 idle cores
    python -m benchmarks run speed -- --only cold    # some rows (see --help)
    python -m benchmarks.bench_speed --quick         # smoke run: tiny model, first blocks only

No model can be downloaded here, so the script builds one with the **full opus-mt-de-en
architecture and random weights** (d_model 512, 6+6 layers, 8 heads, FFN 2048, vocabulary
58,101, the real config otherwise) in the real on-disk layout under ``benchmarks/_work/``
(``benchmarks.common.prepare_model``, reused when present), and converts it for CTranslate2
(int8 and float32). A random model rarely emits ``</s>``, so every run forces each output to
about 1.2 x its source length in tokens (``force_length_ratio`` in both engines and in the
naive baseline): every run does the work a real translation does. The naive baseline forces
each paragraph to 1.2 x its length; the tool's CTranslate2 greedy runs stop each sentence at
1.2 x its own length (a real translation leaves the batch at its ``</s>``); beam search and the
transformers backend run every sentence of a batch to 1.2 x the batch's longest (more work than
a real model's, never less). Like opus-mt-de-en, the model has separate German and English
SentencePiece models (32k pieces asked of each) and a shared 58,101-id vocabulary, so the
output restriction to the English side (``translator/engine/vocab.py``) costs here what it
costs there. The text is the seed article, rebuilt into paragraphs and sentences by
``translator.text.layout`` / ``translator.text.segment``.

Each configuration runs in a fresh subprocess, so its peak RSS (``ru_maxrss``) is its own and
no run warms another's caches. Times are translation work only (model loading is listed
apart), except the cold-start rows, which time whole processes from start to exit.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    RATIO,
    ROOT,
    WORK,
    format_load,
    load_average,
    machine,
    model_env,
    module_command,
    prepare_model,
)

MODULE = "benchmarks.bench_speed"

#: (name, engine kind, beam) of the configurations timed on the seed article.
CONFIGS: list[tuple[str, str, int]] = [
    ("naive transformers, generate per paragraph", "naive", 4),
    ("naive transformers, generate per paragraph", "naive", 1),
    ("translator, transformers backend", "transformers", 4),
    ("translator, transformers backend", "transformers", 1),
    ("translator, CTranslate2 int8", "ct2-int8", 4),
    ("translator, CTranslate2 int8", "ct2-int8", 1),
    ("translator, CTranslate2 float32", "ct2-float32", 4),
    ("translator, CTranslate2 float32", "ct2-float32", 1),
]


# -- the parent: build, run every configuration in its own process, print the table ------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model: a smoke run")
    parser.add_argument("--work", type=Path, default=None, help="work folder (models, memory)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated kinds to run (naive, transformers, ct2-int8, "
        "ct2-float32, memory, cold, cached, help); default: all",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the start-up row this many times and keep the run with the median start-up "
        "(under load, one run says little)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or (WORK / ("quick" if args.quick else "full"))
    if args.child:
        child(args.child, work, args.beam, args.quick, args.rest)
        return

    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"work folder: {work}", file=sys.stderr)
    run_child("prepare", work, 1, args.quick)  # build + convert (skipped when present)

    only = {k.strip() for k in args.only.split(",") if k.strip()}

    def wanted(kind: str) -> bool:
        return not only or kind in only

    rows: list[dict[str, Any]] = []
    for name, kind, beam in CONFIGS:
        if wanted(kind):
            print(f"running: {name}, beam {beam} ...", file=sys.stderr)
            rows.append({"name": name, "kind": kind, **run_child(kind, work, beam, args.quick)})
    if wanted("memory"):
        print("running: translation-memory re-run ...", file=sys.stderr)
        run_child("memory-fill", work, 4, args.quick)
        rows.append(
            {
                "name": "translator, re-run from the translation memory (CT2 int8)",
                "kind": "memory",
                **run_child("memory-rerun", work, 4, args.quick),
            }
        )
    if wanted("cold"):
        print("running: cold start ...", file=sys.stderr)
        rows.append(
            {
                "name": "start-up: `translator translate` as a process (CT2 int8)",
                "kind": "cold",
                **median_cold_start(work, max(1, args.repeat)),
            }
        )
    if wanted("cached"):
        print("running: cached re-run as a process ...", file=sys.stderr)
        rows.append(
            {
                "name": "cached re-run: `translator translate` again (every sentence in the "
                "memory)",
                "kind": "cached",
                **cached_rerun(work),
            }
        )
    if wanted("help"):
        helps = [time_process([_translator_exe(), "--help"], work)[0] for _ in range(5)]
        rows.append(
            {
                "name": "`translator --help` (median of 5)",
                "kind": "help",
                "beam": None,
                "seconds": sorted(helps)[len(helps) // 2],  # the median of 5
                "load": None,
                "rss": None,
                "out_tokens": None,
                "in_tokens": None,
            }
        )
    print_table(rows, args.quick, time.perf_counter() - started, format_load(load_average()))


def run_child(kind: str, work: Path, beam: int, quick: bool) -> dict[str, Any]:
    cmd = module_command(MODULE, "--child", kind, "--beam", str(beam), "--work", str(work))
    if quick:
        cmd.append("--quick")
    out = subprocess.run(cmd, capture_output=True, text=True, env=model_env(work), cwd=ROOT)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        sys.exit(f"child {kind} (beam {beam}) failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def _translator_exe() -> str:
    """The console script installed with this Python (not a version manager's shim)."""
    beside = Path(sys.executable).parent / "translator"
    return str(beside) if beside.is_file() else shutil.which("translator") or "translator"


def time_process(cmd: list[str], work: Path) -> tuple[float, int | None, str]:
    """Wall seconds of a whole process, its peak RSS (KiB, if it reported one) and stdout."""
    rss_file = work / "rss.txt"
    rss_file.unlink(missing_ok=True)
    env = model_env(work)
    env["BENCH_RSS_FILE"] = str(rss_file)
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    rss = int(rss_file.read_text()) if rss_file.is_file() else None
    return seconds, rss, out.stdout


def median_cold_start(work: Path, repeat: int) -> dict[str, Any]:
    """:func:`cold_start` ``repeat`` times: the run with the median start-up, the others'
    start-ups in its note."""
    runs = sorted((cold_start(work) for _ in range(repeat)), key=lambda r: r["startup"])
    middle = runs[len(runs) // 2]
    if repeat > 1:
        seen = ", ".join(f"{r['startup']:.2f}" for r in runs)
        cpu = ", ".join(f"{r['startup_cpu']:.2f}" for r in runs)
        middle["note"] += (
            f"; the median of {repeat} runs (start-ups {seen} s; their start-up CPU {cpu} s)"
        )
    return middle


def cold_start(work: Path) -> dict[str, Any]:
    """`translator translate ARTICLE` as a process: CT2 int8, beam 4, glossary and QA on.

    The process is the real CLI entry point; the only additions are the forced output length
    every other row has and timers around the parts of the run (see :func:`run_cli`), written
    to a file at exit: imports (from the process's start), model load (the part the run
    waited for: the model loads in a thread while the glossary and QA are set up), glossary
    (loading, compiling, injecting and verifying terms), QA (set-up and checks), translation
    (the engine's own calls, QA retries included), exit (from the last atexit handler to the
    process's end: interpreter and CTranslate2 teardown) and the rest (reading, splitting,
    writing). Start-up is everything but the translation. No translation memory:
    the engine does the work.
    """
    cmd = [
        *module_command(MODULE),
        "--child",
        "cli",
        "--work",
        str(work),
        "--",
        "translate",
        str(work / "article.txt"),
        "--model",
        str(work / "ct2-int8"),
        "--no-cache",
        "--beam-size",
        "4",
        "--format",
        "json",
        "--quiet",
    ]
    # An installed package has its bytecode compiled (pip does it at install); without it
    # (PYTHONDONTWRITEBYTECODE, a fresh checkout) every start compiles ~40 modules again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "translator")], check=True)
    parts_file = work / "parts.json"
    parts_file.unlink(missing_ok=True)
    os.environ["BENCH_PARTS_FILE"] = str(parts_file)
    started = time.time()
    os.environ["BENCH_STARTED"] = repr(started)
    try:
        seconds, rss, stdout = time_process(cmd, work)
        finished = time.time()
    finally:
        os.environ.pop("BENCH_PARTS_FILE")
        os.environ.pop("BENCH_STARTED")
    data = json.loads(stdout)
    n = sum(len(p["sentences"]) for p in data["paragraphs"])
    parts = json.loads(parts_file.read_text())
    parts["exit"] = finished - parts["ended"]
    parts["rest"] = seconds - sum(parts[k] for k in STARTUP_PARTS if k != "rest")
    startup = seconds - sum(parts[k] for k in WORK_PARTS)
    breakdown = ", ".join(f"{k} {parts[k]:.2f}" for k in STARTUP_PARTS)
    return {
        "beam": 4,
        "seconds": seconds,
        "load": parts["model load"],
        "rss": rss,
        "out_tokens": None,
        "in_tokens": None,
        "sentences": n,
        "startup": startup,
        "startup_cpu": parts["start-up CPU"],
        "note": f"whole process ({n} sentences, glossary and QA on): {breakdown}; start-up "
        f"(all but the translation work) {startup:.2f} s; model load took "
        f"{parts['model load total']:.2f} s in its thread ({parts['model load CPU']:.2f} s CPU); "
        f"main thread CPU {parts['main thread CPU']:.2f} s, of which start-up "
        f"{parts['start-up CPU']:.2f} s",
    }


_HEAVY_CHECK = """
import sys
from translator.cli import main
sys.argv = ["translator", *sys.argv[1:]]
try:
    main()
finally:
    heavy = [m for m in ("torch", "transformers", "ctranslate2") if m in sys.modules]
    print("HEAVY " + ",".join(heavy), file=sys.stderr)
"""


def cached_rerun(work: Path) -> dict[str, Any]:
    """`translator translate ARTICLE` run again once the translation memory holds every
    sentence: the whole process, start to exit (median of 3), with the CLI's defaults (memory,
    glossary and QA on; CT2 int8, beam 4). The memory is filled first by the same command
    (through the forced-length wrapper, as the cold start); the timed runs are the plain
    console script, which then loads no model (checked: a fourth run reports its imports)."""
    for p in (work / "cache").glob("memory.sqlite3*"):
        p.unlink()
    args = ["translate", str(work / "article.txt"), "--model", str(work / "ct2-int8"),
            "--beam-size", "4", "--format", "json"]  # fmt: skip
    fill = work / "cached-fill.json"
    time_process([*module_command(MODULE), "--child", "cli", "--work", str(work), "--", *args,
                  "-o", str(fill), "--quiet"], work)  # fmt: skip
    again = work / "cached-again.json"
    times = [time_process([_translator_exe(), *args, "-o", str(again), "--quiet"], work)[0]
             for _ in range(3)]  # fmt: skip
    data = json.loads(again.read_text("utf-8"))

    def targets(doc: dict[str, Any]) -> list[list[str]]:
        return [[s["target"] for s in p["sentences"]] for p in doc["paragraphs"]]

    if targets(data) != targets(json.loads(fill.read_text("utf-8"))):
        sys.exit("the cached re-run gave another translation than the run that filled it")
    check = subprocess.run([sys.executable, "-c", _HEAVY_CHECK, *args, "-o", str(again)],
                           capture_output=True, text=True, env=model_env(work))  # fmt: skip
    heavy = [ln for ln in check.stderr.splitlines() if ln.startswith("HEAVY ")]
    if check.returncode != 0 or not heavy:
        sys.exit(f"the import check failed:\n{check.stderr[-3000:]}")
    imported = heavy[-1].removeprefix("HEAVY ").strip()
    stats = data["stats"]
    return {
        "beam": 4,
        "seconds": sorted(times)[len(times) // 2],
        "load": None,
        "rss": None,
        "out_tokens": None,
        "in_tokens": None,
        "sentences": stats["sentences"],
        "note": f"whole process, start to exit, median of 3 ({min(times):.2f}-{max(times):.2f} "
        f"s); {stats['cached']}/{stats['distinct']} sentences from the memory; model "
        f"libraries imported: {imported or 'none'}",
    }


#: The parts of the start-up row, in the order printed.
STARTUP_PARTS = (
    "imports",
    "model load",
    "glossary",
    "QA",
    "translation",
    "glossary per sentence",
    "QA per sentence",
    "exit",
    "rest",
)
#: The work of translating the article: the engine, and the glossary's enforcement and QA's
#: checks of each sentence. The rest of the process is start-up (imports, model load, glossary
#: compilation, QA set-up, exit), which the issue's target bounds.
WORK_PARTS = ("translation", "glossary per sentence", "QA per sentence")


# -- the children ------------------------------------------------------------------------------


def child(kind: str, work: Path, beam: int, quick: bool, rest: list[str]) -> None:
    if kind == "prepare":
        prepare_model(work, quick)
        result: dict[str, Any] = {}
    elif kind == "cli":
        run_cli(rest)
        return
    elif kind == "naive":
        result = run_naive(work, beam)
    elif kind.startswith("memory"):
        result = run_memory(work, beam, rerun=kind == "memory-rerun")
    else:
        result = run_tool(work, kind, beam)
    result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result["beam"] = beam
    print("RESULT " + json.dumps(result), flush=True)
    # Leave without tearing the interpreter down: CTranslate2's worker threads may still hold
    # the forced-length callbacks (benchmark only), and a teardown racing them can abort.
    os._exit(0)


def article(work: Path) -> str:
    return (work / "article.txt").read_text("utf-8")


def paragraphs(work: Path) -> list[str]:
    from translator.text.layout import rebuild

    return [b.text for b in rebuild(article(work))]


def run_naive(work: Path, beam: int) -> dict[str, Any]:
    """What a first script does: load, then one generate() per paragraph."""
    loading = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(work / "marian"))
    model = MarianMTModel.from_pretrained(str(work / "marian")).eval()
    texts = paragraphs(work)
    load = time.perf_counter() - loading
    in_tokens = out_tokens = 0
    started = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            batch = tokenizer([text], return_tensors="pt")
            n_in = int(batch["input_ids"].shape[1]) - 1  # without </s>
            n = max(1, round(RATIO * n_in))
            out = model.generate(
                **batch, num_beams=beam, max_length=None, min_new_tokens=n, max_new_tokens=n
            )
            tokenizer.batch_decode(out, skip_special_tokens=True)
            in_tokens += n_in
            out_tokens += int(out.shape[1]) - 1  # without the decoder start token
    return {
        "seconds": time.perf_counter() - started,
        "load": load,
        "in_tokens": in_tokens,
        "out_tokens": out_tokens,
        "sentences": len(texts),
    }


def _engine(work: Path, kind: str, beam: int) -> Any:
    if kind == "transformers":
        from translator.engine.marian import MarianEngine

        return MarianEngine(
            str(work / "marian"), device="cpu", beam_size=beam, force_length_ratio=RATIO
        )
    from translator.engine.ct2 import CTranslate2Engine

    folder = work / kind  # ct2-int8 | ct2-float32
    return CTranslate2Engine(str(folder), device="cpu", beam_size=beam, force_length_ratio=RATIO)


def run_tool(work: Path, kind: str, beam: int) -> dict[str, Any]:
    """The tool's pipeline (rebuild, segment, sorted token-budget batches), no memory/QA."""
    from translator.pipeline import Pipeline

    loading = time.perf_counter()
    engine = _engine(work, kind, beam)
    load = time.perf_counter() - loading
    pipeline = Pipeline(engine)
    text = article(work)
    started = time.perf_counter()
    result = pipeline.translate_text(text)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "load": load,
        "in_tokens": sum(n for n, _ in engine.last_lengths),
        "out_tokens": sum(g for _, g in engine.last_lengths),
        "sentences": len(result.sentences),
        "batches": engine.stats["batches"],
    }


def run_memory(work: Path, beam: int, *, rerun: bool) -> dict[str, Any]:
    """Fill the memory (first process), then a fresh process re-translates from it."""
    from translator.cache import TranslationMemory
    from translator.pipeline import Pipeline

    db = work / "memory.sqlite3"
    if not rerun:
        for p in work.glob("memory.sqlite3*"):
            p.unlink()
    loading = time.perf_counter()
    engine = _engine(work, "ct2-int8", beam)
    load = time.perf_counter() - loading
    pipeline = Pipeline(engine, memory=TranslationMemory(db))
    started = time.perf_counter()
    result = pipeline.translate_text(article(work))
    seconds = time.perf_counter() - started
    cached = sum(s.cached for s in result.sentences)
    if rerun and (engine.stats["units"] or cached != len(result.sentences)):
        raise SystemExit(f"re-run was not served by the memory: {engine.stats}, {cached} cached")
    return {
        "seconds": seconds,
        "load": load,
        "in_tokens": 0,
        "out_tokens": 0,
        "sentences": len(result.sentences),
        "note": f"{cached}/{len(result.sentences)} sentences from the memory, "
        f"{engine.stats['units']} sent to the engine",
    }


def run_cli(argv: list[str]) -> None:
    """The real CLI entry, with the forced output length every other row has (and, for the
    start-up row, timers around its parts; see :func:`cold_start`)."""
    rss_file = os.environ.get("BENCH_RSS_FILE")
    parts_file = os.environ.get("BENCH_PARTS_FILE")
    if rss_file:
        atexit.register(
            lambda: Path(rss_file).write_text(
                str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            )
        )
    from translator.engine import ct2

    original = ct2.CTranslate2Engine.__init__

    def forced(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("force_length_ratio", RATIO)
        original(self, *args, **kwargs)

    ct2.CTranslate2Engine.__init__ = forced  # type: ignore[method-assign]
    from translator.cli import run  # what the console script calls

    if parts_file:
        _time_parts(Path(parts_file))

    sys.argv = ["translator", *[a for a in argv if a != "--"]]
    run()


def _time_parts(parts_file: Path) -> None:
    """Wrap the functions of each start-up part in timers; write the sums at exit."""
    from translator import factory, qa
    from translator.engine import ct2
    from translator.engine.lazy import LazyEngine
    from translator.glossary import Glossary

    parts = dict.fromkeys((*STARTUP_PARTS, "model load total"), 0.0)
    del parts["exit"]  # measured by the parent
    parts["imports"] = time.time() - float(os.environ["BENCH_STARTED"])

    cpu = dict.fromkeys(parts, 0.0)  # CPU seconds of the thread that ran each part

    def timed(owner: Any, name: str, part: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, started_cpu = time.perf_counter(), time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                parts[part] += time.perf_counter() - started
                cpu[part] += time.thread_time() - started_cpu

        setattr(owner, name, wrapper)

    timed(ct2.CTranslate2Engine, "__init__", "model load total")  # in its thread
    timed(LazyEngine, "get", "model load")  # what the run waited for (loaded in a thread)
    timed(factory, "glossary_for", "glossary")
    timed(Glossary, "prepare", "glossary per sentence")
    timed(Glossary, "finalize", "glossary per sentence")
    timed(qa.QualityChecker, "__init__", "QA")
    timed(qa.QualityChecker, "warm_up", "QA")  # CLDR month names, while the model loads
    timed(qa.QualityChecker, "check", "QA per sentence")
    timed(qa.QualityChecker, "needs_retry", "QA per sentence")
    timed(ct2.CTranslate2Engine, "translate_batch", "translation")
    timed(ct2.CTranslate2Engine, "retranslate", "translation")

    def save() -> None:
        # CPU time of the main thread, which waits (idle) while the engine translates: close
        # to what the start-up costs on an idle machine, whatever the load during the run.
        parts["main thread CPU"] = time.thread_time()
        # ... less its CPU in the translation work: the start-up's CPU, which the load of
        # other processes does not inflate as it does the wall-clock parts.
        parts["start-up CPU"] = parts["main thread CPU"] - sum(cpu[k] for k in WORK_PARTS)
        parts["model load CPU"] = cpu["model load total"]  # in the loading thread
        parts["ended"] = time.time()  # the parent takes the exit from here to the end
        parts_file.write_text(json.dumps(parts))

    atexit.register(save)


# -- the table ---------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]], quick: bool, total: float, load: str) -> None:
    naive = {r["beam"]: r["seconds"] for r in rows if r["kind"] == "naive"}
    model = "QUICK smoke run: tiny model" if quick else "full opus-mt-de-en architecture"
    print()
    print(
        f"Speed on the seed article ({model}, random weights, output forced to "
        f"{RATIO} x source tokens)."
    )
    print()
    print(f"Machine: {machine()}; load average {load} (1 / 5 / 15 min, at the end of the run)")
    print()
    header = [
        "run",
        "beam",
        "seconds",
        "vs naive",
        "out tokens/s",
        "load s",
        "peak RSS MiB",
        "notes",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        beam = r.get("beam")
        base = naive.get(beam) if beam is not None else None
        ratio = ""
        # The cold start is a whole process (loading included): no ratio to translation work.
        if r["kind"] not in ("naive", "help", "cold", "cached") and base and r["seconds"]:
            ratio = f"{base / r['seconds']:.1f}x faster"
        tps = f"{r['out_tokens'] / r['seconds']:.0f}" if r.get("out_tokens") else ""
        note = r.get("note") or ""
        if not note and r.get("sentences"):
            unit = "paragraphs" if r["kind"] == "naive" else "sentences"
            note = f"{r['sentences']} {unit}, {r['in_tokens']} -> {r['out_tokens']} tokens"
            if r.get("batches"):
                note += f", {r['batches']} batches"
        cells = [
            r["name"],
            "" if beam is None else ("greedy" if beam == 1 else str(beam)),
            f"{r['seconds']:.2f}",
            ratio,
            tps,
            "" if r.get("load") is None else f"{r['load']:.1f}",
            "" if r.get("rss") is None else f"{r['rss'] / 1024:.0f}",
            note,
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    for line in _targets(rows, naive):
        print(line)
    print(
        f"\n(benchmark took {total:.0f} s; command: python -m benchmarks.bench_speed"
        f"{' --quick' if quick else ''})"
    )


def _targets(rows: list[dict[str, Any]], naive: dict[int, float]) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out = ["Targets (2-core CPU):", ""]
    for beam, share, label in ((4, 12, "beam 4"), (1, 15, "greedy")):
        tool = [
            r["seconds"]
            for r in rows
            if r["kind"].startswith(("ct2", "transformers")) and r["beam"] == beam
        ]
        if beam in naive and tool:
            best = min(tool)
            goal = naive[beam] / share
            out.append(
                f"- {label} <= 1/{share} of naive: best {best:.2f} s vs {goal:.2f} s "
                f"({verdict(best <= goal)})"
            )
    for r in rows:
        if r["kind"] == "memory":
            out.append(
                f"- memory re-run < 1 s of translation work: {r['seconds']:.3f} s "
                f"({verdict(r['seconds'] < 1)})"
            )
        if r["kind"] == "cached":
            out.append(
                f"- cached re-run, whole process < 1 s: {r['seconds']:.2f} s "
                f"({verdict(r['seconds'] < 1)})"
            )
        if r["kind"] == "cold":
            out.append(
                f"- start-up of `translator translate` (all but the translation work) <= 0.5 s: "
                f"{r['startup']:.2f} s ({verdict(r['startup'] <= 0.5)}; the main thread's CPU "
                f"in it: {r['startup_cpu']:.2f} s)"
            )
        if r["kind"] == "help":
            out.append(
                f"- `translator --help` < 0.5 s: {r['seconds']:.2f} s "
                f"({verdict(r['seconds'] < 0.5)})"
            )
    peaks = [r["rss"] for r in rows if r.get("rss")]
    if peaks:
        out.append(
            f"- peak RSS < 1 GiB: largest {max(peaks) / 1024:.0f} MiB "
            f"({verdict(max(peaks) < 1024**2)})"
        )
    return out


if __name__ == "__main__":
    main()
