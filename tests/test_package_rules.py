"""Rules of the package's shape that a refactor could quietly break, checked on the source.

- nothing inside the package imports from the package root (``translator/__init__.py``
  imports the modules, so importing back up from them is a cycle waiting to happen);
- only ``translator.engine`` imports torch, transformers or ctranslate2, and only lazily;
- no shipped module reaches for files outside the package (``Path(__file__)`` never climbs
  above ``translator/``): the repository's seeds, tests and scripts are not installed;
- no import cycle between the package's modules. Every import counts: at module level, inside
  a function and under ``if TYPE_CHECKING:``. A function-level import only defers the cycle
  (it still runs, in whatever order the calls come) and a type-checking one still ties the
  two modules' types together; either way the two modules cannot be read, tested or moved
  apart. Importing ``translator.a.b`` from outside ``translator.a`` counts as importing
  ``translator.a`` too (its ``__init__`` runs first). Run this file to list the cycles:
  ``python tests/test_package_rules.py``;
- no module imports another package's private names (``from ..layout import _glue``): a
  name (or module) with a leading underscore is private to the package it is defined in
  (``batch/storage.py`` may import ``batch/discovery.py``'s), and a module at the top of
  ``translator/`` counts as a package of its own (``render.py`` may not import
  ``layout.py``'s); ``translator._version`` is the whole package's;
- no module reads or writes another part's private attributes (``pipeline._units()`` from
  ``batch/``): ``obj._name`` on anything but ``self``/``cls`` must name something its own part
  defines, or be one of the few private attributes of other libraries listed, with the reason,
  in ``EXTERNAL_PRIVATE``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
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
                if (
                    not (PACKAGE / alias.name).is_dir()
                    and not (PACKAGE / f"{alias.name}.py").is_file()
                ):
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


# -- import cycles ---------------------------------------------------------------------------

def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_nodes(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, wherever it is (functions, TYPE_CHECKING, try)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _imported(node: ast.ImportFrom, name: str) -> str:
    """The absolute module ``node`` imports from, in module ``name`` (relative resolved)."""
    if not node.level:
        return node.module or ""
    base = name.split(".")
    base = base[: len(base) - node.level + (1 if name in _PACKAGES else 0)]
    return ".".join(base + ([node.module] if node.module else []))


_PACKAGES: set[str] = set()  # module names that are packages (filled by _import_graph)


def _import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (see the module's doc for what counts)."""
    paths = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    _PACKAGES.update(m for m, p in paths.items() if p.name == "__init__.py")
    top = root.name
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets: set[str] = set()
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in paths)
                continue
            module = _imported(node, name)
            if module != top and not module.startswith(top + "."):
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                targets.add(sub if sub in paths else module)
        for target in list(targets):  # a submodule's packages run first
            parts = target.split(".")
            for k in range(2, len(parts)):
                parent = ".".join(parts[:k])
                if name != parent and not name.startswith(parent + "."):
                    targets.add(parent)
        targets.discard(name)
        graph[name] = {t for t in targets if t in paths}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The modules that import each other, directly or round about: the strongly connected
    components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _cycle_path(graph: dict[str, set[str]], component: frozenset[str]) -> str:
    """One way round a cycle, for the message (``a -> b -> a``)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & component):
            if w == start:
                return " -> ".join([*paths[v], start])
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return " <-> ".join(sorted(component))


def test_no_import_cycles() -> None:
    graph = _import_graph()
    assert [_cycle_path(graph, c) for c in _cycles(graph)] == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_the_cycle_check_can_fail(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "def f():\n    from .b import g\n",  # in a function: counts
            "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n",
            "c.py": "from .sub.d import x\n",  # imports sub (its __init__) too
            "sub/__init__.py": "from ..c import y\n",
            "sub/d.py": "from . import e\n",  # inside sub: sub is no extra edge
            "sub/e.py": "import pkg.sub.d\n",
            "f.py": "from . import a\n",  # imports a cycle, is not in one
        },
    )
    graph = _import_graph(root)
    assert graph["pkg.c"] == {"pkg.sub", "pkg.sub.d"}
    assert graph["pkg.sub.d"] == {"pkg.sub.e"}
    assert sorted(sorted(c) for c in _cycles(graph)) == [
        ["pkg.a", "pkg.b"],
        ["pkg.c", "pkg.sub"],
        ["pkg.sub.d", "pkg.sub.e"],
    ]
    assert _cycle_path(graph, frozenset({"pkg.a", "pkg.b"})) == "pkg.a -> pkg.b -> pkg.a"


# -- private names -----------------------------------------------------------------------------

def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _scope(target: str) -> str | None:
    """Where the private thing ``target`` (``translator.x.y._z.w``) may be imported: the
    package it is defined in (a top-level module of ``translator`` being its own); None when
    nothing in it is private."""
    parts = target.split(".")
    first = next((i for i, p in enumerate(parts) if i and _private(p)), None)
    if first is None:
        return None
    owner = ".".join(parts[:first])  # the module (or package) defining the private name
    if owner in _PACKAGES:
        return owner
    package = owner.rpartition(".")[0]
    return owner if package == PACKAGE.name else package


def _private_imports(source: str, rel: Path) -> list[str]:
    """``rel: module.name`` for each private name (or private module) module ``rel``
    (relative to the package) imports from outside the package it is private to."""
    name = _module_name(PACKAGE / rel, PACKAGE)
    if rel.name == "__init__.py":
        _PACKAGES.add(name)
    found: list[str] = []
    for node in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            pairs = [(a.name.rpartition(".")[0], a.name.rpartition(".")[2]) for a in node.names]
        else:
            module = _imported(node, name)
            pairs = [(module, a.name) for a in node.names]
        for module, imported in pairs:
            if module != "translator" and not module.startswith("translator."):
                continue
            target = f"{module}.{imported}"
            scope = _scope(target)
            if scope is not None and name != scope and not name.startswith(scope + "."):
                found.append(f"{rel.as_posix()}: {target}")
    return found


def test_no_module_imports_another_parts_private_names() -> None:
    _import_graph()  # knows the packages
    found = [
        hit
        for path in _modules()
        for hit in _private_imports(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE))
    ]
    assert found == []


def test_the_private_name_check_can_fail() -> None:
    _import_graph()
    source = (
        "from ..pipeline import _Unit, Pipeline\n"
        "from .discovery import _with_outputs\n"  # its own part: allowed
        "def f():\n    from ..engine._impl import x\n    import translator.layout._glue\n"
        "from .. import __version__\n"
    )
    assert _private_imports(source, Path("batch/ray_runner.py")) == [
        "batch/ray_runner.py: translator.pipeline._Unit",
        "batch/ray_runner.py: translator.engine._impl.x",
        "batch/ray_runner.py: translator.layout._glue",
    ]
    assert _private_imports("from .layout import _glue\n", Path("render.py")) == [
        "render.py: translator.layout._glue"
    ]
    assert _private_imports("from . import _helpers\n", Path("engine/base.py")) == []
    assert _private_imports("from .._version import __version__\n", Path("cli/app.py")) == []
    assert _private_imports("from ..base import _x\n", Path("engine/sub/m.py")) == []
    assert _private_imports("from ...layout import _y\n", Path("engine/sub/m.py")) == [
        "engine/sub/m.py: translator.layout._y"
    ]



# -- private attributes --------------------------------------------------------------------------

#: Private attributes of other libraries that the package reads on purpose, and why. Any other
#: ``obj._name`` must name something defined in the accessing module's own part of the package.
EXTERNAL_PRIVATE = {
    "_p": "python-docx: a paragraph's XML element (how python-docx users reach oxml)",
    "_tc": "python-docx: a table cell's XML element",
    "_element": "python-docx: a block container's XML element",
    "_blob": "python-docx: a generic Part's bytes have no setter; a notes part is written back",
    "_MODEL_LOADERS": "ctranslate2: the Marian loader is swapped in for one conversion, restored",
    "_run_exitfuncs": "atexit: exit handlers run before os._exit in the CLI's exit path",
    "_exit": "os._exit: leave without waiting for threads a library left running",
}


def _part(rel: Path) -> str:
    """The part of the package a module belongs to: its sub-package, or a top-level module."""
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _private_attributes(sources: dict[Path, str]) -> list[str]:
    """``rel:line obj._name`` for each private attribute read or written on anything but
    ``self`` or ``cls`` that the module's own part of the package does not define (a
    ``def``/``class``, an assignment to the name or to ``self._name``), unless it is in
    :data:`EXTERNAL_PRIVATE`."""
    defined: dict[str, set[str]] = {}
    uses: list[tuple[Path, ast.Attribute]] = []
    for rel, source in sources.items():
        part = _part(rel)
        for node in ast.walk(ast.parse(source)):
            names: list[str] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
                if own and isinstance(node.ctx, ast.Store):
                    names = [node.attr]
                elif not own and _private(node.attr):
                    uses.append((rel, node))
            for name in names:
                defined.setdefault(name, set()).add(part)
    return [
        f"{rel.as_posix()}:{node.lineno} {ast.unparse(node)}"
        for rel, node in sorted(uses, key=lambda use: (use[0], use[1].lineno))
        if _part(rel) not in defined.get(node.attr, set()) and node.attr not in EXTERNAL_PRIVATE
    ]


def test_no_module_touches_another_parts_private_attributes() -> None:
    sources = {p.relative_to(PACKAGE): p.read_text(encoding="utf-8") for p in _modules()}
    assert _private_attributes(sources) == []


def test_the_private_attribute_check_can_fail() -> None:
    sources = {
        Path("pipeline.py"): "class Pipeline:\n    def _units(self):\n        self._memory = 1\n",
        Path("batch/ray_runner.py"): (
            "def run(pipeline, paragraph, conn):\n"
            "    pipeline._memory = None\n"
            "    units = pipeline._units()\n"
            "    element = paragraph._p\n"  # python-docx, listed
            "    conn._secret\n"
        ),
        Path("batch/storage.py"): "def f(run):\n    return run._local\n",
        Path("batch/manifest.py"): "class M:\n    def _local(self):\n        return self._x\n",
    }
    assert _private_attributes(sources) == [
        "batch/ray_runner.py:2 pipeline._memory",
        "batch/ray_runner.py:3 pipeline._units",
        "batch/ray_runner.py:5 conn._secret",
    ]

if __name__ == "__main__":  # list the cycles: python tests/test_package_rules.py [ROOT]
    root = Path(sys.argv[1]).resolve() / "translator" if len(sys.argv) > 1 else PACKAGE
    graph = _import_graph(root)
    cycles = _cycles(graph)
    for component in cycles:
        print(_cycle_path(graph, component))
    print(f"{len(cycles)} import cycle(s) in {root}")
