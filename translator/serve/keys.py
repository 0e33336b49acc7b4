"""API keys: a keys file holding only their SHA-256 hashes, one per line (``sha256:HEX NAME``).

Keys are random (32 bytes, URL-safe), so a fast hash is enough: there is nothing to guess from
it. ``add_key`` creates a key, appends its hash and returns the key (shown once).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from ..errors import UsageError

__all__ = ["KeyRing", "add_key", "hash_key"]


def hash_key(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """The hashes of the accepted keys, and their names."""

    def __init__(self, hashes: dict[str, str]) -> None:
        self._hashes = hashes

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """Read a keys file; UsageError naming the line of a malformed one."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError("keys", f"cannot read {path} ({exc.strerror or exc})") from exc
        hashes: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            digest, _, name = line.partition(" ")
            if not digest.startswith("sha256:") or len(digest) != 7 + 64:
                raise UsageError("keys", f"{path}:{number}: not 'sha256:<64 hex digits> NAME'")
            hashes[digest] = name.strip() or f"key {number}"
        if not hashes:
            raise UsageError("keys", f"{path}: holds no key (add one: translator serve --add-key)")
        return cls(hashes)

    def __len__(self) -> int:
        return len(self._hashes)

    def check(self, key: str | None) -> str | None:
        """The key's hash if it is one of ours, else None (compared in constant time)."""
        if not key:
            return None
        digest = hash_key(key.strip())
        for known in self._hashes:
            if hmac.compare_digest(known, digest):
                return known
        return None


def add_key(path: Path, name: str = "") -> str:
    """A new key, its hash appended to ``path`` (created 0600 if missing)."""
    key = secrets.token_urlsafe(32)
    line = f"{hash_key(key)} {name}".rstrip() + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(line)
    return key
