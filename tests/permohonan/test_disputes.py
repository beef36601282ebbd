"""Disputes at the Komisi Informasi (UU KIP Pasal 37-38) and the courts (Pasal 47-50): the KI's own 14 and 100
working-day milestones, its outcome, and any court stage, all on the request's record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from ppid.config import ConfigError
from ppid.permohonan.audit import verify
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import CourtLevel, DisputeResult, EventKind, Permohonan, PermohonanEvent
from ppid.permohonan.presenters import public_document
from ppid.permohonan.statistics import annual_report
from ppid.permohonan.status import Phase
from ppid.permohonan.workflow import InvalidInput, TransitionError, Workflow

from .test_objections import OBJECTION, refused_and_objected, uphold_refusal
from .test_openapi import answer_schema, conforms
from .test_web import csrf, sign_in

DISPUTE = {"nomor_register": "012/REG-PSI/IV/2026", "tanggal_diajukan": "2026-04-17",
           "tanggal_diterima_ki": "2026-04-20"}
ADJUDICATION = {"hasil": "ditolak", "tanggal_putusan": "2026-06-15", "nomor_putusan": "012/PTS/KI-KAB/VI/2026"}
HOLIDAYS_MAY_TO_AUGUST_2026 = [date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 15), date(2026, 5, 27),
                               date(2026, 5, 28), date(2026, 5, 31), date(2026, 6, 1), date(2026, 6, 16),
                               date(2026, 8, 17), date(2026, 8, 25)]
"""Public holidays and cuti bersama of 2026 in the ``holidays`` package; Waisak (31 May) falls on a Sunday."""


@pytest.fixture
def disputed(workflow, refused, atasan_dinkes, dinkes_officer, clock):
    """Refused on 16 March 2026, objected to, upheld by the atasan PPID on 14 April; the requester went to the
    Komisi Informasi on Friday 17 April, which received the dispute on Monday 20 April."""
    workflow.file_objection(refused, OBJECTION)
    clock.set(2026, 4, 14)
    workflow.answer_objection(refused, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    clock.set(2026, 4, 21)
    workflow.record_dispute(refused, officer=dinkes_officer, data=DISPUTE)
    return refused


def test_the_ki_milestones_count_working_days_from_its_receipt_and_skip_holidays(workflow, disputed) -> None:
    dispute = workflow.status(disputed).objection.dispute

    assert (dispute.filed_on, dispute.received_by_ki) == (date(2026, 4, 17), date(2026, 4, 20))
    # Pasal 38(1): 14 working days after Monday 20 April, skipping Labour Day (Friday 1 May).
    assert dispute.start_by == date(2026, 5, 11)
    # Pasal 38(2): 100 working days, skipping the nine weekday holidays and cuti bersama of May-August 2026.
    assert dispute.settle_by == date(2026, 9, 18)
    assert [day for day, _reason in dispute.holidays] == HOLIDAYS_MAY_TO_AUGUST_2026
    assert workflow.calendar.working_days_between(dispute.received_by_ki, dispute.settle_by) == 100


def test_the_settlement_may_be_counted_from_the_last_day_to_start_where_so_configured(
    session, config, platform, clock, disputed
) -> None:
    counted_from_start = Workflow(session, replace(config, dispute_settlement_from_start=True), platform.registry,
                                  clock=clock)
    dispute = counted_from_start.status(disputed).objection.dispute

    assert dispute.settlement_day_zero == dispute.start_by == date(2026, 5, 11)
    assert dispute.settle_by == date(2026, 10, 8)


def test_the_settlement_start_setting_accepts_two_readings_and_names_itself_when_wrong(settings) -> None:
    def config(value: str) -> PermohonanConfig:
        return PermohonanConfig.from_settings(
            replace(settings, defaults={"permohonan": {"dispute_settlement_counted_from": value}}))

    assert not PermohonanConfig.from_settings(settings).dispute_settlement_from_start
    assert config("dimulai").dispute_settlement_from_start and not config("diterima").dispute_settlement_from_start
    with pytest.raises(ConfigError, match=r"permohonan\.dispute_settlement_counted_from"):
        config("putusan")


def test_ki_milestones_passing_are_shown_but_never_make_the_request_overdue(workflow, disputed, clock) -> None:
    clock.set(2026, 9, 21)
    status = workflow.status(disputed)

    assert status.objection.dispute.start_passed and status.objection.dispute.settlement_passed
    assert not status.overdue and not status.objection.overdue
    assert status.phase == Phase.DISPUTE


def test_a_ki_receipt_before_the_filing_is_refused_with_a_reason(workflow, refused, atasan_dinkes, dinkes_officer,
                                                                  clock) -> None:
    workflow.file_objection(refused, OBJECTION)
    clock.set(2026, 4, 14)
    workflow.answer_objection(refused, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Rahasia."})
    clock.set(2026, 4, 21)
    with pytest.raises(InvalidInput) as refused_input:
        workflow.record_dispute(refused, officer=dinkes_officer, data=DISPUTE | {"tanggal_diterima_ki": "2026-04-16"})
    assert "sebelum tanggal pengajuannya" in refused_input.value.errors["tanggal_diterima_ki"][0]


def test_an_outcome_needs_a_recorded_dispute(workflow, refused, dinkes_officer) -> None:
    workflow.file_objection(refused, OBJECTION)
    with pytest.raises(TransitionError, match="Keberatan sedang diperiksa atasan PPID"):
        workflow.record_dispute_outcome(refused, officer=dinkes_officer, data=ADJUDICATION)


def test_the_outcome_ends_the_ki_stage_and_is_on_the_hash_chained_record(workflow, session, disputed, dinkes_officer,
                                                                          clock) -> None:
    clock.set(2026, 6, 16)
    with pytest.raises(InvalidInput) as future:
        workflow.record_dispute_outcome(disputed, officer=dinkes_officer,
                                        data=ADJUDICATION | {"tanggal_putusan": "2026-06-17"})
    assert "tanggal_putusan" in future.value.errors

    workflow.record_dispute_outcome(disputed, officer=dinkes_officer, data=ADJUDICATION)
    session.commit()

    status = workflow.status(disputed)
    dispute = status.objection.dispute
    assert status.phase == Phase.DISPUTE_DECIDED
    assert (dispute.result, dispute.decided_on, dispute.decision_number) == (
        DisputeResult.REFUSED, date(2026, 6, 15), "012/PTS/KI-KAB/VI/2026")
    assert not dispute.settlement_passed and not dispute.settled_late
    event = disputed.events[-1]
    assert event.kind == EventKind.DISPUTE_DECIDED and event.payload["batas_penyelesaian"] == "2026-09-18"
    report = verify(session)
    assert report.intact and report.head == event.hash


def test_a_court_stage_follows_an_adjudication_and_a_later_record_adds_its_ruling(workflow, disputed,
                                                                                dinkes_officer, clock) -> None:
    clock.set(2026, 6, 16)
    workflow.record_dispute_outcome(disputed, officer=dinkes_officer, data=ADJUDICATION)
    case = {"tingkat": "ptun", "nomor_perkara": "45/G/KI/2026/PTUN.BDG", "tanggal_didaftarkan": "2026-06-29"}
    with pytest.raises(InvalidInput) as early:  # registered before the KI's ruling
        workflow.record_court_case(disputed, officer=dinkes_officer, data=case | {"tanggal_didaftarkan": "2026-06-01"})
    assert "tanggal_didaftarkan" in early.value.errors
    with pytest.raises(InvalidInput) as half:
        workflow.record_court_case(disputed, officer=dinkes_officer, data=case | {"putusan": "Gugatan ditolak"})
    assert "putusan" in half.value.errors

    clock.set(2026, 7, 1)
    workflow.record_court_case(disputed, officer=dinkes_officer, data=case)
    clock.set(2026, 8, 20)
    ruling = {"putusan": "Menguatkan putusan Komisi Informasi", "tanggal_putusan": "2026-08-19"}
    workflow.record_court_case(disputed, officer=dinkes_officer, data=case | ruling)

    status = workflow.status(disputed)
    assert status.phase == Phase.COURT
    [court] = status.objection.dispute.court_cases
    assert (court.level, court.ruling, court.ruled_on) == (
        CourtLevel.PTUN, "Menguatkan putusan Komisi Informasi", date(2026, 8, 19))


def test_a_mediated_dispute_is_final_and_goes_to_no_court(workflow, disputed, dinkes_officer, clock) -> None:
    clock.set(2026, 5, 20)
    workflow.record_dispute_outcome(disputed, officer=dinkes_officer,
                                    data={"hasil": "mediasi_berhasil", "tanggal_putusan": "2026-05-19"})
    with pytest.raises(TransitionError, match="Pasal 39"):
        workflow.record_court_case(disputed, officer=dinkes_officer, data={
            "tingkat": "pengadilan_negeri", "nomor_perkara": "1/Pdt.G/2026", "tanggal_didaftarkan": "2026-05-20"})
    workflow.close(disputed, officer=dinkes_officer, reason="selesai", note="Kesepakatan mediasi dilaksanakan")
    assert workflow.status(disputed).phase == Phase.CLOSED


def test_the_annual_report_counts_dispute_results_and_court_cases(workflow, disputed, dinkes_officer, clock) -> None:
    clock.set(2026, 7, 1)
    workflow.record_dispute_outcome(disputed, officer=dinkes_officer, data=ADJUDICATION)
    workflow.record_court_case(disputed, officer=dinkes_officer, data={
        "tingkat": "ptun", "nomor_perkara": "45/G/KI/2026/PTUN.BDG", "tanggal_didaftarkan": "2026-06-29"})

    report = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")

    assert report.disputes == 1 and report.court_cases == 1
    assert [(row.code, row.count) for row in report.dispute_results] == [("ditolak", 1)]
    summary = dict(report.objection_summary())
    assert summary["Hasil sengketa: ajudikasi: permohonan pemohon ditolak"] == 1
    assert summary["Perkara di pengadilan (Pasal 47-50)"] == 1


def test_the_tracking_api_describes_the_dispute_as_its_openapi_schema_says(workflow, disputed, client) -> None:
    document = public_document(disputed, workflow.status(disputed), workflow)
    dispute = document["keberatan"]["sengketa"]

    assert (dispute["mulai_paling_lambat"], dispute["selesai_paling_lambat"]) == ("2026-05-11", "2026-09-18")
    assert dispute["hasil"] is None and dispute["pengadilan"] == []
    assert [day["tanggal"] for day in dispute["hari_libur_tidak_dihitung"]][:1] == ["2026-05-01"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert conforms(spec, answer_schema(spec, "/api/permohonan/lacak", "post", 200), document) == []


def test_officer_records_the_ki_outcome_on_the_desk_and_the_requester_sees_the_milestones(
    client, platform, dinkes_officer, atasan_dinkes
) -> None:
    filed = refused_and_objected(platform, dinkes_officer)
    today = uphold_refusal(platform, filed, atasan_dinkes)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        workflow.record_dispute(session.get(Permohonan, filed.permohonan.id), officer=session.merge(dinkes_officer),
                                data={"nomor_register": "7/PSI/2026", "tanggal_diajukan": today})
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Komisi Informasi wajib menyelesaikan sengketa paling lambat" in page
    assert "Catat hasil penyelesaian sengketa oleh Komisi Informasi" in page

    missing = client.post(f"{url}/putusan-sengketa", data={"tanggal_putusan": today, "csrf_token": csrf(client, url)})
    assert missing.status_code == 422 and "Wajib diisi" in missing.get_data(as_text=True)
    recorded = client.post(f"{url}/putusan-sengketa", follow_redirects=True, data={
        "hasil": "dikabulkan_sebagian", "tanggal_putusan": today, "csrf_token": csrf(client, url)})
    assert "Tercatat: Sengketa diselesaikan oleh Komisi Informasi." in recorded.get_data(as_text=True)

    tracking = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    assert "Komisi Informasi wajib memulai mediasi atau ajudikasi paling lambat" in tracking
    assert "ajudikasi: permohonan pemohon dikabulkan sebagian" in tracking


def test_the_requester_records_their_ki_dispute_on_the_tracking_page(client, platform, dinkes_officer,
                                                                     atasan_dinkes) -> None:
    filed = refused_and_objected(platform, dinkes_officer)
    tracking_url = f"/permohonan/lacak/{filed.token}"
    assert "Catat sengketa yang Anda ajukan" not in client.get(tracking_url).get_data(as_text=True)
    today = uphold_refusal(platform, filed, atasan_dinkes)
    page = client.get(tracking_url).get_data(as_text=True)
    assert "Catat sengketa yang Anda ajukan ke Komisi Informasi" in page

    missing = client.post("/permohonan/sengketa", data={"token": filed.token, "tanggal_diajukan": today,
                                                        "csrf_token": csrf(client, tracking_url)})
    assert missing.status_code == 422 and "Wajib diisi" in missing.get_data(as_text=True)
    wrong = client.post("/permohonan/sengketa", data={
        "token": "bukan-token", "nomor_register": "9/PSI/2026", "tanggal_diajukan": today,
        "csrf_token": csrf(client, tracking_url)})
    assert wrong.status_code == 404
    recorded = client.post("/permohonan/sengketa", follow_redirects=True, data={
        "token": filed.token, "nomor_register": "9/PSI/2026", "tanggal_diajukan": today,
        "csrf_token": csrf(client, tracking_url)})

    body = recorded.get_data(as_text=True)
    assert "Tercatat: Sengketa diajukan ke Komisi Informasi." in body
    assert "Komisi Informasi wajib menyelesaikan sengketa paling lambat" in body
    assert "Catat sengketa yang Anda ajukan" not in body  # once only
    with platform.database.session() as session:
        event = session.scalars(select(PermohonanEvent).order_by(PermohonanEvent.id.desc())).first()
        assert (event.kind, event.actor_user_id) == (EventKind.DISPUTE_FILED, None)  # the requester's own step
