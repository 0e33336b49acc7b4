"""`translator batch IN_DIR OUT_DIR`."""

from __future__ import annotations
