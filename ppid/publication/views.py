"""The public registers (DIP, DIK) and the officer pages that keep them: thin views over the publication package.

Who may act: the walidata (and the administrator) classify; a dinas's officers, its walidata and the
administrator declare DIP entries and record the SK, each only for the dinas of their grants.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role
from ppid.i18n import N_, _
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.openapi import documented
from ppid.pipeline.publication import publish_dataset
from ppid.publication import dik, dik_citations, dip, exports, service
from ppid.publication.classification import (
    CATEGORIES,
    CATEGORY_LABELS,
    DIKECUALIKAN,
    MAX_PERIOD_MONTHS,
    PASAL_11_LETTERS,
)
from ppid.publication.models import DeclaredInformation, DipDecree, ExemptInformation
from ppid.publishing.publisher import open_publisher
from ppid.web import db_session, platform, read_action

log = logging.getLogger(__name__)
blueprint = Blueprint("publikasi", __name__)
api = Blueprint("api", __name__, url_prefix="/api/informasi-publik")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
CLASSIFIERS = (Role.WALIDATA, Role.ADMIN)
KEEPERS = (Role.OFFICER, Role.WALIDATA, Role.ADMIN)


# -- public ---------------------------------------------------------------------------------------------------


@blueprint.get("/informasi-publik")
def dip_page() -> str:
    listing = _listing()
    formats = sorted({part for row in listing.all_rows for part in row.formats.split(", ") if part})
    return render_template(
        "publication/dip.html", rows=listing.rows, total=len(listing.all_rows), scope=listing.scope,
        decree=listing.decree, formats=formats, day=format_day, dinas_list=platform().registry.dinas,
        categories=[c for c in CATEGORIES if c != DIKECUALIKAN], category_labels=CATEGORY_LABELS, args=_filters(),
    )


@blueprint.get("/informasi-publik/unduh.<fmt>")
def dip_export(fmt: str) -> Response:
    if fmt not in MIMETYPES:
        abort(404)
    listing = _listing()
    if fmt == "json":
        body = exports.dip_json(listing.title, listing.rows, listing.decree, _decree_url(listing.decree))
    elif fmt == "pdf":
        body = exports.dip_pdf(listing.title, listing.rows, listing.decree)
    elif fmt == "xlsx":
        body = exports.dip_xlsx(listing.title, listing.rows)
    else:
        body = exports.dip_csv(listing.title, listing.rows)
    name = f"daftar-informasi-publik-{listing.slug or 'pemda'}.{fmt}"
    return Response(body, mimetype=MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("")
@documented(_("Daftar Informasi Publik"), responses={200: exports.DaftarInformasiPublikSchema}, query={
    "dinas": N_("Slug perangkat daerah; tanpa ini, DIP pemerintah daerah"),
    "q": N_("Kata dalam judul atau ringkasan"),
    "kategori": N_("berkala, serta-merta atau setiap-saat"),
    "format": N_("Format berkas, misalnya CSV atau PDF"),
})
def api_dip() -> Response:
    """The DIP as JSON (the same document as the JSON download), without exempt information."""
    listing = _listing()
    return Response(exports.dip_json(listing.title, listing.rows, listing.decree, _decree_url(listing.decree)),
                    mimetype="application/json")


@blueprint.get("/informasi-publik/sk/<int:decree_id>/<filename>")
def decree_document(decree_id: int, filename: str) -> Response:
    """The SK establishing a DIP: a public decision (Pasal 11(1)(b)), anyone may read it."""
    decree = db_session().get(DipDecree, decree_id)
    if decree is None or decree.file_name != filename:
        abort(404)
    storage = platform().storage
    url = storage.url(decree.storage_key, filename=decree.file_name, content_type="application/pdf")
    if url is not None:
        return redirect(url)
    return Response(storage.open(decree.storage_key).read(), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{decree.file_name}"'})


blueprint.register_blueprint(api)


# -- officers -------------------------------------------------------------------------------------------------


@blueprint.get("/petugas/klasifikasi")
@login_required(*CLASSIFIERS)
def classification_page() -> str:
    scope = dinas_scope(current_user(), *CLASSIFIERS)
    items = service.catalogue_items(db_session(), scope)
    return render_template("publication/classification.html", items=items, **_choices())


@blueprint.post("/petugas/klasifikasi/<dinas_slug>/<dataset_name>")
@login_required(*CLASSIFIERS)
def reclassify(dinas_slug: str, dataset_name: str) -> ResponseReturnValue:
    _require_dinas(dinas_slug, CLASSIFIERS)
    session = db_session()
    known = {(item.dinas_slug, item.dataset_name) for item in service.catalogue_items(session, {dinas_slug})}
    if (dinas_slug, dataset_name) not in known:
        abort(404)
    try:
        classification = service.reclassify(session, dinas_slug, dataset_name, request.form, current_user())
    except service.FormError as error:
        flash(_("Klasifikasi %(name)s belum disimpan: %(problems)s", name=dataset_name,
                problems="; ".join(error.errors.values())), "error")
        return redirect(url_for(".classification_page"), 303)
    session.commit()
    _republish(dinas_slug, dataset_name)
    flash(_("%(name)s kini: %(label)s.", name=dataset_name, label=classification.label), "ok")
    return redirect(url_for(".classification_page"), 303)


@blueprint.get("/petugas/informasi-publik")
@login_required(*KEEPERS)
def keeper_page() -> str:
    scope = dinas_scope(current_user(), *KEEPERS)
    dinas_list = [d for d in platform().registry.dinas if scope is None or d.slug in scope]
    return render_template("publication/keep.html", dinas_list=dinas_list, pemda=scope is None, errors={},
                           form={}, entries=service.declared_entries(db_session(), scope), **_choices())


@blueprint.post("/petugas/informasi-publik/<dinas_slug>/entri")
@login_required(*KEEPERS)
def declare(dinas_slug: str) -> ResponseReturnValue:
    _require_dinas(dinas_slug, KEEPERS)
    try:
        entry = service.declare(db_session(), dinas_slug, request.form, current_user().full_name)
    except service.FormError as error:
        scope = dinas_scope(current_user(), *KEEPERS)
        dinas_list = [d for d in platform().registry.dinas if scope is None or d.slug in scope]
        return render_template("publication/keep.html", dinas_list=dinas_list, pemda=scope is None,
                               errors=error.errors, form=request.form, chosen=dinas_slug,
                               entries=service.declared_entries(db_session(), scope), **_choices()), 422
    db_session().commit()
    flash(_("“%(title)s” masuk Daftar Informasi Publik.", title=entry.title), "ok")
    return redirect(url_for(".keeper_page"), 303)


@blueprint.post("/petugas/informasi-publik/entri/<int:entry_id>/hapus")
@login_required(*KEEPERS)
def remove_declared(entry_id: int) -> ResponseReturnValue:
    """A declared entry that was a mistake, or information no longer held, leaves the DIP."""
    entry = db_session().get(DeclaredInformation, entry_id)
    if entry is None:
        abort(404)
    _require_dinas(entry.dinas_slug, KEEPERS)
    db_session().delete(entry)
    db_session().commit()
    flash(_("“%(title)s” dihapus dari Daftar Informasi Publik.", title=entry.title), "ok")
    return redirect(url_for(".keeper_page"), 303)


@blueprint.post("/petugas/informasi-publik/sk")
@login_required(*KEEPERS)
def record_decree() -> ResponseReturnValue:
    dinas_slug = request.form.get("dinas", "").strip() or None
    if dinas_slug is None:
        if dinas_scope(current_user(), Role.ADMIN) is not None:
            abort(403)  # the pemda's DIP is set by the PPID Utama
    else:
        _require_dinas(dinas_slug, KEEPERS)
    upload = request.files.get("document")
    try:
        service.record_decree(db_session(), platform().storage, dinas_slug=dinas_slug,
                              number=request.form.get("number", ""), decided_on=request.form.get("decided_on", ""),
                              file_name=upload.filename if upload else "",
                              stream=upload.stream if upload else None, by=current_user().full_name)
    except service.FormError as error:
        flash(_("SK belum dicatat: %(problems)s", problems="; ".join(error.errors.values())), "error")
        return redirect(url_for(".keeper_page"), 303)
    db_session().commit()
    flash(_("SK penetapan DIP dicatat."), "ok")
    return redirect(url_for(".keeper_page"), 303)


@blueprint.get("/informasi-dikecualikan")
def dik_page() -> str:
    """The DIK as the public may see it: that the information exists, its ground, its period, when it last changed;
    never its content. Exemptions opened (UU KIP Pasal 20) follow in their own section, with date and reason."""
    session = db_session()
    return render_template("publication/dik.html", entries=dik.entries(session, opened=False),
                           opened=dik.entries(session, opened=True), today=_today(), day=format_day,
                           local_day=_local_day, review_due=dik.review_due, ground_label=dik.ground_label,
                           dinas_names={d.slug: d.name for d in platform().registry.dinas})


@blueprint.get("/informasi-dikecualikan/unduh.<fmt>")
def dik_export(fmt: str) -> Response:
    """The public DIK as CSV or XLSX: in force first, then opened; the same columns as the page."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    title = _("Daftar Informasi yang Dikecualikan %(scope)s",
              scope=platform().registry.region.get("name", _("pemerintah daerah")))
    names = {d.slug: d.name for d in platform().registry.dinas}
    writer = exports.dik_xlsx if fmt == "xlsx" else exports.dik_csv
    body = writer(title, dik.entries(db_session()), names, platform().settings.time_zone)
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="daftar-informasi-dikecualikan.{fmt}"'})


