"""`translator glossary ...` and the glossary options of `translator translate`, as run by users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_cli as cli
from tests.cli import use_engine
from tests.doubles import MangleEngine, WordEngine
from translator import config
from translator.glossary import load_glossary
from translator.glossary.interchange import FORMATS

Capture = pytest.CaptureFixture[str]


BAD = """schema: 1
entries:
  - source: Kiew
    target: Kyiv
    category: place
  - source: Kiew
    target: Kiev
    category: place
  - source: Moskau
    targt: Moscow
    category: place
"""


def test_check_the_shipped_glossary(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    code, out, _ = cli(monkeypatch, capsys, "glossary", "check", str(config.packaged_glossary()))
    assert code == 0
    assert f"ok, {len(load_glossary(config.packaged_glossary()))} entries (" in out


def test_check_reports_every_problem_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, "glossary", "check", str(path))
    assert code == 5
    lines = err.strip().splitlines()
    assert lines == [
        f"{path}:9: entry 'Moskau': missing required field 'target'",
        f"{path}:10: entry 'Moskau': unknown key 'targt' (allowed: source, target, category, "
        "forms, wrong, accept, note, inflect, enforce, styles, context, number)",
        f"{path}:6: entry 'Kiew': conflicts with entry 'Kiew' (line 3): 'kiew' rendered 'Kiev' "
        "vs 'Kyiv'",
        f"{path}: 3 problem(s)",
    ]
    assert "Traceback" not in err


def test_an_invalid_glossary_stops_translate_with_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("Die Truppen sind in Kiew.\n", encoding="utf-8")
    use_engine(monkeypatch, WordEngine())
    code, _, err = cli(monkeypatch, capsys, "translate", str(src), "-g", str(path), "--no-cache")
    assert code == 5
    assert f"{path}:9: entry 'Moskau'" in err


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Spezialoperationskräften", "Spezialoperationskräfte\tSpecial Operations Forces\tunit"),
        ("Nordkoreanern", "Nordkoreaner\tNorth Koreans\tterm"),
        ("Kiews", "Kiew\tKyiv\tplace"),
        ("Kyiv", "Kiew\tKyiv\tplace\tpart of the rendering"),
        ("Selensky", "Selenskyj\tZelenskyy\tperson"),  # AP, the default house style
    ],
)
def test_lookup(monkeypatch: pytest.MonkeyPatch, capsys: Capture, term: str, expected: str) -> None:
    code, out, _ = cli(monkeypatch, capsys, "glossary", "lookup", term)
    assert code == 0
    assert any(line.startswith(expected) for line in out.splitlines()), out


def test_lookup_without_a_match(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    code, out, err = cli(monkeypatch, capsys, "glossary", "lookup", "Apfelstrudel")
    assert (code, out) == (9, "")  # grep's "no match", not 1 (an internal error)
    assert "no glossary entry matches 'Apfelstrudel'" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_round_trip_is_lossless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, fmt: str
) -> None:
    exported = tmp_path / f"g.{fmt}"
    code, _, err = cli(monkeypatch, capsys, "glossary", "export", "--format", fmt, "-o",
                       str(exported))  # fmt: skip
    assert code == 0, err
    back = tmp_path / "back.yaml"
    code, _, err = cli(monkeypatch, capsys, "glossary", "import", str(exported), "-o", str(back))
    assert code == 0, err
    original = load_glossary(config.packaged_glossary())
    reloaded = load_glossary(back)
    assert reloaded.entries == original.entries
    assert reloaded.version == original.version


def test_export_to_stdout_then_import_from_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    code, out, _ = cli(monkeypatch, capsys, "glossary", "export", "--format", "tsv")
    assert code == 0 and out.startswith("source\ttarget\tcategory\t")
    path = tmp_path / "g.tsv"
    path.write_text(out, encoding="utf-8")
    code, yaml_text, _ = cli(monkeypatch, capsys, "glossary", "import", str(path))
    assert code == 0 and yaml_text.startswith("schema: 1\nentries:\n")


@pytest.mark.parametrize(
    ("name", "content", "entries"),
    [
        ("deepl.csv", "Kiew,Kyiv\nSpezialoperationskräfte,Special Operations Forces\n",
         [("Kiew", "Kyiv"), ("Spezialoperationskräfte", "Special Operations Forces")]),
        ("deepl.tsv", "Kiew\tKyiv\n\nMoskau\tMoscow\n", [("Kiew", "Kyiv"), ("Moskau", "Moscow")]),
        ("deepl-langs.csv", "Kiew,Kyiv,de,en\n", [("Kiew", "Kyiv")]),
        ("quoted.csv", '"Institute for the Study of War (ISW)","Institute, ""ISW"""\n',
         [("Institute for the Study of War (ISW)", 'Institute, "ISW"')]),
        ("bars.csv", "source,target,category,forms\nA|B,x,term,A\\|C|D\\\\E\n",
         [("A|B", "x")]),
        ("v2.tbx", """<?xml version="1.0"?><martif type="TBX"><text><body>
<termEntry id="1"><langSet xml:lang="de"><tig><term>Kiew</term></tig></langSet>
<langSet xml:lang="en"><tig><term>Kyiv</term></tig></langSet></termEntry>
</body></text></martif>""", [("Kiew", "Kyiv")]),
    ],
)  # fmt: skip
def test_import_foreign_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    name: str,
    content: str,
    entries: list[tuple[str, str]],
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out_path = tmp_path / "out.yaml"
    code, _, err = cli(monkeypatch, capsys, "glossary", "import", str(path), "-o", str(out_path))
    assert code == 0, err
    g = load_glossary(out_path)
    assert [(e.source, e.target) for e in g.entries] == entries


