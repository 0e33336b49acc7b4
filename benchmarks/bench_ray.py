"""Files per minute on one folder: the local runner against `batch --ray` with 1 and 2 workers.

    python -m benchmarks.bench_ray            # full-size random model, CTranslate2 int8, beam 4
    python -m benchmarks.bench_ray --quick    # smoke run: tiny model, 4 files

The model is bench_speed.py's (the full opus-mt-de-en architecture with random weights,
converted to CTranslate2 int8; built under ``benchmarks/_work/`` when missing, reused when
present), with outputs forced to 1.2 x their input's tokens as there, so every run does the
work a real translation does. The folder: ``--files`` (32) copies of the seed article, every
sentence made distinct by the file's number (so that no runner can serve one file's
sentences from another's). Translation memory off, glossary and QA on (the defaults).

Rows, all on the same cores: the local runner (one process, every core); Ray with 1 worker
(all cores' threads in it) and with 2 workers (one thread each). A Ray row's time runs from
the call to its end, so it includes starting the actors and loading the model in each; the
time to start Ray itself is listed apart. Overhead = (Ray time - local time) / local time.

Memory per worker: while a Ray row runs, a thread samples every 0.2 s the resident memory
(RSS, psutil) of each process running the translation actor (``_Translate``), and the row
shows the highest of them (and the workers seen); the local row, the driver's own peak RSS
(``ru_maxrss``, which covers the whole run so far).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    RATIO,
    ROOT,
    SEED,
    WORK,
    model_env,
    prepare_model_in_child,
)


@dataclass(frozen=True)
class Ct2Factory:
    """Builds the benchmark engine (CTranslate2 int8, forced output length) where it runs."""

    folder: str
    beam: int

    def __call__(self) -> Any:
        from translator.engine.ct2 import CTranslate2Engine

        return CTranslate2Engine(
            self.folder, device="cpu", beam_size=self.beam, force_length_ratio=RATIO
        )


def make_folder(folder: Path, files: int, quick: bool) -> int:
    """``files`` variants of the seed article; returns the sentences per file."""
    from translator.text.layout import rebuild

    text = SEED.read_text("utf-8")
    if quick:
        text = "\n\n".join(b.text for b in rebuild(text)[:8]) + "\n"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(files):
        # " (7)." at every sentence end and " 7" at every line's: every sentence of every
        # file is distinct (headings too), so no runner can share work between files.
        variant = re.sub(r"([.!?])(\s|$)", rf" ({i})\1\2", text)
        variant = re.sub(r"(?m)([^\s.!?])$", rf"\1 {i}", variant)
        (folder / f"article{i:03d}.txt").write_text(variant, "utf-8")
    from translator.pipeline import Pipeline

    job = Pipeline(engine=None).prepare(text)  # type: ignore[arg-type]
    return sum(len(u) for u in job.units)


class WorkerMemory:
    """Peak RSS of every process running the translation actor, sampled while inside."""

    def __init__(self) -> None:
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            for proc in psutil.process_iter(["pid", "cmdline", "memory_info"]):
                command = " ".join(proc.info["cmdline"] or [])
                if "_Translate" in command and proc.info["memory_info"] is not None:
                    rss = proc.info["memory_info"].rss
                    self.peak[proc.pid] = max(rss, self.peak.get(proc.pid, 0))


def run(label: str, folder: Path, out: Path, **kw: Any) -> dict[str, Any]:
    from translator.batch import translate_folder
    from translator.factory import Options

    shutil.rmtree(out, ignore_errors=True)
    options = Options(memory=False, beam_size=kw.pop("beam"))
    started = time.perf_counter()
    with WorkerMemory() as memory:
        summary = translate_folder(folder, out, options=options, **kw)
    seconds = time.perf_counter() - started
    assert not summary.failed, summary.failed
    files = len(summary.translated)
    if kw.get("ray") is not None:
        mib = max(memory.peak.values(), default=0) / 2**20
        where = f"{mib:.0f} MiB ({len(memory.peak)} worker process(es) seen)"
    else:  # ru_maxrss: KiB on Linux
        where = f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (driver)"
    print(f"{label}: {files} files in {seconds:.1f} s, peak RSS {where}", file=sys.stderr)
    return {"run": label, "files": files, "seconds": seconds, "memory": where}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, 4 files: a smoke run")
    parser.add_argument("--files", type=int, default=None, help="files in the folder (32)")
    parser.add_argument("--beam", type=int, default=4)
    args = parser.parse_args()
    work = WORK / ("quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    prepare_model_in_child(work, args.quick)  # bench_speed's model (built once, then reused)
    os.environ.update(model_env(work))
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ["PYTHONPATH"] = str(ROOT)  # Ray's workers import benchmarks.bench_ray
    files = args.files or (4 if args.quick else 32)
    folder = work / "ray-in"
    per_file = make_folder(folder, files, args.quick)
    factory = Ct2Factory(str(work / "ct2-int8"), args.beam)
    cores = os.cpu_count() or 1

    from translator.batch import LazyEngine, RaySettings

    rows = [run("local runner", folder, work / "ray-out", engine=LazyEngine(factory),
                beam=args.beam)]  # fmt: skip
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # bind to 127.0.0.1
    started = time.perf_counter()
    import ray

    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
    ray_start = time.perf_counter() - started
    try:
        for workers in (1, 2):
            settings = RaySettings(workers=workers, engine_factory=factory)
            label = f"Ray, {workers} worker{'s' if workers > 1 else ''}"
            rows.append(run(label, folder, work / "ray-out", ray=settings, beam=args.beam))
    finally:
        ray.shutdown()
    # Once more at the end: on a shared machine the load moves; two local rows show how much.
    rows.append(run("local runner, again", folder, work / "ray-out", engine=LazyEngine(factory),
                    beam=args.beam))  # fmt: skip
    print_table(rows, ray_start, files, per_file, cores, args)


def print_table(
    rows: list[dict[str, Any]],
    ray_start: float,
    files: int,
    per_file: int,
    cores: int,
    args: argparse.Namespace,
) -> None:
    local = (rows[0]["seconds"] + rows[-1]["seconds"]) / 2  # the mean of the two local runs
    print(f"\n{files} files of {per_file} sentences, CTranslate2 int8, beam {args.beam}, "
          f"{cores} cores{' (--quick: tiny model)' if args.quick else ''}\n")  # fmt: skip
    print("| run | threads per worker | seconds | files/min | overhead vs local | peak RSS |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        is_local = row["run"].startswith("local")
        threads = "all" if is_local else str(cores // _workers(row))
        over = (row["seconds"] - local) / local
        print(f"| {row['run']} | {threads} | {row['seconds']:.1f} | "
              f"{60 * row['files'] / row['seconds']:.1f} | "
              f"{'—' if is_local else f'{over:+.0%}'} | {row['memory']} |")  # fmt: skip
    print(f"\nRay start-up (ray.init, local, {cores} CPUs), not in the rows: {ray_start:.1f} s")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    worst = max((r["seconds"] - local) / local for r in rows[1:-1])
    print(f"overhead is against the mean of the two local runs ({local:.1f} s)")
    print(f"target: Ray overhead at equal cores <= 15 %: {'met' if worst <= 0.15 else 'NOT met'} "
          f"(worst {worst:+.0%})")  # fmt: skip


def _workers(row: dict[str, Any]) -> int:
    return int(row["run"].split(", ")[1].split()[0])


if __name__ == "__main__":
    main()
