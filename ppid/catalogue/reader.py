"""Reading the catalogue for the portal, with CKAN action semantics whichever catalogue is configured.

The embedded catalogue is read in-process through the same store the API serves; a real CKAN is
read through ckanapi. Both raise ``ckanapi.errors`` exceptions, so the portal handles one set.
"""

from __future__ import annotations

from typing import Any

from ckanapi import RemoteCKAN

from ppid.catalogue.client import USER_AGENT
from ppid.web import db_session, platform

TIMEOUT = {"timeout": 20}


def read_action(name: str, **params: Any) -> Any:
    settings = platform().settings
    if settings.uses_embedded_catalogue:
        from ppid.catalogue.store import call_action

        return call_action(db_session(), name, params, user_is_sysadmin=False, base_url=settings.public_url)
    ckan = RemoteCKAN(settings.catalogue_url, user_agent=USER_AGENT)
    return ckan.call_action(name, params, requests_kwargs=TIMEOUT)
