"""The text rules have one home (``translator.text.rules``) that every reader shares.

Behaviour: the plain-text rebuild and the PDF rebuild (a typewritten page: no typography to
go by) agree on the edges of those rules, the heading's and the label's word limits.
Source: no module outside ``translator/text/rules.py`` defines the shared constants or
restates their patterns, and no module outside ``translator/text`` imports its private names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import pdfs
from translator.formats.pdf import read_pdf
from translator.text import rules
from translator.text.layout import rebuild

PACKAGE = Path(__file__).resolve().parents[1] / "translator"
RULES = PACKAGE / "text" / "rules.py"
#: The constants ``translator.text.rules`` defines for every reader (its public upper-case
#: names); nobody else may.
SHARED = {name for name in rules.__all__ if name.isupper()}
#: Their values as written in source (a copied regex or month list is a redefinition too).
SHARED_LITERALS = {rules.SENTENCE_FINAL.pattern, rules.LIST_ITEM.pattern, rules.MONTHS}

PARAGRAPH = (
    "Die Truppen zogen sich am Freitag aus der Stadt zurück, teilte das Ministerium in Kiew "
    "am Abend mit."
)
LATER = (
    "Beobachter rechnen damit, dass die Gespräche über eine Waffenruhe in der kommenden Woche "
    "weitergehen."
)


def _both(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(kind, text) of each block as the plain-text and as the PDF rebuild read ``text``."""
    plain = [(b.kind, b.text) for b in rebuild(text)]
    pdf = [(b.kind, b.text) for b in read_pdf(pdfs.typewritten_pdf(text, size=6)).blocks]
    return plain, pdf


@pytest.mark.parametrize(
    ("words", "kind"),
    [(16, "heading"), (17, "paragraph")],  # the documented limit: at most 16 words
)
def test_text_and_pdf_share_the_heading_word_limit(words: int, kind: str) -> None:
    line = " ".join(["Neue"] + ["Lage"] * (words - 1))
    plain, pdf = _both(f"{PARAGRAPH}\n\n{line}\n\n{LATER}\n")
    expected = [("paragraph", PARAGRAPH), (kind, line), ("paragraph", LATER)]
    assert plain == expected
    assert pdf == expected


@pytest.mark.parametrize(
    ("words", "kinds"),
    [(3, ("label", "title")), (4, ("title", "heading"))],  # a label has at most 3 words
)
def test_text_and_pdf_share_the_label_word_limit(words: int, kinds: tuple[str, str]) -> None:
    label, title = " ".join(["Ukraine"] * words), "Truppen verlassen die Stadt Kursk"
    plain, pdf = _both(f"{label}\n\n{title}\n\n{PARAGRAPH}\n")
    expected = [(kinds[0], label), (kinds[1], title), ("paragraph", PARAGRAPH)]
    assert plain == expected
    assert pdf == expected


# -- source ----------------------------------------------------------------------------------


def _redefinitions(source: str, rel: str) -> list[str]:
    """Module-level assignments to a shared name, and string literals restating a shared
    pattern, in the module ``rel``."""
    tree = ast.parse(source)
    found = []
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        found += [
            f"{rel}:{node.lineno} {t.id} ="
            for t in targets
            if isinstance(t, ast.Name) and t.id in SHARED
        ]
    found += [
        f"{rel}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in SHARED_LITERALS
    ]
    return found


def _private_text_imports(source: str, rel: str) -> list[str]:
    """Private names (``_x``) the module ``rel`` imports from ``translator.text``."""
    package = ["translator", *Path(rel).parts[:-1]]
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = package[: len(package) - node.level + 1] if node.level else []
        module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
        if module == "translator.text" or module.startswith("translator.text."):
            found += [
                f"{rel}:{node.lineno} {module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_")
            ]
    return found


def _sources() -> list[tuple[Path, str]]:
    return [
        (path, str(path.relative_to(PACKAGE)))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_shared_rules_are_defined_only_in_text_rules() -> None:
    found = [
        hit
        for path, rel in _sources()
        if path != RULES
        for hit in _redefinitions(path.read_text(encoding="utf-8"), rel)
    ]
    assert found == []
    defined = _redefinitions(RULES.read_text(encoding="utf-8"), "text/rules.py")
    assert {hit.split()[1] for hit in defined if hit.endswith(" =")} == SHARED


def test_no_module_outside_text_imports_its_private_names() -> None:
    found = [
        hit
        for path, rel in _sources()
        if Path(rel).parts[0] != "text"
        for hit in _private_text_imports(path.read_text(encoding="utf-8"), rel)
    ]
    assert found == []


def test_file_io_knows_nothing_of_text() -> None:
    """``translator.files`` is below ``translator.text`` (text reads files, not back)."""
    tree = ast.parse((PACKAGE / "files.py").read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert [m for m in modules if m == "text" or m.startswith("text.")] == []


def test_the_source_checks_can_fail() -> None:
    copied = (
        "MAX_HEADING_WORDS = 16\n"
        "LIMIT: int = 3\n"
        "_FINAL = re.compile(r\"[.!?…][\\\"'“”»«‘’)\\]]*$\")\n"
        "def f():\n    MONTHS = 1\n"
    )
    assert _redefinitions(copied, "formats/pdf_layout.py") == [
        "formats/pdf_layout.py:1 MAX_HEADING_WORDS =",
        f"formats/pdf_layout.py:3 {rules.SENTENCE_FINAL.pattern!r}",
    ]
    reaching = (
        "from ..text.layout import _glue, blocks\n"
        "from translator.text.rules import _DATE\n"
        "from ..textual import _x\n"
    )
    assert _private_text_imports(reaching, "formats/pdf_layout.py") == [
        "formats/pdf_layout.py:1 translator.text.layout._glue",
        "formats/pdf_layout.py:2 translator.text.rules._DATE",
    ]
