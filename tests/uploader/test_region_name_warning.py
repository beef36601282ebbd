"""The uploader's report warns about a region name that is not its code's name, and the file stays valid."""

from __future__ import annotations

from sqlalchemy import select

from ppid.uploader.models import DraftFile, FileVersion

from .helpers import new_draft, upload

WRONG_NAME_CSV = (
    "tahun,kode_kecamatan,nama_kecamatan,jumlah_laki_laki,jumlah_perempuan,jumlah_penduduk\n"
    "2024,320101,Cibinong,124890,79544,204434\n"
    "2024,320102,GUNUNG PUTRI,143500,52657,196157\n"
    "2024,320103,Kec. Citeureup,100000,90000,190000\n"
    "2024,320104,Jonggol,90000,80000,170000\n"
)


def test_the_report_names_the_region_a_code_is_when_the_name_is_another(platform, officer) -> None:
    draft_id = new_draft(officer)

    upload(officer, draft_id, "penduduk-nama.csv", WRONG_NAME_CSV.encode())

    with platform.database.session() as session:
        version = session.scalar(select(FileVersion).join(DraftFile).where(DraftFile.draft_id == draft_id))
        state, report_id = version.state.value, version.report_id
    assert state == "valid"
    report = officer.get(f"/laporan/{report_id}").get_data(as_text=True)
    english = officer.get(f"/laporan/{report_id}?lang=en").get_data(as_text=True)
    assert ("kolom `nama_kecamatan`: 1 baris berisi nama wilayah yang bukan nama kodenya; misalnya baris 5: "
            "kode 320104 adalah Sukaraja, bukan `Jonggol`.") in report
    assert "code 320104 is Sukaraja, not `Jonggol`" in english
