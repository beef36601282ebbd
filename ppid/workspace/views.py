"""The officer's workspace (``/petugas/``), the officer menu every page shows, and the digest choice.

Thin views over :mod:`ppid.workspace.service`; the service limits every count to the dinas of the officer's
grants, so the page needs no check beyond being signed in.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, login_required
from ppid.accounts.models import Role, User
from ppid.accounts.service import set_daily_digest
from ppid.i18n import N_, _
from ppid.web import db_session, platform
from ppid.workspace import service
from ppid.workspace.service import Area

blueprint = Blueprint("workspace", __name__)

#: Where each area lives and what the menu calls it.
AREA_LINKS = {
    Area.WORKSPACE: ("workspace.home", N_("Ruang kerja")),
    Area.UPLOADER: ("uploader.dashboard", N_("Unggah data")),
    Area.REQUESTS: ("permohonan.antrian", N_("Permohonan masuk")),
    Area.ANNOUNCEMENTS: ("pengumuman.officer_list", N_("Pengumuman")),
    Area.HARVEST: ("admin.runs", N_("Pemanenan")),
    Area.PUBLICATION: ("publikasi.keeper_page", N_("Informasi publik")),
    Area.ACCOUNTS: ("accounts.users", N_("Akun petugas")),
    Area.PROFILE: ("accounts.profile", N_("Akun saya")),
}


@blueprint.get("/petugas/")
@login_required()
def home() -> str:
    user = current_user()
    workspace = service.what_needs(db_session(), platform(), user)
    return render_template("workspace/home.html", workspace=workspace, role_labels=_role_labels(user),
                           dinas_names={dinas.slug: dinas.name for dinas in platform().registry.dinas})


@blueprint.post("/akun/ringkasan-harian")
@login_required()
def digest_choice() -> ResponseReturnValue:
    user = current_user()
    daily = request.form.get("ringkasan") == "harian"
    set_daily_digest(user, daily)
    db_session().commit()
    flash(_("Anda akan menerima satu ringkasan sehari.") if daily else
          _("Anda akan menerima satu e-mail untuk setiap pemberitahuan."), "ok")
    return redirect(url_for("accounts.profile"), 303)


@blueprint.app_context_processor
def officer_menu() -> dict[str, Any]:
    """``officer_links()`` for base.html: every area the signed-in user's roles open, marking the current one."""

    def officer_links() -> list[tuple[str, str, bool]]:
        user = current_user()
        if user is None:
            return []
        links = [(url_for(AREA_LINKS[area][0]), _(AREA_LINKS[area][1])) for area in service.areas(user)]
        here = max((url for url, _label in links if request.path.startswith(url)), key=len, default=None)
        return [(url, label, url == here) for url, label in links]

    return {"officer_links": officer_links}


def _role_labels(user: User) -> list[str]:
    names = {dinas.slug: dinas.name for dinas in platform().registry.dinas}
    return [_("%(role)s — %(dinas)s", role=grant.role.label,
              dinas=names.get(grant.dinas_slug, grant.dinas_slug) if grant.dinas_slug else _("semua dinas"))
            for grant in sorted(user.grants, key=lambda grant: (list(Role).index(grant.role), grant.dinas_slug or ""))]
