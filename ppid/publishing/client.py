"""The one catalogue client: the embedded catalogue in-process, or ``ckanapi.RemoteCKAN`` for a real CKAN.

Both answer ``call_action(name, data_dict, files=..., requests_kwargs=...)`` with CKAN's result shapes and
``ckanapi.errors`` exceptions, so the publisher, the uploader and the portal never ask which one they hold.
With no ``PPID_CATALOGUE_URL`` the embedded catalogue is called in this process (no server, no socket).

File uploads to a real CKAN are streamed: requests would read a whole file into memory to build a
multipart body, so :class:`StreamingRemoteCKAN` hands the body to requests-toolbelt's ``MultipartEncoder``,
which reads each file in chunks as it is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, Protocol

from ckanapi import RemoteCKAN
from requests_toolbelt import MultipartEncoder

from ppid import __version__
from ppid.catalogue.service import EmbeddedCKAN
from ppid.platform import Platform

USER_AGENT = f"ppid/{__version__} (+https://github.com/ppid)"


class CatalogueClient(Protocol):
    """What ``ckanapi.RemoteCKAN`` and :class:`~ppid.catalogue.service.EmbeddedCKAN` both offer."""

    def call_action(
        self,
        action: str,
        data_dict: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        apikey: str | None = None,
        files: dict[str, Any] | None = None,
        requests_kwargs: dict[str, Any] | None = None,
    ) -> Any: ...

    def close(self) -> None: ...


class SizedStream:
    """A stream that tells how many bytes are left, as ``MultipartEncoder`` asks (an S3 body cannot say)."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self.len = size

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(None if size is None or size < 0 else size)
        self.len -= len(chunk)
        return chunk


class StreamingRemoteCKAN(RemoteCKAN):
    """``RemoteCKAN`` whose ``call_action(..., files={"upload": (name, stream)})`` streams the files."""

    def _request_fn(self, url: str, data: Any, headers: dict[str, str], files: Any,
                    requests_kwargs: dict[str, Any]) -> tuple[int, str]:
        if not files:
            return super()._request_fn(url, data, headers, files, requests_kwargs)
        fields = {key.decode(): value.decode() for key, value in data.items()} | dict(files)
        body = MultipartEncoder(fields=fields)
        response = self.session.post(url, data=body, headers=headers | {"Content-Type": body.content_type},
                                     allow_redirects=False, **requests_kwargs)
        return response.status_code, response.text


def open_catalogue(platform: Platform, *, anonymous: bool = False) -> CatalogueClient:
    """The configured catalogue, as the platform (with the catalogue token) or as an anonymous reader."""
    settings = platform.settings
    if settings.catalogue_url is not None:
        apikey = None if anonymous else settings.catalogue_api_token
        return StreamingRemoteCKAN(settings.catalogue_url, apikey=apikey, user_agent=USER_AGENT)
    return EmbeddedCKAN(
        platform.database,
        platform.storage,
        base_url=settings.public_url,
        sysadmin=not anonymous,
        datastore_cache=settings.home / "datastore",
    )


@contextmanager
def catalogue_client(platform: Platform) -> Iterator[CatalogueClient]:
    """The platform's own client for a piece of work (a harvest, a publication), closed afterwards."""
    client = open_catalogue(platform)
    try:
        yield client
    finally:
        client.close()  # a RemoteCKAN's kept-alive connections