@blueprint.route("/petugas/informasi-dikecualikan", methods=["GET", "POST"])
@login_required(*KEEPERS)
def dik_keep() -> ResponseReturnValue:
    """The DIK of the officer's dinas with the consequence test of each entry, and a form for a new one."""
    scope = dinas_scope(current_user(), *KEEPERS)
    session = db_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        dinas_slug = request.form.get("dinas", "")
        _require_dinas(dinas_slug, KEEPERS)
        datasets = {item.dataset_name for item in service.catalogue_items(session, {dinas_slug})}
        try:
            entry = dik.record(session, dinas_slug, request.form, current_user().full_name, datasets,
                               by_id=current_user().id)
        except service.FormError as error:
            errors = error.errors
        else:
            _hold_back(dinas_slug, entry.dataset_name)
            flash(_("“%(title)s” dicatat dalam Daftar Informasi yang Dikecualikan.", title=entry.public_title), "ok")
            return redirect(url_for(".dik_keep"), 303)
    dinas_list = [d for d in platform().registry.dinas if scope is None or d.slug in scope]
    return render_template(
        "publication/dik_keep.html", entries=dik.entries(session, scope), today=_today(), day=format_day,
        review_due=dik.review_due, removals=dik.removals(session, scope), local_day=_local_day,
        ground_label=dik.ground_label, grounds=dik.PASAL_17, dinas_list=dinas_list, errors=errors,
        form=request.form if errors else {}, dinas_names={d.slug: d.name for d in platform().registry.dinas},
    ), 422 if errors else 200


