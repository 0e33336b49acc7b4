"""One front door: the library and the CLI build the same pipeline from the same Options.

The engine is the deterministic WordEngine double (the model is not under test here); the
glossary, QA, memory, environment and validation are the real ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import translator
import translator.factory as factory_mod
from tests.cli import run_cli as cli
from tests.cli import use_engine
from tests.conftest import SEED
from tests.doubles import WordEngine
from translator import Options, UsageError, translate_text
from translator.config import packaged_glossary
from translator.errors import GlossaryError, ModelError

Capture = pytest.CaptureFixture[str]

SMALL_GLOSSARY = """\
schema: 1
entries:
  - source: Truppen
    target: forces
    category: term
"""


@pytest.fixture
def cli_engine(monkeypatch: pytest.MonkeyPatch) -> list[Options]:
    """The CLI gets a fresh WordEngine instead of a model; returns the options it asked with."""
    asked: list[Options] = []

    def engine_for(options: Options, **kwargs: Any) -> WordEngine:
        asked.append(options)
        return WordEngine()

    monkeypatch.setattr(factory_mod, "engine_for", engine_for)
    return asked


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON result without what differs between any two runs (the time taken)."""
    data = dict(data)
    data["stats"] = {k: v for k, v in data["stats"].items() if k != "seconds"}
    return data


# -- the library and the CLI give the same result ----------------------------------------------


def test_library_and_cli_give_identical_json_for_the_seed(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, cli_engine: list[Options]
) -> None:
    text = SEED.read_text("utf-8")
    library = translate_text(text, engine=WordEngine(), name=str(SEED)).to_dict()
    code, out, err = cli(monkeypatch, capsys, "translate", str(SEED), "-f", "json", "-q")
    assert code == 0, err
    command = json.loads(out)
    assert comparable(command) == comparable(library)
    # ... and that result has the glossary and QA in it: the library's defaults are the CLI's.
    statuses = {t["status"] for t in library["terms"]}
    assert len(library["terms"]) >= 20 and "applied" in statuses
    codes = {f["code"] for p in library["paragraphs"] for s in p["sentences"] for f in s["flags"]}
    assert "untranslated" in codes  # the double copies German words: QA sees them
    assert library["signature"]["glossary"] == translator.load_glossary(packaged_glossary()).version
    assert library["signature"]["qa"] is True


def test_translate_folder_builds_the_same_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translator.batch import translate_folder

    use_engine(monkeypatch, WordEngine())
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED.name).write_bytes(SEED.read_bytes())
    summary = translate_folder(tmp_path / "in", tmp_path / "out", fmt="json")
    assert summary.ok
    folder = json.loads((tmp_path / "out" / SEED.with_suffix(".json").name).read_text("utf-8"))
    library = translate_text(SEED.read_text("utf-8"), engine=WordEngine(), name=SEED.name)
    assert comparable(folder) == comparable(library.to_dict())


# -- glossary= ---------------------------------------------------------------------------------


@pytest.fixture
def small_glossary(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_GLOSSARY, "utf-8")
    return path


@pytest.mark.parametrize("form", ["str", "path", "glossary"])
def test_glossary_may_be_a_path_a_string_or_a_loaded_glossary(
    small_glossary: Path, form: str
) -> None:
    spec: Any = {
        "str": str(small_glossary),
        "path": small_glossary,
        "glossary": translator.load_glossary(small_glossary),
    }[form]
    result = translate_text("Die Truppen sind hier.", engine=WordEngine(), glossary=spec)
    assert result.target == "Die forces are hier."
    assert [(t.source, t.expected, t.status) for t in result.terms] == [
        ("Truppen", "forces", "applied")
    ]
    assert result.signature["glossary"] == translator.load_glossary(small_glossary).version


def test_glossary_none_is_the_default_and_false_is_none() -> None:
    default = translate_text("Die Truppen sind in Kiew.", engine=WordEngine())
    assert "Kyiv" in [t.expected for t in default.terms]
    assert default.signature["glossary"] == translator.load_glossary(packaged_glossary()).version
    bare = translate_text("Die Truppen sind in Kiew.", engine=WordEngine(), glossary=False)
    assert bare.terms == [] and bare.signature["glossary"] is None
    assert "Kiew" in bare.target


