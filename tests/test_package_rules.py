"""Rules of the package's shape that a refactor could quietly break, checked on the source.

- nothing inside the package imports from the package root (``translator/__init__.py``
  imports the modules, so importing back up from them is a cycle waiting to happen);
- only ``translator.engine`` imports torch, transformers or ctranslate2, and only lazily;
- no shipped module reaches for files outside the package (``Path(__file__)`` never climbs
  above ``translator/``): the repository's seeds, tests and scripts are not installed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "translator"
HEAVY = {"torch", "transformers", "ctranslate2"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _root_imports(source: str, rel: Path) -> list[str]:
    """Names the module ``rel`` (relative to the package) imports from the package root
    itself, not from one of its submodules."""
    tree = ast.parse(source)
    depth = len(rel.parts) - 1  # folders below the package root
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        absolute_root = node.level == 0 and node.module == "translator"
        relative_root = node.level == depth + 1 and node.module is None
        if absolute_root or relative_root:
            for alias in node.names:
                if not (PACKAGE / alias.name).is_dir() and not (
                    PACKAGE / f"{alias.name}.py"
                ).is_file():
                    found.append(f"{rel}:{node.lineno} {alias.name}")
    return found


def _heavy_imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, library, at module level) of every torch/transformers/ctranslate2 import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    hits: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in HEAVY:
                hits.append((node.lineno, name.split(".")[0], id(node) in top))
    return hits


#: ``Path(__file__)``, optionally resolved, then ``.parent`` x n or ``.parents[n]``.
_CLIMB = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent\b)+|\.parents\[(\d+)\])")


def _climbs_out(source: str, rel: Path) -> list[str]:
    """``Path(__file__)`` expressions of module ``rel`` that lead above the package root."""
    allowed = len(rel.parts)  # .parent x len(parts) is the package's own folder
    found = []
    for match in _CLIMB.finditer(source):
        levels = int(match[2]) + 1 if match[2] else match[1].count(".parent")
        if levels > allowed:
            found.append(f"{rel}: {match[0]}")
    return found


def test_no_shipped_module_reads_files_outside_the_package() -> None:
    found = [
        hit
        for path in _modules()
        for hit in _climbs_out(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE))
    ]
    assert found == []


def test_no_module_imports_from_the_package_root() -> None:
    found = [
        hit
        for path in _modules()
        if path != PACKAGE / "__init__.py"
        for hit in _root_imports(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE))
    ]
    assert found == []


def test_version_has_a_module_of_its_own() -> None:
    import translator
    from translator._version import __version__

    assert translator.__version__ == __version__


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_engine_imports_model_libraries_and_lazily(path: Path) -> None:
    hits = _heavy_imports(path)
    if path.relative_to(PACKAGE).parts[0] != "engine":
        assert hits == []
    assert [h for h in hits if h[2]] == []  # never at module level


def test_the_checks_can_fail(tmp_path: Path) -> None:
    back_up = "from .. import __version__, config\nfrom translator import Pipeline\n"
    assert _root_imports(back_up, Path("batch/runner.py")) == [
        "batch/runner.py:1 __version__",
        "batch/runner.py:2 Pipeline",
    ]
    sample = tmp_path / "sample.py"
    sample.write_text("import torch\n\ndef f():\n    from transformers import X\n")
    assert _heavy_imports(sample) == [(1, "torch", True), (4, "transformers", False)]


def test_the_climb_check_can_fail() -> None:
    assert _climbs_out('Path(__file__).parent / "data"', Path("config.py")) == []
    assert _climbs_out("Path(__file__).resolve().parents[1]", Path("engine/x.py")) == []
    assert _climbs_out(
        'Path(__file__).resolve().parents[2] / "seeds"', Path("engine/testing.py")
    ) == ["engine/testing.py: Path(__file__).resolve().parents[2]"]
    assert _climbs_out("Path(__file__).parent.parent", Path("config.py")) == [
        "config.py: Path(__file__).parent.parent"
    ]