@blueprint.get("/petugas/informasi-dikecualikan/<int:exempt_id>")
@login_required(*KEEPERS)
def dik_entry(exempt_id: int) -> ResponseReturnValue:
    """One DIK entry for the officers of its dinas: every version with its consequence test, the decisions on
    requests that named it, and the forms to correct or renew it, to open it, or to remove a mistake."""
    return _dik_entry_page(_exempt_entry(exempt_id))


@blueprint.post("/petugas/informasi-dikecualikan/<int:exempt_id>/ubah")
@login_required(*KEEPERS)
def revise_exempt(exempt_id: int) -> ResponseReturnValue:
    """A correction or renewal: one more version; the earlier ones and every refusal's copy stay as they were."""
    entry = _exempt_entry(exempt_id, lock=True)
    session = db_session()
    before = entry.dataset_name
    datasets = {item.dataset_name for item in service.catalogue_items(session, {entry.dinas_slug})}
    try:
        dik.revise(session, entry, request.form, current_user(), datasets)
    except service.FormError as error:
        session.rollback()
        return _dik_entry_page(_exempt_entry(exempt_id), revise_errors=error.errors, revise_form=request.form), 422
    _hold_back(entry.dinas_slug, entry.dataset_name if entry.dataset_name != before else "")
    flash(_("“%(title)s” diperbarui (versi %(version)s); versi sebelumnya tetap tersimpan.",
            title=entry.public_title, version=entry.version), "ok")
    return redirect(url_for(".dik_entry", exempt_id=exempt_id), 303)


