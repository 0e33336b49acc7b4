"""`translator serve`: the HTTP server (LibreTranslate-, DeepL- and native APIs, web page).

The server's own settings default as ``translator.serve.service.ServeSettings`` does (a test
holds them equal: importing it here would slow every command's start); the shared options
are Options' (see ``with_shared_options``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import config
from .app import EXIT_USAGE, app
from .common import NONE_GIVEN, TRANSLATION_OPTIONS, SharedOptions, with_shared_options

INSTALL = "`translator serve` needs the serve extra: pip install 'translator[serve]'"


@app.command()
@with_shared_options(*TRANSLATION_OPTIONS)
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; any but loopback needs --keys.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535)] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Jobs, uploads, glossaries and usage "
                     "(default: $TRANSLATOR_CACHE_DIR/serve).", show_default=False),
    ] = None,
    keys: Annotated[
        Path | None,
        typer.Option("--keys", help="API keys file (hashes only); with it every request needs "
                     "a key.", show_default=False),
    ] = None,
    add_key: Annotated[
        str | None,
        typer.Option("--add-key", metavar="NAME", help="Create a key named NAME in --keys FILE, "
                     "print it once and exit.", show_default=False),
    ] = None,
    no_keys: Annotated[
        bool, typer.Option("--no-keys", help="Serve a non-loopback --host without API keys.")
    ] = False,
    max_chars: Annotated[int, typer.Option("--max-chars", min=1, help="Characters per text "
                                           "request (413 above).")] = 100_000,
    max_upload: Annotated[int, typer.Option("--max-upload", min=1, help="Bytes per uploaded "
                                            "document (413 above).")] = config.MAX_INPUT_BYTES,
    queue_size: Annotated[int, typer.Option("--queue-size", min=1, help="Translation requests "
                                            "admitted at once; more get 503.")] = 64,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds per text "
                                           "request (504 after).")] = 120.0,
    document_timeout: Annotated[float, typer.Option("--document-timeout", min=1.0,
                                                    help="Seconds per document job.")] = 1800.0,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="Allow browser pages of this origin (repeatable); "
                     "CORS is off without it.", show_default=False),
    ] = None,
    log_texts: Annotated[
        bool, typer.Option("--log-texts", help="Log the texts of requests (off: never).")
    ] = False,
    shared: SharedOptions = NONE_GIVEN,  # --model, --glossary, ... (see with_shared_options)
) -> None:
    """Serve translations over HTTP: LibreTranslate- and DeepL-compatible APIs, a native
    API (/docs) and a web page (/). The model, glossary and memory are loaded once."""
    if add_key is not None:
        from ..serve.keys import add_key as new_key

        if keys is None:
            raise typer.BadParameter("--add-key needs --keys FILE", param_hint="--add-key")
        print(new_key(keys, add_key))
        print(f"translator: key {add_key!r} added to {keys} (only its hash is stored; "
              "this is the only time it is shown)", file=sys.stderr)
        return
    try:
        import fastapi  # noqa: F401
        import python_multipart  # noqa: F401
        import uvicorn
    except ImportError:
        print(f"translator: error: {INSTALL}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None
    import logging

    from ..serve.app import create_app, server_config
    from ..serve.service import ServeSettings, Service

    options = shared.options()
    settings = ServeSettings(
        options=options, data_dir=data_dir or config.cache_dir() / "serve", host=host,
        port=port, keys_file=keys, no_keys=no_keys, max_chars=max_chars, max_upload=max_upload,
        queue_size=queue_size, timeout=timeout, document_timeout=document_timeout,
        cors_origins=tuple(cors_origin or ()), log_texts=log_texts,
    )
    service = Service(settings)  # UsageError (exit 2) for a public --host without keys
    logging.getLogger("translator.serve").setLevel(logging.INFO)
    print(f"translator: loading the model, then serving on http://{_url_host(host)}:{port}/",
          file=sys.stderr)
    uvicorn.Server(server_config(create_app(service), host=host, port=port)).run()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
