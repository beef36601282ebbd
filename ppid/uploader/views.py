"""The officer's desk: dataset drafts of their dinas, uploads, reports, and the walidata's review.

Thin views over :mod:`ppid.uploader.service`. Every route checks the user's role and dinas; a draft
of another dinas answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal, format_percent
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role
from ppid.i18n import _, get_language
from ppid.pipeline.models import TrackedFile
from ppid.publication.classification import (
    CATEGORIES,
    CATEGORY_LABELS,
    MAX_PERIOD_MONTHS,
    PASAL_11_LETTERS,
    describe,
)
from ppid.registry import FREQUENCIES
from ppid.storage import StorageError
from ppid.uploader import checking, metadata, notices, presenters, service
from ppid.uploader.config import UploaderConfig
from ppid.uploader.models import Draft, DraftFile, DraftStatus, FileVersion, UploadSession, VersionState
from ppid.validation import list_schemas
from ppid.web import db_session, platform

blueprint = Blueprint("uploader", __name__, url_prefix="/unggah")


@blueprint.record_once
def _repair_checks(state) -> None:
    """A server that starts again finishes the checks a previous process left half-done."""
    checking.repair_in_background(state.app.extensions["ppid"])


@blueprint.context_processor
def _words() -> dict[str, Any]:
    """Statuses and the draft's record in words (:mod:`ppid.uploader.presenters`), never stored codes."""
    return {"words": presenters}


@blueprint.get("/")
@login_required()
def dashboard() -> str:
    user = current_user()
    session = db_session()
    scope = dinas_scope(user, Role.OFFICER, Role.WALIDATA)
    files_query = select(TrackedFile).order_by(TrackedFile.dinas_slug, TrackedFile.dataset_name, TrackedFile.key)
    drafts_query = select(Draft).order_by(Draft.updated_at.desc())
    if scope is not None:
        files_query = files_query.where(TrackedFile.dinas_slug.in_(scope))
        drafts_query = drafts_query.where(Draft.dinas_slug.in_(scope))
    drafts = session.scalars(drafts_query).all()
    return render_template(
        "uploader/dashboard.html",
        files=session.scalars(files_query).all(),
        drafts=drafts,
        to_review=[d for d in drafts if service.can_review(user, d)],
        notices=notices.unread(session, user.id),
        may_create=service.officer_dinas(user) != [],
        dinas_names=_dinas_names(),
    )


@blueprint.post("/pemberitahuan/<int:notice_id>/dibaca")
@login_required()
def notice_read(notice_id: int):
    notices.mark_read(db_session(), current_user().id, notice_id)
    db_session().commit()
    return redirect(url_for("uploader.dashboard"))


@blueprint.route("/draf/baru", methods=["GET", "POST"])
@login_required(Role.OFFICER, Role.ADMIN)
def new_draft():
    user = current_user()
    allowed = service.officer_dinas(user)
    choices = [d for d in platform().registry.dinas if allowed is None or d.slug in allowed]
    if not choices:
        abort(403)
    values = request.form if request.method == "POST" else request.args
    dinas = platform().registry.get(values.get("dinas") or choices[0].slug)
    if dinas is None or dinas not in choices:
        abort(404)
    dataset_slug = values.get("dataset") or ""
    registry_rules = metadata.registry_rules(dinas)
    existing = service.dataset_choices(db_session(), dinas.slug, list(registry_rules))
    errors: dict[str, str] = {}
    form = metadata.defaults_for(platform().registry, dinas, dataset_slug)
    if request.method == "POST":
        try:
            meta = metadata.load_metadata(request.form.to_dict())
        except metadata.MetadataError as error:
            errors = error.errors
            form = request.form.to_dict()
        else:
            slug = dataset_slug if dataset_slug in existing else metadata.dataset_slug_for(meta["title"])
            draft = service.create_draft(db_session(), dinas.slug, slug, meta, user)
            db_session().commit()
            flash(_("Draf dibuat. Sekarang unggah berkas datanya."), "ok")
            return redirect(url_for("uploader.draft", draft_id=draft.id))
    return render_template(
        "uploader/new.html", dinas_choices=choices, dinas=dinas, datasets=existing, dataset=dataset_slug,
        form=form, errors=errors, **_form_options(),
    ), 422 if errors else 200


@blueprint.get("/draf/<int:draft_id>")
@login_required()
def draft(draft_id: int) -> str:
    found = _draft_or_404(draft_id)
    user = current_user()
    return render_template(
        "uploader/draft.html", draft=found, dinas_names=_dinas_names(), form=found.meta, errors={},
        editable=service.can_edit(user, found), reviewable=service.can_review(user, found),
        checking=any(f.current.state == VersionState.CHECKING for f in found.files),
        schemas=list_schemas(platform().settings.schemas_dir), dataset_name=service.dataset_name(found),
        limits=service.uploader_settings(platform()), **_form_options(),
    )


