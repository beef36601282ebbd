"""An uploaded file goes through the same personal-data scan as a harvested one: a table holding NIKs and phone
numbers (uploaded without a schema, as a list the dinas keeps) is held back after approval, the draft's record
and the officer's notice say why, and the walidata's release publishes it."""

from __future__ import annotations

from sqlalchemy import select

from ppid.publication.holds import PersonalDataHold
from ppid.uploader.models import DraftFile, Notice

from .helpers import new_draft, upload

LIST_CSV = ("no,nama,nik,telepon\n"
            "1,Budi Santoso,3201014509900001,081234567890\n"
            "2,Siti Aminah,3201010101850002,+6281298765432\n")


def test_an_uploaded_list_with_niks_is_held_after_approval_until_the_walidata_releases_it(
        platform, client, officer, walidata) -> None:
    draft_id = new_draft(officer, title="Daftar Penerima Unggahan")
    upload(officer, draft_id, "daftar-penerima.csv", LIST_CSV.encode())
    with platform.database.session() as session:
        file_id = session.scalar(select(DraftFile.id).where(DraftFile.draft_id == draft_id))
    officer.post(f"/unggah/draf/{draft_id}/berkas/{file_id}/skema", data={"skema": "", "csrf_token": officer.token})
    assert officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token}).status_code == 302

    walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token})

    def found() -> list:
        return client.get("/api/3/action/package_search?q=Daftar Penerima Unggahan").json["result"]["results"]

    assert found() == []
    record = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    assert "ditahan untuk walidata karena data pribadi" in record and "baris 2, kolom nik" in record
    assert "3201********0001" in record and "3201014509900001" not in record
    with platform.database.session() as session:
        notices = [notice.message for notice in session.scalars(select(Notice))]
        hold = session.scalar(select(PersonalDataHold))
    assert any("ditahan karena memuat data pribadi" in message for message in notices)

    walidata.post(f"/petugas/data-pribadi/{hold.id}/terbitkan",
                  data={"alasan": "Penerima bantuan diumumkan sesuai ketentuan", "csrf_token": walidata.token})

    assert [resource["name"] for resource in found()[0]["resources"]] == ["daftar-penerima.csv"]
