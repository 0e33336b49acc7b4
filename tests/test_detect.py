"""Mixed-language detection and `translator glossary suggest`, on the seed and small cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli import run_cli as cli
from tests.conftest import SEED
from translator import config
from translator.detect import detect, english_spans, suggestions_yaml
from translator.glossary import Glossary, load_glossary
from translator.qa.names import english_name
from translator.qa.words import hybrid_parts

SEED_FINDINGS = {
    ("english", "Ukrainian officials", "Ukrainian officials"),
    ("english", "Pledges of Allegiance", "Pledges of Allegiance"),
    ("english", "Institute for the Study of War", "Institute for the Study of War"),
    ("hybrid", "Massengroundangriffe", "[massen] ground [angriffe]"),
    ("name", "Wolodymyr Selenskyj", "Volodymyr Zelensky"),
    ("name", "Selenskyj", "Zelensky"),
    ("name", "Wladimir Putin", "Vladimir Putin"),
    ("name", "Kiew", "Kyiv"),
    ("name", "Pjöngjang", "Pyongyang"),
}


def test_seed_without_glossary_finds_exactly_the_mixed_fragments_and_names(
    seed_text: str,
) -> None:
    found = {(f.kind, f.text, f.target) for f in detect(seed_text)}
    assert found == SEED_FINDINGS


def test_seed_categories_and_counts(seed_text: str) -> None:
    by_text = {f.text: f for f in detect(seed_text)}
    assert by_text["Wolodymyr Selenskyj"].category == "person"
    assert by_text["Selenskyj"].category == "person"  # part of a full name elsewhere
    assert by_text["Kiew"].category == "place"
    assert by_text["Pjöngjang"].count == 2  # the heading and the paragraph
    assert by_text["Ukrainian officials"].category == "fragment"
    assert "Ukrainian officials und westliche" in by_text["Ukrainian officials"].context


def test_glossary_coverage_is_not_reported_again(seed_text: str) -> None:
    glossary = Glossary.from_yaml(
        "schema: 1\nentries:\n"
        "  - {source: Ukrainian officials, target: Ukrainian officials, category: fragment}\n"
        "  - {source: Kiew, target: Kyiv, category: place}\n"
    )
    found = {(f.kind, f.text, f.target) for f in detect(seed_text, glossary=glossary)}
    assert found == SEED_FINDINGS - {
        ("english", "Ukrainian officials", "Ukrainian officials"),
        ("name", "Kiew", "Kyiv"),
    }


def test_the_packaged_glossary_covers_the_seed(seed_text: str) -> None:
    glossary = load_glossary(config.packaged_glossary())
    assert detect(seed_text, glossary=glossary) == []


def test_suggestions_paste_into_a_glossary_and_validate(seed_text: str) -> None:
    findings = detect(seed_text)
    text = suggestions_yaml(findings, header="proposals")
    glossary = Glossary.from_yaml("schema: 1\nentries:\n" + text)
    assert {(e.source, e.target, e.category) for e in glossary.entries} == {
        (f.text, f.target, f.category) for f in findings
    }


@pytest.mark.parametrize(
    ("sentence", "spans"),
    [
        ("Ukrainian officials und westliche Geheimdienste berichten das.", ["Ukrainian officials"]),
        ("Sie hatten Pledges of Allegiance an\nKim Jong Un verfasst.", ["Pledges of Allegiance"]),
        ("Laut einem Update der Institute for the Study of\nWar (ISW) hat die Ukraine gewonnen.",
         ["Institute for the Study of War"]),
        ("Die Soldaten kämpfen in der Region Kursk.", []),
        ("Er sprach mit Nick Paton Walsh und Helen Regan.", []),
        ("Das Update kam per Livestream aus dem Trainingscamp.", []),
        ("Die Armee meldete, the situation is under control, am Montag.",
         ["the situation is under control"]),
    ],
)
def test_english_spans(sentence: str, spans: list[str]) -> None:
    assert [" ".join(sentence[a:b].split()) for a, b in english_spans(sentence)] == spans


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Selenskyj", "Zelensky"), ("Wolodymyr", "Volodymyr"), ("Wladimir", "Vladimir"),
        ("Kiew", "Kyiv"), ("Pjöngjang", "Pyongyang"), ("Lawrow", "Lavrov"),
        ("Schoigu", "Shoigu"), ("Charkiw", "Kharkiv"), ("Tschernihiw", "Chernihiv"),
        ("Gorbatschow", "Gorbachev"), ("Sergej", "Sergey"), ("Medwedew", "Medvedev"),
        ("Schweiz", None), ("Truppen", None), ("Woche", None), ("Kursk", None),
        ("Kindratenko", None), ("Walsh", None), ("Jong", None),
    ],
)
def test_english_name(german: str, english: str | None) -> None:
    assert english_name(german) == english


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("Massengroundangriffe", ("massen", "ground", "angriffe")),
        ("Drohnenangriffe", None),  # German through and through
        ("Trainingsqualität", None),  # the loanword "Training" is German too
        ("Cyberangriffe", None),
        ("Grenzregion", None),
    ],
)
def test_hybrid_parts(word: str, parts: tuple[str, ...] | None) -> None:
    assert hybrid_parts(word) == parts


def test_cli_suggest_without_glossary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary", str(SEED))
    assert code == 0, err
    entries = yaml.safe_load("entries:\n" + out)["entries"]
    assert {(e["source"], e["target"]) for e in entries} == {
        (text, target) for _, text, target in SEED_FINDINGS
    }
    assert "Massengroundangriffe" in out and "massen + ground + angriffe" in out


def test_cli_suggest_with_glossary_reports_only_what_it_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("schema: 1\nentries:\n"
                    "  - {source: Massengroundangriffe, target: mass ground assaults, "
                    "category: term}\n", encoding="utf-8")
    code, out, _ = cli(monkeypatch, capsys, "glossary", "suggest", "-g", str(path), str(SEED))
    assert code == 0
    entries = yaml.safe_load("entries:\n" + out)["entries"]
    assert "Massengroundangriffe" not in {e["source"] for e in entries}
    assert len(entries) == len(SEED_FINDINGS) - 1


def test_cli_suggest_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(monkeypatch, capsys, "glossary", "suggest", "--no-glossary",
                          str(tmp_path / "nope.txt"))
    assert code == 3
    assert "no such file" in err and "Traceback" not in err


OTHER_ARTICLE = """Die Bundesregierung hat am Montag ein neues Sicherheitspaket vorgestellt. \
Bundeskanzler Olaf Scholz sagte, man werde die Bundeswehr stärken und die Zusammenarbeit mit \
den Partnern in der NATO ausbauen. Nach Angaben des Verteidigungsministeriums sollen bis 2028 \
rund 20 Milliarden Euro in neue Panzer, Drohnen und Munition fließen. Der Kreml reagierte mit \
scharfer Kritik. Im Homeoffice verfolgten viele Bürger die Pressekonferenz per Livestream.

