"""Run the due files on a Ray cluster: Ray Data's actor pool, the standard offline-inference
pattern (``map_batches`` with a callable class), with the local runner's per-file work.

How a run goes (the driver is the process that called ``run``):

1. the driver has planned as always (discovery, manifest: only due files come here);
2. the due files are read and split on the cluster (``work.read_item`` in plain Ray tasks,
   64 files each, no model), so the driver learns each file's sentences without doing that
   work alone; it looks them up in the translation memory;
3. sentences the memory lacks that several files share (a boilerplate line) are translated
   first, in groups of sentences, so that each is translated once in the run (a pass of its
   own, usually one actor: one more model load, only when there are such sentences);
4. then the files, in groups of about ``chunk_sentences`` sentences: each group is one row of
   a Ray Dataset; ``map_batches(_Translate, compute=ActorPoolStrategy(size=N))`` runs a pool
   of N actors, each of which loads the engine once (through ``factory``, like every entry
   point) and, per group, calls ``work.translate_files``: read, translate with glossary and
   QA, render, write atomically. It returns one small record per file and the sentences it
   translated;
5. the driver streams the records as they come, files them into the manifest (saved every
   second), the summary and the progress events, and stores the new sentences in the memory.

A worker that dies (killed, out of memory, a crash) is restarted by Ray and its group
retried (``max_restarts``, ``max_task_retries``). A group that still fails is skipped
(``max_errored_blocks``), and its files are tried again one per group, so a file that
crashes its worker fails alone and is reported.

The translation memory stays with the driver (one SQLite file cannot be shared across
nodes): workers get the stored translations of their files' sentences with the work and
send back what they translated. Nothing is translated twice in a run, except the group a
dying worker had in hand, which Ray runs again. Its entries are keyed by the one memory
namespace every entry point uses (``translator.signature.memory_namespace``): each worker
derives it from the engine it loaded and the driver stores what it sends back under it, so
Ray and local runs of one setup share entries and another setup never sees them. The driver
looks entries up before any worker runs under its own pipeline's namespace, which needs the
engine's signature without loading the model here: the memory remembers it per setup (a
local run, or an earlier Ray run whose workers reported it). A setup it does not know yet
starts with no look-up; a worker whose namespace is not the driver's ignores what it is
handed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..cache import MemorySnapshot
from ..engine import Engine, engine_signature
from ..engine.lazy import LazyEngine
from ..engine.spec import EngineSpec
from ..errors import ClusterError, TranslatorError
from ..formats.base import Document
from ..options import Options
from ..pipeline import Job, Pipeline
from .discovery import SourceFile
from .events import SentencesDone, SentencesQueued
from .plan import Task
from .records import FileRecord, Ledger
from .storage import Folder
from .work import read_item, translate_files

log = logging.getLogger("translator")

#: Threads each worker's engine uses (and CPUs Ray reserves for it) unless told otherwise.
DEFAULT_THREADS_PER_WORKER = 1
#: How often a try is repeated when a worker dies in it (Ray restarts the worker).
TASK_RETRIES = 2
#: Files a survey task reads and splits.
SURVEY_FILES = 64
#: Seconds between manifest saves while records stream in.
SAVE_EVERY = 1.0
INSTALL_HINT = "Ray is not installed; pip install 'translator[ray]'"
#: Seconds a connection to the cluster's address may take before the run stops (the address
#: is probed with a plain TCP connection before Ray is asked to join it).
CONNECT_SECONDS = 5.0
#: Attempts Ray makes to reach the cluster's GCS once the address answers (Ray's
#: ``RAY_gcs_server_port_wait_time_s``, set unless it is set already; Ray's own default is 20,
#: about 40 s each when the head answers but does not serve Ray: minutes of retries). One
#: attempt: a run that cannot join stops after about 40 s.
JOIN_ATTEMPTS = 1
#: A line of Ray's own native (C++) log: ``[2026-12-07 00:51:14,597 E 12310 12310] file.cc:``.
RAY_NATIVE_LINE = re.compile(rb"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [DIWEF] \d+ \d+\] ")


@dataclass(frozen=True)
class RaySettings:
    """How to run on Ray. ``address``: the cluster to join (None: ``$RAY_ADDRESS``, else a
    local Ray on this machine's cores). ``workers``: actors (None: the cluster's CPUs over
    ``threads_per_worker``). ``engine_factory``: builds each worker's engine (picklable;
    None: the options' engine, loaded as every entry point loads it). ``task_retries``: how
    often a group is tried again when its worker dies in it (each try restarts the worker: a
    model load)."""

    address: str | None = None
    workers: int | None = None
    threads_per_worker: int | None = None
    engine_factory: Callable[[], Engine] | None = None
    task_retries: int = TASK_RETRIES


def ray_available() -> bool:
    """Whether Ray is installed (without importing it: see ``ray_session``)."""
    from importlib.util import find_spec

    try:
        return find_spec("ray") is not None and find_spec("pyarrow") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["ray"] is None
        return False


class ray_session:  # noqa: N801 (a context manager, used like a function)
    """Join the cluster (``address``, else ``$RAY_ADDRESS``) or start a local Ray (bound to
    127.0.0.1, no dashboard, no usage statistics); leave it as found."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self.started = False

    def __enter__(self) -> ray_session:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        # Ray's own notes (token set-up, Ray Data's progress) are not for our users; errors
        # still show (the ray logger's level is ray.init's logging_level, below).
        os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
        address = self.address or os.environ.get("RAY_ADDRESS") or None
        if not address:
            # A single-machine Ray: this switch (read when ray is imported) makes Ray take
            # 127.0.0.1 as the node's address, so every server of it binds to the loopback
            # only (without it they listen on all interfaces). Its name is Ray's.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        import ray

        if ray.is_initialized():
            return self
        common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
        if address:
            probe(address)
            os.environ.setdefault("RAY_gcs_server_port_wait_time_s", str(JOIN_ATTEMPTS))
            try:
                ray.init(address=address, **common)
            except ConnectionError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                raise ClusterError(f"cannot join the Ray cluster at {address}: "
                                   f"{first or type(exc).__name__}") from None  # fmt: skip
        else:
            ray.init(
                num_cpus=os.cpu_count() or 1,
                include_dashboard=False,
                **common,
            )
        self.started = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.started:
            import ray

            ray.shutdown()


