"""`translator serve`'s machinery in-process: the batcher, the bounded queue (503), timeouts,
jobs that survive a restart, keys, the request log, and the CLI's refusals.

The engine here is a test double (tests/doubles.py) that records its batches, or one that
waits until the test lets it go: the things under test are the batcher and the server.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cli import run_cli
from tests.doubles import WordEngine
from translator import Options, UsageError
from translator.serve.app import create_app, server_config
from translator.serve.batcher import BatchingEngine
from translator.serve.keys import KeyRing, add_key, hash_key
from translator.serve.service import ServeSettings, Service
from translator.serve.store import Store


class HeldEngine(WordEngine):
    """A WordEngine whose calls wait until ``release`` is set (after ``entered`` is set)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.entered.set()
        assert self.release.wait(30), "the test never released the engine"
        return super().translate_batch(sentences)


def _settings(tmp_path: Path, **changes: Any) -> ServeSettings:
    options = Options(glossary=False, qa=False, memory=False)
    return ServeSettings(options=options, data_dir=tmp_path / "data", **changes)


@pytest.fixture
def held() -> HeldEngine:
    return HeldEngine()


# -- the batcher -----------------------------------------------------------------------------


def test_batcher_merges_concurrent_requests_into_length_sorted_batches(held: HeldEngine) -> None:
    batcher = BatchingEngine(lambda: held, max_batch=64)
    batcher.start()
    results: dict[int, list[str]] = {}
    texts = {n: [f"Satz {n}.", "Gleich für alle.", "x" * (20 - n)] for n in range(8)}

    def client(n: int) -> None:
        results[n] = batcher.translate_batch(texts[n])

    threads = [threading.Thread(target=client, args=(0,))]
    threads[0].start()
    assert held.entered.wait(10)  # the first request is in the engine; the others queue up
    threads += [threading.Thread(target=client, args=(n,)) for n in range(1, 8)]
    for t in threads[1:]:
        t.start()
    deadline = time.monotonic() + 10
    while batcher._queue.qsize() < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    held.release.set()
    for t in threads:
        t.join(10)
    batcher.close()
    assert len(held.calls) == 2  # the first alone, then the seven waiting ones together
    merged = held.calls[1]
    assert merged == sorted(merged, key=len)
    assert len(merged) == len(set(merged)) == 7 * 2 + 1  # "Gleich für alle." once
    for n, sentences in texts.items():
        assert results[n] == [held._one(s) for s in sentences]
    assert batcher.stats["merged_requests"] == 7


