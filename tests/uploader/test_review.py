"""The walidata approves a draft (published through the one pipeline) or sends it back with a comment."""

from __future__ import annotations

from sqlalchemy import select

from ppid.datastore.models import DatastoreTable
from ppid.mail import DeliveryStatus, MailDelivery
from ppid.pipeline.models import HarvestRun, TrackedFile
from ppid.uploader.models import Draft, DraftEvent, DraftFile, FileVersion, Notice

from .helpers import GOOD_CSV, MESSY_CSV, new_draft, upload


def submitted_draft(officer) -> int:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk-unggahan.csv", GOOD_CSV.encode())
    response = officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token})
    assert response.status_code == 302
    return draft_id


def test_a_draft_with_an_invalid_file_cannot_be_submitted(platform, officer) -> None:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())

    officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token})

    page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    assert "belum lolos validasi" in page
    with platform.database.session() as session:
        assert session.get(Draft, draft_id).status.value == "draf"


def test_the_walidata_sees_the_metadata_files_and_reports(officer, walidata) -> None:
    draft_id = submitted_draft(officer)

    desk = walidata.get("/unggah/").get_data(as_text=True)
    page = walidata.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)

    assert "Menunggu tinjauan Anda" in desk and "Penduduk Hasil Unggahan" in desk
    assert "penduduk-unggahan.csv" in page and "Lihat laporan validasi" in page
    assert "semesteran" in page and "Setujui dan terbitkan" in page


def test_an_approved_draft_is_published_through_the_pipeline(platform, client, officer, walidata, accounts) -> None:
    draft_id = submitted_draft(officer)

    approved = walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token})

    assert approved.status_code == 302
    found = client.get("/api/3/action/package_search?q=Penduduk Hasil Unggahan").json["result"]["results"]
    assert [package["name"] for package in found] == ["disdukcapil-penduduk-hasil-unggahan"]
    package = found[0]
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["frekuensi_penerbitan"] == "semesteran" and extras["satuan"] == "jiwa"
    assert [resource["name"] for resource in package["resources"]] == ["penduduk-unggahan.csv"]
    with platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.dataset_name == package["name"]))
        assert tracked.source_id == f"disdukcapil/unggahan-{draft_id}"
        copy = session.scalar(select(DatastoreTable).where(DatastoreTable.sha256 == tracked.sha256))
        assert copy.schema_name == tracked.schema_name and copy.row_count > 0  # the uploader is just another source
        assert session.scalar(select(HarvestRun.trigger).order_by(HarvestRun.id.desc())) == "unggahan"
        kinds = [e.kind.value for e in session.scalars(select(DraftEvent).where(DraftEvent.draft_id == draft_id))]
        assert kinds[-3:] == ["diajukan", "disetujui", "diterbitkan"]
        notice = session.scalar(select(Notice).where(Notice.draft_id == draft_id, Notice.user_id == accounts["capil"]))
        assert "sudah terbit" in notice.message


def test_a_sent_back_draft_tells_the_officer_why(platform, officer, walidata, accounts) -> None:
    draft_id = submitted_draft(officer)

    walidata.post(f"/unggah/draf/{draft_id}/kembalikan",
                  data={"csrf_token": walidata.token, "komentar": "Lengkapi deskripsi sumber datanya."})

    desk = officer.get("/unggah/").get_data(as_text=True)
    assert "dikembalikan oleh walidata: Lengkapi deskripsi sumber datanya." in desk
    page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    assert "Catatan walidata" in page and "Simpan metadata" in page
    with platform.database.session() as session:
        assert session.get(Draft, draft_id).status.value == "dikembalikan"
        [notice] = session.scalars(select(Notice).where(Notice.user_id == accounts["capil"])).all()
    officer.post(f"/unggah/pemberitahuan/{notice.id}/dibaca", data={"csrf_token": officer.token})
    assert "Lengkapi deskripsi" not in officer.get("/unggah/").get_data(as_text=True)


def test_a_sent_back_draft_is_also_e_mailed_to_the_officer(platform, officer, walidata) -> None:
    draft_id = submitted_draft(officer)

    walidata.post(f"/unggah/draf/{draft_id}/kembalikan",
                  data={"csrf_token": walidata.token, "komentar": "Lengkapi deskripsi sumber datanya."})

    with platform.database.session() as session:
        [mail] = session.scalars(select(MailDelivery).where(MailDelivery.category == "unggahan.tinjauan")).all()
        assert mail.recipient == "capil@contoh.go.id"
        assert mail.status is DeliveryStatus.SAVED  # no SMTP server configured: kept in the outbox folder
        assert "Lengkapi deskripsi sumber datanya." in mail.body
        assert f"/unggah/draf/{draft_id}" in mail.body


def test_sending_back_needs_a_comment(platform, officer, walidata) -> None:
    draft_id = submitted_draft(officer)

    walidata.post(f"/unggah/draf/{draft_id}/kembalikan", data={"csrf_token": walidata.token, "komentar": " "})

    assert "Tulis alasan pengembalian" in walidata.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    with platform.database.session() as session:
        assert session.get(Draft, draft_id).status.value == "diajukan"


def test_a_submitted_draft_cannot_be_changed_by_the_officer(platform, officer) -> None:
    draft_id = submitted_draft(officer)
    with platform.database.session() as session:
        file_id = session.scalar(select(DraftFile.id).where(DraftFile.draft_id == draft_id))

    upload(officer, draft_id, "penduduk-unggahan.csv", MESSY_CSV.encode(), ganti=str(file_id))

    assert "sedang ditinjau" in officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    with platform.database.session() as session:
        assert len(session.scalars(select(FileVersion)).all()) == 1


def test_a_draft_that_could_not_be_published_goes_back_to_the_walidata(platform, officer, walidata) -> None:
    from ppid.pipeline.runner import start_run

    draft_id = submitted_draft(officer)
    start_run(platform, "cli")  # a harvest is running: the pipeline refuses a second run at once

    walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token})

    page = walidata.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    assert "belum dapat diterbitkan" in page and "Setujui dan terbitkan" in page
    with platform.database.session() as session:
        assert session.get(Draft, draft_id).status.value == "diajukan"
        kinds = [e.kind.value for e in session.scalars(select(DraftEvent).where(DraftEvent.draft_id == draft_id))]
        assert kinds[-2:] == ["disetujui", "gagal_terbit"]
