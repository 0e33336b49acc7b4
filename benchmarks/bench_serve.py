"""`translator serve` under load: 1, 8 and 32 concurrent clients vs. `translator batch`.

    python -m benchmarks.bench_serve                                   # the committed copy model
    python -m benchmarks.bench_serve --paragraphs 64 --full /tmp/full  # the opus-mt architecture
    python -m benchmarks.bench_serve --model PATH --backend transformers --beam-size 1

The backend, beam size and batch size are the product's (``Options``: backend ``auto``, which
converts the model for CTranslate2 at int8 on first use, beam 4) unless given; the conversion
goes into the benchmark's own cache folder (``TRANSLATOR_CACHE_DIR`` is set to a temporary
folder), made once by the batch side and found there by the server. The engine threads are
the product's too (every core) unless ``--threads`` is given.

Builds distinct paragraphs from the seed article (every sentence tagged with its paragraph's
number, so neither the translation memory nor the batcher's merging of equal sentences can
help), then, ``--rounds`` times, interleaved (A/B/A/B: the machine may be shared, and a load
that changes hits both sides alike):

* ``batch``: the same paragraphs as files through ``translator.batch.translate_folder`` (what
  `translator batch` runs) in this process, with the model loaded beforehand, so that only the
  translation is timed;
* ``serve``: one server process (``python -m translator serve --no-cache`` with the same model
  and options, started once and warmed up), and 1, 8 and 32 asyncio/httpx clients, each
  sending one paragraph per request to the LibreTranslate endpoint (``POST /translate``) until
  the paragraphs are used up.

Prints sentences per second, latency p50/p95 per request, errors (and 503s), the server
batcher's engine batches (mean sentences per engine call) and engine-busy share (seconds in
engine calls / wall seconds), the load average at each row, and the ratio to the same round's
``batch`` (the issue's goal: >= 80 % at 8 clients). As the clients share the cores with the
server, CPU seconds are counted too: the server process's (all its threads) and the clients'
(this process) per row, and for ``batch`` this process's; "per CPU s" is sentences per
second of CPU of the process that translated (server or batch). Memory: the server's
resident memory after start-up and its peak (the kernel's VmHWM, so nothing between two
samples is missed), per row.

``--full DIR``: a random-weight model of the full opus-mt-de-en architecture (built into DIR
by ``tests/models.py`` when DIR holds none; ~300 MB), whose outputs are forced to 1.2 x their
input's length (``force_length_ratio``, as ``bench_speed.py`` does), so that it costs per
sentence what the real model costs. The server is then the same ``Service`` and app that
`translator serve` runs, started by this script (``--serve-child``) because the CLI has no
option to force lengths. With the copy model (1.3 M parameters, CTranslate2 int8, beam 4) an
engine call's CPU per sentence falls with its size (in-process: 164 sentences per CPU second
at 2 per call, 207 at 8, 226 at 32), so the server's batches, which hold only the sentences in
flight (8 clients x ~2 sentences), cost it some of the engine's efficiency.
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
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"
RATIO = 1.2  # --full: outputs forced to this x their input's tokens


def serve_default(name: str) -> Any:
    """The server's default setting ``name`` (``ServeSettings``, the only place of it)."""
    from dataclasses import fields

    from translator.serve.service import ServeSettings

    return next(f.default for f in fields(ServeSettings) if f.name == name)


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


#: The options given on the command line (None: the product's default, from Options).
ENGINE_OPTIONS = ("backend", "beam_size", "batch_size")


def options_for(args: argparse.Namespace) -> Any:
    from translator.options import Options

    given = {k: getattr(args, k) for k in ENGINE_OPTIONS if getattr(args, k) is not None}
    return Options(model=args.model, memory=False, **given).resolved()


def cpu_seconds(process: Any) -> float:
    """User + system CPU seconds of a psutil process (all its threads)."""
    times = process.cpu_times()
    return float(times.user + times.system)


