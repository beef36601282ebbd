"""Publishing datasets to the catalogue through the one client, idempotently.

The publisher reads what the catalogue holds (``package_show``) and writes only when that differs
from what it should hold, so an unchanged dataset costs no write call and a lost local state never
creates a duplicate: names are deterministic (see :mod:`ppid.pipeline.naming`). It is handed a
:class:`~ppid.publishing.mapping.DatasetDraft` of plain values and knows nothing of where they came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ckanapi import NotFound

from ppid.platform import Platform
from ppid.publishing.client import CatalogueClient, SizedStream, catalogue_client
from ppid.publishing.mapping import CatalogueSettings, DatasetDraft, DatasetFile, package_dict, same_package
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
        elif self.platform.settings.catalogue_files == "upload":
            self._write_uploading(current, desired, {file.key: file for file in draft.files})
        elif current is None:
            self.call("package_create", **desired)
        elif not same_package(current, desired):
            self.call("package_update", id=current["id"], **desired)

    def _write_uploading(self, current: dict[str, Any] | None, desired: dict[str, Any],
                         files: dict[str, DatasetFile]) -> None:
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


def _without_file(resource: dict[str, Any]) -> dict[str, Any]:
    """The fields of a resource that change without a new upload: its URL and hash come with the upload."""
    return {name: value for name, value in resource.items() if name not in ("url", "hash")}


@contextmanager
def open_publisher(platform: Platform) -> Iterator[Publisher]:
    with catalogue_client(platform) as ckan:
        yield Publisher(platform, ckan)
