"""One registry of formats: adding a format is one module (its ``CODEC``) plus one line.

This module is itself such a format module: it declares a small JSON-lines codec (each line
``{"text": "..."}`` in, ``{"source": ..., "target": ...}`` out) and the tests register it by
adding its one line to ``translator.formats.registry.MODULES``, with no other edit, then see
detection, reading, writing, ``--format``'s choices, the library's translation and batch
discovery pick it up. The word-by-word test double stands in for the model (these tests are
about the formats, not the translation).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine
from translator import InputError, Options, Pipeline, UsageError
from translator.batch import DEFAULT_PATTERNS, discover, translate_folder
from translator.formats import (
    check_format,
    default_output,
    detect,
    extension_for,
    read_document,
    registry,
    write,
)
from translator.formats.base import LIKELY, NAMED, Codec, Document
from translator.options import Limits
from translator.result import TranslationResult
from translator.text.block import Block

# -- the toy format: this whole block is what a new format module holds -----------------------


def _sniff(data: bytes, suggested: str | None) -> int | None:
    if suggested == "jsonl":
        return NAMED
    return LIKELY if data.lstrip().startswith(b'{"text":') else None


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    try:
        lines = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
        blocks = [Block("paragraph", str(line["text"])) for line in lines]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{name or '<input>'}: not JSON lines of texts ({exc})") from exc
    return Document(format="jsonl", blocks=blocks, original=data)


def _write(result: TranslationResult, document: Document | None) -> str:
    return "".join(
        json.dumps({"source": p.source, "target": p.target}, ensure_ascii=False) + "\n"
        for p in result.paragraphs
    )


CODEC = Codec(
    "jsonl",
    suffixes=(".jsonl",),
    sniff=_sniff,
    read=_read,
    write=_write,
    extension=".jsonl",
    media_type="application/jsonl",
    help="one JSON object per paragraph",
)

# -- the tests --------------------------------------------------------------------------------

ARTICLE = (
    b'{"text": "Die Truppen wurden nach Kursk verlegt."}\n'
    b'{"text": "Die Stadt ist nicht mehr in der Region."}\n'
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one registry line: this module's CODEC (undone after the test)."""
    monkeypatch.setattr(registry, "MODULES", (*registry.MODULES, __name__))


def test_before_its_line_the_format_is_unknown() -> None:
    assert detect(ARTICLE, "a.jsonl") == "text"
    assert "*.jsonl" not in DEFAULT_PATTERNS
    with pytest.raises(UsageError, match="must be one of text, markdown, json, html, review, docx"):
        check_format("jsonl")


@pytest.mark.usefixtures("registered")
def test_one_line_makes_the_library_read_translate_and_write_it() -> None:
    assert detect(ARTICLE, "a.jsonl") == "jsonl"  # by name
    assert detect(ARTICLE, None) == "jsonl"  # by content (stdin)
    assert detect(b"# Titel\n\n- eins\n- zwei\n", "notiz.jsonl") == "jsonl"  # name beats marks
    # Equally sure (Markdown's marks, this codec's start): the codec registered first wins.
    marked = b'{"text": "Mit [Link](https://x.example) und **fett**."}\n'
    assert detect(marked, None) == "markdown"
    assert detect(marked, "a.jsonl") == "jsonl"
    assert check_format("JSONL") == "jsonl"
    assert default_output("jsonl") == "jsonl"
    assert extension_for("2025/a.jsonl", None) == ".jsonl"
    assert extension_for("2025/a.jsonl", "markdown") == ".md"

    document = read_document(ARTICLE, name="a.jsonl")
    assert document.format == "jsonl"
    result = Pipeline(WordEngine()).translate_document(document, name="a.jsonl")
    out = write(result, document, default_output(document.format))
    assert [json.loads(line) for line in str(out).splitlines()] == [
        {"source": "Die Truppen wurden nach Kursk verlegt.",
         "target": "Die troops were after Kursk verlegt."},
        {"source": "Die Stadt ist nicht mehr in der Region.",
         "target": "Die city is not more in the region."},
    ]  # fmt: skip
    # The other writers take it too, and it writes any input.
    assert str(write(result, document, "markdown")).startswith("Die troops were")
    other = Pipeline(WordEngine()).translate_text("Die Truppen wurden verlegt.")
    assert json.loads(str(write(other, None, "jsonl"))) == {
        "source": "Die Truppen wurden verlegt.", "target": "Die troops were verlegt."
    }
    with pytest.raises(InputError, match="b.jsonl: not JSON lines"):
        read_document(b'{"text": 1\n', name="b.jsonl")


