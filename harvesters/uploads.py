"""Files officers uploaded and the walidata approved: the uploader's way into the one pipeline.

The uploader builds this source for one approved draft; the pipeline then treats its files exactly
like harvested ones (hash, store, validate, publish). It reads the bytes from the platform's storage,
where the upload put them, and knows nothing of Flask or the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from marshmallow import Schema, fields

from harvesters.base import Item, Source
from ppid.storage import open_storage


class UploadedFileOptions(Schema):
    key = fields.String(required=True, metadata={"description": "The file's stable key within the draft"})
    name = fields.String(required=True)
    storage_key = fields.String(required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)


class UploadOptions(Schema):
    storage_url = fields.String(required=True)
    s3_endpoint_url = fields.String(load_default=None)
    files = fields.List(fields.Nested(UploadedFileOptions), required=True)


class UploadSource(Source):
    kind = "unggahan"
    Options = UploadOptions

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        storage = open_storage(self.options["storage_url"], self.options.get("s3_endpoint_url"))
        for uploaded in self.options["files"]:
            yield Item(
                key=uploaded["key"],
                name=uploaded["name"],
                opener=lambda key=uploaded["storage_key"]: storage.open(key),
                size=uploaded["size"],
                fingerprint=f"sha256:{uploaded['sha256']}",
            )
