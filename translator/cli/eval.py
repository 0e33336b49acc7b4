"""`translator eval SRC REF`: BLEU, chrF, glossary terms (and COMET) on the user's own data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import app
from .common import NONE_GIVEN, QuietOpt, SharedOptions, stderr_console, with_shared_options

if TYPE_CHECKING:
    from ..evaluate import Report, Run, Setup


@app.command("eval")
@with_shared_options(
    "model", "backend", "device", "beam_size", "batch_size", "no_qa", "glossary", "no_glossary"
)
def eval_command(
    src: Annotated[
        Path,
        typer.Argument(
            help="German: a text file (one segment per line) or a folder of articles (*.txt)."
        ),
    ],
    ref: Annotated[
        Path,
        typer.Argument(
            help="English reference: the same shape as SRC "
            "(aligned lines, or the same relative paths)."
        ),
    ],
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare", help="glossary | backend | beam | compute-type", show_default=False
        ),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write every figure and signature here.")
    ] = None,
    comet: Annotated[
        Path | None,
        typer.Option(
            "--comet",
            help="A COMET checkpoint on disk (needs the 'comet' extra; never downloaded).",
            show_default=False,
        ),
    ] = None,
    shared: SharedOptions = NONE_GIVEN,  # --model, --glossary, ... (see with_shared_options)
    quiet: QuietOpt = False,
) -> None:
    """Translate SRC and score it against REF: BLEU and chrF (sacrebleu), glossary terms."""
    from ..evaluate import COMPARISONS, Comet, comet_installed, evaluate, load_eval_set, setups_for
    from ..evaluate.metrics import COMET_HINT
    from ..files import check_output, write_atomic

    if compare is not None:
        compare = compare.lower()
        if compare not in COMPARISONS:
            raise typer.BadParameter(
                f"must be one of {', '.join(COMPARISONS)} (got {compare!r})", param_hint="--compare"
            )
        if compare == "glossary" and shared.no_glossary:
            raise typer.BadParameter(
                "cannot be combined with --no-glossary", param_hint="--compare"
            )
    if json_path is not None:
        check_output(json_path, inputs=[src, ref])  # refuse before loading anything
    data = load_eval_set(src, ref)
    options = shared.options(memory=False)  # scores come from fresh translations
    console = stderr_console()
    scorer = None
    if not comet_installed():
        console.print(
            f"COMET: not installed ({COMET_HINT}); column skipped", markup=False, highlight=False
        )
    elif comet is None:
        console.print("COMET: no --comet CHECKPOINT given; column skipped", highlight=False)
    elif data.kind == "documents":
        console.print(
            "COMET: scores sentences, not whole articles (its encoder reads 512 tokens); "
            "column skipped",
            highlight=False,
        )
    else:
        scorer = Comet(comet, gpus=1 if (options.device or "").startswith("cuda") else 0)
    setups = setups_for(compare, options)
    if not quiet:
        console.print(f"{data.size}, {len(setups)} run(s)", highlight=False)

    with RunProgress(quiet) as progress:
        report = evaluate(
            data, options, setups, comet=scorer, progress=progress.update, on_run=progress.done
        )
    print_report(report)
    if json_path is not None:
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(json_path, text, inputs=[src, ref])


class RunProgress:
    """A progress bar per run (sentences translated) on stderr, then its BLEU and chrF."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.quiet = quiet
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr_console(),
            transient=True,
            disable=quiet,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, setup: Setup, done: int, total: int) -> None:
        task = self.tasks.get(setup.label)
        if task is None:
            task = self.tasks[setup.label] = self.progress.add_task(setup.label, total=total)
        self.progress.update(task, completed=done, total=total)

    def done(self, run: Run) -> None:
        task = self.tasks.pop(run.setup.label, None)
        if task is not None:
            self.progress.remove_task(task)
        if not self.quiet:
            self.progress.console.print(
                f"  {run.setup.label}: BLEU {run.bleu.score:.2f}, chrF {run.chrf.score:.2f} "
                f"({run.seconds:.1f} s)",
                highlight=False,
            )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def print_report(report: Report) -> None:
    """One Rich table on stdout: a row per run; term counts and metric signatures underneath."""
    from rich.console import Console
    from rich.table import Table

    runs = report.runs
    data = report.data
    table = Table(title=f"{data.src} vs {data.ref}: {data.size}")
    table.add_column("run", no_wrap=True)
    names = ["BLEU", "chrF"] + (["COMET"] if report.comet is not None else [])
    for name in [*names, "term success", "term agreement", "seconds"]:
        table.add_column(name, justify="right")
    for run in runs:
        row = [run.setup.label, f"{run.bleu.score:.2f}", f"{run.chrf.score:.2f}"]
        if report.comet is not None:
            row.append("–" if run.comet is None else f"{run.comet:.4f}")
        terms = run.terms
        row += [
            "–" if terms is None else _percent(terms.success),
            "–" if terms is None else _percent(terms.agreement),
            f"{run.seconds:.1f}",
        ]
        table.add_row(*row)
    if runs:
        lines = []
        terms = runs[0].terms  # the same sources and references in every run
        if terms is not None:
            lines.append(
                f"term success: of {terms.found} glossary terms in SRC; term agreement: of "
                f"the {terms.in_reference} whose rendering REF uses"
            )
        lines += [f"BLEU: {runs[0].bleu.signature}", f"chrF: {runs[0].chrf.signature}"]
        if report.comet is not None:
            lines.append(f"COMET: {report.comet}")
        table.caption = "\n".join(lines)
    console = Console()
    if not console.is_terminal:  # a file or pipe: the table at full width, nothing wrapped
        wide = Console(width=1000)
        console = Console(width=max(console.width, wide.measure(table).maximum))
    console.print(table)
