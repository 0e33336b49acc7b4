"""Reading input (files, stdin, encodings, every error) and writing outputs atomically."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import config
from translator.errors import InputError, OutputError
from translator.files import write_atomic
from translator.text.decode import decode_bytes, read_file, read_input
from translator.text.layout import rebuild
from translator.text.normalise import join_soft_breaks, normalise

GERMAN = "„Die Präsenz von DPRK-Truppen“, erklärte er. Größe, Maß, Übung, Ärger, Öl – 5 €."

# -- normalise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("\ufeffText", "Text"),
        ("Zuru\u0308ck", "Zurück"),  # NFD -> NFC
        ("Verteidigungs\u00administerium", "Verteidigungsministerium"),
        ("Verteidigungs\u00ad\nministerium gab", "Verteidigungs\ue000\nministerium gab"),
        ("31.\u00a0Januar\u202f2025\tx", "31. Januar 2025 x"),
        ("Kur\u200bsk\u2060\u200e", "Kursk"),
        ("Seite eins\fSeite zwei", "Seite eins\n\n\n\nSeite zwei"),
        ("a\u2028b\u2029c", "a\nb\n\nc"),
        ("a\x00b\x1bc", "a b c"),
    ],
)
def test_normalise(raw: str, clean: str) -> None:
    assert normalise(raw) == clean


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("Verteidigungs\u00ad\nministerium gab", "Verteidigungsministerium gab"),
        ("Bau\u00ad \f\n zeit sei", "Bauzeit sei"),  # across a page break
        ("Bau\u00adzeit sei", "Bauzeit sei"),
    ],
)
def test_words_broken_by_a_soft_hyphen_at_a_line_end_are_joined(raw: str, joined: str) -> None:
    # normalise marks the break (the layout joins the lines), join_soft_breaks joins it.
    assert join_soft_breaks(normalise(raw)) == joined
    assert [b.text for b in rebuild(raw)] == [joined]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once and "\u00ad" not in once and "\ufeff" not in once


# -- decode_bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param(GERMAN.encode("utf-8"), GERMAN, id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), GERMAN, id="utf-8-bom"),
        pytest.param(GERMAN.encode("utf-16"), GERMAN, id="utf-16-bom"),
        pytest.param(b"\xfe\xff" + GERMAN.encode("utf-16-be"), GERMAN, id="utf-16-be-bom"),
        pytest.param(GERMAN.encode("utf-32"), GERMAN, id="utf-32-bom"),
        pytest.param(GERMAN.encode("cp1252"), GERMAN, id="cp1252"),
        pytest.param("Größe, Übung, Maß".encode("latin-1"), "Größe, Übung, Maß", id="latin-1"),
        # Short inputs, where an unrestricted detector picks exotic code pages.
        pytest.param("Zurück".encode("cp1252"), "Zurück", id="short-cp1252"),
        pytest.param("Maß.".encode("latin-1"), "Maß.", id="short-latin-1"),
        pytest.param("„Wir“ – 5 €".encode("cp1252"), "„Wir“ – 5 €", id="short-quotes-cp1252"),
        pytest.param(b"plain ascii\n", "plain ascii\n", id="ascii"),
    ],
)
def test_decode_bytes(data: bytes, text: str) -> None:
    assert decode_bytes(data) == text


def test_decode_seed_in_cp1252(seed_text: str) -> None:
    assert decode_bytes(seed_text.encode("cp1252")) == seed_text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png-with-nul"),
        pytest.param(b"Text\x00mit NUL", id="nul"),
        pytest.param(bytes(range(1, 32)) * 20, id="control-characters"),
        pytest.param(b"\xff\xfe" + b"\x00\xd8", id="utf-16-bom-broken"),
        pytest.param(b"\xef\xbb\xbf\xff\xfe\xfd", id="utf-8-bom-broken"),
        pytest.param(bytes(range(0x80, 0x100)) * 8, id="high-bytes"),
    ],
)
def test_decode_bytes_rejects_binary(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^blob\.bin: "):
        decode_bytes(data, name="blob.bin")


# -- read_input / read_file ------------------------------------------------------------------


def test_read_input_file(tmp_path: Path) -> None:
    path = tmp_path / "artikel.txt"
    path.write_bytes(b"\xef\xbb\xbfTitel\r\n\r\nText mit Stra\xc3\x9fe.\r\n")
    assert read_input(str(path)) == ("Titel\n\nText mit Straße.\n", str(path))
    assert read_file(path) == "Titel\n\nText mit Straße.\n"


def test_read_input_cp1252_file(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "seed-cp1252.txt"
    path.write_bytes(seed_text.encode("cp1252"))
    assert read_input(str(path))[0] == seed_text


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_read_input_stdin_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, GERMAN.encode("cp1252"))
    assert read_input("-") == (GERMAN, "<stdin>")


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b" \n\t\r\n", "empty"), (b"\xef\xbb\xbf\n", "empty"), (b"a\x00b", "binary")],
)
def test_read_input_stdin_errors(monkeypatch: pytest.MonkeyPatch, data: bytes, reason: str) -> None:
    _stdin(monkeypatch, data)
    with pytest.raises(InputError, match=rf"^<stdin>: .*{reason}"):
        read_input("-")


def test_read_input_stdin_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 10)
    _stdin(monkeypatch, b"x" * 11)
    with pytest.raises(InputError, match=r"^<stdin>: too large"):
        read_input("-")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\n \t\r\n", "is empty"),
        (b"\xef\xbb\xbf\xe2\x80\x8b\n", "is empty"),  # BOM + zero-width space
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(0x80, 0x100)) * 8, "not text"),
    ],
)
def test_read_file_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^{path}: .*{reason}"):
        read_file(path)
    with pytest.raises(InputError, match=reason):
        read_input(str(path))


def test_read_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError, match=rf"^{missing}: no such file"):
        read_input(str(missing))


def test_read_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{tmp_path}: is a directory"):
        read_input(str(tmp_path))


def test_read_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Ein Satz. " * 20, encoding="utf-8")
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 100)
    with pytest.raises(InputError, match=rf"^{path}: too large \(more than 100 bytes\)"):
        read_file(path)
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 200)
    assert read_file(path).startswith("Ein Satz.")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_read_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Text.", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match=rf"^{path}: permission denied"):
        read_file(path)


def test_read_permission_error_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same path as above, for runs as root (CI containers), where chmod 0 is no barrier.
    path = tmp_path / "secret.txt"
    path.write_text("Text.", encoding="utf-8")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(InputError, match=rf"^{path}: permission denied"):
        read_file(path)


# -- write_atomic ----------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_writes_exactly(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.txt"
    write_atomic(target, "Zeile 1\nGröße\n")
    assert target.read_bytes() == "Zeile 1\nGröße\n".encode()
    write_atomic(str(target), "ohne Zeilenende")
    assert target.read_bytes() == b"ohne Zeilenende"
    assert _leftovers(target.parent) == []


def test_write_atomic_keeps_crlf_and_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("alt", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "a\r\nb\r\n")
    assert target.read_bytes() == b"a\r\nb\r\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_atomic_new_file_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_write_atomic_refuses_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "artikel.txt"
    source.write_text("Original.", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(source)
    hard = tmp_path / "hard.txt"
    os.link(source, hard)
    monkeypatch.chdir(tmp_path)
    for target in (source, "artikel.txt", "./sub/../artikel.txt", link, hard):
        with pytest.raises(OutputError, match="refusing to overwrite the input"):
            write_atomic(target, "Übersetzung.", inputs=[source])
    assert source.read_text(encoding="utf-8") == "Original."
    write_atomic(tmp_path / "other.txt", "ok", inputs=[source])  # other paths are fine


def test_write_atomic_errors_are_output_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot create folder"):
        write_atomic(blocker / "sub" / "out.txt", "data")
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(tmp_path, "data")


def test_write_atomic_cleans_up_when_replace_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("vorher", encoding="utf-8")

    def fail(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match=r"out\.txt: cannot write \(No space left on device\)"):
        write_atomic(target, "nachher")
    assert target.read_text(encoding="utf-8") == "vorher"
    assert _leftovers(tmp_path) == []


def test_write_atomic_cleans_up_on_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.txt", "data")
    assert list(tmp_path.iterdir()) == []
