"""`translator serve` against the real clients of the APIs it imitates, unmodified.

``libretranslatepy`` and DeepL's official ``deepl`` package talk to a server started as a user
starts it (``python -m translator serve``, API keys on, 127.0.0.1, a free port). The model is
the committed copy model: it returns its input, so every translation must come back as the
exact text sent (NFKC-normalised); the server runs without its own glossary and QA (which
writes dates the English way), so only the glossaries a client uploads change the text.
"""

from __future__ import annotations

import io
import json
import time
import unicodedata
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import deepl
import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from tests import documents, pdfs
from tests.serve_server import Server, serve_process
from translator.formats import read_document

pytestmark = pytest.mark.slow

GERMAN = "Die Truppen ziehen sich aus der Region Kursk zurück."
PARAGRAPHS = [
    "Die Lage an der Front bleibt angespannt.",
    "Nach Angaben des Ministeriums wurden drei Dörfer erobert.",
    "Der Präsident kündigte neue Hilfe an.",
]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, copy_model_dir: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    args = ["--no-glossary", "--no-qa", "--max-chars", "3000"]
    with serve_process(folder, copy_model_dir, args=args) as s:
        yield s


@pytest.fixture
def deepl_client(server: Server) -> deepl.Translator:
    assert server.key
    return deepl.Translator(server.key, server_url=server.url + "/")


def _post(server: Server, path: str, **kwargs: object) -> httpx.Response:
    return httpx.post(server.url + path, timeout=120, **kwargs)  # type: ignore[arg-type]


def _docx_texts(data: bytes) -> list[str]:
    return [nfkc(b.text) for b in read_document(data, name="x.docx").blocks if b.text.strip()]


# -- the keys file ---------------------------------------------------------------------------


def test_the_keys_file_holds_only_a_hash(server: Server) -> None:
    assert server.key and len(server.key) >= 40
    text = (server.log.parent / "keys.txt").read_text()
    assert server.key not in text
    assert text.startswith("sha256:")


# -- LibreTranslate --------------------------------------------------------------------------


def test_libretranslatepy_translates(server: Server) -> None:
    lt = LibreTranslateAPI(server.url, api_key=server.key)
    assert lt.translate(GERMAN, "de", "en") == GERMAN
    assert lt.translate(PARAGRAPHS[0], "auto", "en") == PARAGRAPHS[0]


def test_libretranslatepy_languages_and_detect(server: Server) -> None:
    lt = LibreTranslateAPI(server.url, api_key=server.key)
    assert {"code": "de", "name": "German", "targets": ["en"]} in lt.languages()
    assert lt.detect(GERMAN)[0]["language"] == "de"
    assert lt.detect("The troops are withdrawing from the region.")[0]["language"] == "en"


def test_libretranslatepy_with_a_bad_key_gets_403_in_libretranslate_shape(server: Server) -> None:
    for key in ("not-a-key", None):
        lt = LibreTranslateAPI(server.url, api_key=key)
        with pytest.raises(urllib.error.HTTPError) as caught:
            lt.translate(GERMAN, "de", "en")
        assert caught.value.code == 403
        assert set(json.loads(caught.value.read())) == {"error"}


def test_libretranslate_lists_html_and_errors(server: Server) -> None:
    got = _post(server, "/translate", json={"q": PARAGRAPHS, "source": "de", "target": "en",
                                            "api_key": server.key})
    assert got.status_code == 200
    assert got.json()["translatedText"] == PARAGRAPHS
    html = '<p>Die Lage ist <b>ernst</b>.</p><ul><li>Erstens.</li></ul>'
    got = _post(server, "/translate", data={"q": html, "source": "de", "target": "en",
                                            "format": "html", "api_key": server.key})
    assert got.json()["translatedText"] == html
    for body, status in (
        ({"q": "x" * 3001, "source": "de", "target": "en"}, 413),  # over --max-chars
        ({"q": GERMAN, "source": "de", "target": "fr"}, 400),
        ({"q": GERMAN, "source": "ru", "target": "en"}, 400),
        ({"source": "de", "target": "en"}, 400),
        ({"q": [1, 2], "source": "de", "target": "en"}, 400),
    ):
        got = _post(server, "/translate", json={**body, "api_key": server.key})
        assert got.status_code == status, got.text
        assert set(got.json()) == {"error"}, got.text


