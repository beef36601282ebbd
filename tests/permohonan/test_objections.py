"""Objections (keberatan) to the atasan PPID: UU KIP Pasal 35-37, on the request's own event history."""

from __future__ import annotations

from datetime import date

import pytest

from ppid.accounts.models import Role, User
from ppid.accounts.service import Grant
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import EventKind, ObjectionDecision, Permohonan
from ppid.permohonan.status import Phase
from ppid.permohonan.workflow import InvalidInput, NotPermitted, TransitionError, Workflow

from .conftest import REFUSAL, filing, make_user
from .test_web import assert_accessible_form, csrf, file_directly, sign_in

OBJECTION = {"alasan": ["a"], "kasus_posisi": "Data fasilitas kesehatan bukan rahasia pribadi bila tanpa nama pasien."}


def test_objection_gets_its_own_registration_number_and_a_thirty_day_answer_deadline(workflow, refused) -> None:
    objection = workflow.file_objection(refused, OBJECTION)
    assert objection.number == "0001/KEBERATAN/DINKES/2026"
    assert refused.number == "0001/PPID/DINKES/2026"  # a separate sequence
    status = workflow.status(refused)
    assert status.phase == Phase.OBJECTION
    assert status.objection.answer_due == date(2026, 5, 7)  # Pasal 36(2): 30 working days from receipt
    assert not status.objection.filed_late and status.objection.dispute_deadline is None
    event = refused.events[-1]
    assert (event.kind, event.actor_name, event.payload["alasan"]) == (EventKind.OBJECTION_FILED, "pemohon", ["a"])


def test_no_objection_before_a_notice_or_a_missed_deadline(workflow) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(TransitionError, match=r"Pasal 35 ayat \(1\)|belum lewat"):
        workflow.file_objection(permohonan, {"alasan": ["c"], "kasus_posisi": "Belum dijawab"})


def test_unanswered_request_may_be_objected_on_ground_c_once_its_deadline_passed(
    workflow, dinkes_officer, atasan_dinkes, clock
) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 4, 8)  # the day after the 10 working days
    workflow.file_objection(permohonan, {"alasan": ["c", "g"], "kasus_posisi": "Tidak ada jawaban"})
    with pytest.raises(TransitionError):  # the PPID cannot slip a notice in while the atasan examines it
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
    workflow.answer_objection(permohonan, officer=atasan_dinkes,
                              data={"putusan": "diterima", "tanggapan": "PPID wajib menjawab dalam 3 hari kerja."})
    workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "dikabulkan_seluruhnya", "materi": "Semua"})
    status = workflow.status(permohonan)
    assert (status.phase, status.answered_late) == (Phase.ANSWERED, True)


def test_grounds_must_fit_what_happened(workflow, dinkes_officer, clock) -> None:
    granted = workflow.file(filing()).permohonan
    workflow.decide(granted, officer=dinkes_officer, data={"keputusan": "dikabulkan_seluruhnya", "materi": "Semua",
                                                          "biaya": 50000, "cara_pembayaran": "Transfer"})
    with pytest.raises(InvalidInput) as refused:
        workflow.file_objection(granted, {"alasan": ["a", "c", "f"], "kasus_posisi": "Biaya terlalu mahal"})
    messages = refused.value.errors["alasan"]
    assert len(messages) == 2 and "Pasal 17" in messages[0] and "Alasan c" in messages[1]
    assert workflow.file_objection(granted, {"alasan": ["f"], "kasus_posisi": "Biaya terlalu mahal"})


def test_objection_form_names_missing_and_unknown_grounds(workflow, refused) -> None:
    with pytest.raises(InvalidInput) as refused_input:
        workflow.file_objection(refused, {"alasan": ["z"], "kasus_posisi": ""})
    assert refused_input.value.errors == {"alasan": {"0": ["Pilih salah satu: a, b, c, d, e, f, g."]},
                                          "kasus_posisi": ["Wajib diisi."]}
    with pytest.raises(InvalidInput) as empty:
        workflow.file_objection(refused, {"alasan": [], "kasus_posisi": "x"})
    assert empty.value.errors == {"alasan": ["Wajib diisi."]}


