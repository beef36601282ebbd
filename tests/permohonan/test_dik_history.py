"""A refusal and the DIK entry it rests on (UU KIP Pasal 17, 19, 20, 22(7)(c)): an entry whose information was opened
is never offered for a refusal again, and a refusal keeps the wording of the version it was decided on after the
entry is corrected or renewed; an entry a refusal named can no longer be removed as a mistake."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ppid.permohonan.models import EventKind, PermohonanEvent
from ppid.permohonan.workflow import InvalidInput
from ppid.publication.models import ExemptInformation

from .conftest import REFUSAL, filing
from .test_web import csrf, sign_in

ENTRY = {
    "dinas": "dinkes", "public_title": "Rekam medis pasien puskesmas", "pasal_17_letter": "h",
    "sub_ground": "angka 2: riwayat kesehatan", "tested_on": "2026-01-12",
    "harm_if_opened": "Mengungkap riwayat kesehatan pasien.", "public_interest": "Privasi pasien lebih besar.",
    "decided_by": "Kepala Dinas Kesehatan", "sk_number": "188/12/2026", "sk_date": "2026-01-15",
    "starts_on": "2026-01-15", "ends_on": "2031-01-15",
}
VERSION_1 = ("Rekam medis pasien puskesmas (Pasal 17 huruf h; SK 188/12/2026 tanggal 15 Januari 2026; dikecualikan "
             "sampai 15 Januari 2031)")
VERSION_2 = ("Rekam medis dan rujukan pasien puskesmas (Pasal 17 huruf h; SK 188/40/2026 tanggal 10 Maret 2026; "
             "dikecualikan sampai 10 Maret 2033)")
RENEWAL = {**ENTRY, "public_title": "Rekam medis dan rujukan pasien puskesmas", "tested_on": "2026-03-09",
           "sk_number": "188/40/2026", "sk_date": "2026-03-10", "starts_on": "2026-03-10", "ends_on": "2033-03-10",
           "change_reason": "Uji konsekuensi ulang mencakup surat rujukan; jangka waktu baru."}


@pytest.fixture
def keeper(client, dinkes_officer):
    """The dinkes officer signed in, with the CSRF token of the DIK page."""
    sign_in(client, "petugas.dinkes")
    client.token = csrf(client, "/petugas/informasi-dikecualikan")
    return client


def recorded(keeper, platform, **fields: str) -> int:
    assert keeper.post("/petugas/informasi-dikecualikan",
                       data={**ENTRY, **fields, "csrf_token": keeper.token}).status_code == 303
    with platform.database.session() as session:
        return session.scalar(select(ExemptInformation.id).order_by(ExemptInformation.id.desc()))


def refusal_payload(session, permohonan_id: int) -> dict:
    return session.scalar(select(PermohonanEvent.payload).where(PermohonanEvent.permohonan_id == permohonan_id,
                                                               PermohonanEvent.kind == EventKind.DECIDED))


def test_an_opened_entry_is_not_offered_on_the_refusal_form_and_a_refusal_cannot_rest_on_it(
        keeper, platform, session, workflow, dinkes_officer) -> None:
    kept = recorded(keeper, platform)
    opened = recorded(keeper, platform, public_title="Hasil audit investigasi yang sudah selesai")
    assert keeper.post(f"/petugas/informasi-dikecualikan/{opened}/buka", data={
        "opened_on": "2026-03-02", "opened_reason": "Putusan Komisi Informasi: informasi terbuka.",
        "csrf_token": keeper.token}).status_code == 303
    filed = workflow.file(filing())
    session.commit()

    page = keeper.get(f"/permohonan/petugas/{filed.permohonan.id}").get_data(as_text=True)

    choice = page.split('name="dik"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{kept}">Rekam medis pasien puskesmas' in choice
    assert f'<option value="{opened}"' not in choice and "Hasil audit investigasi" not in choice
    with pytest.raises(InvalidInput) as refused:
        workflow.decide(filed.permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": opened})
    assert "dik" in refused.value.errors


def test_a_refusal_decided_on_version_1_still_reads_as_version_1_after_the_entry_is_renewed(
        keeper, client, platform, session, workflow, dinkes_officer) -> None:
    entry_id = recorded(keeper, platform)
    first = workflow.file(filing())
    workflow.decide(first.permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": entry_id})
    session.commit()

    renewed = keeper.post(f"/petugas/informasi-dikecualikan/{entry_id}/ubah",
                          data={**RENEWAL, "csrf_token": keeper.token})

    assert renewed.status_code == 303
    tracking = " ".join(client.get(f"/permohonan/lacak/{first.token}").get_data(as_text=True).split())
    assert VERSION_1 in tracking and "188/40/2026" not in tracking
    assert refusal_payload(session, first.permohonan.id)["dik"]["versi"] == 1
    page = " ".join(keeper.get(f"/petugas/informasi-dikecualikan/{entry_id}").get_data(as_text=True).split())
    assert first.permohonan.number in page and "berdasarkan versi 1" in page
    assert "Mengungkap riwayat kesehatan pasien." in page.split('id="versi-1"', 1)[1]  # its consequence test

    session.expire_all()
    second = workflow.file(filing(nik="3201011203850002", email="budi@example.id"))
    workflow.decide(second.permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": entry_id})
    session.commit()
    assert refusal_payload(session, second.permohonan.id)["dik"]["versi"] == 2
    later = " ".join(client.get(f"/permohonan/lacak/{second.token}").get_data(as_text=True).split())
    assert VERSION_2 in later


def test_an_entry_a_refusal_named_is_no_mistake_and_cannot_be_removed(keeper, platform, session, workflow,
                                                                       dinkes_officer) -> None:
    entry_id = recorded(keeper, platform)
    filed = workflow.file(filing())
    workflow.decide(filed.permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": entry_id})
    session.commit()
    url = f"/petugas/informasi-dikecualikan/{entry_id}"
    assert "Hapus karena salah catat" not in keeper.get(url).get_data(as_text=True)

    refused = keeper.post(f"{url}/hapus", data={"reason": "Salah catat.", "csrf_token": keeper.token})

    assert refused.status_code == 422 and "sudah menjadi dasar keputusan" in refused.get_data(as_text=True)
    with platform.database.session() as fresh:
        assert fresh.get(ExemptInformation, entry_id) is not None
