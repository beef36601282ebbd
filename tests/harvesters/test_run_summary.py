"""The harvest run tells the whole truth, one line per file, and its exit code says whether anything needs fixing.

0: everything offered is valid and published; 1: the data has problems (a file invalid or failed, a source
unreachable); 2: the command or its settings are wrong (see tests/foundation/test_settings.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from ppid.pipeline.models import HarvestRun, ItemOutcome, RunStatus
from ppid.pipeline.runner import run_harvest

from .conftest import POPULATION_CSV, REPO, Route, events, tracked_files

PPID = str(Path(sys.executable).parent / "ppid")
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Masuk</title></head><body>Silakan masuk dulu.</body></html>"
INVALID_CSV = (REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2022.csv").read_bytes()
TABLE_RULES = """
        rules:
          - match: "*penduduk*"
            schema: jumlah_penduduk
            dataset: {title: Jumlah Penduduk}
"""


def ppid(*args: str, platform) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")}
    settings = platform.settings
    env |= {"PPID_HOME": str(settings.home), "PPID_DATABASE_URL": settings.database_url,
            "PPID_CONFIG_DIR": str(settings.config_dir), "PPID_SCHEMAS_DIR": str(settings.schemas_dir),
            "PPID_SECRET_KEY": "test-secret", "PPID_CATALOGUE_API_TOKEN": "test-catalogue-token", "COLUMNS": "80"}
    return subprocess.run([PPID, "harvest", *args], env=env, capture_output=True, text=True, timeout=300)


def http_source(*urls: str) -> str:
    listed = ", ".join(f"'{url}'" for url in urls)
    return f"      - kind: http\n        name: situs\n        retries: 0\n        urls: [{listed}]\n" + TABLE_RULES


def folder_source(path: Path) -> str:
    return f"      - kind: folder\n        name: berkas\n        path: {path}\n" + TABLE_RULES


def lines_about(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if name in line]


# -- a file that fails ----------------------------------------------------------------------------------------------


def test_a_failed_file_is_one_line_with_its_cause_and_its_traceback_goes_to_the_log_file(web, open_platform) -> None:
    web.routes["/penduduk-2024.xls"] = Route(HTML_PAGE, content_type="application/vnd.ms-excel", etag='"h1"')
    platform = open_platform(http_source(f"{web.url}/penduduk-2024.xls"))

    result = ppid(platform=platform)

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    failed = lines_about(result.stdout, "penduduk-2024.xls")
    assert len(failed) == 1, result.stdout
    assert failed[0].startswith("gagal disdukcapil/situs ")
    assert "halaman web (HTML)" in failed[0]
    log = platform.settings.home / "logs" / "harvest.log"
    assert f"Rincian setiap kegagalan ada di {log}." in result.stdout.splitlines()
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_failed_file_is_not_fetched_again_until_it_changes_yet_every_run_reports_it(web, open_platform) -> None:
    url = f"{web.url}/penduduk-2024.xls"
    web.routes["/penduduk-2024.xls"] = Route(HTML_PAGE, content_type="application/vnd.ms-excel", etag='"h1"')
    platform = open_platform(http_source(url))
    first = run_harvest(platform)
    transfers = web.downloads("/penduduk-2024.xls")

    second = run_harvest(platform)

    assert web.downloads("/penduduk-2024.xls") == transfers, "asked with If-None-Match and answered 304"
    assert web.requests[-1].headers.get("if-none-match") == '"h1"'
    assert events(platform, first)[url].outcome == ItemOutcome.FAILED
    again = events(platform, second)[url]
    assert again.outcome == ItemOutcome.FAILED
    assert "halaman web (HTML)" in again.message and "tidak diunduh atau dibaca ulang" in again.message

    web.routes["/penduduk-2024.xls"] = Route(POPULATION_CSV, content_type="text/csv", etag='"c2"')
    third = run_harvest(platform)

    assert events(platform, third)[url].outcome == ItemOutcome.NEW
    assert events(platform, run_harvest(platform))[url].outcome == ItemOutcome.UNCHANGED


def test_a_failed_file_without_validators_is_judged_by_its_size(web, open_platform) -> None:
    url = f"{web.url}/penduduk-2024.xls"
    web.routes["/penduduk-2024.xls"] = Route(HTML_PAGE, content_type="application/vnd.ms-excel")
    platform = open_platform(http_source(url))
    run_harvest(platform)

    second = run_harvest(platform)

    message = events(platform, second)[url].message
    assert "tidak diunduh atau dibaca ulang" in message
    assert " WIB" in message and "UTC" not in message  # the time of the first failure, in the pemda's zone
    web.routes["/penduduk-2024.xls"] = Route(POPULATION_CSV, content_type="text/csv")
    assert events(platform, run_harvest(platform))[url].outcome == ItemOutcome.NEW


def test_a_dropped_connection_is_not_remembered_as_a_failure_of_the_file(web, open_platform) -> None:
    url = f"{web.url}/penduduk-2024.csv"
    web.routes["/penduduk-2024.csv"] = Route(POPULATION_CSV, content_type="text/csv", etag='"p1"', send_only=100)
    platform = open_platform(http_source(url))
    assert events(platform, run_harvest(platform))[url].outcome == ItemOutcome.FAILED

    web.routes["/penduduk-2024.csv"].send_only = None

    assert events(platform, run_harvest(platform))[url].outcome == ItemOutcome.NEW


def test_a_dry_run_does_not_call_a_file_that_failed_before_and_is_unchanged_new(web, open_platform) -> None:
    web.routes["/penduduk-2024.xls"] = Route(HTML_PAGE, content_type="application/vnd.ms-excel", etag='"h1"')
    platform = open_platform(http_source(f"{web.url}/penduduk-2024.xls"))
    run_harvest(platform)

    result = ppid("--dry-run", platform=platform)

    assert result.returncode == 1
    planned = lines_about(result.stdout, "penduduk-2024.xls")
    assert planned and "baru" not in result.stdout.split("penduduk-2024.xls", 1)[1]
    assert "gagal: 1" in result.stdout


# -- files no rule matches, files still invalid ---------------------------------------------------------------------


def test_files_no_rule_matches_are_listed_in_every_runs_summary(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    (folder / "catatan rapat.txt").write_text("tidak ada aturan untuk berkas ini")
    platform = open_platform(folder_source(folder))

    for _run in range(2):
        result = ppid(platform=platform)

        assert result.returncode == 0, result.stdout
        listed = lines_about(result.stdout, "catatan rapat.txt")
        assert len(listed) == 1 and listed[0].startswith("tanpa aturan (diabaikan)")


def test_files_still_invalid_are_counted_as_invalid_on_every_run_and_the_run_exits_1(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    (folder / "penduduk-2022.csv").write_bytes(INVALID_CSV)
    platform = open_platform(folder_source(folder))

    first, second = ppid(platform=platform), ppid(platform=platform)

    for result in (first, second):
        assert result.returncode == 1
        invalid = lines_about(result.stdout, "penduduk-2022.csv")
        assert len(invalid) == 1 and invalid[0].startswith("tidak valid") and "kesalahan" in invalid[0]
    with platform.database.session() as session:
        last = session.query(HarvestRun).order_by(HarvestRun.id.desc()).first()
        assert last.counts == {"invalid": 1, "unchanged": 1}


def test_a_dry_run_counts_files_still_invalid_as_invalid_with_their_first_error(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    (folder / "penduduk-2022.csv").write_bytes(INVALID_CSV)
    platform = open_platform(folder_source(folder))
    ppid(platform=platform)

    result = ppid("--dry-run", platform=platform)

    assert result.returncode == 1
    assert "tidak valid: 1" in result.stdout and "tidak berubah: 1" in result.stdout
    assert "kesalahan" in result.stdout  # its first error, as the run reports it


# -- for cron ------------------------------------------------------------------------------------------------------


def test_quiet_prints_nothing_when_all_is_well_and_only_the_problems_otherwise(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    platform = open_platform(folder_source(folder))

    quiet = ppid("--quiet", platform=platform)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")

    (folder / "penduduk-2022.csv").write_bytes(INVALID_CSV)
    quiet = ppid("--quiet", platform=platform)

    assert quiet.returncode == 1
    lines = quiet.stdout.splitlines()
    assert lines[0].startswith("Pemanenan #2: ") and "tidak valid: 1" in lines[0]
    assert len(lines) == 2 and lines[1].startswith("tidak valid disdukcapil/berkas penduduk-2022.csv: ")


def test_json_gives_programs_the_counts_every_file_that_needs_attention_and_the_exit_code(
    open_platform, tmp_path
) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    (folder / "penduduk-2022.csv").write_bytes(INVALID_CSV)
    (folder / "baca saya.txt").write_text("-")
    platform = open_platform(folder_source(folder))

    result = ppid("--json", platform=platform)

    summary = json.loads(result.stdout)
    assert result.returncode == summary["exit_code"] == 1
    assert summary["status"] == RunStatus.FINISHED.value
    assert summary["counts"] == {"new": 1, "invalid": 1, "no-rule": 1}
    assert {(f["key"], f["outcome"]) for f in summary["files"]} == {
        ("penduduk-2024.csv", "new"), ("penduduk-2022.csv", "invalid"), ("baca saya.txt", "no-rule")
    }


# -- folder sources verify content hashes ----------------------------------------------------------------------------


def edit_keeping_size_and_time(path: Path) -> None:
    """What ``rsync -t`` or ``touch -r`` leaves: other bytes, the same size, the same modification time."""
    kept = path.stat()
    content = path.read_bytes()
    swapped = content.replace(b"Cariu,153677,149621", b"Cariu,149621,153677")  # men and women, still adding up
    assert swapped != content
    path.write_bytes(swapped)
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert path.stat().st_size == kept.st_size and path.stat().st_mtime_ns == kept.st_mtime_ns


def test_verify_finds_a_same_size_edit_whose_time_was_kept(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    platform = open_platform(folder_source(folder))
    run_harvest(platform)
    published = tracked_files(platform)["penduduk-2024.csv"].sha256
    edit_keeping_size_and_time(folder / "penduduk-2024.csv")

    by_fingerprint = run_harvest(platform)
    verified = run_harvest(platform, verify=True)

    assert events(platform, by_fingerprint)["penduduk-2024.csv"].outcome == ItemOutcome.UNCHANGED
    assert events(platform, verified)["penduduk-2024.csv"].outcome == ItemOutcome.UPDATED
    tracked = tracked_files(platform)["penduduk-2024.csv"]
    assert tracked.sha256 != published
    assert tracked.published_sha256 == tracked.sha256


def test_the_command_verifies_with_verify_and_the_dry_run_sees_the_edit_too(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    platform = open_platform(folder_source(folder))
    run_harvest(platform)
    edit_keeping_size_and_time(folder / "penduduk-2024.csv")

    assert "berubah: 1" in ppid("--dry-run", "--verify", platform=platform).stdout
    result = ppid("--verify", platform=platform)

    assert result.returncode == 0
    assert "(isi setiap berkas diperiksa)" in result.stdout
    assert events(platform, 2)["penduduk-2024.csv"].outcome == ItemOutcome.UPDATED


def test_every_nth_run_hashes_every_folder_file(open_platform, tmp_path) -> None:
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    platform = open_platform(folder_source(folder))
    platform.settings = replace(platform.settings, defaults={**platform.settings.defaults,
                                                             "harvest": {"verify_every_runs": 3}})
    run_harvest(platform)
    edit_keeping_size_and_time(folder / "penduduk-2024.csv")

    second, third, fourth = run_harvest(platform), run_harvest(platform), run_harvest(platform)

    assert events(platform, second)["penduduk-2024.csv"].outcome == ItemOutcome.UNCHANGED
    assert events(platform, third)["penduduk-2024.csv"].outcome == ItemOutcome.UPDATED
    assert events(platform, fourth)["penduduk-2024.csv"].outcome == ItemOutcome.UNCHANGED
    with platform.database.session() as session:
        assert [run.verify for run in session.query(HarvestRun).order_by(HarvestRun.id)] == [False, False, True, False]
