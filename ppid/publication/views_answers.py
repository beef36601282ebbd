"""Published answers: the officer's page that publishes a fulfilled request's answer, and the public pages that
list, search and serve them. Thin views over :mod:`ppid.publication.answers`.

Who may publish: the officers (and administrators) who may handle the request's dinas, as for every other step.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, login_required
from ppid.accounts.models import Role
from ppid.i18n import N_, _
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.models import CloseReason, EventKind, Permohonan
from ppid.permohonan.openapi import ErrorSchema, documented
from ppid.permohonan.views import CONFIG_KEY
from ppid.permohonan.workflow import Workflow, may_handle
from ppid.publication import answers
from ppid.publication.service import FormError
from ppid.web import db_session, platform

blueprint = Blueprint("jawaban", __name__)
api = Blueprint("api", __name__, url_prefix="/api/informasi-dimohonkan")


def _workflow() -> Workflow:
    return Workflow(db_session(), current_app.extensions[CONFIG_KEY], platform().registry,
                    storage=platform().storage)


@blueprint.after_request
def _officer_pages_private(response: Response) -> Response:
    """The publishing page shows what the check found (masked) in the requester's files: never cached."""
    if request.endpoint == "jawaban.publish":
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


# -- public ---------------------------------------------------------------------------------------------------


@blueprint.get("/informasi-dimohonkan")
def listing() -> str:
    query = request.args.get("q", "").strip()[:200]
    dinas = request.args.get("dinas", "")
    slugs = {item.slug for item in platform().registry.dinas}
    entries = answers.search(db_session(), query, dinas if dinas in slugs else None)
    return render_template("publication/answers.html", entries=entries, query=query, dinas=dinas,
                           dinas_list=platform().registry.dinas, dinas_names=_dinas_names(), day=format_day)


@api.get("")
@documented(_("Informasi yang telah dimohonkan"), responses={200: answers.InformasiDimohonkanSchema,
                                                              404: ErrorSchema}, query={
    "q": N_("Kata dalam pokok permohonan atau jawaban"),
    "dinas": N_("Slug perangkat daerah; tanpa ini, semua perangkat daerah"),
})
def api_listing() -> Response | tuple[Response, int]:
    """Published answers as JSON, newest first: the same entries as the page, with links to each page and to each
    redacted file; never the requester's identity. 404 for a dinas the platform does not know."""
    dinas = request.args.get("dinas", "")
    if dinas and dinas not in {item.slug for item in platform().registry.dinas}:
        return jsonify({"message": _("Perangkat daerah tidak dikenal.")}), 404
    entries = answers.search(db_session(), request.args.get("q", "").strip()[:200], dinas or None)
    base = platform().settings.public_url
    return jsonify(answers.as_json(
        entries, lambda entry: base + url_for("jawaban.show", entry_id=entry.id),
        lambda entry, index: base + url_for("jawaban.download", entry_id=entry.id, index=index)))


blueprint.register_blueprint(api)


@blueprint.get("/informasi-dimohonkan/<int:entry_id>")
def show(entry_id: int) -> str:
    entry = db_session().get(answers.PublishedAnswer, entry_id) or abort(404)
    user = current_user()
    return render_template("publication/answer.html", entry=entry, dinas_names=_dinas_names(), day=format_day,
                           may_withdraw=user is not None and may_handle(user, entry.dinas_slug))


@blueprint.get("/informasi-dimohonkan/<int:entry_id>/berkas/<int:index>")
def download(entry_id: int, index: int) -> Response:
    entry = db_session().get(answers.PublishedAnswer, entry_id) or abort(404)
    opened = answers.open_file(platform().storage, entry, index) or abort(404)
    reference, stream = opened
    response = Response(stream.read(), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(reference['nama_berkas'])}"
    return response


# -- officers -------------------------------------------------------------------------------------------------