@blueprint.post("/petugas/informasi-dikecualikan/<int:exempt_id>/buka")
@login_required(*KEEPERS)
def open_exempt(exempt_id: int) -> ResponseReturnValue:
    """The information is opened (UU KIP Pasal 20): the entry stays, marked opened, with date, reason and SK."""
    entry = _exempt_entry(exempt_id, lock=True)
    try:
        dik.open_entry(entry, request.form, current_user(), _today())
    except service.FormError as error:
        db_session().rollback()
        return _dik_entry_page(_exempt_entry(exempt_id), open_errors=error.errors, open_form=request.form), 422
    db_session().commit()
    flash(_("“%(title)s” tidak lagi dikecualikan sejak %(date)s; entrinya tetap tercatat di DIK.",
            title=entry.public_title, date=format_day(entry.opened_on)), "ok")
    if entry.dataset_name:
        flash(_("Dataset %(name)s tetap ditahan sampai walidata mengklasifikasikannya kembali.",
                name=entry.dataset_name), "ok")
    return redirect(url_for(".dik_entry", exempt_id=exempt_id), 303)


@blueprint.post("/petugas/informasi-dikecualikan/<int:exempt_id>/hapus")
@login_required(*KEEPERS)
def remove_exempt(exempt_id: int) -> ResponseReturnValue:
    """An entry recorded by mistake, never named by a decision on a request and never opened, leaves the DIK; the
    removal is recorded (who, when, why, every version). A catalogue dataset it held back stays held back until
    the walidata classifies it anew."""
    entry = _exempt_entry(exempt_id, lock=True)
    title = entry.public_title
    try:
        dik_citations.remove(db_session(), entry, request.form.get("reason", ""), current_user())
    except service.FormError as error:
        db_session().rollback()
        return _dik_entry_page(_exempt_entry(exempt_id), remove_errors=error.errors, remove_form=request.form), 422
    db_session().commit()
    flash(_("“%(title)s” dihapus dari Daftar Informasi yang Dikecualikan; penghapusannya tercatat.", title=title),
          "ok")
    return redirect(url_for(".dik_keep"), 303)


def _exempt_entry(exempt_id: int, *, lock: bool = False) -> ExemptInformation:
    """The entry, if the caller keeps the DIK of its dinas (404 if there is none, 403 if it is another dinas's);
    ``lock``: held until the commit (PostgreSQL), so two officers acting at once act one after the other."""
    entry = db_session().get(ExemptInformation, exempt_id, with_for_update=lock)
    if entry is None:
        abort(404)
    _require_dinas(entry.dinas_slug, KEEPERS)
    return entry


def _dik_entry_page(entry: ExemptInformation, **forms: object) -> str:
    session = db_session()
    cited = dik_citations.citations(session, entry.id)
    values = {name: getattr(entry, name) for name in dik.CONTENT}
    defaults: dict[str, object] = {"revise_errors": {}, "open_errors": {}, "remove_errors": {}, "open_form": {},
                                   "remove_form": {}, "revise_form": values}
    return render_template(
        "publication/dik_entry.html", entry=entry, versions=dik.versions(session, entry.id), citations=cited,
        today=_today(), day=format_day, local_day=_local_day, review_due=dik.review_due,
        ground_label=dik.ground_label, grounds=dik.PASAL_17,
        dinas_name=platform().registry.get(entry.dinas_slug).name, **{**defaults, **forms})


