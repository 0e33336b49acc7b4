"""`translator eval`: sacrebleu scores, glossary term figures, comparisons, bad input.

What each model proves: the copy-trained MarianMT returns its input, so with REF = SRC every
score must be 100 -- the plumbing (reading, per-line units, pipeline, scoring) proves itself.
The test-double engines give outputs known without the pipeline, so the scores can be checked
against sacrebleu run independently on the same strings. The tiny random model only shows
that both backends run through `--compare backend`; its output is noise, and no figure here
says anything about translation quality.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
import sacrebleu

from tests.doubles import MangleEngine, WordEngine
from translator.cli import main
from translator.evaluate import evaluate, load_eval_set, setups_for
from translator.evaluate.metrics import TermCounter
from translator.glossary import Glossary, load_glossary
from translator.options import Options
from translator.pipeline import Pipeline
from translator.qa import QualityChecker

Capture = pytest.CaptureFixture[str]
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"

#: German without numbers, quotes or glossary terms: the copy model gives it back unchanged
#: and no QA check rewrites it.
PLAIN = [
    "Die Soldaten haben die Stellung am Fluss gehalten.",
    "Am Abend kamen neue Befehle. Niemand wusste, wohin es ging.",
    "Ruhe an der Front",
    "Die Versorgung der Truppen wurde schwieriger, weil die Wege im Regen versanken.",
]


def cli(monkeypatch: pytest.MonkeyPatch, capsys: Capture, *args: str) -> tuple[int, str, str]:
    """Run `translator ARGS` in-process through the console-script entry; (exit, out, err)."""
    monkeypatch.setattr(sys, "argv", ["translator", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- the copy model: REF = SRC scores 100 through the whole pipeline ---------------------------


@pytest.mark.slow
def test_copy_model_with_ref_equal_to_src_scores_100(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path, copy_model_dir: Path
) -> None:
    src = write_lines(tmp_path / "test.de", PLAIN)
    report = tmp_path / "report.json"
    code, out, err = cli(
        monkeypatch,
        capsys,
        "eval",
        str(src),
        str(src),
        "--model",
        str(copy_model_dir),
        "--backend",
        "transformers",
        "--beam-size",
        "1",
        "--no-glossary",
        "--json",
        str(report),
    )
    assert code == 0, err
    data = json.loads(report.read_text("utf-8"))
    assert data["kind"] == "lines" and data["size"] == len(PLAIN)
    (run,) = data["runs"]
    assert run["bleu"]["score"] == pytest.approx(100)
    assert run["chrf"]["score"] == pytest.approx(100)
    for key, metric in (("bleu", sacrebleu.BLEU()), ("chrf", sacrebleu.CHRF())):
        metric.corpus_score(PLAIN, [PLAIN])
        assert run[key]["signature"] == str(metric.get_signature())
    assert run["signature"]["backend"] == "transformers"
    assert run["signature"]["model"] == str(copy_model_dir.resolve())
    assert run["signature"]["glossary"] is None and run["signature"]["qa"] is True
    assert "100.00" in out and "tok:13a" in out  # the table and the signatures under it


@pytest.mark.slow
def test_copy_model_scores_folders_of_articles_per_document(
    tmp_path: Path, copy_model_dir: Path
) -> None:
    # Hard-wrapped like PDF text, in two articles and a sub-folder: read as documents.
    articles = {
        "a.txt": "Ruhe an der Front\n\n" + "\n".join(PLAIN[:2]) + "\n",
        "sub/b.txt": "Die Versorgung der Truppen wurde\nschwieriger, weil die Wege im Regen\n"
        "versanken.\n",
    }
    for side in ("src", "ref"):
        for rel, text in articles.items():
            (tmp_path / side / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / side / rel).write_text(text, encoding="utf-8")
    data = load_eval_set(tmp_path / "src", tmp_path / "ref")
    assert data.kind == "documents" and data.names == ["a.txt", "sub/b.txt"]

    options = Options(model=str(copy_model_dir), backend="transformers", beam_size=1)
    report = evaluate(data, options, setups_for(None, replace_glossary(options, False)))
    (run,) = report.runs
    assert run.bleu.score == pytest.approx(100) and run.chrf.score == pytest.approx(100)
    assert [d["name"] for d in run.per_document] == ["a.txt", "sub/b.txt"]
    assert all(d["bleu"] == pytest.approx(100) for d in run.per_document)


def replace_glossary(options: Options, use: bool) -> Options:
    from dataclasses import replace

    return replace(options, glossary=None if use else False)


# -- a test double: the scores are sacrebleu's on the same strings -----------------------------


REFERENCES = [
    "The soldiers held the position at the river.",
    "In the evening new orders came. Nobody knew where they were going.",
    "Quiet at the front",
    "Supplying the troops became harder because the roads sank in the rain.",
]


@pytest.mark.parametrize("qa", [False, True])
def test_scores_equal_sacrebleu_on_the_double_output(tmp_path: Path, qa: bool) -> None:
    src = write_lines(tmp_path / "test.de", PLAIN)
    ref = write_lines(tmp_path / "test.en", REFERENCES)
    # The word-by-word double: its output for a line is known without the pipeline.
    expected = [WordEngine()._one(line) for line in PLAIN]

    options = Options(glossary=False, qa=qa)
    report = evaluate(
        load_eval_set(src, ref), options, setups_for(None, options), engine=WordEngine()
    )
    (run,) = report.runs
    assert run.outputs == expected
    assert run.bleu.score == sacrebleu.corpus_bleu(expected, [REFERENCES]).score
    assert run.chrf.score == sacrebleu.corpus_chrf(expected, [REFERENCES]).score
    assert 0 < run.bleu.score < 100  # the double is no translator: a real, non-trivial score


def test_blank_source_lines_stay_aligned(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "s.de", ["die Truppen", "", "der Region"])
    ref = write_lines(tmp_path / "r.en", ["the troops", "", "the region"])
    options = Options(glossary=False, qa=False)
    (run,) = evaluate(
        load_eval_set(src, ref), options, setups_for(None, options), engine=WordEngine()
    ).runs
    assert run.outputs == ["the troops", "", "the region"]


# -- glossary term figures -----------------------------------------------------------------------

TERMS = Glossary.from_yaml(
    """
