"""How an engine is built: one spec, resolved in one place.

:class:`EngineSpec` is the engine part of :class:`~translator.options.Options` (made by
:meth:`EngineSpec.from_options`, the one place options become engine arguments), frozen so it
can travel (a Ray worker gets it inside the options). :func:`resolve` turns it into a
:class:`Resolution` from cheap facts on disk, importing no model library: which backend
``auto`` takes (decided here and nowhere else), the model as signatures name it, its
revision, the CTranslate2 conversion there is, the signature the engine will sign with (the
part a batch manifest compares) and the setup key under which the translation memory
remembers the engine's full signature. :func:`load` builds the engine the resolution says.

Loading, the batch manifest (``translator.batch.signature``) and the translation memory's
namespace (``translator.factory.lazy_engine``) all go through :func:`resolve`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config

if TYPE_CHECKING:
    from ..options import Options
    from .protocol import Engine

log = logging.getLogger("translator")

#: Libraries whose version can change what an engine outputs (part of the setup key).
LIBRARIES = ("ctranslate2", "transformers", "torch", "sentencepiece")
#: Arguments of the engine classes that the spec holds as fields of its own.
_OWN = ("compute_type", "revision", "local_files_only")


@dataclass(frozen=True)
class EngineSpec:
    """Everything that decides which engine is built (see the module docstring).

    ``model``: Hub id or folder; ``backend``: ``auto``, ``ctranslate2`` or ``transformers``;
    ``device``: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``; ``beam_size``, ``batch_size``;
    ``lost_content_check`` and ``conversion_check``: the two checks' switches (resolved from
    the options, which read the environment once); ``compute_type``: a CTranslate2
    conversion's (``eval --compare compute-type``); ``revision``, ``local_files_only``: of
    a Hub id; ``extra``: further engine arguments as (name, value) pairs (benchmarks and
    tests: ``max_input_tokens``, ``threads``, ``force_length_ratio``…).
    """

    model: str
    backend: str
    device: str
    beam_size: int
    batch_size: int
    lost_content_check: bool = True
    conversion_check: bool = True
    compute_type: str | None = None
    revision: str | None = None
    local_files_only: bool | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def from_options(cls, options: Options, **engine_args: Any) -> EngineSpec:
        """The spec of ``options`` (resolved: environment and defaults applied), with
        ``engine_args`` for the engine classes (``compute_type``, ``revision``,
        ``max_input_tokens``…)."""
        options = options.resolved()
        own = {k: engine_args.pop(k) for k in _OWN if k in engine_args}
        return cls(
            model=options.model or config.DEFAULT_MODEL,
            backend=options.backend or "auto",
            device=options.device or "auto",
            beam_size=options.beam_size,
            batch_size=options.batch_size,
            lost_content_check=bool(options.lost_content_check),
            conversion_check=bool(options.conversion_check),
            extra=tuple(sorted(engine_args.items())),
            **own,
        )

    def with_backend(self, backend: str) -> EngineSpec:
        """This spec with another backend (a background load takes ``ctranslate2``)."""
        return replace(self, backend=backend)

    def engine_args(self, backend: str) -> dict[str, Any]:
        """The keyword arguments of ``backend``'s engine class (all but the model)."""
        args: dict[str, Any] = {
            "device": self.device,
            "beam_size": self.beam_size,
            "batch_size": self.batch_size,
            "lost_content_check": self.lost_content_check,
            "revision": self.revision,
            "local_files_only": self.local_files_only,
            **dict(self.extra),
        }
        if backend == "ctranslate2":
            args["compute_type"] = self.compute_type
        return args

    def environment(self) -> dict[str, str]:
        """The environment switches that make another process (a Ray worker, whose own
        environment may say otherwise) check as this spec says."""
        return {
            config.ENV_LOST_CONTENT_CHECK: "on" if self.lost_content_check else "off",
            config.ENV_CONVERSION_CHECK: "on" if self.conversion_check else "off",
        }


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` found for ``spec``.

    ``backend``: what will be loaded (``ctranslate2`` or ``transformers``; ``auto``
    decided); ``model``: the model as signatures name it (a folder by its absolute path, a
    Hub id as given); ``path``: the folder the engine reads (the conversion, the model
    folder or its Hub cache snapshot; None when not there); ``revision``; ``conversion``:
    the CTranslate2 conversion there is (None: none yet); ``quantization``: the
    conversion's (:attr:`converting_to`: the one ``auto`` will make); ``convert_first``: no
    conversion yet and ``auto``: loading converts once (or, when it cannot, warns and takes
    transformers).
    """

    spec: EngineSpec
    backend: str
    model: str
    path: Path | None
    revision: str | None
    conversion: Path | None
    quantization: str | None
    convert_first: bool

    @property
    def signature(self) -> dict[str, Any]:
        """The engine facts a batch manifest compares (``translator.signature.
        MANIFEST_ENGINE_KEYS``), as the loaded engine will sign them; the device as the
        options say."""
        sig: dict[str, Any] = {
            "backend": self.backend,
            "model": self.model,
            "revision": self.revision,
        }
        if self.backend == "ctranslate2":
            sig["quantization"] = self.quantization or self.converting_to
        sig["beam_size"] = self.spec.beam_size
        sig["device"] = self.spec.device
        return sig

    @property
    def converting_to(self) -> str | None:
        """The quantization ``auto`` will convert to (None when nothing is to convert). Asked
        only by the manifest's prediction: for ``--device auto`` it imports ctranslate2 to
        count GPUs (never torch)."""
        if not self.convert_first or self.backend != "ctranslate2":
            return None
        from .select import default_quantization

        return default_quantization(self.spec.device)

    @property
    def loads_in_background(self) -> bool:
        """True when the engine will be CTranslate2 from an existing conversion (nothing to
        convert first, and not torch: torch's thread settings belong to the thread that sets
        them, so the transformers engine is loaded in the thread that uses it)."""
        return self.spec.backend != "transformers" and self.conversion is not None

    @cached_property
    def setup_key(self) -> str:
        """A hash of everything that decides the full signature of the engine this spec
        loads (the translation memory remembers that signature under it): the spec, the
        model's files as the file system lists them (names, sizes, modification times), its
        CTranslate2 conversions, the model libraries' versions and whether a GPU is there.
        Anything that could change the signature changes the key."""
        import hashlib
        import json

        from .._version import __version__

        spec = self.spec
        facts: dict[str, Any] = {
            "tool": __version__,
            "options": [spec.model, spec.backend, spec.device, spec.beam_size, spec.batch_size],
            "engine": [spec.compute_type, spec.revision, [list(kv) for kv in spec.extra]],
            "model": _model_files(spec.model),
            "conversions": _conversions(spec.model),
            "libraries": {name: _version(name) for name in LIBRARIES},
            "gpu": [os.environ.get("CUDA_VISIBLE_DEVICES"), Path("/dev/nvidia0").exists()],
        }
        blob = json.dumps(facts, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


def resolve(spec: EngineSpec) -> Resolution:
    """What ``spec`` loads, from cheap facts only (no model library is imported).

    ``auto`` is CTranslate2 when a conversion exists, or when ctranslate2 is installed to
    make one (loading converts once); transformers otherwise. Loading may still fall back
    to transformers (a damaged or inexact conversion): the engine's own signature then says
    so."""
    import importlib.util

    from .hub import folder_revision, model_info
    from .select import converted_model_for, read_meta

    conversion = converted_model_for(
        spec.model, compute_type=spec.compute_type, device=spec.device, revision=spec.revision
    )
    backend = spec.backend
    convert_first = backend == "auto" and conversion is None
    if backend == "auto":
        installed = importlib.util.find_spec("ctranslate2") is not None
        backend = "ctranslate2" if conversion is not None or installed else "transformers"
    folder = Path(spec.model).expanduser()
    quantization: str | None = None
    revision: str | None = None
    path: Path | None = None
    if backend == "ctranslate2" and conversion is not None:
        # The engine signs with the conversion's own record.
        meta = read_meta(conversion)
        quantization, revision, path = meta.get("quantization"), meta.get("revision"), conversion
    elif folder.is_dir():
        revision, path = folder_revision(folder), folder
    else:
        info = model_info(spec.model, revision=spec.revision)
        revision = info["revision"]
        path = Path(info["location"]) if info["kind"] == "cache" else None
    model = str(folder.resolve()) if folder.is_dir() else spec.model
    return Resolution(
        spec=spec,
        backend=backend,
        model=model,
        path=path,
        revision=revision,
        conversion=conversion,
        quantization=quantization,
        convert_first=convert_first,
    )


def load(spec: EngineSpec) -> Engine:
    """The engine ``spec`` resolves to, loaded (ModelError, one line, when it cannot be).

    A CUDA device asked for and absent is said before anything else; ``auto`` converts
    first when :func:`resolve` says so, and falls back to transformers with a one-line
    warning when the conversion is impossible or cannot be loaded."""
    from ..errors import ModelError
    from .base import check_device

    check_device(spec.device)  # before a backend is announced or a model converted
    found = resolve(spec)
    backend = found.backend
    if found.convert_first:
        from .convert import ensure_converted
        from .select import converted_model_for

        ensure_converted(
            spec.model,
            device=spec.device,
            revision=spec.revision,
            local_files_only=spec.local_files_only,
            check=spec.conversion_check,
        )
        converted = converted_model_for(spec.model, device=spec.device, revision=spec.revision)
        backend = "ctranslate2" if converted is not None else "transformers"
    if backend == "ctranslate2":
        from .ct2 import CTranslate2Engine

        try:
            return CTranslate2Engine(spec.model, **spec.engine_args(backend))
        except (ModelError, ImportError) as exc:  # a damaged conversion, no ctranslate2
            if spec.backend != "auto":
                raise
            log.warning("cannot use the CTranslate2 conversion (%s); using transformers", exc)
    from .marian import MarianEngine

    return MarianEngine(spec.model, **spec.engine_args("transformers"))


# -- the setup key's facts ---------------------------------------------------------------------


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    """(name, size, mtime in ns) of the files in ``folder`` (links followed); [] if none."""
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        try:
            st = entry.stat()
        except OSError:
            continue
        if entry.is_file():
            found.append((entry.name, st.st_size, st.st_mtime_ns))
    return found


def _model_files(model: str) -> dict[str, Any]:
    """A local folder by its path and files; a Hub id by its cache's ``main`` snapshot."""
    path = Path(model).expanduser()
    if path.is_dir():
        resolved = path.resolve()
        return {"folder": str(resolved), "files": _listing(resolved)}
    from .hub import hub_cache_dir

    repo = hub_cache_dir() / f"models--{model.replace('/', '--')}"
    try:
        commit = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        commit = ""
    snapshot = repo / "snapshots" / commit if commit else None
    return {
        "hub": model,
        "cache": str(repo),
        "commit": commit,
        "files": _listing(snapshot) if snapshot is not None else [],
    }


def _conversions(model: str) -> list[Any]:
    """Each CTranslate2 conversion of ``model`` there is, by its files."""
    from .select import QUANTIZATIONS, conversion_dir

    found: list[Any] = []
    for quantization in QUANTIZATIONS:
        files = _listing(conversion_dir(model, quantization))
        if files:
            found.append([quantization, files])
    return found


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