@pytest.mark.usefixtures("registered")
def test_one_line_makes_batch_discover_and_write_it(tmp_path: Path) -> None:
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    (in_dir / "2025").mkdir(parents=True)
    (in_dir / "2025" / "a.jsonl").write_bytes(ARTICLE)
    (in_dir / "b.txt").write_text("Die Truppen wurden verlegt.\n", encoding="utf-8")
    assert "*.jsonl" in DEFAULT_PATTERNS

    found = discover(in_dir, out_dir, extension=lambda rel: extension_for(rel, None))
    assert [(f.rel, f.out_rel) for f in found.files] == [
        ("2025/a.jsonl", "2025/a.jsonl"),
        ("b.txt", "b.txt"),
    ]
    assert found.unmatched == {}

    summary = translate_folder(
        in_dir, out_dir, engine=WordEngine(), options=Options(glossary=False, qa=False)
    )
    done = sorted((f.source, f.output) for f in summary.translated)
    assert summary.ok and done == [("2025/a.jsonl", "2025/a.jsonl"), ("b.txt", "b.txt")]
    lines = (out_dir / "2025" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["target"] for line in lines] == [
        "Die troops were after Kursk verlegt.",
        "Die city is not more in the region.",
    ]


@pytest.mark.usefixtures("registered")
def test_one_line_makes_the_translate_command_take_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_engine(monkeypatch, WordEngine())
    plain = ("--no-glossary", "--no-qa", "--no-cache", "--quiet")
    source, target = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    source.write_bytes(ARTICLE)
    code, out, err = run_cli(monkeypatch, capsys, "translate", str(source), "-o", str(target),
                             *plain)  # fmt: skip
    assert code == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[1])["target"] == "Die city is not more in the region."
    # Any input written as it, to stdout.
    code, out, err = run_cli(monkeypatch, capsys, "translate", "-", "--format", "jsonl", *plain,
                             stdin=b"Die Truppen wurden verlegt.\n")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["target"] == "Die troops were verlegt."


def test_every_input_suffix_is_discovered_by_default(tmp_path: Path) -> None:
    """The suffixes detection knows are the ones batch takes (``.xhtml`` and ``.markdown``
    were once missing from discovery's own copy of the list)."""
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    names = [f"a{suffix}" for codec in registry.inputs() for suffix in codec.suffixes]
    assert {"a.xhtml", "a.markdown", "a.htm", "a.txt", "a.pdf", "a.docx"} <= set(names)
    for name in names:
        (in_dir / name).write_bytes(b"x")
    found = discover(in_dir, tmp_path / "out", extension=".json")
    assert sorted(f.rel for f in found.files) == sorted(names)
    assert found.unmatched == {}


def test_the_registry_refuses_a_module_without_a_codec_or_a_name_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "MODULES", (*registry.MODULES, "tests.doubles"))
    with pytest.raises(TypeError, match="tests.doubles defines no CODEC"):
        registry.codecs()
    monkeypatch.setattr(registry, "MODULES", (*registry.MODULES[:-1], "translator.formats.text"))
    with pytest.raises(ValueError, match="formats registered twice: text"):
        registry.codecs()


def test_a_codec_must_read_or_write_and_say_how() -> None:
    with pytest.raises(ValueError, match="needs both sniff and read"):
        Codec("half", read=_read)
    with pytest.raises(ValueError, match="needs write and extension"):
        Codec("half", write=_write)
    with pytest.raises(ValueError, match="reads nothing and writes nothing"):
        Codec("none")


def test_codecs_match_what_each_format_is() -> None:
    outputs = {c.name: (c.extension, c.binary) for c in registry.outputs()}
    assert outputs == {
        "text": (".txt", False), "markdown": (".md", False), "json": (".json", False),
        "html": (".html", False), "review": (".review.html", False), "docx": (".docx", True),
    }  # fmt: skip
    inputs = {c.name: (c.suffixes, default_output(c.name)) for c in registry.inputs()}
    assert inputs == {
        "text": ((".txt",), "text"), "markdown": ((".md", ".markdown"), "markdown"),
        "html": ((".html", ".htm", ".xhtml"), "html"), "docx": ((".docx",), "docx"),
        "pdf": ((".pdf",), "markdown"),
    }  # fmt: skip
