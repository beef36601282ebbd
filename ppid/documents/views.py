"""Public documents on the portal: a list with search, and one page per document dataset."""

from __future__ import annotations

import math

from ckanapi import NotAuthorized, NotFound
from flask import Blueprint, abort, render_template, request

from ppid.catalogue.models import JENIS_DOKUMEN
from ppid.documents.published import human_size, published_documents
from ppid.portal.metadata import frequency_word
from ppid.web import db_session, read_action, search_catalogue

blueprint = Blueprint("dokumen", __name__)
PAGE_SIZE = 20


@blueprint.get("/dokumen")
def documents() -> str:
    query = request.args.get("q", "").strip()
    dinas = request.args.get("organization", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    fq = f'extras_jenis:"{JENIS_DOKUMEN}"' + (f' organization:"{dinas}"' if dinas else "")
    result, plain_words = search_catalogue(
        query, fq=fq, rows=PAGE_SIZE, start=(page - 1) * PAGE_SIZE,
        sort="score desc, metadata_modified desc", **{"facet.field": ["organization"]},
    )
    pages = max(math.ceil(result["count"] / PAGE_SIZE), 1)
    return render_template(
        "portal/documents.html", result=result, query=query, dinas=dinas, page=page, pages=pages, extras=_extras,
        plain_words=plain_words,
    )


@blueprint.get("/dokumen/<name>")
def document(name: str) -> str:
    try:
        package = read_action("package_show", id=name)
    except (NotFound, NotAuthorized):  # withdrawn documents become private: gone for the public
        abort(404)
    extras = _extras(package)
    if extras.get("jenis") != JENIS_DOKUMEN or not package.get("organization"):
        abort(404)
    files = published_documents(db_session(), package["organization"]["name"], package["name"])
    return render_template(
        "portal/document.html", package=package, extras=extras, files=files, human_size=human_size,
        frequency=frequency_word(extras.get("frekuensi_penerbitan", "")),
    )


def _extras(package: dict) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras", [])}
