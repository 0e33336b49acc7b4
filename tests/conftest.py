from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.doubles import WordEngine

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user cache, and never reach for the network."""
    cache = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.delenv("TRANSLATOR_MODEL", raising=False)
    monkeypatch.delenv("TRANSLATOR_GLOSSARY", raising=False)
    os.environ.pop("TRANSLATOR_DEBUG", None)


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def word_engine() -> WordEngine:
    return WordEngine()
