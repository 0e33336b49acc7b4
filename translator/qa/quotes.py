"""German quotation marks „…“ and ‚…‘ (and »…«) become English “…” and ‘…’."""

from __future__ import annotations

from ..result import Flag

_DOUBLE_OPEN = "„"  # always opens a quotation
# German closing mark or English opening mark, straight quote, guillemets: open or close
# depending on whether a quotation is open.
_DOUBLE_TOGGLE = '“"»«'


def _starts_inside(source: str) -> bool:
    """Does the source sentence close a quotation opened in an earlier sentence?"""
    depth = 0
    for ch in source:
        if ch in "„»" or (ch == '"' and depth == 0):
            depth += 1
        elif ch in "“«\"":
            if depth == 0:
                return True
            depth -= 1
    return False


def fix_quotes(source: str, target: str) -> tuple[str, list[Flag]]:
    """Rewrite the target's quotation marks the English way, tracking open/close."""
    if not any(ch in target for ch in "„‚»«") and not (
        any(ch in source for ch in "„‚»«") and any(ch in target for ch in '"“‘')
    ):
        return target, []
    out: list[str] = []
    double_open = _starts_inside(source)
    single_open = False
    for ch in target:
        if ch in _DOUBLE_OPEN or (ch in _DOUBLE_TOGGLE and not double_open):
            out.append("“")
            double_open = True
        elif ch in _DOUBLE_TOGGLE or ch == "”":
            out.append("”")
            double_open = False
        elif ch == "‚" or (ch == "‘" and not single_open):
            out.append("‘")
            single_open = True
        elif ch == "‘":
            out.append("’")
            single_open = False
        else:
            out.append(ch)
    fixed = "".join(out)
    if fixed == target:
        return target, []
    return fixed, [Flag("quotes", "German quotation marks written the English way", "info",
                        fixed=True)]
