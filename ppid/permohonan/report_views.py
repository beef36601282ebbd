"""The annual service report on the web: public pages and PDFs of each finalised year and of each semester, and
the administrator's pages that write sections A, B, E and F, finalise a year and record the copy sent to the
Komisi Informasi. Thin views over :mod:`ppid.permohonan.service_report`.

The public pages need no sign-in (UU KIP Pasal 11(1)(h)) and show counts and the pemda's own texts only.
The administrator's pages are for region-wide administrators: the report covers the whole pemda.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role, User
from ppid.i18n import _
from ppid.permohonan import deadlines, service_report
from ppid.permohonan.statistics import AnnualReport, annual_report
from ppid.permohonan.views import CONFIG_KEY, FIRST_YEAR
from ppid.permohonan.workflow import Workflow
from ppid.web import db_session, platform

blueprint = Blueprint("laporan_layanan", __name__)
SEMESTER_NAMES = {1: "I", 2: "II"}
SEMESTER_YEARS = 5
"""The public list links the semester summaries of this many past years (any year's is at its address)."""


@blueprint.context_processor
def _helpers() -> dict[str, Any]:
    return {"tanggal": deadlines.format_day, "semesters": SEMESTER_NAMES}


def _workflow() -> Workflow:
    return Workflow(db_session(), current_app.extensions[CONFIG_KEY], platform().registry)


# -- public ----------------------------------------------------------------------------------------


@blueprint.get("/laporan-layanan/")
def daftar() -> str:
    """The years whose report is finalised, and the semester summaries of the years so far."""
    today = _workflow().today()
    return render_template("permohonan/laporan_layanan/daftar.html",
                           years=service_report.published_years(db_session()),
                           semester_years=range(today.year, max(FIRST_YEAR, today.year - SEMESTER_YEARS) - 1, -1),
                           today=today)


@blueprint.get("/laporan-layanan/<int:year>")
def laporan(year: int) -> str:
    """A finalised report, its latest version unless ``versi`` names an earlier one."""
    report = _issued(year)
    return render_template("permohonan/laporan_layanan/laporan.html", report=report,
                           charts=_charts(report.figures), versions=service_report.versions(db_session(), year))


@blueprint.get("/laporan-layanan/<int:year>.pdf")
def laporan_pdf(year: int) -> Response:
    from ppid.permohonan import pdf  # reportlab is loaded when a PDF is first drawn

    report = _issued(year)
    return _pdf(pdf.service_report_pdf(report), f"laporan-layanan-informasi-{year}-versi-{report.version}.pdf")


@blueprint.get("/laporan-layanan/<int:year>/semester-<int:semester>")
def semester(year: int, semester: int) -> str:
    report = _semester(year, semester)
    return render_template("permohonan/laporan_layanan/semester.html", report=report, semester=semester,
                           charts=_charts(report))


@blueprint.get("/laporan-layanan/<int:year>/semester-<int:semester>.pdf")
def semester_pdf(year: int, semester: int) -> Response:
    from ppid.permohonan import pdf

    report = _semester(year, semester)
    title = _("Ringkasan layanan informasi publik semester %(semester)s tahun %(year)s",
              semester=SEMESTER_NAMES[semester], year=year)
    return _pdf(pdf.report_pdf(report, issued_on=_workflow().today(), title=title),
                f"ringkasan-layanan-informasi-{year}-semester-{semester}.pdf")


def _issued(year: int) -> service_report.IssuedReport:
    number = request.args.get("versi")
    if number is not None and not number.isdigit():
        abort(404)
    version = service_report.find_version(db_session(), year, int(number) if number else None)
    return service_report.issued(version) if version else abort(404)


def _semester(year: int, semester: int) -> AnnualReport:
    """Semester I (January-June) or II (July-December), from the records as they stand today."""
    workflow = _workflow()
    if semester not in service_report.SEMESTERS or not FIRST_YEAR <= year <= workflow.today().year:
        abort(404)
    return annual_report(workflow, year=year, scope=None, scope_label=_(service_report.REGION),
                         months=service_report.SEMESTERS[semester])


def _charts(report: AnnualReport) -> list:
    from ppid.permohonan import charts  # reportlab is loaded when a chart is first drawn

    return charts.for_page(report)


def _pdf(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- the administrator -----------------------------------------------------------------------------


def _region_admin() -> User:
    """The report covers every dinas: only a region-wide administrator writes and finalises it."""
    user = current_user()
    if dinas_scope(user, Role.ADMIN) is not None:
        abort(403)
    return user


@blueprint.route("/admin/laporan-layanan/", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def admin() -> ResponseReturnValue:
    """Sections A and B, the years to finalise, and the reminder of the copy owed to the Komisi Informasi."""
    user = _region_admin()
    session = db_session()
    if request.method == "POST":
        try:
            service_report.save_profile(session, request.form, by=user)
        except service_report.ReportError as error:
            session.rollback()
            flash(str(error), "error")
            return _admin_page(values=request.form), 422
        session.commit()
        flash(_("Bagian A dan B tersimpan; berlaku untuk laporan yang difinalisasi berikutnya."), "ok")
        return redirect(url_for(".admin"), 303)
    return _admin_page(values=service_report.profile(session))


def _admin_page(*, values: Any) -> str:
    session = db_session()
    today = _workflow().today()
    return render_template("permohonan/laporan_layanan/admin.html", values=values,
                           policy=service_report.POLICY, implementation=service_report.IMPLEMENTATION,
                           reminder=service_report.ki_copy_due(session, today),
                           years=range(today.year - 1, FIRST_YEAR - 1, -1),
                           published=set(service_report.published_years(session)))


@blueprint.route("/admin/laporan-layanan/<int:year>", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def admin_tahun(year: int) -> ResponseReturnValue:
    """Sections E and F of ``year``, its versions, finalising, and the copies sent to the Komisi Informasi."""
    user = _region_admin()
    session = db_session()
    _year_or_404(year)
    if request.method == "POST":
        try:
            service_report.save_year_texts(session, year, request.form, by=user)
        except service_report.ReportError as error:
            session.rollback()
            flash(str(error), "error")
            return _year_page(year, values=request.form), 422
        session.commit()
        flash(_("Bagian E dan F tahun %(year)s tersimpan.", year=year), "ok")
        return redirect(url_for(".admin_tahun", year=year), 303)
    return _year_page(year, values=service_report.year_texts(session, year))


@blueprint.post("/admin/laporan-layanan/<int:year>/finalisasi")
@login_required(Role.ADMIN)
def finalisasi(year: int) -> ResponseReturnValue:
    user = _region_admin()
    _year_or_404(year)
    workflow = _workflow()
    try:
        version = service_report.finalise(workflow, year, by=user, reason=request.form.get("alasan", ""))
    except service_report.ReportError as error:
        workflow.session.rollback()
        flash(str(error), "error")
        return _year_page(year, values=service_report.year_texts(workflow.session, year)), 422
    workflow.session.commit()
    flash(_("Laporan tahun %(year)s versi %(version)s difinalisasi dan diumumkan di portal.", year=year,
            version=version.version), "ok")
    return redirect(url_for(".admin_tahun", year=year), 303)


@blueprint.post("/admin/laporan-layanan/<int:year>/salinan-ki")
@login_required(Role.ADMIN)
def salinan_ki(year: int) -> ResponseReturnValue:
    """Record that the copy went to the Komisi Informasi: on which day and how."""
    user = _region_admin()
    _year_or_404(year)
    workflow = _workflow()
    try:
        sent_on = date.fromisoformat(request.form.get("tanggal", "").strip())
    except ValueError:
        flash(_("Isi tanggal pengiriman."), "error")
        return _year_page(year, values=service_report.year_texts(workflow.session, year)), 422
    try:
        service_report.record_ki_copy(workflow, year, sent_on=sent_on, method=request.form.get("cara", ""), by=user)
    except service_report.ReportError as error:
        workflow.session.rollback()
        flash(str(error), "error")
        return _year_page(year, values=service_report.year_texts(workflow.session, year)), 422
    workflow.session.commit()
    flash(_("Tercatat: salinan laporan tahun %(year)s dikirim ke Komisi Informasi pada %(date)s.", year=year,
            date=deadlines.format_day(sent_on)), "ok")
    return redirect(url_for(".admin_tahun", year=year), 303)


def _year_or_404(year: int) -> None:
    if not FIRST_YEAR <= year <= _workflow().today().year:
        abort(404)


def _year_page(year: int, *, values: Any) -> str:
    session = db_session()
    workflow = _workflow()
    return render_template("permohonan/laporan_layanan/admin_tahun.html", year=year, values=values,
                           obstacles=service_report.OBSTACLES, follow_up=service_report.FOLLOW_UP,
                           versions=service_report.versions(session, year),
                           copies=service_report.ki_copies(session, year),
                           deadline=service_report.ki_deadline(year), ended=year < workflow.today().year,
                           today=workflow.today())
