"""Numbers and dates: every one in the German source must appear in the English target.

German writes ``12.000`` and ``3,5``, ``31. Januar 2025`` and ``des 6. Regiments``; English
writes ``12,000``, ``3.5``, ``January 31, 2025`` and ``the 6th Regiment``. Source quantities
are compared with the target's by value. A German form copied into the target is an
unambiguous slip and is corrected; anything else missing (or a number the source never had)
is flagged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..result import Flag

# German scale words (note: German "Billion" is English "trillion").
_DE_SCALES = {
    "tausend": 3, "tsd": 3, "mio": 6, "million": 6, "millionen": 6,
    "mrd": 9, "milliarde": 9, "milliarden": 9, "bio": 12, "billion": 12, "billionen": 12,
}
_EN_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}


#: The locales whose month names are read (``root`` is read with each).
_MONTH_LOCALES = ("de", "de_AT", "de_CH", "en")
#: Bumped whenever `_months_from_cldr` changes what it returns (a stored table is then unused).
_MONTHS_FORMAT = 1
Months = tuple[dict[str, int], dict[str, int], list[str]]


@lru_cache(maxsize=1)
def _months() -> Months:
    """German and English month names (wide and abbreviated) from the CLDR data in babel.

    Reading them loads babel's locale data (~0.03 s of CPU at every start), so the table is
    kept in the cache folder under a name that hashes the locale files' path, size and
    modification time (`_months_file`): other CLDR data (another babel) is another file. A
    missing, damaged or unwritable file only means reading the CLDR data again."""
    path = _months_file()
    if path is not None:
        stored = _read_months(path)
        if stored is not None:
            return stored
    months = _months_from_cldr()
    if path is not None:
        import contextlib
        import json

        from ..files import write_atomic

        de, en, wide = months
        with contextlib.suppress(Exception):  # a cache: never a reason to fail
            write_atomic(path, json.dumps({"de": de, "en": en, "wide": wide}, ensure_ascii=False))
    return months


def _months_file(data: Path | None = None) -> Path | None:
    """The stored table of the CLDR data in ``data`` (babel's ``locale-data`` folder, found
    without importing babel), or None when there is none to read."""
    import hashlib

    from .. import config

    if data is None:
        from importlib.util import find_spec

        spec = find_spec("babel")
        if spec is None or not spec.submodule_search_locations:
            return None
        data = Path(next(iter(spec.submodule_search_locations))) / "locale-data"
    digest = hashlib.sha256(f"months/{_MONTHS_FORMAT}".encode())
    for name in ("root", *_MONTH_LOCALES):
        file = data / f"{name}.dat"
        try:
            stat = file.stat()
        except OSError:
            return None
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return config.cache_dir() / "qa" / f"months-{digest.hexdigest()[:24]}.json"


def _read_months(path: Path) -> Months | None:
    """The table stored in ``path`` if it is one (month numbers 1-12), else None."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        de, en, wide = data["de"], data["en"], data["wide"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    tables = (de, en)
    if not all(isinstance(t, dict) and t for t in tables) or not isinstance(wide, list):
        return None
    if not all(isinstance(k, str) and v in range(1, 13) for t in tables for k, v in t.items()):
        return None
    if len(wide) != 12 or not all(isinstance(w, str) and w for w in wide):
        return None
    return de, en, wide


def _months_from_cldr() -> Months:
    """`_months` read from babel's CLDR data."""
    from babel import Locale

    def get_month_names(width: str, context: str, locale: str) -> dict[int, str]:
        # What babel.dates.get_month_names returns (unpickling the locale data imports
        # babel.dates all the same: the stored table is what spares a start both).
        return dict(Locale.parse(locale).months[context][width])

    widths: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")
    contexts: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")
    de: dict[str, int] = {}
    for locale in _MONTH_LOCALES[:-1]:
        for width in widths:
            for context in contexts:
                for num, name in get_month_names(width, context, locale).items():
                    de[name.rstrip(".").lower()] = num
    en: dict[str, int] = {}
    for width in widths:
        for num, name in get_month_names(width, "format", "en").items():
            en[name.lower()] = num
    en["sept"] = 9
    wide = [get_month_names("wide", "format", "en")[i] for i in range(1, 13)]
    return de, en, wide