class SlowEngine(WordEngine):
    """A WordEngine whose every call takes ``seconds`` (an engine call's fixed cost)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def translate_batch(self, sentences: list[str]) -> list[str]:
        time.sleep(self.seconds)
        return super().translate_batch(sentences)


def test_batcher_waits_for_half_the_requests_in_flight_instead_of_splitting_a_burst() -> None:
    """Four requests in flight whose sentences arrive 0-90 ms apart (their threads are still
    preparing) make two engine calls of two, the halves taking turns: not a call for the first
    and one for the rest, nor one a request; a lone request is never held back."""
    engine = SlowEngine(1.0)  # the deadline is half a call: 0.5 s
    batcher = BatchingEngine(lambda: engine, max_batch=64)
    batcher.start()
    with batcher.request():
        batcher.translate_batch(["Allein."])
    assert batcher.stats["wait_seconds"] < 0.1  # nothing else in flight: no wait
    engine.calls.clear()
    gate = threading.Barrier(4)

    def client(n: int) -> None:
        with batcher.request():
            gate.wait()  # all four in flight
            time.sleep(0.03 * n)  # preparing their sentences
            batcher.translate_batch([f"Satz {n}."])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    batcher.close()
    assert [len(c) for c in engine.calls] == [2, 2]
    assert batcher.stats["batch_sizes"] == {1: 1, 2: 2}


def test_batcher_hands_an_engine_error_to_each_waiting_request() -> None:
    class Broken(WordEngine):
        def translate_batch(self, sentences: list[str]) -> list[str]:
            raise RuntimeError("engine down")

    batcher = BatchingEngine(Broken, max_batch=8)
    batcher.start()
    with pytest.raises(RuntimeError, match="engine down"):
        batcher.translate_batch(["Satz."])
    batcher.close()


# -- the bounded queue and timeouts ----------------------------------------------------------


def test_concurrent_requests_each_get_their_own_texts_translation(tmp_path: Path) -> None:
    """Eight clients at once (each request splits its text in its own thread, and the
    batcher merges their sentences): each gets what it gets alone, cut into the same
    sentences (the engine marks each sentence it got)."""
    from tests.conftest import SEED

    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    texts = [f"Meldung {n}: {paragraphs[n % len(paragraphs)]}" for n in range(96)]
    class Sentences(WordEngine):  # shows where the text was cut into sentences
        def _one(self, sentence: str) -> str:
            return f"<{super()._one(sentence)}>"

    service = Service(_settings(tmp_path), engine=Sentences())
    with TestClient(create_app(service)) as client:
        alone = [client.post("/translate", json={"q": t}).json()["translatedText"]
                 for t in texts]
        got: dict[int, str] = {}

        def send(k: int) -> None:
            for n in range(k, len(texts), 8):
                got[n] = client.post("/translate", json={"q": texts[n]}).json()["translatedText"]

        threads = [threading.Thread(target=send, args=(k,)) for k in range(8)]
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-5)  # switch threads often: many chances to interleave
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            sys.setswitchinterval(interval)
    assert [got.get(n) for n in range(len(texts))] == alone


def test_a_full_queue_answers_503_with_retry_after_in_each_apis_shape(
    tmp_path: Path, held: HeldEngine
) -> None:
    service = Service(_settings(tmp_path, queue_size=1), engine=held)
    with TestClient(create_app(service)) as client:
        first: dict[str, Any] = {}
        blocked = threading.Thread(
            target=lambda: first.update(r=client.post("/translate", json={"q": "Eins."}))
        )
        blocked.start()
        assert held.entered.wait(10)
        libre = client.post("/translate", json={"q": "Zwei."})
        deepl = client.post("/v2/translate", json={"text": ["Zwei."], "target_lang": "EN-US"})
        native = client.post("/api/translate", json={"text": "Zwei."})
        held.release.set()
        blocked.join(10)
        assert first["r"].status_code == 200
        assert first["r"].json()["translatedText"] == held._one("Eins.")
        again = client.post("/translate", json={"q": "Zwei."})  # a place is free again
    for response, shape in ((libre, {"error"}), (deepl, {"message"}),
                            (native, {"error", "status"})):
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert set(response.json()) == shape
    assert again.status_code == 200


def test_a_request_past_its_timeout_gets_504(tmp_path: Path, held: HeldEngine) -> None:
    service = Service(_settings(tmp_path, timeout=0.5), engine=held)
    with TestClient(create_app(service)) as client:
        got = client.post("/api/translate", json={"text": "Langsam."})
        held.release.set()
    assert got.status_code == 504
    assert "longer than 0.5 s" in got.json()["error"]


# -- jobs on disk ----------------------------------------------------------------------------


def test_a_restart_resumes_unfinished_jobs_and_reports_lost_ones(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    store = Store(settings.data_dir)  # what a server killed mid-way left behind
    waiting = store.add_job(data=b"Hallo Welt.", name="a.txt", input_format="text",
                            output_format="text", glossary_id=None, owner=None)
    store.update_job(waiting.id, status="translating")
    lost = store.add_job(data=b"Weg.", name="b.txt", input_format="text",
                         output_format="text", glossary_id=None, owner=None)
    (store.job_dir(lost.id) / "input").unlink()
    store.close()
    engine = WordEngine()
    service = Service(settings, engine=engine)
    service.start()
    try:
        service.wait(waiting.id, 30)
        done = service.job(waiting.id, waiting.key, None)
        assert done.status == "done"
        assert service.job_file(done).read_text().strip() == engine._one("Hallo Welt.")
        gone = service.job(lost.id, lost.key, None)
        assert gone.status == "error" and "lost" in (gone.error or "")
    finally:
        service.close()


def test_a_job_is_found_only_with_its_key(tmp_path: Path) -> None:
    service = Service(_settings(tmp_path), engine=WordEngine())
    service.start()
    try:
        row = service.submit(b"Hallo.", name="../../etc/passwd")
        assert row.name == "passwd"
        assert service.store.job_dir(row.id).parent == service.store.folder / "jobs"
        for key in ("", "0" * 32, row.key[:-1]):
            with pytest.raises(Exception, match="not found"):
                service.job(row.id, key, None)
        with pytest.raises(ValueError):
            service.store.job_dir("../x")
    finally:
        service.close()


# -- keys, binding, logs ---------------------------------------------------------------------


def test_keys_are_stored_hashed_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    key = add_key(path, "desk")
    assert key not in path.read_text() and hash_key(key) in path.read_text()
    ring = KeyRing.load(path)
    assert ring.check(key) == hash_key(key)
    assert ring.check(key + "x") is None and ring.check("") is None
    path.write_text("plain-key desk\n")
    with pytest.raises(UsageError, match="keys.txt:1"):
        KeyRing.load(path)


def test_a_public_address_needs_keys_or_an_explicit_flag(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--keys"):
        Service(_settings(tmp_path, host="0.0.0.0"), engine=WordEngine())
    Service(_settings(tmp_path, host="0.0.0.0", no_keys=True), engine=WordEngine())


def test_cli_refuses_a_public_address_without_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(monkeypatch, capsys, "serve", "--host", "0.0.0.0", "--no-glossary")
    assert run.code == 2
    assert run.err.count("\n") == 1 and "--keys" in run.err and "Traceback" not in run.err


def test_cli_without_the_serve_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    run = run_cli(monkeypatch, capsys, "serve")
    assert run.code == 2
    assert run.err == "translator: error: `translator serve` needs the serve extra: " \
        "pip install 'translator[serve]'\n"


def test_request_logs_carry_no_text_unless_asked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Geheimer Quellentext."
    for log_texts in (False, True):
        caplog.clear()
        service = Service(_settings(tmp_path / str(log_texts), log_texts=log_texts),
                          engine=WordEngine())
        with caplog.at_level(logging.INFO, logger="translator.serve"), \
                TestClient(create_app(service)) as client:
            assert client.post("/translate", data={"q": secret}).status_code == 200
        lines = [r.getMessage() for r in caplog.records if r.name == "translator.serve"]
        assert any("POST /translate 200" in line for line in lines)
        assert any(secret in line for line in lines) is log_texts


def test_cors_is_off_unless_configured(tmp_path: Path) -> None:
    origin = {"Origin": "https://newsroom.example"}
    for origins, allowed in (((), None), (("https://newsroom.example",),
                                          "https://newsroom.example")):
        service = Service(_settings(tmp_path / str(bool(origins)), cors_origins=origins),
                          engine=WordEngine())
        with TestClient(create_app(service)) as client:
            got = client.get("/languages", headers=origin)
        assert got.headers.get("access-control-allow-origin") == allowed


@pytest.fixture
def _no_threads_left() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.name.startswith("translator")]
    assert not left


@pytest.mark.usefixtures("_no_threads_left")
def test_shutdown_finishes_in_flight_work(tmp_path: Path, held: HeldEngine) -> None:
    """A real uvicorn server told to exit (what SIGTERM does) while a request is in the engine
    still answers it, then stops the service's threads. (Through Starlette's TestClient this
    raced: its portal may close before the answer crosses back to the client's thread.)"""
    import httpx
    import uvicorn

    service = Service(_settings(tmp_path), engine=held)
    server = uvicorn.Server(server_config(create_app(service), host="127.0.0.1", port=0))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/translate"
    running = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    running.start()
    deadline = time.monotonic() + 60
    while not server.started and running.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    got: dict[str, Any] = {}
    worker = threading.Thread(
        target=lambda: got.update(r=httpx.post(url, json={"q": "Zuletzt."}, timeout=60))
    )
    worker.start()
    assert held.entered.wait(10)
    server.should_exit = True  # the server shuts down while the request is in the engine
    threading.Timer(0.5, held.release.set).start()
    worker.join(60)
    running.join(60)
    sock.close()
    assert not running.is_alive()
    assert got["r"].status_code == 200
    assert got["r"].json()["translatedText"] == held._one("Zuletzt.")


