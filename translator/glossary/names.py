"""Russian, Ukrainian and Belarusian personal names: German transliteration -> English news.

German copy spells Slavic names the German way (Kisseljow, Schirinowski, Tschernomyrdin,
Wolodymyr Selenskyj); English-language news writes Kiselyov, Zhirinovsky, Chernomyrdin,
Volodymyr Zelensky. Names the glossary lists are enforced as entries; this module rewrites the
ones it does not list::

    transliterate("Kisseljow")          # 'Kiselyov'
    transliterate("Olexandr")           # 'Oleksandr' (Ukrainian: the national system)
    find_names("Der Abgeordnete Sergej Mironow sagte ...")   # [Name(... 'Sergei Mironov')]

How a word is rewritten (`transliterate`):

1. the reviewed exception table (`EXCEPTIONS`): names whose English form was settled by usage
   rather than by rule (Gorbatschow -> Gorbachev, Klitschko -> Klitschko, Tichanowskaja ->
   Tsikhanouskaya for the Belarusian);
2. otherwise spelling rules on the German form: schtsch -> shch, tsch -> ch, sch -> sh (zh),
   ch -> kh, z -> ts, w -> v, ss -> s between vowels (a single s between vowels stays s
   unless English usage writes z: Kasan -> Kazan, Rasputin stays), j + vowel -> y + vowel, -ej ->
   -ei, -aj -> -ai, -oj -> -oy, Russian -ij / -i -> -y (-iy); so -ow/-ew become -ov/-ev. A
   Ukrainian name (a Ukrainian first name in the run, or endings such as -enko, -tschuk, -yj)
   follows the Ukrainian national system (KMU 2010) instead: x -> ks, medial j + vowel ->
   i + vowel, -yj -> -yi, -ij -> -ii (Olexandr -> Oleksandr, Mychajlo -> Mykhailo, Andrij ->
   Andrii, Kupjansk -> Kupiansk);
3. where German hides a distinction English keeps (German "sch" is both ш and ж; initial "s"
   both с and з; Russian -ий is -y or -iy), each alternative is tried and English usage
   (wordfreq) picks the one English news writes (Shoigu but Zhukov; Sergei but Zakharova);
   without data the first rule wins.

Which words are rewritten (`find_names`): only capitalised words detected as Slavic names, never
inside a glossary match, never a frequent German word (wordfreq Zipf >= 4), never a word English
already writes that way:

* a known Slavic first name in German spelling (`FIRST_NAMES`), with the surname (and a
  patronymic) that follows it;
* a word with a Slavic surname ending (-ow, -ew, -owa, -enko, -owitsch, -skyj, -tschuk, ...);
* a word right after a glossary person or rank match ("General Surowikin") that QA's
  Slavic-name detection (`translator.qa.names.english_name`) recognises;
* a name of the exception table.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from ..qa.words import zipf

#: Reviewed: names whose English form was settled by usage, not by a transliteration rule
#: (AP/Reuters/BBC spelling). German form -> English form.
EXCEPTIONS: dict[str, str] = {
    # Russian
    "Gorbatschow": "Gorbachev",
    "Chruschtschow": "Khrushchev",
    "Schirinowski": "Zhirinovsky",
    "Tschaikowski": "Tchaikovsky",
    "Dostojewski": "Dostoevsky",
    "Tolstoi": "Tolstoy",
    "Solschenizyn": "Solzhenitsyn",
    "Prigoschin": "Prigozhin",
    "Schukow": "Zhukov",
    "Sacharowa": "Zakharova",
    "Sacharow": "Sakharov",
    "Kara-Mursa": "Kara-Murza",
    "Nebensja": "Nebenzia",
    "Juri": "Yuri",
    "Marija": "Maria",
    "Julija": "Yulia",
    "Xenija": "Ksenia",
    "Darja": "Daria",
    "Witali": "Vitaly",
    "Nikita": "Nikita",
    "Alexej": "Alexei",
    "Medinski": "Medinsky",
    "Schewtschenko": "Shevchenko",
    "Jaschin": "Yashin",
    "Matwijenko": "Matviyenko",
    "Resnikow": "Reznikov",
    "Ramsan": "Ramzan",
    "Rasputin": "Rasputin",
    "Tschemesow": "Chemezov",
    "Nawalny": "Navalny",
    "Nawalnaja": "Navalnaya",
    "Kusnezow": "Kuznetsov",
    "Rasumkow": "Razumkov",
    "Kosak": "Kozak",
    "Denisow": "Denisov",
    "Jessenin": "Yesenin",
    "Wassiljewa": "Vasilyeva",
    # Ukrainian: English usage differs from the national system
    "Selenskyj": "Zelensky",
    "Selenska": "Zelenska",
    "Saluschnyj": "Zaluzhnyi",
    "Timoschenko": "Tymoshenko",
    "Janukowitsch": "Yanukovych",
    "Umjerow": "Umerov",
    "Podoljak": "Podolyak",
    "Arachamija": "Arakhamia",
    "Klitschko": "Klitschko",
    "Jermak": "Yermak",
    "Tschaly": "Chaly",
    "Melnyk": "Melnyk",
    # Belarusian: English uses the Belarusian (not the Russian) form for the opposition
    "Tichanowskaja": "Tsikhanouskaya",
    "Tichanowski": "Tsikhanouski",
    "Kolesnikowa": "Kalesnikava",
    "Babariko": "Babaryka",
    "Protassewitsch": "Pratasevich",
    "Bjaljazki": "Bialiatski",
    "Latuschko": "Latushko",
    "Swetlana": "Svetlana",
}

#: Slavic first names in German spelling (each has something the rules change). A capitalised
#: word after one of them is taken as the surname.
RUSSIAN_FIRST_NAMES = frozenset(
    """Wladimir Sergej Sergei Dmitri Dmitrij Jewgeni Jewgenij Juri Alexej Andrej Nikolaj
    Michail Waleri Walerij Wassili Wassilij Wjatscheslaw Pjotr Fjodor Semjon Ilja Grigori
    Gennadi Anatoli Arkadi Wadim Wiktor Jekaterina Tatjana Natalja Ljudmila Walentina Swetlana
    Jelena Marija Julija Darja Xenija Jaroslaw Stanislaw Wsewolod Jegor Witali Lew Ramsan
    Matwej Timofej Wsewolod Jewgenija Walentin Wladislaw Wenjamin Sachar Jefim Jakow
    Jemeljan Sinaida Soja Wera Nadeschda Aljona Anastassija Olessja Jaroslawa""".split()
)
UKRAINIAN_FIRST_NAMES = frozenset(
    """Wolodymyr Olexandr Olexij Oleksij Mykola Mychajlo Serhij Andrij Dmytro Jurij Witalij
    Pawlo Ihor Oleh Jewhen Hryhorij Bohdan Wassyl Denys Kyrylo Iryna Olena Switlana Tetjana
    Natalija Ljudmyla Walentyn Wiktorija Anatolij Mykyta Jaroslaw Ruslan Heorhij Jurij
    Walerij Wadym Jewhenija Julija Olha Maksym Petro Taras Halyna Oleksandra Wolodymyra""".split()
)
FIRST_NAMES = RUSSIAN_FIRST_NAMES | UKRAINIAN_FIRST_NAMES

_VOWELS = frozenset("aeiouyäöü")
# Endings that mark a Slavic surname (German spelling) on their own ...
_SURNAME = re.compile(
    r"(?:jew|jow|jewa|jowa|owitsch|ewitsch|jewitsch|owna|ewna"
    r"|enko|tschuk|schuk|juk|skyj|zkyj|skij|zkij|skaja|zkaja|[^aeiou]yj|ytsch)$"
)
# ... and endings German place and family names share with them (Pankow, Virchow, Teltow):
# these count only when English writes the rewritten form more (Mironov, Molotov, Peskov).
_WEAK_SURNAME = re.compile(
    r"(?:(?<!s)how|[^aeiouh]ow|[^aeiou]ew|owa|ewa|[^aeiou]in)$"
)
# Ukrainian by its ending (Ukrainian national system then applies).
_UKRAINIAN = re.compile(r"(?:enko|tschuk|schuk|juk|yj|ytsch|yschyn)$")
# Letters and digraphs of names written in a Latin-script Slavic language (Polish, Czech,
# Serbo-Croatian): never a German transliteration, never touched.
_LATIN_SLAVIC = re.compile(r"[łśżźćńąęčšžřđěů]|cz|sz|rz")
#: A German word at least this frequent (wordfreq Zipf) is never taken for a name.
GERMAN_WORD_ZIPF = 4.0
_PATRONYMIC = re.compile(r"(?:owitsch|ewitsch|jewitsch|itsch|owna|ewna|jewna|ytsch)$")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def is_ukrainian(word: str) -> bool:
    """A Ukrainian name by its form (first name list, or a Ukrainian surname ending)."""
    return word in UKRAINIAN_FIRST_NAMES or bool(_UKRAINIAN.search(word.lower()))


def _segments(low: str, ukrainian: bool) -> list[tuple[str, ...]]:
    """The German spelling cut into rewritten pieces; a piece may have alternatives."""
    out: list[tuple[str, ...]] = []
    i, n = 0, len(low)

    def vowel(k: int) -> bool:
        return 0 <= k < n and low[k] in _VOWELS

    while i < n:
        rest, c = low[i:], low[i]
        if rest.startswith("schtsch"):
            out.append(("shch",))
            i += 7
        elif rest.startswith("tsch"):
            out.append(("ch",))
            i += 4
        elif rest.startswith("sch"):
            out.append(("sh", "zh"))
            i += 3
        elif rest.startswith("ch"):
            out.append(("kh",))
            i += 2
        elif rest.startswith("ck"):
            out.append(("k",))
            i += 2
        elif rest.startswith("tz"):
            out.append(("ts",))
            i += 2
        elif rest.startswith("ss"):
            out.append(("s",) if vowel(i - 1) and vowel(i + 2) else ("ss",))
            i += 2
        elif c == "s":
            if i == 0 and vowel(1):
                out.append(("s", "z"))
            elif vowel(i - 1) and vowel(i + 1):
                # German writes Russian з as a single s between vowels (Kasan, Rasumkow), but
                # also с (Rasputin, Denisow): English keeps "s" unless usage says "z".
                out.append(("s", "z"))
            else:
                out.append(("s",))
            i += 1
        elif c == "z":
            out.append(("ts",))
            i += 1
        elif c == "x":
            out.append(("ks",) if ukrainian else ("x",))
            i += 1
        elif c == "w":
            out.append(("v",))
            i += 1
        elif c == "ß":
            out.append(("ss",))
            i += 1
        elif c == "j":
            nxt = low[i + 1] if i + 1 < n else ""
            if nxt in _VOWELS:
                if ukrainian and nxt == "i":
                    out.append(("yi",) if i == 0 else ("i",))  # ї
                    i += 2
                    continue
                out.append(("i",) if ukrainian and i > 0 else ("y",))
            elif ukrainian:
                out.append(("i",))  # й: Andrij -> Andrii, Syrskyj -> Syrskyi, Mychajlo
            else:
                prev = low[i - 1] if i else ""
                if prev == "i" and out and out[-1] == ("i",):
                    out[-1] = ("y", "iy")  # Dmitrij -> Dmitry (Dmitriy), -skij -> -sky
                elif prev == "y":
                    pass  # -yj -> -y (Nawalnyj -> Navalny)
                elif prev in ("a", "e"):
                    out.append(("i",))  # Sergej -> Sergei, Nikolaj -> Nikolai
                else:
                    out.append(("y",))  # Tolstoj -> Tolstoy
            i += 1
        elif c in "öüä":
            plain = {"ö": "o", "ü": "u", "ä": "a"}[c]
            out.append((plain,) if i and low[i - 1] == "j" else ("y" + plain,))
            i += 1
        elif c == "i" and i == n - 1 and i and not ukrainian and not vowel(i - 1):
            out.append(("y", "i"))  # Russian -и(й): Dmitri -> Dmitry, Schirinowski -> -sky
            i += 1
        else:
            out.append((c,))
            i += 1
    return out


def _candidates(low: str, ukrainian: bool) -> list[str]:
    """Every spelling the rules allow; the first is the all-defaults one."""
    segs = _segments(low, ukrainian)
    return list(dict.fromkeys("".join(p) for p in itertools.product(*segs)))


def _case_like(word: str, low: str) -> str:
    return low[:1].upper() + low[1:] if word[:1].isupper() else low


@lru_cache(maxsize=8192)
def transliterate(word: str, ukrainian: bool | None = None) -> str:
    """English-news spelling of one name word in German transliteration.

    ``ukrainian``: None decides from the word itself (`is_ukrainian`). Hyphenated names are
    rewritten part by part. A word the rules do not change comes back as it is.
    """
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    if "-" in word:
        return "-".join(transliterate(part, ukrainian) for part in word.split("-"))
    if not word.isalpha() or _LATIN_SLAVIC.search(word.lower()):
        return word
    ukr = is_ukrainian(word) if ukrainian is None else ukrainian
    cands = _candidates(word.lower(), ukr)
    best = cands[0]
    if len(cands) > 1:
        scored = max(cands, key=lambda c: (zipf(c, "en"), -cands.index(c)))
        if zipf(scored, "en") > zipf(best, "en"):
            best = scored  # English usage decides what German spelling hides
    return _case_like(word, best)


@dataclass(frozen=True)
class Name:
    """A name found in a German sentence and its English spelling."""

    start: int
    end: int
    text: str
    english: str


def _german_word(word: str) -> bool:
    return zipf(word.lower(), "de") >= GERMAN_WORD_ZIPF


def _rewritable(word: str, english: str) -> bool:
    """Rewriting changes the word, and English does not already write it the German way."""
    if english == word:
        return False
    en_word = zipf(word.lower(), "en")
    # "Bungalow", "Klitschko": English already writes it this way; leave it.
    return not (en_word >= 2.5 and en_word >= zipf(english.lower(), "en"))


def _surname(word: str) -> bool:
    """A Slavic surname by its ending (umlauts: German, never a transliteration)."""
    low = word.lower()
    if re.search("[äöüß]", low):
        return False
    if _SURNAME.search(low):
        return True
    if not _WEAK_SURNAME.search(low):
        return False
    return zipf(transliterate(word).lower(), "en") > zipf(low, "en")


def _slavic_by_qa(word: str) -> bool:
    from ..qa.names import english_name

    return english_name(word) is not None


def find_names(
    sentence: str,
    covered: list[tuple[int, int]] | None = None,
    persons: list[tuple[int, int]] | None = None,
) -> list[Name]:
    """Slavic personal names in German spelling that a rewrite changes, in text order.

    ``covered``: spans already taken (glossary matches): never touched. ``persons``: spans of
    glossary person/rank matches ("Generaloberst", "Sprecher"); a name right after one may be
    recognised by QA's Slavic-name detection alone.
    """
    covered = covered or []
    persons = persons or []
    words = [
        (m.start(), m.end(), m.group(0))
        for m in _NAME_WORD.finditer(sentence)
        if not any(s < m.end() and m.start() < e for s, e in covered)
    ]

    def adjacent(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
        gap = sentence[a[1] : b[0]]
        return not gap.strip()

    def after_person(start: int) -> bool:
        return any(not sentence[e:start].strip() for _, e in persons if e <= start)

    chosen: dict[int, tuple[int, int, str, bool | None]] = {}
    i = 0
    while i < len(words):
        start, end, word = words[i]
        if not word[:1].isupper() or word.isupper():
            i += 1
            continue
        if word in FIRST_NAMES:
            run = [words[i]]
            j = i + 1
            # An optional patronymic, then the surname.
            if j < len(words) and adjacent(words[j - 1], words[j]) and words[j][2][:1].isupper():
                if _PATRONYMIC.search(words[j][2].lower()) and j + 1 < len(words):
                    run.append(words[j])
                    j += 1
                if adjacent(words[j - 1], words[j]) and words[j][2][:1].isupper():
                    run.append(words[j])
                    j += 1
            run_ukr = any(is_ukrainian(w) for _, _, w in run)
            for s, e, w in run:
                if w in FIRST_NAMES or w in EXCEPTIONS or not _german_word(w):
                    chosen[s] = (s, e, w, run_ukr)
            i = j
            continue
        if word in EXCEPTIONS or (
            not _german_word(word)
            and (_surname(word) or (after_person(start) and _slavic_by_qa(word)))
        ):
            chosen[start] = (start, end, word, None)
        i += 1
    names: list[Name] = []
    for start, end, word, ukr in sorted(chosen.values()):
        english = transliterate(word, ukr)
        if english == word or not (word in EXCEPTIONS or _rewritable(word, english)):
            continue
        last = names[-1] if names else None
        if last is not None and sentence[last.end : start] == " ":
            # One name, one report: "Sergej Mironow" -> "Sergei Mironov".
            joined = f"{last.english} {english}"
            names[-1] = Name(last.start, end, sentence[last.start : end], joined)
        else:
            names.append(Name(start, end, word, english))
    return names