def _alt(names: dict[str, int]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def warm_up() -> None:
    """Compile the patterns now rather than at the first sentence."""
    _patterns()


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    de, en, _ = _months()
    de_month = rf"(?P<month>{_alt(de)})\.?"
    en_month = rf"(?P<month>{_alt(en)})\.?"
    any_month = rf"(?P<month>{_alt({**de, **en})})\.?"
    year = r"(?:,?\s+(?P<year>\d{4}))?"
    flags = re.IGNORECASE
    return {
        # source (German)
        "de_date": re.compile(rf"(?<![\d.])(?P<day>\d{{1,2}})\.\s*{de_month}{year}\b", flags),
        "de_numdate": re.compile(
            r"(?<![\d.,])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})?(?![\d,])"
        ),
        "de_time": re.compile(r"(?<![\d.,])(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s*Uhr\b"),
        "de_ordinal": re.compile(r"(?<![\d.,])(?P<n>\d{1,3})\.(?=\s+[^\W\d_])"),
        "de_number": re.compile(
            r"(?<![\w.,])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[ '’\u00a0\u202f]\d{3})+"
            r"(?:,\d+)?(?![\d.,]\d)|\d+,\d+|\d+(?:\.\d+)+|\d+)"
            r"(?![\d])(?:\s*(?P<scale>[A-Za-zä]+)\.?)?"
        ),
        # target (English, and the German slips a target may contain)
        "en_date_us": re.compile(
            rf"\b{en_month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{year}", flags
        ),
        "en_date_uk": re.compile(
            rf"(?<![\d.])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?P<dot>\.)?\s+(?:of\s+)?{any_month}"
            rf"{year}\b",
            flags,
        ),
        "en_time": re.compile(
            r"(?<![\d.,])(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
            r"|(?<![\d.,])(?P<h24>\d{1,2}):(?P<m24>\d{2})(?!\d)",
            flags,
        ),
        "en_ordinal": re.compile(r"(?<![\d.,])(?P<n>\d+)(?:st|nd|rd|th)\b", flags),
        "en_number": re.compile(
            r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f]\d{3})+"
            r"|\d+\.\d+|\d+)(?![\d])(?:\s*(?P<scale>[A-Za-z]+))?"
        ),
    }


@dataclass
class Quantity:
    """A number, ordinal, date or time found in a sentence."""

    kind: str  # number | ordinal | date | numdate | time
    raw: str  # as written
    key: tuple[object, ...]  # what must match between source and target
    english: str  # the canonical English form
    start: int = 0
    end: int = 0


# -- English forms ---------------------------------------------------------------------------


def english_number(raw: str) -> str:
    """The English form of a German number: 12.000 -> 12,000; 3,5 -> 3.5; 1980 -> 1980.

    Thousands get commas when the German had separators or the number has five digits or
    more (years and other four-digit numbers are written without).
    """
    whole, _, frac = raw.partition(",")
    digits = re.sub(r"\D", "", whole)
    grouped = digits != whole or len(digits) >= 5
    out = f"{int(digits):,}" if grouped else digits
    return f"{out}.{frac}" if frac else out


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def english_date(day: int, month: int, year: int | None) -> str:
    name = _months()[2][month - 1]
    return f"{name} {day}, {year}" if year else f"{name} {day}"


