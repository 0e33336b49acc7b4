"""Turn a TranslationResult into text, Markdown, JSON or an HTML review page."""

from __future__ import annotations

import json

from .result import TranslationResult

FORMATS = ("text", "markdown", "json", "html")
EXTENSIONS = {"text": ".txt", "markdown": ".md", "json": ".json", "html": ".html"}


def render(result: TranslationResult, fmt: str = "text") -> str:
    if fmt == "text":
        return render_text(result)
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .review import render_html

        return render_html(result)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_text(result: TranslationResult) -> str:
    """Paragraphs (headings included) separated by one blank line."""
    return "\n\n".join(p.target for p in result.paragraphs) + "\n"


def render_markdown(result: TranslationResult) -> str:
    """The title as `#`, headings as `##`, the date and section label in italics."""
    parts: list[str] = []
    for p in result.paragraphs:
        text = p.target
        if p.kind == "title":
            parts.append(f"# {text}")
        elif p.kind == "heading":
            parts.append(f"## {text}")
        elif p.kind in ("date", "label"):
            parts.append(f"*{text}*")
        else:
            parts.append(text)
    return "\n\n".join(parts) + "\n"
