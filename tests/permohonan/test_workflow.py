"""The life of a request under UU KIP Pasal 22, through the domain operations on the real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import inspect, text

from ppid.permohonan.models import AppendOnlyError, Channel, EventKind, Outcome, Permohonan
from ppid.permohonan.status import Phase
from ppid.permohonan.workflow import InvalidInput, NotPermitted, TransitionError, Workflow

from .conftest import CONSEQUENCE_TEST, WIB, filing


def test_filing_issues_the_registration_number_at_once_and_records_who_and_how(workflow, session) -> None:
    filed = workflow.file(filing())
    session.commit()
    permohonan = filed.permohonan
    assert permohonan.number == "0001/PPID/DINKES/2026"
    assert permohonan.channel == Channel.WEB
    [received] = permohonan.events
    assert (received.kind, received.actor_name, received.dinas_slug) == (EventKind.RECEIVED, "pemohon", "dinkes")
    status = workflow.status(permohonan)
    assert (status.phase, status.dinas_slug, status.receipt.day) == (Phase.RECEIVED, "dinkes", date(2026, 3, 16))


def test_written_notice_is_due_ten_working_days_after_receipt(workflow) -> None:
    status = workflow.status(workflow.file(filing()).permohonan)
    assert status.due == date(2026, 4, 7)  # kip-rules §7.4: across Nyepi and the Lebaran cuti bersama
    assert status.working_days_left == 10


def test_request_filed_after_office_hours_counts_from_the_next_working_day(workflow, clock) -> None:
    clock.set(2026, 7, 6, 16, 30)
    permohonan = workflow.file(filing()).permohonan
    status = workflow.status(permohonan)
    assert permohonan.received_at == datetime(2026, 7, 6, 16, 30, tzinfo=WIB)  # the true time is kept
    assert (status.receipt.day, status.receipt.rolled) == (date(2026, 7, 7), True)
    assert status.due == date(2026, 7, 21)


def test_request_is_overdue_only_from_the_day_after_its_deadline(workflow, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 4, 7, 23, 59)
    assert not workflow.status(permohonan).overdue
    clock.set(2026, 4, 8, 0, 1)
    status = workflow.status(permohonan)
    assert status.overdue and status.working_days_left == -1
    assert status.objection_deadline == date(2026, 5, 22)  # 30 working days, the missed deadline being day 0


def test_overdue_is_computed_never_stored(workflow, session, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    session.commit()
    columns = {column.name for column in inspect(Permohonan).columns}
    assert not columns & {"status", "state", "overdue", "due", "deadline"}
    clock.set(2026, 6, 1)
    assert workflow.status(permohonan).overdue
    assert not session.dirty and not session.new


def test_extension_adds_up_to_seven_working_days_once_with_written_reasons(workflow, dinkes_officer, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 4, 7, 15, 0)  # the last of the ten days: still allowed
    event = workflow.extend(permohonan, officer=dinkes_officer, days=7, reason="Data tersebar di 12 puskesmas")
    status = workflow.status(permohonan)
    assert (status.due, status.extended, status.phase) == (date(2026, 4, 16), True, Phase.RECEIVED)
    assert event.payload["batas_waktu_sebelumnya"] == "2026-04-07"
    assert event.payload["batas_waktu_baru"] == "2026-04-16"
    with pytest.raises(TransitionError, match="satu kali"):
        workflow.extend(permohonan, officer=dinkes_officer, days=1, reason="Lagi")


def test_extension_may_be_shorter_than_seven_working_days(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    workflow.extend(permohonan, officer=dinkes_officer, days=3, reason="Menunggu rekap")
    assert workflow.status(permohonan).due == date(2026, 4, 10)


def test_extension_after_the_tenth_working_day_is_refused(workflow, dinkes_officer, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 4, 8)
    with pytest.raises(TransitionError, match=r"paling lambat 7 April 2026, .*Pasal 22 ayat \(8\)"):
        workflow.extend(permohonan, officer=dinkes_officer, days=7, reason="Terlambat")


def test_extension_needs_a_reason_and_at_most_seven_days(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.extend(permohonan, officer=dinkes_officer, days=8, reason="  ")
    assert set(refused.value.errors) == {"hari", "alasan"}
    assert "wajib ditulis" in refused.value.errors["alasan"][0]


def test_forwarding_hands_the_request_to_another_dinas_without_restarting_the_clock(
    workflow, dinkes_officer, capil_officer, clock
) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 3, 26)
    workflow.forward(permohonan, officer=dinkes_officer, dinas="disdukcapil", reason="Data kependudukan")
    status = workflow.status(permohonan)
    assert (status.dinas_slug, status.phase, status.due) == ("disdukcapil", Phase.IN_PROGRESS, date(2026, 4, 7))
    with pytest.raises(NotPermitted):
        workflow.request_items(permohonan, officer=dinkes_officer, items="KTP")
    workflow.request_items(permohonan, officer=capil_officer, items="Salinan KTP")
    with pytest.raises(TransitionError, match="Menunggu kelengkapan"):
        workflow.forward(permohonan, officer=capil_officer, dinas="bpkad", reason="Sambil menunggu KTP")


def test_forwarding_names_a_known_other_dinas_and_a_reason(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.forward(permohonan, officer=dinkes_officer, dinas="dinkes", reason="")
    assert set(refused.value.errors) == {"dinas", "alasan"}
    with pytest.raises(InvalidInput):
        workflow.forward(permohonan, officer=dinkes_officer, dinas="tidak-ada", reason="x")


def test_request_to_an_unknown_dinas_is_routed_by_the_ppid_utama(workflow, dinkes_officer, ppid_utama) -> None:
    permohonan = workflow.file(filing(dinas="tidak_tahu")).permohonan
    assert permohonan.number == "0001/PPID/UTAMA/2026"
    assert workflow.status(permohonan).dinas_slug is None
    with pytest.raises(NotPermitted, match="PPID Utama"):
        workflow.forward(permohonan, officer=dinkes_officer, dinas="dinkes", reason="Milik kami")
    workflow.forward(permohonan, officer=ppid_utama, dinas="dinkes", reason="Data kesehatan")
    assert workflow.status(permohonan).dinas_slug == "dinkes"
    assert permohonan.number == "0001/PPID/UTAMA/2026"  # the number never changes


def test_asking_for_missing_items_does_not_pause_the_clock_by_default(workflow, dinkes_officer, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    workflow.request_items(permohonan, officer=dinkes_officer, items="Tujuan penggunaan kurang jelas")
    status = workflow.status(permohonan)
    assert (status.phase, status.requester_to_act) == (Phase.AWAITING_ITEMS, True)
    clock.set(2026, 3, 31)
    workflow.items_supplied(permohonan, officer=dinkes_officer, note="Dijelaskan lewat telepon")
    status = workflow.status(permohonan)
    assert (status.phase, status.due, status.paused_days) == (Phase.IN_PROGRESS, date(2026, 4, 7), 0)


def test_clock_pauses_while_awaiting_items_when_so_configured(workflow, config, dinkes_officer, clock) -> None:
    """kip-rules §4 and §11.2: pausing has no confirmed basis [U], so it is a setting, off by default."""
    workflow.config = replace(config, pause_clock_while_awaiting_items=True)
    permohonan = workflow.file(filing()).permohonan
    workflow.request_items(permohonan, officer=dinkes_officer, items="KTP")
    clock.set(2026, 3, 27)  # working days 17, 25, 26 and 27 March have passed (18-24 March are holidays)
    assert workflow.status(permohonan).paused_days == 4
    workflow.items_supplied(permohonan, officer=dinkes_officer)
    clock.set(2026, 4, 1)
    status = workflow.status(permohonan)
    assert (status.paused_days, status.due) == (4, date(2026, 4, 13))


def test_refusal_needs_a_pasal_17_ground_and_a_consequence_test(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "ditolak"})
    assert set(refused.value.errors) == {"dasar_pengecualian", "uji_konsekuensi"}
    assert "Pasal 19" in refused.value.errors["uji_konsekuensi"][0]
    event = workflow.decide(permohonan, officer=dinkes_officer, data={
        "keputusan": "ditolak", "dasar_pengecualian": ["h"], "uji_konsekuensi": CONSEQUENCE_TEST,
    })
    assert event.payload["dasar_pengecualian"] == ["h"]
    assert event.payload["uji_konsekuensi"]["dasar_hukum"].startswith("UU 14/2008")
    status = workflow.status(permohonan)
    assert (status.phase, status.outcome, status.decided_on) == (Phase.ANSWERED, Outcome.REFUSED, date(2026, 3, 16))
    assert status.objection_deadline == date(2026, 5, 6)  # Pasal 36(1): 30 working days from the notice


def test_exemptions_under_pasal_17_a_to_f_state_their_period(workflow, dinkes_officer) -> None:
    """Pasal 20: those exemptions are not permanent."""
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data={
            "keputusan": "ditolak", "dasar_pengecualian": ["a"], "uji_konsekuensi": CONSEQUENCE_TEST,
        })
    assert "Pasal 20" in refused.value.errors["uji_konsekuensi"]["jangka_waktu"][0]


def test_partial_grant_lists_each_blacked_out_part_with_its_reason(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "dikabulkan_sebagian", "materi": "x"})
    assert {"penghitaman", "uji_konsekuensi"} <= set(refused.value.errors)
    event = workflow.decide(permohonan, officer=dinkes_officer, data={
        "keputusan": "dikabulkan_sebagian",
        "materi": "Daftar fasilitas dan anggaran",
        "bentuk": "softcopy",
        "penghitaman": [{"bagian": "Nama pasien", "pasal_17": "h", "alasan": "Rahasia pribadi"}],
        "uji_konsekuensi": CONSEQUENCE_TEST,
        "badan_publik_lain": "ignored for this outcome",
    })
    assert event.payload["dasar_pengecualian"] == ["h"]
    assert "badan_publik_lain" not in event.payload
    assert workflow.status(permohonan).outcome == Outcome.PARTLY_GRANTED


def test_granted_notice_states_material_cost_and_payment(workflow, dinkes_officer, clock) -> None:
    """Pasal 22(7) d, f, g."""
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "dikabulkan_seluruhnya", "biaya": 5000})
    assert set(refused.value.errors) == {"materi", "cara_pembayaran"}
    clock.set(2026, 4, 9)
    workflow.decide(permohonan, officer=dinkes_officer, data={
        "keputusan": "dikabulkan_seluruhnya", "materi": "Daftar fasilitas", "bentuk": "softcopy", "biaya": 0,
    })
    status = workflow.status(permohonan)
    assert status.answered_late and not status.overdue  # ground g of Pasal 35(1) stays visible


@pytest.mark.parametrize(
    ("decision", "missing"),
    [({"keputusan": "belum_didokumentasikan"}, "waktu_penyediaan"), ({"keputusan": "x"}, "keputusan")],
)
def test_other_outcomes_say_what_the_law_needs(workflow, dinkes_officer, decision, missing) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data=decision)
    assert missing in refused.value.errors


def test_not_held_may_name_the_body_that_holds_it(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    event = workflow.decide(permohonan, officer=dinkes_officer, data={
        "keputusan": "tidak_dikuasai", "badan_publik_lain": "BPS Kabupaten Contoh",
    })
    assert event.payload == {"keputusan": "tidak_dikuasai", "badan_publik_lain": "BPS Kabupaten Contoh",
                             "batas_waktu": "2026-04-07", "nama_pejabat": "Petugas.Dinkes"}  # the signing officer


def test_a_second_notice_is_an_illegal_transition_explained_in_bahasa_indonesia(workflow, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
    with pytest.raises(TransitionError) as refused:
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
    assert str(refused.value) == (
        'Langkah "Pemberitahuan tertulis dikirim" tidak dapat dilakukan: status permohonan '
        '0001/PPID/DINKES/2026 adalah "Dijawab".'
    )
    with pytest.raises(TransitionError):
        workflow.extend(permohonan, officer=dinkes_officer, days=2, reason="x")


def test_closing_comes_after_the_notice_unless_the_requester_withdraws(workflow, dinkes_officer, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(TransitionError, match="setelah pemberitahuan tertulis"):
        workflow.close(permohonan, officer=dinkes_officer, reason="selesai")
    other = workflow.file(filing()).permohonan
    workflow.close(other, officer=dinkes_officer, reason="ditarik_pemohon", note="Lewat telepon")
    clock.set(2026, 6, 1)
    assert workflow.status(other).phase == Phase.CLOSED and not workflow.status(other).overdue


def test_information_is_handed_over_only_after_a_grant(workflow, dinkes_officer) -> None:
    refused = workflow.file(filing()).permohonan
    workflow.decide(refused, officer=dinkes_officer, data={
        "keputusan": "ditolak", "dasar_pengecualian": ["h"], "uji_konsekuensi": CONSEQUENCE_TEST,
    })
    with pytest.raises(TransitionError):
        workflow.close(refused, officer=dinkes_officer, reason="informasi_diserahkan")
    granted = workflow.file(filing()).permohonan
    workflow.decide(granted, officer=dinkes_officer, data={"keputusan": "dikabulkan_seluruhnya", "materi": "Semua"})
    workflow.close(granted, officer=dinkes_officer, reason="informasi_diserahkan")
    assert workflow.status(granted).close_reason.value == "informasi_diserahkan"


def test_officer_of_another_dinas_can_neither_act_on_nor_open_a_request(workflow, capil_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    with pytest.raises(NotPermitted, match="Dinas Kesehatan"):
        workflow.extend(permohonan, officer=capil_officer, days=2, reason="x")
    with pytest.raises(NotPermitted):
        workflow.requester_of(permohonan, capil_officer)
    assert workflow.find_for_officer(permohonan.id, capil_officer) is None
    assert permohonan.events[-1].kind == EventKind.RECEIVED


def test_officer_registers_a_letter_from_its_date_of_receipt(workflow, dinkes_officer, clock) -> None:
    """Pasal 22(1)-(3), (6): requests not made on the web are recorded the same way, with their channel."""
    clock.set(2026, 7, 8, 10, 0)
    data = filing(nik=None, pekerjaan=None, pernyataan=None, email=None, cara_mendapatkan_salinan="pos",
                  saluran="surat", tanggal_diterima="2026-07-06")
    permohonan = workflow.register(data, officer=dinkes_officer).permohonan
    status = workflow.status(permohonan)
    assert (permohonan.channel, status.receipt.day, status.due) == (Channel.LETTER, date(2026, 7, 6), date(2026, 7, 20))
    assert permohonan.events[0].actor_name == "petugas.dinkes"
    assert permohonan.events[0].payload == {"saluran": "surat", "jam_tidak_diketahui": True}


def test_officer_intake_cannot_be_dated_in_the_future_or_for_another_dinas(workflow, dinkes_officer) -> None:
    with pytest.raises(InvalidInput) as refused:
        workflow.register(filing(saluran="telepon", tanggal_diterima="2026-03-17"), officer=dinkes_officer)
    assert "masa depan" in refused.value.errors["tanggal_diterima"][0]
    with pytest.raises(NotPermitted):
        workflow.register(filing(saluran="telepon", tanggal_diterima="2026-03-16", dinas="bpkad"),
                          officer=dinkes_officer)


def test_tracking_needs_the_number_and_the_email_given_at_filing(workflow, session) -> None:
    filed = workflow.file(filing())
    session.commit()
    assert workflow.find_for_tracking("0001/ppid/dinkes/2026", " Siti@Example.id ") is filed.permohonan
    assert workflow.find_for_tracking("0001/PPID/DINKES/2026", "orang.lain@example.id") is None
    assert workflow.find_for_tracking("9999/PPID/DINKES/2026", "siti@example.id") is None
    assert workflow.find_by_token(filed.token) is filed.permohonan
    assert filed.token not in filed.permohonan.tracking_token_hash


def test_queue_shows_the_officers_own_dinas_nearest_deadline_first(
    workflow, session, dinkes_officer, capil_officer, ppid_utama, clock
) -> None:
    first = workflow.file(filing()).permohonan
    clock.set(2026, 3, 17)
    second = workflow.file(filing()).permohonan
    workflow.extend(first, officer=dinkes_officer, days=7, reason="Banyak data")
    theirs = workflow.file(filing(dinas="disdukcapil")).permohonan
    unrouted = workflow.file(filing(dinas="tidak_tahu")).permohonan
    session.commit()
    assert [p for p, _s in workflow.queue({"dinkes"})] == [second, first]
    assert [p for p, _s in workflow.queue({"disdukcapil"})] == [theirs]
    assert {p.id for p, _s in workflow.queue(None)} == {first.id, second.id, theirs.id, unrouted.id}
    assert [p for p, _s in workflow.queue(None, dinas="tidak_tahu")] == [unrouted]
    workflow.close(second, officer=dinkes_officer, reason="ditarik_pemohon")
    assert [p for p, _s in workflow.queue({"dinkes"})] == [first]
    assert len(workflow.queue({"dinkes"}, include_closed=True)) == 2


def test_personal_data_is_never_loaded_with_the_request(workflow, session, dinkes_officer) -> None:
    permohonan_id = workflow.file(filing()).permohonan.id
    session.commit()
    session.expunge_all()
    permohonan = session.get(Permohonan, permohonan_id)
    with pytest.raises(Exception, match="lazy='raise'"):
        _ = permohonan.requester
    assert workflow.nik_of(workflow.requester_of(permohonan, dinkes_officer)) == "3201014507900001"


def test_events_are_append_only(workflow, session, dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    session.commit()
    permohonan.events[0].actor_name = "orang lain"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    for statement in ("UPDATE permohonan_event SET actor_name = 'x'", "DELETE FROM permohonan_event"):
        with pytest.raises(Exception, match="append-only"):
            session.execute(text(statement))
        session.rollback()


def test_a_step_recorded_by_a_stale_page_sees_the_latest_events(workflow, session, platform, config, clock,
                                                                dinkes_officer) -> None:
    permohonan = workflow.file(filing()).permohonan
    session.commit()
    with platform.database.session() as other_session:
        other = Workflow(other_session, config, platform.registry, clock=clock)
        other.decide(other_session.get(Permohonan, permohonan.id), officer=other_session.merge(dinkes_officer),
                     data={"keputusan": "tidak_dikuasai"})
    with pytest.raises(TransitionError):
        workflow.decide(permohonan, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