def _parse_de(num: str) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(?:[. '’\u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?", num):
        return Decimal(re.sub(r"[. '’\u00a0\u202f]", "", num).replace(",", "."))
    return None  # "1.5" in German copy: a version or a code, compared as written


def _parse_en(num: str) -> Decimal:
    return Decimal(re.sub(r"[,\u00a0\u202f]", "", num))


def _scaled(value: Decimal, scale: str | None, table: dict[str, int]) -> Decimal:
    """The value times its scale word (1,5 Mio. -> 1500000), normalised for comparison."""
    if scale and scale.lower() in table:
        value = value.scaleb(table[scale.lower()])
    return value.normalize()


# -- extraction ------------------------------------------------------------------------------


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def source_quantities(source: str) -> list[Quantity]:
    """Numbers, ordinals, dates and times in a German sentence, in order of appearance."""
    p = _patterns()
    de_months = _months()[0]
    found: list[Quantity] = []
    text = source
    for m in p["de_date"].finditer(text):
        day, month = int(m["day"]), de_months[m["month"].lower()]
        year = int(m["year"]) if m["year"] else None
        if 1 <= day <= 31:
            found.append(Quantity("date", m[0], ("date", day, month, year),
                                  english_date(day, month, year), m.start(), m.end()))
            text = _mask(text, m.start(), m.end())
    for m in p["de_numdate"].finditer(text):
        day, month = int(m["day"]), int(m["month"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            year = int(m["year"]) if m["year"] else None
            if year is not None and year < 100:
                year += 2000
            found.append(Quantity("numdate", m[0], ("date", day, month, year),
                                  english_date(day, month, year), m.start(), m.end()))
            text = _mask(text, m.start(), m.end())
    for m in p["de_time"].finditer(text):
        h, mi = int(m["h"]), int(m["m"] or 0)
        if h <= 24 and mi < 60:
            found.append(Quantity("time", m[0], ("time", h % 24, mi), f"{h:02d}:{mi:02d}",
                                  m.start(), m.end()))
            text = _mask(text, m.start(), m.end())
    for m in p["de_ordinal"].finditer(text):
        n = int(m["n"])
        found.append(Quantity("ordinal", m[0], ("ordinal", n), english_ordinal(n),
                              m.start(), m.end()))
        text = _mask(text, m.start(), m.end())
    for m in p["de_number"].finditer(text):
        num = m["num"]
        value = _parse_de(num)
        if value is None:
            found.append(Quantity("number", num, ("literal", num), num, m.start(), m.end("num")))
            continue
        scale = m["scale"] if (m["scale"] or "").lower() in _DE_SCALES else None
        english = english_number(num)
        if scale:  # "1,5 Billionen" is "1.5 trillion": say so in the messages
            num = f"{num} {scale}"
            english += " " + next(k for k, v in _EN_SCALES.items() if v == _DE_SCALES[
                scale.lower()])
        found.append(Quantity("number", num, ("number", _scaled(value, scale, _DE_SCALES)),
                              english, m.start(), m.end("scale" if scale else "num")))
    found.sort(key=lambda q: q.start)
    return found


def target_quantities(target: str) -> list[Quantity]:
    """Numbers, ordinals, dates and times in an English sentence (German slips included)."""
    p = _patterns()
    de_months, en_months, _ = _months()
    months = {**de_months, **en_months}
    found: list[Quantity] = []
    text = target
    for name, kind in (("en_date_us", "date"), ("en_date_uk", "date-dmy")):
        for m in p[name].finditer(text):
            day, month = int(m["day"]), months[m["month"].lower()]
            year = int(m["year"]) if m["year"] else None
            if 1 <= day <= 31:
                found.append(Quantity(kind, m[0], ("date", day, month, year),
                                      english_date(day, month, year), m.start(), m.end()))
                text = _mask(text, m.start(), m.end())
    for m in p["en_time"].finditer(text):
        if m["h"] is not None:
            h, mi = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "p" else 0), int(m["m"] or 0)
        else:
            h, mi = int(m["h24"]), int(m["m24"])
        found.append(Quantity("time", m[0], ("time", h % 24, mi), m[0], m.start(), m.end()))
        text = _mask(text, m.start(), m.end())
    for m in p["en_ordinal"].finditer(text):
        n = int(m["n"])
        found.append(Quantity("ordinal", m[0], ("ordinal", n), m[0], m.start(), m.end()))
        text = _mask(text, m.start(), m.end())
    for m in p["en_number"].finditer(text):
        num = m["num"]
        try:
            value = _parse_en(num)
        except InvalidOperation:  # pragma: no cover - the pattern only admits digits
            continue
        scale = m["scale"] if (m["scale"] or "").lower() in _EN_SCALES else None
        key: tuple[object, ...] = ("number", _scaled(value, scale, _EN_SCALES))
        raw = f"{num} {scale}" if scale else num
        found.append(Quantity("number", raw, key, raw, m.start(), m.end("scale" if scale else
                                                                         "num")))
    found.sort(key=lambda q: q.start)
    return found


# -- spelled-out numbers -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _spelled(key: tuple[object, ...], lang: str) -> tuple[str, ...]:
    """How ``key`` may be written out in words (num2words), e.g. 6th -> 'sixth'."""
    from num2words import num2words

    kind, *rest = key
    try:
        if kind == "ordinal" and lang == "en":
            n = int(rest[0])  # type: ignore[call-overload]
            return (num2words(n, lang="en", to="ordinal"),) if n <= 100 else ()
        if kind == "number":
            value = rest[0]
            assert isinstance(value, Decimal)
            if value != value.to_integral_value() or not 0 <= value <= 100:
                return ()
            word = num2words(int(value), lang=lang)
            if lang == "de":
                # German inflects "ein": ein, eine, einen, einem, einer, eines; "eins" alone
                return ("ein", "eine", "einen", "einem", "einer", "eines", "eins") if value == 1 \
                    else (word,)
            return (word, word.replace("-", " ")) + (("a", "an") if value == 1 else ())
    except (NotImplementedError, OverflowError, ValueError):
        return ()
    return ()


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


# -- the check ---------------------------------------------------------------------------------


def _slip_fixes(source_qs: list[Quantity], target: str) -> tuple[str, list[Flag]]:
    """Correct German number, ordinal and date forms copied into the English target."""
    flags: list[Flag] = []
    # Dates first (their "31." is no ordinal): German or British forms become the English
    # "January 31, 2025".
    for q in source_qs:
        if q.kind not in ("date", "numdate"):
            continue
        for t in target_quantities(target):
            if t.key == q.key and t.kind == "date-dmy":
                target = target[: t.start] + q.english + target[t.end :]
                flags.append(Flag("date-format", f"date {t.raw!r} written as {q.english!r}",
                                  "info", fixed=True))
                break
    de_months, en_months, _ = _months()
    not_month = rf"(?!\s+(?:{_alt({**de_months, **en_months})})\b)"
    have = Counter(q.key for q in target_quantities(target))
    for q in source_qs:
        if have[q.key] > 0:
            have[q.key] -= 1
            continue
        if q.kind == "number" and q.raw != q.english:
            # "12.000" (or "3,5") copied as written would read as 12.0 (or two numbers).
            pat = re.compile(rf"(?<![\w.,]){re.escape(q.raw)}(?![\d]|[.,]\d)")
            target, n = pat.subn(q.english, target, count=1)
            if n:
                flags.append(Flag("number-format", f"{q.raw} written the English way: "
                                  f"{q.english}", "info", fixed=True))
        elif q.kind == "ordinal":
            pat = re.compile(rf"(?<![\d.,]){q.key[1]}\.{not_month}(?=\s+[^\W\d_])",
                             re.IGNORECASE)
            target, n = pat.subn(q.english, target, count=1)
            if n:
                flags.append(Flag("ordinal-format", f"ordinal {q.raw} written as {q.english}",
                                  "info", fixed=True))
    return target, flags


def check_numbers(source: str, target: str) -> tuple[str, list[Flag]]:
    """Fix German number/date slips in ``target``; flag numbers missing or added."""
    source_qs = source_quantities(source)
    target, flags = _slip_fixes(source_qs, target)
    targets = target_quantities(target)
    have = Counter(q.key for q in targets)
    missing: list[Quantity] = []
    for q in source_qs:
        if have[q.key] > 0:
            have[q.key] -= 1
        elif q.key[0] == "literal" and str(q.key[1]) in target:
            continue
        elif q.kind == "numdate" and q.raw in target:
            continue
        elif q.kind == "time" and re.search(
            rf"(?<!\d){q.key[1]}(?:[.:]{q.key[2]:02d})?(?!\d)", target
        ):
            continue
        elif any(_has_word(target, w) for w in _spelled(q.key, "en")):
            continue
        else:
            missing.append(q)
    for q in missing:
        shown = q.raw if q.raw == q.english else f"{q.raw} ({q.english})"
        flags.append(Flag("number-missing", f"{shown} from the source is not in the translation",
                          "error"))
    extra = [q for q in targets if have[q.key] > 0 and not _from_source_words(q, source)]
    for q in extra:
        have[q.key] -= 1
        flags.append(Flag("number-extra", f"{q.raw} is in the translation but not in the source",
                          "warning"))
    return target, flags


def _from_source_words(q: Quantity, source: str) -> bool:
    """A target number may come from a German number word ("drei Wochen" -> "3 weeks")."""
    if q.key[0] == "number" and str(q.raw) in source:
        return True  # written the same way in both (a code, a version, a year)
    return any(_has_word(source, w) for w in _spelled(q.key, "de"))


def iter_numbers(text: str) -> Iterator[str]:
    """The raw numbers of a German text (for reports and tests)."""
    return (q.raw for q in source_quantities(text))