schema: 1
entries:
  - {source: Kiew, target: Kyiv, category: place, wrong: [Kiev]}
  - {source: Kursk-Region, target: Kursk region, category: place}
  - {source: Kursk, target: Kursk, category: place}
  - {source: Marschflugkörper, target: cruise missile, category: term}
"""
)


@pytest.mark.parametrize(
    ("source", "output", "reference", "counts"),
    [
        # found, rendered, in_reference, agreed
        ("Angriff auf Kiew.", "Attack on Kyiv.", "An attack on Kyiv.", (1, 1, 1, 1)),
        ("Angriff auf Kiew.", "Attack on Kiev.", "An attack on Kyiv.", (1, 0, 1, 0)),
        ("Angriff auf Kiew.", "Attack on Kyiv.", "An attack on the capital.", (1, 1, 0, 0)),
        # two occurrences, one rendered; the reference has one
        ("Kiew und Kiew.", "Kyiv and Kiew.", "Kyiv and the city.", (2, 1, 1, 1)),
        # the longer rendering claims its span: "Kursk region" is not also "Kursk"
        ("In der Kursk-Region.", "In the Kursk region.", "In the Kursk region.", (1, 1, 1, 1)),
        ("Kursk und die Kursk-Region.", "the Kursk region", "Kursk region", (2, 1, 1, 1)),
        # plural and sentence-initial case of a lower-case rendering count
        ("Marschflugkörper flogen.", "Cruise missiles flew.", "Cruise missiles.", (1, 1, 1, 1)),
        ("Keine Begriffe hier.", "No terms here.", "No terms.", (0, 0, 0, 0)),
    ],
)
def test_term_counts(
    source: str, output: str, reference: str, counts: tuple[int, int, int, int]
) -> None:
    score = TermCounter(TERMS).score([source], [output], [reference])
    assert (score.found, score.rendered, score.in_reference, score.agreed) == counts


def test_term_rates() -> None:
    score = TermCounter(TERMS).score(
        ["Kiew.", "Kiew.", "Kursk."], ["Kyiv.", "Kiev.", "Kursk."], ["Kyiv.", "Kyiv.", "x"]
    )
    assert score.success == pytest.approx(2 / 3)
    assert score.agreement == pytest.approx(1 / 2)
    assert TermCounter(TERMS).score(["x"], ["y"], ["z"]).success is None


# -- the three-way glossary comparison on the seed article -----------------------------------


@pytest.fixture
def seed_folders(tmp_path: Path) -> tuple[Path, Path]:
    """The seed article as SRC, and as REF too: the reference is German, so these runs prove
    the wiring (what reaches the engine, what is counted), never that a mode translates better.
    """
    for side in ("src", "ref"):
        (tmp_path / side).mkdir()
        shutil.copy(SEED, tmp_path / side / "seed.txt")
    return tmp_path / "src", tmp_path / "ref"


def test_glossary_comparison_on_the_seed_with_a_double(seed_folders: tuple[Path, Path]) -> None:
    engine = MangleEngine()  # damages copied renderings as MarianMT does
    options = Options()
    report = evaluate(
        load_eval_set(*seed_folders), options, setups_for("glossary", options), engine=engine
    )
    none, verify, inject = report.runs
    assert [r.setup.glossary for r in report.runs] == ["none", "verify", "inject"]

    # What reached the engine: the German sentences as they are, except in the inject run.
    glossary = load_glossary(ROOT / "glossary.yaml")
    plain = Pipeline(engine).prepare(SEED.read_text("utf-8"))
    sentences = sorted({u.engine_input for units in plain.units for u in units})
    assert len(engine.calls) == 3
    assert sorted(engine.calls[0]) == sentences
    assert sorted(engine.calls[1]) == sentences
    assert sorted(engine.calls[2]) != sentences
    assert any("Kyiv" in s for s in engine.calls[2]) and not any("Kyiv" in s for s in sentences)

    # Signatures tell the runs apart; the verify glossary is a glossary of its own.
    assert none.signature["glossary"] is None
    assert verify.signature["glossary"] not in (None, inject.signature["glossary"])
    assert inject.signature["glossary"] == glossary.version == report.glossary

    # The term figures agree with the pipeline's own term report of the same runs.
    for run in (verify, inject):
        used = glossary.with_enforce("verify") if run.setup.glossary == "verify" else glossary
        pipeline = Pipeline(MangleEngine(), glossary=used, checker=QualityChecker(used))
        result = pipeline.translate_text(SEED.read_text("utf-8"))
        assert run.outputs == [" ".join(result.target.split())]
        statuses = Counter(t.status for t in result.terms)
        assert run.terms is not None
        assert run.terms.found == len(result.terms) > 100
        assert run.terms.rendered == statuses["applied"] + statuses["repaired"]
    assert none.terms is not None and verify.terms is not None and inject.terms is not None
    assert none.terms.found == verify.terms.found == inject.terms.found
    assert none.terms.rendered < verify.terms.rendered
    assert none.terms.rendered < inject.terms.rendered
    for run in report.runs:
        assert run.bleu.score == sacrebleu.corpus_bleu(run.outputs, [[ref_text()]]).score


def ref_text() -> str:
    from translator.evaluate import running_text

    return running_text(SEED.read_text("utf-8"))


@pytest.mark.slow
def test_glossary_comparison_end_to_end_loads_the_model_once(
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    seed_folders: tuple[Path, Path],
    copy_model_dir: Path,
    tmp_path: Path,
) -> None:
    import translator.factory

    loads: list[str] = []
    real = translator.factory.engine_for

    def counting(options: Options):  # type: ignore[no-untyped-def]
        loads.append(options.backend)
        return real(options)

    monkeypatch.setattr(translator.factory, "engine_for", counting)
    report = tmp_path / "glossary.json"
    code, out, err = cli(
        monkeypatch,
        capsys,
        "eval",
        *map(str, seed_folders),
        "--compare",
        "glossary",
        "--model",
        str(copy_model_dir),
        "--backend",
        "transformers",
        "--beam-size",
        "1",
        "--json",
        str(report),
    )
    assert code == 0, err
    assert loads == ["transformers"]
    data = json.loads(report.read_text("utf-8"))
    labels = [r["label"] for r in data["runs"]]
    assert labels == ["no glossary", "verify+repair", "inject+verify+repair"]
    for label in labels:
        assert label in out
    assert "term success" in out and "BLEU: nrefs:1" in out
    runs = {r["glossary"]: r for r in data["runs"]}
    # The copy model gives the German back; REF is the German seed. Without a glossary the
    # output is nearly the reference, and the glossary's English renderings move it away.
    assert runs["none"]["bleu"]["score"] > 90
    assert runs["inject"]["bleu"]["score"] < runs["none"]["bleu"]["score"]
    assert runs["inject"]["terms"]["success"] > runs["none"]["terms"]["success"]
    for run in data["runs"]:
        assert set(run) >= {"bleu", "chrf", "terms", "comet", "seconds", "signature"}
        assert run["documents"][0]["name"] == "seed.txt"


# -- --compare backend on the tiny model ------------------------------------------------------


@pytest.mark.slow
def test_compare_backend_on_the_tiny_model(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, tmp_path: Path
) -> None:
    from translator.engine.convert import convert_model

    convert_model(str(tiny_model_dir), quantization="float32")  # into $TRANSLATOR_CACHE_DIR
    src = write_lines(tmp_path / "s.de", PLAIN)
    ref = write_lines(tmp_path / "r.en", REFERENCES)
    report = tmp_path / "backend.json"
    code, out, err = cli(
        monkeypatch,
        capsys,
        "eval",
        str(src),
        str(ref),
        "--compare",
        "backend",
        "--model",
        str(tiny_model_dir),
        "--beam-size",
        "1",
        "--no-glossary",
        "--json",
        str(report),
    )
    assert code == 0, err
    runs = json.loads(report.read_text("utf-8"))["runs"]
    assert [r["signature"]["backend"] for r in runs] == ["transformers", "ctranslate2"]
    assert runs[1]["signature"]["compute_type"] == "float32"
    for run in runs:
        assert 0 <= run["bleu"]["score"] <= 100 and 0 <= run["chrf"]["score"] <= 100
        assert run["seconds"] > 0
    assert "transformers" in out and "ctranslate2" in out


@pytest.mark.slow
def test_compare_backend_names_the_missing_conversion(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, tmp_path: Path
) -> None:
    src = write_lines(tmp_path / "s.de", PLAIN[:1])
    code, _, err = cli(
        monkeypatch,
        capsys,
        "eval",
        str(src),
        str(src),
        "--compare",
        "backend",
        "--model",
        str(tiny_model_dir),
        "--beam-size",
        "1",
        "--no-glossary",
    )
    assert code == 4
    assert "translator model convert" in err.splitlines()[-1]


@pytest.mark.slow
def test_compare_compute_type_on_the_tiny_model(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, tmp_path: Path
) -> None:
    from translator.engine.convert import convert_model

    for quantization in ("int8", "float32"):
        convert_model(str(tiny_model_dir), quantization=quantization)
    src = write_lines(tmp_path / "s.de", PLAIN[:2])
    report = tmp_path / "types.json"
    code, out, err = cli(
        monkeypatch, capsys, "eval", str(src), str(src), "--compare", "compute-type",
        "--device", "cpu", "--model", str(tiny_model_dir), "--beam-size", "1",
        "--no-glossary", "--json", str(report),
    )  # fmt: skip
    assert code == 0, err
    runs = json.loads(report.read_text("utf-8"))["runs"]
    assert [r["label"] for r in runs] == ["ctranslate2 int8", "ctranslate2 float32"]
    assert [r["signature"]["quantization"] for r in runs] == ["int8", "float32"]
    assert [r["signature"]["compute_type"] for r in runs] == ["int8_float32", "float32"]


def test_a_given_engine_is_not_compared_with_others(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "s.de", ["eins"])
    options = Options(glossary=False)
    with pytest.raises(ValueError, match="cannot be compared"):
        evaluate(load_eval_set(src, src), options, setups_for("beam", options), engine=WordEngine())


def test_verify_only_glossary_injects_nothing_and_still_repairs() -> None:
    verify = TERMS.with_enforce("verify")
    sentence = "Angriff auf Kiew."
    assert TERMS.prepare(sentence).text == "Angriff auf Kyiv."
    prepared = verify.prepare(sentence)
    assert prepared.text == sentence
    target, hits = verify.finalize(prepared, "Attack on Kiev.")
    assert target == "Attack on Kyiv." and [h.status for h in hits] == ["repaired"]
    assert {e.enforce for e in verify.entries} == {"verify"}
    assert {e.enforce for e in TERMS.entries} == {None}  # the original is unchanged
    assert verify.version != TERMS.version


# -- COMET is optional ------------------------------------------------------------------------


def test_without_comet_one_line_says_so_and_the_column_is_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "comet", None)  # not importable, installed or not
    import translator.evaluate as evaluation

    real = evaluation.evaluate
    monkeypatch.setattr(evaluation, "evaluate", lambda *a, **k: real(*a, engine=WordEngine(), **k))
    src = write_lines(tmp_path / "s.de", PLAIN)
    ref = write_lines(tmp_path / "r.en", REFERENCES)
    code, out, err = cli(monkeypatch, capsys, "eval", str(src), str(ref), "--no-glossary")
    assert code == 0, err
    comet_lines = [line for line in err.splitlines() if "COMET" in line]
    assert comet_lines == ["COMET: not installed (pip install 'translator[comet]'); column skipped"]
    assert "COMET" not in out and "BLEU" in out


FAKE_COMET = """
def download_model(*args, **kwargs):
    raise AssertionError("eval must never download a COMET model")


