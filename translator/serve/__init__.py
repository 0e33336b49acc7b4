"""``translator serve``: the library behind LibreTranslate- and DeepL v2-compatible HTTP APIs,
a native API and a web page (the ``serve`` extra: FastAPI, uvicorn, python-multipart).

- ``translator.serve.service``: the engine, glossary, memory, jobs and usage (no HTTP);
- ``translator.serve.batcher``: one engine worker merging concurrent requests' sentences;
- ``translator.serve.store``: jobs, glossaries and usage in SQLite under the data folder;
- ``translator.serve.keys``: API keys, hashed at rest;
- ``translator.serve.app``: the FastAPI routes (imported only when serving).
"""
