"""A DIK with history for the page checks (words, accessibility, phone width): an entry of Dinas Kesehatan renewed
once (two versions) and one opened, both recorded through :mod:`ppid.publication.dik` as the officer's pages do."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.publication import dik

ENTRY = {
    "public_title": "Rekam medis pasien puskesmas", "pasal_17_letter": "h",
    "sub_ground": "angka 2: riwayat, kondisi dan perawatan kesehatan", "tested_on": "2026-01-12",
    "harm_if_opened": "Membuka riwayat kesehatan pasien yang dapat dikenali.",
    "public_interest": "Ringkasan kunjungan per puskesmas tetap diumumkan.", "decided_by": "Kepala Dinas Kesehatan",
    "sk_number": "188/12/2026", "sk_date": "2026-01-15", "starts_on": "2026-01-15", "ends_on": "2031-01-15",
}


def dik_with_history(session: Session, officer: User, dinas: str = "dinkes") -> dict[str, int]:
    """``exempt_id``: an entry in force at version 2; ``opened_exempt_id``: an entry whose information was opened."""
    renewed = dik.record(session, dinas, ENTRY, officer.full_name, datasets=(), by_id=officer.id)
    dik.revise(session, renewed, {**ENTRY, "ends_on": "2033-01-15", "sk_number": "188/40/2026",
                                  "change_reason": "Uji konsekuensi ulang; jangka waktu diperpanjang."}, officer, ())
    opened = dik.record(session, dinas, {**ENTRY, "public_title": "Hasil audit investigasi pengadaan alat kesehatan",
                                         "pasal_17_letter": "a", "sub_ground": ""}, officer.full_name, datasets=(),
                        by_id=officer.id)
    dik.open_entry(opened, {"opened_on": "2026-02-20", "opened_sk_number": "188/30/2026",
                            "opened_reason": "Putusan Komisi Informasi: informasi terbuka setelah penyidikan selesai."},
                   officer, date(2026, 3, 1))
    session.commit()
    return {"exempt_id": renewed.id, "opened_exempt_id": opened.id}
