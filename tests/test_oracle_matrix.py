"""The oracle matrix: with a model trained to copy German, every path must return its input.

Glossary and QA off, the copy-trained model (tests/data/copy-marian) returns each sentence
as it came (NFKC-normalised, as SentencePiece reads it). So whatever entry point, backend,
state of the translation memory and document format, the output's text must equal the input's
and its structure (block kinds and order) must be the input's. This is the test that catches
a path returning another setup's translations (issue 21: ``batch --ray`` keyed its memory by
a signature key that did not exist) or garbling words (the int8 auto-conversion).

The axes, and where the full product would add nothing:

* entry points: the library (``build_pipeline`` + ``translate_document``/``translate_text``,
  ``formats.write``), the CLI ``translate``, ``batch`` (local runner), ``batch --ray`` and
  ``eval`` (BLEU and chrF against a reference equal to the source must be 100);
* backends: transformers, and CTranslate2 as ``--backend auto`` converts the model (int8 on a
  CPU; converted once for the module, and once by the Ray workers);
* memory: cold (empty), warm (the same setup ran before: served from the memory), and warm
  after other setups (another model, another beam size, another glossary ran first, through
  the same entry point, and every entry they left is then marked "POISON", so that one used
  by mistake shows). The three other setups share one memory and one tested run: each is a
  different namespace, and the tested run must see none of them. ``eval`` bypasses the memory
  by design, so it runs cold only. ``batch --ray`` runs after another model only, and with
  CTranslate2 cold and warm only: which namespace a worker keys with does not depend on the
  setup's fields (each is one field of the signature, tests/test_namespace.py), and each Ray
  run costs seconds (a model load per actor);
* models: the general copy model (tests/data/copy-marian) everywhere, and for the default
  path (library and batch, ``--backend auto``, cold and warm) the copy model trained with its
  decoder start row (tests/data/copy-marian-start), whose conversion gets first words wrong
  when it drops that row: the cells that see the int8 conversion bug;
* formats: text, Markdown, DOCX, HTML, PDF (to Markdown, its default output). The batch
  runners take all five in one folder. The CLI's fillers (the other setups) translate the
  text input only: the CLI keys the memory the same way whatever the format, and the cold
  and warm runs cover every format.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import documents, pdfs
from tests.cli import run_cli

# Only the ``batch --ray`` cells are marked ``ray``: the others need no Ray (a worker of
# ``pytest -n`` that runs only them starts none).
pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
BACKENDS = ["transformers", "auto"]
#: The backend each runs (``auto`` converts the model for CTranslate2 and uses that).
BACKEND_RAN = {"transformers": "transformers", "auto": "ctranslate2"}
MARKDOWN = """# Truppen ziehen sich zurück

