"""The benchmark runner's bookkeeping: docs/performance.md holds one section per benchmark, and
a run replaces its own section only (benchmarks/common.py, benchmarks/__main__.py). No
benchmark is run here: timing belongs to the benchmarks themselves."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from benchmarks.__main__ import BENCHMARKS
from benchmarks.common import PERFORMANCE, ROOT, markers, write_section


def test_every_benchmark_has_its_module_and_its_section_on_the_page() -> None:
    page = PERFORMANCE.read_text("utf-8")
    for name, bench in BENCHMARKS.items():
        assert (ROOT / "benchmarks" / f"{bench.module}.py").is_file(), name
        assert importlib.util.find_spec(f"benchmarks.{bench.module}") is not None, name
        begin, end = markers(name)
        assert page.count(begin) == 1 and page.count(end) == 1, name
        assert page.index(begin) < page.index(end), name


def test_a_section_is_replaced_and_everything_else_kept(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text(
        "# Performance\n\nWhat a measures.\n\n<!-- benchmark:a -->\nold a\n<!-- /benchmark:a -->\n"
        "\nWhat b measures.\n\n<!-- benchmark:b -->\nold b\n<!-- /benchmark:b -->\n",
        "utf-8",
    )
    write_section("a", "new a\n\n| x |\n|---|\n| 1 |", page)
    text = page.read_text("utf-8")
    assert "old a" not in text and "new a\n\n| x |\n|---|\n| 1 |\n<!-- /benchmark:a -->" in text
    assert "What a measures." in text and "What b measures." in text
    assert "<!-- benchmark:b -->\nold b\n<!-- /benchmark:b -->" in text
    write_section("a", "newer a", page)  # the markers stay, so a second run finds them again
    assert page.read_text("utf-8").count("<!-- benchmark:a -->") == 1
    assert "newer a" in page.read_text("utf-8") and "new a\n" not in page.read_text("utf-8")


def test_a_section_not_on_the_page_yet_is_appended_under_its_name(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n", "utf-8")
    write_section("c", "figures of c", page)
    assert page.read_text("utf-8").endswith(
        "## c\n\n<!-- benchmark:c -->\nfigures of c\n<!-- /benchmark:c -->\n"
    )
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind
