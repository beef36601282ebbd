"""Public pages: home, search, dataset pages and downloads. Thin views over the catalogue reader."""

from __future__ import annotations

import math

from ckanapi import NotFound
from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ppid.catalogue.mapping import JENIS_DOKUMEN
from ppid.catalogue.reader import read_action
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.naming import safe_filename
from ppid.storage import StorageError
from ppid.web import db_session, platform

blueprint = Blueprint("portal", __name__)
PAGE_SIZE = 20
FACETS = ["organization", "tags", "res_format"]


@blueprint.get("/")
def home() -> str:
    latest = read_action("package_search", rows=6, sort="metadata_modified desc", **{"facet.field": FACETS})
    organizations = read_action("organization_list", all_fields=True)
    return render_template("portal/home.html", latest=latest, organizations=organizations,
                           region=platform().registry.region.get("name", ""))


@blueprint.get("/dataset")
def search() -> str:
    query = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    filters = {facet: request.args.get(facet) for facet in FACETS if request.args.get(facet)}
    fq = " ".join(f'{facet}:"{value}"' for facet, value in filters.items())
    result = read_action("package_search", q=query, fq=fq, rows=PAGE_SIZE, start=(page - 1) * PAGE_SIZE,
                         **{"facet.field": FACETS})
    pages = max(math.ceil(result["count"] / PAGE_SIZE), 1)
    return render_template("portal/search.html", result=result, query=query, filters=filters, page=page, pages=pages)


@blueprint.get("/dataset/<name>")
def dataset(name: str) -> str:
    try:
        package = read_action("package_show", id=name)
    except NotFound:
        abort(404)
    extras = {extra["key"]: extra["value"] for extra in package.get("extras", [])}
    if extras.get("jenis") == JENIS_DOKUMEN:
        return redirect(url_for("dokumen.document", name=name))
    return render_template("portal/dataset.html", package=package, extras=extras)


@blueprint.get("/unduh/<int:file_id>/<filename>")
def download(file_id: int, filename: str):
    """Serve the version of a harvested or uploaded file that the catalogue publishes, and nothing else."""
    tracked = db_session().scalar(select(TrackedFile).where(TrackedFile.id == file_id))
    if tracked is None or tracked.published_storage_key is None:
        abort(404)
    return _send(tracked.published_storage_key, safe_filename(tracked.name))


@blueprint.get("/dataset/<name>/resource/<resource_id>/download/<filename>")
def resource_download(name: str, resource_id: str, filename: str):
    """Files uploaded straight to the embedded catalogue's API (``url_type`` upload)."""
    try:
        package = read_action("package_show", id=name)
    except NotFound:
        abort(404)
    resource = next((r for r in package.get("resources", []) if r["id"] == resource_id), None)
    if resource is None or resource.get("url_type") != "upload":
        abort(404)
    key = f"catalogue/{package['id']}/{resource_id}/{filename}"
    try:
        if not platform().storage.exists(key):
            abort(404)
    except StorageError:  # a key that is not a key (e.g. "..") names no file
        abort(404)
    return _send(key, filename)


def _send(key: str, filename: str):
    storage = platform().storage
    url = storage.url(key, filename=filename)
    if url is not None:
        return redirect(url)
    return send_file(storage.open(key), download_name=filename, as_attachment=True)
