"""A generated German-English termbase of any size, and news-like sentences that use it.

Deterministic (a seeded `random.Random` over wordfreq's German and English word lists and the
packaged glossary), so the scale benchmark and the identity test see the same data every run:

* the packaged glossary's entries first (the seed article's terms);
* nouns (wordfreq German words of 6+ letters, capitalised) and noun compounds with a hyphen
  ("Nato-Einsatzgruppe");
* adjective + noun terms ("militärische Aufklärung", declined in the sentences);
* people (first + last name), places and acronyms, with the genitive -s in the sentences.

Renderings are English words from wordfreq, so `find_renderings` has realistic targets too.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from translator.glossary import Entry, load_glossary

PACKAGED = Path(__file__).resolve().parents[1] / "translator" / "data" / "glossary.yaml"

FIRST_NAMES = (
    "Oleksandr Wolodymyr Sergej Dmitri Andrij Jurij Pjotr Mykola Iwan Boris Anna Olena Natalia "
    "Kateryna Julia Maria Viktor Walerij Roman Taras Bohdan Stepan Ihor Vitali Kyrylo Rustem "
    "Jens Olaf Annalena Friedrich Boris Christine Ursula Emmanuel Keir Giorgia Donald Joe Kamala "
    "Mark Antony Recep Ali Hassan Benjamin Xi Narendra Luiz Javier Mette Ulf Petteri Alexander"
).split()
LAST_NAMES = (
    "Syrskyj Saluschnyj Budanow Kuleba Sybiha Umjerow Resnikow Podoljak Jermak Schmyhal "
    "Gerassimow Schoigu Belousow Lawrow Peskow Medwedew Prigoschin Surowikin Kadyrow Lukaschenko "
    "Stoltenberg Rutte Pistorius Baerbock Scholz Merz Macron Starmer Meloni Tusk Orbán Fico "
    "Erdoğan Netanjahu Chamenei Raisi Assad Nasrallah Sinwar Hanija Modi Lula Milei Kristersson "
    "Frederiksen Orpo Stubb Nauseda Karis Rinkēvičs Sandu Vučić Kurti Plenković Golob"
).split()
PLACE_SUFFIXES = ("", "-Oblast", "-Region")


@cache
def _words(lang: str, n: int) -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(top_n_list(lang, n))


def _german_words() -> tuple[list[str], list[str]]:
    """(noun-like words, adjective stems) from wordfreq's German list."""
    from stop_words import get_stop_words

    stop = set(get_stop_words("de"))
    nouns, adjectives = [], []
    for w in _words("de", 60000):
        if not w.isalpha() or w in stop or len(w) < 4:
            continue
        if w.endswith(("ische", "liche", "ige", "ale", "ive")) and len(w) >= 7:
            adjectives.append(w)
        elif len(w) >= 6:
            nouns.append(w[:1].upper() + w[1:])
    return nouns, adjectives


def _key(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].lower() + text[1:]


def termbase(size: int, seed: int = 0) -> list[Entry]:
    """``size`` entries: the packaged glossary, then generated ones; no two share a source."""
    rng = random.Random(seed)
    entries = list(load_glossary(PACKAGED).entries)[:size]
    seen = {_key(f) for e in entries for f in e.source_forms}
    nouns, adjectives = _german_words()
    taken = {_key(w) for e in entries for w in (e.target, *e.wrong)}
    english = [w for w in _words("en", 20000) if w.isalpha() and len(w) > 2 and w not in taken]
    # Renderings from one half of the words, wrong renderings from the other: never the same.
    right, wrong = english[::2], english[1::2]

    def rendering(words: int) -> str:
        return " ".join(rng.choice(right) for _ in range(words))

    while len(entries) < size:
        roll = rng.random()
        if roll < 0.40:
            source, category, target = rng.choice(nouns), "term", rendering(rng.randint(1, 2))
        elif roll < 0.55:
            source = f"{rng.choice(nouns)}-{rng.choice(nouns)}"
            category, target = "term", rendering(2)
        elif roll < 0.75:
            source = f"{rng.choice(adjectives)} {rng.choice(nouns)}"
            category, target = "term", rendering(2)
        elif roll < 0.87:
            source = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if rng.random() < 0.3:
                source = f"{rng.choice(FIRST_NAMES)} {source}"
            category, target = "person", source
        elif roll < 0.95:
            source = rng.choice(nouns) + rng.choice(PLACE_SUFFIXES)
            category, target = "place", rendering(1).capitalize()
        else:
            letters = "ABCDEFGHIKLMNOPRSTUVWZ"
            source = "".join(rng.choice(letters) for _ in range(rng.randint(3, 5)))
            category, target = "acronym", source
        if _key(source) in seen:
            continue
        seen.add(_key(source))
        data: dict = {"source": source, "target": target, "category": category}
        if category == "term" and rng.random() < 0.05:
            data["wrong"] = [rng.choice(wrong)]
        entries.append(Entry.model_validate(data))
    return entries


_ENDINGS = {"term": ("", "", "en", "s", "e", "n"), "person": ("", "s"), "place": ("", "s")}
_ADJ_ENDINGS = ("e", "en", "er", "es", "em")


def _inflected(entry: Entry, rng: random.Random) -> str:
    words = entry.source.split()
    if entry.category == "term" and len(words) == 2 and words[0].islower():
        stem = words[0].removesuffix("e")
        return f"{stem}{rng.choice(_ADJ_ENDINGS)} {words[1]}{rng.choice(('', 'n', 's'))}"
    return entry.source + rng.choice(_ENDINGS.get(entry.category, ("",)))


def news_sentences(entries: list[Entry], count: int, seed: int = 1) -> list[str]:
    """``count`` German news-like sentences, each using 0-3 terms of ``entries``."""
    rng = random.Random(seed)
    filler = [w for w in _words("de", 3000) if w.isalpha()]
    sentences = []
    for _ in range(count):
        words = [rng.choice(filler) for _ in range(rng.randint(8, 22))]
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            words.insert(rng.randrange(len(words) + 1), _inflected(rng.choice(entries), rng))
        words.insert(rng.randrange(len(words) + 1), str(rng.randint(2, 2025)))
        text = " ".join(words)
        sentences.append(text[:1].upper() + text[1:] + rng.choice((".", ".", "?", ":")))
    return sentences


def english_sentences(entries: list[Entry], count: int, seed: int = 2) -> list[str]:
    """``count`` English sentences with 0-3 renderings of ``entries`` (some damaged)."""
    rng = random.Random(seed)
    filler = [w for w in _words("en", 3000) if w.isalpha()]
    out = []
    for _ in range(count):
        words = [rng.choice(filler) for _ in range(rng.randint(8, 22))]
        for _ in range(rng.choice((0, 1, 2, 3))):
            target = rng.choice(entries).target
            target = rng.choice((target, target.lower(), target.replace(" ", "-"), target + "s"))
            words.insert(rng.randrange(len(words) + 1), target)
        out.append(" ".join(words).capitalize() + ".")
    return out
