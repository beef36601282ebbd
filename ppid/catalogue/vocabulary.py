"""The DCAT vocabulary's plain values: profiles, serialisations, frequencies, file types, the site and a page.

Apart from :mod:`ppid.catalogue.dcat` so that the web app can route and describe exports without loading
rdflib, which is imported only when a DCAT graph is first drawn (it costs the upload server memory).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ppid.catalogue.models import JENIS_DOKUMEN


class Profile(StrEnum):
    """The DCAT-AP version a graph conforms to; 2.1.1 is the default, as in ckanext-dcat and most harvesters."""

    DCAT_AP_2 = "dcat_ap_2"
    DCAT_AP_3 = "dcat_ap_3"

    @classmethod
    def named(cls, name: str) -> Profile | None:
        """Also ckanext-dcat's profile names (``euro_dcat_ap_3``), so a harvester configured for it works."""
        return PROFILE_NAMES.get(name.lower())


PROFILE_NAMES = {
    "dcat_ap_2": Profile.DCAT_AP_2,
    "dcat_ap_2.1.1": Profile.DCAT_AP_2,
    "euro_dcat_ap_2": Profile.DCAT_AP_2,
    "dcat_ap_3": Profile.DCAT_AP_3,
    "euro_dcat_ap_3": Profile.DCAT_AP_3,
}


@dataclass(frozen=True)
class Format:
    """A serialisation: rdflib's name for it and the media type it is served as."""

    rdflib: str
    media_type: str


#: By file extension, as ckanext-dcat names them (``/catalog.ttl``, ``/dataset/<name>.rdf``).
FORMATS = {
    "ttl": Format("turtle", "text/turtle"),
    "rdf": Format("xml", "application/rdf+xml"),
    "jsonld": Format("json-ld", "application/ld+json"),
}

#: Satu Data's ``frekuensi_penerbitan``: the EU frequency code (DCAT) and the ISO 8601 repetition (data.json).
FREQUENCIES = {
    "harian": ("DAILY", "R/P1D"),
    "mingguan": ("WEEKLY", "R/P1W"),
    "bulanan": ("MONTHLY", "R/P1M"),
    "triwulanan": ("QUARTERLY", "R/P3M"),
    "semesteran": ("ANNUAL_2", "R/P6M"),
    "tahunan": ("ANNUAL", "R/P1Y"),
    "tidak-tetap": ("IRREG", "irregular"),
}
#: Resource formats the harvester publishes: the EU file-type code and the IANA media type.
FILE_TYPES = {
    "CSV": ("CSV", "text/csv"),
    "JSON": ("JSON", "application/json"),
    "PDF": ("PDF", "application/pdf"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "ZIP": ("ZIP", "application/zip"),
}


@dataclass(frozen=True)
class Site:
    """What the graph says about the portal itself: its address, its region and who publishes the catalogue."""

    base_url: str
    region: str
    publisher: str
    #: Organizations with a portal page (``/dinas/<slug>``), so their IRI resolves; others get a blank node.
    dinas: frozenset[str]


@dataclass(frozen=True)
class Page:
    """One page of the catalogue and how to reach the others (``hydra:PagedCollection``)."""

    number: int
    size: int
    total: int
    address: Callable[[int], str]

    @property
    def last(self) -> int:
        return max(-(-self.total // self.size), 1)


def landing_page(package: Mapping[str, Any], base_url: str) -> str:
    """The portal page of a dataset: public documents have their own page."""
    if extras_of(package).get("jenis") == JENIS_DOKUMEN:
        return f"{base_url}/dokumen/{package['name']}"
    return f"{base_url}/dataset/{package['name']}"


def extras_of(package: Mapping[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras", [])}
