"""Thin web layer over :mod:`ppid.permohonan.workflow`: the public form, receipt and tracking pages, the
officer desk, and the JSON API under ``/api/permohonan``.

CSRF: the HTML forms carry Flask-WTF's token (CSRFProtect is on the app). The JSON API is exempt
because it takes no ambient credential: it reads no cookie or session, filing is anonymous, and
tracking needs the secret token in the request body, so a forged cross-site request could do nothing its
author cannot do directly. Instead both filing paths share one rate limit per client address, and both
tracking paths another (Flask-Limiter; in memory unless
``permohonan.rate_limit_storage_uri`` names e.g. Redis, needed when several processes serve the app).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role, User
from ppid.db import utcnow
from ppid.i18n import N_, _
from ppid.permohonan import (
    deadlines,
    delivery,
    documents,
    holiday_table,
    rate_storage,
    registers,
    written_notice,
)
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.identity import mask_nik
from ppid.permohonan.law import EXEMPTION_GROUNDS, OBJECTION_GROUNDS, exemption_label, objection_ground_label
from ppid.permohonan.models import (
    OFFICER_CHANNELS,
    AccessMethod,
    Channel,
    CloseReason,
    CopyFormat,
    CourtLevel,
    DeliveryMethod,
    DisputeResult,
    EventKind,
    HolidayKind,
    ObjectionDecision,
    Outcome,
    Permohonan,
    PermohonanEvent,
    Requester,
    RequesterType,
)
from ppid.permohonan.notices import Notices, delivery_log
from ppid.permohonan.openapi import (
    OBJECTION_BODY,
    TRACKING_BODY,
    ChoicesSchema,
    ErrorSchema,
    FiledDocumentSchema,
    TokenSchema,
    TrackingDocumentSchema,
    build_spec,
    documented,
)
from ppid.permohonan.presenters import describe, public_document
from ppid.permohonan.schemas import UNSURE, FilingSchema, TrackingSchema, flatten
from ppid.permohonan.statistics import AnnualReport, annual_report
from ppid.permohonan.status import ALLOWED_FROM, Status
from ppid.permohonan.workflow import (
    InvalidInput,
    SubmissionKeyReused,
    Workflow,
    WorkflowError,
    may_answer_objection,
    may_handle,
)
from ppid.publication import answers as published_answers
from ppid.web import db_session, platform, read_session

blueprint = Blueprint("permohonan", __name__, static_folder="static", static_url_path="/permohonan/static")
api = Blueprint("api", __name__, url_prefix="/api/permohonan")
limiter = Limiter(get_remote_address)
CONFIG_KEY = "ppid.permohonan"
FILING_REQUEST_LIMIT = 2 * documents.MAX_BYTES + 1024 * 1024
"""The largest filing form accepted: two documents and the text fields."""
FILING_ENDPOINTS = frozenset({"permohonan.ajukan", "permohonan.daftar"})
HONEYPOT = "situs_web"
"""A field people never see (hidden by CSS, skipped by keyboard and screen readers) but form-filling bots do."""
SUBMISSION_FIELD = "kunci_pengajuan"
"""The public form's hidden one-time key: a resubmitted form (double click, retry after a time-out) files once."""
IDEMPOTENCY_HEADER = "Idempotency-Key"
"""The JSON API's one-time key (same effect as :data:`SUBMISSION_FIELD`), documented in the OpenAPI description."""
log = logging.getLogger(__name__)
LINK_SENT = N_("Bila nomor pendaftaran dan e-mail itu cocok dengan sebuah permohonan, tautan untuk melacaknya sudah "
               "dikirim ke e-mail tersebut. Periksa kotak masuk (dan folder spam) Anda.")
"""The one answer to "kirim tautan ke e-mail saya", whether the pair matched or not."""
PUBLIC_PAGES = frozenset({"permohonan.index", "permohonan.static", "permohonan.openapi", "permohonan.statistik"})
FIRST_YEAR = 2010
"""UU KIP came into force on 30 April 2010: no register or report reaches further back."""


@blueprint.record_once
def _set_up(state: BlueprintSetupState) -> None:
    """Read and check the module's settings at start-up; wire the rate limiter and the API's CSRF exemption."""
    app = state.app
    config = PermohonanConfig.from_settings(app.extensions["ppid"].settings)
    app.extensions[CONFIG_KEY] = config
    app.config.setdefault("RATELIMIT_STORAGE_URI", rate_storage.storage_uri(config.rate_limit_storage_uri))
    limiter.init_app(app)
    app.extensions["csrf"].exempt(api)


def _config() -> PermohonanConfig:
    return current_app.extensions[CONFIG_KEY]


def _workflow(*, read_only: bool = False) -> Workflow:
    """The request's workflow; ``read_only`` for a page that only shows a request (:func:`ppid.web.read_session`)."""
    issuer = written_notice.Issuer(platform().settings.public_url, signer=_config().signer)
    session = read_session() if read_only else db_session()
    return Workflow(session, _config(), platform().registry, notices=Notices(platform()), storage=platform().storage,
                    issuer=issuer)


filing_limit = limiter.shared_limit(lambda: _config().filing_rate_limit, scope="permohonan-pengajuan", methods=["POST"])
tracking_limit = limiter.shared_limit(lambda: _config().tracking_rate_limit, scope="permohonan-lacak")


@blueprint.after_request
def _keep_private(response: Response) -> Response:
    """Pages with a tracking secret or personal data: not cached, not indexed, no referrer leaks."""
    if request.endpoint not in PUBLIC_PAGES:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.context_processor
