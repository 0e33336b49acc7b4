"""`translator glossary import` of real termbases: conflicting entries and common words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from translator.glossary import GlossaryValidationError
from translator.glossary.interchange import common_words, import_glossary

from .test_glossary_cli import Capture, cli

CASE_CONFLICTS = "Abwehr,defense\nabwehr,defence\nAbwehr,defence\nRussland,Russia\nabwehr,defence\n"


def _imported(path: Path) -> dict[str, str]:
    return {e["source"]: e["target"] for e in yaml.safe_load(path.read_text())["entries"]}


def test_case_conflicts_refuse_the_import_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    src = tmp_path / "tb.csv"
    src.write_text(CASE_CONFLICTS, encoding="utf-8")
    out_path = tmp_path / "g.yaml"
    code, _, err = cli(monkeypatch, capsys, "glossary", "import", str(src), "-o", str(out_path))
    assert code == 5
    assert f"{src}:2: entry 'abwehr': conflicts with entry 'Abwehr' (line 1)" in err
    assert f"{src}: 3 entries share a source form with another; --on-conflict" in err
    assert not out_path.exists()


@pytest.mark.parametrize(
    ("policy", "kept", "dropped"),
    [
        # the first entry of the source wins
        ("first", ("Abwehr", "defense"), [2, 3, 5]),
        # "defence" is given three times, "defense" once: the first "defence" entry wins
        ("most-frequent", ("abwehr", "defence"), [1, 3, 5]),
    ],
)
def test_on_conflict_keeps_one_entry_and_lists_the_dropped_ones(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    policy: str,
    kept: tuple[str, str],
    dropped: list[int],
) -> None:
    src = tmp_path / "tb.csv"
    src.write_text(CASE_CONFLICTS, encoding="utf-8")
    out_path = tmp_path / "g.yaml"
    code, _, err = cli(
        monkeypatch, capsys, "glossary", "import", str(src), "-o", str(out_path),
        "--on-conflict", policy,
    )  # fmt: skip
    assert code == 0, err
    assert _imported(out_path) == {kept[0]: kept[1], "Russland": "Russia"}
    lines = [line for line in err.splitlines() if "dropped entry" in line]
    assert [int(line.split(":")[1]) for line in lines] == dropped
    assert all(f"(--on-conflict {policy})" in line for line in lines)
    assert f"{out_path}: 2 entries (3 dropped)" in err


def test_an_unknown_conflict_policy_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    src = tmp_path / "tb.csv"
    src.write_text(CASE_CONFLICTS, encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, "glossary", "import", str(src), "--on-conflict", "x")
    assert code == 5
    assert "unknown --on-conflict 'x' (one of: first, most-frequent, error)" in err
    assert "Traceback" not in err


COMMON = "dabei,thereby\nBei,at\nDer,the\nRussland,Russia\nBEI,EIB\nDerbent,Derbent\n"


def test_entries_matching_common_words_are_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    src = tmp_path / "tb.csv"
    src.write_text(COMMON, encoding="utf-8")
    out_path = tmp_path / "g.yaml"
    code, _, err = cli(monkeypatch, capsys, "glossary", "import", str(src), "-o", str(out_path))
    assert code == 5
    flagged = [line for line in err.splitlines() if "matches the common German word" in line]
    # "BEI" (an acronym, matched as written) and "Derbent" do not match a common word.
    assert flagged == [
        f"{src}:1: entry 'dabei' -> 'thereby' matches the common German word 'dabei'",
        f"{src}:2: entry 'Bei' -> 'at' matches the common German word 'bei'",
        f"{src}:3: entry 'Der' -> 'the' matches the common German word 'der'",
    ]
    assert "--allow-common" in err
    assert not out_path.exists()

    code, _, err = cli(
        monkeypatch, capsys, "glossary", "import", str(src), "-o", str(out_path), "--allow-common"
    )
    assert code == 0
    assert len(_imported(out_path)) == 6
    assert "(imported: --allow-common)" in err
    assert f"{out_path}: 6 entries (3 matching common words)" in err


def test_inflected_matches_of_common_words_count_too() -> None:
    # "Dies" (a noun here) takes German endings, so it would also match "diese" and "diesem".
    result = import_glossary("Dies,this\n", "csv", "x.csv", allow_common=True)
    assert len(result.common) == 1
    assert {"dies", "diese", "dabei", "darauf", "wofür", "hierzu", "der"} <= common_words()


def test_conflicts_and_common_words_are_reported_together() -> None:
    with pytest.raises(GlossaryValidationError) as caught:
        import_glossary(CASE_CONFLICTS + COMMON, "csv", "tb.csv")
    problems = caught.value.problems
    assert any("conflicts with entry 'Abwehr'" in p for p in problems)
    assert any("matches the common German word 'dabei'" in p for p in problems)
