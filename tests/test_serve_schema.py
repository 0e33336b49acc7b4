"""schemathesis against `translator serve`'s OpenAPI schema: no generated request, valid or
not, may get a server error (5xx). The server runs as a user runs it (no keys, on 127.0.0.1),
with the copy model, the packaged glossary and the quality checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.serve_server import Server, serve_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, copy_model_dir: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve-schema")
    with serve_process(folder, copy_model_dir, keys=False, args=["--max-chars", "400"]) as s:
        yield s


@pytest.fixture(scope="module")
def api_schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error], timeout=120)
