"""Serta-merta announcements (officer pages, public history, the banner of every page), the public schedule of
periodic information, and the Atom feeds. Thin views over :mod:`ppid.publication.announcements`,
:mod:`ppid.publication.periodic` and :mod:`ppid.publication.feeds`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Row
from sqlalchemy.exc import SQLAlchemyError

from ppid.accounts.auth import current_user, login_required
from ppid.accounts.models import Role, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.permohonan.deadlines import format_day
from ppid.publication import announcements, feeds, periodic
from ppid.publication.announcements import Announcement, AnnouncementError, Content, Kind
from ppid.publication.feeds import Jenis
from ppid.web import catalogue_reader, db_session, platform

blueprint = Blueprint("pengumuman", __name__)
ATOM = "application/atom+xml; charset=utf-8"
#: The ``datetime-local`` input's format, read in the pemda's time zone.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@blueprint.app_context_processor
def banner_and_feeds() -> dict[str, Any]:
    """``serta_merta()`` and ``feed_links()`` for base.html: the live announcements, and the feeds of the page."""

    def serta_merta() -> list[Row[Any]]:
        if "serta_merta" not in g:
            try:
                g.serta_merta = announcements.banner(db_session())
            except SQLAlchemyError:  # an error page of a database in trouble still shows, without the banner
                db_session().rollback()
                g.serta_merta = []
        return g.serta_merta

    def feed_links() -> list[tuple[str, str]]:
        links = [(feeds.feed_path(jenis), jenis.label) for jenis in Jenis]
        slug = (request.view_args or {}).get("slug") if request.endpoint == "portal.dinas" else None
        dinas = platform().registry.get(slug) if slug else None
        if dinas is not None:
            links += [(feeds.feed_path(jenis, dinas.slug), f"{jenis.label} — {dinas.name}") for jenis in Jenis]
        return links

    return {"serta_merta": serta_merta, "feed_links": feed_links}


# --- public pages ---------------------------------------------------------------------------------------------

@blueprint.get("/pengumuman")
def index() -> str:
    now = utcnow()
    every = announcements.every(db_session())
    return render_template("publication/pengumuman.html", now=now, dinas_names=_dinas_names(),
                           live=[a for a in every if a.live(now)],
                           upcoming=[a for a in every if a.starts_at > now],
                           ended=[a for a in every if a.ended(now)])


@blueprint.get("/pengumuman/<int:announcement_id>")
def show(announcement_id: int) -> str:
    announcement = db_session().get(Announcement, announcement_id)
    if announcement is None:
        abort(404)
    return render_template("publication/pengumuman_rinci.html", announcement=announcement, now=utcnow(),
                           dinas_names=_dinas_names())


@blueprint.get("/informasi-berkala")
def schedule() -> str:
    chosen = request.args.get("dinas") or None
    names = _dinas_names()
    if chosen not in names:
        chosen = None
    zone = platform().settings.time_zone
    items = periodic.schedule(catalogue_reader(), zone, dinas={chosen} if chosen else None)
    today = periodic.today_in(zone)
    return render_template("publication/berkala.html", items=items, today=today, chosen=chosen, dinas_names=names,
                           late=sum(item.overdue(today) for item in items), format_day=format_day)


@blueprint.get("/feed/<jenis>.atom")
@blueprint.get("/feed/<dinas_slug>/<jenis>.atom")
def feed(jenis: str, dinas_slug: str | None = None) -> Response:
    try:
        kind = Jenis(jenis)
    except ValueError:
        abort(404)
    names = _dinas_names()
    if dinas_slug is not None and dinas_slug not in names:
        abort(404)
    site = _("Portal Data dan Informasi Publik")
    settings = platform().settings
    if kind == Jenis.PENGUMUMAN:
        now = utcnow()
        shown = [a for a in announcements.every(db_session(), dinas_slug=dinas_slug) if a.starts_at <= now]
        entries = feeds.announcement_entries(shown[:feeds.FEED_SIZE], names, site_title=site, zone=settings.time_zone)
        page = url_for("pengumuman.index")
    else:
        entries = feeds.catalogue_entries(catalogue_reader(), kind, names, dinas_slug=dinas_slug)
        page = url_for("portal.dinas", slug=dinas_slug) if dinas_slug else (
            url_for("dokumen.documents") if kind == Jenis.DOKUMEN else url_for("portal.search"))
    body = feeds.atom(kind, entries, public_url=settings.public_url.rstrip("/"), site_title=site, page_path=page,
                      dinas_name=names.get(dinas_slug or ""), dinas_slug=dinas_slug, language=g.get("language", "id"))
    return Response(body, content_type=ATOM)


# --- officer pages --------------------------------------------------------------------------------------------

@blueprint.get("/petugas/pengumuman")
@login_required(Role.ADMIN, Role.OFFICER)
def officer_list() -> str:
    user = current_user()
    choices = _dinas_choices(user)
    mine = [a for a in announcements.every(db_session()) if announcements.may_announce(user, a.dinas_slug)]
    return render_template("publication/petugas_pengumuman.html", announcements=mine, choices=choices, now=utcnow(),
                           form=_form_values(None), kinds=list(Kind), dinas_names=_dinas_names())


@blueprint.post("/petugas/pengumuman")
@login_required(Role.ADMIN, Role.OFFICER)
def create() -> ResponseReturnValue:
    user = current_user()
    try:
        content = _content(user)
        announcement = announcements.publish(db_session(), content, user)
    except AnnouncementError as error:
        return _form_again(user, None, str(error))
    db_session().commit()
    flash(_("Pengumuman “%(title)s” diterbitkan.", title=announcement.title), "ok")
    return redirect(url_for("pengumuman.show", announcement_id=announcement.id), 303)


@blueprint.get("/petugas/pengumuman/<int:announcement_id>")
@login_required(Role.ADMIN, Role.OFFICER)
def edit_form(announcement_id: int) -> str:
    announcement = _managed(announcement_id)
    return render_template("publication/petugas_ubah.html", announcement=announcement, form=_form_values(announcement),
                           choices=_dinas_choices(current_user()), kinds=list(Kind), now=utcnow(),
                           dinas_names=_dinas_names())


@blueprint.post("/petugas/pengumuman/<int:announcement_id>")
@login_required(Role.ADMIN, Role.OFFICER)
def edit(announcement_id: int) -> ResponseReturnValue:
    announcement = _managed(announcement_id)
    user = current_user()
    try:
        changed = announcements.edit(db_session(), announcement, _content(user, announcement), user)
    except AnnouncementError as error:
        return _form_again(user, announcement, str(error))
    db_session().commit()
    flash(_("Perubahan disimpan dan dicatat.") if changed else _("Tidak ada yang berubah."), "ok")
    return redirect(url_for("pengumuman.show", announcement_id=announcement.id), 303)


@blueprint.post("/petugas/pengumuman/<int:announcement_id>/akhiri")
@login_required(Role.ADMIN, Role.OFFICER)
def end(announcement_id: int) -> ResponseReturnValue:
    announcement = _managed(announcement_id)
    announcements.end(db_session(), announcement, current_user())
    db_session().commit()
    flash(_("Pengumuman “%(title)s” diakhiri; tetap tercantum di riwayat.", title=announcement.title), "ok")
    return redirect(url_for("pengumuman.officer_list"), 303)


def _managed(announcement_id: int) -> Announcement:
    announcement = db_session().get(Announcement, announcement_id)
    if announcement is None:
        abort(404)
    if not announcements.may_announce(current_user(), announcement.dinas_slug):
        abort(403)
    return announcement


def _dinas_choices(user: User) -> list[tuple[str, str]]:
    """The ("", pemda) choice for region-wide administrators, then every dinas the user may announce for."""
    region = platform().registry.region.get("name") or _("Pemerintah daerah")
    choices = [("", _("%(region)s (seluruh pemda)", region=region))] if announcements.may_announce(user, None) else []
    return choices + [(d.slug, d.name) for d in platform().registry.dinas if announcements.may_announce(user, d.slug)]


def _content(user: User, current: Announcement | None = None) -> Content:
    form = request.form
    dinas = form.get("dinas") or None
    if dinas not in {slug or None for slug, _name in _dinas_choices(user)}:
        raise AnnouncementError(_("Anda tidak berwenang mengumumkan atas nama dinas itu."))
    try:
        kind = Kind(form.get("jenis", ""))
    except ValueError:
        raise AnnouncementError(_("Pilih jenis pengumuman.")) from None
    starts = _moment(form.get("mulai", ""), current.starts_at if current else None) or utcnow()
    ends = _moment(form.get("berakhir", ""), current.ends_at if current else None)
    return Content(kind=kind, title=form.get("judul", "").strip()[:200], body=form.get("isi", "").strip(),
                   area=form.get("wilayah", "").strip()[:300], starts_at=starts, ends_at=ends, dinas_slug=dinas)


def _moment(value: str, kept: datetime | None = None) -> datetime | None:
    """A ``datetime-local`` value in the pemda's time zone, as an aware moment; None when left empty. The form
    shows minutes only: a value equal to ``kept`` to the minute is ``kept`` itself, so an edit that leaves the
    time alone does not change it."""
    if not value.strip():
        return None
    zone = ZoneInfo(platform().settings.time_zone)
    try:
        local = datetime.strptime(value.strip()[:16], LOCAL_INPUT).replace(tzinfo=zone)
    except ValueError:
        raise AnnouncementError(_("Waktu %(value)s tidak terbaca; isi tanggal dan jam.", value=value)) from None
    if kept is not None and kept.astimezone(zone).strftime(LOCAL_INPUT) == value.strip()[:16]:
        return kept
    return local


def _form_values(announcement: Announcement | None) -> dict[str, str]:
    if request.method == "POST":
        return {name: request.form.get(name, "") for name in ("dinas", "jenis", "judul", "isi", "wilayah", "mulai",
                                                                "berakhir")}
    if announcement is None:
        return {"dinas": "", "jenis": "", "judul": "", "isi": "", "wilayah": "", "mulai": "", "berakhir": ""}
    zone = ZoneInfo(platform().settings.time_zone)
    return {"dinas": announcement.dinas_slug or "", "jenis": announcement.kind.value, "judul": announcement.title,
            "isi": announcement.body, "wilayah": announcement.area,
            "mulai": announcement.starts_at.astimezone(zone).strftime(LOCAL_INPUT),
            "berakhir": announcement.ends_at.astimezone(zone).strftime(LOCAL_INPUT) if announcement.ends_at else ""}


def _form_again(user: User, announcement: Announcement | None, error: str) -> tuple[str, int]:
    db_session().rollback()
    template = "publication/petugas_ubah.html" if announcement else "publication/petugas_pengumuman.html"
    mine = [a for a in announcements.every(db_session()) if announcements.may_announce(user, a.dinas_slug)]
    return render_template(template, announcement=announcement, announcements=mine, form=_form_values(announcement),
                           choices=_dinas_choices(user), kinds=list(Kind), now=utcnow(), dinas_names=_dinas_names(),
                           error=error), 422


def _dinas_names() -> dict[str, str]:
    return {dinas.slug: dinas.name for dinas in platform().registry.dinas}
