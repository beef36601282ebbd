"""The letters of a decision on the web: the public verification page, and the downloads for the requester (from the
tracking page: secret link, or number + e-mail) and for the officers of the dinas (from the detail page).

The verification page is public on purpose: whoever holds a letter (a court, a journalist, the Komisi Informasi)
can check it. It shows the document's type, number, date, issuer and SHA-256 only, never the requester, and
compares an uploaded PDF byte for byte with the one issued. Codes are random and the page is rate-limited with
tracking, so it cannot be walked.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from ppid.accounts.auth import current_user, login_required
from ppid.accounts.models import Role
from ppid.i18n import _
from ppid.permohonan import written_notice
from ppid.permohonan.models import IssuedDocument, Permohonan
from ppid.permohonan.views import _config, _download, _workflow, tracking_limit
from ppid.web import db_session

blueprint = Blueprint("surat", __name__)
VERIFY_UPLOAD_LIMIT = 20 * 1024 * 1024
"""A letter is a few tens of KB; anything much larger is not one of ours and is refused unread."""
PRIVATE_ENDPOINTS = frozenset({"surat.pemohon_tautan", "surat.pemohon_lacak", "surat.petugas"})


@blueprint.after_request
def _keep_private(response: Response) -> Response:
    """The letters name the requester: not cached, not indexed, no referrer (as the tracking pages)."""
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.url_value_preprocessor
def _limit_upload(endpoint: str | None, _values: dict | None) -> None:
    if endpoint == "surat.verifikasi" and request.method == "POST":
        request.max_content_length = VERIFY_UPLOAD_LIMIT


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    document = written_notice.find(db_session(), (request.view_args or {}).get("code", ""))
    return _verification_page(document, problem=_("Berkas terlalu besar untuk sebuah surat PPID (paling besar 20 MB)."),
                              status=413)


@blueprint.get("/verifikasi")
@tracking_limit
def cari() -> ResponseReturnValue:
    """Type the code printed under the QR code."""
    typed = request.args.get("kode", "")
    if not typed:
        return render_template("permohonan/verifikasi_cari.html", typed="", not_found=False)
    code = written_notice.normalise_code(typed)
    if code is None or written_notice.find(db_session(), code) is None:
        return render_template("permohonan/verifikasi_cari.html", typed=typed, not_found=True), 404
    return redirect(url_for(".verifikasi", code=code), 303)


@blueprint.route("/verifikasi/<code>", methods=["GET", "POST"])
@tracking_limit
def verifikasi(code: str) -> ResponseReturnValue:
    """The document's particulars; with an uploaded PDF, whether it is the document issued, byte for byte."""
    document = written_notice.find(db_session(), code)
    if document is None:
        return render_template("permohonan/verifikasi_cari.html", typed=code, not_found=True), 404
    if request.method == "GET":
        return _verification_page(document)
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        return _verification_page(document, problem=_("Pilih berkas PDF yang akan dicocokkan."), status=422)
    data = upload.stream.read()
    return _verification_page(document, checked=written_notice.matches(document, data),
                              uploaded_sha256=hashlib.sha256(data).hexdigest())


def _verification_page(document: IssuedDocument | None, *, checked: bool | None = None,
                       uploaded_sha256: str | None = None, problem: str | None = None,
                       status: int = 200) -> tuple[str, int]:
    if document is None:
        return render_template("permohonan/verifikasi_cari.html", typed="", not_found=True), 404
    workflow = _workflow()
    permohonan = db_session().get_one(Permohonan, document.permohonan_id)
    issuer = workflow.handler_name(workflow.status(permohonan).dinas_slug)
    return render_template("permohonan/verifikasi.html", document=document, number=permohonan.number, issuer=issuer,
                           checked=checked, uploaded_sha256=uploaded_sha256, problem=problem), status


@blueprint.get("/permohonan/lacak/<token>/surat/<code>.pdf")
@tracking_limit
def pemohon_tautan(token: str, code: str) -> Response:
    """A letter for whoever holds the secret tracking link: the requester."""
    permohonan = _workflow().find_by_token(token) or abort(404)
    return _letter(permohonan, code)


@blueprint.get("/permohonan/petugas/<int:permohonan_id>/surat/<code>.pdf")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def petugas(permohonan_id: int, code: str) -> Response:
    """A letter for an officer of the request's dinas (others get 404, as for the request itself)."""
    permohonan = _workflow().find_for_officer(permohonan_id, current_user()) or abort(404)
    return _letter(permohonan, code)


def _letter(permohonan: Permohonan, code: str) -> Response:
    document = written_notice.find(db_session(), code)
    if document is None or document.permohonan_id != permohonan.id:
        abort(404)
    content = written_notice.content_of(document, _config().cipher)
    return _download(content, "application/pdf", written_notice.file_name(document, permohonan.number))
