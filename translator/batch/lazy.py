"""The lazily loading engine (it lives in ``translator.engine.lazy``; kept here for imports)."""

from ..engine.lazy import LazyEngine

__all__ = ["LazyEngine"]
