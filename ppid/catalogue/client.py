"""The one catalogue client: ``ckanapi.RemoteCKAN``, for a real CKAN or for the embedded catalogue.

With no ``PPID_CATALOGUE_URL`` the embedded catalogue is served for the duration of the work on a
loopback port by waitress, so the publisher always speaks real HTTP to a CKAN Action API.

File uploads are streamed: requests would read a whole file into memory to build a multipart body, so
:class:`StreamingRemoteCKAN` hands the body to requests-toolbelt's ``MultipartEncoder``, which reads each file
in chunks as it is sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from ckanapi import RemoteCKAN
from requests_toolbelt import MultipartEncoder
from waitress import create_server

from ppid import __version__
from ppid.platform import Platform

USER_AGENT = f"ppid/{__version__} (+https://github.com/ppid)"


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


@contextmanager
def catalogue_client(platform: Platform) -> Iterator[RemoteCKAN]:
    settings = platform.settings
    if settings.catalogue_url is not None:
        yield StreamingRemoteCKAN(settings.catalogue_url, apikey=settings.catalogue_api_token, user_agent=USER_AGENT)
        return
    from ppid.app import create_app

    server = create_server(
        create_app(platform=platform),
        host="127.0.0.1",
        port=0,
        threads=4,
        ident="ppid-embedded",
        asyncore_use_poll=True,
    )
    thread = threading.Thread(target=server.run, name="embedded-catalogue", daemon=True)
    thread.start()
    ckan = StreamingRemoteCKAN(
        f"http://127.0.0.1:{server.effective_port}", apikey=settings.catalogue_api_token, user_agent=USER_AGENT
    )
    try:
        yield ckan
    finally:
        ckan.close()  # closes kept-alive connections, so the server's loop can end at once
        server.task_dispatcher.shutdown()  # let a response in flight finish before its socket goes
        server.close()
        thread.join(timeout=5)
