"""Plain text extracted from PDFs, rebuilt into its paragraphs (tests/textset.py: German
news-like articles wrapped, hyphenated and soft-hyphenated, with page breaks inside
paragraphs). Figures for more seeds: benchmarks/bench_text_rebuild.py."""

from __future__ import annotations

from tests.textset import SOFT_HYPHEN, Style, articles, exact_paragraphs, render, variants


def _share(blank_between: bool) -> float:
    exact = total = 0
    for text, paragraphs, _ in variants(0, blank_between=blank_between):
        total += len(paragraphs)
        exact += exact_paragraphs(text, paragraphs)
    return exact / total


def test_the_set_is_large_and_varied() -> None:
    texts = list(variants(0))
    assert len(articles()) >= 10
    assert sum(len(p) for _, p, _ in texts) >= 500
    styles = {s for _, _, s in texts}
    assert {s.hyphen for s in styles} == {"-", SOFT_HYPHEN}
    assert any(s.page_lines for s in styles) and len({s.width for s in styles}) >= 5
    assert any(SOFT_HYPHEN + "\n" in t for t, _, _ in texts)
    assert any("-\n" in t for t, _, _ in texts)


def test_paragraphs_apart_by_blank_lines_rebuild_exactly() -> None:
    # The seed's form; each paragraph exact, wrapped, hyphenated, across page breaks.
    assert _share(blank_between=True) >= 0.97


def test_paragraphs_without_blank_lines_mostly_rebuild() -> None:
    # Only a short last line marks a paragraph's end: a full one is ambiguous.
    assert _share(blank_between=False) >= 0.70


def test_a_page_break_inside_a_paragraph_and_inside_a_word() -> None:
    paragraph = articles()[8][4][1]  # the storm's second paragraph: long, with a semicolon
    blocks = [("title", "Erster Herbststurm"), ("paragraph", paragraph)]
    after_sentence = inside_word = 0
    for width in (42, 50, 58, 66, 75):
        for hyphen in ("-", SOFT_HYPHEN):
            for page_lines in range(3, 9):
                style = Style(width=width, hyphen=hyphen, page_lines=page_lines)
                text = render(blocks, style)
                assert exact_paragraphs(text, [paragraph]) == 1, text
                before_break = text.split("\f")[0].rstrip("\n")
                after_sentence += before_break.endswith((".", ";"))
                inside_word += before_break.endswith(("-", SOFT_HYPHEN))
    assert after_sentence and inside_word  # the cases that matter were met


def test_a_soft_hyphen_at_a_line_end_always_joins_the_word() -> None:
    from translator.text.layout import rebuild

    text = "Der Nord\u00ad\n\n\n\nOstsee-Kanal ist lang.\n"
    assert [b.text for b in rebuild(text)] == ["Der NordOstsee-Kanal ist lang."]


def test_control_characters_in_text_and_markdown_are_counted() -> None:
    from translator.formats.markdown import read_markdown
    from translator.formats.text import read_text

    data = b"Die Truppen\x07 ziehen\x01 ab.\n"
    text = read_text(data)
    assert [b.text for b in text.blocks] == ["Die Truppen ziehen ab."]
    assert text.losses == {"control_characters": 2}
    assert read_markdown(data).losses == {"control_characters": 2}
    assert read_text(b"Sauber.\tUnd\fgut.\n").losses == {}
