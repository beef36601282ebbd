"""Files in an S3 bucket under a prefix (AWS, MinIO, Ceph): listed by key, fingerprinted by ETag, streamed.

Credentials come from boto3's usual sources (environment, instance role, ``~/.aws``), never from
the registry, so ``config/dinas.yaml`` can be shared without secrets.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
)
from marshmallow import Schema, fields, validate

from harvesters.base import Item, ItemError, Source, SourceError
from ppid.i18n import _


class S3SourceOptions(Schema):
    bucket = fields.String(required=True, validate=validate.Length(min=3))
    prefix = fields.String(load_default="")
    endpoint_url = fields.Url(schemes={"http", "https"}, require_tld=False, load_default=None)
    region = fields.String(load_default=None)
    anonymous = fields.Boolean(load_default=False, metadata={"description": "public bucket: send no credentials"})
    timeout = fields.Float(load_default=30.0, validate=validate.Range(min=0.1))
    retries = fields.Integer(load_default=3, validate=validate.Range(min=0, max=10))


class S3Source(Source):
    kind = "s3"
    Options = S3SourceOptions

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        client = self._client()
        bucket = self.options["bucket"]
        prefix = self.options.get("prefix") or ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        try:
            pages = list(client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix))
        except (BotoCoreError, ClientError) as error:
            raise SourceError(
                _("bucket S3 %(bucket)s tidak dapat dibaca: %(reason)s", bucket=bucket, reason=_reason(error))
            ) from error
        for page in pages:
            for entry in page.get("Contents", []):
                key = entry["Key"][len(prefix) :]
                if not key or key.endswith("/") or any(part.startswith(".") for part in key.split("/")):
                    continue
                yield Item(
                    key=key,
                    name=key.rsplit("/", 1)[-1],
                    opener=functools.partial(_open, client, bucket, entry["Key"]),
                    size=entry.get("Size"),
                    modified=entry.get("LastModified"),
                    fingerprint=f"etag:{entry['ETag']}" if entry.get("ETag") else None,
                )

    def _client(self) -> Any:
        config = Config(
            connect_timeout=self.options.get("timeout", 30.0),
            read_timeout=self.options.get("timeout", 30.0),
            retries={"max_attempts": self.options.get("retries", 3) + 1, "mode": "standard"},
            signature_version=UNSIGNED if self.options.get("anonymous") else None,
        )
        return boto3.session.Session().client(
            "s3", endpoint_url=self.options.get("endpoint_url"), region_name=self.options.get("region"), config=config
        )


def _open(client: Any, bucket: str, key: str) -> BinaryIO:
    try:
        return client.get_object(Bucket=bucket, Key=key)["Body"]
    except (BotoCoreError, ClientError) as error:
        message = _("objek S3 %(key)s tidak dapat dibaca: %(reason)s", key=key, reason=_reason(error))
        raise ItemError(message, transient=True) from error


def _reason(error: Exception) -> str:
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError):
        return _("server tidak dapat dihubungi")
    if isinstance(error, NoCredentialsError):
        return _("kredensial S3 tidak ditemukan (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY atau peran instans)")
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") or type(error).__name__
    return type(error).__name__
