"""The entry types are plain dataclasses, validated by pydantic models imported only to
validate; a glossary read back from the cache directory imports neither pydantic nor yaml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
from pydantic import ValidationError

from translator.glossary import Entry, load_glossary
from translator.glossary.schema import Context, Styles
from translator.glossary.validation import model_of

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "glossary.yaml"


@pytest.mark.parametrize("kind", [Entry, Styles, Context])
def test_each_dataclass_and_its_validation_model_have_the_same_fields(kind: type) -> None:
    model = model_of(kind.__name__)
    ours = {f.name: (None if f.default is MISSING else f.default) for f in fields(kind)}
    theirs = {
        name: (None if info.is_required() else info.default)
        for name, info in model.model_fields.items()
    }
    assert list(ours) == list(theirs)
    assert ours == theirs


def test_a_hand_built_entry_is_validated_and_stripped() -> None:
    entry = Entry(
        source=" Kiew ",
        target="Kyiv",
        category="place",
        forms=["Kiews"],  # type: ignore[arg-type]
        styles=Styles(bbc=" Kyiv "),
        context=(Context(when=["Ukraine"], target="Kyiv city"),),  # type: ignore[arg-type]
    )
    assert entry.source == "Kiew"
    assert entry.forms == ("Kiews",)
    assert entry.styles == Styles(bbc="Kyiv")
    assert entry.context[0].when == ("Ukraine",)
    assert entry == Entry.model_validate(entry.to_dict())
    assert hash(entry) == hash(Entry.model_validate(entry.to_dict()))
    for bad in (
        {"source": "", "target": "x", "category": "place"},
        {"source": "x", "target": "x", "category": "village"},
        {"source": "x", "target": "x", "category": "place", "inflect": "yes"},
        {"source": 3, "target": "x", "category": "place"},
    ):
        with pytest.raises(ValidationError):
            Entry(**bad)
        with pytest.raises(ValidationError):
            Entry.model_validate(bad)
    with pytest.raises(ValidationError, match="Styles"):
        Styles(ap="")
    with pytest.raises(ValidationError):
        Entry.model_validate({"source": "x", "target": "y", "category": "term", "targt": "z"})


def test_model_copy_changes_only_the_fields_asked() -> None:
    entry = Entry(source="Kiew", target="Kyiv", category="place", wrong=("Kiev",))
    copy = entry.model_copy(update={"enforce": "verify"})
    assert copy.enforce == "verify" and entry.enforce is None
    assert copy.model_copy(update={"enforce": None}) == entry


def test_the_stored_repository_glossary_reads_back_equal_without_pydantic_or_yaml(
    tmp_path: Path,
) -> None:
    fresh = load_glossary(GLOSSARY, stored=False)
    assert any(e.styles for e in fresh.entries) and any(e.context for e in fresh.entries)
    load_glossary(GLOSSARY)  # stores it
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from translator.glossary import load_glossary\n"
        f"g = load_glossary(Path({str(GLOSSARY)!r}), style='bbc')\n"
        "print(json.dumps({'pydantic': 'pydantic' in sys.modules, 'yaml': 'yaml' in sys.modules,\n"
        "    'version': g.version,\n"
        "    'entries': [e.to_dict() for e in g.entries],\n"
        "    'active': [e.target for e in g._active]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
        cwd=tmp_path, check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["pydantic"] is False and seen["yaml"] is False
    bbc = fresh.with_style("bbc")
    assert seen["version"] == bbc.version
    assert seen["entries"] == [e.to_dict() for e in fresh.entries]
    assert seen["active"] == [e.target for e in bbc._active]
    stored = load_glossary(GLOSSARY)
    assert stored.entries == fresh.entries
    assert [hash(e) for e in stored.entries] == [hash(e) for e in fresh.entries]
