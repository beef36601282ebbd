"""The portal over S3 storage (a real moto server): downloads redirect to a presigned URL, previews read S3."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from ppid.app import create_app
from ppid.config import load_settings
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform

pytestmark = pytest.mark.s3
POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
ORIGINAL = Path(__file__).resolve().parents[2] / "examples/kabupaten-contoh/disdukcapil/penduduk-2024.csv"


def test_a_download_redirects_to_s3_and_the_preview_reads_from_it(
    environ: dict[str, str], bucket: str, moto_endpoint: str
) -> None:
    on_s3 = {"PPID_STORAGE_URL": f"s3://{bucket}/ppid", "PPID_S3_ENDPOINT_URL": moto_endpoint}
    platform = Platform.open(load_settings(environ=environ | on_s3))
    run_harvest(platform)
    client = create_app(platform=platform).test_client()
    with platform.database.session() as session:
        tracked = session.scalar(
            select(TrackedFile).where(TrackedFile.dataset_name == POPULATION, TrackedFile.name == ORIGINAL.name)
        )
        download = f"/unduh/{tracked.id}/{tracked.name}"

    response = client.get(download)
    page = client.get(f"/dataset/{POPULATION}").get_data(as_text=True)

    assert response.status_code == 302
    assert response.location.startswith(moto_endpoint)
    fetched = requests.get(response.location, timeout=30)
    assert fetched.content == ORIGINAL.read_bytes()
    assert "attachment" in fetched.headers["Content-Disposition"]
    assert "<td>Cibinong</td>" in page
    platform.close()


def test_a_presigned_download_carries_the_true_character_set(
    environ: dict[str, str], bucket: str, moto_endpoint: str
) -> None:
    on_s3 = {"PPID_STORAGE_URL": f"s3://{bucket}/ppid", "PPID_S3_ENDPOINT_URL": moto_endpoint}
    platform = Platform.open(load_settings(environ=environ | on_s3))
    run_harvest(platform)
    client = create_app(platform=platform).test_client()
    with platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "penduduk-2023.csv"))
        download = f"/unduh/{tracked.id}/{tracked.name}"

    fetched = requests.get(client.get(download).location, timeout=30)

    assert fetched.headers["Content-Type"] == "text/csv; charset=windows-1252"
    assert fetched.content == (ORIGINAL.parent / "penduduk-2023.csv").read_bytes()
    platform.close()