Die Truppen haben sich nach *schweren* Verlusten zurückgezogen, berichten [Quellen](https://example.org/a).

- Die Versorgung der Truppen ist schwierig.
- Die Soldaten warten auf neue Befehle.

> Wir werden nicht aufgeben, sagte der Kommandeur.

```
code bleibt stehen
```
"""
#: A glossary for the "another glossary" setup (one entry the inputs contain).
GLOSSARY = """schema: 1
entries:
  - source: Truppen
    target: troops
    category: term
"""
#: Block kinds a format writes differently, though the structure is the same: a PDF's
#: standalone label line is a paragraph in Markdown.
SAME_KIND = {"label": "paragraph"}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def build_inputs() -> dict[str, bytes]:
    """One input per format. No sentence is in two of them: a Ray run would translate such a
    sentence in a pass of its own first (one more model load per run)."""
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    page = documents.NEWS_PAGE.replace("Schwere Verluste", "Verluste an der Front").replace(
        "Zweiter Punkt der Liste.", "Der zweite Punkt folgt hier."
    )
    return {
        "a.txt": ("\n\n".join(paragraphs[3:7]) + "\n").encode(),
        "b.md": MARKDOWN.encode(),
        "c.docx": documents.build_docx(),
        "d.html": page.encode(),
        "e.pdf": pdfs.news_pdf(pdfs.seed_blocks()[10:18]),
    }


@pytest.fixture(scope="module")
def inputs() -> dict[str, bytes]:
    """The inputs, built once for the module."""
    return build_inputs()


def blocks(data: bytes, name: str) -> list[tuple[str, str]]:
    """The structure and text of a document as its reader sees it."""
    from translator.formats import read_document

    found = read_document(data, name=name).blocks
    return [(SAME_KIND.get(b.kind, b.kind), nfkc(b.text)) for b in found]


@pytest.fixture(scope="module")
def expected(inputs: dict[str, bytes]) -> dict[str, list[tuple[str, str]]]:
    return {name: blocks(data, name) for name, data in inputs.items()}


def out_name(name: str) -> str:
    from translator.formats import extension_for

    return Path(name).stem + extension_for(name, None)


def check(outputs: dict[str, bytes], expected: dict[str, list[tuple[str, str]]]) -> None:
    """Every output has its input's blocks, with its input's text."""
    assert sorted(outputs) == sorted(expected)
    for name, data in outputs.items():
        got = blocks(data, out_name(name))
        assert "POISON" not in json.dumps(got, ensure_ascii=False), (name, got)
        assert got == expected[name], name


@pytest.fixture(scope="module")
def cache_dir(ray_worker_cache: Path) -> Path:
    """The module's $TRANSLATOR_CACHE_DIR: the CTranslate2 conversions made once, and the
    memory file every state starts from (removed for a cold start). It is the Ray workers'
    too: on one machine a driver and its local Ray share the cache, and ``batch --ray``
    insists that the workers use the conversion the driver's signature names."""
    return ray_worker_cache


@pytest.fixture
def memory(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from translator.cache import FILENAME

    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(cache_dir))
    path = cache_dir / FILENAME
    forget(path)
    return path


def forget(memory: Path) -> None:
    for p in memory.parent.glob(memory.name + "*"):
        p.unlink()


def poison(memory: Path) -> int:
    """Mark every translation in the memory: one served to another setup shows."""
    with sqlite3.connect(memory) as conn:
        cur = conn.execute(
            "UPDATE entries SET target = 'POISON ' || target WHERE namespace NOT LIKE 'qa-%'"
        )
        return int(cur.rowcount)


def options(model: Path, backend: str, memory: Path | bool, **kw: Any) -> Any:
    from translator.options import Options

    kw.setdefault("beam_size", 1)
    kw.setdefault("glossary", False)
    return Options(model=str(model), backend=backend, qa=False, memory=memory, **kw)  # type: ignore[arg-type]


def other_setups(
    copy_model: Path, tiny_model: Path, glossary: Path
) -> list[tuple[Path, dict[str, Any]]]:
    """(model, option changes) of the setups whose entries the tested run must not see."""
    return [(tiny_model, {}), (copy_model, {"beam_size": 2}), (copy_model, {"glossary": glossary})]


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


@contextlib.contextmanager
def _checks_off_for_noise() -> Iterator[None]:
    """The other setups include the random tiny model, whose noise the lost-content check
    would keep in German and never remember: they must leave entries in the memory for the
    tested run to avoid, so the checks are off while they run (Ray workers take the driver's
    switches), whatever the order the suite ran in."""
    switches = ("TRANSLATOR_LOST_CONTENT_CHECK", "TRANSLATOR_CONVERSION_CHECK")
    saved = {k: os.environ.get(k) for k in switches}
    os.environ.update(dict.fromkeys(switches, "off"))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def states(
    run: Callable[[Path, dict[str, Any], str], dict[str, bytes]],
    memory: Path,
    others: list[tuple[Path, dict[str, Any]]],
    copy_model: Path,
    expected: dict[str, list[tuple[str, str]]],
    *,
    with_others: bool = True,
) -> None:
    """Cold, warm, then warm after the other setups (poisoned): ``run(model, changes, tag)``
    returns the outputs by input name."""
    forget(memory)
    check(run(copy_model, {}, "cold"), expected)
    check(run(copy_model, {}, "warm"), expected)
    if not with_others:
        return
    forget(memory)
    with _checks_off_for_noise():
        for i, (model, changes) in enumerate(others):
            run(model, changes, f"other{i}")
    assert poison(memory) > 0
    check(run(copy_model, {}, "after-others"), expected)


def unzipped(outputs: dict[str, bytes]) -> dict[str, Any]:
    """The outputs, a DOCX as the bytes of each of its members."""
    import io
    import zipfile

    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist()}

    return {k: members(v) if k.endswith(".docx") else v for k, v in outputs.items()}