def _helpers() -> dict[str, Any]:
    calendar = _config().calendar
    return {"tanggal": deadlines.format_day, "waktu": calendar.format_moment, "objection_label": objection_ground_label,
            "receipt_note": lambda receipt: deadlines.receipt_explanation(receipt, calendar)}


@blueprint.errorhandler(RateLimitExceeded)
def _too_many(_error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    return render_template("permohonan/terlalu_sering.html"), 429, _retry_after()


def _retry_after() -> dict[str, str]:
    """Seconds until the limit that refused this request lets the client in again (RFC 9110 ``Retry-After``)."""
    current = limiter.current_limit
    seconds = int(current.reset_at - time.time()) if current is not None else 60
    return {"Retry-After": str(max(1, seconds))}


@blueprint.url_value_preprocessor
def _limit_filing_size(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Set before anything reads the form (CSRF protection does, in the app's before_request), so an oversized
    upload is refused from its Content-Length instead of being spooled to disk first."""
    if endpoint in FILING_ENDPOINTS:
        request.max_content_length = FILING_REQUEST_LIMIT


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """The whole form was larger than two documents can be: answered before anything is read or stored."""
    flash(_("Berkas yang diunggah terlalu besar: setiap dokumen paling besar 5 MB."), "error")
    officer = current_user() if request.endpoint == "permohonan.daftar" else None
    template = "permohonan/petugas/daftar.html" if officer else "permohonan/ajukan.html"
    return _filing_page(template, None, officer=officer, keep_values=False), 413


@api.errorhandler(RateLimitExceeded)
def _api_too_many(_error: RateLimitExceeded) -> tuple[Response, int, dict[str, str]]:
    return (jsonify(message=_("Terlalu banyak permintaan dari alamat Anda; coba lagi beberapa saat lagi.")), 429,
            _retry_after())


# -- public pages ------------------------------------------------------------------------------


@blueprint.get("/permohonan/")
def index() -> str:
    return render_template("permohonan/index.html", registry=platform().registry,
                           cuti_bersama_is_holiday=_config().calendar.cuti_bersama_is_holiday)


@blueprint.route("/permohonan/ajukan", methods=["GET", "POST"])
@filing_limit
def ajukan() -> ResponseReturnValue:
    if request.method == "POST":
        if request.form.get(HONEYPOT):
            return _refuse_quietly()
        try:
            filed = _workflow().file(_form(request.form), files=_files(),
                                     submission_key=request.form.get(SUBMISSION_FIELD) or None)
        except InvalidInput as error:
            db_session().rollback()
            return _filing_page("permohonan/ajukan.html", error, officer=None), 422
        except SubmissionKeyReused as error:
            db_session().rollback()
            flash(str(error), "error")
            return _filing_page("permohonan/ajukan.html", None, officer=None, new_key=True), 422
        db_session().commit()
        return redirect(url_for(".tanda_bukti", token=filed.token), 303)
    return _filing_page("permohonan/ajukan.html", None, officer=None)


@blueprint.get("/permohonan/tanda-bukti/<token>")
@tracking_limit
def tanda_bukti(token: str) -> str:
    """The proof of receipt (Pasal 22(4)): the number, the deadlines and the secret tracking link."""
    workflow = _workflow(read_only=True)
    permohonan = workflow.find_by_token(token) or abort(404)
    link = platform().settings.public_url + url_for(".lacak_tautan", token=token)
    return _status_page("permohonan/tanda_bukti.html", workflow, permohonan, tracking_link=link,
                        identity={"token": token})


@blueprint.route("/permohonan/lacak", methods=["GET", "POST"])
@tracking_limit
def lacak() -> ResponseReturnValue:
    """'Kirim tautan ke e-mail saya': the number and the filing e-mail get the tracking link sent to that e-mail,
    never the request itself, and the answer is the same whether they match or not (:mod:`.access`)."""
    if request.method == "GET":
        return render_template("permohonan/lacak.html", values={}, errors={}, sent=False)
    number, email = request.form.get("nomor", "").strip(), request.form.get("email", "").strip()
    errors = {key: [_("Wajib diisi.")] for key, value in (("nomor", number), ("email", email)) if not value}
    if errors:
        return render_template("permohonan/lacak.html", values=request.form, errors=errors, sent=False), 422
    _workflow().send_tracking_link(number, email)
    db_session().commit()
    return render_template("permohonan/lacak.html", values={}, errors={}, sent=True)


@blueprint.get("/permohonan/lacak/<token>")
@tracking_limit
def lacak_tautan(token: str) -> str:
    workflow = _workflow(read_only=True)
    permohonan = workflow.find_by_token(token) or abort(404)
    return _status_page("permohonan/status.html", workflow, permohonan, identity={"token": token})


@blueprint.get("/permohonan/tanda-bukti/<token>.pdf")
@tracking_limit
def tanda_bukti_pdf(token: str) -> Response:
    """The receipt as a PDF, for whoever holds the secret link: the requester (Pasal 22(4))."""
    workflow = _workflow()
    permohonan = workflow.find_by_token(token) or abort(404)
    link = platform().settings.public_url + url_for(".lacak_tautan", token=token)
    return _receipt_pdf(workflow, permohonan, tracking_link=link)


@blueprint.get("/permohonan/lacak/<token>/informasi/<int:index>")
@tracking_limit
def informasi_tautan(token: str, index: int) -> Response:
    """A file handed over to the requester (Pasal 22(7) f), for whoever holds the secret link."""
    workflow = _workflow()
    permohonan = workflow.find_by_token(token) or abort(404)
    return _delivered(workflow, permohonan, index)


@blueprint.get("/permohonan/petugas/<int:permohonan_id>/informasi/<int:index>")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def informasi_petugas(permohonan_id: int, index: int) -> Response:
    workflow = _workflow()
    permohonan = workflow.find_for_officer(permohonan_id, current_user()) or abort(404)
    return _delivered(workflow, permohonan, index)


def _delivered(workflow: Workflow, permohonan: Permohonan, index: int) -> Response:
    found = workflow.open_delivered(permohonan, index) or abort(404)
    reference, stream = found
    return send_file(stream, download_name=reference["nama_berkas"], as_attachment=True,
                     mimetype="application/octet-stream")


def _receipt_pdf(workflow: Workflow, permohonan: Permohonan, *, tracking_link: str) -> Response:
    from ppid.permohonan import pdf  # reportlab (17 MB) is loaded when a PDF is first drawn, not at start-up

    requester = db_session().get_one(Requester, permohonan.id)
    status = workflow.status(permohonan)
    document = pdf.receipt_pdf(permohonan, status, requester, nik=workflow.nik_of(requester),
                               calendar=workflow.calendar, handler=workflow.handler_name(status.dinas_slug),
                               tracking_link=tracking_link, issued_at=workflow.clock())
    return _download(document, "application/pdf", f"tanda-bukti-{_file_safe(permohonan.number)}.pdf")


@blueprint.post("/permohonan/keberatan")
@filing_limit
def keberatan() -> ResponseReturnValue:
    """A written objection by the requester (Pasal 35(1)), identified by the secret of the tracking link."""

    def file_objection(workflow: Workflow, permohonan: Permohonan, form: dict[str, Any]) -> str:
        data = {"alasan": request.form.getlist("alasan"), "kasus_posisi": form.get("kasus_posisi", "")}
        objection = workflow.file_objection(permohonan, data)
        return _("Keberatan diterima dengan nomor registrasi %(number)s.", number=objection.number)

    return _requester_step("objection", file_objection)


@blueprint.post("/permohonan/sengketa")
@filing_limit
def sengketa() -> ResponseReturnValue:
    """The requester records the dispute they filed with the Komisi Informasi (Pasal 37), so that its milestones
    (Pasal 38) are followed here too; identified like tracking."""

    def record_dispute(workflow: Workflow, permohonan: Permohonan, form: dict[str, Any]) -> str:
        workflow.record_dispute(permohonan, data=form)
        return _("Tercatat: %(step)s.", step=EventKind.DISPUTE_FILED.label)

    return _requester_step("dispute", record_dispute)


@blueprint.post("/permohonan/tanggapan")
@filing_limit
def tanggapan_pemohon() -> ResponseReturnValue:
    """The requester's response to the objection's outcome (register keberatan column k); identified like tracking."""

    def record_response(workflow: Workflow, permohonan: Permohonan, form: dict[str, Any]) -> str:
        workflow.record_response(permohonan, form)
        return _("Tercatat: %(step)s.", step=EventKind.REQUESTER_RESPONSE.label)

    return _requester_step("response", record_response)


def _requester_step(form_name: str, step: Callable[[Workflow, Permohonan, dict[str, Any]], str]) -> ResponseReturnValue:
    """A step the requester takes on the tracking page, identified like tracking; ``step`` gets the form without
    the identity fields and returns the sentence to flash. Errors come back on the same page, under the form
    ``form_name`` (``objection_errors``, ``dispute_errors``...)."""
    workflow = _workflow()
    identity, permohonan = _identify(workflow, request.form)
    if permohonan is None:
        abort(404)
    try:
        message = step(workflow, permohonan, {key: value for key, value in _form(request.form).items()
                                              if key not in ("token", "nomor", "email")})
    except InvalidInput as error:
        db_session().rollback()
        return _status_page("permohonan/status.html", workflow, permohonan, identity=identity,
                            **{f"{form_name}_errors": flatten(error.errors), f"{form_name}_values": request.form}), 422
    except WorkflowError as error:
        db_session().rollback()
        flash(str(error), "error")
        return _status_page("permohonan/status.html", workflow, permohonan, identity=identity), 409
    db_session().commit()
    flash(message, "ok")
    return redirect(url_for(".lacak_tautan", token=identity["token"]), 303)


def _refuse_quietly() -> tuple[str, int]:
    """A form whose hidden field was filled in came from a program, not a person: nothing is stored or sent, and
    the answer does not say why. The log names the form only, never what was typed or who sent it."""
    log.warning("permohonan: a filing with the hidden field filled in was refused")
    flash(_("Permohonan tidak dapat diproses. Silakan coba lagi."), "error")
    return _filing_page("permohonan/ajukan.html", None, officer=None, keep_values=False), 400


def _identify(workflow: Workflow, data: Mapping[str, Any]) -> tuple[dict[str, str], Permohonan | None]:
    """The requester's proof: the secret of a tracking link (the number with the e-mail only gets one sent)."""
    token = data.get("token")
    if isinstance(token, str) and token:
        return {"token": token}, workflow.find_by_token(token)
    return {}, None


def _status_page(template: str, workflow: Workflow, permohonan: Permohonan, **context: Any) -> str:
    status = workflow.status(permohonan)
    steps = [describe(event, workflow) for event in permohonan.events]
    skipped = workflow.calendar.skipped_days(status.receipt.day, status.due)
    context.setdefault("objection_errors", {})
    context.setdefault("objection_values", {})
    context.setdefault("dispute_errors", {})
    context.setdefault("dispute_values", {})
    context.setdefault("response_errors", {})
    context.setdefault("response_values", {})
    return render_template(template, permohonan=permohonan, status=status, steps=steps, skipped=skipped,
                           handler=workflow.handler_name(status.dinas_slug),
                           delivered=workflow.delivered_files(permohonan),
                           objection_open=workflow.objection_refusal(status, permohonan) is None,
                           dispute_open=workflow.dispute_refusal(status) is None,
                           response_open=workflow.response_refusal(status) is None,
                           objection_grounds=_objection_grounds(),
                           letters=written_notice.issued_for(db_session(), permohonan), **context)


def _objection_grounds() -> list[tuple[str, str]]:
    return [(letter, objection_ground_label(letter)) for letter in OBJECTION_GROUNDS]


# -- officer desk ------------------------------------------------------------------------------


@blueprint.get("/permohonan/petugas/")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def antrian() -> str:
    """The officer's queue: requests of their dinas only, the nearest deadline first."""
    user = current_user()
    scope = dinas_scope(user, Role.OFFICER, Role.ATASAN)
    choices = _dinas_choices(user)
    chosen = request.args.get("dinas") or None
    if chosen is not None and chosen not in dict(choices):
        abort(404)
    workflow = _workflow()
    rows = workflow.queue(scope, dinas=chosen, include_closed=bool(request.args.get("semua")))
    return render_template("permohonan/petugas/antrian.html", rows=rows, choices=choices, chosen=chosen,
                           include_closed=bool(request.args.get("semua")), handler_name=workflow.handler_name,
                           edits_calendar=_edits_calendar(user))


@blueprint.route("/permohonan/petugas/daftar", methods=["GET", "POST"])
@login_required(Role.OFFICER, Role.ADMIN)
def daftar() -> ResponseReturnValue:
    """Record a request received by letter, e-mail, phone or in person (Pasal 22(1)-(3))."""
    user = current_user()
    if request.method == "POST":
        try:
            filed = _workflow().register(_form(request.form), officer=user, files=_files())
        except InvalidInput as error:
            db_session().rollback()
            return _filing_page("permohonan/petugas/daftar.html", error, officer=user), 422
        except WorkflowError as error:
            db_session().rollback()
            flash(str(error), "error")
            return _filing_page("permohonan/petugas/daftar.html", None, officer=user), 403
        db_session().commit()
        return redirect(url_for(".tanda_bukti", token=filed.token), 303)
    return _filing_page("permohonan/petugas/daftar.html", None, officer=user)


@blueprint.get("/permohonan/petugas/<int:permohonan_id>")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def detail(permohonan_id: int) -> str:
    return _detail_page(permohonan_id)


@blueprint.get("/permohonan/petugas/<int:permohonan_id>/dokumen/<int:index>")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def dokumen(permohonan_id: int, index: int) -> Response:
    """An identity document, decrypted for an officer of the request's dinas only; every opening is logged."""
    workflow, user = _workflow(), current_user()
    permohonan = workflow.find_for_officer(permohonan_id, user) or abort(404)
    try:
        reference, data = workflow.identity_document(permohonan, user, index)
    except WorkflowError:
        abort(404)
    response = Response(data, mimetype=reference["tipe"])
    response.headers["Content-Disposition"] = _attachment(documents.display_name(reference, permohonan.number))
    return response


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def _forward(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.forward(permohonan, officer=user, dinas=form.get("dinas", ""), reason=form.get("alasan", ""))


def _request_items(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.request_items(permohonan, officer=user, items=form.get("kekurangan", ""))


def _items_supplied(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.items_supplied(permohonan, officer=user, note=form.get("catatan", ""))


def _extend(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    try:
        days = int(form.get("hari", ""))
    except ValueError:
        raise InvalidInput({"hari": [_("Harus berupa bilangan bulat.")]}) from None
    return workflow.extend(permohonan, officer=user, days=days, reason=form.get("alasan", ""))


def _decide(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.decide(permohonan, officer=user, data=_decision(form))


def _close(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    files = [delivery.AnswerFile(upload.filename or "", upload.stream)
             for upload in request.files.getlist("berkas") if upload.filename]
    return workflow.close(permohonan, officer=user, reason=form.get("alasan", ""), note=form.get("catatan", ""),
                          files=files)


def _record_objection(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    data = {"alasan": form.getlist("alasan"), "kasus_posisi": form.get("kasus_posisi", "")}
    return workflow.file_objection(permohonan, data, officer=user)


def _answer_objection(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.answer_objection(permohonan, officer=user, data=_form(form))


def _record_deliberation(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.record_deliberation(permohonan, officer=user, data=_form(form))


def _record_response(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.record_response(permohonan, _form(form), officer=user)


def _record_dispute(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.record_dispute(permohonan, officer=user, data=_form(form))


def _record_dispute_outcome(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.record_dispute_outcome(permohonan, officer=user, data=_form(form))


def _record_court_case(workflow: Workflow, permohonan: Permohonan, user: User, form: MultiDict) -> object:
    return workflow.record_court_case(permohonan, officer=user, data=_form(form))


DISPUTE_ACTIONS = ("sengketa", "putusan-sengketa", "pengadilan")
"""Steps recorded from the Komisi Informasi's or a court's letters: whoever may view the request records them."""

ACTIONS: dict[str, tuple[EventKind, Callable[[Workflow, Permohonan, User, MultiDict], object]]] = {
    "teruskan": (EventKind.FORWARDED, _forward),
    "kelengkapan": (EventKind.ITEMS_REQUESTED, _request_items),
    "kelengkapan-dipenuhi": (EventKind.ITEMS_SUPPLIED, _items_supplied),
    "perpanjang": (EventKind.EXTENDED, _extend),
    "putuskan": (EventKind.DECIDED, _decide),
    "tutup": (EventKind.CLOSED, _close),
    "keberatan": (EventKind.OBJECTION_FILED, _record_objection),
    "jawab-keberatan": (EventKind.OBJECTION_DECIDED, _answer_objection),
    "musyawarah": (EventKind.DELIBERATION, _record_deliberation),
    "tanggapan-pemohon": (EventKind.REQUESTER_RESPONSE, _record_response),
    "sengketa": (EventKind.DISPUTE_FILED, _record_dispute),
    "putusan-sengketa": (EventKind.DISPUTE_DECIDED, _record_dispute_outcome),
    "pengadilan": (EventKind.COURT_CASE, _record_court_case),
}


@blueprint.post("/permohonan/petugas/<int:permohonan_id>/<action>")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def act(permohonan_id: int, action: str) -> ResponseReturnValue:
    kind, handler = ACTIONS.get(action) or abort(404)
    workflow, user = _workflow(), current_user()
    permohonan = workflow.find_for_officer(permohonan_id, user) or abort(404)
    try:
        done = handler(workflow, permohonan, user, request.form)
    except InvalidInput as error:
        db_session().rollback()
        return _detail_page(permohonan_id, action=action, errors=flatten(error.errors), values=request.form), 422
    except WorkflowError as error:
        db_session().rollback()
        flash(str(error), "error")
        return redirect(url_for(".detail", permohonan_id=permohonan_id), 303)
    db_session().commit()
    flash(_("Tercatat: %(step)s.", step=kind.label), "ok")
    if isinstance(done, PermohonanEvent) and done.payload.get("dasar_pengecualian") and not done.payload.get("dik"):
        flash(_("Penolakan ini tidak menyebut entri DIK. Catat informasi yang dikecualikan beserta uji konsekuensinya "
                "di Daftar Informasi yang Dikecualikan."), "error")
    return redirect(url_for(".detail", permohonan_id=permohonan_id), 303)


def _detail_page(permohonan_id: int, *, action: str | None = None, errors: Mapping[str, list[str]] | None = None,
                 values: Mapping[str, Any] | None = None) -> str:
    workflow, user = _workflow(), current_user()
    permohonan = workflow.find_for_officer(permohonan_id, user) or abort(404)
    status = workflow.status(permohonan)
    requester = workflow.requester_of(permohonan, user)
    nik = workflow.nik_of(requester)
    return render_template(
        "permohonan/petugas/detail.html",
        permohonan=permohonan,
        status=status,
        requester=requester,
        nik=nik,
        masked_nik=mask_nik(nik),
        identity_documents=[(index, documents.kind_label(reference["jenis"]),
                             documents.display_name(reference, permohonan.number), reference)
                            for index, reference in enumerate(requester.identity_documents)],
        skipped=workflow.calendar.skipped_days(status.receipt.day, status.due),
        deliveries=delivery_log(db_session(), permohonan),
        delivered=workflow.delivered_files(permohonan),
        letters=written_notice.issued_for(db_session(), permohonan),
        delivery_options=_options(DeliveryMethod),
        delivery_labels={"queued": _("menunggu dikirim"), "sent": _("diterima server surat"),
                         "saved": _("disimpan di folder outbox (SMTP belum diatur)"), "failed": _("gagal")},
        attempt_labels={"sent": _("diterima server surat"), "saved": _("disimpan di folder outbox"),
                        "failed": _("gagal"), None: _("tidak selesai (pengirim berhenti di tengah jalan)")},
        steps=[describe(event, workflow) for event in permohonan.events],
        handler=workflow.handler_name(status.dinas_slug),
        actions=_available_actions(permohonan, status, workflow, user),
        action=action,
        errors=errors or {},
        values=values or {},
        dinas_list=[(dinas.slug, dinas.name) for dinas in platform().registry.dinas if dinas.slug != status.dinas_slug],
        grounds=[(letter, exemption_label(letter)) for letter in EXEMPTION_GROUNDS],
        exemption_entries=[(str(entry.id), f"{entry.public_title} (Pasal 17 huruf {entry.pasal_17_letter})")
                           for entry in workflow.exemption_entries(status.dinas_slug)],
        published_answer=published_answers.for_request(db_session(), permohonan.id),
        outcome_options=_options(Outcome),
        close_options=_options(CloseReason),
        copy_format_options=_options(CopyFormat),
        pause_clock=_config().pause_clock_while_awaiting_items,
        objection_grounds=_objection_grounds(),
        objection_options=[(value, label) for value, label in _options(ObjectionDecision)
                           if value != ObjectionDecision.SETTLED],
        deliberation_options=[("ya", _("sepakat: keberatan selesai")),
                              ("tidak", _("tidak sepakat: keberatan tetap diperiksa"))],
        dispute_result_options=_options(DisputeResult),
        court_level_options=_options(CourtLevel),
    )


def _available_actions(permohonan: Permohonan, status: Status, workflow: Workflow, user: User) -> set[str]:
    """The forms to offer this user: the state machine's, minus what the law or the user's role rules out."""
    available = {name for name, (kind, _handler) in ACTIONS.items() if status.phase in ALLOWED_FROM[kind]}
    if status.extended or workflow.today() > status.base_due:
        available.discard("perpanjang")
    if status.decided_on is not None:
        available.discard("putuskan")
    if workflow.objection_refusal(status, permohonan) is not None:
        available.discard("keberatan")
    if workflow.dispute_refusal(status) is not None:
        available.discard("sengketa")
    if workflow.deliberation_refusal(status) is not None:
        available.discard("musyawarah")
    if workflow.response_refusal(status) is not None:
        available.discard("tanggapan-pemohon")
    dispute = status.objection.dispute if status.objection else None
    if dispute is None or not dispute.court_possible:
        available.discard("pengadilan")
    if not may_handle(user, status.dinas_slug):
        available &= {"jawab-keberatan", "musyawarah", "tanggapan-pemohon", *DISPUTE_ACTIONS}
    if not may_answer_objection(user, status.dinas_slug):
        available -= {"jawab-keberatan", "musyawarah"}
    return available


# -- working calendar (administrators) ---------------------------------------------------------


def _region_admin() -> User:
    """Holidays apply to every dinas: only a region-wide administrator changes them."""
    user = current_user()
    if not _edits_calendar(user):
        abort(403)
    return user


def _edits_calendar(user: User) -> bool:
    return dinas_scope(user, Role.ADMIN) is None


@blueprint.route("/permohonan/petugas/kalender", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def kalender() -> ResponseReturnValue:
    """The holiday table: add a regional holiday, a new cuti bersama or a closure, or cancel a listed holiday."""
    user = _region_admin()
    session = db_session()
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.form.get("tanggal", "").strip())
        except ValueError:
            day = None
        try:
            entry = holiday_table.add_entry(session, day=day, kind=request.form.get("jenis", ""),
                                            name=request.form.get("nama", ""), user=user)
        except holiday_table.CalendarEntryError as error:
            session.rollback()
            flash(str(error), "error")
            return _calendar_page(values=request.form), 422
        session.commit()
        flash(_("Tercatat: %(date)s sebagai %(kind)s. Batas waktu permohonan yang masih berjalan dihitung ulang.",
                date=deadlines.format_day(entry.day), kind=entry.kind.label), "ok")
        return redirect(url_for(".kalender"), 303)
    return _calendar_page(values={})


@blueprint.post("/permohonan/petugas/kalender/<int:entry_id>/hapus")
@login_required(Role.ADMIN)
def kalender_hapus(entry_id: int) -> ResponseReturnValue:
    user = _region_admin()
    session = db_session()
    try:
        entry = holiday_table.remove_entry(session, entry_id, user=user)
    except holiday_table.CalendarEntryError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".kalender"), 303)
    session.commit()
    flash(_("Entri %(date)s dihapus. Batas waktu permohonan yang masih berjalan dihitung ulang.",
            date=deadlines.format_day(entry.day)), "ok")
    return redirect(url_for(".kalender"), 303)


def _calendar_page(*, values: Mapping[str, Any]) -> str:
    session = db_session()
    calendar = _workflow().calendar
    year = calendar.local_date(utcnow()).year
    listed = [item for shown in (year, year + 1) for item in sorted(calendar.package_holidays(shown).items())]
    return render_template(
        "permohonan/petugas/kalender.html", entries=holiday_table.active_entries(session),
        removed=holiday_table.removed_entries(session), listed=listed, values=values,
        kinds=_options(HolidayKind), cuti_bersama_is_holiday=_config().calendar.cuti_bersama_is_holiday,
        calendar=calendar,
    )
# -- annual report, statistics and registers ---------------------------------------------------


@blueprint.get("/permohonan/statistik")
def statistik() -> str:
    """Public statistics (UU KIP Pasal 12): the annual report's figures for the whole region, no personal data."""
    year = _year()
    report = annual_report(_workflow(), year=year, scope=None, scope_label=_("Seluruh pemerintah daerah"))
    return render_template("permohonan/statistik.html", report=report, charts=_charts(report), years=_years())


@blueprint.get("/permohonan/petugas/laporan")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def laporan() -> str:
    """The annual information service report (Perki 1/2021 Pasal 56) for the officer's own dinas."""
    report = _officer_report()
    return render_template("permohonan/petugas/laporan.html", report=report, charts=_charts(report), years=_years())


@blueprint.get("/permohonan/petugas/laporan.pdf")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def laporan_pdf() -> Response:
    from ppid.permohonan import pdf  # reportlab is loaded when a PDF is first drawn

    report = _officer_report()
    document = pdf.report_pdf(report, issued_on=_workflow().today())
    return _download(document, "application/pdf", f"laporan-layanan-informasi-{report.year}.pdf")


REGISTER_FORMATS = {"csv": ("text/csv; charset=utf-8", registers.to_csv),
                    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", registers.to_xlsx)}
REGISTERS = {"permohonan": registers.request_register, "keberatan": registers.objection_register}


@blueprint.get("/permohonan/petugas/register-<jenis>.<berkas>")
@login_required(Role.OFFICER, Role.ADMIN, Role.ATASAN)
def register(jenis: str, berkas: str) -> Response:
    """The register of requests or of objections (kip-rules §5.5, §5.7), for the officer's own dinas only."""
    build, (media_type, write) = REGISTERS.get(jenis) or abort(404), REGISTER_FORMATS.get(berkas) or abort(404)
    user = current_user()
    year = _year()
    document = build(_workflow(), year=year, scope=dinas_scope(user, Role.OFFICER, Role.ATASAN), officer=user)
    return _download(write(document), media_type, f"register-{jenis}-{year}.{berkas}")


def _officer_report() -> AnnualReport:
    user = current_user()
    scope = dinas_scope(user, Role.OFFICER, Role.ATASAN)
    if scope is None:
        label = _("Seluruh pemerintah daerah")
    else:
        label = ", ".join(dinas.name for dinas in platform().registry.dinas if dinas.slug in scope)
    return annual_report(_workflow(), year=_year(), scope=scope, scope_label=label)


def _charts(report: AnnualReport) -> list[tuple[str, Any, list]]:
    """Each chart as inline SVG with its title and the rows it draws (shown as a table beside it)."""
    from ppid.permohonan import charts  # reportlab is loaded when a chart is first drawn

    return charts.for_page(report)


def _year() -> int:
    """The ``tahun`` asked for, or the current one; a year outside the registers' range is not found."""
    this_year = _workflow().today().year
    value = request.args.get("tahun", str(this_year))
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= this_year:
        abort(404)
    return int(value)


def _years() -> list[int]:
    return list(range(_workflow().today().year, FIRST_YEAR - 1, -1))


def _download(content: bytes, media_type: str, filename: str) -> Response:
    response = Response(content, mimetype=media_type.split(";")[0], content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _file_safe(text: str) -> str:
    return "".join(character if character.isalnum() else "-" for character in text)


# -- JSON API ----------------------------------------------------------------------------------


def _filing_schema() -> FilingSchema:
    return FilingSchema(dinas_slugs=[dinas.slug for dinas in platform().registry.dinas])


@blueprint.get("/api/v1/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of the JSON API below, generated from its schemas."""
    return jsonify(build_spec(current_app))


@api.post("")
@filing_limit
@documented(_("Ajukan permohonan informasi"), body=_filing_schema,
            responses={201: FiledDocumentSchema, 400: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema},
            headers={IDEMPOTENCY_HEADER: N_(
                "Opsional. Kunci sekali pakai pilihan klien (1-100 karakter ASCII, misalnya UUID). Bila permintaan "
                "diulang dengan kunci dan isi yang sama (misalnya setelah waktu tunggu habis), jawabannya sama "
                "dengan jawaban pertama: nomor pendaftaran dan tautan lacak yang sama, tanpa permohonan kedua. "
                "Kunci yang sama dengan isi berbeda ditolak dengan 422.")})
def api_file() -> tuple[Response, int]:
    """File a request; answers 201 with the number, the deadlines and the secret tracking link. A retry with the
    same ``Idempotency-Key`` header and body answers 201 with the first request (``Idempotent-Replayed: true``)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_json()
    workflow = _workflow()
    try:
        filed = workflow.file(data, channel=Channel.API, submission_key=request.headers.get(IDEMPOTENCY_HEADER))
    except InvalidInput as error:
        db_session().rollback()
        return jsonify(message=str(error), errors=error.errors), 422
    except SubmissionKeyReused as error:
        db_session().rollback()
        return jsonify(message=str(error)), 422
    db_session().commit()
    document = public_document(filed.permohonan, filed.status or workflow.status(filed.permohonan), workflow)
    document["token"] = filed.token
    document["tautan_lacak"] = platform().settings.public_url + url_for("permohonan.lacak_tautan", token=filed.token)
    response = jsonify(document)
    if filed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


@api.post("/lacak")
@tracking_limit
@documented(_("Lacak permohonan"), body=TRACKING_BODY,
            responses={200: TrackingDocumentSchema, 202: ErrorSchema, 400: ErrorSchema, 404: ErrorSchema,
                       422: ErrorSchema, 429: ErrorSchema})
def api_track() -> tuple[Response, int]:
    """Status by ``{"token": ...}`` (the secret of the tracking link; never any personal data). With
    ``{"nomor": ..., "email": ...}`` a tracking link is e-mailed to that address when the two match, and the answer
    is 202 either way: it never tells whether they did."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_json()
    workflow = _workflow()
    if "token" in data:
        try:
            token = TokenSchema().load(data)["token"]
        except ValidationError as error:
            invalid = InvalidInput(error.messages)
            return jsonify(message=str(invalid), errors=invalid.errors), 422
        permohonan = workflow.find_by_token(token)
        if permohonan is None:
            return jsonify(message=_("Permohonan tidak ditemukan: periksa tautan lacaknya.")), 404
        return jsonify(public_document(permohonan, workflow.status(permohonan), workflow)), 200
    try:
        given = TrackingSchema().load(data)
    except ValidationError as error:
        invalid = InvalidInput(error.messages)
        return jsonify(message=str(invalid), errors=invalid.errors), 422
    workflow.send_tracking_link(given["nomor"], given["email"])
    db_session().commit()
    return jsonify(message=_(LINK_SENT)), 202


@api.post("/keberatan")
@filing_limit
@documented(_("Ajukan keberatan"), body=OBJECTION_BODY,
            responses={201: TrackingDocumentSchema, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema,
                       422: ErrorSchema, 429: ErrorSchema})
def api_object() -> tuple[Response, int]:
    """File an objection: ``{"token"}`` (the secret of the tracking link), plus ``alasan`` (Pasal 35(1) letters) and
    ``kasus_posisi``. Answers 201 with the request's tracking document, which now holds the objection."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_json()
    workflow = _workflow()
    _identity, permohonan = _identify(workflow, data)
    if permohonan is None:
        return jsonify(message=_("Permohonan tidak ditemukan: periksa tautan lacaknya.")), 404
    objection = {key: value for key, value in data.items() if key != "token"}
    try:
        workflow.file_objection(permohonan, objection)
    except InvalidInput as error:
        db_session().rollback()
        return jsonify(message=str(error), errors=error.errors), 422
    except WorkflowError as error:
        db_session().rollback()
        return jsonify(message=str(error)), 409
    db_session().commit()
    return jsonify(public_document(permohonan, workflow.status(permohonan), workflow)), 201


@api.get("/pilihan")
@documented(_("Nilai yang diterima API pengajuan"), responses={200: ChoicesSchema})
def api_choices() -> Response:
    """The values the filing API accepts, with their labels, and the dinas to address."""
    def options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"kode": value, "label": label} for value, label in pairs]

    dinas = [(item.slug, item.name) for item in platform().registry.dinas]
    return jsonify(
        jenis_pemohon=options(_options(RequesterType)),
        cara_memperoleh=options(_options(AccessMethod)),
        format_salinan=options(_options(CopyFormat)),
        cara_mendapatkan_salinan=options(_options(DeliveryMethod)),
        alasan_keberatan=options(_objection_grounds()),
        dinas=options([*dinas, (UNSURE, _("Tidak tahu (diteruskan oleh PPID Utama)"))]),
    )


def _not_json() -> tuple[Response, int]:
    return jsonify(message=_("Kirim objek JSON dengan Content-Type: application/json.")), 400


# -- form helpers ------------------------------------------------------------------------------


def _files() -> dict[str, tuple[str | None, Any]]:
    """The identity documents chosen on the form (an empty file input sends a nameless empty part)."""
    return {field: (upload.filename, upload.stream) for field in documents.FIELDS.values()
            if (upload := request.files.get(field)) is not None and upload.filename}


def _form(form: MultiDict) -> dict[str, Any]:
    return {key: value for key, value in form.items() if key not in ("csrf_token", HONEYPOT, SUBMISSION_FIELD)}


def _decision(form: MultiDict) -> dict[str, Any]:
    """Nest ``uji_konsekuensi.informasi`` and ``penghitaman.0.bagian`` fields; keep the filled rows only."""
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        value: Any = form.getlist(key) if key == "dasar_pengecualian" else form.get(key)
        *parents, leaf = key.split(".")
        target = data
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    rows = data.get("penghitaman")
    if isinstance(rows, dict):
        data["penghitaman"] = [row for _index, row in sorted(rows.items())
                               if any(str(value).strip() for value in row.values())]
    test = data.get("uji_konsekuensi")
    if isinstance(test, dict) and not any(str(value).strip() for value in test.values()):
        del data["uji_konsekuensi"]  # a browser posts the empty consequence-test fields of a grant too
    return data


def _filing_page(template: str, error: InvalidInput | None, *, officer: User | None, keep_values: bool = True,
                 new_key: bool = False) -> str:
    """The filing form; the public one carries a one-time key, kept when the same filing is shown again with its
    errors (nothing was filed under it yet) and new otherwise."""
    registry = platform().registry
    if officer is None:
        dinas = [(item.slug, item.name) for item in registry.dinas] + [(UNSURE, _("Tidak tahu"))]
    else:
        dinas = _dinas_choices(officer)
    return render_template(
        template,
        errors=flatten(error.errors) if error else {},
        values=request.form if request.method == "POST" and keep_values else {},
        labels=_filing_labels(),
        strict_identity=officer is None,
        dinas_choices=dinas,
        requester_types=_options(RequesterType),
        access_methods=_options(AccessMethod),
        copy_formats=_options(CopyFormat),
        delivery_methods=_options(DeliveryMethod),
        channels=[(channel.value, channel.label) for channel in OFFICER_CHANNELS],
        office_closes_at=_config().calendar.office_closes_at,
        submission_field=SUBMISSION_FIELD,
        submission_key=(request.form.get(SUBMISSION_FIELD) if request.method == "POST" and keep_values and not new_key
                        else None)
        or secrets.token_urlsafe(24),
    )


def _options(enum_class: type) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


def _filing_labels() -> dict[str, str]:
    """Field labels, used next to each field and in the error summary."""
    return {
        "nama": _("Nama lengkap"),
        "jenis_pemohon": _("Pemohon sebagai"),
        "nik": _("NIK (Nomor Induk Kependudukan)"),
        "nomor_sk_pengesahan": _("Nomor SK pengesahan badan hukum"),
        "alamat": _("Alamat"),
        "pekerjaan": _("Pekerjaan"),
        "telepon": _("Nomor telepon"),
        "email": _("E-mail"),
        "dinas": _("Ditujukan kepada"),
        "rincian_informasi": _("Rincian informasi yang dibutuhkan"),
        "tujuan_penggunaan": _("Tujuan penggunaan informasi"),
        "cara_memperoleh": _("Cara memperoleh informasi"),
        "format_salinan": _("Bentuk salinan"),
        "cara_mendapatkan_salinan": _("Cara mendapatkan salinan"),
        "pernyataan": _("Pernyataan"),
        "dokumen_identitas": _("Pindaian KTP"),
        "surat_kuasa": _("Surat kuasa khusus"),
        "melalui_kuasa": _("Diajukan oleh kuasa"),
        "saluran": _("Diterima melalui"),
        "tanggal_diterima": _("Tanggal diterima"),
        "jam_diterima": _("Jam diterima"),
    }


def _dinas_choices(user: User) -> list[tuple[str, str]]:
    """The dinas an officer or atasan works for; region-wide ones also see the unrouted requests."""
    scope = dinas_scope(user, Role.OFFICER, Role.ATASAN)
    registry = platform().registry
    if scope is None:
        return [(item.slug, item.name) for item in registry.dinas] + [(UNSURE, _("Belum diteruskan (PPID Utama)"))]
    return [(item.slug, item.name) for item in registry.dinas if item.slug in scope]


blueprint.register_blueprint(api)
