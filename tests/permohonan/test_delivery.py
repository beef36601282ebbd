"""Handing over the information itself: the officer attaches files when closing a granted request, and only the
requester (secret link, or number + e-mail) and the dinas's officers can download them."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import select

from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import EventKind, Permohonan
from ppid.permohonan.workflow import Workflow

from .conftest import filing
from .test_web import csrf, file_directly, sign_in

ANSWER = b"PK\x03\x04" + b"realisasi-anggaran-2025.xlsx" * 400
CSV = b"program;realisasi\nPosyandu;1.234.567\n"


def _granted(platform, dinkes_officer) -> tuple[int, str]:
    filed = file_directly(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        permohonan = session.get(Permohonan, filed.permohonan.id)
        workflow.decide(permohonan, officer=session.merge(dinkes_officer),
                        data={"keputusan": "dikabulkan_seluruhnya", "materi": "Realisasi anggaran 2025"})
    return filed.permohonan.id, filed.token


def _close(client, permohonan_id: int, files: list[tuple[bytes, str]], reason: str = "informasi_diserahkan"):
    url = f"/permohonan/petugas/{permohonan_id}"
    data = {"alasan": reason, "csrf_token": csrf(client, url),
            "berkas": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(f"{url}/tutup", data=data, content_type="multipart/form-data")


def test_the_requester_downloads_the_files_handed_over_and_the_log_records_their_hashes(
    app, client, platform, dinkes_officer, capil_officer
) -> None:
    permohonan_id, token = _granted(platform, dinkes_officer)
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")

    closed = _close(officer, permohonan_id, [(ANSWER, "Realisasi 2025.xlsx"), (CSV, "../../rincian.csv")])

    assert closed.status_code == 303
    tracking = client.get(f"/permohonan/lacak/{token}").get_data(as_text=True)
    assert "Realisasi 2025.xlsx" in tracking and "rincian.csv" in tracking
    first = client.get(f"/permohonan/lacak/{token}/informasi/0")
    assert first.status_code == 200 and first.data == ANSWER
    assert first.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/permohonan/lacak/{token}/informasi/1").data == CSV
    assert client.get(f"/permohonan/lacak/{token}/informasi/2").status_code == 404
    assert client.get("/permohonan/lacak/bukan-token/informasi/0").status_code == 404
    with platform.database.session() as session:
        closing = next(e for e in session.get(Permohonan, permohonan_id).events if e.kind == EventKind.CLOSED)
        assert [(f["nama_berkas"], f["sha256"]) for f in closing.payload["berkas"]] == [
            ("Realisasi 2025.xlsx", hashlib.sha256(ANSWER).hexdigest()),
            ("rincian.csv", hashlib.sha256(CSV).hexdigest()),
        ]
    assert officer.get(f"/permohonan/petugas/{permohonan_id}/informasi/0").data == ANSWER
    other = app.test_client()
    sign_in(other, "petugas.capil")
    assert other.get(f"/permohonan/petugas/{permohonan_id}/informasi/0").status_code == 404


def test_the_number_and_e_mail_alone_download_nothing(app, client, platform, dinkes_officer) -> None:
    """What was handed over may be about the requester; only the secret of a tracking link opens it."""
    permohonan_id, _token = _granted(platform, dinkes_officer)
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")
    _close(officer, permohonan_id, [(ANSWER, "realisasi.xlsx")])
    with platform.database.session() as session:
        number = session.get(Permohonan, permohonan_id).number
    token = csrf(client, "/permohonan/lacak")

    right = client.post("/permohonan/lacak/informasi/0",
                        data={"nomor": number, "email": filing()["email"], "csrf_token": token})

    assert right.status_code in (404, 405) and right.data != ANSWER


def test_a_program_or_an_empty_file_is_refused_with_a_reason_and_nothing_is_closed(app, platform,
                                                                                  dinkes_officer) -> None:
    permohonan_id, _token = _granted(platform, dinkes_officer)
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")

    program = _close(officer, permohonan_id, [(b"MZ\x90\x00 windows program", "laporan.pdf")])
    empty = _close(officer, permohonan_id, [(b"", "kosong.csv")])

    assert program.status_code == 422 and "isi berkas diperiksa" in program.get_data(as_text=True)
    assert empty.status_code == 422 and "kosong" in empty.get_data(as_text=True)
    with platform.database.session() as session:
        assert not [e for e in session.get(Permohonan, permohonan_id).events if e.kind == EventKind.CLOSED]


def test_files_are_attached_only_when_the_information_is_handed_over(app, platform, dinkes_officer) -> None:
    permohonan_id, _token = _granted(platform, dinkes_officer)
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")

    response = _close(officer, permohonan_id, [(ANSWER, "realisasi.xlsx")], reason="selesai")

    assert response.status_code == 422
    assert "hanya bila informasi diserahkan" in response.get_data(as_text=True)
    with platform.database.session() as session:
        assert session.scalar(select(Permohonan)).events[-1].kind == EventKind.DECIDED