@blueprint.route("/permohonan/petugas/<int:permohonan_id>/terbitkan-jawaban", methods=["GET", "POST"])
@login_required(Role.OFFICER, Role.ADMIN)
def publish(permohonan_id: int) -> ResponseReturnValue:
    """The answer's wording and the released files with what the check finds in them; publish on confirmation."""
    workflow, user = _workflow(), current_user()
    permohonan = workflow.find_for_officer(permohonan_id, user) or abort(404)
    status = workflow.status(permohonan)
    if not may_handle(user, status.dinas_slug):
        abort(404)
    published = answers.for_request(db_session(), permohonan.id)
    if published is not None:
        return redirect(url_for(".show", entry_id=published.id), 303)
    if status.close_reason != CloseReason.DELIVERED:
        flash(_("Jawaban dapat diterbitkan setelah permohonan ditutup dengan \u201cinformasi telah diserahkan\u201d."),
              "error")
        return redirect(url_for("permohonan.detail", permohonan_id=permohonan.id), 303)
    known = _known(workflow, permohonan)
    files = _files(workflow, permohonan)
    candidates = [answers.check_file(index, name, data, known) for index, (name, data) in enumerate(files)]
    errors: dict[str, str] = {}
    if request.method == "POST":
        release = answers.Release(
            subject=request.form.get("pokok", ""), answer=request.form.get("jawaban", ""),
            include=frozenset(_indexes("terbitkan")), confirmed=frozenset(_indexes("tanpa_data_pribadi")))
        try:
            entry = answers.publish(
                db_session(), platform().storage, permohonan_id=permohonan.id, number=permohonan.number,
                dinas_slug=status.dinas_slug, received_on=status.receipt.day, decided_on=status.decided_on,
                release=release, files=files, known=known, by=user.full_name)
        except FormError as error:
            db_session().rollback()
            errors = error.errors
        else:
            db_session().commit()
            flash(_("Jawaban permohonan %(number)s diterbitkan tanpa identitas pemohon.", number=permohonan.number),
                  "ok")
            return redirect(url_for(".show", entry_id=entry.id), 303)
    form = request.form if request.method == "POST" else {
        "pokok": answers.redact_text(permohonan.information_requested, [h.value for h in answers.findings(
            permohonan.information_requested, known)]),
        "jawaban": _decided_material(permohonan)}
    return render_template("publication/answer_publish.html", permohonan=permohonan, candidates=candidates,
                           errors=errors, form=form), 422 if errors else 200


@blueprint.post("/informasi-dimohonkan/<int:entry_id>/tarik")
@login_required(Role.OFFICER, Role.ADMIN)
def withdraw(entry_id: int) -> ResponseReturnValue:
    session = db_session()
    entry = session.get(answers.PublishedAnswer, entry_id) or abort(404)
    if not may_handle(current_user(), entry.dinas_slug):
        abort(404)
    answers.withdraw(session, platform().storage, entry)
    session.commit()
    flash(_("Jawaban yang diterbitkan telah ditarik."), "ok")
    return redirect(url_for("permohonan.detail", permohonan_id=entry.permohonan_id), 303)


def _known(workflow: Workflow, permohonan: Permohonan) -> list[str]:
    requester = workflow.requester_of(permohonan, current_user())
    return answers.requester_values(requester.full_name, workflow.nik_of(requester), requester.address,
                                    requester.phone, requester.email, requester.occupation)


def _files(workflow: Workflow, permohonan: Permohonan) -> list[tuple[str, bytes]]:
    files = []
    for index, reference in enumerate(workflow.delivered_files(permohonan)):
        opened = workflow.open_delivered(permohonan, index)
        if opened is not None:
            stream = opened[1]
            try:
                files.append((reference["nama_berkas"], stream.read()))
            finally:
                stream.close()
    return files


def _decided_material(permohonan: Permohonan) -> str:
    decisions = [event.payload for event in permohonan.events if event.kind == EventKind.DECIDED]
    return decisions[-1].get("materi", "") if decisions else ""


def _indexes(name: str) -> list[int]:
    return [int(value) for value in request.form.getlist(name) if value.isdigit()]


def _dinas_names() -> dict[str | None, str]:
    return {None: _("PPID Utama"), **{item.slug: item.name for item in platform().registry.dinas}}
