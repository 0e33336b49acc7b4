"""The HTML review page as a document: self-contained, escaped, one row per paragraph.

How it looks and behaves in a real browser: tests/test_review_browser.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest

from tests.doubles import FaultyEngine
from translator import Pipeline, config
from translator.formats import write
from translator.formats.review import render_html
from translator.glossary import load_glossary
from translator.qa import QualityChecker
from translator.result import (
    Flag,
    ParagraphResult,
    SentenceResult,
    TermHit,
    TermStatus,
    TranslationResult,
)


class _Tags(HTMLParser):
    """Collects start tags with their attributes, and the text."""

    VOID = {"meta", "input", "br", "img", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def classes(self, name: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if name in (a.get("class") or "").split()]


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


NASTY = '<script>alert("x")</script> & <b>bold</b> "quoted" \'single\''


def hostile_result(nasty: str = NASTY) -> TranslationResult:
    """A result whose every text field tries to break out of the HTML."""
    sentence = SentenceResult(
        source=f"Quelle {nasty}",
        target=f"Target {nasty}",
        flags=[Flag("untranslated", f"German left: {nasty}", "warning")],
        terms=[TermHit("Quelle", "Quelle", f"source {nasty}", "missed", "term", 0, 0)],
    )
    return TranslationResult(
        paragraphs=[ParagraphResult(kind="paragraph<x>", source=sentence.source,
                                    sentences=[sentence])],
        signature={"tool": "translator", "model": nasty},
        name=f"article {nasty}.txt",
    )


def test_everything_from_the_document_is_escaped() -> None:
    html = render_html(hostile_result())
    page = parse(html)
    assert page.balanced
    assert [t for t, _ in page.tags].count("script") == 0
    tame = parse(render_html(hostile_result("harmless")))
    assert [t for t, _ in page.tags] == [t for t, _ in tame.tags]  # no tag from the text
    text = "".join(page.text)
    assert '<script>alert("x")</script>' in text  # shown as text, not run
    assert "kind-paragraphx" in html


def test_self_contained() -> None:
    html = render_html(hostile_result())
    page = parse(html)
    assert not [a for _, a in page.tags if a.get("src") or a.get("href")]
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "http://" not in html and "https://" not in html


def test_rows_terms_and_flags_through_the_pipeline(seed_text: str) -> None:
    glossary = load_glossary(config.packaged_glossary())
    engine = FaultyEngine({})
    pipeline = Pipeline(engine, glossary=glossary, checker=QualityChecker(glossary))
    # Two deliberate faults: a number in German format, and "Kiew" (-> Kyiv) left out.
    faults = {
        "12.000 nordkoreanische Soldaten nach": "Estimates say 12.000 North Korean soldiers "
        "were sent to Russia.",
        "Kiew": "In the Ukrainian city military officials report that the troops are gone.",
    }
    for units in pipeline.prepare(seed_text).units:
        for unit in units:
            for key, output in faults.items():
                if key in unit.source:
                    engine.faults[unit.engine_input] = output
    assert len(engine.faults) == 2
    result = pipeline.translate_text(seed_text)
    page = parse(str(write(result, None, "review")))
    rows = page.classes("row")
    assert len(rows) == len(result.paragraphs) == 22
    assert [r["data-paragraph"] for r in rows] == [str(i) for i in range(len(rows))]
    # Terms: each marked in its German sentence, and (unless missed) in the English one; the
    # legend has one of each status.
    missed = [t for t in result.terms if t.status == "missed"]
    absent = missed + [t for t in result.terms if t.status == "suggested"]  # not in the English
    assert len(result.terms) > 50 and "Kyiv" in {t.expected for t in missed}
    legend = len(get_args(TermStatus))  # one sample of each status
    assert len(page.classes("term")) == legend + len(result.terms) + len(result.terms) - len(
        absent
    )
    assert len(page.classes("missed")) == 1 + len(missed)
    assert len(page.classes("applied")) > 1
    # Flags: one per QA flag, plus a note per missed term.
    assert len(page.classes("flag")) == len(result.flags) + len(missed)
    fixed = [f for f in page.classes("flag") if f.get("data-code") == "number-format"]
    assert len(fixed) == sum(f.code == "number-format" for f in result.flags) >= 1
    assert all("sev-info" in (f["class"] or "") for f in fixed)  # fixed: shown as info


@pytest.mark.parametrize(("status", "count"), [("missed", 1), ("applied", 0), ("repaired", 0)])
def test_term_status_classes(status: str, count: int) -> None:
    page = parse(render_html(hostile_result()))
    # the legend has one of each; the missed term is marked in the source only
    assert len(page.classes(status)) == 1 + count


@pytest.mark.slow
def test_cli_html_through_the_tiny_marian_model(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`translate --format html` end to end: real MarianMT path (noise output), QA on, the
    packaged glossary; the page has a row per paragraph and every flag of the JSON."""
    import json

    from tests.cli import run_cli
    from tests.conftest import SEED

    article = tmp_path / "article.txt"  # the seed's first sections: numbers, quotes, terms
    text = SEED.read_text(encoding="utf-8")
    article.write_text(text[: text.index("Aktuelle Situation in Kursk")], encoding="utf-8")

    def cli(*args: str) -> None:
        code, _, err = run_cli(monkeypatch, capsys, "translate", str(article), "--model",
                               str(tiny_model_dir), "--no-cache", "-q", *args)  # fmt: skip
        assert code == 0, err

    cli("--format", "json", "-o", str(tmp_path / "out.json"))
    cli("--format", "review", "-o", str(tmp_path / "out.html"))
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    page = parse((tmp_path / "out.html").read_text(encoding="utf-8"))
    assert page.balanced
    assert len(page.classes("row")) == len(data["paragraphs"])
    flags = [f for p in data["paragraphs"] for s in p["sentences"] for f in s["flags"]]
    missed = [t for t in data["terms"] if t["status"] == "missed"]
    assert flags  # noise output: QA has things to say
    assert len(page.classes("flag")) == len(flags) + len(missed)
    assert len(page.classes("missed")) == len(missed) + 1  # + the legend
