"""The OpenAPI description at /api/v1/openapi.json: complete, valid, and true of the real answers."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.openapi import API_ENDPOINT_PREFIXES, UndocumentedRoute, build_spec
from ppid.permohonan.workflow import Workflow

from .conftest import REFUSAL, filing
from .test_web import file_directly


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def conforms(spec: dict[str, Any], schema: dict[str, Any], document: Any) -> list[str]:
    """Every way ``document`` breaks ``schema`` (a fragment of ``spec`` that may $ref its components)."""
    validator = Draft202012Validator({**schema, "components": spec["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def answer_schema(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    return spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def body_schema(spec: dict[str, Any], path: str, method: str = "post") -> dict[str, Any]:
    return spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def test_spec_is_valid_openapi_3_and_lists_every_json_api_route(spec, app) -> None:
    validate_spec(spec)
    assert spec["openapi"].startswith("3.")
    api_routes = {(rule.rule.replace("<", "{").replace(">", "}"), method.lower())
                  for rule in app.url_map.iter_rules() if rule.endpoint.startswith(API_ENDPOINT_PREFIXES)
                  for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert len(api_routes) == 7 and api_routes == documented


def test_request_bodies_come_from_the_workflow_schemas(spec) -> None:
    filing_body = spec["components"]["schemas"]["Filing"]
    assert {"nama", "alamat", "rincian_informasi", "tujuan_penggunaan", "cara_memperoleh", "dinas"} <= set(
        filing_body["required"])
    assert filing_body["properties"]["cara_memperoleh"]["enum"] == ["melihat", "salinan"]
    assert filing_body["properties"]["rincian_informasi"]["maxLength"] == 5000
    assert conforms(spec, body_schema(spec, "/api/permohonan"), filing()) == []
    assert conforms(spec, body_schema(spec, "/api/permohonan"), filing(cara_memperoleh="pinjam")) != []
    assert conforms(spec, body_schema(spec, "/api/permohonan/lacak"), {"token": "abc"}) == []
    assert conforms(spec, body_schema(spec, "/api/permohonan/keberatan"),
                    {"token": "abc", "alasan": ["a"], "kasus_posisi": "Tidak puas"}) == []


@pytest.mark.parametrize("body", [
    # What schemathesis found the description allowing and the server refusing with 422 (issue 14):
    {"alamat": "key", "cara_memperoleh": "melihat", "dinas": "key", "jenis_pemohon": "kelompok", "nama": "key",
     "rincian_informasi": "key", "tujuan_penggunaan": "key"},
    filing(nik="3201014507900000"), filing(nik="3201013102900001"), filing(telepon="12-34", email=None),
    filing(email="siti@@example.id"), filing(pekerjaan="   "), filing(pernyataan=False), filing(melalui_kuasa=True),
    filing(cara_mendapatkan_salinan="email", email=None), filing(dinas="dinas-lain"),
    filing(jenis_pemohon="badan_hukum", nik=None), filing(nama="Siti\x00"),
])
def test_the_filing_description_refuses_what_the_server_refuses(spec, client, body) -> None:
    assert conforms(spec, body_schema(spec, "/api/permohonan"), body) != []
    assert client.post("/api/permohonan", json=body).status_code == 422


@pytest.mark.parametrize("body", [
    filing(), filing(jenis_pemohon="badan_hukum", nik=None, nomor_sk_pengesahan="AHU-0001.AH.01.04.2020"),
    filing(telepon="+62 (812) 3456-7890", email=None, cara_mendapatkan_salinan="pos"),
    filing(cara_memperoleh="melihat", format_salinan=None, cara_mendapatkan_salinan=None),
    filing(nik="3201016902000001"),  # born 29 February 2000, a woman (+40)
])
def test_what_the_filing_description_allows_the_server_accepts(spec, client, body) -> None:
    assert conforms(spec, body_schema(spec, "/api/permohonan"), body) == []
    assert client.post("/api/permohonan", json=body).status_code == 201


def test_tracking_by_the_pair_needs_both_filled_in_the_description_too(spec) -> None:
    assert conforms(spec, body_schema(spec, "/api/permohonan/lacak"), {"email": "", "nomor": "key"}) != []
    assert conforms(spec, body_schema(spec, "/api/permohonan/lacak"), {"email": "a@b.id", "nomor": "1"}) == []


def test_real_filing_tracking_and_error_answers_conform_to_the_spec(spec, client) -> None:
    filed = client.post("/api/permohonan", json=filing())
    assert filed.status_code == 201
    assert conforms(spec, answer_schema(spec, "/api/permohonan", "post", 201), filed.get_json()) == []
    body = filed.get_json()
    tracked = client.post("/api/permohonan/lacak", json={"token": body["token"]})
    assert tracked.status_code == 200
    assert conforms(spec, answer_schema(spec, "/api/permohonan/lacak", "post", 200), tracked.get_json()) == []
    invalid = client.post("/api/permohonan", json=filing(nik="12"))
    assert invalid.status_code == 422
    assert conforms(spec, answer_schema(spec, "/api/permohonan", "post", 422), invalid.get_json()) == []
    missing = client.post("/api/permohonan/lacak", json={"token": "bukan-token"})
    assert conforms(spec, answer_schema(spec, "/api/permohonan/lacak", "post", 404), missing.get_json()) == []
    sent = client.post("/api/permohonan/lacak", json={"nomor": body["nomor"], "email": "lain@example.id"})
    assert sent.status_code == 202
    assert conforms(spec, answer_schema(spec, "/api/permohonan/lacak", "post", 202), sent.get_json()) == []
    choices = client.get("/api/permohonan/pilihan")
    assert conforms(spec, answer_schema(spec, "/api/permohonan/pilihan", "get", 200), choices.get_json()) == []


def test_an_answer_with_an_objection_conforms_to_the_spec(spec, client, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        workflow.decide(session.merge(filed.permohonan), officer=session.merge(dinkes_officer), data=REFUSAL)
    objected = client.post("/api/permohonan/keberatan",
                           json={"token": filed.token, "alasan": ["a"], "kasus_posisi": "Bukan rahasia pribadi."})
    assert objected.status_code == 201 and objected.get_json()["keberatan"]["nomor"]
    assert conforms(spec, answer_schema(spec, "/api/permohonan/keberatan", "post", 201), objected.get_json()) == []


def test_a_schema_that_drifts_from_the_answer_is_caught(spec, client) -> None:
    document = client.post("/api/permohonan", json=filing()).get_json()
    document["batas_waktu"]["lewat_waktu"] = "tidak"
    del document["nomor"]
    problems = conforms(spec, answer_schema(spec, "/api/permohonan", "post", 201), document)
    assert any("lewat_waktu" in problem for problem in problems) and any("nomor" in problem for problem in problems)


def test_an_api_route_without_a_declaration_stops_the_spec(app) -> None:
    app.add_url_rule("/api/permohonan/baru", endpoint="permohonan.api.baru", view_func=lambda: "")
    with app.test_request_context(), pytest.raises(UndocumentedRoute, match="/api/permohonan/baru"):
        build_spec(app)
