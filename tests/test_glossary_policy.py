"""The enforcement policy (`translator.glossary.policy`): which entries may be injected, and
`translator glossary check` failing on a glossary that breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run_cli as cli
from translator import config
from translator.glossary import Entry
from translator.glossary.policy import name_senses, policy_problems, reasons
from translator.glossary.schema import read_entries

Capture = pytest.CaptureFixture[str]

BREAKS = """schema: 1
entries:
  - source: Soldaten
    target: soldiers
    category: term
  - source: Moldau
    target: Moldova
    category: place
  - source: Vatikanstadt
    target: Vatican City
    category: place
    forms: [Vatikan]
  - source: Tomahawk-Marschflugkörper
    target: Tomahawk cruise missile
    category: term
  - source: Munition
    target: ammunition
    category: term
    enforce: verify
  - source: Außenministerin
    target: foreign minister
    category: rank
    context:
    - when: [britisch]
      target: foreign secretary
"""


def test_the_shipped_glossary_keeps_the_policy() -> None:
    located = read_entries(config.packaged_glossary())
    assert policy_problems(located, "glossary.yaml") == []


def test_check_fails_on_a_glossary_that_breaks_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(BREAKS, encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, "glossary", "check", str(path))
    assert code == 5
    lines = err.strip().splitlines()
    # An everyday word, a place that is also a river, a form that is also the Holy See; not the
    # hyphen compound, the verified word or the entry whose context restricts it.
    assert [line.split(": entry ")[1].split(":")[0] for line in lines[:-1]] == [
        "'Soldaten'",
        "'Moldau'",
        "'Vatikanstadt'",
    ]
    assert "everyday German word (Zipf" in lines[0] and "enforce: verify" in lines[0]
    assert "river Vltava" in lines[1]
    assert lines[-1] == f"{path}: 3 problem(s)"
    assert "Traceback" not in err
    code, out, _ = cli(monkeypatch, capsys, "glossary", "check", "--no-policy", str(path))
    assert code == 0 and "ok, 6 entries" in out


@pytest.mark.parametrize(
    ("entry", "allowed"),
    [
        (Entry(source="Präsident", target="president", category="rank"), False),
        (Entry(source="Präsident", target="president", category="rank", enforce="verify"), True),
        (Entry(source="Generalstabschef", target="chief of staff", category="rank"), True),
        (Entry(source="US-Armee", target="U.S. Army", category="unit"), True),
        (Entry(source="ISW", target="ISW", category="acronym"), True),
        (Entry(source="Deutschland", target="Germany", category="place"), True),
        (Entry(source="Posen", target="Poznan", category="place"), False),
        (Entry(source="Großbritannien", target="Britain", category="place", forms=("Rom",)), False),
    ],
)
def test_what_may_be_injected(entry: Entry, allowed: bool) -> None:
    assert (reasons(entry) == []) is allowed


def test_every_reviewed_word_says_its_other_sense() -> None:
    senses = name_senses()
    assert len(senses) >= 20
    assert all(word[:1].isupper() and len(sense) > 5 for word, sense in senses.items())
