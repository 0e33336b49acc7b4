"""Does an injected rendering keep every content word of the German it replaces?

Injection replaces a German span by English (`translator.glossary.enforce`); the model never
sees the German again, so a word of the span that the rendering does not render is lost
("Tomahawk-Marschflugkörper" -> "Tomahawk" loses the cruise missile, "US-Vizepräsident" ->
"vice president" loses "U.S.", "Präsident Selenskyj" -> "President" loses the name).

`unrendered(german, english, renderings)` lists the words of ``german`` that ``english`` does not
render. The German span is split into words and hyphen parts, function words left out. A part
is *rendered* when

* it is in the English as it stands, in any case ("Tomahawk", "NATO"), or as a known rendering
  of it (``renderings(part)``: the glossary's renderings of that word, "Selenskyj" ->
  "Zelenskyy", "US" -> "U.S."), or as a close spelling of it (a transliterated name,
  "Chamenei" -> "Khamenei": difflib ratio >= `NAME_RATIO`);
* it begins with a qualifier (West-, Ost-, Nord-, Süd-, Ex-, ...) whose rest is a rendered word
  of its own ("Westbalkan": "Balkan" is, "West" must be too: "Western Balkans");
* it is a qualifying adjective ("selbsternannte", "ehemalige", "mutmaßliche") whose English
  ("self-proclaimed", "former", "alleged") is in the rendering.

Names (capitalised words German does not know as words), acronyms and qualifiers must be
rendered one by one. The other words -- German common words and compounds -- are rendered by
the English words the named parts leave over; there must be at least one such English content
word per German word ("Tomahawk-Marschflugkörper" -> "Tomahawk cruise missile" keeps both,
"Tomahawk" alone drops the missile).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

#: Least difflib similarity of a name part and an English word that spells it ("Chamenei").
NAME_RATIO = 0.6
#: German Zipf frequency below which a capitalised word is taken for a name.
GERMAN_WORD_ZIPF = 2.5

_PART = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_EN_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*\.?")

FUNCTION_WORDS = frozenset(
    """der die das den dem des ein eine einen einem eines einer und oder von vom zu zum zur im in
    am an auf aus bei mit nach für gegen über unter um vor als wie auch nicht
    al el ad as ar at""".split()  # and the Arabic article of names ("al-Assad": "Assad")
)
ENGLISH_FUNCTION_WORDS = frozenset("the a an of and or in on at for to by with 's".split())

#: Qualifying prefixes of a German word ("Westbalkan", "Ex-Präsident") and their English.
PREFIXES: dict[str, tuple[str, ...]] = {
    "west": ("west", "western"),
    "ost": ("east", "eastern"),
    "nord": ("north", "northern"),
    "süd": ("south", "southern"),
    "nordost": ("northeast", "northeastern", "north-east", "north-eastern"),
    "nordwest": ("northwest", "northwestern", "north-west", "north-western"),
    "südost": ("southeast", "southeastern", "south-east", "south-eastern"),
    "südwest": ("southwest", "southwestern", "south-west", "south-western"),
    "zentral": ("central",),
    "ex": ("former", "ex"),
}
#: Qualifying adjectives (by stem) and their English.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "selbsternannt": ("self-proclaimed", "self-declared", "self-styled"),
    "selbst ernannt": ("self-proclaimed", "self-declared", "self-styled"),
    "ehemalig": ("former", "ex-"),
    "früher": ("former",),
    "sogenannt": ("so-called",),
    "mutmaßlich": ("alleged", "suspected", "presumed"),
    "amtierend": ("acting", "incumbent"),
    "designiert": ("designate", "incoming", "president-elect"),
    "stellvertretend": ("deputy", "vice", "acting"),
}


def _zipf_de(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "de")


def _name_like(part: str) -> bool:
    """A word that must be rendered one by one: an acronym, a number, or a capitalised word
    German does not know (a name)."""
    if part[:1].isdigit() or (part.isupper() and len(part) > 1):
        return True
    return part[:1].isupper() and _zipf_de(part) < GERMAN_WORD_ZIPF and not _compound(part)


def _compound(word: str) -> bool:
    """A German compound: it begins or ends in a known German word of four letters or more
    ("Friedensfazilität", "Marschflugkörper")."""
    low = word.lower()
    return any(
        _zipf_de(low[i:]) >= 3.0 or (len(low) - i >= 3 and _zipf_de(low[:i]) >= 3.0)
        for i in range(4, len(low) - 3)
    ) or any(_zipf_de(low[i:]) >= 3.0 for i in range(1, 4) if len(low) - i >= 4)


def _english_words(english: str) -> list[str]:
    return [w.casefold() for w in _EN_WORD.findall(english)]


def _in_english(text: str, english: str) -> bool:
    after = "" if text[-1:].isdigit() else r"(?![\w])"  # "45" in "45th"
    pattern = rf"(?<![\w]){re.escape(text.casefold())}{after}"
    return re.search(pattern, english.casefold()) is not None


_ADJECTIVE = re.compile(r"(?:i?sche[nmrs]?|sch|e[nmrs]?)$")


def _squeezed(text: str) -> str:
    return re.sub(r"[\W_]", "", text).casefold()


def _initials(part: str, english: str) -> list[str]:
    """English words whose initials spell the acronym ``part`` ("DR": "Democratic Republic",
    "UN": "United Nations")."""
    if not (2 <= len(part) <= 5 and part.isalpha() and part[0].isupper()):
        return []
    letters = part.casefold()
    caps = [w for w in english.split() if w[:1].isupper()]
    for i in range(len(caps) - len(letters) + 1):
        run = caps[i : i + len(letters)]
        if "".join(w[0] for w in run).casefold() == letters:
            return [w.casefold() for w in run]
    return []


def _acronym(text: str) -> str:
    """The initials of ``text`` ("United Nations" -> "UN") when it has several capitalised words."""
    caps = [w for w in text.split() if w[:1].isupper()]
    return "".join(w[0] for w in caps) if len(caps) >= 2 else "\0"


_SPELLING = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("w", "v"),
    ("z", "s"),
    ("k", "c"),
    ("j", "y"),
    ("ss", "s"),
    ("ou", "u"),
    ("oo", "o"),
)


def _sound(text: str) -> str:
    """A rough German/English spelling-neutral form ("Asow" and "Azov" -> "asov")."""
    low = text.casefold()
    for a, b in _SPELLING:
        low = low.replace(a, b)
    return low


def _similar(part: str, words: Iterable[str]) -> str | None:
    low = _sound(part)
    for w in words:
        if len(w) < 3:
            continue
        sound = _sound(w)
        if SequenceMatcher(None, low, sound).ratio() >= NAME_RATIO:
            return w
        if len(low) >= 4 and SequenceMatcher(None, low, sound[: len(low) + 1]).ratio() >= 0.75:
            return w  # a stem ("Kaspi-" of "Kaspisches": "Caspian")
    return None


def unrendered(
    german: str, english: str, renderings: Callable[[str], Iterable[str]] = lambda _: ()
) -> list[str]:
    """The words of ``german`` that ``english`` does not render (see the module docstring)."""
    words = _english_words(english)
    if _squeezed(german) in {_squeezed(w) for w in english.split()}:
        return []  # "G-20" -> "G20", "J.D." -> "JD"
    squeezed = {_squeezed(w) for w in english.split()}

    def has(text: str) -> bool:
        """``text`` is in the English, as written or without dots ("UN" and "U.N.")."""
        return _in_english(text, english) or (
            " " not in text and bool(text) and _squeezed(text) in squeezed
        )

    used: set[str] = set()
    lost: list[str] = []
    weak: list[str] = []

    def rendered(part: str) -> bool:
        for text in (part, *renderings(part)):
            if has(text):
                used.update(_english_words(text))
                return True
        spelled = _initials(part, english)
        if spelled:
            used.update(spelled)
            return True
        near = _similar(part, words) or _similar(_ADJECTIVE.sub("", part), words)
        if near is not None:
            used.add(near)
            return True
        return False

    low_german = german.casefold()
    for stem, english_forms in QUALIFIERS.items():
        if re.search(rf"(?<!\w){re.escape(stem)}", low_german):
            found = [e for e in english_forms if e in english.casefold()]
            if not found:
                lost.append(stem)
            used.update(w for e in found for w in _english_words(e))
            german = re.sub(rf"(?i)(?<!\w){re.escape(stem)}\w*", " ", german)
    # Word groups the glossary renders as one ("Vereinten Nationen" -> "UN") first.
    spans = [(m.start(), m.end(), m.group(0)) for m in _PART.finditer(german)]
    done: set[int] = set()
    for n in (3, 2):
        for i in range(len(spans) - n + 1):
            if done.intersection(range(i, i + n)):
                continue
            group = german[spans[i][0] : spans[i + n - 1][1]]
            if any(has(r) or has(_acronym(r)) for r in renderings(group)):
                rendered(group)
                done.update(range(i, i + n))
    content = [i for i, sp in enumerate(spans) if sp[2].casefold() not in FUNCTION_WORDS]
    for i, (_, _, part) in enumerate(spans):
        if i in done or part.casefold() in FUNCTION_WORDS:
            continue
        prefix = next(
            (
                p
                for p in sorted(PREFIXES, key=len, reverse=True)
                if part.casefold().startswith(p) and len(part) - len(p) >= 4
            ),
            None,
        )
        if prefix is not None and rendered(part[len(prefix) :].capitalize()):
            # "Westbalkan": "Balkan" is rendered, so "West" must be too.
            forms = PREFIXES[prefix]
            hit = [f for f in forms if f in words or _in_english(f, english)]
            if hit:
                used.update(hit)
            else:
                lost.append(part)
            continue
        if len(content) == 1:
            continue  # the rendering of a one-word form renders that word
        if rendered(part):
            continue
        head = i == len(spans) - 1 or german[spans[i][1] : spans[i + 1][0]] != "-"
        hyphen_head = head and i > 0 and german[spans[i - 1][1] : spans[i][0]] == "-"
        if _name_like(part) and not (hyphen_head and not part.isupper()):
            lost.append(part)  # a compound's head ("Caesar-Haubitzen") is a common noun
        else:
            weak.append(part)
    left = [w for w in words if w not in used and w not in ENGLISH_FUNCTION_WORDS]
    if len(weak) > len(left):
        lost += weak[len(left) :] if left else weak
    return lost
