"""On S3, chunked uploads are S3 multipart uploads, resumed from the parts the bucket already holds."""

from __future__ import annotations

import hashlib

import boto3
import pytest
from sqlalchemy import select

from ppid.uploader.models import FileVersion

from .test_uploads import MiB, big_table, chunked_upload, send_missing_parts

pytestmark = pytest.mark.s3


@pytest.fixture
def environ(s3_environ):
    return s3_environ


def test_a_chunked_upload_to_s3_is_a_resumed_multipart_upload(platform, officer, moto_endpoint) -> None:
    from .helpers import new_draft

    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    bucket = platform.settings.storage_url.removeprefix("s3://").split("/")[0]
    draft_id = new_draft(officer)
    content = big_table(20 * MiB)

    session = chunked_upload(officer, draft_id, content, drop=2)
    [pending] = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    held = s3.list_parts(Bucket=bucket, Key=pending["Key"], UploadId=pending["UploadId"])["Parts"]
    assert [part["PartNumber"] for part in held] == [1]

    assert send_missing_parts(officer, session, content) == [2, 3]
    assert officer.post(session["finish_url"], headers={"X-CSRFToken": officer.token}).status_code == 200

    with platform.database.session() as db:
        version = db.scalar(select(FileVersion))
    stored = s3.head_object(Bucket=bucket, Key=f"ppid/{version.storage_key}")
    assert stored["ETag"].strip('"').endswith("-3")
    assert stored["ContentLength"] == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
