"""Test data taken from registry packages at test time (never committed), through the one
sdist cache of ``tests/realworld.py`` (``sdist_root``: pip download into
``$TRANSLATOR_TEST_CACHE``, else ``~/.cache/translator-tests``).

Manifest (package, version, path in the sdist, licence, what the tests expect of it):

- markdown-it-py (the installed version) sdist, ``tests/test_cmark_spec/commonmark.json``:
  the CommonMark spec's examples (markdown, html, section). markdown-it-py is MIT; the spec
  text is CC-BY-SA 4.0 (John MacFarlane). tests/test_markdown_spec.py: every example read and
  written back through the copy model (an identity double for all, the real copy model for a
  sample) renders to the same HTML with markdown-it-py, >= 99 %.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

from tests.realworld import sdist_root


def commonmark_examples() -> list[dict[str, Any]]:
    """The CommonMark spec's examples as markdown-it-py ships them (see the manifest)."""
    version = importlib.metadata.version("markdown-it-py")
    spec = sdist_root("markdown-it-py", version) / "tests" / "test_cmark_spec" / "commonmark.json"
    examples: list[dict[str, Any]] = json.loads(spec.read_text(encoding="utf-8"))
    return examples
