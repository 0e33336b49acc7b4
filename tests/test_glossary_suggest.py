"""`translator glossary suggest FOLDER`: proposals over an archive, counted, most frequent first."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from translator.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
NAMES = "Der Abgeordnete Sergej Mironow sprach mit Reportern über Pjöngjang.\n"


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
         ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["translator", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "2025" / "jan").mkdir(parents=True)
    (root / ".drafts").mkdir()
    seed = SEED.read_text(encoding="utf-8")
    (root / "a.txt").write_text(seed, encoding="utf-8")
    (root / "2025" / "b.txt").write_text(seed, encoding="utf-8")
    (root / "2025" / "jan" / "c.txt").write_text(NAMES, encoding="utf-8")
    (root / "2025" / "jan" / "notes.md").write_text(NAMES * 5, encoding="utf-8")  # Markdown
    (root / ".drafts" / "d.txt").write_text(NAMES * 9, encoding="utf-8")  # hidden: never read
    (root / "2025" / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    return root


def _proposals(out: str) -> list[tuple[str, int]]:
    """(source, count) in output order, from the comment line above each entry."""
    entries = yaml.safe_load("entries:\n" + out)["entries"]
    counts = [int(line.split(", ")[1].split("x")[0])
              for line in out.splitlines() if line.startswith("  # ")]
    return [(e["source"], n) for e, n in zip(entries, counts, strict=True)]


def test_a_folder_is_read_recursively_and_counted(
    archive: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                          str(archive))
    assert code == 0, err
    proposals = _proposals(out)
    counts = dict(proposals)
    # Twice in each seed copy, once in c.txt, five times in notes.md (every input format is
    # read by default, as `batch` reads them); never from the hidden folder.
    assert counts["Pjöngjang"] == 2 * 2 + 1 + 5
    assert counts["Sergej Mironow"] == 1 + 5
    assert [n for _, n in proposals] == sorted((n for _, n in proposals), reverse=True)
    assert proposals[0] == ("Pjöngjang", 10)
    assert "from 4 file(s), 1 skipped" in out
    assert "broken.txt" in err and "binary" in err  # a bad file is reported, not fatal


def test_min_count_and_pattern(
    archive: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                        "--min-count", "7", str(archive))
    assert code == 0
    assert all(n >= 7 for _, n in _proposals(out)) and "Sergej Mironow" not in out
    code, out, _ = _cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                        "-p", "*.md", str(archive))
    assert code == 0
    assert dict(_proposals(out))["Sergej Mironow"] == 5
    code, out, _ = _cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                        "-p", "*.txt", "-p", "*.TXT", str(archive))
    assert code == 0
    assert dict(_proposals(out))["Sergej Mironow"] == 1


def test_a_named_bad_file_is_still_an_error(
    archive: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                        str(archive / "2025" / "broken.txt"))
    assert code == 3 and "binary" in err and "Traceback" not in err
