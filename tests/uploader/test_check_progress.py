"""An upload is stored at once and checked in the background. A file checked within the wait goes straight to
its report; a longer check shows how far it has come (a page that reloads itself, or JSON for uploader.js) to
the officers of its dinas only; a check cut short by a server that died is finished once when the server
starts again; a check that crashes says why in Indonesian, keeps the file, and can be run again."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import func, select

from ppid.pipeline.models import ValidationRecord
from ppid.uploader import checking
from ppid.uploader.models import DraftEvent, DraftEventKind, FileVersion, VersionState

from .helpers import GOOD_CSV, MESSY_CSV, METADATA, PASSWORD, new_draft, population_table, upload

ROWS = 120_000
"""Long enough to be seen half-way with the row-by-row engine (about 8 s); see ``row_by_row``."""
PROGRESS_TEXT = re.compile(r"Memeriksa baris \d{1,3}(\.\d{3})+ … \d+ kesalahan sejauh ini")


def wait_for_report(platform, seconds: float) -> None:
    platform.settings.defaults["uploader"]["report_wait_seconds"] = seconds


def row_by_row(platform) -> None:
    """Have frictionless's row stream read the rows (``validation.engine: frictionless``; the report is the same).

    The columnar engine checks these tables in a fraction of a second, too fast to watch half-way or to
    interrupt; the row stream reports every 10,000 rows for seconds.
    """
    platform.settings.defaults["validation"]["engine"] = "frictionless"


def row_by_row_server(environ: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """``row_by_row`` for a ``ppid serve`` process: its own copy of config/ with the setting changed."""
    config = tmp_path / "config"
    shutil.copytree(environ["PPID_CONFIG_DIR"], config)
    defaults = config / "defaults.yaml"
    defaults.write_text(defaults.read_text().replace("  engine: auto\n", "  engine: frictionless\n"))
    assert "engine: frictionless" in defaults.read_text()
    return environ | {"PPID_CONFIG_DIR": str(config)}


def follow(client, draft_id: int, *, limit: float = 300) -> list[dict]:
    """Every answer of the progress JSON, polled as uploader.js does (faster), until the check is done."""
    answers = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        answers.append(client.get(f"/unggah/draf/{draft_id}/pemeriksaan.json").get_json())
        if answers[-1]["done"]:
            return answers
        time.sleep(0.03)
    raise AssertionError(f"the check did not end within {limit} s: {answers[-1]}")


def test_a_file_checked_within_the_wait_goes_straight_to_its_report(platform, officer) -> None:
    wait_for_report(platform, 30)
    draft_id = new_draft(officer)

    response = upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())
    page = officer.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/unggah/draf/{draft_id}")
    assert "Berkas diunggah dan diperiksa" in page
    assert "Perlu diperbaiki" in page and "Lihat laporan validasi" in page
    assert "Lihat kemajuan pemeriksaan" not in page


def test_a_long_check_shows_rows_read_and_errors_so_far_until_the_report(platform, officer, tmp_path: Path) -> None:
    table = tmp_path / "penduduk-per-kecamatan.csv"
    broken = population_table(table, ROWS)
    wait_for_report(platform, 0)
    row_by_row(platform)
    draft_id = new_draft(officer)

    response = upload(officer, draft_id, table.name, table.read_bytes())
    page = officer.get(f"/unggah/draf/{draft_id}/pemeriksaan").get_data(as_text=True)
    answers = follow(officer, draft_id)
    afterwards = officer.get(f"/unggah/draf/{draft_id}/pemeriksaan")
    draft_page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/unggah/draf/{draft_id}/pemeriksaan")
    # without JavaScript: a page that reloads itself, a labelled <progress>, the count read out politely
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert re.search(r'<label for="kemajuan-(\d+)">Kemajuan pemeriksaan</label><br>\s*<progress id="kemajuan-\1"', page)
    assert 'role="status" aria-live="polite"' in page and table.name in page
    # with JavaScript: the rows read only grow, and the officer reads them with the errors so far
    running = [file for answer in answers[:-1] for file in answer["files"]]
    rows = [file["rows"] for file in running]
    assert running and rows == sorted(rows) and rows[-1] > 0, rows
    assert any(PROGRESS_TEXT.fullmatch(file["message"]) for file in running), [f["message"] for f in running]
    assert answers[-1] == {"done": True, "redirect": f"/unggah/draf/{draft_id}", "files": []}
    # and then the report, as after any upload
    assert afterwards.status_code == 303 and afterwards.headers["Location"].endswith(f"/unggah/draf/{draft_id}")
    assert "Perlu diperbaiki" in draft_page and "Lihat laporan validasi" in draft_page
    with platform.database.session() as session:
        version = session.scalar(select(FileVersion))
        assert version.state == VersionState.INVALID
        assert version.report.error_count == broken
        assert version.report.report["rows_checked"] == ROWS
    assert not platform.storage.exists(checking.progress_key(version.id))


def test_the_progress_of_a_check_is_shown_to_its_dinas_only(app, platform, officer, other_officer, walidata) -> None:
    wait_for_report(platform, 0)
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())
    with platform.database.session() as session:
        file_id = session.scalar(select(FileVersion.file_id))
    pages = (f"/unggah/draf/{draft_id}/pemeriksaan", f"/unggah/draf/{draft_id}/pemeriksaan.json")
    recheck = f"/unggah/draf/{draft_id}/berkas/{file_id}/periksa-ulang"

    assert [other_officer.get(path).status_code for path in pages] == [404, 404]
    assert other_officer.post(recheck, data={"csrf_token": other_officer.token}).status_code == 404
    assert all(app.test_client().get(path).status_code in (302, 401) for path in pages)
    assert officer.post(recheck, data={}).status_code == 400  # no CSRF token
    checking.idle()
    assert [officer.get(path).status_code for path in pages] == [303, 200]
    assert walidata.get(pages[1]).get_json()["done"] is True  # the walidata reviews every dinas


def test_a_check_that_crashes_says_why_keeps_the_version_and_runs_again(platform, officer) -> None:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())
    with platform.database.session() as session:
        version = session.scalar(select(FileVersion))
        key, file_id = version.storage_key, version.file_id
    with platform.storage.open(key) as stored:
        content = stored.read()
    platform.storage.delete(key)  # the storage loses the file under the check's feet

    chosen = officer.post(f"/unggah/draf/{draft_id}/berkas/{file_id}/skema",
                          data={"csrf_token": officer.token, "skema": "penduduk_miskin"})
    failed_page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    platform.storage.put(key, io.BytesIO(content))
    again = officer.post(f"/unggah/draf/{draft_id}/berkas/{file_id}/periksa-ulang", data={"csrf_token": officer.token})
    checking.idle()

    assert chosen.status_code == 302
    assert "Gagal diperiksa" in failed_page and "Berkas tidak dapat diperiksa karena terjadi galat" in failed_page
    assert "tidak ada di penyimpanan" in failed_page and "Traceback" not in failed_page
    assert "Periksa ulang" in failed_page
    assert again.status_code == 302
    with platform.database.session() as session:
        version = session.scalar(select(FileVersion))
        assert version.number == 1 and version.state == VersionState.INVALID and version.report_id is not None
        assert version.error is None


# -- a server that dies half-way ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(environ: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ
    server = subprocess.Popen([str(Path(sys.executable).parent / "ppid"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=log.open("ab"))
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            requests.get(base + "/healthz", timeout=1)
            return server, base
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError(log.read_text())


def signed_in(base: str) -> tuple[requests.Session, str]:
    http = requests.Session()

    def token(path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', http.get(base + path).text).group(1)

    response = http.post(base + "/masuk", data={"username": "capil", "password": PASSWORD,
                                                "csrf_token": token("/masuk")}, allow_redirects=False)
    assert response.status_code == 302
    return http, token("/unggah/")


def test_a_check_cut_short_by_a_dying_server_is_finished_once_after_a_restart(
    platform, environ, accounts, tmp_path: Path
) -> None:
    table = tmp_path / "penduduk-per-kecamatan.csv"
    broken = population_table(table, 2 * ROWS)
    log = tmp_path / "server.log"
    environ = row_by_row_server(environ, tmp_path)
    first, base = start_server(environ, log)
    try:
        http, csrf = signed_in(base)
        created = http.post(base + "/unggah/draf/baru", data={**METADATA, "dinas": "disdukcapil", "dataset": "",
                                                               "csrf_token": csrf}, allow_redirects=False)
        draft_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        uploaded = http.post(f"{base}/unggah/draf/{draft_id}/berkas", allow_redirects=False,
                             data={"csrf_token": csrf}, files={"berkas": (table.name, table.read_bytes(), "text/csv")})
        for _attempt in range(3000):
            answer = http.get(f"{base}/unggah/draf/{draft_id}/pemeriksaan.json").json()
            if answer["done"] or any(file["rows"] > 0 for file in answer["files"]):
                break
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
    with platform.database.session() as session:
        half_done = session.scalar(select(FileVersion))
        assert half_done.state == VersionState.CHECKING, "the check ended before the server could be stopped"
        assert session.scalar(select(func.count()).select_from(ValidationRecord)) == 0

    second, base = start_server(environ, log)  # its start-up finds the check no process will finish
    try:
        for _attempt in range(3000):  # nobody looks at the progress page: the start-up alone does it
            with platform.database.session() as session:  # finished, and its progress file tidied after the commit
                if (session.get(FileVersion, half_done.id).state != VersionState.CHECKING
                        and not platform.storage.exists(checking.progress_key(half_done.id))):
                    break
            time.sleep(0.1)
    finally:
        second.terminate()
        second.wait(timeout=30)

    assert uploaded.status_code == 303 and uploaded.headers["Location"].endswith("/pemeriksaan")
    with platform.database.session() as session:
        version = session.scalar(select(FileVersion))
        records = session.scalars(select(ValidationRecord)).all()
        validated = session.scalars(select(DraftEvent).where(DraftEvent.kind == DraftEventKind.VALIDATED)).all()
        assert version.state == VersionState.INVALID, log.read_text()
        assert [record.id for record in records] == [version.report_id]
        assert records[0].error_count == broken
        assert len(validated) == 1
    assert not platform.storage.exists(checking.progress_key(version.id))
    assert "Traceback" not in log.read_text()



def test_the_uploader_reports_exactly_what_ppid_validate_reports(platform, officer, environ, tmp_path: Path) -> None:
    """One engine everywhere: the report an officer reads after an upload is the command line's, finding for finding."""
    table = tmp_path / "penduduk-per-kecamatan.csv"
    population_table(table, 30_000, broken_every=997)
    draft_id = new_draft(officer)
    upload(officer, draft_id, table.name, table.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ
    command = subprocess.run([str(Path(sys.executable).parent / "ppid"), "validate", str(table), "--schema",
                              "jumlah_penduduk", "--format", "json"], env=env, capture_output=True, text=True)

    with platform.database.session() as session:
        uploaded = session.scalar(select(FileVersion)).report
        assert uploaded.schema_name == "jumlah_penduduk"
        assert command.returncode == 1, command.stderr
        assert uploaded.report == json.loads(command.stdout)


def test_a_check_run_twice_at_once_leaves_one_result(platform, officer, tmp_path: Path) -> None:
    """Two processes may both take a check for abandoned (a heartbeat late on a loaded machine): the second result
    is dropped, so the version has one report and its record one "divalidasi" line."""
    table = tmp_path / "penduduk-per-kecamatan.csv"
    population_table(table, 30_000)
    wait_for_report(platform, 0)
    draft_id = new_draft(officer)
    upload(officer, draft_id, table.name, table.read_bytes())
    with platform.database.session() as session:
        version_id = session.scalar(select(FileVersion.id))

    checking.run(platform, version_id)  # a second server's run, beside the one the upload started
    checking.idle()

    with platform.database.session() as session:
        version = session.get(FileVersion, version_id)
        assert version.state == VersionState.INVALID
        assert session.scalars(select(ValidationRecord.id)).all() == [version.report_id]
        validated = session.scalars(select(DraftEvent).where(DraftEvent.kind == DraftEventKind.VALIDATED)).all()
        assert len(validated) == 1
    assert [answer["done"] for answer in follow(officer, draft_id)] == [True]
