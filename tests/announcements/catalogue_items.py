"""Packages made straight in the embedded catalogue, classified as p-registers' pipeline classifies them (extras)."""

from __future__ import annotations

from typing import Any

from ppid.publishing.client import catalogue_client

ORGANIZATIONS = {"bpbd": "Badan Penanggulangan Bencana Daerah Kabupaten Contoh",
                 "dinkes": "Dinas Kesehatan Kabupaten Contoh"}


def organizations(platform) -> None:
    with catalogue_client(platform) as client:
        for name, title in ORGANIZATIONS.items():
            client.call_action("organization_create", {"name": name, "title": title})


def package(platform, name: str, dinas: str, title: str, *, category: str = "setiap-saat", period: int | None = None,
            document: bool = False) -> dict[str, Any]:
    extras = {"kategori_informasi": category, "periode_bulan": str(period or ""),
              "jenis": "dokumen" if document else ""}
    with catalogue_client(platform) as client:
        return client.call_action("package_create", {
            "name": name, "title": title, "owner_org": dinas, "notes": f"Tentang {title.lower()}.",
            "extras": [{"key": key, "value": value} for key, value in extras.items() if value],
            "resources": [{"name": f"{name}.csv", "url": f"https://contoh.go.id/{name}.csv"}]})


def touch(platform, name: str, notes: str) -> dict[str, Any]:
    """A change to the package (what a new harvest of changed data does): its metadata_modified moves on."""
    with catalogue_client(platform) as client:
        return client.call_action("package_patch", {"id": name, "notes": notes})