Der Außenminister Sergej Lawrow sprach von einer Provokation; auch Dmitrij Peskow äußerte sich \
in Moskau. Experten warnten vor einem langen Abnutzungskrieg im Donbass und in der Region \
Charkiw. Die Ukraine erhält Flugabwehrsysteme vom Typ Patriot und IRIS-T.
"""


def test_plain_german_copy_yields_only_the_names() -> None:
    found = {(f.kind, f.text, f.target, f.category) for f in detect(OTHER_ARTICLE)}
    assert found == {
        ("name", "Sergej Lawrow", "Sergey Lavrov", "person"),
        ("name", "Dmitrij Peskow", "Dmitry Peskov", "person"),
        ("name", "Charkiw", "Kharkiv", "place"),
    }


def test_threads_looking_up_at_once_load_each_word_list_once(tmp_path: Path) -> None:
    """The server's first concurrent requests all look up word frequencies at once: wordfreq
    must load each language's list once, not once per thread (8 copies: 660 MB at peak).
    In a fresh interpreter (nothing loaded yet), with an empty cache folder."""
    import os
    import subprocess
    import sys

    script = """
import threading, wordfreq
loads = []
read = wordfreq.read_cBpack
wordfreq.read_cBpack = lambda path: loads.append(path) or read(path)
from translator.qa.words import zipf
start = threading.Barrier(8)
def look(n):
    start.wait()
    zipf(f"Truppen{n}", "de"), zipf(f"troops{n}", "en")
threads = [threading.Thread(target=look, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(len(loads))
"""
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300, check=True)
    assert done.stdout.split() == ["2"]  # German and English, once each
