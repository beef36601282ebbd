"""Musyawarah on an objection (UU KIP Pasal 35(2)) and the requester's response to its outcome (register
keberatan column k, kip-rules §5.7), on the 2026 calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant
from ppid.permohonan import registers
from ppid.permohonan.models import EventKind, ObjectionDecision, Permohonan
from ppid.permohonan.notices import Notices
from ppid.permohonan.statistics import annual_report
from ppid.permohonan.status import Phase
from ppid.permohonan.workflow import InvalidInput, NotPermitted, TransitionError, Workflow

from .conftest import REFUSAL, WIB, filing, make_user
from .test_objections import OBJECTION, refuse
from .test_web import assert_accessible_form, csrf, file_directly, sign_in

NOT_FULFILLED = {"alasan": ["e"], "kasus_posisi": "Data yang diberikan hanya sebagian kecamatan."}
"""Ground e (Pasal 35(1) e): may be settled by musyawarah."""


@pytest.fixture
def environ(environ, smtp_server):
    """E-mail goes to the real SMTP test server."""
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": "https://ppid.contoh.go.id"}
FAILED = {"tanggal": "2026-03-24", "peserta": "Siti Rahmawati (pemohon); Atasan PPID Dinas Kesehatan",
          "sepakat": "tidak"}
AGREED = {"tanggal": "2026-04-07", "peserta": "Siti Rahmawati (pemohon); Atasan PPID Dinas Kesehatan",
          "sepakat": "ya", "kesepakatan": "PPID menyerahkan data semua kecamatan tanpa nama pasien."}


def test_refusal_objection_failed_then_agreed_musyawarah_settles_the_objection(
    workflow, refused, atasan_dinkes, dinkes_officer, clock
) -> None:
    workflow.file_objection(refused, NOT_FULFILLED)  # Tuesday 17 March 2026
    assert workflow.status(refused).objection.answer_due == date(2026, 5, 7)  # 30 working days (Pasal 36(2))

    clock.set(2026, 3, 24)
    workflow.record_deliberation(refused, officer=atasan_dinkes, data=FAILED)
    status = workflow.status(refused)
    assert status.phase == Phase.OBJECTION and status.objection.decision is None
    assert status.objection.answer_due == date(2026, 5, 7)  # a failed musyawarah leaves the deadline as it was

    clock.set(2026, 4, 7)
    event = workflow.record_deliberation(refused, officer=atasan_dinkes, data=AGREED)
    assert (event.kind, event.payload["nama_petugas"]) == (EventKind.DELIBERATION, "Atasan.Dinkes")
    status = workflow.status(refused)
    objection = status.objection
    assert status.phase == Phase.OBJECTION_ANSWERED
    assert (objection.decision, objection.decided_on) == (ObjectionDecision.SETTLED, date(2026, 4, 7))
    assert objection.settled and not objection.answered_late and objection.dispute_deadline is None
    assert [meeting.agreed for meeting in objection.deliberations] == [False, True]
    assert "musyawarah" in workflow.dispute_refusal(status)
    with pytest.raises(TransitionError):  # the agreement ended the objection: no answer on top of it
        workflow.answer_objection(refused, officer=atasan_dinkes, data={"putusan": "diterima", "tanggapan": "x"})
    workflow.close(refused, officer=dinkes_officer, reason="informasi_diserahkan")  # what was agreed is handed over
    report = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten Contoh")
    summary = dict(report.objection_summary())  # report section D
    assert summary["Tanggapan atasan PPID: selesai melalui musyawarah (Pasal 35 ayat (2))"] == 1
    assert summary["Keberatan yang dapat dilanjutkan ke Komisi Informasi (Pasal 37 ayat (2))"] == 0


def test_an_objection_on_ground_a_is_never_settled_by_musyawarah(workflow, refused, atasan_dinkes) -> None:
    workflow.file_objection(refused, OBJECTION)  # ground a: the Pasal 17 refusal itself
    with pytest.raises(TransitionError, match="huruf a"):
        workflow.record_deliberation(refused, officer=atasan_dinkes, data={**AGREED, "tanggal": "2026-03-17"})
    assert workflow.status(refused).phase == Phase.OBJECTION


def test_musyawarah_is_recorded_by_the_atasan_with_a_date_and_an_agreement(
    workflow, refused, atasan_dinkes, dinkes_officer, clock
) -> None:
    workflow.file_objection(refused, NOT_FULFILLED)
    clock.set(2026, 3, 24)
    with pytest.raises(NotPermitted):
        workflow.record_deliberation(refused, officer=dinkes_officer, data=FAILED)
    with pytest.raises(InvalidInput) as missing:
        workflow.record_deliberation(refused, officer=atasan_dinkes, data={**AGREED, "tanggal": "2026-03-24",
                                                                           "kesepakatan": ""})
    assert missing.value.errors == {"kesepakatan": ["Tuliskan isi kesepakatan yang dicapai."]}
    for day in ("2026-03-16", "2026-03-25"):  # before the objection, after today
        with pytest.raises(InvalidInput) as wrong_day:
            workflow.record_deliberation(refused, officer=atasan_dinkes, data={**FAILED, "tanggal": day})
        assert "tanggal" in wrong_day.value.errors


def test_the_atasan_cannot_choose_the_settlement_as_an_answer(workflow, refused, atasan_dinkes) -> None:
    workflow.file_objection(refused, NOT_FULFILLED)
    with pytest.raises(InvalidInput) as refused_input:
        workflow.answer_objection(refused, officer=atasan_dinkes, data={"putusan": "musyawarah", "tanggapan": "x"})
    assert refused_input.value.errors == {"putusan": ["Pilih salah satu: diterima, ditolak."]}


def test_requester_response_and_paper_response_fill_register_column_k(
    workflow, refused, atasan_dinkes, dinkes_officer, clock
) -> None:
    workflow.file_objection(refused, NOT_FULFILLED)
    with pytest.raises(TransitionError, match="Keberatan sedang diperiksa"):
        workflow.record_response(refused, {"tanggapan": "Terlalu cepat"})
    clock.set(2026, 4, 7)
    workflow.record_deliberation(refused, officer=atasan_dinkes, data=AGREED)
    clock.set(2026, 4, 9)
    with pytest.raises(InvalidInput) as early:
        workflow.record_response(refused, {"tanggapan": "Puas", "tanggal_diterima": "2026-04-06"},
                                 officer=dinkes_officer)
    assert "tanggal_diterima" in early.value.errors
    workflow.record_response(refused, {"tanggapan": "Saya puas dengan kesepakatan.", "tanggal_diterima": "2026-04-08"},
                             officer=dinkes_officer)
    response = workflow.status(refused).objection.response
    assert (response.text, response.received_on, response.on_paper) == ("Saya puas dengan kesepakatan.",
                                                                       date(2026, 4, 8), True)
    with pytest.raises(TransitionError, match="sudah tercatat"):
        workflow.record_response(refused, {"tanggapan": "Sekali lagi"})

    register = registers.objection_register(workflow, year=2026, scope=None, officer=dinkes_officer)
    row = dict(zip(register.headers, register.rows[0], strict=True))
    assert row["Tanggapan pemohon informasi"] == "Saya puas dengan kesepakatan. (diterima tertulis 2026-04-08)"
    assert row["Keputusan atasan PPID"] == ("selesai melalui musyawarah (Pasal 35 ayat (2)): PPID menyerahkan data "
                                            "semua kecamatan tanpa nama pasien.")
    assert row["Tanggal pemberian tanggapan"] == "2026-04-07"
    assert row["Nama dan posisi atasan PPID"] == "Atasan.Dinkes"
    assert "Saya puas dengan kesepakatan." in registers.to_csv(register).decode("utf-8")


def test_musyawarah_through_the_desk_and_the_response_on_the_tracking_page(
    client, platform, dinkes_officer, atasan_dinkes
) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        refuse(session, platform, filed.permohonan.id, dinkes_officer.id)
    client.post("/api/permohonan/keberatan", json={"token": filed.token, **NOT_FULFILLED})
    tracking = f"/permohonan/lacak/{filed.token}"
    assert "Beri tanggapan atas hasil keberatan" not in client.get(tracking).get_data(as_text=True)

    sign_in(client, "atasan.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Catat musyawarah atas keberatan" in page
    assert_accessible_form(page)
    today = datetime.now(WIB).date().isoformat()
    token = csrf(client, url)
    missing = client.post(f"{url}/musyawarah", data={**AGREED, "tanggal": today, "kesepakatan": "",
                                                     "csrf_token": token})
    assert missing.status_code == 422 and "Tuliskan isi kesepakatan" in missing.get_data(as_text=True)
    agreed = client.post(f"{url}/musyawarah", data={**AGREED, "tanggal": today, "csrf_token": token})
    assert agreed.status_code == 303

    page = client.get(tracking).get_data(as_text=True)
    assert "Keberatan selesai melalui musyawarah" in page and "PPID menyerahkan data semua kecamatan" in page
    assert "Beri tanggapan atas hasil keberatan" in page and "Catat sengketa yang Anda ajukan" not in page
    assert_accessible_form(page)
    response = client.post("/permohonan/tanggapan", data={"token": filed.token, "tanggapan": "Terima kasih.",
                                                          "csrf_token": csrf(client, tracking)})
    assert response.status_code == 303
    page = client.get(tracking).get_data(as_text=True)
    assert "Terima kasih." in page and "Beri tanggapan atas hasil keberatan" not in page
    with platform.database.session() as session:
        permohonan = session.get(Permohonan, filed.permohonan.id)
        assert permohonan.events[-1].kind == EventKind.REQUESTER_RESPONSE
        assert permohonan.events[-1].actor_name == "pemohon"
    objection = client.post("/api/permohonan/lacak", json={"token": filed.token}).get_json()["keberatan"]
    assert objection["putusan"]["kode"] == "musyawarah" and objection["batas_sengketa_komisi_informasi"] is None
    assert objection["musyawarah"] == [{"tanggal": today, "sepakat": True, "kesepakatan": AGREED["kesepakatan"]}]
    assert objection["tanggapan_pemohon"] == {"isi": "Terima kasih.", "diterima_pada": today, "tertulis": False}


def test_an_atasan_of_another_dinas_sees_no_musyawarah_form(client, platform, session, dinkes_officer) -> None:
    make_user(session, "atasan.capil", Grant(Role.ATASAN, "disdukcapil"))
    filed = file_directly(platform)
    with platform.database.session() as db:
        refuse(db, platform, filed.permohonan.id, dinkes_officer.id)
    client.post("/api/permohonan/keberatan", json={"token": filed.token, **NOT_FULFILLED})
    sign_in(client, "atasan.capil")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/musyawarah", data={**AGREED, "csrf_token": csrf(client, "/permohonan/lacak")}
                       ).status_code == 404


def test_the_requester_is_told_of_each_meeting_by_email(session, config, platform, clock, dinkes_officer,
                                                        atasan_dinkes, smtp_server) -> None:
    workflow = Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform))
    permohonan = workflow.file(filing()).permohonan
    workflow.decide(permohonan, officer=dinkes_officer, data=REFUSAL)
    clock.set(2026, 3, 17)
    workflow.file_objection(permohonan, NOT_FULFILLED)
    clock.set(2026, 3, 24)
    workflow.record_deliberation(permohonan, officer=atasan_dinkes, data=FAILED)
    clock.set(2026, 4, 7)
    workflow.record_deliberation(permohonan, officer=atasan_dinkes, data=AGREED)
    session.commit()

    to_requester = [message for message in smtp_server[1].messages if message["To"] == "siti@example.id"]
    failed, agreed = (message.get_content() for message in to_requester[-2:])
    assert "Musyawarah pada 24 Maret 2026 tidak mencapai kesepakatan" in failed
    assert "Keberatan selesai melalui musyawarah pada 7 April 2026" in agreed
    assert "PPID menyerahkan data semua kecamatan tanpa nama pasien." in agreed
