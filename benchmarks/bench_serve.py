"""`translator serve` under load: 1, 8 and 32 concurrent clients vs. `translator batch`.

    python -m benchmarks.bench_serve                        # the committed copy model
    python -m benchmarks.bench_serve --model PATH --backend ctranslate2 --beam-size 4

Builds distinct paragraphs from the seed article (every sentence tagged with its paragraph's
number, so neither the translation memory nor the batcher's merging of equal sentences can
help), then:

* ``batch``: the same paragraphs as files through ``translator.batch.translate_folder`` (what
  `translator batch` runs) in this process, with the model loaded beforehand, so that only the
  translation is timed;
* ``run``: the same paragraphs as one ``Pipeline.run`` (no files; the library's best case);
* ``serve``: ``python -m translator serve --no-cache`` with the same model and options, and
  1, 8 and 32 asyncio/httpx clients, each sending one paragraph per request to the
  LibreTranslate endpoint (``POST /translate``) until the paragraphs are used up.

Prints sentences per second, latency p50/p95 per request, errors (and 503s), the server's
peak resident memory, and the ratio to ``batch`` (the issue's goal: >= 80 % at 8 clients).
With the copy model (tiny) the figures say how much the server's own overhead costs relative
to the engine; with a real model the engine dominates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"


def paragraphs(count: int, tag: str) -> list[str]:
    """``count`` distinct paragraphs of seed sentences, each sentence tagged."""
    from translator.text.decode import read_file
    from translator.text.layout import blocks
    from translator.text.segment import split_sentences

    source = [b.text for b in blocks(read_file(SEED)) if b.kind == "paragraph"]
    out = []
    for n in range(count):
        sentences = split_sentences(source[n % len(source)])[:4]
        out.append(" ".join(f"Meldung {tag}{n}-{i}: {s}" for i, s in enumerate(sentences)))
    return out


def sentence_count(texts: list[str]) -> int:
    from translator.text.segment import split_sentences

    return sum(len(split_sentences(t)) for t in texts)


def run_batch(args: argparse.Namespace, texts: list[str]) -> list[dict[str, Any]]:
    from translator.batch.runner import translate_folder
    from translator.factory import engine_for
    from translator.options import Options

    options = Options(model=args.model, backend=args.backend, beam_size=args.beam_size,
                      batch_size=args.batch_size, memory=False).resolved()
    engine = engine_for(options)
    with tempfile.TemporaryDirectory() as tmp:
        # A warm-up folder first, as the server warms up before it is measured: the glossary,
        # the checks' word lists and the engine's first call are not what is compared.
        for name, batch in (("warm", paragraphs(8, "w")), ("run", texts)):
            src, dst = Path(tmp, name, "in"), Path(tmp, name, "out")
            src.mkdir(parents=True)
            for n, text in enumerate(batch):
                (src / f"p{n:04d}.txt").write_text(text + "\n", encoding="utf-8")
            started = time.perf_counter()
            summary = translate_folder(src, dst, options=options, engine=engine)
            seconds = time.perf_counter() - started
    failed = len(getattr(summary, "failed", []) or [])
    sentences = sentence_count(texts)
    row = {"mode": "batch", "clients": "-", "requests": len(texts), "sentences": sentences,
           "seconds": seconds, "sentences_per_s": sentences / seconds, "errors": failed}
    # The same paragraphs as one Pipeline.run (no files, one pool of sentences): the most
    # any caller of the library gets from this engine.
    from translator.factory import build_pipeline

    pipeline = build_pipeline(options, engine=engine)
    pipeline.run([pipeline.prepare(t) for t in paragraphs(8, "v")])  # warm-up
    started = time.perf_counter()
    pipeline.run([pipeline.prepare(t) for t in paragraphs(len(texts), "r")])
    seconds = time.perf_counter() - started
    ideal = {"mode": "run", "clients": "-", "requests": 1, "sentences": sentences,
             "seconds": seconds, "sentences_per_s": sentences / seconds, "errors": 0}
    return [row, ideal]


class PeakMemory:
    """The peak resident memory of a process, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except Exception:
                return
            time.sleep(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


async def load(url: str, texts: list[str], clients: int) -> dict[str, Any]:
    import httpx

    todo = list(enumerate(texts))
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def client(http: httpx.AsyncClient) -> None:
        while todo:
            _, text = todo.pop()
            started = time.perf_counter()
            try:
                got = await http.post(f"{url}/translate",
                                      json={"q": text, "source": "de", "target": "en"})
                status = str(got.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.append(time.perf_counter() - started)
            if status != "200":
                errors[status] = errors.get(status, 0) + 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=600, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        seconds = time.perf_counter() - started
    sentences = sentence_count(texts)
    latencies.sort()
    return {
        "mode": "serve", "clients": clients, "requests": len(texts), "sentences": sentences,
        "seconds": seconds, "sentences_per_s": sentences / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "errors": sum(errors.values()), "errors_by_status": errors,
    }


def start_server(args: argparse.Namespace, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, TRANSLATOR_CACHE_DIR=str(folder / "cache"))
    cmd = [sys.executable, "-m", "translator", "serve", "--port", str(port), "--no-cache",
           "--data-dir", str(folder / "data"), "--model", args.model, "--backend", args.backend,
           "--beam-size", str(args.beam_size), "--batch-size", str(args.batch_size),
           "--queue-size", str(args.queue_size)]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit((folder / "server.log").read_text())
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(COPY_MODEL))
    parser.add_argument("--backend", default="transformers")
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--queue-size", type=int, default=64)
    parser.add_argument("--paragraphs", type=int, default=32)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads of the engine, here and in the server "
                        "($OMP_NUM_THREADS; on a shared machine more threads wait on each other)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # read by both engines, and the server

    def note(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    note("batch: loading the model, translating")
    rows = run_batch(args, paragraphs(args.paragraphs, "b"))
    note(f"batch: {rows[0]['sentences_per_s']:.1f} sentences/s; starting the server")
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(args, Path(tmp))
        memory = PeakMemory(process.pid)
        try:
            asyncio.run(load(url, paragraphs(8, "w"), 8))  # warm-up, not counted
            for clients in (int(c) for c in args.clients.split(",")):
                note(f"serve: {clients} clients")
                row = asyncio.run(load(url, paragraphs(args.paragraphs, f"c{clients}-"), clients))
                row["server_peak_rss_mib"] = memory.peak / 2**20
                rows.append(row)
        finally:
            memory.stop()
            process.send_signal(signal.SIGTERM)
            process.wait(60)
    base = rows[0]["sentences_per_s"]
    print(f"model {args.model} backend {args.backend} beam {args.beam_size}; "
          f"{args.paragraphs} paragraphs, {rows[0]['sentences']} sentences per run")
    print(f"{'mode':<6} {'clients':>7} {'sent/s':>8} {'vs batch':>8} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'errors':>6} {'peak RSS':>9}")
    for row in rows:
        print(f"{row['mode']:<6} {row['clients']!s:>7} {row['sentences_per_s']:>8.1f} "
              f"{row['sentences_per_s'] / base:>8.0%} {row.get('p50_ms', 0):>8.0f} "
              f"{row.get('p95_ms', 0):>8.0f} {row['errors']:>6} "
              f"{row.get('server_peak_rss_mib', 0):>8.0f}M")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