def probe(address: str, seconds: float = CONNECT_SECONDS) -> None:
    """ClusterError unless a TCP connection to ``address`` (``host:port``, ``ray://host:port``)
    succeeds within ``seconds``: Ray itself would retry an unreachable address for ever, with
    a log line every few seconds. ``auto`` (the address of a Ray started on this machine) is
    left to Ray."""
    where = address.removeprefix("ray://").rstrip("/")
    host, _, port = where.rpartition(":")
    if address == "auto" or not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=seconds):
            pass
    except TimeoutError:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: no answer within "
                           f"{seconds:g} s") from None  # fmt: skip
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {reason}") from None


class native_lines_dropped:  # noqa: N801 (a context manager, used like a function)
    """While inside: Ray's native log lines written to this process's stderr are dropped, the
    rest passes through. Ray's core prints some on every run that are not for our users
    (``core_worker.cc``: Ray Data's actors get their constructor arguments from the object
    store, ray-project/ray#57733) and its connection retries; they stay in Ray's own log files
    (the session's ``logs`` folder). Python's own ``sys.stderr`` keeps writing to the real
    stream when it is the process's stderr (so a terminal stays a terminal for progress bars).
    """

    def __enter__(self) -> native_lines_dropped:
        self._saved = -1
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            return self  # no stderr to filter
        read, write = os.pipe()
        self._old_stderr = sys.stderr
        self._swapped = _is_fd2(sys.stderr)
        if self._swapped:
            sys.stderr = open(  # noqa: SIM115 (closed in __exit__)
                self._saved, "w", encoding=sys.stderr.encoding, errors=sys.stderr.errors,
                buffering=1, closefd=False)  # fmt: skip
        os.dup2(write, 2)
        os.close(write)
        self._thread = threading.Thread(target=_pump, args=(read, self._saved), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._saved < 0:
            return
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(self._saved, 2)  # the pipe's last writer here is gone: the pump ends
        if self._swapped:
            sys.stderr.close()
            sys.stderr = self._old_stderr
        self._thread.join(timeout=2)
        os.close(self._saved)


def _is_fd2(stream: Any) -> bool:
    try:
        return bool(stream.fileno() == 2)
    except (OSError, ValueError, AttributeError):
        return False


def _pump(read: int, out: int) -> None:
    """Copy ``read`` to ``out`` as it comes, minus Ray's native log lines (whole lines only
    are held back, and only those that start like one)."""
    pending = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(read, 65536):
            pending += chunk
            while pending:
                if pending[:1] == b"[":
                    end = pending.find(b"\n")
                    if end < 0 and len(pending) < 1024:
                        break  # wait for the rest of the line
                    end = len(pending) if end < 0 else end + 1
                    line, pending = pending[:end], pending[end:]
                    if not RAY_NATIVE_LINE.match(line):
                        os.write(out, line)
                    continue
                end = pending.find(b"\n")
                end = len(pending) if end < 0 else end + 1
                os.write(out, pending[:end])
                pending = pending[end:]
        if pending and not RAY_NATIVE_LINE.match(pending):
            os.write(out, pending)
    os.close(read)


@dataclass
class _WorkerSetup:
    """What every actor needs to build its pipeline (pickled once per actor)."""

    options: Options
    engine_factory: Callable[[], Engine] | None
    threads: int
    source: Folder
    target: Folder
    fmt: str | None
    max_bytes: int


def worker_pipeline(setup: _WorkerSetup, *, translate: bool = True) -> Pipeline:
    """A worker's pipeline, assembled where every entry point assembles one (``factory``;
    this is the one place here that calls it). The translation memory is the driver's (see
    the module's doc), so none is opened here. ``translate=False``: the survey's, which
    only splits sentences and loads no model."""
    from ..factory import build_pipeline, engine_for

    options = replace(setup.options, memory=False)
    if not translate:
        return build_pipeline(options, engine=_NO_ENGINE)
    engine = setup.engine_factory() if setup.engine_factory else engine_for(options)
    return build_pipeline(options, engine=engine)


class _Translate:
    """One Ray actor: loads the engine once, then translates whole groups of files."""

    def __init__(self, setup: _WorkerSetup) -> None:
        # The engine's CPU share: what Ray reserved for this actor (both engines read this).
        os.environ["OMP_NUM_THREADS"] = str(setup.threads)
        # The checks' switches travel in the (resolved) options' engine spec: a worker checks
        # what a local run would, whatever its node's environment says.
        os.environ.update(EngineSpec.from_options(setup.options).environment())
        self.setup = setup
        self.pipeline: Pipeline | None = None
        self.fatal = ""
        try:
            self.pipeline = worker_pipeline(setup)
        except TranslatorError as exc:
            # A model missing on this node, a bad glossary: every file would fail the same
            # way. Said to the driver, which stops the run as a local run stops (a worker
            # that raised here would only be restarted, again and again).
            self.fatal = _fatal(exc)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        try:
            return self._groups(batch)
        except TranslatorError as exc:  # model or memory trouble in the middle of the work
            return _fatal_row(_fatal(exc))

    def _groups(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        if self.pipeline is None:
            return _fatal_row(self.fatal)
        records: list[str] = []
        fresh: list[str] = []
        # What the driver stores the translations under: the one memory namespace
        # (``translator.signature.memory_namespace``) of the setup this worker loaded.
        namespace = self.pipeline.memory_namespace()
        signature = json.dumps(engine_signature(self.pipeline.engine), default=str)
        for blob in batch["group"]:
            group = json.loads(str(blob))
            # The memory this group sees: the driver's stored translations of its sentences,
            # looked up under the driver's namespace. When that is not this worker's (another
            # setup than the driver expected), they are not used. What the worker translates
            # is collected (``fresh``) for the driver to store; QA results stay with local
            # runs (the snapshot answers and keeps only this worker's namespace).
            given = group["hits"] if group["namespace"] == namespace else {}
            memory = MemorySnapshot(namespace, given)
            if "sentences" in group:
                # Engine inputs several files share: translated (retried, checked) the way
                # Pipeline.run translates any sentence, and sent back for the memory.
                self.pipeline.translate_inputs(group["sentences"], memory=memory)
                records.append("")
                fresh.append(json.dumps(memory.fresh))
                continue
            tasks = [_task(t) for t in group["tasks"]]
            done = translate_files(
                self.pipeline,
                tasks,
                self.setup.source,
                self.setup.target,
                fmt=self.setup.fmt,
                max_bytes=self.setup.max_bytes,
                memory=memory,
            )
            for i, rec in enumerate(done):
                records.append(json.dumps(asdict(rec)))
                fresh.append(json.dumps(memory.fresh if i == 0 else []))
        n = len(records)
        return {
            "record": records,
            "memory": fresh,
            "namespace": [namespace] * n,
            "signature": [signature] * n,
            "fatal": [""] * n,
        }


def _fatal(exc: TranslatorError) -> str:
    return json.dumps([type(exc).__name__, str(exc)])


def _fatal_row(fatal: str) -> dict[str, list[str]]:
    return {"record": [""], "memory": ["[]"], "namespace": [""], "signature": ["{}"],
            "fatal": [fatal]}  # fmt: skip


def _error(fatal: str) -> TranslatorError:
    """The typed error a worker reported (its class by name, from ``translator.errors``)."""
    from .. import errors

    name, message = json.loads(fatal)
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, TranslatorError)):
        cls = TranslatorError
    return cls(message)


