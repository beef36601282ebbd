"""The JSON API under /api/permohonan: filing and tracking, token-free (so CSRF-exempt) and rate-limited."""

from __future__ import annotations

from sqlalchemy import select

from ppid.db import utcnow
from ppid.permohonan.deadlines import notice_due
from ppid.permohonan.models import Channel, Permohonan

from .conftest import filing
from .test_web import PERSONAL, csrf, file_directly


def test_api_files_a_request_and_answers_with_the_number_deadlines_and_tracking_link(client, platform, config) -> None:
    received_at = utcnow()
    response = client.post("/api/permohonan", json=filing())
    assert response.status_code == 201
    body = response.get_json()
    assert body["nomor"].startswith("0001/PPID/DINKES/")  # the year of today
    assert body["status"] == {"kode": "diterima", "label": "Diterima"}
    # Ten working days from the day of receipt, or from the next working day when filed after hours.
    calendar = config.calendar
    receipt = calendar.receipt(received_at).day
    due = notice_due(receipt, calendar)
    assert body["batas_waktu"]["pemberitahuan_tertulis"] == due.isoformat()
    # Counted from day 0 while that is still ahead: all ten are left, whatever the hour or the day of filing.
    left = body["batas_waktu"]["sisa_hari_kerja"]
    assert left == calendar.working_days_between(max(calendar.local_date(received_at), receipt), due) == 10
    assert body["tautan_lacak"].endswith(f"/permohonan/lacak/{body['token']}")
    with platform.database.session() as session:
        assert session.scalar(select(Permohonan.channel)) == Channel.API
    assert all(personal not in response.get_data(as_text=True) for personal in PERSONAL)


def test_api_reports_errors_field_by_field_in_bahasa_indonesia(client) -> None:
    response = client.post("/api/permohonan", json=filing(nik="1234", tujuan_penggunaan="", warna="biru"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Periksa kembali isian yang ditandai."
    assert body["errors"] == {"nik": ["NIK harus 16 angka."], "tujuan_penggunaan": ["Wajib diisi."],
                              "warna": ["Kolom tidak dikenal."]}


def test_api_wants_a_json_object(client) -> None:
    for response in (client.post("/api/permohonan", data="nama=Siti"), client.post("/api/permohonan", json=[1])):
        assert response.status_code == 400
        assert "application/json" in response.get_json()["message"]


def test_api_tracking_needs_the_token_and_shows_no_personal_data(client, platform) -> None:
    filed = file_directly(platform)
    found = client.post("/api/permohonan/lacak", json={"token": filed.token})
    assert found.status_code == 200
    body = found.get_json()
    assert body["nomor"] == filed.permohonan.number
    assert [step["kode"] for step in body["langkah"]] == ["diterima"]
    assert all(personal not in found.get_data(as_text=True) for personal in PERSONAL)
    wrong = client.post("/api/permohonan/lacak", json={"token": "bukan-token"})
    assert wrong.status_code == 404 and "nomor" not in wrong.get_json()
    by_pair = client.post("/api/permohonan/lacak", json={"nomor": filed.permohonan.number, "email": "siti@example.id"})
    assert by_pair.status_code == 202 and "nomor" not in by_pair.get_json()  # a link is e-mailed (test_privacy.py)
    incomplete = client.post("/api/permohonan/lacak", json={"nomor": filed.permohonan.number})
    assert incomplete.status_code == 422 and incomplete.get_json()["errors"] == {"email": ["Wajib diisi."]}


def test_api_filing_shares_the_rate_limit_of_the_web_form(client) -> None:
    for _attempt in range(5):
        assert client.post("/api/permohonan", json={}).status_code == 422
    refused = client.post("/api/permohonan", json=filing())
    assert refused.status_code == 429 and "Terlalu banyak permintaan" in refused.get_json()["message"]
    token = csrf(client, "/permohonan/ajukan")
    assert client.post("/permohonan/ajukan", data={"csrf_token": token}).status_code == 429  # the same counter


def test_api_lists_the_accepted_values(client) -> None:
    body = client.get("/api/permohonan/pilihan").get_json()
    assert {"kode": "perorangan", "label": "perorangan"} in body["jenis_pemohon"]
    assert body["dinas"][-1]["kode"] == "tidak_tahu"
    assert [item["kode"] for item in body["dinas"]][:3] == ["dinkes", "disdukcapil", "bpkad"]
