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
    """Rewrite the target's quotation marks the English way, tracking open/close.

    A target with German marks („ ‚ » «) is converted as a whole (its “ is a German closing
    mark); otherwise only straight quotes are curled, when the source quotes the German
    way. Either way a second pass changes nothing.
    """
    german_target = any(ch in target for ch in "„‚»«")
    if not german_target and not (any(ch in source for ch in "„»«") and '"' in target):
        return target, []
    toggles = _DOUBLE_TOGGLE if german_target else '"'
    out: list[str] = []
    double_open = _starts_inside(source)
    single_open = False
    for ch in target:
        if ch in _DOUBLE_OPEN or (ch in toggles and not double_open):
            out.append("“")
            double_open = True
        elif ch in toggles or (german_target and ch == "”"):
            out.append("”")
            double_open = False
        elif german_target and (ch == "‚" or (ch == "‘" and not single_open)):
            out.append("‘")
            single_open = True
        elif german_target and ch == "‘":
            out.append("’")
            single_open = False
        else:
            if not german_target and ch in "“”":
                double_open = ch == "“"  # English marks already there count for the state
            out.append(ch)
    fixed = "".join(out)
    if fixed == target:
        return target, []
    return fixed, [Flag("quotes", "quotation marks written the English way", "info",
                        fixed=True)]
