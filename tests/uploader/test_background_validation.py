"""With workers configured, large uploads are validated on a worker while the officer follows the check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ppid.uploader.models import FileVersion

from .helpers import MESSY_CSV, new_draft, upload

REDIS_URL = os.environ.get("PPID_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="PPID_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/5)"),
]


@pytest.fixture
def environ(environ):
    return environ | {"PPID_REDIS_URL": REDIS_URL}


def test_a_large_upload_is_validated_by_the_worker(platform, environ, officer) -> None:
    platform.jobs.queue().empty()
    platform.settings.defaults["uploader"] = {"background_validation_from_mb": 0,  # every file counts as large
                                              "report_wait_seconds": 0.5}
    draft_id = new_draft(officer)

    uploaded = upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())
    waiting = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    queued = officer.get(f"/unggah/draf/{draft_id}/pemeriksaan.json").get_json()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ
    worker = subprocess.run([str(Path(sys.executable).parent / "ppid"), "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=300)
    done = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)

    assert uploaded.headers["Location"].endswith(f"/unggah/draf/{draft_id}/pemeriksaan")
    assert "Sedang diperiksa" in waiting and 'http-equiv="refresh"' in waiting
    assert [file["message"] for file in queued["files"]] == ["Menunggu giliran pemeriksaan…"]
    assert worker.returncode == 0, worker.stderr
    with platform.database.session() as session:
        version = session.scalar(select(FileVersion))
        assert version.state.value == "invalid" and version.report_id is not None
    assert "Perlu diperbaiki" in done and "Lihat laporan validasi" in done
    assert officer.get(f"/unggah/draf/{draft_id}/pemeriksaan.json").get_json()["done"] is True
