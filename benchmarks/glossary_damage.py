"""Does the glossary damage English? Terms applied, repaired, missed -- and *damaged*.

    python -m benchmarks.glossary_damage                  # all engines available, style ap
    python -m benchmarks.glossary_damage --style bbc --engine double
    python -m benchmarks.glossary_damage --show 20        # print the damaged sentences

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

Independent data (``--data DIR [DIR ...]``, nothing of it committed): WMT de->en test sets,
each a folder of two parallel files, ``DIR/src.de`` (German sources) and ``DIR/ref.en`` (human
English references), one segment a line -- e.g. WMT23's
``txt/sources/generaltest2023.de-en.src.de`` and
``txt/references/generaltest2023.de-en.ref.refA.en`` of wmt-conference/wmt23-news-systems, or
newstest2019/newstest2020 de-en (Helsinki-NLP/OPUS-MT-testsets,
``datasets/statmt/wmt_newstest/20XX/de-en/newstest20XX.{de,en}``; German-original news since
2019). ``--extra-en FILE`` adds other English translations of the first folder's sources (a
second reference, a system's output), counted apart. Segments are split into sentences and
paired one to one where both sides have as many sentences, else the segment is one unit. Three
measurements:

* English side: each reference through the repair step with a fixed engine returning it
  (``finalize(prepare(german), reference)``); every change is listed and classified as a
  *house-style spelling* (the old text is a spelling the glossary knows for the rendering:
  another house style's, a ``wrong`` item, the same letters without dots, hyphens or
  diacritics), *German left untranslated* (the old text is a German source form, a German
  spelling of a name or a misspelt copy, word by word, one word no English word: only MT
  output should have these) or *damage* (anything else, and always a change that doubles a
  word). Goal: 0 damage.
* German side: each source through `Glossary.prepare` with an echo engine; every injected
  span must render every word of the German it replaced (`translator.glossary.preserve`),
  nothing outside the injected spans changes, and a common noun injected after a German
  numeral or indefinite article has that number. Goal: 0 problems.
* Term success per policy on the same German: the MT-like double on every sentence, the copy
  model on ``--copy-sample`` sentences that hold a term (it is slow on CPU).
"""

from __future__ import annotations

import argparse
import difflib
import re
import time
import unicodedata
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


def read_pairs(data: Path) -> list[tuple[str, str]]:
    """(German, English reference) lines of one folder ``data`` (``src.de``, ``ref.en``)."""
    src = (data / "src.de").read_text(encoding="utf-8").splitlines()
    ref = (data / "ref.en").read_text(encoding="utf-8").splitlines()
    if len(ref) != len(src):
        raise SystemExit(f"{data}: src.de has {len(src)} lines, ref.en {len(ref)}")
    return list(zip(src, ref, strict=True))