def _hold_back(dinas_slug: str, dataset_name: str) -> None:
    """Commit; a catalogue dataset an entry now names leaves the catalogue with it."""
    session = db_session()
    if dataset_name:
        service.reclassify(session, dinas_slug, dataset_name, {"kategori_informasi": DIKECUALIKAN}, current_user())
    session.commit()
    if dataset_name:
        _republish(dinas_slug, dataset_name)


# -- helpers --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """The DIP the visitor asked for: the dinas's (``slug``) or the pemda's, all its rows and those shown."""

    slug: str | None
    scope: str
    all_rows: list[dip.DipRow]
    rows: list[dip.DipRow]
    decree: DipDecree | None

    @property
    def title(self) -> str:
        return _("Daftar Informasi Publik %(scope)s", scope=self.scope)


def _listing() -> Listing:
    registry = platform().registry
    chosen = registry.get(_arg("dinas"))
    slug = chosen.slug if chosen else None
    packages = dip.public_packages(lambda start, rows: read_action("package_search", q="", start=start, rows=rows,
                                                                   sort="name asc"))
    rows = dip.build(db_session(), registry, packages, portal_url=platform().settings.public_url, dinas_slug=slug)
    return Listing(
        slug=slug,
        scope=chosen.name if chosen else registry.region.get("name", _("pemerintah daerah")),
        all_rows=rows,
        rows=dip.matching(rows, query=_arg("q"), category=_arg("kategori"), file_format=_arg("format")),
        decree=dip.decree_in_force(db_session(), slug),
    )


def _republish(dinas_slug: str, dataset_name: str) -> None:
    """Bring the catalogue in line at once (an item now exempt is withdrawn now); when it cannot be reached, the
    dataset stays pending and the next harvest run does it (see :func:`service.reclassify`)."""
    try:
        with open_publisher(platform()) as publisher:
            publish_dataset(platform(), publisher, dinas_slug, dataset_name)
    except Exception as error:  # the choice is recorded; only its publication waits
        log.warning("republishing %s after its reclassification failed: %s", dataset_name, error)
        flash(_("Katalog belum dapat diperbarui (%(error)s); pemanenan berikutnya akan memperbaruinya.",
                error=error), "error")


def _decree_url(decree: DipDecree | None) -> str | None:
    if decree is None:
        return None
    return platform().settings.public_url + url_for("publikasi.decree_document", decree_id=decree.id,
                                                    filename=decree.file_name)


def _today() -> date:
    return datetime.now(ZoneInfo(platform().settings.time_zone)).date()


def _local_day(moment: datetime) -> str:
    return format_day(moment.astimezone(ZoneInfo(platform().settings.time_zone)).date())


def _arg(name: str) -> str:
    return request.args.get(name, "").strip()


def _filters() -> dict[str, str]:
    return {name: _arg(name) for name in ("q", "dinas", "kategori", "format")}


def _require_dinas(dinas_slug: str, roles: tuple[Role, ...]) -> None:
    if platform().registry.get(dinas_slug) is None:
        abort(404)
    scope = dinas_scope(current_user(), *roles)
    if scope is not None and dinas_slug not in scope:
        abort(403)


def _choices() -> dict[str, object]:
    user = current_user()
    return {"day": format_day,
            "can_classify": any(grant.role in CLASSIFIERS for grant in user.grants) if user else False,
            "categories": CATEGORIES, "category_labels": CATEGORY_LABELS, "letters": PASAL_11_LETTERS,
            "max_period": MAX_PERIOD_MONTHS,
            "dinas_names": {dinas.slug: dinas.name for dinas in platform().registry.dinas}}
