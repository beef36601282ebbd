"""Source harvesters: one module per kind of place a dinas publishes files.

Kinds are looked up by name so that optional dependencies (boto3, ckanapi) load only when used.
"""

from __future__ import annotations

import importlib

from harvesters.base import Item, ItemError, Source, SourceError

KINDS: dict[str, str] = {
    "folder": "harvesters.folder:FolderSource",
    "http": "harvesters.http:HttpSource",
    "s3": "harvesters.s3:S3Source",
    "ckan": "harvesters.ckan:CkanSource",
    "dcat": "harvesters.dcat:DcatSource",
    "unggahan": "harvesters.uploads:UploadSource",
}

__all__ = ["KINDS", "Item", "ItemError", "Source", "SourceError", "source_class"]


def source_class(kind: str) -> type[Source]:
    module_name, class_name = KINDS[kind].split(":")
    return getattr(importlib.import_module(module_name), class_name)
