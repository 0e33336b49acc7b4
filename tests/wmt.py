"""Where the WMT de->en test sets are (tests/data/wmt_de_en.json says which and how to place
them): ``$TRANSLATOR_WMT_DIR``, else ``shared/wmt-de-en`` beside the clone. They cannot be
committed; tests marked ``wmt_data`` are deselected when they are absent (tests/conftest.py),
and fail when $TRANSLATOR_REQUIRE_WMT=1 says they must be there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "data" / "wmt_de_en.json"


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def wmt_dir() -> Path:
    """The folder the sets are looked for in (present or not)."""
    env = os.environ.get("TRANSLATOR_WMT_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "wmt-de-en"


def present() -> bool:
    """Are all the manifest's files there (their content is checked by the test)?"""
    base = wmt_dir()
    kinds = ("src.de", "ref.en")
    return all((base / name / kind).is_file() for name in manifest()["sets"] for kind in kinds)
