"""The OpenAPI description is exact: schemathesis generates requests the description allows for every operation of
the public JSON API and fails on any 5xx, on a valid body refused (400/422), on an undocumented status or content
type, and on an answer that does not match its documented schema. Bounded, so it runs in the normal suite (and
so in ``.ci/run`` on SQLite and PostgreSQL) in seconds."""

from __future__ import annotations

import os
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from ppid.permohonan.views import IDEMPOTENCY_HEADER, limiter

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          positive_data_acceptance]
EXAMPLES = int(os.environ.get("PPID_FUZZ_EXAMPLES", "40"))
"""Per operation: a few seconds in all. ``PPID_FUZZ_EXAMPLES=1000`` for a longer hunt."""


@pytest.fixture
def api_schema(app, monkeypatch):
    # The rate limits are the server's answer to a crowd, documented as 429; a fuzzer is a crowd by design.
    monkeypatch.setattr(limiter, "enabled", False)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operations(api_schema) -> list:
    return [result.ok() for result in api_schema.get_all_operations()]


@pytest.mark.parametrize(("label", "accepted"), [("POST /api/permohonan", 201), ("POST /api/permohonan/lacak", 202),
                                               ("POST /api/permohonan/keberatan", 404),
                                               ("GET /api/permohonan/pilihan", 200),
                                               ("GET /api/informasi-publik", 200),
                                               ("GET /api/informasi-dimohonkan", 200),
                                               ("GET /api/transparansi", 200)])
def test_the_api_accepts_what_its_description_allows_and_answers_as_described(api_schema, label, accepted) -> None:
    [operation] = [operation for operation in operations(api_schema) if operation.label == label]
    statuses: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case) -> None:
        if IDEMPOTENCY_HEADER in (case.headers or {}):
            # A key is one filing's: the same key with another body is refused (422) by design, which no schema
            # can say; each generated filing gets a key of its own.
            case.headers[IDEMPOTENCY_HEADER] = uuid.uuid4().hex
        statuses.add(case.call_and_validate(checks=CHECKS).status_code)

    call()
    assert accepted in statuses  # the bodies were real ones, not only refusals (an objection: no such token)


def test_every_operation_is_fuzzed(api_schema) -> None:
    assert sorted(operation.label for operation in operations(api_schema)) == [
        "GET /api/informasi-dimohonkan", "GET /api/informasi-publik", "GET /api/permohonan/pilihan",
        "GET /api/transparansi", "POST /api/permohonan",
        "POST /api/permohonan/keberatan", "POST /api/permohonan/lacak"]
