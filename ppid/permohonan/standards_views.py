"""The service standards on the portal (``/standar-layanan``, and one page per dinas for its PPID structure), and
the administrators' editor. Thin views over :mod:`ppid.permohonan.standards`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role, User
from ppid.i18n import _
from ppid.permohonan import standards
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.presenters import rupiah
from ppid.web import db_session, local_time, platform

blueprint = Blueprint("standar", __name__)
EMPTY_FEE_ROWS = 3
"""Blank rows under the fee table's rows, so an administrator can add a few at once."""


@blueprint.context_processor
def _helpers() -> dict[str, Any]:
    return {"rupiah": rupiah, "waktu": local_time, "tanggal": format_day, "titles": standards.TEXT_SECTIONS,
            "fees_title": standards.FEES_TITLE}


@blueprint.get("/standar-layanan")
def index() -> str:
    """What a requester should know before asking (Perki 1/2021 Pasal 47-48), readable without signing in."""
    sections = standards.read(db_session(), platform().settings.config_dir)
    registry = platform().registry
    return render_template("permohonan/standar_layanan.html", sections=sections,
                           head_office=sections.get(standards.structure_key(None)),
                           dinas_list=[(dinas.slug, dinas.name) for dinas in registry.dinas])


@blueprint.get("/standar-layanan/<slug>")
def dinas(slug: str) -> str:
    """One dinas's PPID Pelaksana: its structure and how to reach it (from ``dinas.yaml``)."""
    found = platform().registry.get(slug) or abort(404)
    sections = standards.read(db_session(), platform().settings.config_dir)
    return render_template("permohonan/standar_dinas.html", dinas=found,
                           structure=sections.get(standards.structure_key(slug)))


@blueprint.route("/admin/standar-layanan", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def edit() -> ResponseReturnValue:
    """Every section in one page, each with its own form; they apply to the whole pemda, so only a region-wide
    administrator edits them."""
    user = _region_admin()
    if request.method == "GET":
        return _editor()
    key, session = request.form.get("bagian", ""), db_session()
    try:
        if key == standards.FEES:
            standards.save_fees(session, request.form.getlist("uraian"), request.form.getlist("satuan"),
                                request.form.getlist("biaya"), user=user)
        else:
            standards.save_text(session, key, request.form.get("teks", ""), user=user, registry=platform().registry)
    except KeyError:
        abort(404)
    except standards.StandardError as error:
        session.rollback()
        return _editor(errors={key: error.errors}, values=request.form), 422
    session.commit()
    flash(_("Standar layanan disimpan."), "ok")
    return redirect(url_for(".edit") + f"#bagian-{key.replace(':', '-')}", 303)


def _editor(*, errors: dict[str, dict[str, str]] | None = None, values: Any = None) -> str:
    sections = standards.read(db_session(), platform().settings.config_dir)
    registry = platform().registry
    structures = [(standards.structure_key(None), _("PPID Utama"))]
    structures += [(standards.structure_key(dinas.slug), dinas.name) for dinas in registry.dinas]
    if values is not None and values.get("bagian") == standards.FEES:  # the rows as typed, next to their errors
        rows = list(zip(values.getlist("uraian"), values.getlist("satuan"), values.getlist("biaya"), strict=False))
    else:
        fees = sections.get(standards.FEES)
        rows = [(fee.item, fee.unit, fee.amount) for fee in (fees.fees if fees else [])]
        rows += [("", "", "")] * EMPTY_FEE_ROWS
    return render_template("permohonan/petugas/standar_layanan.html", sections=sections, structures=structures,
                           fee_rows=rows, errors=errors or {}, values=values)


def _region_admin() -> User:
    user = current_user()
    if dinas_scope(user, Role.ADMIN) is not None:
        abort(403)
    return user
