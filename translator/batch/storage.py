"""Where a batch reads its inputs and writes its outputs: a local (or shared) folder, or an
object-store prefix such as ``s3://bucket/articles`` (through fsspec; s3fs for ``s3://``).

Cluster nodes rarely share a disk, so with the Ray runner every worker reads and writes the
object store itself. An object store has no rename, but a PUT is atomic: an object appears
whole or not at all, so an output is never seen half-written there either.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ..errors import InputError, OutputError
from ..formats.base import Document
from ..options import Limits
from .discovery import Discovery, SourceFile, _with_outputs, matches
from .manifest import JsonManifest, sha256_bytes, sha256_file

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")


def is_url(location: str | Path) -> bool:
    """``s3://…``, ``gs://…``, ``memory://…``: an fsspec URL, not a local path."""
    return isinstance(location, str) and bool(_URL.match(location))


class Folder(Protocol):
    """Reads inputs (``SourceFile``) and writes outputs (relative POSIX paths)."""

    def read_document(self, file: SourceFile, *, max_bytes: int) -> Document:
        """Read one input in whatever format it is (``translator.formats``)."""
        ...

    def write(self, rel: str, data: str | bytes, *, source: SourceFile) -> str | None:
        """Write ``data`` (text as UTF-8), atomically; return the SHA-256 of what is there."""
        ...


class LocalFolder:
    """A folder on this machine (or a shared mount every worker sees at the same path).

    ``inputs``: the input folder, when this is the output folder: a write that would land in
    it (through a symlinked sub-folder) is refused.
    """

    def __init__(
        self, root: Path, *, inputs: Path | None = None, limits: Limits | None = None
    ) -> None:
        self.root = Path(root).resolve()
        self.inputs = Path(inputs).resolve() if inputs is not None else None
        self.limits = limits  # what one document may hold (None: Options' defaults)

    def read_document(self, file: SourceFile, *, max_bytes: int) -> Document:
        from ..files import read_bytes
        from ..formats import read_document

        st = os.stat(file.path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError("not a regular file")
        if st.st_size > max_bytes:
            raise InputError(f"too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        return read_document(read_bytes(file.path), name=str(file.path), limits=self.limits)

    def write(self, rel: str, data: str | bytes, *, source: SourceFile) -> str | None:
        from ..files import write_atomic

        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        parent = path.parent.resolve()
        if (
            self.inputs is not None
            and parent.is_relative_to(self.inputs)
            and not parent.is_relative_to(self.root)
        ):
            raise OutputError(f"{path.parent} leads into the input folder (a symlink?)")
        write_atomic(path, data, inputs=[source.path])
        return sha256_file(path)


class RemoteFolder:
    """A prefix in an object store (any fsspec URL). Picklable: the file system is made
    where it is used, from the URL and ``storage_options`` (credentials, endpoint)."""

    def __init__(
        self,
        url: str,
        storage_options: dict[str, Any] | None = None,
        *,
        limits: Limits | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.storage_options = dict(storage_options or {})
        self.limits = limits  # what one document may hold (None: Options' defaults)
        self._fs: Any = None
        self._root = ""

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "storage_options": self.storage_options, "limits": self.limits}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["url"], state["storage_options"], limits=state.get("limits")
        )

    @property
    def fs(self) -> Any:
        if self._fs is None:
            from fsspec.core import url_to_fs

            self._fs, self._root = url_to_fs(self.url, **self.storage_options)
            self._root = self._root.rstrip("/")
        return self._fs

    def path(self, rel: str) -> str:
        self.fs  # noqa: B018 (sets _root)
        return f"{self._root}/{rel}"

    def __str__(self) -> str:
        return self.url

    # -- the Folder protocol ------------------------------------------------------------------

    def read_document(self, file: SourceFile, *, max_bytes: int) -> Document:
        from ..formats import read_document

        path = self.path(file.rel)
        size = self.fs.size(path)
        if size is not None and size > max_bytes:
            raise InputError(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        return read_document(self.fs.cat_file(path), name=file.rel, limits=self.limits)

    def write(self, rel: str, data: str | bytes, *, source: SourceFile) -> str | None:
        blob = data if isinstance(data, bytes) else data.encode("utf-8")
        self.fs.pipe_file(self.path(rel), blob)  # one PUT: whole or not at all
        return sha256_bytes(blob)

    # -- what the driver needs ------------------------------------------------------------------

    def read_bytes(self, rel: str) -> bytes:
        return bytes(self.fs.cat_file(self.path(rel)))

    def sha256(self, rel: str) -> str | None:
        try:
            return sha256_bytes(self.read_bytes(rel))
        except OSError:
            return None

    def discover(
        self,
        patterns: tuple[str, ...],
        exclude: tuple[str, ...],
        extension: str | Callable[[str], str],
        out: str,
    ) -> Discovery:
        """Every object under the prefix that ``patterns`` take (hidden names and ``out``, the
        output prefix when it lies inside this one, left out), as local discovery does."""
        try:
            paths = self.fs.find(self.path(""))
        except OSError as exc:
            raise InputError(f"{self.url}: cannot be listed ({exc})") from exc
        inner = out.rstrip("/") + "/"
        found: list[tuple[Path, str]] = []
        for full in sorted(paths):
            rel = str(PurePosixPath(full).relative_to(self._root))
            if f"{self.url}/{rel}".startswith(inner):
                continue
            if any(part.startswith(".") for part in PurePosixPath(rel).parts):
                continue
            if not matches(rel, patterns) or (exclude and matches(rel, exclude)):
                continue
            found.append((Path(rel), rel))
        return Discovery(files=_with_outputs(found, extension), problems=[])


class RemoteManifest(JsonManifest):
    """The manifest of an object-store OUT prefix: the JSON layout (an object store has no
    SQLite and no append), read and written there."""

    def __init__(self, folder: RemoteFolder) -> None:
        super().__init__(Path(folder.url.replace("://", "/", 1)))
        self.folder = folder
        self.path = Path(f"{folder.url}/{self.path.name}")

    @classmethod
    def load_from(cls, folder: RemoteFolder) -> RemoteManifest:
        manifest = cls(folder)
        manifest._load()
        return manifest

    def _read_text(self) -> str:
        from .manifest import LEGACY_NAME

        try:
            return self.folder.read_bytes(LEGACY_NAME).decode("utf-8")
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise OSError(f"cannot read: {exc}") from exc

    def _write_text(self, text: str) -> None:
        from .manifest import LEGACY_NAME

        try:
            self.folder.fs.pipe_file(self.folder.path(LEGACY_NAME), text.encode("utf-8"))
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write ({exc})") from exc

    def _output_sha256(self, out_rel: str) -> str | None:
        return self.folder.sha256(out_rel)
