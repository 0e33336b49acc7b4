"""The HTML review page in a real headless browser (Debian chromium + chromedriver).

Layout claims (side by side on a laptop, stacked on a phone, flags visible, missed terms
marked) can only be checked where CSS is applied, so this opens the page via file://,
screenshots it and asserts on the rendered DOM.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PNG, chromium
from tests.doubles import FaultyEngine
from translator import Pipeline, TranslationResult, config
from translator.formats.review import render_html
from translator.glossary import load_glossary
from translator.qa import QualityChecker

pytestmark = [pytest.mark.browser]  # needs chromium: see tests/conftest.py

# Faults the engine makes on purpose, so that the page has a missed term, a corrected number,
# a missing number and an untranslated word to show.
FAULTS = {
    "Kiew": "In the Ukrainian city of the capital, military officials report that the North "
    "Korean troops have not been seen on the front lines in the Russian region of Kursk for "
    "several weeks.",
    "12.000 nordkoreanische Soldaten nach": "Estimates say that around 12.000 North Korean "
    "soldiers were sent to Russia.",
    "60.000": "Zelenskyy pointed out that Russian soldiers and 12,000 North Koreans were in Kursk.",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> TranslationResult:
    from tests.conftest import SEED

    glossary = load_glossary(config.packaged_glossary())
    engine = FaultyEngine({})
    pipeline = Pipeline(engine, glossary=glossary, checker=QualityChecker(glossary))
    text = SEED.read_text(encoding="utf-8")
    for units in pipeline.prepare(text).units:
        for unit in units:
            for key, output in FAULTS.items():
                if key in unit.source:
                    engine.faults[unit.engine_input] = output
    return pipeline.translate_text(text, name="000_8703a8c69dd0bbe2.txt <&>")


@pytest.fixture(scope="module")
def page(result: TranslationResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.html"
    path.write_text(render_html(result), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def open_at(browser: Any, page: Path, width: int, height: int = 900) -> None:
    browser.set_window_size(width, height)
    browser.get(page.as_uri())
    assert browser.execute_script("return window.innerWidth") == width


def screenshot(browser: Any, path: Path) -> None:
    assert browser.save_screenshot(str(path))
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 10_000


def rect(element: Any) -> dict[str, float]:
    return element.rect


def test_laptop_side_by_side(
    browser: Any, page: Path, result: TranslationResult, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    open_at(browser, page, 1280)
    screenshot(browser, tmp_path / "laptop.png")
    rows = browser.find_elements(By.CSS_SELECTOR, "main section.row")
    assert len(rows) == len(result.paragraphs)
    for row in rows:
        source = row.find_element(By.CSS_SELECTOR, ".col.source")
        target = row.find_element(By.CSS_SELECTOR, ".col.target")
        s, t = rect(source), rect(target)
        assert s["x"] + s["width"] <= t["x"]  # source left of translation
        assert abs(s["y"] - t["y"]) < 2  # on the same line
        assert s["width"] > 400 and t["width"] > 400
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1280


def test_missed_terms_and_flags_are_visible(
    browser: Any, page: Path, result: TranslationResult
) -> None:
    from selenium.webdriver.common.by import By

    open_at(browser, page, 1280)
    missed = browser.find_elements(By.CSS_SELECTOR, "main .col.source .term.missed")
    assert [m.text for m in missed] == [t.source for t in result.missed_terms]
    assert "Kiew" in [m.text for m in missed]
    assert all(m.is_displayed() for m in missed)
    colour = missed[0].value_of_css_property("background-color")
    applied = browser.find_element(By.CSS_SELECTOR, "main .term.applied")
    assert colour != applied.value_of_css_property("background-color")

    notes = browser.find_elements(By.CSS_SELECTOR, "main li.flag")
    assert len(notes) == len(result.flags) + len(result.missed_terms)
    assert all(n.is_displayed() for n in notes)
    codes = {n.get_attribute("data-code") for n in notes}
    assert {"term-missed", "number-missing", "number-format"} <= codes
    badges = browser.find_elements(By.CSS_SELECTOR, "main .col.target .badge")
    assert len(badges) == len(result.flags) and all(b.is_displayed() for b in badges)
    # the sentence that lost "60.000" carries the error badge next to it
    sentence = browser.find_element(By.XPATH, "//span[contains(@class,'sev-error')]"
                                    "[contains(., 'Zelenskyy pointed out')]")
    assert "number-missing" in sentence.text
    assert browser.find_element(By.CSS_SELECTOR, "footer.signature").is_displayed()
    assert "000_8703a8c69dd0bbe2.txt <&>" in browser.title


def test_phone_stacks_the_columns(browser: Any, page: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_at(browser, page, 375, 800)
    screenshot(browser, tmp_path / "phone.png")
    rows = browser.find_elements(By.CSS_SELECTOR, "main section.row")
    assert len(rows) == 22  # the seed's 22 blocks (so the loop below checks something)
    for row in rows:
        s = rect(row.find_element(By.CSS_SELECTOR, ".col.source"))
        t = rect(row.find_element(By.CSS_SELECTOR, ".col.target"))
        assert t["y"] >= s["y"] + s["height"] - 1  # translation below the source
        assert abs(s["x"] - t["x"]) < 2 and s["width"] > 300
    # nothing wider than the phone: no sideways scrolling
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 375


def test_filter_shows_only_flagged_paragraphs(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.by import By

    open_at(browser, page, 1280)
    rows = browser.find_elements(By.CSS_SELECTOR, "main section.row")
    flagged = [r for r in rows if "flagged" in r.get_attribute("class").split()]
    assert 0 < len(flagged) < len(rows)
    browser.find_element(By.CSS_SELECTOR, "label.filter").click()
    assert [r for r in rows if r.is_displayed()] == flagged


def test_phone_never_scrolls_sideways_with_a_long_path_and_long_tokens(
    browser: Any, tmp_path: Path
) -> None:
    # A user passes a deep path; the text holds a URL and a compound longer than a phone line.
    from selenium.webdriver.common.by import By

    from tests.doubles import WordEngine

    long_path = "/home/analyst/" + "/".join(["sehr_langer_ordnername_fuer_berichte"] * 6)
    url = "https://example.org/" + "x" * 150
    text = (
        "Kiew meldet neue Angriffe.\n\n"
        f"Quelle: {url} und Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenkasse.\n"
    )
    result = Pipeline(WordEngine()).translate_text(text, name=f"{long_path}/bericht.txt")
    page = tmp_path / "review.html"
    page.write_text(render_html(result), encoding="utf-8")

    open_at(browser, page, 375, 800)
    screenshot(browser, tmp_path / "phone-long.png")
    width = browser.execute_script("return window.innerWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    assert browser.find_element(By.CSS_SELECTOR, "header h1").text == (
        "Translation review: bericht.txt"
    )
    assert long_path in browser.find_element(By.CSS_SELECTOR, "footer.signature").text