def _task_dict(task: Task) -> dict[str, Any]:
    f = task.file
    return {"path": str(f.path), "rel": f.rel, "out": f.out_rel, "sha": task.source_sha256,
            "stamp": task.stamp}  # fmt: skip


def _task(data: dict[str, Any]) -> Task:
    stamp = data.get("stamp")  # size and time at planning: into the record, the manifest
    file = SourceFile(Path(data["path"]), data["rel"], data["out"])
    return Task(file, data["sha"], (stamp[0], stamp[1]) if stamp else None)


class RayRunner:
    """Translate ``tasks`` on Ray (see the module's doc); every record goes to ``ledger``."""

    def __init__(
        self,
        pipeline: Pipeline,
        ledger: Ledger,
        *,
        options: Options,
        settings: RaySettings,
        source: Folder,
        target: Folder,
        fmt: str | None,
        max_bytes: int,
        chunk_sentences: int,
    ) -> None:
        self.pipeline = pipeline  # the driver's: glossary and memory, its engine never loaded
        self.ledger = ledger
        self.settings = settings
        self.source = source
        self.target = target
        self.fmt = fmt
        self.max_bytes = max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        self.options = replace(options, backend=worker_backend(options, ledger.signature))  # type: ignore[arg-type]
        #: The memory namespace the driver looks translations up under: the one the driver's
        #: pipeline derives (``Pipeline.memory_namespace``), when its engine's signature is
        #: known without loading the model here; else the one the workers report.
        self.namespace: str | None = None
        #: Translations the workers sent back in this run, by the namespace they belong to.
        self._fresh: dict[str, dict[str, str]] = {}

    def run(self, tasks: list[Task]) -> None:
        if not ray_available():
            raise ImportError(INSTALL_HINT)
        with native_lines_dropped(), ray_session(self.settings.address):
            import ray

            threads, workers = self._shape(ray.cluster_resources().get("CPU", 1))
            due = self._survey(tasks, threads)
            if not due:  # nothing readable: no actor, no model
                return
            memory = self.pipeline.memory
            self.namespace = self._driver_namespace()
            distinct = list(dict.fromkeys(s for d in due for s in d.inputs))
            hits: dict[str, str] = {}
            if memory is not None and distinct and self.namespace is not None:
                hits = memory.lookup(self.namespace, distinct)
            shared = _shared_misses(due, hits)
            if shared:
                # Sentences of several files first, so that each is translated once; then
                # the files, each of which finds them in the memory it is handed.
                # Usually a few lines: one group, one actor, one more model load.
                size = self.chunk_sentences
                rows = [_sentences_json(shared[i : i + size]) for i in range(0, len(shared), size)]
                self._run_rows(rows, {}, threads, workers)
                if self.namespace is None and len(self._fresh) == 1:
                    self.namespace = next(iter(self._fresh))  # what the workers loaded
                hits.update(self._fresh.get(self.namespace or "", {}))
            groups = _groups(due, self.chunk_sentences, workers)
            missing = self._pass(groups, hits, threads, workers)
            if missing:
                # A group whose worker kept dying: its files once more, each on its own.
                log.warning("retrying %d file(s) of a failed worker one by one", len(missing))
                missing = self._pass([[d] for d in missing], hits, threads, workers)
        for d in missing:
            error = "its worker process died (crashed or was killed) on every try"
            self.ledger.record(FileRecord.failed(d.task, error))

    # -- on the driver -----------------------------------------------------------------------

    def _driver_namespace(self) -> str | None:
        """The driver pipeline's memory namespace, when its engine signs without loading
        (a setup the memory knows); None when only loading the model would tell."""
        engine = self.pipeline.engine
        if isinstance(engine, LazyEngine) and engine.known_signature is None:
            return None
        return self.pipeline.memory_namespace()

    def _setup(self, threads: int) -> _WorkerSetup:
        return _WorkerSetup(
            self.options,
            self.settings.engine_factory,
            threads,
            self.source,
            self.target,
            self.fmt,
            self.max_bytes,
        )

    def _survey(self, tasks: list[Task], threads: int) -> list[_Due]:
        """Read and split the due files on the cluster (no model: plain tasks, many files
        each); what the engine will be asked for each, in the tasks' order. A file that
        cannot be read is recorded as failed here."""
        import ray

        setup = self._setup(threads)
        rows = [{"task": json.dumps(_task_dict(t))} for t in tasks]
        blocks = max(1, -(-len(rows) // SURVEY_FILES))
        found: dict[str, _Due] = {}
        unreadable: set[str] = set()
        with _data_context():
            ds = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
                _survey_batch,  # type: ignore[arg-type]  # setup comes as a keyword
                fn_kwargs={"setup": setup},
                batch_size=SURVEY_FILES,
                num_cpus=1,
            )
            for row in ds.iter_rows():
                task = _task(json.loads(row["task"]))
                if row["error"]:
                    self.ledger.record(FileRecord.failed(task, row["error"]))
                    unreadable.add(task.file.rel)
                    continue
                d = _Due(task, int(row["sentences"]), json.loads(row["inputs"]))
                self.ledger.emit(SentencesQueued(d.sentences))
                found[task.file.rel] = d
        self.ledger.save()
        for task in tasks:
            if task.file.rel not in found and task.file.rel not in unreadable:
                self.ledger.record(FileRecord.failed(task, "could not be read on the cluster"))
        return [found[t.file.rel] for t in tasks if t.file.rel in found]

    def _pass(
        self, groups: list[list[_Due]], hits: dict[str, str], threads: int, workers: int
    ) -> list[_Due]:
        """Run ``groups`` on a pool of ``workers`` actors; the files no record came back for."""
        pending = {d.task.file.rel: d for group in groups for d in group}
        rows = [_group_json(group, hits, self.namespace) for group in groups]
        self._run_rows(rows, pending, threads, workers)
        return list(pending.values())

    def _run_rows(
        self, groups: list[str], pending: dict[str, _Due], threads: int, workers: int
    ) -> None:
        """Run the groups (JSON) on a pool of actors; records and translations stream in."""
        rows = [{"group": group} for group in groups]
        try:
            with _data_context(), warnings.catch_warnings():
                # max_restarts and max_task_retries have no named parameter in Ray 2.60.
                warnings.simplefilter("ignore", DeprecationWarning)
                ds = self._dataset(rows, self._setup(threads), threads, workers)
                self._collect(ds.iter_rows(), pending)
        finally:
            self.ledger.save()

    def _dataset(
        self, rows: list[dict[str, str]], setup: _WorkerSetup, threads: int, workers: int
    ) -> Any:
        import ray

        return ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _Translate,
            fn_constructor_kwargs={"setup": setup},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(
                size=max(1, min(workers, len(rows))),
                # One group at a time per actor: a worker that dies takes only its own
                # group down (and uses up only that group's retries).
                max_tasks_in_flight_per_actor=1,
            ),
            num_cpus=threads,
            max_restarts=-1,
            max_task_retries=max(0, self.settings.task_retries),
        )

    def _shape(self, cpus: float) -> tuple[int, int]:
        """(threads per worker, workers) from the settings and the cluster's CPUs."""
        cpus_n = max(1, int(cpus))
        s = self.settings
        if s.threads_per_worker:
            threads = s.threads_per_worker
        elif s.workers:
            threads = max(1, cpus_n // s.workers)
        else:
            threads = DEFAULT_THREADS_PER_WORKER
        workers = s.workers or max(1, cpus_n // threads)
        return threads, workers

    def _collect(self, rows: Iterable[dict[str, Any]], pending: dict[str, _Due]) -> None:
        saved = time.monotonic()
        for row in rows:
            if row["fatal"]:
                raise _error(row["fatal"])
            self._learn(json.loads(row["signature"]))
            pairs = [(s, t) for s, t in json.loads(row["memory"])]
            self._fresh.setdefault(row["namespace"], {}).update(pairs)
            if pairs and self.pipeline.memory is not None:
                # Under the namespace of the worker that translated them: its engine's.
                self.pipeline.memory.store(row["namespace"], pairs)
            if not row["record"]:
                continue  # a group of sentences: only translations
            rec = FileRecord(**json.loads(row["record"]))
            done = pending.pop(rec.source, None)
            if done is None:
                continue  # a retried group sent a file again: recorded already
            self.ledger.emit(SentencesDone(done.sentences))
            self.ledger.record(rec)
            if time.monotonic() - saved >= SAVE_EVERY:
                self.ledger.save()
                saved = time.monotonic()


    def _learn(self, signature: dict[str, Any]) -> None:
        """The driver's engine signs from now on as the workers' engine did (and the memory
        remembers it for this setup), so the next run looks the memory up without a model."""
        engine = self.pipeline.engine
        if signature and isinstance(engine, LazyEngine) and not engine.loaded:
            engine.learn(signature)


def worker_backend(options: Options, predicted: dict[str, Any]) -> str | None:
    """The backend every worker uses: the one the driver's signature predicts, so that a
    node that lacks the conversion fails its files instead of silently translating
    differently; ``auto`` while no conversion exists yet (each worker converts, as a local
    run would)."""
    backend = predicted.get("backend")
    if options.backend != "auto" or backend not in ("ctranslate2", "transformers"):
        return options.backend
    if backend == "ctranslate2":
        from ..engine.select import converted_model_for

        if converted_model_for(options.model or "", device=options.device or "auto") is None:
            return "auto"
    return str(backend)


@dataclass
class _Due:
    """A due file as the survey found it: its sentence count and what the engine will be
    asked for it (the memory's keys), in order, each once."""

    task: Task
    sentences: int
    inputs: list[str]


def _survey_batch(batch: dict[str, Any], setup: _WorkerSetup) -> dict[str, list[str]]:
    """Read and split a batch of files (on a Ray worker): the survey's rows."""
    pipeline = worker_pipeline(setup, translate=False)  # glossary and splitter, no model

    def prepare(document: Document, name: str) -> Job:
        return pipeline.prepare_document(document, name=name)

    out: dict[str, list[str]] = {"task": [], "error": [], "sentences": [], "inputs": []}
    for blob in batch["task"]:
        item = read_item(_task(json.loads(str(blob))), setup.source, prepare,
                         max_bytes=setup.max_bytes)  # fmt: skip
        inputs = item.job.engine_inputs() if item.job is not None else []
        out["task"].append(str(blob))
        out["error"].append(item.error or "")
        out["sentences"].append(str(item.sentences))
        out["inputs"].append(json.dumps(inputs))
    return out


class _NoEngine:
    """The survey's pipeline prepares sentences only; translating with it is a bug."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        raise AssertionError("the survey does not translate")


_NO_ENGINE = _NoEngine()


@contextlib.contextmanager
def _data_context() -> Iterator[None]:
    """Ray Data settings for our datasets, restored afterwards."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    saved = (ctx.max_errored_blocks, ctx.enable_progress_bars, ctx.print_on_execution_start)
    ctx.max_errored_blocks = -1  # a group that keeps killing its worker is skipped
    ctx.enable_progress_bars = False  # the CLI draws its own
    ctx.print_on_execution_start = False
    try:
        yield
    finally:
        ctx.max_errored_blocks, ctx.enable_progress_bars, ctx.print_on_execution_start = saved


def _shared_misses(due: list[_Due], hits: dict[str, str]) -> list[str]:
    """Sentences the memory lacks that more than one file has (in order of appearance)."""
    seen: dict[str, int] = {}
    for d in due:
        for s in d.inputs:
            if s not in hits:
                seen[s] = seen.get(s, 0) + 1
    return [s for s, count in seen.items() if count > 1]


def _groups(due: list[_Due], chunk_sentences: int, workers: int) -> list[list[_Due]]:
    """Files in groups of about ``chunk_sentences`` sentences (they share engine batches),
    fewer when that would leave workers idle."""
    total = sum(d.sentences for d in due)
    target = max(1, min(chunk_sentences, total // (2 * max(1, workers))))
    groups: list[list[_Due]] = []
    current: list[_Due] = []
    size = 0
    for d in due:
        current.append(d)
        size += d.sentences
        if size >= target:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def _group_json(group: list[_Due], hits: dict[str, str], namespace: str | None) -> str:
    wanted = {s for d in group for s in d.inputs if s in hits}
    return json.dumps(
        {
            "tasks": [_task_dict(d.task) for d in group],
            "hits": {s: hits[s] for s in wanted},
            "namespace": namespace,
        }
    )


def _sentences_json(sentences: list[str]) -> str:
    return json.dumps({"sentences": sentences, "hits": {}, "namespace": None})