# -- the library ---------------------------------------------------------------------------


def _library(
    inputs: dict[str, bytes], backend: str, memory: Path
) -> Callable[[Path, dict[str, Any], str], dict[str, bytes]]:
    """The library's run: ``build_pipeline``, ``translate_document``, ``formats.write`` (and
    ``translate_text`` on the text input)."""
    from translator import build_pipeline
    from translator.formats import output_format_for, read_document, write

    def run(model: Path, changes: dict[str, Any], tag: str) -> dict[str, bytes]:
        pipeline = build_pipeline(options(model, backend, memory, **changes))
        out: dict[str, bytes] = {}
        for name, data in inputs.items():
            document = read_document(data, name=name)
            result = pipeline.translate_document(document, name=name)
            rendered = write(result, document, output_format_for(name, None))
            out[name] = rendered if isinstance(rendered, bytes) else rendered.encode()
        assert pipeline.signature["backend"] == BACKEND_RAN[backend]
        if tag == "warm":  # everything from the memory
            assert result.stats["cached"] == result.stats["distinct"] > 0
        if not tag.startswith("other"):  # translate_text: the text input's blocks too
            target = pipeline.translate_text(inputs["a.txt"].decode()).target
            assert blocks(target.encode(), "a.txt") == blocks(inputs["a.txt"], "a.txt")
        return out

    return run


@pytest.mark.parametrize("backend", BACKENDS)
def test_library(
    backend: str,
    inputs: dict[str, bytes],
    expected: dict[str, list[tuple[str, str]]],
    memory: Path,
    copy_model_dir: Path,
    tiny_model_dir: Path,
    glossary: Path,
) -> None:
    others = other_setups(copy_model_dir, tiny_model_dir, glossary)
    states(_library(inputs, backend, memory), memory, others, copy_model_dir, expected)


# -- the CLI -------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_translate(
    backend: str,
    inputs: dict[str, bytes],
    expected: dict[str, list[tuple[str, str]]],
    memory: Path,
    copy_model_dir: Path,
    tiny_model_dir: Path,
    glossary: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)

    def run(model: Path, changes: dict[str, Any], tag: str) -> dict[str, bytes]:
        args = ["--model", str(model), "--backend", backend, "--no-qa",
                "--beam-size", str(changes.get("beam_size", 1))]  # fmt: skip
        args += ["--glossary", str(changes["glossary"])] if "glossary" in changes else [
            "--no-glossary"
        ]
        names = ["a.txt"] if tag.startswith("other") else list(inputs)
        out: dict[str, bytes] = {}
        for name in names:
            target = tmp_path / tag / out_name(name)
            code, _, err = run_cli(monkeypatch, capsys, "translate", str(tmp_path / name),
                                   "-o", str(target), "--mkdir", *args)  # fmt: skip
            assert code == 0, err
            out[name] = target.read_bytes()
        return out

    others = other_setups(copy_model_dir, tiny_model_dir, glossary)
    states(run, memory, others, copy_model_dir, expected)


# -- batch, local and on Ray ---------------------------------------------------------------