def test_a_missing_glossary_file_is_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="missing.yaml"):
        translate_text("Hallo.", engine=WordEngine(), glossary=tmp_path / "missing.yaml")
    with pytest.raises(GlossaryError):
        translator.load_glossary(tmp_path / "missing.yaml")


# -- defaults: QA on, memory off in the library and on in the CLI ------------------------------


def test_memory_is_off_in_the_library_unless_asked_and_on_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, cli_engine: list[Options]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(cache))
    translate_text("Die Truppen sind hier.", engine=WordEngine())
    assert not (cache / "memory.sqlite3").exists()
    first = translate_text("Die Truppen sind hier.", engine=WordEngine(), memory=True)
    again = translate_text("Die Truppen sind hier.", engine=WordEngine(), memory=True)
    assert (cache / "memory.sqlite3").is_file()
    assert not first.sentences[0].cached and again.sentences[0].cached
    own = tmp_path / "own.sqlite3"
    translate_text("Die Truppen sind hier.", engine=WordEngine(), memory=own)
    assert own.is_file()

    (cache / "memory.sqlite3").unlink()
    source = tmp_path / "a.txt"
    source.write_text("Die Truppen sind hier.\n", "utf-8")
    code, _, err = cli(monkeypatch, capsys, "translate", str(source), "-q")
    assert code == 0, err
    assert (cache / "memory.sqlite3").is_file()


def test_qa_is_on_by_default_and_can_be_switched_off() -> None:
    on = translate_text("Die Zahl ist 12.000.", engine=WordEngine(), glossary=False)
    off = translate_text("Die Zahl ist 12.000.", engine=WordEngine(), glossary=False, qa=False)
    assert on.target == "Die Zahl is 12,000." and off.target == "Die Zahl is 12.000."
    assert on.signature["qa"] is True and off.signature["qa"] is False


# -- the environment, honoured alike -----------------------------------------------------------


def test_translator_glossary_is_honoured_by_library_and_cli(
    small_glossary: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    cli_engine: list[Options],
) -> None:
    monkeypatch.setenv("TRANSLATOR_GLOSSARY", str(small_glossary))
    version = translator.load_glossary(small_glossary).version
    assert translate_text("Die Truppen.", engine=WordEngine()).signature["glossary"] == version
    source = small_glossary.parent / "a.txt"
    source.write_text("Die Truppen.\n", "utf-8")
    code, out, err = cli(monkeypatch, capsys, "translate", str(source), "-f", "json", "-q")
    assert code == 0, err
    assert json.loads(out)["signature"]["glossary"] == version


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("TRANSLATOR_MODEL", "/models/opus", "model", "/models/opus"),
        ("TRANSLATOR_BACKEND", "CTranslate2", "backend", "ctranslate2"),
        ("TRANSLATOR_DEVICE", "cpu", "device", "cpu"),
        ("TRANSLATOR_DEVICE", "cuda:1", "device", "cuda:1"),
    ],
)
def test_environment_fills_unset_options_in_library_and_cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    cli_engine: list[Options],
    variable: str,
    value: str,
    field: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(Options().resolved(), field) == expected
    assert getattr(Options(**{field: "auto" if field != "model" else "m"}).resolved(), field) in (
        "auto",
        "m",
    )  # a value given beats the environment
    source = tmp_path / "a.txt"
    source.write_text("Die Truppen.\n", "utf-8")
    code, _, err = cli(monkeypatch, capsys, "translate", str(source), "-q")
    assert code == 0, err
    assert getattr(cli_engine[-1].resolved(), field) == expected


