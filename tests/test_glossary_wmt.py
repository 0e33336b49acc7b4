"""A fixed sample of held-back news the glossary was not written on (issue 22): every 8th
segment of the WMT19, WMT20 and WMT23 de->en test sets, and the segments where the glossary
once did damage (tests/data/wmt_de_en.json).

* English side: each human reference through the repair step with a fixed engine returning
  it: no change may be damage (benchmarks/glossary_damage.py's classification);
* German side: each source through preparation with an echo engine: no German word lost, no
  number broken.

The sets cannot be committed: without them (tests/wmt.py) these tests are deselected, and the
run's summary says so; $TRANSLATOR_REQUIRE_WMT=1 makes them run (and fail) anyway. The whole
sets: ``python benchmarks/glossary_damage.py --data DIR/wmt19 DIR/wmt20 DIR/wmt23``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests import wmt
from tests.test_glossary_heldback import AP, bench

pytestmark = pytest.mark.wmt_data
SETS = list(wmt.manifest()["sets"])


def sample(name: str) -> list[tuple[str, str]]:
    """The set's every ``step``-th segment, split into sentence pairs."""
    info = wmt.manifest()
    folder = wmt.wmt_dir() / name
    for kind in ("src.de", "ref.en"):
        path: Path = folder / kind
        assert path.is_file(), f"{path} is missing (tests/data/wmt_de_en.json says how to place it)"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == info["sets"][name][kind]["sha256"], f"{path}: not the manifest's file"
    b = bench()
    lines = b.read_pairs(folder)
    chosen = sorted({*range(0, len(lines), info["step"]), *info["once_damaged"][name]})
    return b.sentence_pairs([lines[i] for i in chosen])


@pytest.mark.parametrize("name", SETS)
def test_correct_english_is_never_damaged(name: str) -> None:
    b = bench()
    known = b.known_spellings(AP)
    pairs = sample(name)
    assert len(pairs) >= 60
    damage = [
        (old, new, english)
        for german, english in pairs
        for kind, old, new in b.english_changes(AP, known, german, english)
        if kind == "damage"
    ]
    assert damage == []


@pytest.mark.parametrize("name", SETS)
def test_the_german_loses_no_word_and_keeps_number(name: str) -> None:
    b = bench()
    problems = [p for german, _ in sample(name) for p in b.german_problems(AP, german)[1]]
    assert problems == []