def sentence_pairs(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Segments split into sentences, paired one to one where both sides have as many
    sentences, else the segment is one unit."""
    from translator.text.segment import split_sentences

    pairs: list[tuple[str, str]] = []
    for de, en in lines:
        a, b = split_sentences(de), split_sentences(en)
        if len(a) == len(b):
            pairs += list(zip(a, b, strict=True))
        else:
            pairs.append((" ".join(a), " ".join(b)))
    return pairs


def units(data: list[Path], extra: list[Path]) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """(German, English reference) sentence pairs of every folder in ``data``, and the
    whole-segment lines of ``extra`` (English translations of the FIRST folder's sources)."""
    pairs: list[tuple[str, str]] = []
    for folder in data:
        pairs += sentence_pairs(read_pairs(folder))
    first = read_pairs(data[0])
    others = [p.read_text(encoding="utf-8").splitlines() for p in extra]
    if any(len(x) != len(first) for x in others):
        raise SystemExit(f"{data[0]}: src.de and --extra-en differ in lines")
    return pairs, others


def changes(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) word stretches that differ between two versions of a sentence."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op != "equal":
            out.append((" ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return out


def known_spellings(glossary: Any) -> dict[str, set[str]]:
    """Per rendering (as enforced), the spellings the glossary knows for it: other house
    styles', the spelling rule's, ``wrong`` items, and the rendering without dots."""
    from translator.glossary.style import STYLES, styled_targets

    per_style = [styled_targets(glossary.entries, s) for s in STYLES]
    mine = styled_targets(glossary.entries, glossary.style)
    known: dict[str, set[str]] = {}
    for i, entry in enumerate(glossary.entries):
        want = mine[i][0]
        spellings = known.setdefault(want, set())
        spellings |= {t for st in per_style for t in st[i]} | set(entry.wrong)
        spellings |= {entry.target, want.replace(".", "")}
    return known


_WORDISH = re.compile(r"[\w.'’-]+")


def doubled(sentence: str) -> int:
    """How many words of ``sentence`` repeat the word before them ("rebels rebels")."""
    words = [w.casefold() for w in _WORDISH.findall(sentence)]
    return sum(a == b for a, b in zip(words, words[1:], strict=False))


def classify(
    old: str,
    new: str,
    known: dict[str, set[str]],
    glossary: Any = None,
    sentences: tuple[str, str] | None = None,
) -> str:
    """How ``old`` -> ``new`` changed a sentence: "style" (a known spelling of the rendering,
    or the same letters with other hyphens, dots or diacritics), "untranslated" (``old`` is
    German the translation left in: a source form, "Zelenskyj", a German transliteration of a
    Russian name, "Jewgenij Klimow"), else "damage". ``sentences``: the whole sentence before
    and after, for a known spelling wider than the changed words ("Abdel Fattah al-Sisi")."""
    def bare(text: str) -> str:
        return " ".join(_WORDISH.findall(text)).casefold()

    def squeezed(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        return re.sub(r"[\W_]", "", "".join(c for c in text if not unicodedata.combining(c)))\
            .casefold()

    if sentences is not None and doubled(sentences[1]) > doubled(sentences[0]):
        return "damage"  # "the Houthi rebels rebels": a word doubled is never a spelling
    if squeezed(old) == squeezed(new):
        return "style"
    if glossary is not None:
        core = old.strip(".,;:!?\"'()")
        if core and any((m.start, m.end) == (0, len(core)) for m in glossary.find(core)):
            return "untranslated"
        from translator.glossary import names as name_rules

        if core and name_rules.transliterate(core) in new:
            return "untranslated"
        words = core.split()
        if len(words) > 1 and " ".join(name_rules.transliterate(w) for w in words) in new:
            return "untranslated"
        from wordfreq import zipf_frequency

        def close(a: str, b: str) -> bool:
            return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.8

        olds, news = core.split(), new.strip(".,;:!?\"'()").split()
        if (
            close(core, new)
            and len(olds) == len(news)
            and all(close(a, b) for a, b in zip(olds, news, strict=True))
            and any(zipf_frequency(w, "en") == 0 for w in olds)
        ):
            # a misspelt copy ("Zelenskyj", "Gennadi Borrissov"), word by word, one of its
            # words no English word: the tool's own near-miss criterion
            return "untranslated"

    for want, spellings in known.items():
        if want in new:
            rest_new = bare(new.replace(want, " "))
            for sp in spellings:
                if sp and sp in old and bare(old.replace(sp, " ")) == rest_new:
                    return "style"
    if sentences is not None:
        before, after = sentences
        for want, spellings in known.items():
            if want not in after:
                continue
            for sp in spellings:
                if sp and sp != want and sp in before:
                    if (old, new) not in changes(before.replace(sp, want), after):
                        return "style"
    return "damage"


def english_changes(
    glossary: Any, known: dict[str, set[str]], german: str, english: str
) -> list[tuple[str, str, str]]:
    """(kind, old, new) for every change the repair step makes to a correct ``english``
    translation of ``german`` (a fixed engine returning it); see `classify`."""
    final, _ = glossary.finalize(glossary.prepare(german), english)
    if final == english:
        return []
    return [
        (classify(old, new, known, glossary, (english, final)), old, new)
        for old, new in changes(english, final)
    ]


_ONE = frozenset("ein eine einen einem eines einer".split())
_MANY = frozenset(
    "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert tausend "
    "hunderte tausende dutzende mehrere zahlreiche".split()
)


def german_problems(glossary: Any, german: str) -> tuple[int, list[str]]:
    """(spans injected, problems) of ``german`` through preparation with an echo engine: an
    injected span must render every word of the German it replaced
    (`translator.glossary.preserve`), nothing outside the injected spans may change, and a
    common-noun rendering after a German numeral or indefinite article has its number
    ("drei Kampfpanzer" is "three main battle tanks", "ein Todesopfer" never "a deaths")."""
    from translator.glossary import names as name_rules
    from translator.glossary.enforce import enforce_mode, written_plural
    from translator.glossary.preserve import unrendered

    def renderings(text: str) -> set[str]:
        found = {name_rules.transliterate(text)} if " " not in text else set()
        for m in glossary.find(text):
            if (m.start, m.end) == (0, len(text)):
                found |= {m.entry.target, *(c.target for c in m.entry.context)}
        return found

    problems: list[str] = []
    injected = 0
    prepared = glossary.prepare(german)
    for p in prepared.planned:
        if p.injected == p.match.text:
            continue
        injected += 1
        if enforce_mode(p.entry) == "inject" and not p.name:
            gone = unrendered(p.match.text, p.injected, renderings)
            if gone:
                problems.append(f"{p.match.text!r} -> {p.injected!r}: loses {gone}")
        before = german[: p.match.start].split()
        last = p.injected.split()[-1]
        if before and last.islower() and last.isalpha():  # a common noun
            cue = before[-1].casefold()
            if cue in _ONE and written_plural(p.injected):
                problems.append(f"{before[-1]} {p.match.text!r} -> {p.injected!r}: plural")
            elif (cue in _MANY or cue.isdigit() and cue != "1") and not written_plural(
                p.injected
            ):
                problems.append(f"{before[-1]} {p.match.text!r} -> {p.injected!r}: singular")
    # Outside the injected spans the sentence is unchanged.
    pos, rest = 0, []
    for p in prepared.planned:
        rest.append(german[pos : p.start])
        pos = p.match.end
    rest.append(german[pos:])
    if any(piece not in prepared.text for piece in rest if piece.strip()):
        problems.append(f"changed outside the injected spans: {german[:100]!r}")
    return injected, problems


def measure_data(args: Any, base: Any) -> None:
    """The measurements on independent data (see the module docstring)."""
    glossary = base.with_style(args.style)
    pairs, extra = units(args.data, args.extra_en)
    known = known_spellings(glossary)
    names = ", ".join(str(d) for d in args.data)
    print(f"data: {names} -- {len(pairs)} sentence pairs (German source, English reference)")

    def english_side(label: str, items: list[tuple[str, str]]) -> None:
        kinds: Counter[str] = Counter()
        changed = 0
        listed = []
        for german, english in items:
            found = english_changes(glossary, known, german, english)
            changed += bool(found)
            for kind, old, new in found:
                kinds[kind] += 1
                listed.append(f"  [{kind}] {old!r} -> {new!r}   in: {english[:120]!r}")
        print(f"\nEnglish side ({label}): {len(items)} sentences, {changed} changed; "
              f"changes: {kinds['style']} house-style spelling, {kinds['untranslated']} German "
              f"left untranslated, {kinds['damage']} damage")
        for line in listed[: args.show] if args.show >= 0 else listed:
            print(line)

    english_side("human references", pairs)
    for path, lines in zip(args.extra_en, extra, strict=True):
        src = (args.data[0] / "src.de").read_text(encoding="utf-8").splitlines()
        english_side(f"{path.name}, whole segments", list(zip(src, lines, strict=True)))

    germans = [g for g, _ in pairs]
    lost: list[str] = []
    injected = 0
    for german in germans:
        n, problems = german_problems(glossary, german)
        injected += n
        lost += [f"  {p}" for p in problems]
    print(f"\nGerman side: {len(germans)} sentences, {injected} spans injected; "
          f"{len(lost)} problems (German words lost, number broken)")
    for line in lost[: args.show] if args.show >= 0 else lost:
        print(line)

    with_terms = [g for g in germans if glossary.find(g)]
    print(f"\nterm success ({len(with_terms)} of the sentences hold a term):")
    print("| engine | policy | sentences | terms | applied | repaired | missed | suggested | "
          "term success |")
    print("|---|---|---|---|---|---|---|---|---|")
    engines = pick_engines(args.engines)
    for name, engine in engines.items():
        sample = with_terms if name == "double" else with_terms[: args.copy_sample]
        for policy in ("glossary", "inject", "verify"):
            g = glossary if policy == "glossary" else glossary.with_enforce(policy)
            prepared = [g.prepare(s) for s in sample]
            outputs: list[str] = []
            for i in range(0, len(prepared), 16):
                outputs += engine.translate_batch([p.text for p in prepared[i : i + 16]])
            status: Counter[str] = Counter()
            for p, raw in zip(prepared, outputs, strict=True):
                status.update(h.status for h in g.finalize(p, raw)[1])
            terms = sum(status.values())
            ok = status["applied"] + status["repaired"] + status["transliterated"]
            print(f"| {name} | {policy} | {len(sample)} | {terms} | {status['applied']} | "
                  f"{status['repaired']} | {status['missed']} | {status['suggested']} | "
                  f"{ok / max(1, terms):.3f} |")
    print("\ncopy/double outputs are NOT translations (copy model: copies its input; double: "
          "copies and damages it).")


def pick_engines(names: list[str]) -> dict[str, Any]:
    engines: dict[str, Any] = {}
    if "copy" in names:
        if (COPY_MODEL / "model.safetensors").is_file():
            from translator.engine.marian import MarianEngine

            engines["copy"] = MarianEngine(
                str(COPY_MODEL), device="cpu", beam_size=1, local_files_only=True
            )
        else:
            print(f"(copy model missing: python -m scripts.build_copy_model --out {COPY_MODEL})")
    if "double" in names:
        from tests.doubles import MangleEngine

        engines["double"] = MangleEngine()
    return engines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("all", "oracle", "copy", "double"), default="all")
    parser.add_argument("--style", default="ap", help="house style for copy/double [ap]")
    parser.add_argument("--glossary", type=Path, help="glossary YAML [the packaged one]")
    parser.add_argument("--show", type=int, default=5, help="damaged sentences to print")
    parser.add_argument("--data", type=Path, nargs="+",
                        help="folder(s), each with src.de and ref.en (a WMT de-en test set)")
    parser.add_argument("--extra-en", type=Path, nargs="*", default=[],
                        help="more English translations of --data's sources, one a line")
    parser.add_argument("--copy-sample", type=int, default=40,
                        help="sentences with a term run through the copy model [40]")
    parser.add_argument("--engines", nargs="*", default=["double", "copy"],
                        help="engines for --data's term success [double copy]")
    args = parser.parse_args()

    from translator import config
    from translator.glossary import STYLES, load_glossary

    base = load_glossary(args.glossary or config.packaged_glossary())
    if args.data:
        measure_data(args, base)
        return
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