def test_only_the_atasan_ppid_of_the_dinas_answers(workflow, refused, dinkes_officer, session) -> None:
    workflow.file_objection(refused, OBJECTION)
    answer = {"putusan": "diterima", "tanggapan": "Berikan data tanpa nama pasien."}
    with pytest.raises(NotPermitted):
        workflow.answer_objection(refused, officer=dinkes_officer, data=answer)
    other_atasan = make_user(session, "atasan.capil", Grant(Role.ATASAN, "disdukcapil"))
    with pytest.raises(NotPermitted):
        workflow.answer_objection(refused, officer=other_atasan, data=answer)


def test_upholding_the_ppid_needs_written_reasons(workflow, refused, atasan_dinkes, clock) -> None:
    """Pasal 36(3)."""
    workflow.file_objection(refused, OBJECTION)
    with pytest.raises(InvalidInput) as refused_input:
        workflow.answer_objection(refused, officer=atasan_dinkes, data={"putusan": "ditolak", "tanggapan": "Tetap"})
    assert "Pasal 36 ayat (3)" in refused_input.value.errors["alasan"][0]
    clock.set(2026, 4, 20)
    event = workflow.answer_objection(refused, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Keputusan PPID dikuatkan.", "alasan": "Data memuat diagnosis per nama.",
        "jabatan": "Sekretaris Daerah",
    })
    assert event.payload["nama_atasan"] == "Atasan.Dinkes" and event.payload["batas_waktu"] == "2026-05-07"
    objection = workflow.status(refused).objection
    assert (objection.decision, objection.decided_on) == (ObjectionDecision.UPHELD, date(2026, 4, 20))
    assert objection.dispute_deadline == date(2026, 5, 11)  # Pasal 37(2): 14 working days after the answer


def test_dispute_window_also_opens_when_the_atasan_does_not_answer_in_time(workflow, refused, clock) -> None:
    workflow.file_objection(refused, OBJECTION)
    clock.set(2026, 5, 8)
    objection = workflow.status(refused).objection
    assert objection.overdue and objection.dispute_deadline == date(2026, 6, 3)


def test_a_late_objection_is_recorded_and_flagged(workflow, refused, clock) -> None:
    """Pasal 36(1) gives 30 working days; when that starts is unconfirmed (kip-rules §11.4), so it is not refused."""
    clock.set(2026, 5, 7)  # the window ended on 6 May 2026
    workflow.file_objection(refused, OBJECTION)
    assert workflow.status(refused).objection.filed_late


def test_one_objection_per_request_then_the_komisi_informasi(workflow, refused, atasan_dinkes, dinkes_officer) -> None:
    workflow.file_objection(refused, OBJECTION)
    workflow.answer_objection(refused, officer=atasan_dinkes, data={"putusan": "diterima", "tanggapan": "Berikan."})
    workflow.close(refused, officer=dinkes_officer, reason="informasi_diserahkan")  # allowed: objection accepted
    with pytest.raises(TransitionError, match="Komisi Informasi"):
        workflow.file_objection(refused, {"alasan": ["e"], "kasus_posisi": "Lagi"})


def test_an_officer_records_a_written_objection_received_at_the_office(workflow, refused, dinkes_officer) -> None:
    objection = workflow.file_objection(refused, OBJECTION, officer=dinkes_officer)
    assert refused.events[-1].actor_name == "petugas.dinkes" and objection.number.startswith("0001/KEBERATAN/")


