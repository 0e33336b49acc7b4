"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

#: Words and marks of German news text, including the hard cases (ordinals, abbreviations,
#: quotes, ellipses) and the invisible junk PDF extraction leaves behind.
_TOKENS = st.sampled_from(
    [
        "Die", "Truppen", "ziehen", "sich", "zurück", "nach", "und", "der", "Kursk", "Region",
        "Soldaten.", "sagte", "er.", "31.", "Januar", "2025", "Kursk…", "z. B.", "12.000",
        "„Wir", "sind“,", "DPRK-Truppen", "ukrainischen", "Verluste,", "gemeldet.", "Nr. 6",
        "fehlt", "Ukraine", "?", "!", "–", "(ISW)", "ä", "\u00ad", "\u200b", "\u00a0", "\t",
    ]
)  # fmt: skip
_HYPHEN_TOKENS = st.sampled_from(["Verteidigungs-", "DPRK-", "Ost-", "3-", "Nikolayevo-"])
#: Spaces, line breaks, blank lines and page breaks (several blank lines), CRLF.
_SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n", "\n\n", "\n\n\n\n", "\r\n", "  "])


@st.composite
def pdf_like(draw: st.DrawFn, hyphens: bool = True) -> str:
    """Text shaped like a PDF extraction: words, wrapped lines, blank lines, page breaks."""
    tokens = _TOKENS | _HYPHEN_TOKENS if hyphens else _TOKENS
    parts = draw(st.lists(st.tuples(tokens, _SEPARATORS), max_size=80))
    return "".join(t + s for t, s in parts)
