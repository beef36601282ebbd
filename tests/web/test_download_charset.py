"""The original file is served as it was received, labelled with its true character set.

The sample region's population table for 2023 is a Windows-1252 export (its title row has an en dash, byte
0x96): labelled UTF-8, a browser shows it as ``�``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples/kabupaten-contoh"


def published(platform, name: str) -> TrackedFile:
    with platform.database.session() as session:
        return session.scalar(select(TrackedFile).where(TrackedFile.name == name))


def test_a_windows_1252_csv_is_served_as_windows_1252_byte_for_byte(platform, client) -> None:
    run_harvest(platform)
    original = (EXAMPLES / "disdukcapil/penduduk-2023.csv").read_bytes()
    tracked = published(platform, "penduduk-2023.csv")

    response = client.get(f"/unduh/{tracked.id}/{tracked.name}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=windows-1252"
    assert response.data == original
    assert "KABUPATEN CONTOH – SEMESTER II" in response.data.decode(response.mimetype_params["charset"])


def test_a_utf8_csv_stays_utf8(platform, client) -> None:
    run_harvest(platform)
    tracked = published(platform, "penduduk-2024.csv")

    response = client.get(f"/unduh/{tracked.id}/{tracked.name}")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
