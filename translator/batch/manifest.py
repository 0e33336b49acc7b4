"""The manifest: what each output in OUT_DIR was made from, so a re-run redoes only what changed.

It lives in ``OUT_DIR/.translator-manifest.json`` (hidden, so a later run that reads OUT_DIR as
input ignores it) and is rewritten atomically after every group of files, so a run killed at
any moment leaves a manifest that is either the previous one or the next one, never a torn one.
Entries are keyed by output path, so runs with different formats can share an OUT_DIR.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..errors import OutputError

log = logging.getLogger("translator")

MANIFEST_NAME = ".translator-manifest.json"
LOCK_NAME = ".translator-manifest.lock"
#: Version of the manifest layout; an unknown version is ignored (everything is redone).
MANIFEST_VERSION = 1

Status = Literal["ok", "failed"]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def dumps(data: Any) -> str:
    """JSON as readable as possible: non-ASCII kept, unless a file name that is not valid
    UTF-8 (a lone surrogate from os.fsdecode) forces escapes, which round-trip exactly."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=1)
    return text + "\n"


def signature_key(signature: dict[str, Any]) -> str:
    """A short stable hash of a run signature (what would change an output)."""
    blob = json.dumps(signature, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class Entry:
    """One output file and what produced it."""

    source: str  # input path relative to IN_DIR (POSIX)
    source_sha256: str | None
    signature: str  # signature_key() of the run that wrote it
    status: Status
    output_sha256: str | None = None
    error: str | None = None
    sentences: int = 0
    terms_missed: int = 0
    updated: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class Manifest:
    """The manifest of one OUT_DIR. ``entries`` maps output path (relative, POSIX) -> Entry."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        self.entries: dict[str, Entry] = {}
        self.signatures: dict[str, dict[str, Any]] = {}
        self.dirty = False  # recorded since the last save

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """Read the manifest; a missing, unreadable or foreign one counts as empty."""
        manifest = cls(out_dir)
        manifest._load()
        return manifest

    def _load(self) -> None:
        try:
            data = json.loads(self._read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning(
                "ignoring unreadable manifest %s (%s); every file is redone", self.path, exc
            )
            return
        if not isinstance(data, dict) or data.get("manifest") != MANIFEST_VERSION:
            log.warning("ignoring manifest %s of an unknown layout", self.path)
            return
        try:
            self.signatures = dict(data.get("signatures") or {})
            self.entries = {
                out: Entry.from_dict(entry) for out, entry in (data.get("files") or {}).items()
            }
        except (TypeError, AttributeError) as exc:
            log.warning("ignoring malformed manifest %s (%s)", self.path, exc)
            self.entries, self.signatures = {}, {}

    # Where the manifest and the outputs are; an object-store manifest overrides these three.
    def _read_text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def _write_text(self, text: str) -> None:
        from ..document import write_atomic

        write_atomic(self.path, text)

    def _output_sha256(self, out_rel: str) -> str | None:
        return sha256_file(self.out_dir / out_rel)

    def is_current(
        self, out_rel: str, source: str, source_sha256: str | None, signature: str
    ) -> bool:
        """Whether the output exists, is exactly what we wrote, and came from this source
        with this signature (so translating again would only reproduce it)."""
        entry = self.entries.get(out_rel)
        if entry is None or entry.status != "ok" or source_sha256 is None:
            return False
        if (entry.source, entry.source_sha256, entry.signature) != (
            source,
            source_sha256,
            signature,
        ):
            return False
        # Deleted, truncated or edited outputs are regenerated.
        return self._output_sha256(out_rel) == entry.output_sha256

    def record(self, out_rel: str, entry: Entry, signature: dict[str, Any]) -> None:
        entry.updated = datetime.now(UTC).isoformat(timespec="seconds")
        self.entries[out_rel] = entry
        self.signatures[entry.signature] = signature
        self.dirty = True

    def to_dict(self) -> dict[str, Any]:
        used = {e.signature for e in self.entries.values()}
        return {
            "manifest": MANIFEST_VERSION,
            "tool": "translator",
            "signatures": {k: v for k, v in sorted(self.signatures.items()) if k in used},
            "files": {out: asdict(e) for out, e in sorted(self.entries.items())},
        }

    def save(self) -> None:
        """Write the manifest atomically (temp file + rename)."""
        self._write_text(dumps(self.to_dict()))
        self.dirty = False


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUT_DIR's manifest for the run: two batch runs writing the
    same folder would overwrite each other's manifest. The OS drops the lock if we die; the
    lock file is removed when the run ends."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking, as before
        yield
        return
    path = out_dir / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise OutputError(f"{out_dir}: another batch run is writing to this folder") from exc
        # The run before us may have removed the file between our open and our lock: a lock
        # on a file no longer at ``path`` guards nothing, so take the one that is there.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        # Removed while still held, so a run waiting on this file retries on a fresh one.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)