def test_libretranslate_translate_file_round_trip(server: Server) -> None:
    original = documents.build_docx()
    got = _post(server, "/translate_file", data={"source": "de", "target": "en",
                                                 "api_key": server.key},
                files={"file": ("Bericht.docx", original)})
    assert got.status_code == 200, got.text
    url = got.json()["translatedFileUrl"]
    assert url.startswith(server.url) and url.endswith("Bericht.en.docx")
    translated = httpx.get(url, timeout=60)
    assert translated.status_code == 200
    assert _docx_texts(translated.content) == _docx_texts(original)


# -- DeepL -----------------------------------------------------------------------------------


def test_deepl_translates_text_lists_and_html(deepl_client: deepl.Translator) -> None:
    one = deepl_client.translate_text(GERMAN, target_lang="EN-US")
    assert one.text == GERMAN and one.detected_source_lang == "DE"
    many = deepl_client.translate_text(PARAGRAPHS, source_lang="DE", target_lang="EN-GB")
    assert [r.text for r in many] == PARAGRAPHS
    html = '<p>Die Lage ist <a href="https://example.org/x">sehr</a> ernst.</p>'
    out = deepl_client.translate_text(html, source_lang="DE", target_lang="EN-US",
                                      tag_handling="html")
    assert out.text == html
    xml = "<doc><t>Die Lage ist ernst.</t><t>Sehr ernst.</t></doc>"
    out = deepl_client.translate_text(xml, target_lang="EN-US", tag_handling="xml")
    assert out.text == xml


def test_deepl_xml_goes_through_an_xml_parser(deepl_client: deepl.Translator) -> None:
    """tag_handling=xml: namespaces, prefixes, self-closing tags, CDATA, comments, entities
    and a declaration come back as sent; the text nodes are translated (a glossary shows it),
    what is in CDATA or an ignored tag is not; XML that is not well-formed is a 400."""
    glossary = deepl_client.create_glossary("Orte", "DE", "EN", {"Kiew": "Kyiv"})
    try:
        xml = (
            '<n:doc xmlns:n="urn:x-news" xmlns:m="urn:x-meta"><n:t m:id="a&amp;b">Die Lage in '
            "Kiew ist ernst.<br/></n:t><!-- Kiew --><n:code><![CDATA[Kiew <b>&amp;</b>]]>"
            "</n:code><n:keep>Kiew</n:keep> Kiew &amp; &lt;Umgebung&gt;.</n:doc>"
        )
        out = deepl_client.translate_text(xml, source_lang="DE", target_lang="EN-US",
                                          tag_handling="xml", ignore_tags=["keep"],
                                          glossary=glossary)
        assert out.text == (
            '<n:doc xmlns:n="urn:x-news" xmlns:m="urn:x-meta"><n:t m:id="a&amp;b">Die Lage in '
            "Kyiv ist ernst.<br/></n:t><!-- Kiew --><n:code><![CDATA[Kiew <b>&amp;</b>]]>"
            "</n:code><n:keep>Kiew</n:keep> Kyiv &amp; &lt;Umgebung&gt;.</n:doc>"
        )
        document = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE m [\n<!ENTITY ort '
                    '"Kiew">\n]>\n<m><p>Nach Kiew: &ort; und Müller.</p></m>')
        out = deepl_client.translate_text(document, source_lang="DE", target_lang="EN-US",
                                          tag_handling="xml", glossary=glossary)
        assert out.text == document.replace("Nach Kiew", "Nach Kyiv")  # &ort; not expanded
    finally:
        deepl_client.delete_glossary(glossary)
    for broken in ("<a><b>Text</a></b>", "<a>Tom &nbsp; Jerry</a>", "<a x=1>Text</a>"):
        with pytest.raises(deepl.DeepLException, match="not well-formed") as caught:
            deepl_client.translate_text(broken, target_lang="EN-US", tag_handling="xml")
        assert caught.value.http_status_code == 400


def test_deepl_languages(deepl_client: deepl.Translator) -> None:
    assert [x.code for x in deepl_client.get_source_languages()] == ["DE"]
    assert {x.code for x in deepl_client.get_target_languages()} == {"EN-GB", "EN-US"}
    pairs = deepl_client.get_glossary_languages()
    assert [(p.source_lang, p.target_lang) for p in pairs] == [("de", "en")]


def test_deepl_document_round_trip_docx(deepl_client: deepl.Translator, tmp_path: Path) -> None:
    source, target = tmp_path / "Bericht.docx", tmp_path / "Bericht.en.docx"
    source.write_bytes(documents.build_docx())
    status = deepl_client.translate_document_from_filepath(source, target, target_lang="EN-US")
    assert status.done and status.billed_characters
    assert _docx_texts(target.read_bytes()) == _docx_texts(source.read_bytes())