def peak_rss(pid: int) -> int:
    """The kernel's peak resident memory of ``pid`` (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def engine_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {"force_length_ratio": RATIO} if args.full else {}


def run_batch(engine: Any, options: Any, texts: list[str]) -> dict[str, Any]:
    """The paragraphs as files through translate_folder (what `translator batch` runs)."""
    from translator.batch.runner import translate_folder

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir(parents=True)
        for n, text in enumerate(texts):
            (src / f"p{n:04d}.txt").write_text(text + "\n", encoding="utf-8")
        started, cpu = time.perf_counter(), time.process_time()
        summary = translate_folder(src, dst, options=options, engine=engine)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sentences = sentence_count(texts)
    return {"mode": "batch", "clients": "-", "requests": len(texts), "sentences": sentences,
            "seconds": seconds, "sentences_per_s": sentences / seconds,
            "cpu_s": cpu, "sentences_per_cpu_s": sentences / cpu,
            "errors": len(getattr(summary, "failed", []) or [])}


async def load(url: str, texts: list[str], clients: int, server: Any) -> dict[str, Any]:
    """``clients`` clients sending ``texts`` (one per request) to the server at ``url``;
    ``server``: its psutil process (for its CPU seconds)."""
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
        before = (await http.get(f"{url}/api/health")).json()["engine"]
        started, cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_seconds(server)
        await asyncio.gather(*(client(http) for _ in range(clients)))
        seconds = time.perf_counter() - started
        cpu, server_cpu = time.process_time() - cpu, cpu_seconds(server) - server_cpu
        after = (await http.get(f"{url}/api/health")).json()["engine"]
    sentences = sentence_count(texts)
    latencies.sort()
    calls = after["engine_calls"] - before["engine_calls"]
    return {
        "mode": "serve", "clients": clients, "requests": len(texts), "sentences": sentences,
        "seconds": seconds, "sentences_per_s": sentences / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "errors": sum(errors.values()), "errors_by_status": errors,
        "engine_calls": calls,
        "per_call": (after["sentences"] - before["sentences"]) / max(1, calls),
        "engine_busy": (after["engine_seconds"] - before["engine_seconds"]) / seconds,
        "cpu_s": server_cpu, "client_cpu_s": cpu, "sentences_per_cpu_s": sentences / server_cpu,
    }


def serve_child(args: argparse.Namespace) -> None:
    """The server `translator serve` runs (the same Service, app and uvicorn settings), with
    an engine whose output lengths are forced (``--full``)."""
    import uvicorn

    from translator.factory import engine_for
    from translator.serve.app import create_app
    from translator.serve.service import ServeSettings, Service

    options = options_for(args)
    settings = ServeSettings(options=options, data_dir=Path(args.serve_child),
                             port=args.port, queue_size=args.queue_size)
    service = Service(settings, load=lambda: engine_for(options, **engine_kwargs(args)))
    uvicorn.run(create_app(service), host="127.0.0.1", port=args.port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=30)


def start_server(args: argparse.Namespace, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    common = ["--model", args.model, "--queue-size", str(args.queue_size), "--port", str(port)]
    for name in ENGINE_OPTIONS:  # the rest: the product's defaults, as in the batch side
        if getattr(args, name) is not None:
            common += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    if args.full:
        cmd = [sys.executable, "-m", "benchmarks.bench_serve", "--full", str(args.full),
               "--serve-child",
               str(folder / "data"), *common]
    else:
        cmd = [sys.executable, "-m", "translator", "serve", "--no-cache", "--data-dir",
               str(folder / "data"), *common]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
                               cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
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


def build_full(folder: Path) -> None:
    """The full opus-mt-de-en architecture with random weights (tests/models.py)."""
    if (folder / "model.safetensors").is_file():
        return
    from tests.models import build_marian_model

    print(f"building the full-architecture random model in {folder}", file=sys.stderr)
    build_marian_model(folder, preset="full", seed=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(COPY_MODEL))
    parser.add_argument("--full", type=Path, help="use (build) the full-architecture model here")
    parser.add_argument("--backend", help="default: Options' (auto: CTranslate2, int8)")
    parser.add_argument("--beam-size", type=int, help="default: Options'")
    parser.add_argument("--batch-size", type=int, help="default: Options'")
    parser.add_argument("--queue-size", type=int, default=serve_default("queue_size"),
                        help="default: the server's")
    parser.add_argument("--paragraphs", type=int, default=1200,
                        help="per run (default: an 8-client run of 15 s or more on 2 idle cores)")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=2, help="batch/serve rounds (A/B/A/B)")
    parser.add_argument("--threads", type=int,
                        help="CPU threads of the engine, here and in the server "
                        "($OMP_NUM_THREADS; default: the product's, every core)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--serve-child", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)  # read by both engines and the server
    if args.full:
        args.model = str(args.full)
    if args.serve_child:
        serve_child(args)
        return
    if args.full:
        build_full(args.full)

    def note(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    from translator.factory import engine_for

    rows: list[dict[str, Any]] = []
    counts = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        # The benchmark's own cache: the conversion for CTranslate2 (made here, on the first
        # load, and found there by the server), the word frequencies; never the user's.
        os.environ["TRANSLATOR_CACHE_DIR"] = str(Path(tmp, "cache"))
        note("batch: loading the model (converting it first, for backend auto)")
        options = options_for(args)
        engine = engine_for(options, **engine_kwargs(args))
        signature = {**engine.signature, "threads": getattr(engine, "threads", None),
                     "parallel_batches": getattr(engine, "parallel_batches", None)}
        run_batch(engine, options, paragraphs(8, "w"))  # warm-up, not counted
        note("starting the server")
        process, url = start_server(args, Path(tmp))
        import psutil

        server = psutil.Process(process.pid)
        started_rss = server.memory_info().rss
        try:
            asyncio.run(load(url, paragraphs(8, "w"), 8, server))  # warm-up, not counted
            for n in range(args.rounds):
                row = run_batch(engine, options, paragraphs(args.paragraphs, f"b{n}-"))
                row.update(round=n + 1, load=os.getloadavg()[0])
                note(f"round {n + 1} batch: {row['sentences_per_s']:.1f} sentences/s")
                rows.append(row)
                for clients in counts:
                    tag = f"r{n}c{clients}-"
                    texts = paragraphs(args.paragraphs, tag)
                    row = asyncio.run(load(url, texts, clients, server))
                    row.update(round=n + 1, load=os.getloadavg()[0],
                               server_rss_mib=server.memory_info().rss / 2**20,
                               server_peak_rss_mib=peak_rss(process.pid) / 2**20)
                    note(f"round {n + 1} serve {clients}: {row['sentences_per_s']:.1f} "
                         f"({row['seconds']:.1f} s)")
                    rows.append(row)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(60)
    report(args, options, signature, rows, counts, started_rss)


def report(args: argparse.Namespace, options: Any, signature: dict[str, Any],
           rows: list[dict[str, Any]], counts: list[int], started_rss: int) -> None:
    shown = ("backend", "compute_type", "threads", "parallel_batches")
    engine = ", ".join(f"{k} {signature[k]}" for k in shown if signature.get(k) is not None)
    print(f"model {Path(args.model).name} ({engine}), beam {options.beam_size}, batch size "
          f"{options.batch_size}{f' (outputs forced to {RATIO} x input)' if args.full else ''}; "
          f"queue size {args.queue_size}; {args.paragraphs} paragraphs, "
          f"{rows[0]['sentences']} sentences per run")
    print(f"server resident memory after start-up: {started_rss / 2**20:.0f} MiB")
    print(f"{'round':>5} {'mode':<5} {'clients':>7} {'sent/s':>7} {'vs batch':>8} "
          f"{'per CPU s':>9} {'vs batch':>8} {'p50 ms':>6} {'p95 ms':>6} {'errors':>6} "
          f"{'per call':>8} {'busy':>5} {'CPU s':>6} {'client':>6} {'RSS':>6} {'peak':>6} "
          f"{'load':>5}")
    base = base_cpu = 0.0
    for row in rows:
        if row["mode"] == "batch":
            base, base_cpu = row["sentences_per_s"], row["sentences_per_cpu_s"]
        row["vs_batch"] = row["sentences_per_s"] / base
        row["vs_batch_cpu"] = row["sentences_per_cpu_s"] / base_cpu
        serve = row["mode"] == "serve"
        errors = f"{row['errors']}" + (
            f" ({', '.join(f'{k}: {v}' for k, v in row['errors_by_status'].items())})"
            if serve and row["errors"] else "")
        print(f"{row['round']:>5} {row['mode']:<5} {row['clients']!s:>7} "
              f"{row['sentences_per_s']:>7.1f} {row['vs_batch']:>8.0%} "
              f"{row['sentences_per_cpu_s']:>9.1f} {row['vs_batch_cpu']:>8.0%} "
              + (f"{row['p50_ms']:>6.0f} {row['p95_ms']:>6.0f} " if serve else f"{'-':>6} "
                 f"{'-':>6} ")
              + f"{errors:>6} "
              + (f"{row['per_call']:>8.1f} {row['engine_busy']:>5.0%} " if serve
                 else f"{'-':>8} {'-':>5} ")
              + f"{row['cpu_s']:>6.1f} "
              + (f"{row['client_cpu_s']:>6.1f} {row['server_rss_mib']:>5.0f}M "
                 f"{row['server_peak_rss_mib']:>5.0f}M " if serve
                 else f"{'-':>6} {'-':>6} {'-':>6} ")
              + f"{row['load']:>5.1f}")
    for clients in counts:
        ratios = [r["vs_batch"] for r in rows if r["clients"] == clients]
        per_cpu = [r["vs_batch_cpu"] for r in rows if r["clients"] == clients]
        seconds = [r["seconds"] for r in rows if r["clients"] == clients]
        print(f"{clients} clients vs batch: {', '.join(f'{r:.0%}' for r in ratios)} "
              f"(median {statistics.median(ratios):.0%}); per CPU second "
              f"{', '.join(f'{r:.0%}' for r in per_cpu)}; "
              f"{', '.join(f'{s:.0f}' for s in seconds)} s a run")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))

if __name__ == "__main__":
    main()
