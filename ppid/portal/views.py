"""Public pages: home, search, dinas and dataset pages and downloads. Thin views over the catalogue reader."""

from __future__ import annotations

import functools
import math
import mimetypes

from ckanapi import NotAuthorized, NotFound
from flask import Blueprint, Response, abort, after_this_request, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ppid.catalogue.exports import dcat_dataset, preferred_rdf_extension
from ppid.catalogue.models import JENIS_DOKUMEN
from ppid.catalogue.service import storage_key
from ppid.pipeline.models import TrackedFile, ValidationRecord
from ppid.pipeline.naming import safe_filename
from ppid.portal import explorer
from ppid.portal.metadata import metadata_entries
from ppid.portal.preview import preview_table
from ppid.storage import StorageError
from ppid.validation.report import ValidationReport
from ppid.validation.schemas import SchemaNotFoundError, load_schema
from ppid.web import db_session, platform, read_action, search_catalogue

blueprint = Blueprint("portal", __name__)
PAGE_SIZE = 20
FACETS = ["organization", "tags", "res_format", "extras_tahun"]
#: Python's codec names (as validation reports them) → the IANA names browsers know.
CHARSETS = {"utf-8-sig": "utf-8", "cp1252": "windows-1252", "latin-1": "iso-8859-1"}


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
    result, plain_words = search_catalogue(query, fq=fq, rows=PAGE_SIZE, start=(page - 1) * PAGE_SIZE,
                                           **{"facet.field": FACETS})
    pages = max(math.ceil(result["count"] / PAGE_SIZE), 1)
    return render_template("portal/search.html", result=result, query=query, filters=filters, page=page, pages=pages,
                           plain_words=plain_words)


@blueprint.get("/dataset/<name>")
def dataset(name: str) -> ResponseReturnValue:
    """HTML, or the dataset's DCAT-AP when the client prefers RDF (its IRI is this address)."""
    extension = preferred_rdf_extension()
    if extension:
        return dcat_dataset(name, extension)
    after_this_request(_vary_on_accept)
    try:
        package = read_action("package_show", id=name)
    except (NotFound, NotAuthorized):  # a withdrawn dataset is private: not found for citizens
        abort(404)
    extras = {extra["key"]: extra["value"] for extra in package.get("extras", [])}
    if extras.get("jenis") == JENIS_DOKUMEN:
        return redirect(url_for("dokumen.document", name=name))
    files = _published_files(name, package)
    settings = platform().settings
    schemas: dict[str, dict] = {}
    explorers = {}
    for resource in package.get("resources", []):
        tracked = files.get(resource["id"])
        schema_name = resource.get("schema_name") or (tracked.schema_name if tracked else "")
        schema = _schema(schemas, schema_name)
        if schema is None:
            continue
        found = explorer.explore(
            read_action, resource, schema, request.args, schemas_dir=settings.schemas_dir,
            api_base=settings.catalogue_url or settings.public_url, dump_base=settings.catalogue_url or "",
            embedded=settings.uses_embedded_catalogue,
            preview=lambda tracked=tracked: tracked and preview_table(platform().storage, tracked.published_storage_key,
                                                                      tracked.name),
        )  # fmt: skip
        if found is not None:
            explorers[resource["id"]] = found
    dictionaries = {schema_name: (schema.get("title") or schema_name, explorer.dictionary(schema, settings.schemas_dir))
                    for schema_name, schema in schemas.items() if schema}  # fmt: skip
    metadata = metadata_entries(package, extras, lambda tag: url_for("portal.search", tags=tag))
    return render_template("portal/dataset.html", package=package, extras=extras, files=files, explorers=explorers,
                           dictionaries=dictionaries, metadata=metadata, table_url=functools.partial(_table_url, name),
                           other_args=_other_args, number=explorer.number)  # fmt: skip


def _schema(loaded: dict[str, dict | None], schema_name: str) -> dict | None:
    """The schema of a table resource, loaded once per page; None for a file without one."""
    if schema_name and schema_name not in loaded:
        try:
            loaded[schema_name] = load_schema(platform().settings.schemas_dir, schema_name)
        except SchemaNotFoundError:  # a schema removed since the file was published: the file stays downloadable
            loaded[schema_name] = None
    return loaded.get(schema_name)


def _other_args(key: str) -> list[tuple[str, str]]:
    """The page's query parameters that belong to the other tables, kept when one table's form is sent."""
    return [(arg, value) for arg, value in request.args.items(multi=True) if not arg.startswith(key + "-")]


def _table_url(name: str, state: explorer.State) -> str:
    """The dataset page showing one table in ``state``, the other tables as they are, scrolled to that table."""
    args = dict(_other_args(state.key), **state.params())
    args.pop("name", None)
    return url_for("portal.dataset", name=name, **args, _anchor=f"jelajah-{state.key}")