def test_a_document_past_its_timeout_fails_with_the_reason(tmp_path: Path) -> None:
    class Slow(WordEngine):
        def translate_batch(self, sentences: list[str]) -> list[str]:
            time.sleep(0.3)
            return super().translate_batch(sentences)

    service = Service(_settings(tmp_path, document_timeout=0.1), engine=Slow())
    service.start()
    try:
        text = " ".join(f"Satz Nummer {n}." for n in range(200)).encode("utf-8")
        row = service.submit(text, name="lang.txt")
        service.wait(row.id, 60)
        row = service.job(row.id, row.key, None)
        assert row.status == "error" and row.error == "took longer than 0.1 s"
        assert not service.job_file(row).exists()
    finally:
        service.close()


def test_what_the_engine_dropped_is_kept_and_said_in_headers(tmp_path: Path) -> None:
    from tests.doubles import EmptyEngine

    service = Service(_settings(tmp_path), engine=EmptyEngine("LEER"))
    with TestClient(create_app(service)) as client:
        libre = client.post("/translate", json={"q": ["Ein LEER Satz.", "Gut."]})
        deepl = client.post("/v2/translate", data={"text": "Ein LEER Satz.",
                                                    "target_lang": "EN-GB"})
    assert libre.json()["translatedText"][0] == "Ein LEER Satz."  # the source, never nothing
    for response in (libre, deepl):
        assert response.status_code == 200
        assert response.headers["x-translator-kept-source"] == "1"
        assert response.headers["x-translator-flags"] == "1"
        assert response.headers["x-translator-missed-terms"] == "0"


