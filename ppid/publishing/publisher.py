"""Publishing datasets to the catalogue through the one client, idempotently.

The publisher reads what the catalogue holds (``package_show``) and writes only when that differs
from what it should hold, so an unchanged dataset costs no write call and a lost local state never
creates a duplicate: names are deterministic (see :mod:`ppid.pipeline.naming`). It is handed a
:class:`~ppid.publishing.mapping.DatasetDraft` of plain values and knows nothing of where they came from.

A catalogue with a DataStore (its resources report ``datastore_active``) gets each valid table's typed rows
when its resource's ``ppid_datastore_sha256`` differs from the typed copy's: the embedded catalogue reports
its own copies, so nothing is pushed there; a real CKAN is filled with ``datastore_create`` and
``datastore_upsert`` and then marked with ``resource_patch``, so a push cut short is redone by the next run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ckanapi import NotFound

from ppid.datastore.records import record_batches
from ppid.platform import Platform
from ppid.publishing.client import CatalogueClient, SizedStream, catalogue_client
from ppid.publishing.mapping import (
    DATASTORE_KEYS,
    CatalogueSettings,
    DatasetDraft,
    DatasetFile,
    DatastoreCopy,
    package_dict,
    same_package,
)
from ppid.registry import Dinas

TIMEOUT = {"timeout": 60}
#: Connect within 60 s; then wait up to an hour between bytes, as a large file is read and stored by the catalogue.
UPLOAD_TIMEOUT = {"timeout": (60, 3600)}
READ_ACTIONS = {"package_show", "organization_show", "status_show"}


class Publisher:
    def __init__(self, platform: Platform, ckan: CatalogueClient) -> None:
        self.platform = platform
        self.ckan = ckan
        self.calls: Counter[str] = Counter()
        self._organizations_done: set[str] = set()
        registry = platform.registry
        self.settings = CatalogueSettings(
            withdrawn=platform.settings.catalogue_withdrawn, region=registry.region, walidata=registry.walidata or {}
        )

    @property
    def write_calls(self) -> int:
        return sum(count for action, count in self.calls.items() if action not in READ_ACTIONS)

    def call(self, action: str, **data: Any) -> Any:
        self.calls[action] += 1
        return self.ckan.call_action(action, data, requests_kwargs=TIMEOUT)

    def publish(self, draft: DatasetDraft) -> None:
        """Bring one dataset in the catalogue in line with ``draft``; raises the client's errors."""
        desired = package_dict(draft, self.settings)
        current = self._show(draft.name)
        if current is None and not desired["resources"]:
            return  # nothing publishable yet (e.g. only invalid files): no empty dataset in the catalogue
        self.ensure_organization(draft.dinas)
        if desired["state"] == "deleted":
            if current is not None and current.get("state") != "deleted":
                self.call("package_delete", id=current["id"])
            return
        if self.platform.settings.catalogue_files == "upload":
            current = self._write_uploading(current, desired, {file.key: file for file in draft.files})
        elif current is None:
            current = self.call("package_create", **desired)
        elif not same_package(current, desired):
            current = self.call("package_update", id=current["id"], **_keeping_resources(current, desired))
        self._fill_datastore(current, draft.files)

    def _fill_datastore(self, package: dict[str, Any], files: list[DatasetFile]) -> None:
        """Push the typed rows of every table whose resource in a DataStore-enabled catalogue holds other rows."""
        copies = {file.key: file.datastore for file in files if file.datastore is not None}
        for resource in package.get("resources", []):
            copy = copies.get(resource.get("ppid_key"))
            if copy is None or "datastore_active" not in resource:
                continue
            if resource.get("ppid_datastore_sha256") != copy.rows_sha256:
                self._push_rows(resource, copy)

    def _push_rows(self, resource: dict[str, Any], copy: DatastoreCopy) -> None:
        """Replace the resource's DataStore table by the typed copy, then mark the resource with its digest.

        An existing table is dropped first: its rows are of another version (or of a push cut short), and a
        dropped table keeps no stale column or key. Until ``resource_patch`` the digests differ, so a run that
        stops half-way is redone whole by the next, without duplicate rows.
        """
        if resource.get("datastore_active"):
            with suppress(NotFound):  # the catalogue's flag outlived its table
                self.call("datastore_delete", resource_id=resource["id"], force=True)
        self.call("datastore_create", resource_id=resource["id"], force=True, fields=copy.fields,
                  primary_key=copy.primary_key)
        for records in record_batches(self.platform.storage, copy.storage_key, copy.fields):
            self.call("datastore_upsert", resource_id=resource["id"], force=True, method="insert", records=records)
        self.call("resource_patch", id=resource["id"], ppid_datastore_sha256=copy.rows_sha256)

    def _write_uploading(self, current: dict[str, Any] | None, desired: dict[str, Any],
                         files: dict[str, DatasetFile]) -> dict[str, Any]:
        """``catalogue.files: upload``: each file is uploaded into its own resource, identified by ``ppid_key``.

        The package write keeps the resources the catalogue already holds (their id and upload URL), so a
        metadata change never drops an upload; a file is then uploaded only when the catalogue lacks its hash.
        A run that stopped half-way finds the resources it made by their ``ppid_key`` and uploads only the rest.
        """
        held = {resource.get("ppid_key"): resource for resource in (current or {}).get("resources", [])}
        package = {**desired, "resources": [
            {**held[resource["ppid_key"]], **_without_file(resource)}
            for resource in desired["resources"] if resource["ppid_key"] in held
        ]}
        if current is None:
            current = self.call("package_create", **package)
        elif not same_package(current, package, compare_urls=False):
            current = self.call("package_update", id=current["id"], **package)
        uploaded = False
        for resource in desired["resources"]:
            holding = held.get(resource["ppid_key"])
            if holding is not None and holding.get("url_type") == "upload" and holding.get("hash") == resource["hash"]:
                continue
            file = files[resource["ppid_key"]]
            fields = {name: value for name, value in resource.items() if name != "url"}
            with self.platform.storage.open(file.storage_key) as stream:
                sized = SizedStream(stream, file.size)
                upload = {"upload": (file.name, sized, resource["mimetype"])}  # each catalogue makes it safe
                if holding is None:
                    self.call_with_files("resource_create", upload, package_id=current["id"], **fields)
                else:
                    self.call_with_files("resource_patch", upload, id=holding["id"], **fields)
            uploaded = True
        return self.call("package_show", id=current["id"]) if uploaded else current

    def call_with_files(self, action: str, files: dict[str, Any], **data: Any) -> Any:
        """An action with a file upload, streamed (see :mod:`ppid.publishing.client`)."""
        self.calls[action] += 1
        return self.ckan.call_action(action, data, files=files, requests_kwargs=UPLOAD_TIMEOUT)

    def ensure_organization(self, dinas: Dinas) -> None:
        if dinas.slug in self._organizations_done:
            return
        wanted = {"name": dinas.slug, "title": dinas.name, "description": dinas.short_name}
        try:
            current = self.call("organization_show", id=dinas.slug)
        except NotFound:
            self.call("organization_create", **wanted)
        else:
            if current.get("title") != wanted["title"] or current.get("state") == "deleted":
                self.call("organization_patch", id=current["id"], title=wanted["title"], state="active")
        self._organizations_done.add(dinas.slug)

    def _show(self, name: str) -> dict[str, Any] | None:
        try:
            return self.call("package_show", id=name)
        except NotFound:
            return None


def _keeping_resources(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """``desired`` with each resource the catalogue already holds (by ``ppid_key``) under its id and with its
    DataStore state: a package write would otherwise make new resources and mark their DataStore inactive."""
    held = {resource.get("ppid_key"): resource for resource in current.get("resources", [])}
    resources = []
    for resource in desired["resources"]:
        holding = held.get(resource["ppid_key"], {})
        kept = {key: holding[key] for key in ("id", *DATASTORE_KEYS) if key in holding}
        resources.append({**kept, **resource})
    return {**desired, "resources": resources}


def _without_file(resource: dict[str, Any]) -> dict[str, Any]:
    """The fields of a resource that change without a new upload: its URL and hash come with the upload."""
    return {name: value for name, value in resource.items() if name not in ("url", "hash")}


@contextmanager
def open_publisher(platform: Platform) -> Iterator[Publisher]:
    with catalogue_client(platform) as ckan:
        yield Publisher(platform, ckan)
