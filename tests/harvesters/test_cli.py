"""``ppid harvest --dry-run`` and ``--source``: what would be harvested, and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from ppid.pipeline.models import HarvestRun, RunEvent, TrackedFile, ValidationRecord
from ppid.pipeline.runner import run_harvest

from .conftest import PDF, POPULATION_CSV, POPULATION_RULES, Route

PPID = str(Path(sys.executable).parent / "ppid")


def ppid(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | env
    full_env |= {"COLUMNS": "200"}
    return subprocess.run([PPID, *args], env=full_env, capture_output=True, text=True, timeout=120)


def row_counts(platform) -> dict[str, int]:
    with platform.database.session() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (HarvestRun, RunEvent, TrackedFile, ValidationRecord)
        }


def two_folders(tmp_path: Path) -> tuple[str, Path, Path]:
    first, second = tmp_path / "data-a", tmp_path / "data-b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    (first / "profil.pdf").write_bytes(PDF)
    (first / "catatan.txt").write_text("tidak ada aturan untuk berkas ini")
    sources = "".join(
        f"      - kind: folder\n        name: {name}\n        path: {path}\n" + POPULATION_RULES
        for name, path in (("folder-a", first), ("folder-b", second))
    )
    return sources, first, second


def test_a_dry_run_lists_new_files_and_writes_nothing(environ, open_platform, tmp_path) -> None:
    sources, _first, _second = two_folders(tmp_path)
    platform = open_platform(sources)
    env = environ | {"PPID_CONFIG_DIR": str(platform.settings.config_dir)}
    before = row_counts(platform)

    result = ppid("harvest", "--dry-run", env=env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("folder-a" in line and "profil.pdf" in line and "baru" in line for line in lines)
    assert any("catatan.txt" in line and "tanpa aturan" in line for line in lines)
    assert "baru: 3" in result.stdout
    assert row_counts(platform) == before
    assert not (platform.settings.home / "storage" / "berkas").exists()


def test_a_dry_run_after_a_harvest_tells_changed_from_unchanged_by_fingerprint_and_hash(
    environ, open_platform, tmp_path
) -> None:
    sources, first, _second = two_folders(tmp_path)
    platform = open_platform(sources)
    run_harvest(platform)
    (first / "profil.pdf").write_bytes(PDF + b"% revisi\n")
    csv = first / "penduduk-2024.csv"
    os.utime(csv, ns=(csv.stat().st_atime_ns, csv.stat().st_mtime_ns + 10**9))  # touched, same bytes
    env = environ | {"PPID_CONFIG_DIR": str(platform.settings.config_dir)}
    before = row_counts(platform)

    result = ppid("harvest", "--dry-run", "--source", "folder-a", env=env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("profil.pdf" in line and "berubah" in line and "tidak" not in line for line in lines)
    assert any("penduduk-2024.csv" in line and "tidak berubah" in line for line in lines)
    assert "folder-b" not in result.stdout
    assert row_counts(platform) == before


def test_an_unknown_source_name_is_one_sentence(environ, open_platform, tmp_path) -> None:
    sources, _first, _second = two_folders(tmp_path)
    platform = open_platform(sources)
    env = environ | {"PPID_CONFIG_DIR": str(platform.settings.config_dir)}

    result = ppid("harvest", "--inline", "--source", "folder-z", env=env)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Kesalahan konfigurasi: Sumber tidak ada di registri (untuk dinas yang dipilih): folder-z."
    ]


def test_harvesting_one_source_leaves_the_others_alone(open_platform, tmp_path) -> None:
    sources, _first, _second = two_folders(tmp_path)
    platform = open_platform(sources)

    run_harvest(platform, source_names=["disdukcapil/folder-b"])

    with platform.database.session() as session:
        assert set(session.scalars(select(TrackedFile.source_id))) == {"disdukcapil/folder-b"}


def test_a_dry_run_reports_a_file_the_server_will_not_give(environ, web, open_platform) -> None:
    web.routes["/laporan.xlsx"] = Route(b"<!doctype html><title>Masuk</title>", content_type="text/html")
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv")
    urls = f"['{web.url}/laporan.xlsx', '{web.url}/penduduk.csv']"
    source = f"      - kind: http\n        name: situs\n        urls: {urls}\n"
    platform = open_platform(source + POPULATION_RULES)
    env = environ | {"PPID_CONFIG_DIR": str(platform.settings.config_dir)}

    result = ppid("harvest", "--dry-run", env=env)

    assert result.returncode == 1
    assert "baru: 1, gagal: 1" in result.stdout
    assert "halaman web (HTML)" in result.stdout
    assert row_counts(platform)["TrackedFile"] == 0
