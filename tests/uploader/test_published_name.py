"""After the walidata approves a draft whose file was corrected under another name, every officer page names the
file that was published (as the catalogue does), never the first, invalid upload, and a report names it once."""

from __future__ import annotations

import re

from sqlalchemy import select

from ppid.pipeline.models import HarvestRun, TrackedFile
from ppid.uploader import checking
from ppid.uploader.models import DraftFile

from .helpers import GOOD_CSV, MESSY_CSV, new_draft, upload

FIRST, CORRECTED = "penduduk-messy.csv", "penduduk-fixed.csv"


def published_after_a_correction(platform, officer, walidata) -> tuple[int, int]:
    """The officer uploads an invalid file, replaces it by a corrected one under another name, and the walidata
    approves; returns the harvest run that published it and the published file's report."""
    draft_id = new_draft(officer)
    upload(officer, draft_id, FIRST, MESSY_CSV.encode())
    assert checking.idle(timeout=60)
    with platform.database.session() as session:
        file_id = session.scalar(select(DraftFile.id).where(DraftFile.draft_id == draft_id))
    upload(officer, draft_id, CORRECTED, GOOD_CSV.encode(), ganti=str(file_id))
    assert checking.idle(timeout=60)
    assert officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token}).status_code == 302
    assert walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token}).status_code == 302
    with platform.database.session() as session:
        run_id = session.scalar(select(HarvestRun.id).order_by(HarvestRun.id.desc()))
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.source_id == f"disdukcapil/unggahan-{draft_id}"))
        return run_id, tracked.report_id


def test_the_harvest_run_names_the_published_file(platform, client, officer, walidata) -> None:
    run_id, _report_id = published_after_a_correction(platform, officer, walidata)

    run = walidata.get(f"/admin/pemanenan/{run_id}").get_data(as_text=True)

    assert CORRECTED in run and FIRST not in run
    package = client.get("/api/3/action/package_show?id=disdukcapil-penduduk-hasil-unggahan").json["result"]
    assert [resource["name"] for resource in package["resources"]] == [CORRECTED]


def test_the_dinas_file_table_names_the_published_file(platform, officer, walidata) -> None:
    published_after_a_correction(platform, officer, walidata)

    desk = officer.get("/unggah/").get_data(as_text=True)
    files = desk[desk.index("Berkas dinas"):]

    assert CORRECTED in files and FIRST not in files


def test_the_report_heading_names_the_published_file_once(platform, officer, walidata) -> None:
    _run_id, report_id = published_after_a_correction(platform, officer, walidata)

    report = officer.get(f"/laporan/{report_id}").get_data(as_text=True)
    heading = report[report.index("<h1>"):report.index("skema")]

    assert re.findall(r"<strong>([^<]+)</strong>", heading) == [CORRECTED]
