"""Documents nobody here wrote (tests/data/realworld.toml: the test files of python-docx,
trafilatura, pypdf and markdown-it-py, downloaded as their sdists through PyPI, see
tests/realworld.py): none crashes; each is read, or refused with its documented one-line
error, and a DOCX refused as empty holds no words; a readable DOCX loses no word silently, and
its round trip through the copy model gives back every block with the model's text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests import realworld
from translator import Pipeline
from translator.engine.marian import MarianEngine
from translator.formats import read_document, write

PACKAGES, ENTRIES = realworld.load_manifest()


@pytest.fixture(scope="session")
def sdists() -> dict[str, Path]:
    """Each package's unpacked sdist (downloaded once into the cache, see tests/realworld.py)."""
    return {name: realworld.sdist_root(name, p["version"]) for name, p in PACKAGES.items()}


def _data(sdists: dict[str, Path], entry: realworld.Entry) -> bytes:
    path = sdists[entry.package] / entry.path
    assert path.is_file(), f"{entry.id} is not in the sdist (manifest out of date?)"
    return path.read_bytes()


def test_the_manifest_names_every_package_and_a_licence() -> None:
    assert {e.package for e in ENTRIES} == set(PACKAGES)
    assert all(p.get("licence") and p.get("url") for p in PACKAGES.values())
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_a_real_world_document_is_read_or_refused_as_documented(
    entry: realworld.Entry, sdists: dict[str, Path]
) -> None:
    data = _data(sdists, entry)
    got = realworld.outcome(data, Path(entry.path).name)
    assert got.status != "crashed", got.message
    if entry.expect == "refused":
        assert got.status == "refused", f"read, but expected refused ({entry.reason})"
        assert entry.reason in got.message and "\n" not in got.message, got.message
        if entry.format == "docx":  # a readable file is never refused
            assert not realworld.reference_words(data)
        return
    assert got.status == "ok", got.message
    if entry.words:
        share = realworld.recovered(realworld.reference_words(data), got.document)
        assert share >= entry.words, f"{share:.1%} of the words read"


@pytest.fixture(scope="module")
def copy_engine(copy_model_dir: Path) -> MarianEngine:
    return MarianEngine(str(copy_model_dir), device="cpu", beam_size=1)


COPIED = [e for e in ENTRIES if e.copy]


@pytest.mark.slow
@pytest.mark.parametrize("entry", COPIED, ids=[e.id for e in COPIED])
def test_a_real_world_docx_round_trip_through_the_copy_model_keeps_every_text(
    entry: realworld.Entry, sdists: dict[str, Path], copy_engine: MarianEngine
) -> None:
    data = _data(sdists, entry)
    document = read_document(data, name=entry.path)
    result = Pipeline(copy_engine).translate_document(document, name=entry.path)
    out = write(result, document, "docx")
    assert isinstance(out, bytes)
    again = read_document(out, name=entry.path)
    # Every block comes back, in order, of its kind, holding exactly what the model returned
    # (the tiny copy model returns most text unchanged; it garbles some rare characters: ’, =).
    got = [(b.kind, unicodedata.normalize("NFKC", b.text)) for b in again.blocks]
    assert got == [(p.kind, unicodedata.normalize("NFKC", p.target)) for p in result.paragraphs]
    assert [b.kind for b in again.blocks] == [b.kind for b in document.blocks]
