"""CKAN's default licence register, as ``license_list`` returns it and datasets refer to it."""

from __future__ import annotations

from typing import Any

#: CKAN's default licence register: id → (title, open, url).
LICENSES: dict[str, tuple[str, bool, str]] = {
    "notspecified": ("License not specified", False, ""),
    "odc-pddl": (
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        True,
        "http://www.opendefinition.org/licenses/odc-pddl",
    ),
    "odc-odbl": (
        "Open Data Commons Open Database License (ODbL)",
        True,
        "http://www.opendefinition.org/licenses/odc-odbl",
    ),
    "odc-by": ("Open Data Commons Attribution License", True, "http://www.opendefinition.org/licenses/odc-by"),
    "cc-zero": ("Creative Commons CCZero", True, "http://www.opendefinition.org/licenses/cc-zero"),
    "cc-by": ("Creative Commons Attribution", True, "http://www.opendefinition.org/licenses/cc-by"),
    "cc-by-sa": ("Creative Commons Attribution Share-Alike", True, "http://www.opendefinition.org/licenses/cc-by-sa"),
    "gfdl": ("GNU Free Documentation License", True, "http://www.opendefinition.org/licenses/gfdl"),
    "other-open": ("Other (Open)", True, ""),
    "other-pd": ("Other (Public Domain)", True, ""),
    "other-at": ("Other (Attribution)", True, ""),
    "uk-ogl": (
        "UK Open Government Licence (OGL)",
        True,
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "cc-nc": ("Creative Commons Non-Commercial (Any)", False, "http://creativecommons.org/licenses/by-nc/2.0/"),
    "other-nc": ("Other (Non-Commercial)", False, ""),
    "other-closed": ("Other (Not Open)", False, ""),
}

#: What each licence covers in CKAN's register: (content, data, software).
DOMAINS: dict[str, tuple[bool, bool, bool]] = {
    "odc-pddl": (False, True, False),
    "odc-odbl": (False, True, False),
    "odc-by": (False, True, False),
    "cc-zero": (True, True, False),
    **dict.fromkeys(("cc-by-sa", "gfdl", "other-open", "other-pd", "other-at", "uk-ogl"), (True, False, False)),
}
GENERIC = frozenset({"notspecified", "other-open", "other-pd", "other-at", "other-nc", "other-closed"})


def license_dict(license_id: str) -> dict[str, Any]:
    """``license_list``'s entry; CKAN 2.12 sends the flags as the strings "True"/"False", so this does too."""
    title, is_open, url = LICENSES[license_id]
    content, data, software = DOMAINS.get(license_id, (False, False, False))
    return {
        "domain_content": str(content),
        "id": license_id,
        "domain_data": str(data),
        "domain_software": str(software),
        "family": "",
        "is_generic": str(license_id in GENERIC),
        "od_conformance": "approved" if is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "maintainer": "",
        "status": "active",
        "url": url,
        "title": title,
    }
