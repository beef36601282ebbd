"""The s3 kind against moto's S3 server over HTTP: listed under a prefix, fingerprinted by ETag, streamed."""

from __future__ import annotations

import uuid

import boto3
import pytest

from ppid.pipeline.models import FileState, ItemOutcome
from ppid.pipeline.runner import run_harvest

from .conftest import PDF, POPULATION_CSV, POPULATION_RULES, catalogue_package, events, tracked_files

pytestmark = pytest.mark.s3


@pytest.fixture
def bucket(moto_endpoint: str, aws_credentials: None) -> str:
    name = f"ppid-panen-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=moto_endpoint)
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="disdukcapil/2024/penduduk-2024.csv", Body=POPULATION_CSV)
    client.put_object(Bucket=name, Key="disdukcapil/profil.pdf", Body=PDF)
    client.put_object(Bucket=name, Key="disdukcapil/.tersembunyi/catatan.pdf", Body=PDF)
    client.put_object(Bucket=name, Key="lain/penduduk-lain.csv", Body=POPULATION_CSV)
    return name


def s3_source(bucket: str, endpoint: str) -> str:
    return (
        f"      - kind: s3\n        name: bucket\n        bucket: {bucket}\n        prefix: disdukcapil\n"
        f"        endpoint_url: {endpoint}\n        retries: 1\n        timeout: 5\n" + POPULATION_RULES
    )


def test_objects_under_the_prefix_are_harvested_and_published(bucket, moto_endpoint, open_platform) -> None:
    platform = open_platform(s3_source(bucket, moto_endpoint))

    run_id = run_harvest(platform)

    outcomes = {key: event.outcome for key, event in events(platform, run_id).items()}
    assert outcomes == {"2024/penduduk-2024.csv": ItemOutcome.NEW, "profil.pdf": ItemOutcome.NEW}
    files = tracked_files(platform)
    assert files["2024/penduduk-2024.csv"].state == FileState.VALID
    assert files["2024/penduduk-2024.csv"].fingerprint.startswith('etag:"')
    resources = catalogue_package(platform, "disdukcapil-jumlah-penduduk")["resources"]
    assert [resource["name"] for resource in resources] == ["penduduk-2024.csv"]


def test_an_unchanged_etag_skips_the_object_and_a_new_one_is_fetched(bucket, moto_endpoint, open_platform) -> None:
    platform = open_platform(s3_source(bucket, moto_endpoint))
    run_harvest(platform)
    boto3.client("s3", endpoint_url=moto_endpoint).put_object(
        Bucket=bucket, Key="disdukcapil/profil.pdf", Body=PDF + b"% revisi\n"
    )

    second = run_harvest(platform)

    outcomes = {key: event.outcome for key, event in events(platform, second).items()}
    assert outcomes == {"2024/penduduk-2024.csv": ItemOutcome.UNCHANGED, "profil.pdf": ItemOutcome.UPDATED}


def test_a_missing_bucket_fails_the_source_with_its_name(moto_endpoint, aws_credentials, open_platform) -> None:
    platform = open_platform(s3_source("ember-yang-tidak-ada", moto_endpoint))

    run_id = run_harvest(platform)

    event = events(platform, run_id)[None]
    assert event.outcome == ItemOutcome.SOURCE_FAILED
    assert "ember-yang-tidak-ada" in event.message and "NoSuchBucket" in event.message
