"""The glossary file: strict validation with file/line/entry errors, and the shipped glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator import config
from translator.errors import GlossaryError
from translator.glossary import CATEGORIES, Glossary, GlossaryValidationError, load_glossary

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"

HEAD = "schema: 1\nentries:\n"
OK = "  - source: Kiew\n    target: Kyiv\n    category: place\n"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryValidationError) as info:
        load_glossary(path)
    assert all(p.startswith(f"{path}:") for p in info.value.problems)
    return [p.removeprefix(f"{path}:") for p in info.value.problems]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            OK + "  - source: Moskau\n    targt: Moscow\n    category: place\n",
            [
                "6: entry 'Moskau': missing required field 'target'",
                "7: entry 'Moskau': unknown key 'targt' (allowed: source, target, category, forms, "
                "wrong, accept, note, inflect, enforce, styles, context, number)",
            ],
        ),
        (
            OK + "  - source: Moskau\n    target: '  '\n    category: place\n",
            ["7: entry 'Moskau': 'target' is empty"],
        ),
        (
            OK + "  - source: Moskau\n    target: Moscow\n    category: city\n",
            ["8: entry 'Moskau': unknown category 'city' (one of: " + ", ".join(CATEGORIES) + ")"],
        ),
        (
            OK + "  - source: Moskau\n    target: Moscow\n    category: place\n    forms: ['']\n",
            ["9: entry 'Moskau': 'forms' is empty (item 1)"],
        ),
        (
            OK
            + "  - source: Moskau\n    target: Moscow\n    category: place\n    forms: Moskaus\n",
            ["9: entry 'Moskau': forms: Input should be a valid tuple"],
        ),
        (OK + OK, ["6: entry 'Kiew': duplicate of entry 'Kiew' (line 3): source form 'kiew'"]),
        (
            OK + "  - source: kiew\n    target: Kiev\n    category: place\n",
            [
                "6: entry 'kiew': conflicts with entry 'Kiew' (line 3): "
                "'kiew' rendered 'Kiev' vs 'Kyiv'"
            ],
        ),
        (
            OK + "  - source: Kyjiw\n    target: Kiev\n    category: place\n    wrong: [Kyiv]\n",
            ["6: entry 'Kyjiw': wrong rendering 'Kyiv' is the target of entry 'Kiew' (line 3)"],
        ),
        (
            "  - source: Kiew\n    target: Kyiv\n    category: place\n    wrong: [Kyiv]\n",
            ["3: entry 'Kiew': the target 'Kyiv' is also listed as wrong"],
        ),
        (
            "  - source: Kiew\n    target: Kyiv\n    category: place\n    forms: [Kiew]\n",
            ["3: entry 'Kiew': a source form is listed twice"],
        ),
        (
            "  - source: Kiew\n    target: Kyiv\n    target: Kiev\n    category: place\n",
            ["5: duplicate key 'target'"],
        ),
        (
            "  - source: Kiew\n    target: Kyiv\n    category: place\n    inflect: 'yes'\n",
            ["6: entry 'Kiew': inflect: Input should be a valid boolean"],
        ),
        ("  - Kiew\n", ["3: each entry must be a mapping (source, target, ...)"]),
        (
            "  - source: 1961\n    target: '1961'\n    category: term\n",
            ["3: entry '#1': source: Input should be a valid string"],
        ),
    ],
)
def test_every_problem_names_line_and_entry(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert problems(tmp_path, HEAD + body) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries: {}\n", ["1: 'entries' must be a list"]),
        ("- a\n- b\n", ["1: the glossary must be a mapping with an 'entries' list"]),
        ("schema: 2\nentries: []\n", ["1: unsupported schema 2 (this version reads 1)"]),
        (
            "colour: red\nentries: []\n",
            [
                "1: unknown top-level key 'colour' (allowed: schema, name, source_language, "
                "target_language, entries)"
            ],
        ),
    ],
)
def test_top_level_problems(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems(tmp_path, text) == expected


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path, HEAD + "  - source: Kiew\n    target: [Kyiv\n")
    # The wording is the YAML parser's (libyaml or pure Python); the line is ours.
    assert problem.startswith("5: invalid YAML: ") and "']'" in problem


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    body = OK + OK + "  - source: X\n    category: term\n    colour: red\n"
    assert len(problems(tmp_path, HEAD + body)) == 3


def test_the_loader_is_safe(tmp_path: Path) -> None:
    text = HEAD + "  - source: !!python/object/apply:os.system ['echo pwned']\n    target: x\n"
    assert problems(tmp_path, text)[0].startswith("3: invalid YAML")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "glossary file not found"),
        (lambda p: (p.write_bytes(b"\xff\xfe\x00bad"), p)[1], "the glossary is not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "g.yaml")
    with pytest.raises(GlossaryError, match=message):
        load_glossary(path)


def test_version_is_a_stable_content_hash() -> None:
    a = Glossary.from_yaml(HEAD + OK)
    b = Glossary.from_yaml("# a comment\n" + HEAD + OK.replace("Kiew", "Kiew "))
    c = Glossary.from_yaml(HEAD + OK.replace("Kyiv", "Kyjiw"))
    assert a.version == b.version != c.version


# -- the shipped glossary -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(config.packaged_glossary())


def test_root_glossary_is_the_packaged_one() -> None:
    assert (ROOT / "glossary.yaml").resolve() == config.packaged_glossary().resolve()


def test_shipped_glossary_is_a_real_core(shipped: Glossary) -> None:
    assert len(shipped) >= 200
    categories = {e.category for e in shipped.entries}
    assert categories == set(CATEGORIES)
    assert sum(1 for e in shipped.entries if e.note) >= 40


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Oberst Oleksandr Kindratenko", "Colonel Oleksandr Kindratenko"),
        (
            "Sprecher der ukrainischen Spezialoperationskräfte",
            "spokesperson for Ukraine's Special Operations Forces",
        ),
        ("DPRK-Truppen", "DPRK troops"),
        ("Fußsoldaten", "foot soldiers"),
        ("Massengroundangriffe", "mass ground assaults"),
        ("russische Verteidigungsministerium", "Russian Defense Ministry"),
        ("Kiew", "Kyiv"),
        ("Wolodymyr Selenskyj", "Volodymyr Zelenskyy"),  # AP, the default house style
        ("Pjöngjang", "Pyongyang"),
        ("Kursk-Region", "Kursk region"),
        ("Institute for the Study of War (ISW)", "Institute for the Study of War (ISW)"),
        ("Ukrainian officials", "Ukrainian officials"),
        ("Pledges of Allegiance an", "pledges of allegiance to"),
        ("Nordkoreanern", "North Koreans"),
        ("Regiments", "regiment"),
        ("Bataillons", "battalion"),
        ("Nikolayevo-Daryino", "Nikolayevo-Daryino"),
        ("Wladimir Putin", "Vladimir Putin"),
        ("Kim Jong Un", "Kim Jong Un"),
        ("Moskau", "Moscow"),
    ],
)
def test_seed_terms_are_covered(shipped: Glossary, german: str, english: str) -> None:
    matches = shipped.find(german)
    assert [(m.text, m.entry.target) for m in matches] == [(german, english)]


def test_every_seed_name_and_term_is_matched(shipped: Glossary) -> None:
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    covered = {m.entry.source for m in shipped.find(text)}
    for required in (
        "Oberst Oleksandr Kindratenko",
        "Präsident Wolodymyr Selenskyj",
        "Selenskyj",
        "Davos",
        "Schweiz",
        "Kim Jong Un",
        "Nick Paton Walsh",
        "Helen Regan",
        "Daria Tarasova-Markina",
        "CNN",
        "Pjöngjang",
        "Moskau",
        "Kalte Kriegszeit",
        "Befehlshaber",
        "Granaten",
        "Schlachtfeld",
        "Drohnen",
        "Frontlinien",
    ):
        assert required in covered, required
