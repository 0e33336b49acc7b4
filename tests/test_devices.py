"""`--device auto|cuda` with a CUDA device present and absent, for both backends, via the CLI.

The machines that run the suite have no GPU, so the device queries are faked
(``torch.cuda.is_available`` / ``torch.cuda.device_count``, and
``ctranslate2.get_cuda_device_count``). With a device "present", moving the model and its
inputs to "cuda" is recorded and carried out on the CPU, so the run completes and the JSON
output's signature says which device the engine chose. The same tests pass on a GPU machine:
there the device is faked away or faked in just the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run_cli

pytestmark = pytest.mark.slow

Capture = pytest.CaptureFixture[str]
NO_DEVICE = "translator: error: --device cuda asked for, but no such CUDA device is available\n"


@pytest.fixture(scope="module")
def converted(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from translator.engine.convert import convert_model

    out = tmp_path_factory.mktemp("ct2") / "tiny-int8"
    return convert_model(str(tiny_model_dir), quantization="int8", output_dir=out).path


@pytest.fixture(params=["transformers", "ctranslate2"])
def model(request: pytest.FixtureRequest, tiny_model_dir: Path) -> tuple[str, Path]:
    """(backend, model folder) for each backend."""
    if request.param == "transformers":
        return "transformers", tiny_model_dir
    return "ctranslate2", request.getfixturevalue("converted")


def fake_cuda(monkeypatch: pytest.MonkeyPatch, devices: int) -> list[str]:
    """Both libraries report ``devices`` CUDA devices. Returns the devices that the model and
    its inputs were sent to (a "cuda" one is carried out on the CPU)."""
    import ctranslate2
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: devices > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: devices)
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: devices)
    asked: list[str] = []

    def on_cpu(move: Callable[..., Any]) -> Callable[..., Any]:
        def to(self: Any, *args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], str | torch.device):
                asked.append(str(args[0]))
                args = ("cpu", *args[1:])
            return move(self, *args, **kwargs)

        return to

    monkeypatch.setattr(torch.nn.Module, "to", on_cpu(torch.nn.Module.to))
    monkeypatch.setattr(torch.Tensor, "to", on_cpu(torch.Tensor.to))
    translator = ctranslate2.Translator

    def ct2_translator(*args: Any, device: str = "cpu", **kwargs: Any) -> Any:
        asked.append(device)
        return translator(*args, device="cpu", **{**kwargs, "device_index": 0})

    monkeypatch.setattr(ctranslate2, "Translator", ct2_translator)
    return asked


def translate(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: tuple[str, Path], device: str
) -> tuple[int, str, str]:
    backend, folder = model
    return run_cli(
        monkeypatch, capsys, "translate", "-", "--model", str(folder), "--backend", backend,
        "--device", device, "--beam-size", "1", "--no-glossary", "--no-cache", "-f", "json",
        stdin=b"Die Truppen sind in der Stadt angekommen.",
    )  # fmt: skip


@pytest.mark.parametrize("device", ["auto", "cuda"])
def test_with_a_cuda_device_both_choices_run_on_it(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: tuple[str, Path], device: str
) -> None:
    asked = fake_cuda(monkeypatch, 1)
    code, out, err = translate(monkeypatch, capsys, model, device)
    assert code == 0, err
    assert json.loads(out)["signature"]["device"] == "cuda"
    assert "cuda" in asked  # the model went to the GPU


def test_without_a_cuda_device_auto_runs_on_the_cpu(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: tuple[str, Path]
) -> None:
    asked = fake_cuda(monkeypatch, 0)
    code, out, err = translate(monkeypatch, capsys, model, "auto")
    assert code == 0, err
    assert json.loads(out)["signature"]["device"] == "cpu"
    assert "cuda" not in asked


def test_without_a_cuda_device_cuda_is_a_one_line_model_error(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: tuple[str, Path]
) -> None:
    asked = fake_cuda(monkeypatch, 0)
    code, out, err = translate(monkeypatch, capsys, model, "cuda")
    assert (code, out, err) == (4, "", NO_DEVICE)
    assert asked == []  # refused before anything was loaded


def test_a_cuda_device_that_fails_to_load_is_a_one_line_model_error(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: tuple[str, Path]
) -> None:
    """The device is there but unusable (out of memory, driver too old): exit 4, one line
    naming the device, never an internal error."""
    import ctranslate2
    import torch

    fake_cuda(monkeypatch, 1)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("CUDA error: out of memory")

    monkeypatch.setattr(torch.nn.Module, "to", broken)
    monkeypatch.setattr(ctranslate2, "Translator", broken)
    code, out, err = translate(monkeypatch, capsys, model, "auto")
    assert (code, out) == (4, "")
    assert err.startswith("translator: error: cannot load ") and err.count("\n") == 1
    assert " on cuda: CUDA error: out of memory" in err