# -- request bodies over the limit, read as they arrive -------------------------------------


@contextlib.contextmanager
def _uvicorn(service: Service) -> Iterator[int]:
    """The app served by uvicorn (as `translator serve` serves it) in a thread, on 127.0.0.1."""
    import uvicorn

    from tests.serve_server import free_port

    port = free_port()
    config = uvicorn.Config(create_app(service), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(30)


def _chunked(port: int, path: str, content_type: str, limit: int) -> tuple[bytes, int]:
    """Send a chunked body (no Content-Length) of 4 KiB chunks to ``path`` and never end it;
    return the response the server sends meanwhile and how many bytes had been sent. A
    multipart body starts as a file upload."""
    sent = 0
    start = b'{"q": "' if "json" in content_type else (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
            + b"%x\r\n%s\r\n" % (len(start), start)
        )
        chunk = b"x" * 4096
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and b"\r\n\r\n" not in answer:
            if sent < 4 * limit:  # never more than four times the limit, and never the end
                try:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    pass
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                time.sleep(0.005)
        sock.setblocking(True)
        sock.settimeout(5)
        with contextlib.suppress(OSError):
            while b"}" not in answer.split(b"\r\n\r\n", 1)[-1]:
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
    return answer, sent


@pytest.mark.parametrize(
    ("path", "content_type", "field"),
    [("/translate", "application/json", "error"),
     ("/v2/document", "multipart/form-data; boundary=b", "message"),
     ("/api/documents", "multipart/form-data; boundary=b", "error")],
)
def test_a_chunked_body_is_refused_with_413_as_soon_as_it_passes_the_limit(
    tmp_path: Path, path: str, content_type: str, field: str
) -> None:
    """No Content-Length to check first: the body is counted as it arrives, and the 413
    (in the API's own shape) comes while the client is still sending, not after the end."""
    import json

    service = Service(_settings(tmp_path, max_upload=20_000), engine=WordEngine())
    limit = 20_000 + 1_048_576
    with _uvicorn(service) as port:
        answer, sent = _chunked(port, path, content_type, limit)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 4 * limit  # answered before the client gave up sending
    assert field in json.loads(body.decode())
