"""Web pages trafilatura's precise extraction finds nothing in are read all the same (its
recall mode, then the page's text blocks), and a paragraph said five times stays five times
(trafilatura drops a long paragraph repeating the one before it)."""

from __future__ import annotations

import logging

import pytest

from tests.doubles import WordEngine
from translator import Pipeline
from translator.errors import InputError
from translator.formats import read_document, write

REPEATED = "Die Stadt ist alt und sie liegt im Osten des Landes, sagte der Bürgermeister."
LAST = "Die Region ist ruhig und die Soldaten berichten von wenigen Verlusten in der Gegend."


def page(body: str, title: str = "") -> bytes:
    head = f"<head><title>{title}</title></head>" if title else ""
    return f"<!doctype html><html>{head}<body>{body}</body></html>".encode()


def texts(data: bytes) -> list[str]:
    return [b.text for b in read_document(data, name="a.html").blocks]


def test_identical_paragraphs_are_all_kept() -> None:
    data = page("<article>" + f"<p>{REPEATED}</p>" * 5 + f"<p>{LAST}</p></article>", "Die Lage")
    assert texts(data) == ["Die Lage", *[REPEATED] * 5, LAST]
    document = read_document(data, name="a.html")
    result = Pipeline(WordEngine()).translate_document(document)
    out = write(result, document, "html")
    assert isinstance(out, str)
    assert out.count("Die city is alt and") == 5


def test_a_section_in_a_div_is_read() -> None:
    body = (
        '<div id="nav"><a href="/">Start</a> <a href="/v">Verein</a></div><div class="c">'
        "<div>Willkommen beim TSV Musterdorf!</div><div>Training ist dienstags um 18 Uhr in "
        "der Halle.</div><div>Neue Mitglieder sind jederzeit willkommen.</div></div>"
        '<div id="footer">Impressum</div>'
    )
    assert texts(page(body, "TSV Musterdorf e.V.")) == [
        "TSV Musterdorf e.V.",
        "Willkommen beim TSV Musterdorf!",
        "Training ist dienstags um 18 Uhr in der Halle.",
        "Neue Mitglieder sind jederzeit willkommen.",
    ]


def test_recall_mode_when_precision_finds_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="translator"):
        assert texts(page("<nav><p>Die Stadt ist alt und schön.</p></nav>")) == [
            "Die Stadt ist alt und schön."
        ]
    assert "recall mode" in caplog.text


def test_the_pages_text_blocks_when_trafilatura_finds_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = "<h1>Vereinsheim</h1><script>var x = 'Nicht lesen';</script>"
    with caplog.at_level(logging.WARNING, logger="translator"):
        assert texts(page(body)) == ["Vereinsheim"]
    assert "text blocks" in caplog.text


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(InputError, match=r"^a\.html: no article text found in the web page$"):
        texts(page("<script>var x = 'Nicht lesen';</script><div> </div>"))
