"""The HTTP layer: LibreTranslate-, DeepL v2- and native APIs and the web page over a Service.

Thin: every route reads its parameters, authenticates, and calls :class:`Service`; errors
become each API's own shape (LibreTranslate ``{"error": ...}``, DeepL ``{"message": ...}``,
native ``{"error": ..., "status": ...}``). Logs name method, path, status, time and sizes,
never the texts (unless ``log_texts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._version import __version__
from ..errors import InputError, TranslatorError
from ..formats import registry
from .service import ServeError, Service
from .store import GlossaryRow, JobRow

log = logging.getLogger("translator.serve")

__all__ = ["create_app", "server_config"]

SOURCE = {"code": "de", "name": "German"}
TARGET = {"code": "en", "name": "English"}
DEEPL_TARGETS = ("EN", "EN-US", "EN-GB")


class TranslateIn(BaseModel):
    """``POST /api/translate``: one German text."""

    text: str = Field(min_length=1, description="German text (plain, or an HTML fragment)")
    format: Literal["text", "html"] = "text"
    glossary_id: str | None = Field(None, description="an uploaded glossary (see /v2/glossaries)")


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An ``openapi_extra`` request body (JSON or form) for routes that read their parameters
    themselves (they accept both, and strings or lists), so the schema documents them."""
    schema = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }}}


_TEXTS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_STRING = {"type": "string"}
LIBRE_BODY = _body({"q": _TEXTS, "source": {"enum": ["de", "auto"]}, "target": {"enum": ["en"]},
                    "format": {"enum": ["text", "html"]}, "api_key": _STRING}, ["q"])
DEEPL_BODY = _body({"text": {"type": "array", "items": _STRING},
                    "source_lang": {"enum": ["DE"]},
                    "target_lang": {"enum": ["EN", "EN-US", "EN-GB"]},
                    "tag_handling": {"enum": ["html", "xml"]}, "glossary_id": _STRING,
                    "ignore_tags": _STRING},
                   ["text", "target_lang"])


