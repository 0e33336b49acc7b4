"""Test data taken from registry packages at test time (never committed): downloaded with pip
into a cache (``$XDG_CACHE_HOME/translator-tests``, else ``~/.cache/translator-tests``) on the
first run.

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
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "translator-tests"


def sdist_member(package: str, version: str, suffix: str) -> bytes:
    """The file ending in ``suffix`` inside ``package==version``'s sdist from PyPI (cached)."""
    target = cache_dir() / f"{package}-{version}" / suffix.replace("/", "__")
    if not target.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            command = [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--no-binary", ":all:", f"{package}=={version}", "--dest", tmp,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                raise RuntimeError(f"pip download {package}=={version} failed: {done.stderr}")
            sdist = next(Path(tmp).glob("*.tar.gz"))
            with tarfile.open(sdist) as tar:
                member = next(m for m in tar.getmembers() if m.name.endswith(suffix))
                handle = tar.extractfile(member)
                assert handle is not None
                data = handle.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)
    return target.read_bytes()


def commonmark_examples() -> list[dict[str, Any]]:
    """The CommonMark spec's examples as markdown-it-py ships them (see the manifest)."""
    version = importlib.metadata.version("markdown-it-py")
    data = sdist_member("markdown-it-py", version, "tests/test_cmark_spec/commonmark.json")
    examples: list[dict[str, Any]] = json.loads(data)
    return examples
