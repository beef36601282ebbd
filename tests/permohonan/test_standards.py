"""Service standards (Perki 1/2021 Pasal 47-48, kip-rules §5.9 and §5.13): published on the portal without
signing in, filled from the sample region at first, edited by a region-wide administrator only."""

from __future__ import annotations

import re

from ppid.accounts.models import Role
from ppid.accounts.service import Grant

from .conftest import make_user
from .test_web import assert_accessible_form, csrf, sign_in


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_a_new_installation_shows_the_sample_regions_standards_to_anyone(client) -> None:
    response = client.get("/standar-layanan")
    assert response.status_code == 200
    page = _text(response.get_data(as_text=True))
    for heading in ("Maklumat pelayanan informasi publik", "Jam layanan", "Biaya salinan informasi",
                    "Prosedur permohonan informasi", "Prosedur keberatan",
                    "Layanan bagi pemohon penyandang disabilitas", "Struktur PPID"):
        assert heading in page
    assert "Belum diisi" not in page
    assert "Salinan elektronik (softcopy) melalui e-mail atau laman ini per permohonan tanpa biaya" in page
    assert "Fotokopi hitam putih, kertas A4 atau F4 per lembar Rp300" in page
    assert "Atasan PPID Sekretaris Daerah Kabupaten Contoh" in page
    dinas = _text(client.get("/standar-layanan/dinkes").get_data(as_text=True))
    assert "PPID Pelaksana Dinas Kesehatan" in dinas and "ppid.dinkes@contoh.go.id" in dinas
    assert "Atasan PPID Pelaksana Kepala Dinas Kesehatan" in dinas
    assert client.get("/standar-layanan/tidak-ada").status_code == 404


def test_the_request_form_and_the_objection_procedure_link_to_the_standards(client) -> None:
    assert 'href="/standar-layanan"' in client.get("/permohonan/ajukan").get_data(as_text=True)


def test_a_region_administrator_edits_a_section_and_the_fee_table(client, session) -> None:
    make_user(session, "admin.pemda", Grant(Role.ADMIN))
    sign_in(client, "admin.pemda")
    editor = client.get("/admin/standar-layanan")
    assert editor.status_code == 200
    assert_accessible_form(editor.get_data(as_text=True))
    token = csrf(client, "/admin/standar-layanan")

    saved = client.post("/admin/standar-layanan", data={
        "csrf_token": token, "bagian": "jam_layanan", "teks": "Senin-Jumat: 07.30-15.30 WIB\r\n\r\nSabtu: tutup"})
    assert saved.status_code == 303
    fees = {"csrf_token": token, "bagian": "biaya", "uraian": ["Salinan elektronik", "Fotokopi", ""],
            "satuan": ["per permohonan", "per lembar", ""], "biaya": ["0", "250", ""]}
    assert client.post("/admin/standar-layanan", data=fees).status_code == 303

    page = _text(client.get("/standar-layanan").get_data(as_text=True))
    assert "Senin-Jumat: 07.30-15.30 WIB" in page and "Sabtu: tutup" in page and "Diperbarui" in page
    assert "Fotokopi per lembar Rp250" in page and "Rp300" not in page  # the edit replaced the sample table
    assert "Salinan elektronik per permohonan tanpa biaya" in page
    assert "Kantor Diskominfo" not in page  # the old hours are gone, the other sections stay
    assert "Prosedur keberatan" in page and "30 hari kerja" in page


def test_a_half_filled_fee_row_comes_back_with_its_error(client, session) -> None:
    make_user(session, "admin.pemda", Grant(Role.ADMIN))
    sign_in(client, "admin.pemda")
    token = csrf(client, "/admin/standar-layanan")
    response = client.post("/admin/standar-layanan", data={
        "csrf_token": token, "bagian": "biaya", "uraian": ["Fotokopi"], "satuan": ["per lembar"],
        "biaya": ["dua ratus"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Biaya ditulis dalam rupiah tanpa tanda" in page and 'value="dua ratus"' in page
    assert "Rp300" in _text(client.get("/standar-layanan").get_data(as_text=True))  # nothing was saved


def test_only_a_region_wide_administrator_edits_and_every_form_needs_its_token(client, session) -> None:
    make_user(session, "admin.dinkes", Grant(Role.ADMIN, "dinkes"))
    make_user(session, "petugas.dinkes", Grant(Role.OFFICER, "dinkes"))
    assert client.get("/admin/standar-layanan").status_code in (302, 401)  # not signed in
    sign_in(client, "petugas.dinkes")
    assert client.get("/admin/standar-layanan").status_code == 403
    client.post("/keluar", data={"csrf_token": csrf(client, "/permohonan/ajukan")})
    sign_in(client, "admin.dinkes")
    assert client.get("/admin/standar-layanan").status_code == 403
    data = {"bagian": "maklumat", "teks": "Diubah tanpa token"}
    assert client.post("/admin/standar-layanan", data=data).status_code in (400, 403)
    assert "Diubah tanpa token" not in client.get("/standar-layanan").get_data(as_text=True)


def test_an_unknown_section_is_not_found(client, session) -> None:
    make_user(session, "admin.pemda", Grant(Role.ADMIN))
    sign_in(client, "admin.pemda")
    response = client.post("/admin/standar-layanan", data={"csrf_token": csrf(client, "/admin/standar-layanan"),
                                                            "bagian": "struktur:tidak-ada", "teks": "x"})
    assert response.status_code == 404
