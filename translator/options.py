"""One set of options for every entry point: defaults, environment, validation.

``translate_text``, the ``translate`` and ``batch`` commands and ``translate_folder`` all build
their pipeline from an :class:`Options` (``translator.factory.build_pipeline``), so they share
the same defaults:

=============  ==========================================  =======================
option         default                                     environment
=============  ==========================================  =======================
``model``      ``Helsinki-NLP/opus-mt-de-en``              ``TRANSLATOR_MODEL``
``backend``    ``auto`` (CTranslate2, converted once)      ``TRANSLATOR_BACKEND``
``device``     ``auto`` (CUDA when present)                ``TRANSLATOR_DEVICE``
``glossary``   ./glossary.yaml, else the packaged one      ``TRANSLATOR_GLOSSARY``
``qa``         on
``memory``     off in the library, on in the CLI           ``TRANSLATOR_CACHE_DIR``
``beam_size``  4
``style``      ``ap`` (house style of glossary spellings)
``transliterate``  on (Slavic names no entry lists)
``max_unpacked``   32 MiB of XML a DOCX may unpack to
``max_paragraphs``  10,000 paragraphs (blocks) in one document
``max_sentences``   20,000 sentences in one document
``lost_content_check``  on                                 ``TRANSLATOR_LOST_CONTENT_CHECK``
``conversion_check``    on                                 ``TRANSLATOR_CONVERSION_CHECK``
=============  ==========================================  =======================

Values left unset (``None``) are read from the environment when the options are resolved
(:meth:`Options.resolved`, called by ``build_pipeline``), never at import. Every value is
checked once, here: a bad one raises :class:`~translator.errors.UsageError` naming the option
(or the environment variable it came from) and the allowed values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, get_args

from . import config
from .errors import UsageError

Backend = Literal["auto", "ctranslate2", "transformers"]
Device = Literal["auto", "cpu", "cuda"]
#: House styles for the spellings outlets disagree on (``translator.glossary.style``).
Style = Literal["ap", "reuters", "bbc"]

BACKENDS: tuple[str, ...] = get_args(Backend)
DEVICES: tuple[str, ...] = get_args(Device)
STYLES: tuple[str, ...] = get_args(Style)


@dataclass(frozen=True)
class Limits:
    """What one document may hold (the values come from :class:`Options`, the only place of
    their defaults): ``unpacked``: bytes of XML a DOCX unpacks to; ``paragraphs``: blocks;
    ``sentences``. A document over a limit is refused as too large, naming the limit and the
    flag that raises it (``refusal``)."""

    unpacked: int
    paragraphs: int
    sentences: int

    @staticmethod
    def refusal(name: str, found: str, limit: int, what: str, flag: str) -> str:
        """``a.docx: too large: 94,371,840 bytes of XML (the limit is 33,554,432 bytes of
        XML; raise it with --max-unpacked or Options(max_unpacked=...))``."""
        setting = flag.removeprefix("--").replace("-", "_")
        return (
            f"{name}: too large: {found} (the limit is {limit:,} {what}; raise it with "
            f"{flag} or Options({setting}=...))"
        )


#: What ``glossary=`` accepts: a loaded Glossary, a YAML path, None (the default glossary)
#: or False (no glossary). A Glossary is typed ``Any`` here: the glossary package imports
#: these options (its house styles), so they do not import it back (no import cycle).
GlossarySpec = Any | Path | str | None | Literal[False]


@dataclass(frozen=True)
class Options:
    """What a translation is built from (see the module docstring for defaults).

    ``model``: Hub id or local folder (a MarianMT model, or a CTranslate2 conversion of one).
    ``backend``: ``auto`` uses CTranslate2 and converts the model for it on first use (once,
    into the cache); ``ctranslate2`` insists on an existing conversion; ``transformers``
    never converts. ``device``: ``auto``, ``cpu`` or ``cuda`` (``cuda:N`` too).
    ``glossary``: a ``Glossary``, a YAML path, ``None`` for the default glossary or
    ``False`` for none. ``qa``: the quality checks. ``memory``: the SQLite translation
    memory: ``False`` (the library's default: nothing is written unless asked), ``True`` (the
    CLI's default: ``$TRANSLATOR_CACHE_DIR/memory.sqlite3``) or the path of a memory file.
    ``style``: the house style of the glossary's spellings (``ap``, ``reuters``, ``bbc``).
    ``transliterate``: rewrite Slavic personal names no glossary entry lists into English
    spelling (reported as ``transliterated``; needs a glossary). ``max_unpacked``,
    ``max_paragraphs``, ``max_sentences``: what one document may hold (bytes of XML a DOCX
    unpacks to, paragraphs, sentences); a document over a limit is refused as too large.
    ``lost_content_check``: the engines' and the pipeline's check of implausibly short or
    long outputs (``translator.engine.lengths``). ``conversion_check``: check a new
    CTranslate2 conversion against the model (``translator.engine.convert``). Both are for
    test models whose output is noise by design; ``None`` reads the environment (``off``
    turns them off). The engine part of the options is ``translator.engine.spec.EngineSpec``.
    """

    model: str | None = None
    backend: Backend | None = None
    device: str | None = None
    beam_size: int = 4
    batch_size: int = 32
    glossary: GlossarySpec = None
    qa: bool = True
    memory: bool | Path | str = False
    style: Style = "ap"
    transliterate: bool = True
    max_unpacked: int = 32 * 1024 * 1024
    max_paragraphs: int = 10_000
    max_sentences: int = 20_000
    lost_content_check: bool | None = None
    conversion_check: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "style", choice("style", self.style, STYLES))
        if self.backend is not None:
            object.__setattr__(self, "backend", choice("backend", self.backend, BACKENDS))
        if self.device is not None:
            object.__setattr__(self, "device", device_choice("device", self.device))
        for name in ("beam_size", "batch_size", "max_unpacked", "max_paragraphs", "max_sentences"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(name, f"must be a whole number of at least 1 (got {value!r})")
        if self.glossary is True:
            raise UsageError("glossary", "must be a Glossary, a path, None (default) or False")

    @property
    def limits(self) -> Limits:
        """What one document may hold (``max_unpacked``, ``max_paragraphs``,
        ``max_sentences``)."""
        return Limits(self.max_unpacked, self.max_paragraphs, self.max_sentences)

    def resolved(self) -> Options:
        """These options with every unset value taken from the environment or the default."""
        model = self.model or os.environ.get(config.ENV_MODEL) or config.DEFAULT_MODEL
        backend = self.backend or _from_env(config.ENV_BACKEND, BACKENDS) or "auto"
        device = self.device or _from_env(config.ENV_DEVICE, DEVICES) or "auto"
        lost = self.lost_content_check
        conversion = self.conversion_check
        return replace(
            self,
            model=model,
            backend=backend,  # type: ignore[arg-type]
            device=device,
            lost_content_check=config.switch_on(config.ENV_LOST_CONTENT_CHECK)
            if lost is None
            else lost,
            conversion_check=config.switch_on(config.ENV_CONVERSION_CHECK)
            if conversion is None
            else conversion,
        )

    def glossary_path(self) -> Path | None:
        """The YAML file the glossary comes from (None: no glossary, or one given loaded)."""
        spec = self.glossary
        if spec is False or (spec is not None and not isinstance(spec, str | Path)):
            return None
        if spec is None:
            return config.glossary_path()  # $TRANSLATOR_GLOSSARY, ./glossary.yaml, packaged
        return Path(spec).expanduser()

    def memory_path(self) -> Path | None:
        """The translation-memory file, or None when the memory is off."""
        if self.memory is False:
            return None
        if self.memory is True:
            from .cache import default_path

            return default_path()
        return Path(self.memory).expanduser()


def choice(what: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` (any case) if it is one of ``allowed``, else UsageError."""
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise UsageError(what, f"must be one of {', '.join(allowed)} (got {value!r})")


def device_choice(what: str, value: str) -> str:
    """``auto``, ``cpu``, ``cuda`` or ``cuda:N``."""
    text = value.strip().lower() if isinstance(value, str) else value
    if isinstance(text, str) and text.startswith("cuda:") and text[5:].isdigit():
        return text
    return choice(what, value, DEVICES)


def _from_env(name: str, allowed: tuple[str, ...]) -> str | None:
    value = os.environ.get(name)
    if not value:
        return None
    if allowed is DEVICES:
        return device_choice(name, value)
    return choice(name, value, allowed)
