"""`batch --ray` on stderr: the tool's own lines only, and an unreachable cluster fails fast.

Ray's core prints a native log line on every run with Ray Data actors (``core_worker.cc …
has constructor arguments in the object store``, ray-project/ray#57733) and, for an address
nothing answers on, retry lines every few seconds for ever. The runner drops Ray's native lines
from the process's stderr while it runs and probes the address before joining.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


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
