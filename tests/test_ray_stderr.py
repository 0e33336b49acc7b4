"""`batch --ray` on stderr: the tool's own lines only, and an unreachable cluster fails fast.

Ray's core prints a native log line on every run with Ray Data actors (``core_worker.cc …
has constructor arguments in the object store``, ray-project/ray#57733) and, for an address
nothing answers on, retry lines every few seconds for ever. The runner drops Ray's native lines
from the process's stderr while it runs and probes the address before joining.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Only the first test runs on the session's Ray (marked ``ray``); the other two start a
# CLI that fails to join an address, and need no Ray of their process.
pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
#: Ray's own timeouts of one attempt to join (docs/guide/ray.md): 2 s for the GCS connection,
#: 2 s for its pubsub channel, 3 s for the cluster's id, instead of Ray's 5, 5 and 30. The run
#: that joins a head that answers but is no Ray stops after one attempt of ~8 s, not ~40 s.
SHORT_JOIN = {
    "RAY_gcs_rpc_server_connect_timeout_s": "2",
    "RAY_py_gcs_connect_timeout_s": "3",
}
ATTEMPT_SECONDS = 8


@pytest.mark.ray
def test_a_ray_run_leaves_no_ray_native_line_on_stderr(
    ray_cluster: str, copy_model_dir: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from translator.batch import RaySettings, translate_folder
    from translator.batch.ray_runner import RAY_NATIVE_LINE
    from translator.options import Options

    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "a.txt").write_text("Das ist ein Test. Noch ein Satz.\n", encoding="utf-8")
    options = Options(model=str(copy_model_dir), backend="transformers", beam_size=1,
                      glossary=False, qa=False)  # fmt: skip
    capfd.readouterr()
    summary = translate_folder(in_dir, tmp_path / "out", options=options,
                               ray=RaySettings(workers=1))  # fmt: skip
    err = capfd.readouterr().err
    assert len(summary.translated) == 1
    assert "core_worker" not in err, err
    assert not [line for line in err.splitlines() if RAY_NATIVE_LINE.match(line.encode())], err
    # What is printed after the run reaches the real stderr again.
    print("after the run", file=sys.stderr)
    assert capfd.readouterr().err == "after the run\n"


def _free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound once by us, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_address_nothing_listens_on_fails_in_seconds_with_one_line(
    copy_model_dir: Path, tmp_path: Path
) -> None:
    from translator.batch.ray_runner import CONNECT_SECONDS
    from translator.cli.app import EXIT_CLUSTER

    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "a.txt").write_text("Das ist ein Test.\n", encoding="utf-8")
    address = f"127.0.0.1:{_free_port()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_ADDRESS": ""}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "translator", "batch", str(in_dir), str(tmp_path / "out"),
         "--model", str(copy_model_dir), "--backend", "transformers", "--ray",
         "--ray-address", address],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert done.returncode == EXIT_CLUSTER, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("translator: error: cannot reach the Ray cluster at " + address)
    # Bounded: the probe's timeout plus starting the CLI (seconds on a busy machine), never
    # Ray's endless retries. The bound itself is CONNECT_SECONDS (a refused connection: at once).
    assert seconds < CONNECT_SECONDS + 60, seconds


def test_a_head_that_answers_but_is_no_ray_fails_within_a_bound_with_one_line(
    copy_model_dir: Path, tmp_path: Path
) -> None:
    """A port that accepts connections and never speaks Ray (as a head whose advertised
    addresses cannot be reached behaves for Ray's client): Ray would retry for minutes."""
    import threading

    from translator.batch.ray_runner import JOIN_ATTEMPTS
    from translator.cli.app import EXIT_CLUSTER

    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "a.txt").write_text("Das ist ein Test.\n", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_ADDRESS": "", **SHORT_JOIN}
    env.pop("RAY_gcs_server_port_wait_time_s", None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "translator", "batch", str(in_dir), str(tmp_path / "out"),
             "--model", str(copy_model_dir), "--backend", "transformers", "--ray",
             "--ray-address", address],
            capture_output=True, text=True, env=env, timeout=400,
        )  # fmt: skip
    finally:
        listener.close()
        for conn in held:
            conn.close()
    seconds = time.monotonic() - started
    assert done.returncode == EXIT_CLUSTER, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("translator: error: cannot join the Ray cluster at " + address)
    # Ray's one attempt (JOIN_ATTEMPTS: about 8 s with SHORT_JOIN, 40 s with Ray's defaults)
    # plus starting the CLI on a busy machine; Ray's default of 20 attempts would take 160 s
    # here (over ten minutes with its default timeouts).
    assert seconds < ATTEMPT_SECONDS * JOIN_ATTEMPTS + 90, seconds
