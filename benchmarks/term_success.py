"""Term success rate of the glossary on the seed article, through the pipeline.

    python -m benchmarks.term_success --model PATH_OR_HUB_ID   # a real MarianMT (opus-mt-de-en)
    python -m benchmarks.term_success                          # copy model if built, else double

Term success rate = matched source terms whose glossary rendering is in the final output /
matched source terms (the WMT 2023 terminology measure). The table gives it for

* the engine alone (no glossary in the pipeline; the output is searched for the renderings the
  glossary would have required) -- the baseline;
* the glossary's injection alone (status ``applied``: the rendering survived the engine);
* injection + verification + repair (``applied`` + ``repaired``) -- what the user gets.

Enforcement policy (``--policy``): ``glossary`` uses each entry's ``enforce`` (or its category's
default, `translator.glossary.enforce.CATEGORY_ENFORCE`); ``inject`` injects every entry;
``verify`` injects none (every term is only verified and repaired after translation). Names that
no entry lists but that `translator.glossary.names` transliterated are counted apart
(``--no-transliterate`` turns that off).

Engines: ``--model`` loads a MarianMT model (Hub id or folder) through the product's own
loader. Without it the script uses the copy-trained tiny MarianMT of the test suite
(``tests/data/copy-marian``, built by ``scripts/build_copy_model.py``) when present -- it runs
the real MarianMT code path but *copies* its input, so it shows that injected renderings
survive the model, not translation quality -- else the deterministic MT-like test double
(``tests/doubles.py`` MangleEngine), which is **not a translation** at all: it copies and
damages text to exercise verification and repair.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"


def pick_engine(args: argparse.Namespace) -> tuple[Any, str]:
    """The engine to measure and an honest description of it."""
    if args.model:
        from translator.engine import load_engine

        engine = load_engine(args.model, device="cpu", beam_size=args.beam_size)
        return engine, f"MarianMT {args.model} (beam {args.beam_size})"
    if args.engine in ("auto", "copy") and (COPY_MODEL / "model.safetensors").is_file():
        from translator.engine.marian import MarianEngine

        engine = MarianEngine(
            str(COPY_MODEL), device="cpu", beam_size=args.beam_size, local_files_only=True
        )
        return engine, (
            f"copy-trained tiny MarianMT ({COPY_MODEL.relative_to(ROOT)}), real MarianMT code "
            "path; it copies its input: NOT a translation"
        )
    if args.engine == "copy":
        sys.exit(f"{COPY_MODEL} is missing: python -m scripts.build_copy_model --out {COPY_MODEL}")
    from tests.doubles import MangleEngine

    return MangleEngine(), (
        "MangleEngine test double (tests/doubles.py): copies and damages text like MT; "
        "NOT a translation"
    )


def baseline(pipeline_cls: Any, engine: Any, glossary: Any, text: str) -> tuple[int, int]:
    """(rendered, matched) when the engine runs without the glossary."""
    from translator.glossary.match import rendering_pattern

    result = pipeline_cls(engine).translate_text(text)
    rendered = matched = 0
    for sentence in result.sentences:
        for m in glossary.find(sentence.source):
            matched += 1
            rendered += bool(rendering_pattern(m.entry.target, plural=True).search(sentence.target))
    return rendered, matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="MarianMT Hub id or folder (real translation)")
    parser.add_argument("--engine", choices=("auto", "copy", "double"), default="auto")
    parser.add_argument("--glossary", type=Path, help="glossary YAML [default: the packaged one]")
    parser.add_argument("--input", type=Path, default=SEED, help="German article [the seed]")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--missed", action="store_true", help="list every missed term")
    parser.add_argument("--policy", choices=("glossary", "inject", "verify"), default="glossary",
                        help="enforcement policy to measure [default: as the glossary says]")
    parser.add_argument("--no-transliterate", action="store_true")
    args = parser.parse_args()

    from translator import Pipeline, config
    from translator.glossary import Glossary, load_glossary

    glossary = load_glossary(args.glossary or config.packaged_glossary(),
                             transliterate=not args.no_transliterate)
    if args.policy != "glossary":
        entries = [e.model_copy(update={"enforce": args.policy}) for e in glossary.entries]
        glossary = Glossary(entries, path=glossary.path, transliterate=glossary.transliterate)
    text = args.input.read_text(encoding="utf-8")
    engine, described = pick_engine(args)

    started = time.perf_counter()
    base_ok, base_n = baseline(Pipeline, engine, glossary, text)
    result = Pipeline(engine, glossary=glossary).translate_text(text)
    seconds = time.perf_counter() - started
    terms = [t for t in result.terms if t.category != "name"]
    names = [t for t in result.terms if t.category == "name"]
    status = Counter(t.status for t in terms)
    n = len(terms)

    def rate(k: int, total: int = n) -> str:
        return f"{k / total:.3f}" if total else "n/a"

    print(f"engine:   {described}")
    print(f"input:    {args.input.name} ({len(result.sentences)} sentences)")
    print(f"glossary: {len(glossary)} entries, version {glossary.version}; policy {args.policy}")
    print()
    print(f"| {'run':<44} | {'rendered':>8} | {'matched':>7} | {'term success':>12} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 9}|{'-' * 14}|")
    rows = [
        ("engine alone (no glossary)", base_ok, base_n),
        ("glossary: injection only (applied)", status["applied"], n),
        ("glossary: inject + verify + repair", status["applied"] + status["repaired"], n),
    ]
    for name, ok, total in rows:
        print(f"| {name:<44} | {ok:>8} | {total:>7} | {rate(ok, total):>12} |")
    print()
    print(
        f"statuses: applied {status['applied']}, repaired {status['repaired']}, "
        f"missed {status['missed']}, suggested {status['suggested']} (never enforced); "
        f"{seconds:.1f} s for both runs"
    )
    if names:
        found = sum(t.status == "transliterated" for t in names)
        print(f"unlisted names transliterated: {found} of {len(names)} in the output")
    by_cat: dict[str, Counter[str]] = {}
    for t in terms:
        by_cat.setdefault(t.category, Counter())[t.status] += 1
    print("by category: " + ", ".join(
        f"{c} {cnt['applied'] + cnt['repaired']}/{sum(cnt.values())}"
        for c, cnt in sorted(by_cat.items())
    ))  # fmt: skip
    if args.missed or status["missed"] <= 10:
        for t in [t for t in result.missed_terms if t.category != "name"]:
            print(f"  missed ¶{t.paragraph + 1}.{t.sentence + 1}: {t.source!r} -> {t.expected!r}")


if __name__ == "__main__":
    main()