def _batch(
    inputs: dict[str, bytes], work: Path, backend: str, memory: Path, ray: bool
) -> Callable[[Path, dict[str, Any], str], dict[str, bytes]]:
    from translator.batch import RaySettings, translate_folder

    in_dir = work / "in"
    in_dir.mkdir(parents=True, exist_ok=True)
    for name, data in inputs.items():
        (in_dir / name).write_bytes(data)

    def run(model: Path, changes: dict[str, Any], tag: str) -> dict[str, bytes]:
        out_dir = work / tag
        settings = RaySettings(workers=1) if ray else None
        summary = translate_folder(in_dir, out_dir, options=options(model, backend, memory,
                                   **changes), ray=settings)  # fmt: skip
        assert not summary.failed, summary.failed
        assert summary.signature["backend"] == BACKEND_RAN[backend]
        return {name: (out_dir / out_name(name)).read_bytes() for name in inputs}

    return run


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch(
    backend: str,
    inputs: dict[str, bytes],
    expected: dict[str, list[tuple[str, str]]],
    memory: Path,
    copy_model_dir: Path,
    tiny_model_dir: Path,
    glossary: Path,
    tmp_path: Path,
) -> None:
    run = _batch(inputs, tmp_path, backend, memory, ray=False)
    others = other_setups(copy_model_dir, tiny_model_dir, glossary)
    states(run, memory, others, copy_model_dir, expected)


@pytest.mark.ray
@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_ray(
    backend: str,
    ray_cluster: str,
    inputs: dict[str, bytes],
    expected: dict[str, list[tuple[str, str]]],
    memory: Path,
    copy_model_dir: Path,
    tiny_model_dir: Path,
    glossary: Path,
    tmp_path: Path,
) -> None:
    # Byte for byte the local runner's outputs, every format (each with a cold memory); a
    # DOCX by its members' bytes: the zip stamps each member with the time it was written.
    local = _batch(inputs, tmp_path / "local", backend, memory, ray=False)(copy_model_dir, {}, "x")
    forget(memory)
    run = _batch(inputs, tmp_path, backend, memory, ray=True)
    assert unzipped(run(copy_model_dir, {}, "first")) == unzipped(local)
    # Another model only: the Ray runner keys every setup alike (the worker's pipeline
    # namespace), so one other setup shows whether it keys by the setup at all; the other
    # fields are the property test's, and each Ray run costs seconds.
    others = other_setups(copy_model_dir, tiny_model_dir, glossary)[:1]
    states(run, memory, others, copy_model_dir, expected, with_others=backend == "transformers")


# -- a model trained with its decoder start row -----------------------------------------------

#: tests/data/copy-marian-start: its ``<pad>`` (decoder start) row learnt as an input, as in a
#: model trained in PyTorch; a conversion that drops the row gets first words wrong (issue 21).
START_MODEL = ROOT / "tests" / "data" / "copy-marian-start"


@pytest.mark.parametrize("entry", ["library", "batch"])
def test_the_default_path_is_exact_for_a_model_trained_with_its_start_row(
    entry: str,
    inputs: dict[str, bytes],
    expected: dict[str, list[tuple[str, str]]],
    memory: Path,
    tmp_path: Path,
) -> None:
    """``--backend auto`` (converted once, int8 on a CPU) cold and warm, every format: the
    cells that see a conversion garbling first words; the other states are the general copy
    model's above (the namespace does not depend on the model's weights)."""
    if entry == "library":
        run = _library(inputs, "auto", memory)
    else:
        run = _batch(inputs, tmp_path, "auto", memory, ray=False)
    states(run, memory, [], START_MODEL, expected, with_others=False)


# -- eval ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_eval_scores_a_copy_of_the_reference_100(
    backend: str,
    inputs: dict[str, bytes],
    memory: Path,
    copy_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from translator.text.layout import rebuild
    from translator.text.segment import split_sentences

    text = inputs["a.txt"].decode()
    lines = [s for b in rebuild(text) for s in split_sentences(b.text)]
    (tmp_path / "src.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(map(nfkc, lines)) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    code, _, err = run_cli(monkeypatch, capsys, "eval", str(tmp_path / "src.txt"),
                           str(tmp_path / "ref.txt"), "--model", str(copy_model_dir),
                           "--backend", backend, "--beam-size", "1", "--no-glossary",
                           "--no-qa", "--json", str(report))  # fmt: skip
    assert code == 0, err
    run = json.loads(report.read_text(encoding="utf-8"))["runs"][0]
    assert run["bleu"]["score"] == pytest.approx(100.0), run["bleu"]
    assert run["chrf"]["score"] == pytest.approx(100.0), run["chrf"]
