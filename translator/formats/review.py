"""The HTML review page (``--format review``): one self-contained file an analyst reads.

Source and translation side by side per paragraph (stacked on a phone), glossary terms
highlighted by status (applied / repaired / missed / suggested; transliterated names in their
own colour), the QA flags of every sentence next to it, and the signature of what produced the
translation at the bottom. Inline CSS only: no scripts, fonts or images to fetch, so the page
works offline and from an e-mail attachment. Everything taken from the document is escaped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html import escape

from ..result import Flag, ParagraphResult, SentenceResult, TermHit, TranslationResult
from .base import Codec, Document

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

_CSS = """
:root { --fg:#1d2330; --muted:#5d6677; --line:#d9dde5; --bg:#fff; --band:#f5f6f8;
  --ok:#d7f2dd; --ok-line:#2f8a46; --fix:#fde9c4; --fix-line:#b5790f;
  --miss:#fbd5d5; --miss-line:#c22a2a; --info:#dfe9fb; --info-line:#2d5fb8;
  --name:#ece1fa; --name-line:#7443b5; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  color:var(--fg); background:var(--bg); }
header, main, footer { max-width:1400px; margin:0 auto; padding:0 1.25rem; }
header { padding-top:1rem; border-bottom:1px solid var(--line); }
h1 { font-size:1.35rem; margin:.2rem 0 .4rem; overflow-wrap:anywhere; }
header p, header div, ul.flags li { overflow-wrap:anywhere; }
.summary { margin:.2rem 0; color:var(--muted); }
.summary b { color:var(--fg); }
.legend { display:flex; flex-wrap:wrap; gap:.4rem .9rem; margin:.5rem 0 .8rem;
  font-size:.85rem; color:var(--muted); align-items:center; }
.filter { font-size:.85rem; color:var(--muted); }
.colhead { display:grid; grid-template-columns:2.2rem 1fr 1fr; gap:1.25rem;
  font-size:.75rem; text-transform:uppercase; letter-spacing:.06em; color:var(--muted);
  padding:.6rem 0 .2rem; }
.row { display:grid; grid-template-columns:2.2rem 1fr 1fr; gap:1.25rem;
  padding:.75rem 0; border-bottom:1px solid var(--line); }
.row.flagged { background:linear-gradient(90deg, var(--band), transparent 60%); }
.num { color:var(--muted); font-size:.8rem; text-align:right; padding-top:.2rem; }
.col { min-width:0; overflow-wrap:anywhere; }
.col .label { display:none; }
.kind-title .col, .kind-heading .col { font-weight:650; font-size:1.05rem; }
.kind-date .col, .kind-label .col { font-style:italic; color:var(--muted); }
.sent { border-radius:3px; }
.sent sup.sn { color:var(--muted); font-size:.65em; margin-right:.15em; font-weight:400; }
.sent.sev-error { text-decoration:underline wavy var(--miss-line); text-underline-offset:3px; }
.term { padding:0 .15em; border-radius:3px; border-bottom:2px solid; }
.term.applied { background:var(--ok); border-color:var(--ok-line); }
.term.repaired { background:var(--fix); border-color:var(--fix-line); }
.term.missed { background:var(--miss); border-color:var(--miss-line); }
.term.suggested { background:var(--info); border-color:var(--info-line);
  border-bottom-style:dashed; }
.term.transliterated { background:var(--name); border-color:var(--name-line); }
.badge { display:inline-block; font-size:.7rem; font-weight:600; line-height:1.3;
  padding:.05rem .35rem; border-radius:999px; vertical-align:.12em; margin-left:.2rem;
  border:1px solid; white-space:nowrap; font-style:normal; }
.badge.sev-error { background:var(--miss); border-color:var(--miss-line); color:#7d1212; }
.badge.sev-warning { background:var(--fix); border-color:var(--fix-line); color:#6b4500; }
.badge.sev-info { background:var(--info); border-color:var(--info-line); color:#1d3f7c; }
ul.flags { list-style:none; margin:.5rem 0 0; padding:0; font-size:.85rem; }
ul.flags li { margin:.2rem 0; padding:.25rem .5rem; border-left:3px solid; border-radius:2px;
  font-style:normal; font-weight:400; }
ul.flags li.sev-error { border-color:var(--miss-line); background:#fdf0f0; }
ul.flags li.sev-warning { border-color:var(--fix-line); background:#fff8eb; }
ul.flags li.sev-info { border-color:var(--info-line); background:#f1f5fd; }
ul.flags code { font-size:.8rem; }
.filter { cursor:pointer; text-decoration:underline dotted; }
.filter::before { content:"☐ "; }
#only-flagged:checked ~ header .filter::before { content:"☑ "; }
#only-flagged:checked ~ main .row:not(.flagged) { display:none; }
footer { padding-top:1rem; padding-bottom:2rem; color:var(--muted); font-size:.8rem; }
footer h2 { font-size:.9rem; margin:.5rem 0; color:var(--fg); }
footer dl { display:grid; grid-template-columns:max-content 1fr; gap:.15rem 1rem; margin:0; }
footer dt { font-weight:600; }
footer dd { margin:0; overflow-wrap:anywhere; font-family:ui-monospace,monospace; }
@media (max-width: 760px) {
  header, main, footer { padding:0 .8rem; }
  .colhead { display:none; }
  .row { grid-template-columns:1fr; gap:.35rem; }
  .num { text-align:left; padding:0; font-size:.7rem; }
  .num::before { content:"¶ "; }
  .col .label { display:block; font-size:.7rem; text-transform:uppercase;
    letter-spacing:.06em; color:var(--muted); font-weight:400; font-style:normal; }
  .col.target { padding-top:.35rem; border-top:1px dashed var(--line); }
}
"""


def render_html(result: TranslationResult) -> str:
    """The review page for ``result`` as one self-contained HTML document."""
    # The file name, not its path: a path as long as a phone is wide would make the page scroll
    # sideways (the whole path is in the footer).
    name = _file_name(result.name)
    title = f"Translation review: {name}" if name else "Translation review"
    most = max((len(p.sentences) for p in result.paragraphs), default=0)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}{_hover_css(most)}</style>",
        "</head>",
        "<body>",
        '<input type="checkbox" id="only-flagged" hidden>',
        _header(result, title),
        "<main>",
        '<div class="colhead" aria-hidden="true"><span></span><span>German source</span>'
        "<span>English translation</span></div>",
    ]
    parts += [_row(i, p) for i, p in enumerate(result.paragraphs)]
    parts += ["</main>", _footer(result), "</body>", "</html>", ""]
    return "\n".join(parts)


# -- header and footer ---------------------------------------------------------------------


def _file_name(name: str | None) -> str:
    """The last component of ``name`` (a POSIX or Windows path), or the name itself."""
    if not name:
        return ""
    return re.split(r"[/\\]", name.rstrip("/\\"))[-1] or name


def _header(result: TranslationResult, title: str) -> str:
    terms = Counter(t.status for t in result.terms)
    flags = result.flags
    open_flags = Counter(f.severity for f in flags if not f.fixed)
    fixed = sum(1 for f in flags if f.fixed)
    n_sent = len(result.sentences)
    flagged_rows = sum(1 for p in result.paragraphs if _flagged(p))
    summary = (
        f"<b>{len(result.paragraphs)}</b> paragraphs · <b>{n_sent}</b> sentences · terms: "
        f"<b>{terms['applied']}</b> applied, <b>{terms['repaired']}</b> repaired, "
        f"<b>{terms['transliterated']}</b> names transliterated, "
        f'<b class="missed-count">{terms["missed"]}</b> missed, '
        f"<b>{terms['suggested']}</b> suggested · flags: "
        f"<b>{open_flags['error']}</b> errors, <b>{open_flags['warning']}</b> warnings, "
        f"<b>{fixed}</b> fixed by the tool"
    )
    legend = (
        '<span class="term applied">applied</span>'
        '<span class="term repaired">repaired</span>'
        '<span class="term missed">missed</span>'
        '<span class="term suggested" title="a word with several senses: the glossary suggests '
        'a rendering and changes nothing">suggested</span>'
        '<span class="term transliterated" title="a Slavic name no glossary entry lists, '
        'rewritten from German into English spelling">name transliterated</span>'
        "<span>Flags:</span>"
        '<span class="badge sev-error">error</span>'
        '<span class="badge sev-warning">warning</span>'
        '<span class="badge sev-info">fixed / info</span>'
        f'<label class="filter" for="only-flagged">show only the {flagged_rows} '
        "paragraphs with open flags or missed terms</label>"
    )
    return (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="summary">{summary}</p>'
        f'<div class="legend">Terms: {legend}</div></header>'
    )


def _footer(result: TranslationResult) -> str:
    rows = [f"<dt>source</dt><dd>{escape(result.name)}</dd>"] if result.name else []
    for key, value in {**result.signature, **{f"stats.{k}": v for k, v in
                                               result.stats.items()}}.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                               default=str)
        rows.append(f"<dt>{escape(str(key))}</dt><dd>{escape(str(shown))}</dd>")
    return (
        '<footer class="signature"><h2>Signature</h2>'
        f"<dl>{''.join(rows)}</dl></footer>"
    )


# -- rows ----------------------------------------------------------------------------------


def _flagged(p: ParagraphResult) -> bool:
    return any(
        any(not f.fixed and f.severity != "info" for f in s.flags)
        or any(t.status == "missed" for t in s.terms)
        for s in p.sentences
    )


def _row(index: int, p: ParagraphResult) -> str:
    kind = re.sub(r"[^a-z-]", "", p.kind.lower()) or "paragraph"
    classes = f"row kind-{kind}" + (" flagged" if _flagged(p) else "")
    numbered = len(p.sentences) > 1
    src = " ".join(_sentence(s, n, "source", numbered) for n, s in enumerate(p.sentences, 1))
    tgt = " ".join(_sentence(s, n, "target", numbered) for n, s in enumerate(p.sentences, 1))
    if not p.sentences:  # an empty block still gets its row: nothing disappears
        src = escape(p.source)
    notes = _notes(p, numbered)
    return (
        f'<section class="{classes}" id="p{index + 1}" data-paragraph="{index}">'
        f'<div class="num">{index + 1}</div>'
        f'<div class="col source" lang="de"><span class="label">German</span>{src}</div>'
        f'<div class="col target" lang="en"><span class="label">English</span>{tgt}{notes}'
        "</div></section>"
    )


def _worst(flags: list[Flag]) -> str | None:
    open_ = [f.severity for f in flags if not f.fixed and f.severity != "info"]
    return min(open_, key=_SEVERITY_ORDER.__getitem__) if open_ else None


def _sentence(s: SentenceResult, n: int, side: str, numbered: bool) -> str:
    text = s.source if side == "source" else s.target
    spans = _term_spans(text, s.terms, side)
    body = _mark(text, spans)
    number = f'<sup class="sn">{n}</sup>' if numbered else ""
    cls = "sent"
    badges = ""
    if side == "target":
        worst = _worst(s.flags)
        if worst:
            cls += f" sev-{worst}"
        badges = "".join(
            f'<span class="badge sev-{"info" if f.fixed else _sev(f)}" '
            f'title="{escape(f.message)}">{escape(f.code)}</span>'
            for f in sorted(s.flags, key=lambda f: (f.fixed, _SEVERITY_ORDER.get(f.severity, 3)))
        )
    return f'<span class="{cls}" data-s="{n}">{number}{body}{badges}</span>'


def _sev(flag: Flag) -> str:
    return flag.severity if flag.severity in _SEVERITY_ORDER else "warning"


def _notes(p: ParagraphResult, numbered: bool) -> str:
    items: list[str] = []
    for n, s in enumerate(p.sentences, 1):
        where = f"<b>{n}</b> " if numbered else ""
        for f in sorted(s.flags, key=lambda f: (f.fixed, _SEVERITY_ORDER.get(f.severity, 3))):
            sev = "info" if f.fixed else _sev(f)
            state = " (fixed)" if f.fixed else ""
            items.append(
                f'<li class="flag sev-{sev}" data-code="{escape(f.code)}">{where}'
                f"<code>{escape(f.code)}</code>{state}: {escape(f.message)}</li>"
            )
        for t in s.terms:
            if t.status == "missed":
                items.append(
                    f'<li class="flag sev-error" data-code="term-missed">{where}'
                    f"<code>term-missed</code>: {escape(t.source)} → expected "
                    f"“{escape(t.expected)}” is not in the translation</li>"
                )
    return f'<ul class="flags">{"".join(items)}</ul>' if items else ""


# -- term highlighting -----------------------------------------------------------------------


def _term_spans(text: str, terms: list[TermHit], side: str) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, status, title) spans of the sentence's glossary terms."""
    spans: list[tuple[int, int, str, str]] = []
    taken = [False] * len(text)
    # Longest first, so that "Oberst Oleksandr Kindratenko" wins over "Kindratenko".
    for t in sorted(terms, key=lambda t: -len(t.source if side == "source" else t.expected)):
        if side == "target" and t.status in ("missed", "suggested"):
            continue  # not there: the note under the paragraph says so (missed only)
        needle = t.source if side == "source" else t.expected
        title = f"{t.source} → {t.expected} ({t.status}; {t.category})"
        for m in re.finditer(re.escape(needle), text, re.IGNORECASE):
            if not any(taken[m.start() : m.end()]):
                spans.append((m.start(), m.end(), t.status, title))
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                break
    return sorted(spans)


def _mark(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, status, title in spans:
        out.append(escape(text[pos:start]))
        out.append(
            f'<span class="term {escape(status)}" title="{escape(title)}">'
            f"{escape(text[start:end])}</span>"
        )
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _hover_css(most: int) -> str:
    """Pointing at a sentence on one side lights up its counterpart on the other."""
    rules = [
        f'.row:has(.sent[data-s="{n}"]:hover) .sent[data-s="{n}"]'
        for n in range(1, min(most, 60) + 1)
    ]
    return (",\n".join(rules) + " { background:#fff3b0; }\n") if rules else ""


def _write(result: TranslationResult, document: Document | None) -> str:
    return render_html(result)


#: Written, never read: the review page of any input.
CODEC = Codec(
    "review",
    write=_write,
    extension=".review.html",
    media_type="text/html; charset=utf-8",
    help="side-by-side review page",
)
