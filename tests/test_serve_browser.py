"""`translator serve`'s web page in headless chromium (Debian chromium + chromedriver).

The server runs as a user runs it, with the copy model (it returns its input, so the English
side shows the German text with the glossary's renderings put in), the packaged glossary and
the quality checks. The page is used as a person would: text typed and submitted by
keyboard, a file dropped on the drop zone, progress watched, the review read, the download
fetched, a term looked up, at laptop and at phone (375 px) width. Screenshots go to the test's
tmp folder (``serve-desktop.png``, ``serve-phone.png``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PNG, chromium
from tests.serve_server import Server, serve_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Die Truppen erreichten Kiew am Montag.\n\nDie Lage in Charkiw bleibt angespannt."
MARKDOWN = "# Lage im Osten\n\nDie Armee meldet neue Angriffe auf Saporischschja.\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, copy_model_dir: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve-page")
    with serve_process(folder, copy_model_dir, keys=False) as s:
        yield s


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _open(browser: Any, server: Server, width: int, height: int = 900) -> None:
    browser.set_window_size(width, height)
    browser.get(server.url + "/")
    assert browser.execute_script("return window.innerWidth") == width
    # Every status the page shows, in order (the test reads progress as a person would).
    browser.execute_script(
        "window.seen = []; new MutationObserver(() => window.seen.push("
        "document.getElementById('status').textContent)).observe("
        "document.getElementById('status'), {childList: true, characterData: true,"
        " subtree: true});"
    )


def _wait_done(browser: Any, timeout: float = 120) -> str:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = browser.find_element(By.ID, "status").text
        if status.startswith(("Done", "Error")):
            return str(status)
        time.sleep(0.2)
    raise AssertionError(f"no result; status: {browser.find_element(By.ID, 'status').text}")


def _screenshot(browser: Any, path: Path) -> None:
    assert browser.save_screenshot(str(path))
    assert path.read_bytes().startswith(PNG)


def _review(browser: Any) -> dict[str, Any]:
    """What the review frame shows: source and English columns, marked terms, flags."""
    from selenium.webdriver.common.by import By

    frame = browser.find_element(By.ID, "review")
    browser.switch_to.frame(frame)
    try:
        def texts(css: str) -> list[str]:
            return [e.text for e in browser.find_elements(By.CSS_SELECTOR, css)]

        return {
            "source": texts("main .col.source"),
            "target": texts("main .col.target"),
            "terms": texts("main .col.target .term"),
            "flags": texts("main li.flag"),
        }
    finally:
        browser.switch_to.default_content()


def _download(browser: Any) -> tuple[str, str]:
    """The download link's file name and the text it holds (fetched from its blob URL)."""
    from selenium.webdriver.common.by import By

    link = browser.find_element(By.ID, "download")
    content = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(document.getElementById('download').href).then(r => r.text()).then(done)"
        ".catch(e => done('fetch failed: ' + e));"
    )
    return str(link.get_attribute("download")), str(content)


def test_pasted_text_by_keyboard_at_laptop_width(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def press(*keys: str) -> Any:
        ActionChains(browser).send_keys(*keys).perform()
        return browser.switch_to.active_element

    _open(browser, server, 1280)
    active = press(Keys.TAB)  # the first control is the text box
    assert active.get_attribute("id") == "text"
    active = press(TEXT)
    for _ in range(6):  # on to the Translate button, past the file input
        active = press(Keys.TAB)
        if active.get_attribute("id") == "go":
            break
    assert active.get_attribute("id") == "go"
    press(Keys.ENTER)
    status = _wait_done(browser)
    assert status.startswith("Done: 2 sentences"), status
    seen = browser.execute_script("return window.seen")
    assert any(s.startswith("Uploading text.txt") for s in seen)
    review = _review(browser)
    assert any("Kiew" in s for s in review["source"])
    assert any("Kyiv" in t for t in review["target"])  # the glossary's rendering, marked
    assert "Kyiv" in review["terms"] and "Kharkiv" in review["terms"]
    name, content = _download(browser)
    assert name == "text.en.txt"
    # The copy model's output with the glossary's renderings put in (not a translation).
    assert content == "Die troops erreichten Kyiv am Montag.\n\nDie Lage in Kharkiv bleibt " \
        "angespannt.\n"
    summary = browser.find_element(By.ID, "summary").text
    # The copy model leaves German words: QA flags them, and the review shows each flag.
    assert summary == "4 glossary terms, 2 QA flags"
    assert len(review["flags"]) == 2
    browser.execute_script("document.getElementById('result-card').scrollIntoView()")
    _screenshot(browser, tmp_path / "serve-desktop.png")
    # Side by side on a laptop.
    browser.switch_to.frame(browser.find_element(By.ID, "review"))
    source = browser.find_element(By.CSS_SELECTOR, "main .col.source").rect
    target = browser.find_element(By.CSS_SELECTOR, "main .col.target").rect
    browser.switch_to.default_content()
    assert source["x"] + source["width"] <= target["x"]


def test_a_dropped_file_at_phone_width(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, server, 375, 812)
    browser.execute_script(
        "const file = new File([arguments[0]], 'lage.md', {type: 'text/markdown'});"
        "const data = new DataTransfer(); data.items.add(file);"
        "const zone = document.getElementById('drop');"
        "for (const type of ['dragenter', 'dragover', 'drop']) {"
        "  zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true,"
        "                                        cancelable: true})); }",
        MARKDOWN,
    )
    assert browser.find_element(By.ID, "file-name").text == "Chosen: lage.md"
    browser.find_element(By.ID, "go").click()
    status = _wait_done(browser)
    assert status.startswith("Done"), status
    seen = browser.execute_script("return window.seen")
    assert seen[0].startswith("Uploading lage.md")
    review = _review(browser)
    assert any("Zaporizhzhia" in t for t in review["target"]), review
    name, content = _download(browser)
    assert name == "lage.en.md"
    assert content.startswith("# Lage im Osten") and "Zaporizhzhia" in content
    # Nothing wider than the phone: no sideways scrolling.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 375
    frame = browser.find_element(By.ID, "review").rect
    assert frame["width"] <= 375 - 16
    # A term looked up in the glossary, by keyboard.
    term = browser.find_element(By.ID, "term")
    term.send_keys("Kiew\n")
    deadline = time.monotonic() + 30
    while not browser.find_elements(By.CSS_SELECTOR, "#terms li") and time.monotonic() < deadline:
        time.sleep(0.1)
    entries = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#terms li")]
    assert any(e.startswith("Kiew → Kyiv") for e in entries), entries
    _screenshot(browser, tmp_path / "serve-phone.png")


def test_an_unreadable_file_is_said_on_the_page(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, server, 1280)
    browser.execute_script(
        "const file = new File(['%PDF-1.4 kaputt'], 'kaputt.pdf');"
        "const data = new DataTransfer(); data.items.add(file);"
        "document.getElementById('drop').dispatchEvent(new DragEvent('drop',"
        " {dataTransfer: data, bubbles: true, cancelable: true}));"
    )
    browser.find_element(By.ID, "go").click()
    status = _wait_done(browser)
    assert status.startswith("Error:") and "PDF" in status, status
    assert "error" in browser.find_element(By.ID, "status").get_attribute("class")
