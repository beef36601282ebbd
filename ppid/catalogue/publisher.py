"""Publishing datasets to the catalogue through ckanapi, idempotently.

The publisher reads what the catalogue holds (``package_show``) and writes only when that differs
from what it should hold, so an unchanged dataset costs no write call and a lost local state never
creates a duplicate: names are deterministic (see :mod:`ppid.pipeline.naming`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ckanapi import NotFound, RemoteCKAN
from sqlalchemy import select

from ppid.catalogue.client import catalogue_client
from ppid.catalogue.mapping import package_dict, same_package
from ppid.documents.extract import texts_by_sha256
from ppid.pipeline.models import FileState, TrackedFile
from ppid.platform import Platform

TIMEOUT = {"timeout": 60}
READ_ACTIONS = {"package_show", "organization_show", "status_show"}


class Publisher:
    def __init__(self, platform: Platform, ckan: RemoteCKAN) -> None:
        self.platform = platform
        self.ckan = ckan
        self.calls: Counter[str] = Counter()
        self._organizations_done: set[str] = set()

    @property
    def write_calls(self) -> int:
        return sum(count for action, count in self.calls.items() if action not in READ_ACTIONS)

    def call(self, action: str, **data: Any) -> Any:
        self.calls[action] += 1
        return self.ckan.call_action(action, data, requests_kwargs=TIMEOUT)

    def publish(self, dinas_slug: str, dataset_name: str) -> None:
        """Bring one dataset in the catalogue in line with its files, then remember what was published."""
        database = self.platform.database
        with database.session() as session:
            files = list(
                session.scalars(
                    select(TrackedFile)
                    .where(TrackedFile.dinas_slug == dinas_slug, TrackedFile.dataset_name == dataset_name)
                    .order_by(TrackedFile.key)
                )
            )
            dinas = self.platform.registry.get(dinas_slug)
            if dinas is None:
                return
            documents = texts_by_sha256(session, (f.sha256 for f in files if f.state == FileState.DOCUMENT))
            desired = package_dict(self.platform, dinas, dataset_name, files, documents)
            current = self._show(dataset_name)
            if current is None and not desired["resources"]:
                return  # nothing publishable yet (e.g. only invalid files): no empty dataset in the catalogue
            self.ensure_organization(dinas_slug)
            if desired["state"] == "deleted":
                if current is not None and current.get("state") != "deleted":
                    self.call("package_delete", id=current["id"])
            elif current is None:
                self.call("package_create", **desired)
            elif not same_package(current, desired):
                self.call("package_update", id=current["id"], **desired)
            for tracked in files:
                if tracked.state in (FileState.VALID, FileState.DOCUMENT):
                    tracked.published_sha256 = tracked.sha256
                    tracked.published_storage_key = tracked.storage_key
                elif tracked.state == FileState.WITHDRAWN:
                    tracked.published_sha256 = None
                    tracked.published_storage_key = None
                tracked.publish_error = None

    def ensure_organization(self, dinas_slug: str) -> None:
        if dinas_slug in self._organizations_done:
            return
        dinas = self.platform.registry.get(dinas_slug)
        wanted = {"name": dinas.slug, "title": dinas.name, "description": dinas.short_name}
        try:
            current = self.call("organization_show", id=dinas.slug)
        except NotFound:
            self.call("organization_create", **wanted)
        else:
            if current.get("title") != wanted["title"] or current.get("state") == "deleted":
                self.call("organization_patch", id=current["id"], title=wanted["title"], state="active")
        self._organizations_done.add(dinas_slug)

    def _show(self, name: str) -> dict[str, Any] | None:
        try:
            return self.call("package_show", id=name)
        except NotFound:
            return None


@contextmanager
def open_publisher(platform: Platform) -> Iterator[Publisher]:
    with catalogue_client(platform) as ckan:
        yield Publisher(platform, ckan)
