"""`translator serve` started for real, as a user starts it, on 127.0.0.1 and a free port.

``serve_process`` runs ``python -m translator serve`` with the committed copy model (it returns
its input, so a test can assert the exact text that comes back), waits for it to answer and
stops it with SIGTERM (a graceful shutdown) by its process id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class Server:
    url: str
    key: str | None
    data: Path
    log: Path
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_key(keys: Path, name: str, env: dict[str, str]) -> str:
    """A key made by the CLI (`translator serve --keys FILE --add-key NAME`)."""
    done = subprocess.run(
        [sys.executable, "-m", "translator", "serve", "--keys", str(keys), "--add-key", name],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )
    return done.stdout.strip()


@contextmanager
def serve_process(
    folder: Path, model: Path, *, keys: bool = True, args: Sequence[str] = (),
    data: Path | None = None,
) -> Iterator[Server]:
    """``data``: the data folder (default FOLDER/data; replicas share one)."""
    env = dict(os.environ)
    env.update(TRANSLATOR_CACHE_DIR=str(folder / "cache"), OMP_NUM_THREADS="1",
               HF_HUB_OFFLINE="1", TRANSLATOR_BACKEND="transformers")
    env.pop("TRANSLATOR_GLOSSARY", None)
    env.pop("TRANSLATOR_MODEL", None)
    key = None
    extra: list[str] = []
    if keys:
        key = add_key(folder / "keys.txt", "tests", env)
        extra = ["--keys", str(folder / "keys.txt")]
    port = free_port()
    log = folder / "server.log"
    data = data or folder / "data"
    cmd = [sys.executable, "-m", "translator", "serve", "--port", str(port), "--model", str(model),
           "--backend", "transformers", "--beam-size", "1", "--data-dir", str(data),
           *extra, *args]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"translator serve exited ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"translator serve did not answer:\n{log.read_text()}")
            time.sleep(0.3)
        yield Server(url, key, data, log, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