def test_escaped_bars_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "bars.csv"
    path.write_text("source,target,category,forms\nA|B,x,term,A\\|C|D\\\\E\n", encoding="utf-8")
    code, out, _ = cli(monkeypatch, capsys, "glossary", "import", str(path))
    assert code == 0
    assert "forms:\n  - A|C\n  - D\\E\n" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dup.csv", "Kiew,Kyiv\nKiew,Kiev\n", "conflicts with entry 'Kiew'"),
        ("short.csv", "Kiew\n", "expected 'source,target', got 1 cells"),
        ("empty-target.tsv", "Kiew\t \n", "target"),
        ("bomb.tbx", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><tbx>&a;</tbx>',
         "declaring XML entities are not accepted"),
        ("broken.tbx", "<tbx><text>", "invalid XML"),
        ("half.tbx", '<tbx><text><body><conceptEntry><langSec xml:lang="de"><termSec><term>Kiew'
         "</term></termSec></langSec></conceptEntry></body></text></tbx>",
         "needs a German (de) and an English (en) term"),
    ],
)  # fmt: skip
def test_import_rejects_bad_files_with_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture, name: str, content: str,
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, "glossary", "import", str(path))
    assert (code, out) == (5, "")
    assert message in err and "Traceback" not in err


def test_import_never_overwrites_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Kiew,Kyiv\n", encoding="utf-8")
    code, _, _ = cli(monkeypatch, capsys, "glossary", "import", str(path), "-o", str(path))
    assert code == 6
    assert path.read_text(encoding="utf-8") == "Kiew,Kyiv\n"


# -- translate: --terms, --strict, JSON ---------------------------------------------------------


@pytest.fixture
def seed_file(tmp_path: Path, seed_text: str) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    return path


def test_strict_exits_7_when_a_term_is_missed(
    seed_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    use_engine(monkeypatch, MangleEngine(("drop",)))
    code, out, err = cli(monkeypatch, capsys, "translate", str(seed_file), "--strict", "--terms",
                         "--no-cache")  # fmt: skip
    assert code == 7
    assert out.strip()  # the translation is still written
    assert "Glossary terms" in err and "missed" in err
    assert "glossary term(s) missed" in err


def test_strict_passes_when_every_term_is_applied_or_repaired(
    seed_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    engine = MangleEngine(("punct", "habit"))
    use_engine(monkeypatch, engine)
    code, out, err = cli(monkeypatch, capsys, "translate", str(seed_file), "--strict", "-f",
                         "json", "--no-cache")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    statuses = {t["status"] for t in data["terms"]}
    # "suggested" (a sense-ambiguous word such as Granaten) is not a miss for --strict
    assert statuses == {"applied", "repaired", "suggested"}
    assert data["signature"]["glossary"] == load_glossary(config.packaged_glossary()).version


def test_no_glossary_means_no_terms(
    seed_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    use_engine(monkeypatch, WordEngine())
    code, out, _ = cli(monkeypatch, capsys, "translate", str(seed_file), "--no-glossary", "-f",
                       "json", "--no-cache", "--strict")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["terms"] == [] and data["signature"]["glossary"] is None


@pytest.mark.parametrize(
    ("name", "content", "defaulted"),
    [
        ("deepl.csv", "Kiew,Kyiv\nSelenskyj,Zelensky\nISW,ISW\n", "3 of 3 entries"),
        ("ours.csv", "source,target,category\nKiew,Kyiv,place\nPanzer,tank,\n", "1 of 2 entries"),
        ("v2.tbx", """<martif><text><body>
<termEntry id="1"><langSet xml:lang="de"><tig><term>Kiew</term></tig></langSet>
<langSet xml:lang="en"><tig><term>Kyiv</term></tig></langSet></termEntry>
</body></text></martif>""", "1 of 1 entries"),
    ],
)  # fmt: skip
def test_import_warns_when_it_defaults_the_category_and_category_sets_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    name: str,
    content: str,
    defaulted: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, "glossary", "import", str(path))
    assert code == 0, err
    [line] = [line for line in err.splitlines() if line.startswith("warning:")]
    assert line.startswith(f"warning: {defaulted} have no category in {path}")
    assert "--category" in line

    code, out, err = cli(monkeypatch, capsys, "glossary", "import", str(path), "-c", "place")
    assert code == 0 and "warning" not in err
    out_path = tmp_path / "g.yaml"
    out_path.write_text(out, encoding="utf-8")
    categories = [e.category for e in load_glossary(out_path).entries]
    assert "place" in categories and "term" not in categories


def test_import_rejects_an_unknown_category(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Kiew,Kyiv\n", encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, "glossary", "import", str(path), "-c", "city")
    assert (code, out) == (2, "")
    assert "--category" in err and "place" in err