def _upload(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An ``openapi_extra`` multipart request body with a ``file`` upload (routes that read
    their form themselves)."""
    schema = {"type": "object", "required": ["file", *required], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF, DOCX, HTML, Markdown or text"},
        **properties,
    }}
    return {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": schema},
    }}}


DEEPL_DOCUMENT_BODY = _upload(
    {"source_lang": {"enum": ["DE"]}, "target_lang": {"enum": ["EN", "EN-US", "EN-GB"]},
     "filename": _STRING, "output_format": {"enum": ["docx", "md", "txt", "html", "json"]},
     "glossary_id": _STRING, "auth_key": _STRING},
    ["target_lang"],
)
LIBRE_FILE_BODY = _upload(
    {"source": {"enum": ["de", "auto"]}, "target": {"enum": ["en"]}, "api_key": _STRING}, []
)
DOCUMENT_KEY_BODY = _body({"document_key": _STRING, "auth_key": _STRING}, ["document_key"])
GLOSSARY_BODY = _body({"name": _STRING, "source_lang": {"enum": ["de"]},
                       "target_lang": {"enum": ["en"]}, "entries": _STRING,
                       "entries_format": {"enum": ["tsv", "csv"]}},
                      ["name", "source_lang", "target_lang", "entries"])


def _api_of(path: str) -> str:
    if path.startswith("/v2/"):
        return "deepl"
    if path.startswith("/api/"):
        return "native"
    return "libre"


def _error(path: str, status: int, message: str, retry_after: int | None = None) -> JSONResponse:
    api = _api_of(path)
    body: dict[str, Any]
    if api == "deepl":
        body = {"message": message}
    elif api == "native":
        body = {"error": message, "status": status}
    else:
        body = {"error": message}
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _params(request: Request) -> dict[str, Any]:
    """A request's parameters from its JSON body, form body or query (repeated fields as
    lists), whichever it has."""
    params: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ServeError(400, "the body is not valid JSON") from exc
        if not isinstance(body, dict):
            raise ServeError(400, "the JSON body must be an object")
        params.update(body)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        for key in form:
            found = form.getlist(key)
            params[key] = found if len(found) > 1 else found[0]
    return params


def _text_list(value: Any, name: str) -> tuple[list[str], bool]:
    """(texts, was a list) from a parameter that is a string or a list of strings."""
    if value is None or value == "" or value == []:
        raise ServeError(400, f"missing parameter {name!r}")
    if isinstance(value, str):
        return [value], False
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value), True
    raise ServeError(400, f"parameter {name!r} must be a string or a list of strings")


def _str(params: dict[str, Any], name: str, default: str | None = None) -> str | None:
    value = params.get(name, default)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else default
    if not isinstance(value, str):
        raise ServeError(400, f"parameter {name!r} must be a string")
    return value


#: Seconds a stopping server (SIGTERM, Ctrl-C) gives the requests in flight to finish.
GRACEFUL_SHUTDOWN = 30


def server_config(app: Any, *, host: str, port: int) -> Any:
    """The uvicorn configuration `translator serve` runs ``app`` with (tests run the same)."""
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
    )


def create_app(service: Service) -> FastAPI:
    """The FastAPI application over ``service`` (started and closed by its lifespan)."""
    settings = service.settings
    executor = ThreadPoolExecutor(settings.queue_size, thread_name_prefix="translator-serve")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.get_running_loop().run_in_executor(None, service.start)
        log.warning("translator serve: ready (engine loaded, %s)",
                    "API keys required" if service.keys_required else "no API keys")
        try:
            yield
        finally:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, executor.shutdown)  # in-flight work finishes
            await loop.run_in_executor(None, service.close)

    app = FastAPI(
        title="translator serve",
        version=__version__,
        description="German news into English with MarianMT and an enforced glossary: "
        "LibreTranslate- and DeepL v2-compatible endpoints and a native API.",
        lifespan=lifespan,
        # Every body, with or without Content-Length (chunked), is counted as it arrives and
        # refused with 413 as soon as it passes the limit, never read whole first.
        max_body_size=settings.max_upload + 1_048_576,
    )
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["*"],
            allow_headers=["*"],
        )

    @app.middleware("http")
    async def access_log(request: Request, call_next: Callable[..., Any]) -> Response:
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_upload + 1_048_576:
            response: Response = _error(request.url.path, 413, "request too large")
        else:
            response = await call_next(request)
        log.info(
            "%s %s %d %.0f ms in=%s", request.method, request.url.path, response.status_code,
            1000 * (time.perf_counter() - started), length or "-",
        )
        return response

    @app.exception_handler(ServeError)
    async def serve_error(request: Request, exc: ServeError) -> JSONResponse:
        return _error(request.url.path, exc.status, exc.message, exc.retry_after)

    @app.exception_handler(TranslatorError)
    async def library_error(request: Request, exc: TranslatorError) -> JSONResponse:
        status = 400 if isinstance(exc, InputError) else 500
        if status == 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return _error(request.url.path, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        status = 422 if _api_of(request.url.path) == "native" else 400
        return _error(request.url.path, status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(request.url.path, exc.status_code, str(exc.detail))

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn`` in a translation thread: admitted to the bounded queue (503 when full),
        answered within the request timeout (504); the thread's place is given back when it
        ends, so the queue bound holds even for requests that timed out."""
        service.admit()

        def call() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                service.release()

        try:
            future = asyncio.get_running_loop().run_in_executor(executor, call)
        except RuntimeError:  # shutting down
            service.release()
            raise ServeError(503, "the server is shutting down", retry_after=5) from None
        try:
            return await asyncio.wait_for(asyncio.shield(future), settings.timeout)
        except TimeoutError:
            raise ServeError(504, f"translation took longer than {settings.timeout:g} s") from None

    async def wait_for_job(job_id: str, seconds: float) -> None:
        """Until the job has finished or ``seconds`` passed, holding no thread."""
        deadline = time.monotonic() + seconds
        while not service.finished(job_id) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    def log_texts(texts: list[str]) -> None:
        if settings.log_texts:
            log.info("texts: %s", json.dumps(texts, ensure_ascii=False))

    async def read_upload(upload: Any) -> tuple[bytes, str]:
        if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
            raise ServeError(400, "missing file upload 'file'")
        data = await upload.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise ServeError(
                413, f"file too large (the limit is {settings.max_upload:,} bytes)"
            )
        return data, upload.filename or "document"

    # -- LibreTranslate ----------------------------------------------------------------------

    @app.post("/translate", tags=["LibreTranslate"], openapi_extra=LIBRE_BODY)
    async def libre_translate(request: Request, response: Response) -> dict[str, Any]:
        params = await _params(request)
        owner = service.authenticate(_str(params, "api_key"))
        texts, many = _text_list(params.get("q"), "q")
        source = (_str(params, "source", "auto") or "auto").lower()
        target = (_str(params, "target", "en") or "en").lower()
        fmt = (_str(params, "format", "text") or "text").lower()
        if source not in ("de", "auto"):
            raise ServeError(400, f"{source} is not supported (source: de or auto)")
        if target != "en":
            raise ServeError(400, f"{target} is not supported (target: en)")
        if fmt not in ("text", "html"):
            raise ServeError(400, f"format {fmt!r} is not supported (text or html)")
        service.check_texts(texts)
        log_texts(texts)
        results = await run(service.translate_texts, texts, html=fmt == "html", owner=owner)
        _report(response, results)
        out = [_target(r) for r in results]
        body: dict[str, Any] = {"translatedText": out if many else out[0]}
        if source == "auto":
            detected = {"confidence": 100.0, "language": "de"}
            body["detectedLanguage"] = [detected] * len(out) if many else detected
        return body

    @app.get("/languages", tags=["LibreTranslate"])
    async def libre_languages() -> list[dict[str, Any]]:
        return [{**SOURCE, "targets": ["en"]}, {**TARGET, "targets": []}]

    @app.post("/detect", tags=["LibreTranslate"], openapi_extra=_body({"q": _TEXTS}, ["q"]))
    async def libre_detect(request: Request) -> list[dict[str, Any]]:
        params = await _params(request)
        service.authenticate(_str(params, "api_key"))
        texts, _ = _text_list(params.get("q"), "q")
        service.check_texts(texts)
        found: list[dict[str, Any]] = await run(service.detect, " ".join(texts))
        return found

    @app.get("/frontend/settings", tags=["LibreTranslate"])
    async def libre_settings() -> dict[str, Any]:
        return {
            "apiKeys": service.keys_required, "keyRequired": service.keys_required,
            "charLimit": settings.max_chars, "frontendTimeout": 500, "suggestions": False,
            "filesTranslation": True, "supportedFilesFormat": list(registry.suffixes()),
            "language": {"source": SOURCE, "target": TARGET},
        }

    @app.post("/translate_file", tags=["LibreTranslate"], openapi_extra=LIBRE_FILE_BODY)
    async def libre_translate_file(request: Request) -> dict[str, Any]:
        params = await _params(request)
        owner = service.authenticate(_str(params, "api_key"))
        source = (_str(params, "source", "auto") or "auto").lower()
        if source not in ("de", "auto") or (_str(params, "target", "en") or "").lower() != "en":
            raise ServeError(400, "only German (de) to English (en) is supported")
        data, name = await read_upload(params.get("file"))
        row = service.submit(data, name=name, owner=owner)
        await wait_for_job(row.id, settings.document_timeout)
        row = service.job(row.id, row.key, owner)
        if row.status != "done":
            raise ServeError(400, row.error or "the document is still being translated")
        url = request.url_for("libre_download", job_id=row.id, key=row.key,
                              filename=service.download_name(row))
        return {"translatedFileUrl": str(url)}

    @app.get("/download_file/{job_id}/{key}/{filename}", tags=["LibreTranslate"],
             name="libre_download")
    async def libre_download(job_id: str, key: str, filename: str) -> Response:
        row = service.job(job_id, key, None)
        return _download(row)

    def _download(row: JobRow) -> Response:
        if row.status == "error":
            raise ServeError(400, row.error or "the translation failed")
        if row.status != "done":
            raise ServeError(503, "the document is not translated yet", retry_after=2)
        return FileResponse(
            service.job_file(row), media_type=registry.output_codec(row.output_format).media_type,
            filename=service.download_name(row),
        )

    # -- DeepL v2 ----------------------------------------------------------------------------

    def deepl_owner(request: Request, params: dict[str, Any]) -> str | None:
        header = request.headers.get("authorization", "")
        key = None
        if header.lower().startswith("deepl-auth-key "):
            key = header[len("DeepL-Auth-Key "):].strip()
        key = key or _str(params, "auth_key")
        return service.authenticate(key)

    def deepl_langs(params: dict[str, Any]) -> None:
        source = _str(params, "source_lang")
        target = _str(params, "target_lang")
        if source is not None and source.upper() != "DE":
            raise ServeError(400, "Value for 'source_lang' not supported (DE only).")
        if not target:
            raise ServeError(400, "Parameter 'target_lang' not specified.")
        if target.upper() not in DEEPL_TARGETS:
            raise ServeError(400, "Value for 'target_lang' not supported (EN, EN-US, EN-GB).")

    @app.post("/v2/translate", tags=["DeepL"], openapi_extra=DEEPL_BODY)
    async def deepl_translate(request: Request, response: Response) -> dict[str, Any]:
        params = await _params(request)
        owner = deepl_owner(request, params)
        texts, _ = _text_list(params.get("text"), "text")
        deepl_langs(params)
        tags = (_str(params, "tag_handling") or "").lower()
        if tags not in ("", "html", "xml"):
            raise ServeError(400, "Value for 'tag_handling' not supported (html or xml).")
        glossary_id = _str(params, "glossary_id")
        if glossary_id and not _str(params, "source_lang"):
            raise ServeError(400, "Use of a glossary requires the 'source_lang' parameter.")
        given = params.get("ignore_tags") or []
        given = [given] if isinstance(given, str) else given
        if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
            raise ServeError(400, "Value for 'ignore_tags' must be a comma-separated list.")
        ignore = frozenset(t.strip().lower() for g in given for t in g.split(",") if t.strip())
        service.check_texts(texts)
        log_texts(texts)
        results = await run(service.translate_texts, texts, tags=tags or None,
                            ignore_tags=ignore, glossary_id=glossary_id, owner=owner)
        _report(response, results)
        return {"translations": [
            {"detected_source_language": "DE", "text": _target(r), "billed_characters": len(t)}
            for t, r in zip(texts, results, strict=True)
        ]}

    @app.get("/v2/languages", tags=["DeepL"], operation_id="deepl_languages_get")
    @app.post("/v2/languages", tags=["DeepL"], operation_id="deepl_languages_post")
    async def deepl_languages(request: Request) -> list[dict[str, Any]]:
        params = await _params(request)
        deepl_owner(request, params)
        if (_str(params, "type") or "source").lower() == "target":
            return [
                {"language": "EN-GB", "name": "English (British)", "supports_formality": False},
                {"language": "EN-US", "name": "English (American)", "supports_formality": False},
            ]
        return [{"language": "DE", "name": "German"}]

    @app.get("/v2/glossary-language-pairs", tags=["DeepL"])
    async def deepl_pairs(request: Request) -> dict[str, Any]:
        deepl_owner(request, {})
        return {"supported_languages": [{"source_lang": "de", "target_lang": "en"}]}

    @app.get("/v2/usage", tags=["DeepL"], operation_id="deepl_usage_get")
    @app.post("/v2/usage", tags=["DeepL"], operation_id="deepl_usage_post")
    async def deepl_usage(request: Request) -> dict[str, Any]:
        params = await _params(request)
        owner = deepl_owner(request, params)
        limit = settings.character_limit or 10**12
        return {"character_count": service.store.usage(owner), "character_limit": limit}

    @app.post("/v2/document", tags=["DeepL"], openapi_extra=DEEPL_DOCUMENT_BODY)
    async def deepl_document(request: Request) -> dict[str, Any]:
        params = await _params(request)
        owner = deepl_owner(request, params)
        deepl_langs(params)
        data, name = await read_upload(params.get("file"))
        name = _str(params, "filename") or name
        row = service.submit(data, name=name, output=_str(params, "output_format"),
                             glossary_id=_str(params, "glossary_id"), owner=owner, same=True)
        return {"document_id": row.id, "document_key": row.key}

    @app.post("/v2/document/{document_id}", tags=["DeepL"], openapi_extra=DOCUMENT_KEY_BODY)
    async def deepl_document_status(document_id: str, request: Request) -> dict[str, Any]:
        params = await _params(request)
        owner = deepl_owner(request, params)
        key = _str(params, "document_key") or ""
        row = service.job(document_id, key, owner)
        if row.status in ("queued", "translating"):  # a short wait saves the client's 5 s poll
            await wait_for_job(row.id, 4.0)
            row = service.job(document_id, key, owner)
        body: dict[str, Any] = {"document_id": row.id, "status": row.status}
        if row.status == "translating":
            body["seconds_remaining"] = 5
        if row.status == "done":
            body["billed_characters"] = row.characters or 0
        if row.status == "error":
            body["error_message"] = row.error
        return body

    @app.post("/v2/document/{document_id}/result", tags=["DeepL"], openapi_extra=DOCUMENT_KEY_BODY)
    async def deepl_document_result(document_id: str, request: Request) -> Response:
        params = await _params(request)
        owner = deepl_owner(request, params)
        row = service.job(document_id, _str(params, "document_key") or "", owner)
        return _download(row)

    def glossary_json(row: GlossaryRow) -> dict[str, Any]:
        created = dt.datetime.fromtimestamp(row.created, dt.UTC)
        return {
            "glossary_id": row.id, "name": row.name, "ready": True,
            "source_lang": row.source_lang, "target_lang": row.target_lang,
            "creation_time": created.isoformat(timespec="microseconds"),
            "entry_count": row.entry_count,
        }

    @app.post("/v2/glossaries", tags=["DeepL"], status_code=201, openapi_extra=GLOSSARY_BODY)
    async def deepl_glossary_create(request: Request) -> dict[str, Any]:
        params = await _params(request)
        owner = deepl_owner(request, params)
        source = (_str(params, "source_lang") or "").lower()
        target = (_str(params, "target_lang") or "").lower()
        if (source, target) != ("de", "en"):
            raise ServeError(400, "Unsupported glossary language pair (de to en only).")
        entries = _str(params, "entries")
        if not entries:
            raise ServeError(400, "Parameter 'entries' not specified.")
        row = await run(
            service.create_glossary, name=_str(params, "name") or "", entries=entries,
            fmt=(_str(params, "entries_format") or "tsv").lower(), owner=owner,
        )
        return glossary_json(row)

    @app.get("/v2/glossaries", tags=["DeepL"])
    async def deepl_glossary_list(request: Request) -> dict[str, Any]:
        owner = deepl_owner(request, {})
        return {"glossaries": [glossary_json(r) for r in service.store.glossaries(owner)]}

    @app.get("/v2/glossaries/{glossary_id}", tags=["DeepL"])
    async def deepl_glossary_get(glossary_id: str, request: Request) -> dict[str, Any]:
        return glossary_json(service.glossary(glossary_id, deepl_owner(request, {})))

    @app.get("/v2/glossaries/{glossary_id}/entries", tags=["DeepL"])
    async def deepl_glossary_entries(glossary_id: str, request: Request) -> Response:
        row = service.glossary(glossary_id, deepl_owner(request, {}))
        return Response(row.entries, media_type="text/tab-separated-values; charset=utf-8")

    @app.delete("/v2/glossaries/{glossary_id}", tags=["DeepL"], status_code=204)
    async def deepl_glossary_delete(glossary_id: str, request: Request) -> Response:
        service.delete_glossary(glossary_id, deepl_owner(request, {}))
        return Response(status_code=204)

    # -- native ------------------------------------------------------------------------------

    def native_owner(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        key = header[7:].strip() if header.lower().startswith("bearer ") else None
        return service.authenticate(key or request.headers.get("x-api-key"))

    @app.post("/api/translate", tags=["native"])
    async def api_translate(body: TranslateIn, request: Request) -> dict[str, Any]:
        """The tool's JSON for one text: paragraphs, sentences, terms, flags, signature."""
        owner = native_owner(request)
        service.check_texts([body.text])
        log_texts([body.text])
        [result] = await run(service.translate_texts, [body.text], html=body.format == "html",
                             glossary_id=body.glossary_id, owner=owner)
        out: dict[str, Any] = result.to_dict()
        out["target"] = _target(result)
        return out

    @app.post("/api/documents", tags=["native"], status_code=202)
    async def api_documents(
        request: Request,
        file: Annotated[UploadFile, File(description="PDF, DOCX, HTML, Markdown or text")],
        output_format: Annotated[str | None, Form()] = None,
        glossary_id: Annotated[str | None, Form()] = None,
    ) -> dict[str, Any]:
        """Queue a document; poll its status URL, then download it in its own format."""
        owner = native_owner(request)
        data, name = await read_upload(file)
        row = service.submit(data, name=name, output=output_format, glossary_id=glossary_id,
                             owner=owner)
        return job_json(request, row)

    def job_json(request: Request, row: JobRow) -> dict[str, Any]:
        def url(name: str) -> str:
            return str(request.url_for(name, job_id=row.id).include_query_params(key=row.key))

        body: dict[str, Any] = {
            "id": row.id, "key": row.key, "status": row.status, "name": row.name,
            "input_format": row.input_format, "output_format": row.output_format,
            "sentences": row.sentences, "done": service.progress.get(row.id, row.done or 0),
            "error": row.error, "status_url": url("api_document"),
        }
        if row.status == "done":
            body.update(download_url=url("api_document_download"),
                        review_url=url("api_document_review"), json_url=url("api_document_json"),
                        download_name=service.download_name(row))
        return body

    @app.get("/api/documents/{job_id}", tags=["native"], name="api_document")
    async def api_document(job_id: str, request: Request,
                           key: Annotated[str, Query()]) -> dict[str, Any]:
        return job_json(request, service.job(job_id, key, native_owner(request)))

    @app.get("/api/documents/{job_id}/download", tags=["native"], name="api_document_download")
    async def api_document_download(job_id: str, request: Request,
                                    key: Annotated[str, Query()]) -> Response:
        return _download(service.job(job_id, key, native_owner(request)))

    def finished(job_id: str, key: str, request: Request) -> JobRow:
        row = service.job(job_id, key, native_owner(request))
        if row.status != "done":
            raise ServeError(409, row.error or f"the document is {row.status}")
        return row

    @app.get("/api/documents/{job_id}/review", tags=["native"], name="api_document_review",
             response_class=HTMLResponse)
    async def api_document_review(job_id: str, request: Request,
                                  key: Annotated[str, Query()]) -> Response:
        row = finished(job_id, key, request)
        return FileResponse(service.job_file(row, "review.html"), media_type="text/html")

    @app.get("/api/documents/{job_id}/json", tags=["native"], name="api_document_json")
    async def api_document_json(job_id: str, request: Request,
                                key: Annotated[str, Query()]) -> Response:
        row = finished(job_id, key, request)
        return FileResponse(service.job_file(row, "result.json"), media_type="application/json")

    @app.get("/api/glossary", tags=["native"])
    async def api_glossary(request: Request,
                           q: Annotated[str, Query(max_length=200)]) -> list[dict[str, Any]]:
        """The server glossary's entries for a German or English term."""
        native_owner(request)
        found: list[dict[str, Any]] = await run(service.lookup, q)
        return found

    @app.get("/api/health", tags=["native"])
    async def api_health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "engine": service.batcher.stats,
                "keys_required": service.keys_required}

    # -- the web page ------------------------------------------------------------------------

    page = resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": _CSP})

    return app


_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "frame-src 'self' blob:; img-src 'self' data:; connect-src 'self' blob:"
)


def _report(response: Response, results: list[Any]) -> None:
    """What the compatible APIs have no field for, said in headers: the QA flags, the glossary
    terms missed and the sentences kept in German (the engine gave nothing)."""
    flags = [f for r in results for f in r.flags]
    response.headers["X-Translator-Flags"] = str(len(flags))
    response.headers["X-Translator-Missed-Terms"] = str(sum(len(r.missed_terms) for r in results))
    response.headers["X-Translator-Kept-Source"] = str(
        sum(f.code == "kept-source" for f in flags)
    )


def _target(result: Any) -> str:
    markup = result.metadata.get("markup") if result.format in ("html", "xml") else None
    return markup if isinstance(markup, str) else str(result.target)
