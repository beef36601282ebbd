"""Another CKAN portal: one organization's datasets and their resources, through ckanapi.

Each remote dataset's title, description, tags and licence travel in the item's metadata, so a
rule may leave them out and every remote dataset becomes its own local dataset. Resources are
downloaded by URL with the HTTP kind's fetcher (retries, conditional GET, size and error checks).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

import requests
from ckanapi import CKANAPIError, NotFound, RemoteCKAN, ServerIncompatibleError
from marshmallow import fields
from marshmallow.validate import Length

from harvesters.base import Item, Source, SourceError
from harvesters.http import USER_AGENT, HttpFetcher, HttpOptions, file_name, request_failure
from ppid.i18n import _

PAGE_SIZE = 100


class CkanSourceOptions(HttpOptions):
    url = fields.Url(schemes={"http", "https"}, require_tld=False, required=True)
    organization = fields.String(required=True, validate=Length(min=1))


class CkanSource(Source):
    kind = "ckan"
    Options = CkanSourceOptions
    carries_metadata = True

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        known = known or {}
        fetcher = HttpFetcher(self.options)
        packages = self._packages(fetcher)
        for package in packages:
            metadata = package_metadata(package)
            taken: set[str] = set()
            for resource in package.get("resources", []):
                url = resource.get("url") or ""
                if not url.startswith(("http://", "https://")):
                    continue
                name = resource_file_name(resource)
                key = f"{package['name']}/{name}"
                if key in taken:
                    key = f"{package['name']}/{resource['id']}-{name}"
                taken.add(key)
                yield fetcher.item(url, key=key, name=name, known=known.get(key), metadata=metadata)

    def _packages(self, fetcher: HttpFetcher) -> list[dict[str, Any]]:
        organization, url = self.options["organization"], self.options["url"]
        ckan = RemoteCKAN(url, user_agent=USER_AGENT, session=fetcher.session)
        timeout = {"timeout": fetcher.timeout}
        try:
            ckan.call_action("organization_show", {"id": organization}, requests_kwargs=timeout)
            packages: list[dict[str, Any]] = []
            while True:
                page = ckan.call_action(
                    "package_search",
                    {
                        "fq": f'organization:"{organization}"',
                        "rows": PAGE_SIZE,
                        "start": len(packages),
                        "sort": "name asc",
                    },
                    requests_kwargs=timeout,
                )
                packages += page["results"]
                if not page["results"] or len(packages) >= page["count"]:
                    return packages
        except NotFound as error:
            message = _("organisasi %(organization)s tidak ada di %(url)s.", organization=organization, url=url)
            raise SourceError(message) from error
        except (CKANAPIError, ServerIncompatibleError, requests.RequestException, ValueError) as error:
            reason = request_failure(error) if isinstance(error, requests.RequestException) else type(error).__name__
            message = _("portal CKAN %(url)s tidak dapat dibaca: %(reason)s", url=url, reason=reason)
            raise SourceError(message) from error


def package_metadata(package: dict[str, Any]) -> dict[str, Any]:
    """The remote dataset's own description, in the registry's dataset keys."""
    metadata = {
        "name": package.get("name"),
        "title": package.get("title") or package.get("name"),
        "description": package.get("notes") or "",
        "tags": [tag["name"] for tag in package.get("tags", []) if tag.get("name")],
    }
    if package.get("license_id"):
        metadata["licence"] = package["license_id"]
    return metadata


def resource_file_name(resource: dict[str, Any]) -> str:
    """The URL's file name, or the resource's name plus its format when the URL has no extension."""
    name = file_name(resource["url"])
    if PurePosixPath(name).suffix:
        return name
    stem = resource.get("name") or resource.get("id") or name
    extension = (resource.get("format") or "").strip().lower()
    return f"{stem}.{extension}" if extension and not stem.lower().endswith(f".{extension}") else stem
