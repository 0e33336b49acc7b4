"""What the HTTP layer calls: one engine, glossary and memory, loaded once, shared by all.

:class:`Service` knows nothing about HTTP. It holds the settings, the batching engine, the
pipelines (the server's glossary; one more per uploaded glossary), the document jobs and the
usage counts, and raises :class:`ServeError` (with the HTTP status the API layers use) or the
library's typed errors.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config
from ..errors import GlossaryError, InputError, TranslatorError, UsageError
from ..options import Options
from .batcher import BatchingEngine
from .keys import KeyRing
from .store import GlossaryRow, JobRow, Store, replica_id

if TYPE_CHECKING:
    from ..engine import Engine
    from ..pipeline import Pipeline
    from ..result import TranslationResult

log = logging.getLogger("translator.serve")

__all__ = ["LOOPBACK", "ServeError", "ServeSettings", "Service"]

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

def output_aliases() -> dict[str, str]:
    """What clients call the output formats (DeepL's ``output_format``: a format's name or
    its file extension, ``md``, ``txt``, ``htm``) -> its ``translator.formats`` name."""
    from ..formats import registry

    aliases: dict[str, str] = {}
    for codec in registry.outputs():
        for ext in (codec.extension or "", *codec.suffixes):
            if ext.count(".") == 1:
                aliases[ext.lstrip(".")] = codec.name
        aliases[codec.name] = codec.name
    return aliases


class ServeError(TranslatorError):
    """A request the server refuses; ``status`` is the HTTP status every API answers with."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class ServeSettings:
    """How the server runs (``translator serve``'s options; defaults here only)."""

    options: Options
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    keys_file: Path | None = None
    #: Bind a non-loopback address without keys (an explicit decision, never a default).
    no_keys: bool = False
    max_chars: int = 100_000  # characters per text request (413 above)
    max_upload: int = config.MAX_INPUT_BYTES  # bytes per uploaded document (413 above)
    max_unpacked: int = 100 * 1024 * 1024  # bytes a DOCX may unpack to (a zip bomb: 413)
    queue_size: int = 64  # translation requests admitted at once; more get 503
    timeout: float = 120.0  # seconds per text request
    document_timeout: float = 1800.0  # seconds per document job
    job_workers: int = 2
    cors_origins: tuple[str, ...] = ()
    log_texts: bool = False
    character_limit: int = 0  # reported by /v2/usage; 0: none (reported as 10**12)

    def check(self) -> None:
        """UsageError for settings that must not run."""
        if self.host not in LOOPBACK and self.keys_file is None and not self.no_keys:
            raise UsageError(
                "host",
                f"{self.host} is reachable from other machines: give --keys FILE (create one "
                "with --add-key), or --no-keys to serve it without keys on purpose",
            )
        for name in ("max_chars", "max_upload", "queue_size", "job_workers"):
            if getattr(self, name) < 1:
                raise UsageError(name, "must be at least 1")
        if self.timeout <= 0 or self.document_timeout <= 0:
            raise UsageError("timeout", "must be more than 0 seconds")


#: Seconds a replica's claim on a document job lasts unless renewed (every quarter of it).
JOB_LEASE = 60.0


class _JobTimeout(Exception):
    pass