def load_from_checkpoint(path, local_files_only=False):
    assert local_files_only is True
    return Model(path)


class Model:
    def __init__(self, path):
        self.path = path

    def predict(self, data, batch_size, gpus, progress_bar):
        class Prediction:
            system_score = sum(d["mt"] == d["ref"] for d in data) / len(data)
        return Prediction()
"""


def test_comet_column_from_a_checkpoint_on_disk(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    """COMET itself is not installed here: a stand-in package with its API (never a real
    score) shows that eval finds the checkpoint, never downloads, and reports the figure."""
    package = tmp_path / "site" / "comet"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(FAKE_COMET, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "comet", raising=False)
    checkpoint = tmp_path / "wmt22-comet-da" / "checkpoints" / "model.ckpt"
    checkpoint.parent.mkdir(parents=True)
    checkpoint.write_bytes(b"weights")
    import translator.evaluate as evaluation

    real = evaluation.evaluate
    monkeypatch.setattr(evaluation, "evaluate", lambda *a, **k: real(*a, engine=WordEngine(), **k))
    src = write_lines(tmp_path / "s.de", ["die Truppen", "der Region"])
    ref = write_lines(tmp_path / "r.en", ["the troops", "a region"])
    report = tmp_path / "r.json"
    code, out, err = cli(
        monkeypatch, capsys, "eval", str(src), str(ref), "--no-glossary", "--no-qa",
        "--comet", str(checkpoint.parent.parent), "--json", str(report),
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(report.read_text("utf-8"))
    assert data["comet_model"] == str(checkpoint)
    assert data["runs"][0]["comet"] == 0.5  # one of two outputs equals its reference
    assert "COMET" in out and "0.5000" in out
    assert "COMET" not in err

    code, _, err = cli(
        monkeypatch, capsys, "eval", str(src), str(ref), "--comet", str(tmp_path / "none"),
    )  # fmt: skip
    assert code == 4 and "eval never downloads one" in err


# -- bad input: one line naming file and line, exit code 3 ------------------------------------


def _bad_inputs(tmp: Path) -> list[tuple[list[str], str]]:
    good = write_lines(tmp / "good.de", ["eins", "zwei", "drei"])
    short = write_lines(tmp / "short.en", ["one", "two"])
    empty = tmp / "empty.en"
    empty.write_bytes(b"")
    blank = tmp / "blank.en"
    blank.write_bytes(b"\n  \n")
    latin = tmp / "latin.en"
    latin.write_bytes("one\nZur\xfcck\nthree\n".encode("latin-1"))
    bom_latin = tmp / "bom.en"
    bom_latin.write_bytes(b"\xef\xbb\xbfone\ntwo\nthr\xe9e\n")
    nul = tmp / "nul.en"
    nul.write_bytes(b"one\ntwo\x00\nthree\n")
    (tmp / "src").mkdir()
    (tmp / "ref").mkdir()
    (tmp / "src" / "a.txt").write_text("Ein Satz.\n", encoding="utf-8")
    (tmp / "empty-dir").mkdir()
    return [
        ([str(good), str(short)], f"{good}:3: {good} has 3 lines but {short} has 2"),
        ([str(short), str(good)], f"{good}:3: {good} has 3 lines but {short} has 2"),
        ([str(good), str(empty)], f"{empty}: is empty"),
        ([str(good), str(blank)], f"{blank}: is empty"),
        ([str(good), str(latin)], f"{latin}:2: not UTF-8 (byte 0xfc at column 4)"),
        ([str(good), str(bom_latin)], f"{bom_latin}:3: not UTF-8 (byte 0xe9 at column 4)"),
        ([str(good), str(nul)], f"{nul}:2: binary data (a NUL byte at column 4)"),
        ([str(good), str(tmp / "nope.en")], f"{tmp / 'nope.en'}: no such file or folder"),
        ([str(tmp / "src"), str(tmp / "ref")], f"{tmp / 'ref' / 'a.txt'}: missing"),
        ([str(tmp / "src"), str(good)], f"{good}: is a file but {tmp / 'src'} is a folder"),
        ([str(tmp / "empty-dir"), str(tmp / "ref")], f"{tmp / 'empty-dir'}: no *.txt articles"),
    ]


def test_bad_inputs_give_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    for args, message in _bad_inputs(tmp_path):
        code, out, err = cli(monkeypatch, capsys, "eval", *args, "--model", "/nonexistent")
        assert code == 3, (args, err)
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"translator: error: {message}"), (
            args,
            err,
        )


@pytest.mark.parametrize(
    ("extra", "code", "needle"),
    [
        (["--compare", "model"], 2, "--compare"),
        (["--compare", "glossary", "--no-glossary"], 2, "--no-glossary"),
    ],
)
def test_usage_errors(
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    tmp_path: Path,
    extra: list[str],
    code: int,
    needle: str,
) -> None:
    src = write_lines(tmp_path / "s.de", ["eins"])
    got, _, err = cli(monkeypatch, capsys, "eval", str(src), str(src), *extra)
    assert got == code and needle in err


def test_json_never_overwrites_an_input(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    src = write_lines(tmp_path / "s.de", ["eins"])
    ref = write_lines(tmp_path / "r.en", ["one"])
    code, _, err = cli(monkeypatch, capsys, "eval", str(src), str(ref), "--json", str(ref))
    assert code == 6, err
    assert ref.read_text("utf-8") == "one\n"


def test_help_and_bad_input_load_no_model_library(tmp_path: Path) -> None:
    from tests.test_startup import run_cli

    good = write_lines(tmp_path / "s.de", ["eins", "zwei"])
    short = write_lines(tmp_path / "r.en", ["one"])
    for args, code in ((["eval", "--help"], 0), (["eval", str(good), str(short)], 3)):
        result = run_cli(args, tmp_path)
        assert result["exit"] == code, result["stderr"]
        assert result["heavy"] == []
