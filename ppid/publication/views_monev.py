"""The monev evidence pack on the web: the answered questionnaire of a dinas (or the pemda) for a monev year, its
PDF and ZIP, and the administrator's answers to what the platform cannot know. Thin views over
:mod:`ppid.publication.monev` and :mod:`ppid.publication.monev_pack`.

Officers, atasan, the walidata and administrators see the pack of the dinas of their grants (region-wide grants:
every dinas and the pemda); only administrators enter answers, each for the dinas of their grant.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role
from ppid.i18n import _
from ppid.permohonan import registers, service_report
from ppid.permohonan.views import CONFIG_KEY, FIRST_YEAR
from ppid.permohonan.workflow import Workflow
from ppid.publication import monev, monev_pack
from ppid.web import catalogue_reader, db_session, platform

blueprint = Blueprint("monev", __name__)
READERS = (Role.OFFICER, Role.ATASAN, Role.WALIDATA, Role.ADMIN)


def _workflow() -> Workflow:
    return Workflow(db_session(), current_app.extensions[CONFIG_KEY], platform().registry)


def _chosen(*roles: Role) -> tuple[int, str | None]:
    """The monev year and dinas asked for, within the user's grants; a dinas-bound user defaults to their dinas."""
    this_year = _workflow().today().year
    year = request.args.get("tahun", str(this_year))
    if not year.isdigit() or not FIRST_YEAR < int(year) <= this_year:
        abort(404)
    slug = request.args.get("dinas") or None
    if slug is not None and platform().registry.get(slug) is None:
        abort(404)
    scope = dinas_scope(current_user(), *roles)
    if scope is not None:
        slug = slug or min(scope, default=None)
        if slug is None or slug not in scope:
            abort(403)
    return int(year), slug


def _questionnaire() -> monev.Questionnaire:
    """The questionnaire profile; a profile that cannot be used is said in words on a page of its own (503)."""
    try:
        return monev.load_questionnaire(platform().settings.config_dir)
    except monev.MonevError as error:
        abort(Response(render_template("publication/monev_unavailable.html", message=str(error)), status=503))


def _pack(year: int, slug: str | None) -> monev.Pack:
    settings = platform().settings
    return monev.build(_workflow(), catalogue_reader(), _questionnaire(), year=year, dinas_slug=slug,
                       portal_url=settings.public_url, config_dir=settings.config_dir)


@blueprint.get("/petugas/monev")
@login_required(*READERS)
def page() -> str:
    year, slug = _chosen(*READERS)
    return _page(year, slug)


def _page(year: int, slug: str | None, values: dict[str, str] | None = None) -> str:
    pack = _pack(year, slug)
    user = current_user()
    scope = dinas_scope(user, *READERS)
    admin_scope = dinas_scope(user, Role.ADMIN)  # empty for a user without an administrator's grant
    may_enter = admin_scope is None or (slug is not None and slug in admin_scope)
    if values is None:
        values = {key: item.value for key, item in pack.records.admin.items()}
    return render_template("publication/monev.html", pack=pack, values=values, may_enter=may_enter,
                           dinas_list=[d for d in platform().registry.dinas if scope is None or d.slug in scope],
                           region=scope is None, years=range(_workflow().today().year, FIRST_YEAR, -1),
                           args={"tahun": year, **({"dinas": slug} if slug else {})})


@blueprint.post("/petugas/monev")
@login_required(Role.ADMIN)
def save() -> ResponseReturnValue:
    """The administrator's answers for the dinas (or the pemda) and year of the page."""
    year, slug = _chosen(Role.ADMIN)
    session = db_session()
    try:
        monev.save_admin_items(session, _questionnaire(), year, slug, request.form, by=current_user().full_name)
    except monev.MonevError as error:
        session.rollback()
        flash(str(error), "error")
        return _page(year, slug, values=dict(request.form)), 422
    session.commit()
    flash(_("Isian monev tersimpan."), "ok")
    return redirect(url_for(".page", tahun=year, **({"dinas": slug} if slug else {})), 303)


@blueprint.get("/petugas/monev/ringkasan.pdf")
@login_required(*READERS)
def summary_pdf() -> Response:
    year, slug = _chosen(*READERS)
    return _download(monev_pack.summary_pdf(_pack(year, slug)), "application/pdf",
                     f"monev-{year}-{slug or 'pemda'}.pdf")


@blueprint.get("/petugas/monev/bukti.zip")
@login_required(*READERS)
def bundle() -> Response:
    """The ZIP of the evidence; the registers in it carry no personal data."""
    year, slug = _chosen(*READERS)
    pack = _pack(year, slug)
    workflow = _workflow()
    scope = None if slug is None else {slug}
    officer = current_user()
    content = monev_pack.bundle(
        pack,
        request_register=registers.request_register(workflow, year=year - 1, scope=scope, officer=officer),
        objection_register=registers.objection_register(workflow, year=year - 1, scope=scope, officer=officer),
        annual_report_pdf=lambda: _annual_report_pdf(year - 1),
    )
    return _download(content, "application/zip", f"bukti-monev-{year}-{slug or 'pemda'}.zip")


def _annual_report_pdf(year: int) -> bytes | None:
    from ppid.permohonan import pdf  # reportlab is loaded when a PDF is first drawn

    version = service_report.find_version(db_session(), year)
    return None if version is None else pdf.service_report_pdf(service_report.issued(version))


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