@blueprint.post("/draf/<int:draft_id>/metadata")
@login_required(Role.OFFICER, Role.ADMIN)
def update_metadata(draft_id: int):
    found = _draft_or_404(draft_id)
    try:
        meta = metadata.load_metadata(request.form.to_dict())
        service.update_metadata(db_session(), found, meta, current_user())
    except metadata.MetadataError as error:
        user = current_user()
        return render_template(
            "uploader/draft.html", draft=found, dinas_names=_dinas_names(), form=request.form.to_dict(),
            errors=error.errors, editable=service.can_edit(user, found), reviewable=False, checking=False,
            schemas=list_schemas(platform().settings.schemas_dir), dataset_name=service.dataset_name(found),
            limits=service.uploader_settings(platform()), **_form_options(),
        ), 422
    except service.UploadRefused as error:
        return _refused(found, error)
    db_session().commit()
    flash(_("Metadata disimpan."), "ok")
    return redirect(url_for("uploader.draft", draft_id=draft_id))


@blueprint.post("/draf/<int:draft_id>/berkas")
@login_required(Role.OFFICER, Role.ADMIN)
def upload_form(draft_id: int):
    """The plain form (no JavaScript): one or more files, each stored whole."""
    found = _draft_or_404(draft_id)
    limit = service.uploader_settings(platform())["form_max_size"]
    if request.content_length is not None and request.content_length > limit + 1024 * 1024:
        return _refused(found, service.UploadRefused(_(
            "Unggahan lewat formulir biasa paling besar %(max)s MB; aktifkan JavaScript untuk berkas yang lebih "
            "besar.", max=limit // service.MiB)), status=413)
    uploads = [f for f in request.files.getlist("berkas") if f.filename]
    if not uploads:
        return _refused(found, service.UploadRefused(_("Pilih minimal satu berkas untuk diunggah.")))
    replaces = _replaced_file(found, request.form.get("ganti"))
    session = db_session()
    stored = []
    for upload in uploads:
        try:
            version = service.store_file(platform(), session, found, current_user(), upload.filename, upload.stream,
                                         replaces=replaces)
        except service.UploadRefused as error:
            session.rollback()
            return _refused(found, error)
        stored.append(version.id)
        session.commit()  # stored for good: its check starts now
    return _after_check_started(draft_id, stored)


@blueprint.post("/draf/<int:draft_id>/berkas/<int:file_id>/skema")
@login_required(Role.OFFICER, Role.ADMIN)
def choose_schema(draft_id: int, file_id: int):
    found = _draft_or_404(draft_id)
    draft_file = _replaced_file(found, str(file_id)) or abort(404)
    try:
        service.choose_schema(platform(), db_session(), draft_file, request.form.get("skema") or None, current_user())
    except service.UploadRefused as error:
        return _refused(found, error)
    version_id = draft_file.current.id
    db_session().commit()
    return _after_check_started(draft_id, [version_id], flash_done=False)


@blueprint.post("/draf/<int:draft_id>/berkas/<int:file_id>/periksa-ulang")
@login_required(Role.OFFICER, Role.ADMIN)
def recheck(draft_id: int, file_id: int):
    """Check the current version again after a check that failed."""
    found = _draft_or_404(draft_id)
    draft_file = _replaced_file(found, str(file_id)) or abort(404)
    try:
        version = service.recheck(platform(), db_session(), draft_file, current_user())
    except service.UploadRefused as error:
        return _refused(found, error)
    version_id = version.id
    db_session().commit()
    return _after_check_started(draft_id, [version_id], flash_done=False)


# -- the check's progress --------------------------------------------------------------------------------------


@blueprint.get("/draf/<int:draft_id>/pemeriksaan")
@login_required()
def progress(draft_id: int):
    """The files of a draft being checked, how far each has come; the draft page once every check is done.
    Without JavaScript the page reloads itself; uploader.js follows :func:`progress_json` instead."""
    found = _draft_or_404(draft_id)
    files = _checking(found)
    if not files:
        return redirect(url_for("uploader.draft", draft_id=draft_id)), 303
    return render_template("uploader/progress.html", draft=found, files=files, refresh=REFRESH_SECONDS,
                           json_url=url_for("uploader.progress_json", draft_id=draft_id),
                           done_url=url_for("uploader.draft", draft_id=draft_id))


@blueprint.get("/draf/<int:draft_id>/pemeriksaan.json")
@login_required()
def progress_json(draft_id: int):
    """``{"done": bool, "redirect": draft page, "files": [{version, name, state, rows, errors, bytes_read,
    bytes_total, percent, message}]}``: the progress page's data, for uploader.js (not a public API)."""
    found = _draft_or_404(draft_id)
    files = _checking(found)
    response = jsonify(done=not files, redirect=url_for("uploader.draft", draft_id=draft_id), files=files)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- chunked uploads (JSON, used by ppid/static/uploader.js) -------------------------------------------------------


@blueprint.post("/draf/<int:draft_id>/unggahan")
@login_required(Role.OFFICER, Role.ADMIN)
def begin_upload(draft_id: int):
    """Open a resumable upload: the answer says the part size and where to send each part."""
    found = _draft_or_404(draft_id)
    body = request.get_json(silent=True) or {}
    size = body.get("size")
    if not isinstance(size, int):
        return jsonify(error=_("Ukuran berkas tidak diketahui; pilih berkasnya lagi.")), 400
    replaces = _replaced_file(found, str(body["ganti"]) if body.get("ganti") else None)
    try:
        upload = service.begin_chunked(platform(), db_session(), found, current_user(), str(body.get("name") or ""),
                                       size, replaces=replaces)
    except service.UploadRefused as error:
        db_session().rollback()
        return jsonify(error=str(error)), 400
    db_session().commit()
    return jsonify(_upload_json(upload)), 201


@blueprint.get("/unggahan/<upload_id>")
@login_required(Role.OFFICER, Role.ADMIN)
def upload_status(upload_id: str):
    upload = _upload_or_404(upload_id)
    return jsonify(_upload_json(upload))


@blueprint.put("/unggahan/<upload_id>/bagian/<int:number>")
@login_required(Role.OFFICER, Role.ADMIN)
def upload_part(upload_id: str, number: int):
    upload = _upload_or_404(upload_id)
    try:
        service.receive_part(platform(), db_session(), upload, number, request.stream, request.content_length)
    except service.UploadRefused as error:
        db_session().rollback()
        return jsonify(error=str(error)), 400
    except StorageError as error:
        db_session().rollback()
        return jsonify(error=str(error)), 503
    db_session().commit()
    return jsonify(_upload_json(upload))


@blueprint.post("/unggahan/<upload_id>/selesai")
@login_required(Role.OFFICER, Role.ADMIN)
def finish_upload(upload_id: str):
    upload = _upload_or_404(upload_id)
    draft_id = upload.draft_id
    try:
        version = service.finish_chunked(platform(), db_session(), upload, current_user())
    except (service.UploadRefused, StorageError) as error:
        db_session().rollback()
        return jsonify(error=str(error)), 400
    version_id = version.id
    db_session().commit()
    done = checking.wait(platform(), [version_id], _report_wait())
    db_session().expire_all()
    state = db_session().get(FileVersion, version_id).state
    target = "uploader.draft" if done else "uploader.progress"
    return jsonify(version=version_id, state=state.value, redirect=url_for(target, draft_id=draft_id))


# -- review ---------------------------------------------------------------------------------------------------


@blueprint.post("/draf/<int:draft_id>/ajukan")
@login_required(Role.OFFICER, Role.ADMIN)
def submit(draft_id: int):
    found = _draft_or_404(draft_id)
    try:
        service.submit(db_session(), found, current_user())
    except service.UploadRefused as error:
        return _refused(found, error)
    db_session().commit()
    flash(_("Draf diajukan ke walidata untuk ditinjau."), "ok")
    return redirect(url_for("uploader.draft", draft_id=draft_id))


@blueprint.post("/draf/<int:draft_id>/setujui")
@login_required(Role.WALIDATA, Role.ADMIN)
def approve(draft_id: int):
    found = _draft_or_404(draft_id)
    try:
        job = service.approve(platform(), db_session(), found, current_user())
    except service.UploadRefused as error:
        return _refused(found, error, status=403)
    if job.queued:
        flash(_("Draf disetujui; penerbitannya sedang berjalan di latar belakang."), "ok")
    elif job.inline_result is None:
        flash(_("Draf disetujui tetapi belum dapat diterbitkan; lihat catatan riwayat lalu setujui lagi."), "error")
    else:
        flash(_("Draf disetujui dan diterbitkan melalui pipeline."), "ok")
    return redirect(url_for("uploader.draft", draft_id=draft_id))


@blueprint.post("/draf/<int:draft_id>/kembalikan")
@login_required(Role.WALIDATA, Role.ADMIN)
def send_back(draft_id: int):
    found = _draft_or_404(draft_id)
    try:
        service.send_back(db_session(), found, current_user(), request.form.get("komentar", ""))
    except service.UploadRefused as error:
        return _refused(found, error)
    db_session().commit()
    flash(_("Draf dikembalikan ke petugas dengan catatan Anda."), "ok")
    return redirect(url_for("uploader.draft", draft_id=draft_id))


# -- helpers ----------------------------------------------------------------------------------------------------

REFRESH_SECONDS = 2
"""How often the progress page reloads itself without JavaScript (uploader.js asks up to 4 times a second)."""


def _report_wait() -> float:
    return UploaderConfig.from_settings(platform().settings).report_wait_seconds


def _after_check_started(draft_id: int, version_ids: list[int], *, flash_done: bool = True):
    """The report at once when the checks end within ``report_wait_seconds`` (most files), else their progress."""
    if checking.wait(platform(), version_ids, _report_wait()):
        if flash_done:
            flash(_("Berkas diunggah dan diperiksa. Lihat hasilnya di bawah."), "ok")
        return redirect(url_for("uploader.draft", draft_id=draft_id))
    return redirect(url_for("uploader.progress", draft_id=draft_id), 303)


def _checking(found: Draft) -> list[dict[str, Any]]:
    """The draft's files waiting for their report, with how far each check has come; a check that no process
    will finish (its server restarted, its worker killed) is started again on the way."""
    session = db_session()
    session.expire_all()
    versions = [f.current for f in found.files if f.current.state == VersionState.CHECKING]
    if versions and checking.repair(platform(), [v.id for v in versions]):
        session.expire_all()
    files = []
    for version in versions:
        progress = checking.read_progress(platform(), version.id)
        state = progress.state if progress else checking.QUEUED
        files.append({
            "version": version.id, "file": version.file_id, "name": version.name, "state": state,
            "rows": progress.rows if progress else 0, "errors": progress.errors if progress else 0,
            "bytes_read": progress.bytes_read if progress else None,
            "bytes_total": progress.bytes_total if progress else None,
            "percent": progress.percent if progress else None,
            "message": _progress_message(state, progress),
        })
    return files


def _progress_message(state: str, progress: checking.CheckProgress | None) -> str:
    if progress is None or state == checking.QUEUED:
        return _("Menunggu giliran pemeriksaan…")
    if progress.rows == 0:
        return _("Mulai membaca berkas…")
    language = get_language()
    text = _("Memeriksa baris %(rows)s … %(errors)s kesalahan sejauh ini",
             rows=format_decimal(progress.rows, locale=language),
             errors=format_decimal(progress.errors, locale=language))
    if progress.percent is not None:
        text += f" ({format_percent(progress.percent / 100, locale=language)})"
    return text



def _draft_or_404(draft_id: int) -> Draft:
    found = db_session().get(Draft, draft_id)
    scope = dinas_scope(current_user(), Role.OFFICER, Role.WALIDATA)
    if found is None or (scope is not None and found.dinas_slug not in scope):
        abort(404)
    return found


def _upload_or_404(upload_id: str) -> UploadSession:
    upload = db_session().get(UploadSession, upload_id)
    if upload is None or upload.user_id != current_user().id:
        abort(404)
    _draft_or_404(upload.draft_id)
    return upload


def _replaced_file(found: Draft, file_id: str | None) -> DraftFile | None:
    if not file_id:
        return None
    draft_file = db_session().get(DraftFile, int(file_id)) if file_id.isdigit() else None
    if draft_file is None or draft_file.draft_id != found.id:
        abort(404)
    return draft_file


def _upload_json(upload: UploadSession) -> dict[str, Any]:
    return {
        "id": upload.id,
        "size": upload.size,
        "part_size": upload.part_size,
        "part_count": upload.part_count,
        "parts": {str(number): size for number, size in service.received_parts(upload).items()},
        "part_url": url_for("uploader.upload_part", upload_id=upload.id, number=0).rsplit("/", 1)[0] + "/",
        "finish_url": url_for("uploader.finish_upload", upload_id=upload.id),
        "status_url": url_for("uploader.upload_status", upload_id=upload.id),
    }


def _refused(found: Draft, error: Exception, status: int = 400):
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(error)), status
    flash(str(error), "error")
    return redirect(url_for("uploader.draft", draft_id=found.id)), 303


def _dinas_names() -> dict[str, str]:
    return {dinas.slug: dinas.name for dinas in platform().registry.dinas}


def _form_options() -> dict[str, Any]:
    return {"frequencies": FREQUENCIES, "levels": metadata.LEVELS, "licences": metadata.LICENCES,
            "help": metadata.HELP, "statuses": DraftStatus, "categories": CATEGORIES,
            "category_labels": CATEGORY_LABELS, "letters": PASAL_11_LETTERS, "max_period": MAX_PERIOD_MONTHS,
            "allowed": CATEGORIES, "prefix": "m", "category_of": describe}