class Service:
    """The engine, glossary, memory, jobs and usage behind every API of ``translator serve``.

    ``engine`` replaces the model (tests); ``load`` builds it instead (called in the engine's
    worker thread, as torch wants; benchmarks); otherwise the one ``settings.options`` name is
    loaded in that thread by :meth:`start`.
    """

    def __init__(
        self, settings: ServeSettings, *, engine: Engine | None = None,
        load: Callable[[], Engine] | None = None,
    ) -> None:
        settings.check()
        self.settings = settings
        self.options = settings.options.resolved()
        self.keys = KeyRing.load(settings.keys_file) if settings.keys_file else None
        self._given_engine = engine
        self._given_load = load
        self.batcher = BatchingEngine(self._load_engine, max_batch=self.options.batch_size)
        self.store = Store(settings.data_dir)
        self.pipeline: Pipeline | None = None
        self._pipelines: dict[str, Pipeline] = {}
        self._plock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.queue_size)
        #: This process's name in job claims (replicas may share the data folder).
        self.replica = replica_id()
        self._wake = threading.Event()  # a job was submitted here
        self._stopping = threading.Event()
        self.progress: dict[str, int] = {}  # sentences done, of the jobs running here
        self._workers: list[threading.Thread] = []
        self.started = time.time()

    def _load_engine(self) -> Engine:
        if self._given_engine is not None:
            return self._given_engine
        if self._given_load is not None:
            return self._given_load()
        from ..factory import engine_for

        return engine_for(self.options)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Load the engine, glossary, checker and memory; resume the unfinished jobs."""
        from ..factory import build_pipeline

        self.batcher.start()
        self.pipeline = build_pipeline(self.options, engine=self.batcher)
        # Unfinished jobs (queued, or left by a replica that stopped) are claimed by the
        # workers like new ones: by this process or another sharing the data folder.
        for n in range(self.settings.job_workers):
            worker = threading.Thread(target=self._job_worker, name=f"translator-serve-job-{n}")
            worker.start()
            self._workers.append(worker)
        renewer = threading.Thread(target=self._renew, name="translator-serve-lease")
        renewer.start()
        self._workers.append(renewer)

    def close(self) -> None:
        """Finish the jobs being translated (queued ones resume at the next start), stop."""
        self._stopping.set()
        self._wake.set()
        for worker in self._workers:
            worker.join()
        self.batcher.close()
        self.store.close()

    # -- keys and admission ------------------------------------------------------------------

    @property
    def keys_required(self) -> bool:
        return self.keys is not None

    def authenticate(self, key: str | None) -> str | None:
        """The owner (key hash) of a request; None when the server runs without keys."""
        if self.keys is None:
            return None
        if not key:
            raise ServeError(403, "an API key is required")
        owner = self.keys.check(key)
        if owner is None:
            raise ServeError(403, "invalid API key")
        return owner

    def admit(self) -> None:
        """Take a place in the bounded queue, or ServeError 503 (Retry-After) when full."""
        if not self._slots.acquire(blocking=False):
            raise ServeError(503, "the server is busy; try again shortly", retry_after=2)

    def release(self) -> None:
        self._slots.release()

    # -- text --------------------------------------------------------------------------------

    def check_texts(self, texts: list[str]) -> int:
        """The characters of ``texts``; ServeError 413 above the limit, 400 for none."""
        if not texts:
            raise ServeError(400, "no text to translate")
        if not all(isinstance(t, str) for t in texts):
            raise ServeError(400, "every text must be a string")
        size = sum(len(t) for t in texts)
        if size > self.settings.max_chars:
            raise ServeError(
                413, f"text too large: {size:,} characters (the limit is "
                f"{self.settings.max_chars:,})"
            )
        return size

    def translate_texts(
        self, texts: list[str], *, html: bool = False, glossary_id: str | None = None,
        owner: str | None = None, tags: str | None = None,
        ignore_tags: frozenset[str] = frozenset(),
    ) -> list[TranslationResult]:
        """One result per text (an empty text gives an empty result), sharing engine batches;
        ``tags`` ``"html"`` (or ``html=True``) / ``"xml"``: each text is an HTML fragment / an
        XML fragment or document whose text nodes are translated (the markup kept; XML must be
        well-formed: ServeError 400); its results' ``markup`` is the translated markup.
        ``ignore_tags``: elements whose text stays as it is (DeepL's ``ignore_tags``)."""
        size = self.check_texts(texts)
        tags = tags or ("html" if html else None)
        if tags == "xml":  # refused before any work, whichever text is not well-formed
            trees = [_parse_xml(t) for t in texts]
        pipeline = self.pipeline_for(glossary_id, owner)
        with self.batcher.request():
            if tags == "xml":
                results = [self._translate_tree(pipeline, tree, "xml", ignore_tags)
                           for tree in trees]
            elif tags == "html":
                results = [self._translate_html(pipeline, t, ignore_tags) for t in texts]
            else:
                jobs = [pipeline.prepare(t) for t in texts]
                results = pipeline.run(jobs)
        self.store.count(owner, size)
        return results

    def _translate_html(
        self, pipeline: Pipeline, fragment: str, ignore: frozenset[str] = frozenset()
    ) -> TranslationResult:
        from lxml import etree
        from lxml import html as lhtml

        try:
            root = lhtml.fragment_fromstring(fragment, create_parent="div")
        except (etree.ParserError, ValueError) as exc:
            raise ServeError(400, f"cannot parse the HTML: {exc}") from exc
        skip = {"script", "style", "code", "pre", *ignore}
        return self._translate_tree(pipeline, _Tree(root, html=True), "html", skip)

    def _translate_tree(
        self, pipeline: Pipeline, tree: _Tree, fmt: str, skip: frozenset[str] | set[str]
    ) -> TranslationResult:
        """Translate the text nodes of ``tree`` in place (texts and tails; nothing inside a
        ``skip`` element, comments, processing instructions or CDATA), the markup kept."""
        from ..result import TranslationResult

        root = tree.root
        # The elements themselves, not their id(): lxml's proxies come and go.
        kept = {
            inner for el in root.iter() if isinstance(el.tag, str)
            and el is not root and _local(el, fmt) in skip for inner in el.iter()
        }
        slots: list[tuple[Any, str, str]] = []
        for el in root.iter():
            if isinstance(el.tag, str) and el not in kept and el.text and el.text.strip():
                slots.append((el, "text", el.text))
            parent = el.getparent()
            if el is not root and parent not in kept and el.tail and el.tail.strip():
                slots.append((el, "tail", el.tail))
        jobs = [pipeline.prepare(text.strip()) for _, _, text in slots]
        parts = pipeline.run(jobs) if jobs else []
        for (el, attr, text), part in zip(slots, parts, strict=True):
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            setattr(el, attr, f"{lead}{part.target}{trail}")
        result = TranslationResult(
            paragraphs=[p for part in parts for p in part.paragraphs],
            signature=pipeline.signature, format=fmt,
        )
        result.metadata["markup"] = tree.serialize()
        return result

    # -- glossaries --------------------------------------------------------------------------

    def pipeline_for(self, glossary_id: str | None, owner: str | None) -> Pipeline:
        """The server's pipeline, or one whose glossary adds an uploaded glossary's entries
        (they win over the server glossary's entries for the same source)."""
        assert self.pipeline is not None, "start() first"
        if not glossary_id:
            return self.pipeline
        row = self.glossary(glossary_id, owner)
        with self._plock:
            found = self._pipelines.get(row.id)
            if found is not None:
                return found
        from ..factory import build_pipeline
        from ..glossary import Glossary

        entries = self._entries(row.entries, "tsv", row.name)
        base = self.pipeline.glossary
        own = {e.source.casefold() for e in entries}
        kept = [e for e in getattr(base, "entries", ()) if e.source.casefold() not in own]
        merged = Glossary(
            [*entries, *kept], style=self.options.style, transliterate=self.options.transliterate
        )
        pipeline = build_pipeline(replace(self.options, glossary=merged), engine=self.batcher)
        with self._plock:
            return self._pipelines.setdefault(row.id, pipeline)

    @staticmethod
    def _entries(text: str, fmt: str, name: str) -> list[Any]:
        from ..glossary.interchange import import_glossary

        try:
            return list(import_glossary(text, fmt, f"glossary {name!r}", allow_common=True).entries)
        except GlossaryError as exc:
            raise ServeError(400, f"invalid glossary entries: {exc}") from exc

    def create_glossary(
        self, *, name: str, entries: str, fmt: str, owner: str | None,
        source_lang: str = "de", target_lang: str = "en",
    ) -> GlossaryRow:
        if not name or not name.strip():
            raise ServeError(400, "the glossary needs a name")
        if fmt not in ("tsv", "csv"):
            raise ServeError(400, f"entries_format must be tsv or csv (got {fmt!r})")
        if len(entries) > self.settings.max_upload:
            raise ServeError(413, "glossary entries too large")
        parsed = self._entries(entries, fmt, name)
        if not parsed:
            raise ServeError(400, "the glossary has no entries")
        tsv = "".join(f"{e.source}\t{e.target}\n" for e in parsed)
        return self.store.add_glossary(
            name=name.strip(), source_lang=source_lang, target_lang=target_lang, entries=tsv,
            count=len(parsed), owner=owner,
        )

    def glossary(self, glossary_id: str, owner: str | None) -> GlossaryRow:
        row = self.store.glossary(glossary_id)
        if row is None or row.owner != owner:
            raise ServeError(404, "glossary not found")
        return row

    def delete_glossary(self, glossary_id: str, owner: str | None) -> None:
        row = self.glossary(glossary_id, owner)
        self.store.delete_glossary(row.id)
        with self._plock:
            self._pipelines.pop(row.id, None)

    def lookup(self, term: str) -> list[dict[str, Any]]:
        """The server glossary's entries for ``term`` (as `translator glossary lookup`)."""
        glossary = self.pipeline.glossary if self.pipeline is not None else None
        if glossary is None or not term.strip():
            return []
        found = glossary.lookup(term.strip())  # type: ignore[attr-defined]
        return [
            {"source": e.source, "target": e.target, "category": e.category, "matched": how}
            for e, how in found[:50]
        ]

    # -- documents ---------------------------------------------------------------------------

    def check_upload(self, data: bytes, name: str) -> str:
        """The input format of an upload; ServeError 413 (too large, a zip bomb) or 400."""
        from ..formats import detect

        limit = self.settings.max_upload
        if len(data) > limit:
            raise ServeError(413, f"file too large: {len(data):,} bytes (the limit is {limit:,})")
        if not data.strip():
            raise ServeError(400, f"{name}: is empty")
        if data[:4] == b"PK\x03\x04":
            self._check_archive(data, name)
        try:
            return detect(data, name)
        except InputError as exc:
            raise ServeError(400, str(exc)) from exc

    def _check_archive(self, data: bytes, name: str) -> None:
        limit = self.settings.max_unpacked
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ServeError(400, f"{name}: a damaged ZIP/DOCX file ({exc})") from exc
        unpacked = sum(i.file_size for i in infos)
        if len(infos) > 10_000 or unpacked > limit:
            raise ServeError(
                413, f"{name}: unpacks to {unpacked:,} bytes in {len(infos):,} parts (the limit "
                f"is {limit:,} bytes): refused as a possible zip bomb"
            )

    def output_format(self, input_format: str, asked: str | None, *, same: bool = False) -> str:
        """The output format asked for, else the input's default (``same``: the input's own
        format, as DeepL promises; a format that is read only (PDF) then needs an explicit
        one)."""
        from ..formats import default_output, registry

        aliases = output_aliases()
        if not asked:
            if same and input_format not in registry.output_names():
                kind = input_format.upper()
                raise ServeError(
                    400, f"a {kind} cannot be written back as {kind}: ask for output_format "
                    f"{', '.join(aliases)}"
                )
            return default_output(input_format)
        fmt = aliases.get(asked.strip().lower().lstrip("."))
        if fmt is None:
            raise ServeError(
                400, f"output format {asked!r} not supported (one of: {', '.join(aliases)})"
            )
        return fmt

    def submit(
        self, data: bytes, *, name: str, output: str | None = None,
        glossary_id: str | None = None, owner: str | None = None, same: bool = False,
    ) -> JobRow:
        """Store an upload as a document job and queue it (``same``: see output_format)."""
        name = safe_name(name)
        fmt = self.check_upload(data, name)
        out = self.output_format(fmt, output, same=same)
        if glossary_id:
            self.glossary(glossary_id, owner)  # 404 now, not when the job runs
        row = self.store.add_job(
            data=data, name=name, input_format=fmt, output_format=out,
            glossary_id=glossary_id or None, owner=owner,
        )
        self._wake.set()
        return row

    def job(self, job_id: str, key: str | None, owner: str | None) -> JobRow:
        """The job, if ``key`` is its key (or the owner's own key made it)."""
        import hmac

        row = self.store.job(job_id)
        if row is None or (key is None and (owner is None or row.owner != owner)):
            raise ServeError(404, "document not found")
        if key is not None and not hmac.compare_digest(row.key, key):
            raise ServeError(404, "document not found")
        return row

    def wait(self, job_id: str, seconds: float) -> None:
        """Until the job has finished (here or in another replica) or ``seconds`` passed."""
        deadline = time.monotonic() + seconds
        while not self.finished(job_id) and time.monotonic() < deadline:
            time.sleep(0.05)

    def finished(self, job_id: str) -> bool:
        """True unless the job is queued or being translated (by any replica)."""
        row = self.store.job(job_id)
        return row is None or row.status not in ("queued", "translating")

    def job_file(self, row: JobRow, which: str = "output") -> Path:
        if which not in ("output", "result.json", "review.html"):
            raise ValueError(which)
        return self.store.job_dir(row.id) / which

    def download_name(self, row: JobRow) -> str:
        stem = row.name.rsplit(".", 1)[0] if "." in row.name else row.name
        from ..formats import registry

        return f"{stem}.en{registry.output_codec(row.output_format).extension}"

    def _job_worker(self) -> None:
        """Claim a job (submitted to any replica), run it; when there is none, wait for a
        submission here or poll the data folder again a second later."""
        while not self._stopping.is_set():
            row = self.store.claim(self.replica, JOB_LEASE)
            if row is None:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            if row.attempts > 1:
                log.warning("document job %s: taking it over (attempt %d)", row.id, row.attempts)
            self._run_job(row.id)

    def _renew(self) -> None:
        """Renew this replica's claims while it runs (a stopped replica's jobs are taken over
        by another once their lease runs out)."""
        while not self._stopping.wait(JOB_LEASE / 4):
            try:
                self.store.renew(self.replica)
            except Exception:  # a busy database: the next renewal is soon
                log.warning("cannot renew the job claims", exc_info=True)

    def _run_job(self, job_id: str) -> None:
        from ..files import write_atomic
        from ..formats import read_document, write

        row = self.store.job(job_id)
        if row is None or row.claimed_by != self.replica:
            return
        folder = self.store.job_dir(row.id)
        started = time.monotonic()
        deadline = started + self.settings.document_timeout
        if not (folder / "input").is_file():
            self._fail(row, "its input was lost while the server was down")
            return
        try:
            data = (folder / "input").read_bytes()
            document = read_document(data, name=row.name, fmt=row.input_format)
            pipeline = self.pipeline_for(row.glossary_id, row.owner)
            job = pipeline.prepare_document(document, name=row.name)
            total = len({u.engine_input for units in job.units for u in units})
            self.store.update_job(row.id, self.replica, sentences=total)
            self.progress[row.id] = 0
            saved = time.monotonic()

            def advance(n: int) -> None:
                nonlocal saved
                done = self.progress[row.id] = self.progress.get(row.id, 0) + n
                if time.monotonic() > deadline:
                    raise _JobTimeout
                if time.monotonic() - saved > 1.0:  # for the other replicas' status answers
                    saved = time.monotonic()
                    self.store.update_job(row.id, self.replica, done=done)

            with self.batcher.request():
                [result] = pipeline.run([job], progress=advance)
            rendered = write(result, document, row.output_format)
            write_atomic(folder / "output", rendered)
            payload = json.dumps(result.to_dict(), ensure_ascii=False)
            write_atomic(folder / "result.json", payload)
            write_atomic(folder / "review.html", write(result, None, "review"))
            characters = sum(len(p.source) for p in result.paragraphs)
            self.store.count(row.owner, characters)
            self.store.update_job(row.id, self.replica, status="done", finished=time.time(),
                                  characters=characters, done=total)
        except _JobTimeout:
            self._fail(row, f"took longer than {self.settings.document_timeout:g} s")
        except ServeError as exc:
            self._fail(row, exc.message)
        except TranslatorError as exc:
            self._fail(row, str(exc))
        except Exception as exc:  # a bug of ours: said in the job, logged here
            log.exception("document job %s failed", row.id)
            self._fail(row, f"internal error: {type(exc).__name__}")
        finally:
            self.progress.pop(row.id, None)

    def _fail(self, row: JobRow, message: str) -> None:
        log.warning("document job %s: %s", row.id, message)
        self.store.update_job(row.id, self.replica, status="error", finished=time.time(),
                              error=message)

    # -- detection ---------------------------------------------------------------------------

    @staticmethod
    def detect(text: str) -> list[dict[str, Any]]:
        """German or English, from how many words lean to each (wordfreq frequencies)."""
        from ..qa.words import WORD, leans_english, leans_german

        words = WORD.findall(text[:5000])
        german = sum(leans_german(w) for w in words)
        english = sum(leans_english(w) for w in words)
        if german + english == 0:
            return [{"language": "de", "confidence": 0.0}]
        share = german / (german + english)
        if share >= 0.5:
            return [{"language": "de", "confidence": round(100 * share, 1)}]
        return [{"language": "en", "confidence": round(100 * (1 - share), 1)}]


#: The element an XML fragment is parsed inside (it has no root of its own).
_XML_ROOT = "translator-fragment"
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_CDATA_MARK = re.compile(r"<\?translator-cdata (\d+)\?>")


@dataclass
class _Tree:
    """A parsed fragment (``root`` is the wrapper element) or XML document (``document``);
    ``cdata``: the CDATA sections, set aside verbatim (processing instructions stand in)."""

    root: Any
    document: Any | None = None
    cdata: dict[str, str] = field(default_factory=dict)
    declaration: str = ""
    html: bool = False

    def serialize(self) -> str:
        from lxml import etree
        from lxml import html as lhtml

        if self.document is not None:
            out = self.declaration + etree.tostring(self.document, encoding="unicode")
        else:
            write = lhtml.tostring if self.html else etree.tostring
            out = (self.root.text or "") + "".join(
                write(child, encoding="unicode") for child in self.root
            )
        return _CDATA_MARK.sub(lambda m: self.cdata[m.group(1)], out) if self.cdata else out


def _local(el: Any, fmt: str) -> str:
    from lxml import etree

    return str(etree.QName(el).localname if fmt == "xml" else el.tag).lower()


def _parse_xml(text: str) -> _Tree:
    """An XML fragment (any number of elements and text) or document, parsed without
    resolving entities, loading DTDs or touching the network; ServeError 400 when it is not
    well-formed. CDATA sections are set aside and put back as they were."""
    from lxml import etree

    cdata: dict[str, str] = {}

    def aside(match: re.Match[str]) -> str:
        cdata[str(len(cdata))] = match.group(0)
        return f"<?translator-cdata {len(cdata) - 1}?>"

    body = _CDATA.sub(aside, text)
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
        remove_blank_text=False, strip_cdata=False,
    )
    stripped = body.lstrip()
    try:
        if stripped.startswith("<?xml") or stripped.startswith("<!DOCTYPE"):
            # The declaration is kept as written; the text is already decoded, so its
            # encoding= must not be applied again.
            match = re.match(r"<\?xml[^>]*\?>\s*", stripped)
            declaration = match.group(0) if match else ""
            root = etree.fromstring(stripped[len(declaration):], parser)
            return _Tree(root, root.getroottree(), cdata, declaration)
        root = etree.fromstring(f"<{_XML_ROOT}>{body}</{_XML_ROOT}>".encode(), parser)
    except etree.XMLSyntaxError as exc:
        raise ServeError(400, f"the XML is not well-formed: {_xml_error(exc)}") from exc
    return _Tree(root, cdata=cdata)


def _xml_error(exc: Any) -> str:
    """lxml's message, with positions in the client's text (not counting our wrapper)."""
    message = str(exc.msg if hasattr(exc, "msg") else exc)
    return message.replace(_XML_ROOT, "(fragment)")


def safe_name(name: str | None) -> str:
    """A client's file name for display and format detection only: its last component, no
    control characters, at most 120 characters; never used as a path."""
    import re

    base = re.split(r"[/\\]", (name or "").strip())[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "_", base).strip(". ") or "document"
    return base[-120:]