@blueprint.get("/dataset/<name>/validasi/<int:file_id>")
def validation_summary(name: str, file_id: int) -> str:
    """The public part of a published table's validation report: what was checked and found, no cell values."""
    try:
        package = read_action("package_show", id=name)
    except (NotFound, NotAuthorized):  # a withdrawn dataset is private: not found for citizens
        abort(404)
    tracked = next((f for f in _published_files(name, package).values() if f.id == file_id), None)
    if tracked is None or not tracked.schema_name:
        abort(404)
    record = db_session().scalar(
        select(ValidationRecord)
        .where(ValidationRecord.sha256 == tracked.published_sha256, ValidationRecord.schema_name == tracked.schema_name)
        .order_by(ValidationRecord.id.desc())
        .limit(1)
    )
    if record is None:
        abort(404)
    report = ValidationReport.from_dict(record.report)
    return render_template("portal/validasi.html", package=package, tracked=tracked, record=record, report=report)


@blueprint.get("/dinas/<slug>")
def dinas(slug: str) -> str:
    """A dinas, its PPID Pelaksana contact and its public datasets."""
    found = platform().registry.get(slug)
    if found is None:
        abort(404)
    page = max(request.args.get("page", 1, type=int), 1)
    result = read_action("package_search", fq=f'organization:"{slug}"', rows=PAGE_SIZE, start=(page - 1) * PAGE_SIZE,
                         sort="title_string asc", **{"facet.field": ["tags", "res_format"]})  # fmt: skip
    pages = max(math.ceil(result["count"] / PAGE_SIZE), 1)
    return render_template("portal/dinas.html", dinas=found, result=result, page=page, pages=pages)


def _vary_on_accept(response: Response) -> Response:
    response.vary.add("Accept")
    return response


def _published_files(name: str, package: dict) -> dict[str, TrackedFile]:
    """Resource id → the tracked file whose published version the resource describes (harvested files only)."""
    resources = package.get("resources", [])
    keys = {resource["ppid_key"]: resource["id"] for resource in resources if resource.get("ppid_key")}
    if not keys:
        return {}
    tracked_files = db_session().scalars(
        select(TrackedFile).where(TrackedFile.dataset_name == name, TrackedFile.key.in_(keys))
    )
    return {keys[f.key]: f for f in tracked_files if f.published_storage_key}


@blueprint.get("/unduh/<int:file_id>/<filename>")
def download(file_id: int, filename: str):
    """Serve the version of a harvested or uploaded file that the catalogue publishes, and nothing else."""
    tracked = db_session().scalar(select(TrackedFile).where(TrackedFile.id == file_id))
    if tracked is None or tracked.published_storage_key is None:
        abort(404)
    return _send(tracked.published_storage_key, safe_filename(tracked.name), charset=_published_charset(tracked))


def _published_charset(tracked: TrackedFile) -> str | None:
    """The character set validation found in the published version (read from the whole file, so a
    Windows-1252 export is not served as UTF-8 and shown with ``�``); None for a file never validated."""
    if not tracked.schema_name:
        return None
    report = db_session().scalar(
        select(ValidationRecord.report)
        .where(ValidationRecord.sha256 == tracked.published_sha256, ValidationRecord.schema_name == tracked.schema_name)
        .order_by(ValidationRecord.id.desc())
        .limit(1)
    )
    if report is None:
        return None
    encodings = {table.encoding for table in ValidationReport.from_dict(report).tables if table.encoding}
    if len(encodings) != 1:  # an archive of tables in different encodings has no one character set
        return None
    encoding = encodings.pop()
    return CHARSETS.get(encoding, encoding)


@blueprint.get("/dataset/<name>/resource/<resource_id>/download/<filename>")
def resource_download(name: str, resource_id: str, filename: str):
    """Files uploaded straight to the embedded catalogue's API (``url_type`` upload)."""
    try:
        package = read_action("package_show", id=name)
    except (NotFound, NotAuthorized):  # a withdrawn dataset is private: not found for citizens
        abort(404)
    resource = next((r for r in package.get("resources", []) if r["id"] == resource_id), None)
    if resource is None or resource.get("url_type") != "upload":
        abort(404)
    key = storage_key(package["id"], resource_id, filename)
    try:
        if not platform().storage.exists(key):
            abort(404)
    except StorageError:  # a key that is not a key (e.g. "..") names no file
        abort(404)
    return _send(key, filename)


def _send(key: str, filename: str, *, charset: str | None = None):
    """The stored bytes as they were received, labelled with their true character set when it is known."""
    storage = platform().storage
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    content_type = f"{mimetype}; charset={charset}" if charset and mimetype.startswith("text/") else None
    url = storage.url(key, filename=filename, content_type=content_type)
    if url is not None:
        return redirect(url)
    response = send_file(storage.open(key), mimetype=mimetype, download_name=filename, as_attachment=True)
    if content_type:
        response.content_type = content_type  # in place of the "charset=utf-8" Werkzeug gives every text type
    return response
