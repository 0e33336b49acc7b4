"""What the benchmarks share: paths, timing, machine facts, the full-size random model, and the
sections of ``docs/performance.md`` that the runner (``python -m benchmarks run NAME``) writes.

Benchmarks are modules of the ``benchmarks`` package and run from the repository root
(``python -m benchmarks.bench_speed`` or through the runner), so that the test suite's builders
(``tests.models``, ``tests.pdfs``, ``tests.doubles`` ...) import as packages: no path hacks.
A benchmark that re-runs itself in a fresh process does it with :func:`module_command`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
WORK = ROOT / "benchmarks" / "_work"
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"
PERFORMANCE = ROOT / "docs" / "performance.md"

# -- timing and machine facts -------------------------------------------------------------------


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    """The shortest of ``runs`` wall-clock timings of ``fn()``, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def format_load(load: tuple[float, float, float] | None) -> str:
    if load is None:
        return "unknown"
    return f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def machine(libraries: tuple[str, ...] = ("torch", "transformers", "ctranslate2")) -> str:
    """CPU, cores, OS, Python and the installed versions of ``libraries`` (none imported)."""
    # Imported here, not with the module: the start-up row's child process imports this
    # module, and what it imports would count as the CLI's imports.
    import importlib.metadata
    import platform

    versions = []
    for name in libraries:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    return ", ".join([f"{cpu_name()}, {cores()} cores, {platform.system()} {platform.release()}",
                      f"Python {platform.python_version()}", *versions])  # fmt: skip


def module_command(module: str, *args: str) -> list[str]:
    """The command running ``module`` (``benchmarks.x``) in a fresh interpreter; run it with
    ``cwd=ROOT`` so that ``benchmarks`` and ``tests`` import."""
    return [sys.executable, "-m", module, *args]


# -- the full-size random model (bench_speed, bench_documents, bench_ray) ------------------------

RATIO = 1.2  # forced output length / source length, in tokens
QUICK_BLOCKS = 8  # --quick translates the article's first blocks only
#: SentencePiece pieces asked of each side, as opus-mt-de-en's "spm32k,spm32k". As there, the
#: German source.spm and the English target.spm are separate models and vocab.json is their
#: union, padded to 58,101 ids. Source: the generated German sentences, the seed's lines and
#: the 60,000 commonest German words (wordfreq): ~30,000 pieces, the seed ~920 tokens (the
#: real model: ~850). Target: the generated English sentences and the 100,000 commonest English
#: words: 32,000 pieces, so the engines' target-side output layer is the real one's size.
SPM_PIECES = 32000
SOURCE_WORDS = 60000
TARGET_WORDS = 100000


def model_env(work: Path) -> dict[str, str]:
    """The environment of a process running the benchmark model (offline, its own cache)."""
    env = dict(os.environ)
    env.update(
        TRANSLATOR_CACHE_DIR=str(work / "cache"),
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONWARNINGS="ignore",
    )
    return env


def prepare_model(work: Path, quick: bool) -> None:
    """Build the random MarianMT under ``work/marian`` (the full opus-mt-de-en architecture, or
    a tiny one with ``quick``) and its CTranslate2 conversions ``work/ct2-int8`` and
    ``work/ct2-float32``; write the article (``work/article.txt``). Reused when current."""
    from tests.models import build_marian_model
    from translator.engine.convert import convert_model

    text = SEED.read_text("utf-8")
    if quick:
        from translator.text.layout import rebuild

        text = "\n\n".join(b.text for b in rebuild(text)[:QUICK_BLOCKS]) + "\n"
    (work / "article.txt").write_text(text, "utf-8")
    model = work / "marian"
    recipe = {
        "preset": "tiny" if quick else "full",
        "seed": 0,
        "spm": 0 if quick else [SPM_PIECES, SOURCE_WORDS, TARGET_WORDS],
    }
    recipe_file = work / "recipe.json"
    if not recipe_file.is_file() or json.loads(recipe_file.read_text()) != recipe:
        for old in (model, work / "ct2-int8", work / "ct2-float32"):
            shutil.rmtree(old, ignore_errors=True)
    if not (model / "model.safetensors").is_file():
        print(f"building {recipe['preset']} random MarianMT in {model}", file=sys.stderr)
        if quick:
            build_marian_model(model, preset="tiny", seed=0)
        else:
            source, target = spm_corpora()
            build_marian_model(
                model,
                preset="full",
                seed=0,
                corpus=source,
                shared_spm=False,
                target_corpus=target,
                spm_vocab_size=SPM_PIECES,
            )
        recipe_file.write_text(json.dumps(recipe))
    for quantization in ("int8", "float32"):
        # Kept when complete and current; converted again when older than the model or
        # than the output restriction (vmap.txt).
        out = work / f"ct2-{quantization}"
        convert_model(str(model), quantization=quantization, output_dir=out)


def prepare_model_in_child(work: Path, quick: bool) -> None:
    """:func:`prepare_model` in a fresh process (this one imports no model library)."""
    cmd = module_command("benchmarks.common", "prepare", str(work), *(["--quick"] * quick))
    done = subprocess.run(cmd, cwd=ROOT, env=model_env(work), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"building the benchmark model failed:\n{done.stderr[-3000:]}")


def spm_corpora() -> tuple[list[str], list[str]]:
    """German lines for source.spm, English lines for target.spm (see SPM_PIECES)."""
    from tests.models import default_corpus, lexicon_lines

    corpus = default_corpus(0)  # 300 German, 300 English generated lines, then German ones
    german = corpus[:300] + corpus[600:] + lexicon_lines(SOURCE_WORDS, ("de",))
    english = corpus[300:600] + lexicon_lines(TARGET_WORDS, ("en",))
    return german, english


# -- docs/performance.md ----------------------------------------------------------------------


def markers(name: str) -> tuple[str, str]:
    return f"<!-- benchmark:{name} -->", f"<!-- /benchmark:{name} -->"


def write_section(name: str, body: str, path: Path = PERFORMANCE) -> None:
    """Replace the text between section ``name``'s markers in ``path`` with ``body``.

    The page's prose around the markers (what a benchmark measures, its goal) stays; a section
    that is not on the page yet is appended under a heading of its name. Written atomically.
    """
    begin, end = markers(name)
    text = path.read_text("utf-8") if path.is_file() else "# Performance\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n## {name}\n\n{block}\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def section_header(command: str, seconds: float, before: str, after: str) -> str:
    """The first line of a generated section: when, by what, on what, under which load."""
    import datetime as _dt

    now = _dt.datetime.now(_dt.UTC).strftime("%d %b %Y, %H:%M UTC")
    return (
        f"*Written by `{command}` on {now} (took {seconds:.0f} s). Machine: {machine()}. "
        f"Load average (1 / 5 / 15 min) before {before}, after {after} (a load above the "
        "benchmark's own processes is other work sharing the machine).*"
    )


def _main(argv: list[str]) -> None:
    if argv[:1] == ["prepare"] and len(argv) >= 2:
        prepare_model(Path(argv[1]), "--quick" in argv[2:])
    else:
        sys.exit("usage: python -m benchmarks.common prepare WORK [--quick]")


if __name__ == "__main__":
    _main(sys.argv[1:])