def test_deepl_document_pdf_to_docx(deepl_client: deepl.Translator, tmp_path: Path) -> None:
    blocks = [("title", "Neue Angriffe gemeldet"), *(("paragraph", t) for t in PARAGRAPHS)]
    source, target = tmp_path / "Meldung.pdf", tmp_path / "Meldung.docx"
    source.write_bytes(pdfs.news_pdf(blocks))
    deepl_client.translate_document_from_filepath(source, target, target_lang="EN-GB")
    texts = " ".join(_docx_texts(target.read_bytes()))
    for _, text in blocks:
        assert nfkc(text) in texts
    # PDF cannot be written back: said before any work, in DeepL's shape.
    with pytest.raises(deepl.DeepLException, match="PDF"):
        deepl_client.translate_document_from_filepath(source, tmp_path / "x.pdf",
                                                      target_lang="EN-GB")


def test_deepl_glossary_create_list_use_delete(deepl_client: deepl.Translator) -> None:
    glossary = deepl_client.create_glossary(
        "Heer", "DE", "EN", {"Panzerhaubitze": "self-propelled howitzer", "Kiew": "Kyiv"}
    )
    assert glossary.entry_count == 2 and glossary.ready
    assert glossary.glossary_id in [g.glossary_id for g in deepl_client.list_glossaries()]
    assert deepl_client.get_glossary(glossary.glossary_id).name == "Heer"
    assert deepl_client.get_glossary_entries(glossary) == {
        "Panzerhaubitze": "self-propelled howitzer", "Kiew": "Kyiv"
    }
    out = deepl_client.translate_text_with_glossary(
        "Die Panzerhaubitze steht in Kiew.", glossary, target_lang="EN-US"
    )
    assert out.text == "Die self-propelled howitzer steht in Kyiv."
    csv = deepl_client.create_glossary_from_csv("Orte", "DE", "EN", "Charkiw,Kharkiv\n")
    out = deepl_client.translate_text("In Charkiw.", source_lang="DE", target_lang="EN-US",
                                      glossary=csv)
    assert out.text == "In Kharkiv."
    deepl_client.delete_glossary(glossary)
    deepl_client.delete_glossary(csv)
    assert deepl_client.list_glossaries() == []
    with pytest.raises(deepl.GlossaryNotFoundException):
        deepl_client.get_glossary(glossary.glossary_id)
    with pytest.raises(deepl.DeepLException):
        deepl_client.translate_text("x", source_lang="DE", target_lang="EN-US",
                                    glossary=glossary.glossary_id)


def test_glossary_entries_with_bare_carriage_returns_or_huge_cells(
    deepl_client: deepl.Translator, server: Server
) -> None:
    """Rows ending in a lone CR (old Mac exports) are rows; a cell past the csv module's field
    limit is a 400 in DeepL's shape, never a 500 (schemathesis found both)."""
    rows = "Kiew,Kyiv\rCharkiw,Kharkiv\r"
    glossary = deepl_client.create_glossary_from_csv("Mac", "DE", "EN", rows)
    assert deepl_client.get_glossary_entries(glossary) == {"Kiew": "Kyiv", "Charkiw": "Kharkiv"}
    deepl_client.delete_glossary(glossary)
    headers = {"Authorization": f"DeepL-Auth-Key {server.key}"}
    form = {"name": "x", "source_lang": "de", "target_lang": "en", "entries_format": "tsv"}
    for entries in ("\r\U000463ec|\u00f8", "a\t" + "b" * 140_000):
        answer = _post(server, "/v2/glossaries", headers=headers, data={**form, "entries": entries})
        assert answer.status_code == 400, answer.text
        assert "invalid glossary entries" in answer.json()["message"]


def test_deepl_usage_counts_characters(deepl_client: deepl.Translator) -> None:
    before = deepl_client.get_usage().character.count
    assert before is not None
    deepl_client.translate_text(GERMAN, target_lang="EN-US")
    assert deepl_client.get_usage().character.count == before + len(GERMAN)


