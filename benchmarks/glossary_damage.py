"""Does the glossary damage English? Terms applied, repaired, missed -- and *damaged*.

    python benchmarks/glossary_damage.py                  # all engines available, style ap
    python benchmarks/glossary_damage.py --style bbc --engine double
    python benchmarks/glossary_damage.py --show 20        # print the damaged sentences

Three engines, each run through the glossary's own enforcement (`Glossary.prepare`, the
engine, `Glossary.finalize`):

* ``oracle`` -- the no-damage corpus of the tests (``tests/data/no_damage.tsv``): German
  sentences and an English translation that is already correct, each under its house style.
  The "engine" returns that English, so *any* change the glossary makes is damage.
* ``copy`` -- the copy-trained tiny MarianMT (``tests/data/copy-marian``, built by
  ``scripts/build_copy_model.py``): the real MarianMT code path; it copies its input, so it
  shows what becomes of injected renderings, NOT a translation.
* ``double`` -- the MT-like test double (``tests/doubles.py`` MangleEngine): copies and damages
  text the way MarianMT does (case, punctuation, habits such as "Kiev", dropped words); NOT a
  translation.

``copy`` and ``double`` get German sentences built to exercise every entry: each source form
in a sentence and at a sentence start, after "ein" for entries without a visible number, and
next to each context cue. For them a change counts as *damage* when it is not the repair of a
term: an edited stretch of the output that touches no rendering the glossary credited to a
term. The goal is 0 damaged.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "no_damage.tsv"
COPY_MODEL = ROOT / "tests" / "data" / "copy-marian"


def exercise(glossary: Any) -> list[str]:
    """German sentences that exercise every entry of ``glossary``."""
    sentences: list[str] = []
    for entry in glossary.entries:
        for form in entry.source_forms:
            sentences.append(f"Am Montag ging es in dem Bericht um {form} und die Folgen.")
            sentences.append(f"{form[:1].upper()}{form[1:]} stand am Montag im Mittelpunkt.")
            if entry.number == "both":
                sentences.append(f"Ein {form} wurde am Montag gesehen.")
        for ctx in entry.context:
            for cue in ctx.when[:2]:
                sentences.append(f"Der Bericht aus {cue.rstrip('-')} nennt den {entry.source}.")
    return list(dict.fromkeys(sentences))


_WORDS = re.compile(r"\S+")


def damaged_spans(raw: str, final: str, hits: list[Any]) -> list[str]:
    """Edited stretches of ``final`` that are no term's repair (see the module docstring)."""
    from translator.glossary.match import rendering_pattern

    credited: list[tuple[int, int]] = []
    for hit in hits:
        if hit.status in ("applied", "repaired"):
            for m in rendering_pattern(hit.expected, plural=True).finditer(final):
                credited.append((m.start(), m.end()))
            # a number-both rendering may stand in the other number
            for m in re.finditer(re.escape(hit.expected.rstrip("s")), final):
                credited.append((m.start(), m.end()))
    a = [(m.group(), m.start(), m.end()) for m in _WORDS.finditer(raw)]
    b = [(m.group(), m.start(), m.end()) for m in _WORDS.finditer(final)]
    matcher = difflib.SequenceMatcher(None, [w for w, _, _ in a], [w for w, _, _ in b])
    damage = []
    for op, _, _, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if j1 < j2:
            start, end = b[j1][1], b[j2 - 1][2]
        else:  # a deletion: the position it left
            start = end = b[j1][1] if j1 < len(b) else len(final)
        if not any(s - 1 <= end and start <= e + 1 for s, e in credited):
            damage.append(final[start:end] or f"(deleted at {start})")
    return damage


def pick_engines(names: list[str]) -> dict[str, Any]:
    engines: dict[str, Any] = {}
    if "copy" in names:
        if (COPY_MODEL / "model.safetensors").is_file():
            from translator.engine.marian import MarianEngine

            engines["copy"] = MarianEngine(
                str(COPY_MODEL), device="cpu", beam_size=1, local_files_only=True
            )
        else:
            print(f"(copy model missing: python scripts/build_copy_model.py --out {COPY_MODEL})")
    if "double" in names:
        sys.path.insert(0, str(ROOT))
        from tests.doubles import MangleEngine

        engines["double"] = MangleEngine()
    return engines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("all", "oracle", "copy", "double"), default="all")
    parser.add_argument("--style", default="ap", help="house style for copy/double [ap]")
    parser.add_argument("--glossary", type=Path, help="glossary YAML [the packaged one]")
    parser.add_argument("--show", type=int, default=5, help="damaged sentences to print")
    args = parser.parse_args()

    from translator import config
    from translator.glossary import STYLES, load_glossary

    base = load_glossary(args.glossary or config.packaged_glossary())
    names = ["oracle", "copy", "double"] if args.engine == "all" else [args.engine]
    rows = []
    examples: list[str] = []
    print(f"glossary: {len(base)} entries, version {base.version} (style {args.style})")

    if "oracle" in names:
        styled = {s: base.with_style(s) for s in STYLES}
        status: Counter[str] = Counter()
        n = damaged = 0
        started = time.perf_counter()
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            style, german, english = line.split("\t")
            g = styled[style]
            final, hits = g.finalize(g.prepare(german), english)
            n += 1
            status.update(h.status for h in hits)
            if final != english:
                damaged += 1
                examples.append(f"oracle [{style}] {english!r}\n    -> {final!r}")
        rows.append(("oracle (correct English)", n, status, damaged, time.perf_counter() - started))

    glossary = base.with_style(args.style)
    sentences = exercise(glossary)
    for name, engine in pick_engines(names).items():
        started = time.perf_counter()
        prepared = [glossary.prepare(s) for s in sentences]
        outputs: list[str] = []
        for i in range(0, len(prepared), 32):
            outputs += engine.translate_batch([p.text for p in prepared[i : i + 32]])
        status = Counter()
        damaged = 0
        for p, raw in zip(prepared, outputs, strict=True):
            final, hits = glossary.finalize(p, raw)
            status.update(h.status for h in hits)
            bad = damaged_spans(raw, final, hits)
            if bad:
                damaged += 1
                examples.append(f"{name} {raw!r}\n    -> {final!r}  damaged: {bad}")
        rows.append((name, len(sentences), status, damaged, time.perf_counter() - started))

    print()
    head = ("engine", "sentences", "terms", "applied", "repaired", "missed", "suggested",
            "damaged", "seconds")  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for name, n, st, damaged, seconds in rows:
        cells = [name, n, sum(st.values()), st["applied"], st["repaired"], st["missed"],
                 st["suggested"], damaged, f"{seconds:.1f}"]  # fmt: skip
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print()
    print("damaged = sentences whose correct English (oracle) or non-term text (copy, double)")
    print("the glossary changed; copy/double outputs are NOT translations.")
    for example in examples[: args.show]:
        print(example)


if __name__ == "__main__":
    main()
