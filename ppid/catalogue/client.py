"""The one catalogue client: ``ckanapi.RemoteCKAN``, for a real CKAN or for the embedded catalogue.

With no ``PPID_CATALOGUE_URL`` the embedded catalogue is served for the duration of the work on a
loopback port by waitress, so the publisher always speaks real HTTP to a CKAN Action API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ckanapi import RemoteCKAN
from waitress import create_server

from ppid import __version__
from ppid.platform import Platform

USER_AGENT = f"ppid/{__version__} (+https://github.com/ppid)"


@contextmanager
def catalogue_client(platform: Platform) -> Iterator[RemoteCKAN]:
    settings = platform.settings
    if settings.catalogue_url is not None:
        yield RemoteCKAN(settings.catalogue_url, apikey=settings.catalogue_api_token, user_agent=USER_AGENT)
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
    ckan = RemoteCKAN(
        f"http://127.0.0.1:{server.effective_port}", apikey=settings.catalogue_api_token, user_agent=USER_AGENT
    )
    try:
        yield ckan
    finally:
        ckan.close()  # closes kept-alive connections, so the server's loop can end at once
        server.task_dispatcher.shutdown()  # let a response in flight finish before its socket goes
        server.close()
        thread.join(timeout=5)