def test_deepl_errors(server: Server, deepl_client: deepl.Translator) -> None:
    with pytest.raises(deepl.AuthorizationException):
        deepl.Translator("wrong-key", server_url=server.url).translate_text(
            GERMAN, target_lang="EN-US")
    with pytest.raises(deepl.DeepLException) as caught:
        deepl_client.translate_text("x" * 3001, target_lang="EN-US")
    assert caught.value.http_status_code == 413
    with pytest.raises(deepl.DeepLException) as caught:
        deepl_client.translate_text(GERMAN, source_lang="FR", target_lang="EN-US")
    assert caught.value.http_status_code == 400
    with pytest.raises(deepl.DeepLException) as caught:
        deepl_client.translate_text(GERMAN, target_lang="ES")
    assert caught.value.http_status_code == 400
    with pytest.raises(deepl.DeepLException) as caught:
        deepl_client.create_glossary("x", "FR", "EN", {"a": "b"})
    assert caught.value.http_status_code == 400
    big = io.BytesIO(b"Text. " * (1024 * 1024))  # over the 5 MiB upload limit
    with pytest.raises(deepl.DeepLException) as caught:
        deepl_client.translate_document_upload(big, target_lang="EN-US", filename="big.txt")
    assert caught.value.http_status_code == 413
    got = _post(server, "/v2/translate", content=b"{not json",
                headers={"Authorization": f"DeepL-Auth-Key {server.key}",
                         "Content-Type": "application/json"})
    assert got.status_code == 400 and set(got.json()) == {"message"}


# -- native ----------------------------------------------------------------------------------


def _auth(server: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.key}"}


def test_native_translate_returns_the_tools_json(
    server: Server, deepl_client: deepl.Translator
) -> None:
    glossary = deepl_client.create_glossary("Orte", "DE", "EN", {"Kiew": "Kyiv"})
    try:
        got = _post(server, "/api/translate", headers=_auth(server),
                    json={"text": "Die Lage in Kiew.", "glossary_id": glossary.glossary_id})
    finally:
        deepl_client.delete_glossary(glossary)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["target"] == "Die Lage in Kyiv."
    assert [(t["source"], t["expected"], t["status"]) for t in body["terms"]] == [
        ("Kiew", "Kyiv", "applied")
    ]
    assert body["signature"]["model"]
    assert "flags" in body["paragraphs"][0]["sentences"][0]
    got = _post(server, "/api/translate", json={"text": "x"})
    assert got.status_code == 403 and got.json() == {"error": "an API key is required",
                                                     "status": 403}


def test_native_documents_refuse_a_zip_bomb_and_keep_paths_inside(server: Server) -> None:
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    got = _post(server, "/api/documents", headers=_auth(server),
                files={"file": ("bomb.docx", bomb.getvalue())})
    assert got.status_code == 413 and "zip bomb" in got.json()["error"]

    got = _post(server, "/api/documents", headers=_auth(server),
                files={"file": ("../../../escape.txt", GERMAN.encode())})
    assert got.status_code == 202, got.text
    job = got.json()
    assert job["name"] == "escape.txt"
    for _ in range(100):
        job = httpx.get(job["status_url"], headers=_auth(server), timeout=30).json()
        if job["status"] in ("done", "error"):
            break
        time.sleep(0.2)
    assert job["status"] == "done"
    download = httpx.get(job["download_url"], headers=_auth(server), timeout=30)
    assert download.text.strip() == GERMAN
    assert 'filename="escape.en.txt"' in download.headers["content-disposition"]
    # The client's name is only shown: no file anywhere is named after it.
    assert not list(server.data.parent.parent.rglob("escape*"))
    # Another's job key, or a path as an id: not found, never a file outside.
    for path in (f"/api/documents/{job['id']}?key=0", "/api/documents/..%2F..%2Fkeys.txt?key=0"):
        got = httpx.get(server.url + path, headers=_auth(server), timeout=30)
        assert got.status_code == 404 and set(got.json()) == {"error", "status"}


def test_native_document_errors_are_reported(server: Server) -> None:
    got = _post(server, "/api/documents", headers=_auth(server),
                files={"file": ("leer.txt", b"   ")})
    assert got.status_code == 400 and "empty" in got.json()["error"]
    got = _post(server, "/api/documents", headers=_auth(server),
                files={"file": ("kaputt.pdf", pdfs.truncated_pdf())},
                data={"output_format": "md"})
    job = got.json()
    for _ in range(100):
        job = httpx.get(job["status_url"], headers=_auth(server), timeout=30).json()
        if job["status"] in ("done", "error"):
            break
        time.sleep(0.2)
    assert job["status"] == "error" and job["error"]
    got = httpx.get(server.url + "/api/glossary", params={"q": "Kiew"}, headers=_auth(server))
    assert got.status_code == 200 and got.json() == []  # this server runs without a glossary