def test_load_engine_honours_the_environment(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translator.engine import load_engine

    monkeypatch.setenv("TRANSLATOR_MODEL", str(tiny_model_dir))
    monkeypatch.setenv("TRANSLATOR_BACKEND", "ctranslate2")  # and there is no conversion
    with pytest.raises(ModelError, match="no CTranslate2 conversion of"):
        load_engine()
    with pytest.raises(ModelError, match="no CTranslate2 conversion of"):
        translate_text("Die Truppen.")  # the library's default engine: the same path


# -- invalid values: rejected once, with a clear message ---------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("backend", "fast", "backend must be one of auto, ctranslate2, transformers (got 'fast')"),
        ("device", "tpu", "device must be one of auto, cpu, cuda (got 'tpu')"),
        ("beam_size", 0, "beam_size must be a whole number of at least 1 (got 0)"),
        ("glossary", True, "glossary must be a Glossary, a path, None (default) or False"),
    ],
)
def test_invalid_values_raise_a_usage_error(field: str, value: Any, message: str) -> None:
    with pytest.raises(UsageError) as info:
        Options(**{field: value})
    assert str(info.value) == message
    with pytest.raises(UsageError):
        translate_text("Hallo.", engine=WordEngine(), **{field: value})


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["--backend", "fast"], {}, "--backend must be one of auto, ctranslate2, transformers"),
        (["--device", "gpu"], {}, "--device must be one of auto, cpu, cuda (got 'gpu')"),
        (["--format", "pdf"], {}, "--format must be one of text, markdown, json, html"),
        ([], {"TRANSLATOR_BACKEND": "fast"}, "TRANSLATOR_BACKEND must be one of auto,"),
        ([], {"TRANSLATOR_DEVICE": "gpu"}, "TRANSLATOR_DEVICE must be one of auto, cpu, cuda"),
    ],
)
@pytest.mark.parametrize("command", ["translate", "batch"])
def test_cli_rejects_invalid_values_with_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    cli_engine: list[Options],
    command: str,
    args: list[str],
    env: dict[str, str],
    line: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Die Truppen.\n", "utf-8")
    paths = [str(tmp_path / "in" / "a.txt")] if command == "translate" else [
        str(tmp_path / "in"), str(tmp_path / "out")]  # fmt: skip
    code, out, err = cli(monkeypatch, capsys, command, *paths, *args)
    assert code == 2
    assert err.startswith(f"translator: error: {line}") and err.count("\n") == 1, err
    assert out == "" and not (tmp_path / "out").exists()
    assert cli_engine == []  # rejected before any engine was asked for


def test_build_pipeline_has_the_same_defaults() -> None:
    from translator import build_pipeline

    engine = WordEngine()
    pipeline = build_pipeline(engine=engine)
    assert pipeline.glossary is not None and pipeline.checker is not None
    assert pipeline.memory is None  # the library's default
    text = SEED.read_text("utf-8")
    built = pipeline.translate_text(text).to_dict()
    assert comparable(built) == comparable(translate_text(text, engine=WordEngine()).to_dict())
    bare = build_pipeline(engine=engine, glossary=False, qa=False)
    assert bare.glossary is None and bare.checker is None


def test_background_engine_hands_over_the_engine_or_its_loading_error() -> None:
    from translator.engine.lazy import LazyEngine

    engine = WordEngine()
    loading = LazyEngine(lambda: engine, background=True)
    assert loading.background and not loading.loaded
    assert loading.translate_batch(["die Truppen"]) == ["the troops"]
    assert loading.signature == engine.signature and loading.get().calls == engine.calls
    assert loading.loaded and loading.stats == {}  # a WordEngine counts nothing

    def fail() -> WordEngine:
        raise ModelError("model 'x' is not available")

    broken = LazyEngine(fail, background=True)
    for _ in range(2):  # every use says why, not only the first
        with pytest.raises(ModelError, match="is not available"):
            broken.translate_batch(["die Truppen"])
    # With a fallback (auto after a damaged conversion): the fallback, in the using thread.
    rescued = LazyEngine(fail, background=True, fallback=lambda: engine)
    assert rescued.translate_batch(["die Truppen"]) == ["the troops"]
    # Nor is any other error taken for a damaged conversion.
    def crash() -> WordEngine:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        LazyEngine(crash, background=True, fallback=lambda: engine).translate_batch(["x"])


def test_the_engine_handle_offers_what_the_pipeline_calls_and_forwards_nothing() -> None:
    """Explicit methods, no ``__getattr__``: an engine without ``retranslate`` is retried
    with its ``translate_batch``; ``last_flags`` is None until an engine that has them
    loaded; nothing else of the engine's is reachable through the handle."""
    from translator.engine.lazy import LazyEngine

    engine = WordEngine()
    handle = LazyEngine(lambda: engine)
    assert handle.last_flags is None and not handle.loaded  # asking loads nothing
    assert handle.retranslate(["die Truppen"]) == ["the troops"] and handle.loaded
    assert not hasattr(handle, "calls")  # the WordEngine's own attribute: not forwarded
    assert "__getattr__" not in vars(LazyEngine)
