"""Property-based API fuzzing: no generated request, valid or not, may produce a 500."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from escalon.api.app import create_app
from escalon.services import tokens
from tests.conftest import make_app


def test_no_generated_request_makes_a_server_error(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'fuzz.db'}")
    headers = {"Authorization": f"Bearer {tokens.create_token(app, 'fuzzer', 'admin')}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.operation.label, response.text)
            if response.status_code >= 400:
                body = response.json()
                assert {"code", "message", "field"} <= body.keys(), (case.operation.label, body)

        check()
    app.engine.dispose()
