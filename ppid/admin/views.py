"""Officer sign-in, harvest runs and validation reports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ppid.accounts.auth import accounts_config, current_user, dinas_scope, login_required, sign_in, sign_out
from ppid.accounts.models import Role
from ppid.accounts.service import AccountError, authenticate, end_sessions
from ppid.admin import presenters
from ppid.pipeline.models import HarvestRun, ItemOutcome, TrackedFile, ValidationRecord, file_labels
from ppid.uploader.models import FileVersion
from ppid.uploader.service import versions_with_report
from ppid.validation import ValidationReport
from ppid.web import db_session, platform

blueprint = Blueprint("admin", __name__)


@blueprint.context_processor
def _words() -> dict[str, Any]:
    """Runs' counts and durations in words (:mod:`ppid.admin.presenters`), never stored codes."""
    return {"words": presenters}


@blueprint.route("/masuk", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        session = db_session()
        try:
            user = authenticate(session, request.form.get("username", ""), request.form.get("password", ""),
                                ip=request.remote_addr, config=accounts_config())
        except AccountError as error:
            session.commit()  # keep the failure count and the record of the attempt
            flash(str(error), "error")
            return render_template("admin/login.html"), 401
        session.commit()
        sign_in(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("workspace.home"))
    return render_template("admin/login.html")


@blueprint.post("/keluar")
def logout():
    """Sign out on every device: the session epoch moves on, so a copied cookie stops working too."""
    user = current_user()
    if user is not None:
        end_sessions(db_session(), user, ip=request.remote_addr)
        db_session().commit()
    sign_out()
    return redirect(url_for("portal.home"))


@blueprint.get("/admin/")
@login_required(Role.ADMIN, Role.WALIDATA)
def runs() -> str:
    recent = db_session().scalars(select(HarvestRun).order_by(HarvestRun.id.desc()).limit(50)).all()
    return render_template("admin/runs.html", runs=recent)


@blueprint.get("/admin/pemanenan/<int:run_id>")
@login_required(Role.ADMIN, Role.WALIDATA)
def run_detail(run_id: int) -> str:
    run = db_session().get(HarvestRun, run_id) or abort(404)
    return render_template("admin/run.html", run=run, reports=_invalid_file_reports(run),
                           labels=file_labels(db_session(), run.events))


def _invalid_file_reports(run: HarvestRun) -> dict[tuple[str, str], int]:
    """(source, file) → the validation report of each file the run found invalid, so the officer goes from the
    run straight to what to fix (the file's latest report: a later run may have found it valid or re-checked it)."""
    invalid = {(e.source_id, e.item_key) for e in run.events if e.outcome == ItemOutcome.INVALID and e.item_key}
    if not invalid:
        return {}
    rows = db_session().execute(
        select(TrackedFile.source_id, TrackedFile.key, TrackedFile.report_id).where(
            TrackedFile.source_id.in_({source for source, _key in invalid}),
            TrackedFile.key.in_({key for _source, key in invalid}),
            TrackedFile.report_id.is_not(None),
        )
    )
    return {(source, key): report_id for source, key, report_id in rows if (source, key) in invalid}


@blueprint.get("/laporan/<int:report_id>")
@login_required()
def report(report_id: int) -> str:
    record, tracked = _report_for_current_user(report_id)
    report = ValidationReport.from_dict(record.report)  # messages are rebuilt in the reader's language
    return render_template("admin/report.html", record=record, report=report, files=tracked)


@blueprint.get("/laporan/<int:report_id>/baris-perbaikan.csv")
@login_required()
def rows_to_fix(report_id: int):
    record, _tracked = _report_for_current_user(report_id)
    if not record.rows_to_fix_key:
        abort(404)
    return send_file(platform().storage.open(record.rows_to_fix_key), mimetype="text/csv",
                     download_name=f"baris-perbaikan-{report_id}.csv", as_attachment=True)


def _report_for_current_user(report_id: int) -> tuple[ValidationRecord, list[TrackedFile | FileVersion]]:
    """Officers see the reports of their own dinas only (harvested or uploaded); admins and the walidata see all."""
    session = db_session()
    record = session.get(ValidationRecord, report_id) or abort(404)
    files = session.scalars(select(TrackedFile).where(TrackedFile.report_id == report_id)).all()
    uploads = versions_with_report(session, report_id)
    owners = {f.dinas_slug for f in files} | {version.file.draft.dinas_slug for version in uploads}
    scope = dinas_scope(current_user(), Role.WALIDATA, Role.OFFICER)
    if scope is not None and not owners & scope:
        abort(404)
    return record, [*files, *uploads]


def _safe_next(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if not target:
        return None
    parsed = urlparse(target)
    return target if not parsed.scheme and not parsed.netloc and target.startswith("/") else None


