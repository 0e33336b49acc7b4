"""Measure translation quality and the glossary's effect on the user's own data.

    from translator.evaluate import evaluate, load_eval_set, setups_for
    from translator.factory import Options

    data = load_eval_set(Path("test.de"), Path("test.en"))     # or two folders of articles
    options = Options(model="Helsinki-NLP/opus-mt-de-en")
    report = evaluate(data, options, setups_for("glossary", options))
    report.runs[0].bleu.score, report.runs[0].terms.success, report.to_dict()

Each run translates the sources through the normal pipeline (translation memory bypassed, so
nothing is served stale) and scores the output with sacrebleu's BLEU and chrF, the glossary's
term success rate and agreement with the reference, and optionally COMET. Runs that share an
engine (the three of the glossary comparison) share one loaded model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from .._version import __version__
from .data import EvalSet, load_eval_set
from .metrics import Comet, Score, TermCounter, TermScore, bleu, chrf, comet_installed

if TYPE_CHECKING:
    from ..engine import Engine
    from ..glossary import Glossary
    from ..options import Options
    from ..pipeline import Pipeline

__all__ = [
    "COMPARISONS",
    "Comet",
    "EvalSet",
    "Report",
    "Run",
    "Setup",
    "comet_installed",
    "evaluate",
    "iter_runs",
    "load_eval_set",
    "running_text",
    "setups_for",
]

log = logging.getLogger("translator")

GlossaryMode = Literal["none", "verify", "inject"]
Progress = Callable[["Setup", int, int], None]
COMPARISONS = ("glossary", "backend", "beam", "compute-type")


@dataclass(frozen=True)
class Setup:
    """One way of translating the set. ``None`` fields keep the base options' value."""

    label: str
    glossary: GlossaryMode = "inject"
    backend: str | None = None
    beam_size: int | None = None
    compute_type: str | None = None

    def engine_key(self, options: Options) -> tuple[Any, ...]:
        """Runs with equal keys can share one loaded engine."""
        return (
            self.backend or options.backend,
            self.beam_size or options.beam_size,
            self.compute_type,
        )


def setups_for(compare: str | None, options: Options) -> list[Setup]:
    """The runs of ``--compare`` (one run of the options as given when ``compare`` is None)."""
    glossary: GlossaryMode = "inject" if options.glossary is not False else "none"
    if compare is None:
        return [Setup("as configured", glossary=glossary)]
    if compare == "glossary":
        return [
            Setup("no glossary", glossary="none"),
            Setup("verify+repair", glossary="verify"),
            Setup("inject+verify+repair", glossary="inject"),
        ]
    if compare == "backend":
        return [Setup(b, glossary=glossary, backend=b) for b in ("transformers", "ctranslate2")]
    if compare == "beam":
        wide = options.beam_size if options.beam_size > 1 else 4
        return [
            Setup("greedy (beam 1)", glossary=glossary, beam_size=1),
            Setup(f"beam {wide}", glossary=glossary, beam_size=wide),
        ]
    if compare == "compute-type":
        return [
            Setup(f"ctranslate2 {ct}", glossary=glossary, backend="ctranslate2", compute_type=ct)
            for ct in compute_types(options.device or "auto")
        ]
    raise ValueError(f"unknown comparison {compare!r} (one of {', '.join(COMPARISONS)})")


def compute_types(device: str) -> tuple[str, ...]:
    """What ``--compare compute-type`` runs: the fast types of the device against float32."""
    from ..engine.select import default_quantization

    if default_quantization(device) == "float16":  # a GPU
        return ("float16", "int8_float16", "float32")
    return ("int8", "float32")


# -- results ---------------------------------------------------------------------------------


@dataclass
class Run:
    """The figures of one setup."""

    setup: Setup
    signature: dict[str, Any]  # the pipeline's: model, revision, backend, beam, glossary ...
    bleu: Score
    chrf: Score
    terms: TermScore | None
    comet: float | None
    seconds: float  # translation work, model loading apart
    load_seconds: float  # loading and one warm-up call; 0 when the engine was shared
    outputs: list[str] = field(repr=False, default_factory=list)
    per_document: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.setup.label,
            "glossary": self.setup.glossary,
            "signature": self.signature,
            "bleu": {
                "score": self.bleu.score,
                "signature": self.bleu.signature,
                "detail": self.bleu.detail,
            },
            "chrf": {
                "score": self.chrf.score,
                "signature": self.chrf.signature,
                "detail": self.chrf.detail,
            },
            "terms": self.terms.to_dict() if self.terms is not None else None,
            "comet": self.comet,
            "seconds": self.seconds,
            "load_seconds": self.load_seconds,
            **({"documents": self.per_document} if self.per_document else {}),
        }


@dataclass
class Report:
    """Every run of an evaluation, and what it was run on."""

    data: EvalSet
    runs: list[Run]
    glossary: str | None  # the version (hash) of the glossary the term figures use
    comet: str | None  # the COMET checkpoint, or None when COMET was not run

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "tool": {"name": "translator", "version": __version__},
            "src": str(self.data.src),
            "ref": str(self.data.ref),
            "kind": self.data.kind,
            "size": len(self.data),
            "term_glossary": self.glossary,
            "comet_model": self.comet,
            "runs": [run.to_dict() for run in self.runs],
        }


# -- running ---------------------------------------------------------------------------------


