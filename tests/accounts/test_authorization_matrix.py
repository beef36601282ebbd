"""Every route of the app, every role: who may use what, read from ``app.url_map`` so that routes added
later are checked too.

An endpoint is either on the small public allow-list below, or protected. For each protected endpoint
and method, anonymous callers must be sent to the sign-in page (or get 401/403), and each role without
the right must get 403; an officer of dinas B must get 403/404 on objects of dinas A. A new route that
forgets its check fails here, because it is neither public nor refuses anyone.

The rules are checked twice: with a session cookie and with an API bearer token. CSRF is switched off in
this app so that the check reached is the view's own (CSRF is tested in test_login_security/test_api_tokens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ppid.accounts.models import Role, RoleGrant, User
from ppid.accounts.tokens import create_token
from ppid.catalogue.store import ACTIONS, READ_ACTIONS
from ppid.permohonan.models import Permohonan
from ppid.pipeline.models import HarvestRun, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.publication import dik

from .conftest import DINAS_A, PEOPLE, sign_in

#: Endpoints anyone may use, each with the reason. Keep this list short: everything else is protected.
PUBLIC = {
    "static": "stylesheets",
    "healthz": "load balancer health check; says nothing private",
    "portal.home": "public catalogue",
    "portal.search": "public catalogue",
    "portal.dataset": "public catalogue",
    "portal.download": "serves only the published version of a file",
    "portal.resource_download": "serves only files the catalogue publishes",
    "portal.validation_summary": "public part of a published table's report, no cell values",
    "portal.dinas": "a dinas, its PPID contact and its public datasets",
    "dokumen.documents": "public documents",
    "dokumen.document": "public documents",
    "exports.catalogue_rdf": "DCAT-AP export of the public catalogue",
    "exports.catalogue": "DCAT-AP export of the public catalogue, by content negotiation",
    "exports.dataset_rdf": "DCAT-AP description of one public dataset",
    "exports.catalogue_data_json": "DCAT-US export of the public catalogue",
    "exports.sitemap_xml": "sitemap of public pages",
    "exports.sitemap_part": "sitemap of public pages",
    "catalogue_api.action": "CKAN API: reads are public; writes check the token (test below)",
    "catalogue_api.datastore_dump": "CKAN's DataStore dump: only tables of datasets the caller may read",
    "permohonan.static": "stylesheets of the request module",
    "permohonan.index": "UU KIP: anyone may file a request",
    "permohonan.ajukan": "UU KIP: anyone may file a request",
    "permohonan.tanda_bukti": "the requester's receipt, behind its secret token",
    "permohonan.tanda_bukti_pdf": "the receipt as PDF, behind its secret token",
    "permohonan.informasi_tautan": "information handed over, behind the requester's secret token",
    "permohonan.statistik": "UU KIP Pasal 12 public statistics, no personal data",
    "permohonan.openapi": "description of the public JSON API",
    "permohonan.lacak": "number + e-mail only get a tracking link e-mailed to that address; same answer either way",
    "permohonan.lacak_tautan": "tracking behind the secret token",
    "permohonan.keberatan": "the requester's objection, behind the secret token",
    "permohonan.sengketa": "the requester records their Komisi Informasi dispute, behind the secret token",
    "permohonan.api.api_file": "filing API",
    "permohonan.api.api_track": "tracking API",
    "permohonan.api.api_object": "objection API, behind the secret token",
    "permohonan.api.api_choices": "the filing API's allowed values",
    "publikasi.dip_page": "UU KIP Pasal 11(1)(a): the DIP is public, without exempt information",
    "publikasi.dip_export": "the DIP as files, without exempt information",
    "publikasi.api.api_dip": "the DIP as JSON, without exempt information",
    "publikasi.decree_document": "the SK establishing a DIP, a public decision",
    "publikasi.dik_page": "the DIK's titles, grounds and periods; never the exempt content",
    "publikasi.dik_export": "the DIK as CSV or XLSX: what its public page shows, never the consequence test",
    "jawaban.listing": "published answers to fulfilled requests, without the requester's identity",
    "jawaban.show": "one published answer, without the requester's identity",
    "jawaban.download": "a published answer's redacted file",
    "jawaban.api.api_listing": "published answers as JSON, without the requester's identity",
    "permohonan.tanggapan_pemohon": "the requester's response to the objection outcome, behind the secret token",
    "surat.cari": "finds a letter by the verification code typed from paper",
    "surat.verifikasi": "confirms a letter's type, number, date and SHA-256; nothing personal",
    "surat.pemohon_tautan": "the requester's letters, behind the secret token",
    "standar.index": "Perki 1/2021 Pasal 47-48: the service standards are public",
    "standar.dinas": "a dinas's PPID structure, part of the public service standards",
    "laporan_layanan.daftar": "UU KIP Pasal 11(1)(h): finalised annual service reports are public",
    "laporan_layanan.laporan": "a finalised annual service report, no personal data",
    "laporan_layanan.laporan_pdf": "a finalised annual service report as PDF, no personal data",
    "laporan_layanan.semester": "a semester summary of the public request statistics",
    "laporan_layanan.semester_pdf": "a semester summary as PDF",
    "pengumuman.index": "UU KIP Pasal 10: serta-merta announcements are public",
    "pengumuman.show": "one serta-merta announcement and its public history",
    "pengumuman.schedule": "the public schedule of periodic information (Pasal 9)",
    "pengumuman.feed": "Atom feeds of public datasets, documents and announcements",
    "transparansi.page": "the public transparency dashboard: aggregate figures, no personal data",
    "transparansi.csv": "the transparency dashboard's numbers as CSV",
    "transparansi.api.api_dashboard": "the transparency dashboard's numbers as JSON",
    "admin.login": "the sign-in form",
    "admin.logout": "ends the caller's own session only",
    "accounts.forgot_password": "password reset request; same answer for every address",
    "accounts.reset_password": "behind the signed reset link",
}

ANY_ROLE = frozenset(Role)
#: Who may use each protected endpoint: the specification this test holds the code to. Endpoints not
#: listed fall back to the roles their ``login_required`` declares, so a new protected route is still checked.
ACCESS: dict[str, frozenset[Role]] = {
    "uploader.dashboard": ANY_ROLE,
    "admin.runs": frozenset({Role.ADMIN, Role.WALIDATA}),
    "admin.run_detail": frozenset({Role.ADMIN, Role.WALIDATA}),
    "admin.report": ANY_ROLE,
    "admin.rows_to_fix": ANY_ROLE,
    "permohonan.antrian": frozenset({Role.OFFICER, Role.ATASAN, Role.ADMIN}),
    "permohonan.daftar": frozenset({Role.OFFICER, Role.ADMIN}),
    "permohonan.detail": frozenset({Role.OFFICER, Role.ATASAN, Role.ADMIN}),
    "permohonan.act": frozenset({Role.OFFICER, Role.ATASAN, Role.ADMIN}),
    "accounts.profile": ANY_ROLE,
    "accounts.new_token": ANY_ROLE,
    "accounts.revoke_own_token": ANY_ROLE,
    "accounts.users": frozenset({Role.ADMIN}),
    "accounts.add_user": frozenset({Role.ADMIN}),
    "accounts.user_detail": frozenset({Role.ADMIN}),
    "accounts.change_status": frozenset({Role.ADMIN}),
    "accounts.add_role": frozenset({Role.ADMIN}),
    "accounts.remove_role": frozenset({Role.ADMIN}),
}

#: URL arguments that name an object belonging to dinas A (or to its officer).
DINAS_A_OBJECTS = {"report_id", "permohonan_id", "token_id", "exempt_id"}
EXEMPT_ENTRY = {"public_title": "Nilai penawaran lelang yang belum diumumkan", "pasal_17_letter": "b",
                "tested_on": "2026-01-05", "harm_if_opened": "Mengganggu persaingan usaha yang sehat.",
                "public_interest": "Hasil lelang tetap diumumkan setelah penetapan pemenang.",
                "decided_by": "Kepala BPKAD", "sk_number": "900/1/2026", "sk_date": "2026-01-06",
                "starts_on": "2026-01-06", "ends_on": "2027-01-06"}
"""A DIK entry of dinas A (``exempt_id``)."""
ROLE_OF = {username: {grant.role for grant in grants} for username, grants in PEOPLE.items()}


@dataclass
class Objects:
    """Ids of real objects of dinas A, put into URLs by argument name."""

    ids: dict[str, int]

    def url_values(self, arguments: set[str]) -> dict[str, Any]:
        strings = {"action": "tutup", "name": "x", "token": "x", "filename": "x.csv", "path": "x", "resource_id": "x",
                   "extension": "ttl"}
        return {name: self.ids.get(name, strings.get(name, 1)) for name in arguments}


@pytest.fixture
def matrix_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def objects(matrix_app: Flask, platform, people: dict[str, int]) -> Objects:
    run_harvest(platform)
    filed = matrix_app.test_client().post("/api/permohonan", json=citizen_request(DINAS_A))
    assert filed.status_code == 201, filed.get_json()
    with platform.database.session() as session:
        report_id = session.scalar(select(TrackedFile.report_id).where(TrackedFile.dinas_slug == DINAS_A,
                                                                       TrackedFile.report_id.is_not(None)))
        token, _secret = create_token(session, session.get_one(User, people["petugas-a"]), "milik petugas A")
        ids = {
            "report_id": report_id,
            "run_id": session.scalar(select(HarvestRun.id)),
            "permohonan_id": session.scalars(select(Permohonan.id)).one(),  # the one just filed, for dinas A
            "token_id": token.id,
            "user_id": people["petugas-a"],
            "grant_id": session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == people["petugas-a"])),
            "exempt_id": dik.record(session, DINAS_A, EXEMPT_ENTRY, "Petugas A", datasets=()).id,
        }
        session.commit()
    assert all(ids.values()), ids
    return Objects(ids)


def citizen_request(dinas: str) -> dict[str, Any]:
    return {
        "nama": "Siti Rahmawati", "jenis_pemohon": "perorangan", "nik": "3201014507900001",
        "alamat": "Jl. Merdeka No. 1", "pekerjaan": "Wartawan", "telepon": "0812-3456-7890",
        "email": "siti@example.id", "rincian_informasi": "Realisasi anggaran 2025 per program",
        "tujuan_penggunaan": "Bahan liputan", "cara_memperoleh": "salinan", "format_salinan": "softcopy",
        "cara_mendapatkan_salinan": "email", "dinas": dinas, "pernyataan": True,
    }


def cookie_clients(app: Flask, usernames: list[str]) -> dict[str, Callable[..., Any]]:
    clients: dict[str, Callable[..., Any]] = {}
    for username in usernames:
        client = app.test_client()
        if username != "anonim":
            assert sign_in(client, username).status_code == 302
        clients[username] = client.open
    return clients


def bearer_clients(app: Flask, platform, people: dict[str, int]) -> dict[str, Callable[..., Any]]:
    def caller(secret: str) -> Callable[..., Any]:
        client: FlaskClient = app.test_client()
        return lambda *args, **kwargs: client.open(*args, headers={"Authorization": f"Bearer {secret}"}, **kwargs)

    clients = {"anonim": caller("ppid_token-yang-tidak-ada")}
    with platform.database.session() as session:
        for username, user_id in people.items():
            clients[username] = caller(create_token(session, session.get(User, user_id), "matriks")[1])
    return clients


def problems(app: Flask, callers: dict[str, Callable[..., Any]], objects: Objects) -> list[str]:
    """Every breach of the rules, one line each (empty when the app keeps them all)."""
    found: list[str] = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        allowed = ACCESS.get(rule.endpoint)
        if allowed is None:
            declared = getattr(view, "required_roles", None)
            if declared is None:
                found.append(f"{rule.endpoint}: neither in PUBLIC nor behind login_required (add one or the other)")
            allowed = frozenset(declared or Role)
        _domain, url = rule.build(objects.url_values(set(rule.arguments)))
        owned_by_a = bool(DINAS_A_OBJECTS & set(rule.arguments))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, call in callers.items():
                may = who != "anonim" and bool(ROLE_OF[who] & allowed)
                if may and method != "GET" and not (who == "petugas-b" and owned_by_a):
                    continue  # a permitted change would really be made; only refusals are checked
                response = call(url, method=method)
                status, location = response.status_code, response.headers.get("Location", "")
                signed_out = status in (401, 403) or (status in (302, 303) and "/masuk" in location)
                where = f"{method} {url} ({rule.endpoint}) as {who}: {status} {location}".strip()
                if who == "anonim":
                    if not signed_out:
                        found.append(f"{where}, expected the sign-in page, 401 or 403")
                elif not may:
                    if status != 403:
                        found.append(f"{where}, expected 403 for a role without the right")
                elif who == "petugas-b" and owned_by_a:
                    if status not in (403, 404):
                        found.append(f"{where}, expected 403/404 on an object of dinas A")
                elif method == "GET" and (signed_out or status >= 500):
                    found.append(f"{where}, expected this role to be let in")
    return found


def test_every_route_refuses_whoever_lacks_the_right_with_a_session_cookie(matrix_app, objects) -> None:
    found = problems(matrix_app, cookie_clients(matrix_app, ["anonim", *PEOPLE]), objects)

    assert not found, "\n".join(found)


def test_every_route_refuses_whoever_lacks_the_right_with_a_bearer_token(matrix_app, platform, people,
                                                                         objects) -> None:
    found = problems(matrix_app, bearer_clients(matrix_app, platform, people), objects)

    assert not found, "\n".join(found)


@pytest.fixture
def forgetful_app(matrix_app: Flask) -> Flask:
    """The app with one more route, added the way a hurried developer would: no check at all."""

    @matrix_app.get("/admin/rahasia/<int:report_id>")
    def forgotten(report_id: int) -> str:
        return "data pribadi"

    return matrix_app


def test_a_new_route_that_forgets_its_check_is_caught(forgetful_app, objects) -> None:
    found = problems(forgetful_app, cookie_clients(forgetful_app, ["anonim", "petugas-b"]), objects)

    assert any("forgotten: neither in PUBLIC nor behind login_required" in line for line in found)
    assert any("as anonim: 200" in line for line in found)
    assert any("as petugas-b: 200" in line for line in found)


def test_the_allow_list_names_only_routes_that_exist(matrix_app) -> None:
    endpoints = {rule.endpoint for rule in matrix_app.url_map.iter_rules()}

    assert set(PUBLIC) <= endpoints
    assert set(ACCESS) <= endpoints


def test_catalogue_writes_refuse_anyone_without_the_catalogue_or_an_authorised_token(matrix_app, platform,
                                                                                    people) -> None:
    bearers = bearer_clients(matrix_app, platform, people)
    admin_by_cookie = cookie_clients(matrix_app, ["admin"])["admin"]
    found = []
    for action in sorted(set(ACTIONS) - READ_ACTIONS):
        url = f"/api/3/action/{action}"
        refused = {who: bearers[who](url, method="POST", json={}).status_code
                   for who in ("anonim", "petugas-a", "petugas-b", "atasan")}
        refused["admin by cookie"] = admin_by_cookie(url, method="POST", json={}).status_code
        if set(refused.values()) != {403}:
            found.append(f"{action}: {refused}")
        if bearers["admin"](url, method="POST", json={}).status_code == 403:
            found.append(f"{action}: the administrator's token was refused")

    assert not found, "\n".join(found)


#: Read actions that show officers' accounts: personal data (UU 27/2022), so never to anonymous callers.
PERSONAL_READS = {
    "user_list": {},
    "user_show": {"id": "petugas-a"},
    "organization_show": {"id": DINAS_A, "include_users": True},
    "member_list": {"id": DINAS_A, "object_type": "user"},
}


def test_catalogue_user_details_need_a_token_and_e_mail_addresses_their_owner(matrix_app, platform,
                                                                              people) -> None:  # fmt: skip
    assert set(PERSONAL_READS) <= READ_ACTIONS
    bearers = bearer_clients(matrix_app, platform, people)
    admin_by_cookie = cookie_clients(matrix_app, ["admin"])["admin"]
    bearers["admin"]("/api/3/action/organization_create", method="POST", json={"name": DINAS_A})
    found = []
    for action, data in PERSONAL_READS.items():
        url = f"/api/3/action/{action}"
        for who, call in (("anonim", bearers["anonim"]), ("admin by cookie", admin_by_cookie)):
            for method in ("GET", "POST"):
                response = call(url, method=method, **({"query_string": data} if method == "GET" else {"json": data}))
                if response.status_code != 403 or "@contoh.go.id" in response.get_data(as_text=True):
                    found.append(f"{action} {method} as {who}: {response.status_code}")
        if bearers["petugas-a"](url, method="POST", json=data).status_code != 200:
            found.append(f"{action}: refused to petugas-a, an officer of {DINAS_A}")
    listed = bearers["petugas-b"]("/api/3/action/user_list", method="POST", json={}).get_json()["result"]
    addresses = {user["name"]: user.get("email") for user in listed}
    assert addresses.pop("petugas-b") == "petugas-b@contoh.go.id"
    assert set(addresses.values()) == {None}, addresses

    assert not found, "\n".join(found)