def test_requester_objects_from_the_tracking_page_and_sees_the_objection_number(
    client, platform, dinkes_officer
) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        refuse(session, platform, filed.permohonan.id, dinkes_officer.id)
    page_url = f"/permohonan/lacak/{filed.token}"
    before = client.get(page_url).get_data(as_text=True)
    assert "Ajukan keberatan kepada atasan PPID" in before
    assert_accessible_form(before)
    data = {"token": filed.token, "alasan": ["a"], "kasus_posisi": "Tanpa nama pasien tidak rahasia",
            "csrf_token": csrf(client, page_url)}
    response = client.post("/permohonan/keberatan", data=data)
    assert response.status_code == 303 and response.location.endswith(page_url)
    page = client.get(page_url).get_data(as_text=True)
    assert "Keberatan diterima dengan nomor registrasi" in page and "/KEBERATAN/DINKES/" in page
    assert "Batas tanggapan atasan PPID" in page and "Ajukan keberatan kepada atasan PPID" not in page


def test_objection_by_number_and_email_shows_errors_next_to_the_grounds(client, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        refuse(session, platform, filed.permohonan.id, dinkes_officer.id)
    token = csrf(client, "/permohonan/lacak")
    identity = {"token": filed.token, "csrf_token": token}
    response = client.post("/permohonan/keberatan", data={**identity, "kasus_posisi": "x"})
    assert response.status_code == 422 and 'id="f-alasan-galat"' in response.get_data(as_text=True)
    response = client.post("/permohonan/keberatan", data={**identity, "alasan": "a", "kasus_posisi": "x"},
                           follow_redirects=True)
    assert response.status_code == 200 and "/KEBERATAN/" in response.get_data(as_text=True)
    stranger = client.post("/permohonan/keberatan", data={"nomor": filed.permohonan.number,
                                                          "email": "siti@example.id", "alasan": "a",
                                                          "csrf_token": token})
    assert stranger.status_code == 404


def test_api_objection(client, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    too_early = client.post("/api/permohonan/keberatan", json={"token": filed.token, **OBJECTION})
    assert too_early.status_code == 409 and "Pasal 35" in too_early.get_json()["message"]
    with platform.database.session() as session:
        refuse(session, platform, filed.permohonan.id, dinkes_officer.id)
    invalid = client.post("/api/permohonan/keberatan", json={"token": filed.token, "alasan": ["a"]})
    assert invalid.status_code == 422 and invalid.get_json()["errors"] == {"kasus_posisi": ["Wajib diisi."]}
    response = client.post("/api/permohonan/keberatan", json={"token": filed.token, **OBJECTION})
    assert response.status_code == 201
    objection = response.get_json()["keberatan"]
    assert objection["nomor"].endswith("/KEBERATAN/DINKES/" + objection["nomor"][-4:])
    assert objection["alasan"][0]["kode"] == "a" and objection["putusan"] is None


def test_atasan_answers_from_the_desk_and_has_no_other_step(client, platform, dinkes_officer, atasan_dinkes) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        refuse(session, platform, filed.permohonan.id, dinkes_officer.id)
    client.post("/api/permohonan/keberatan", json={"token": filed.token, **OBJECTION})
    sign_in(client, "atasan.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Tanggapan atasan PPID atas keberatan" in page and "Tutup permohonan" not in page
    assert_accessible_form(page)
    token = csrf(client, url)
    refused = client.post(f"{url}/jawab-keberatan", data={"putusan": "ditolak", "tanggapan": "Tetap",
                                                          "csrf_token": token})
    assert refused.status_code == 422 and "Pasal 36 ayat (3)" in refused.get_data(as_text=True)
    answered = client.post(f"{url}/jawab-keberatan", data={"putusan": "diterima", "tanggapan": "Berikan datanya",
                                                           "csrf_token": token})
    assert answered.status_code == 303
    public = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    assert "Tanggapan atasan PPID: keberatan diterima" in public and "Komisi Informasi" in public


def refuse(session, platform, permohonan_id: int, officer_id: int) -> None:
    """The PPID's refusal under Pasal 17 h, committed through the workflow."""
    workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
    workflow.decide(session.get(Permohonan, permohonan_id), officer=session.get(User, officer_id), data=REFUSAL)


def test_a_closed_request_that_receives_an_objection_is_back_in_the_queue(
    workflow, session, dinkes_officer, clock
) -> None:
    permohonan = workflow.file(filing()).permohonan
    workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "dikabulkan_seluruhnya", "materi": "Semua",
                                                             "biaya": 90000, "cara_pembayaran": "Tunai"})
    workflow.close(permohonan, officer=dinkes_officer, reason="informasi_diserahkan")
    session.commit()
    assert workflow.queue({"dinkes"}) == []
    workflow.file_objection(permohonan, {"alasan": ["f"], "kasus_posisi": "Rp90.000 untuk 10 halaman tidak wajar"})
    session.commit()
    assert [row[0] for row in workflow.queue({"dinkes"})] == [permohonan]


def test_dispute_at_the_komisi_informasi_is_recorded_after_the_answer_and_counted(
    workflow, refused, dinkes_officer, atasan_dinkes, clock
) -> None:
    from ppid.permohonan.statistics import annual_report

    workflow.file_objection(refused, OBJECTION)
    dispute = {"nomor_register": "012/REG-PSI/IV/2026", "tanggal_diajukan": "2026-04-20"}
    with pytest.raises(TransitionError, match=r"Pasal 37 ayat \(1\)"):  # the atasan PPID has not answered yet
        workflow.record_dispute(refused, officer=dinkes_officer, data=dispute)
    clock.set(2026, 4, 14)
    workflow.answer_objection(refused, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    clock.set(2026, 4, 21)
    with pytest.raises(InvalidInput) as early:
        workflow.record_dispute(refused, officer=dinkes_officer,
                                data={"nomor_register": "012", "tanggal_diajukan": "2026-04-01"})
    assert "tanggal_diajukan" in early.value.errors
    workflow.record_dispute(refused, officer=dinkes_officer, data=dispute)
    status = workflow.status(refused)
    assert status.phase == Phase.DISPUTE and status.objection.dispute.filed_on == date(2026, 4, 20)
    assert status.objection.dispute.number == "012/REG-PSI/IV/2026"
    assert refused.events[-1].kind == EventKind.DISPUTE_FILED
    report = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")
    assert (report.disputes, report.dispute_eligible) == (1, 1)
    workflow.close(refused, officer=dinkes_officer, reason="selesai", note="Putusan Komisi Informasi dilaksanakan")


def refused_and_objected(platform, dinkes_officer):
    """A request filed, refused under Pasal 17 h and objected to, committed through the workflow."""
    filed = file_directly(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        permohonan = session.merge(filed.permohonan)
        workflow.decide(permohonan, officer=session.merge(dinkes_officer), data=REFUSAL)
        workflow.file_objection(permohonan, OBJECTION)
    return filed


def uphold_refusal(platform, filed, atasan_dinkes) -> str:
    """The atasan PPID upholds the refusal; returns the day (ISO) it did, from which a dispute may be filed."""
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        workflow.answer_objection(session.get(Permohonan, filed.permohonan.id), officer=session.merge(atasan_dinkes),
                                  data={"putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Rahasia."})
        return workflow.today().isoformat()


def test_officer_records_a_dispute_on_the_desk(client, platform, dinkes_officer, atasan_dinkes) -> None:
    filed = refused_and_objected(platform, dinkes_officer)
    today = uphold_refusal(platform, filed, atasan_dinkes)
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    assert "Catat sengketa yang diajukan pemohon ke Komisi Informasi" in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/sengketa", data={"nomor_register": "7/PSI/2026", "tanggal_diajukan": today,
                                                    "csrf_token": csrf(client, url)}, follow_redirects=True)
    assert "Tercatat: Sengketa diajukan ke Komisi Informasi." in response.get_data(as_text=True)
    tracking = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    assert "nomor register 7/PSI/2026" in tracking