def iter_runs(
    data: EvalSet,
    options: Options,
    setups: Sequence[Setup],
    *,
    comet: Comet | None = None,
    term_glossary: Glossary | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Iterator[Run]:
    """Translate and score ``data`` once per setup, yielding each run as it finishes.

    ``term_glossary``: the glossary the term figures are measured with (the same for every
    run, also the one translated without a glossary); default: the options' glossary.
    ``engine``: translate every run with this engine instead of loading one from the options
    (then no setup may change the backend, beam or compute type).
    ``progress(setup, done, total)``: sentences translated so far in the current run.
    """
    if engine is not None and any(
        s.engine_key(options) != setups[0].engine_key(options) for s in setups
    ):
        raise ValueError("a given engine cannot be compared with another backend, beam or type")
    if term_glossary is None:
        term_glossary = _glossary(options)
    counter = TermCounter(term_glossary) if term_glossary is not None else None
    key: tuple[Any, ...] | None = None if engine is None else setups[0].engine_key(options)
    for setup in setups:
        load_seconds = 0.0
        if engine is None or setup.engine_key(options) != key:
            engine = None  # let the previous model go before the next one loads
            started = time.perf_counter()
            engine = load_engine(options, setup)
            # The first call pays one-off costs (kernels, thread pools): not the setup's.
            engine.translate_batch(["Guten Morgen."])
            load_seconds = time.perf_counter() - started
            key = setup.engine_key(options)
        pipeline = assemble(options, setup, engine)
        outputs, seconds = translate(pipeline, data, setup, progress)
        yield score_run(
            data, setup, pipeline.signature, outputs, seconds, load_seconds, counter, comet
        )


def evaluate(
    data: EvalSet,
    options: Options,
    setups: Sequence[Setup],
    *,
    comet: Comet | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> Report:
    """All runs of ``setups`` on ``data`` as one `Report` (arguments as for `iter_runs`)."""
    term_glossary = _glossary(options)
    runs = []
    for run in iter_runs(
        data,
        options,
        setups,
        comet=comet,
        term_glossary=term_glossary,
        engine=engine,
        progress=progress,
    ):
        runs.append(run)
        if on_run is not None:
            on_run(run)
    version = term_glossary.version if term_glossary is not None else None
    return Report(data, runs, version, comet.name if comet is not None else None)


def translate(
    pipeline: Pipeline, data: EvalSet, setup: Setup, progress: Progress | None = None
) -> tuple[list[str], float]:
    """One output per source (a line stays one line; a document becomes running text)."""
    jobs = [
        pipeline.prepare(text, name=name)
        for text, name in zip(data.sources, data.names, strict=True)
    ]
    # The pipeline reports distinct sentences (each is translated once).
    total = len({u.engine_input for job in jobs for units in job.units for u in units})
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(setup, done, total)

    started = time.perf_counter()
    results = pipeline.run(jobs, advance)
    seconds = time.perf_counter() - started
    return [" ".join(" ".join(p.target for p in r.paragraphs).split()) for r in results], seconds


def running_text(text: str) -> str:
    """A reference article as one line of running text, unwrapped as sources are."""
    from ..text.layout import rebuild

    return " ".join(" ".join(block.text for block in rebuild(text)).split())


def score_run(
    data: EvalSet,
    setup: Setup,
    signature: dict[str, Any],
    outputs: list[str],
    seconds: float,
    load_seconds: float,
    counter: TermCounter | None,
    comet: Comet | None,
) -> Run:
    """Score one run's outputs against the references."""
    if data.kind == "documents":
        references = [running_text(r) for r in data.references]
    else:
        references = [r.strip() for r in data.references]
    per_document = []
    if data.kind == "documents":
        for name, out, ref in zip(data.names, outputs, references, strict=True):
            per_document.append(
                {"name": name, "bleu": bleu([out], [ref]).score, "chrf": chrf([out], [ref]).score}
            )
    return Run(
        setup=setup,
        signature=signature,
        bleu=bleu(outputs, references),
        chrf=chrf(outputs, references),
        terms=counter.score(data.sources, outputs, references) if counter else None,
        comet=comet.score(data.sources, outputs, references) if comet is not None else None,
        seconds=round(seconds, 3),
        load_seconds=round(load_seconds, 3),
        outputs=outputs,
        per_document=per_document,
    )


# -- assembly: the only calls into translator.factory ------------------------------------------


def _glossary(options: Options) -> Glossary | None:
    """The glossary the options name (or the default one), for the term figures."""
    from ..factory import glossary_for

    spec = None if options.glossary is False else options.glossary
    return glossary_for(spec, style=options.style, transliterate=options.transliterate)


def load_engine(options: Options, setup: Setup) -> Engine:
    """The engine of ``setup`` (the base options with the setup's backend, beam, compute type)."""
    from ..factory import engine_for

    opts = replace(
        options,
        backend=setup.backend or options.backend,  # type: ignore[arg-type]  # a Setup's own
        beam_size=setup.beam_size or options.beam_size,
    )
    if setup.compute_type is None:
        return engine_for(opts)
    return engine_for(opts, compute_type=setup.compute_type)


def assemble(options: Options, setup: Setup, engine: Engine) -> Pipeline:
    """The pipeline of ``setup`` around a loaded engine, with the translation memory off."""
    from ..factory import build_pipeline
    from ..glossary import Glossary

    glossary = options.glossary if setup.glossary != "none" else False
    opts = replace(options, glossary=glossary, memory=False)
    pipeline = build_pipeline(opts, engine=engine)
    if setup.glossary == "verify" and isinstance(pipeline.glossary, Glossary):
        pipeline.glossary = pipeline.glossary.with_enforce("verify")
    return pipeline
