"""Files held back for personal data: the dinas's officers see why, the walidata (or the administrator)
publishes anyway with a reason or sends the file back. Thin views over :mod:`ppid.publication.holds`."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role
from ppid.i18n import _
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.publication import publish_dataset
from ppid.publication import holds
from ppid.publication.personal_data import KIND_LABELS
from ppid.publishing.publisher import open_publisher
from ppid.web import db_session, platform

log = logging.getLogger(__name__)
blueprint = Blueprint("data_pribadi", __name__)
VIEWERS = (Role.OFFICER, Role.WALIDATA, Role.ADMIN)
DECIDERS = (Role.WALIDATA, Role.ADMIN)


@blueprint.get("/petugas/data-pribadi")
@login_required(*VIEWERS)
def holds_page() -> str:
    user = current_user()
    deciders = dinas_scope(user, *DECIDERS)
    return render_template(
        "publication/data_pribadi.html", holds=holds.holds_of(db_session(), dinas_scope(user, *VIEWERS)),
        may_decide=lambda slug: deciders is None or slug in deciders, kind_labels=KIND_LABELS,
        dinas_names={dinas.slug: dinas.name for dinas in platform().registry.dinas})


@blueprint.post("/petugas/data-pribadi/<int:hold_id>/terbitkan")
@login_required(*DECIDERS)
def release(hold_id: int) -> ResponseReturnValue:
    """Publish anyway: the reason is kept, the file is marked for publication and published at once."""
    hold = _hold(hold_id)
    user = current_user()
    try:
        holds.release(hold, reason=request.form.get("alasan", ""), officer_id=user.id, officer_name=user.full_name)
    except holds.HoldError as error:
        flash(str(error), "error")
        return redirect(url_for(".holds_page"), 303)
    session = db_session()
    for tracked in session.scalars(select(TrackedFile).where(
            TrackedFile.source_id == hold.source_id, TrackedFile.key == hold.item_key,
            TrackedFile.sha256 == hold.sha256)):
        tracked.published_sha256 = None  # pending again: this run or the next publishes it
    session.commit()
    _republish(hold.dinas_slug, hold.dataset_name)
    flash(_("%(name)s diterbitkan dengan alasan yang dicatat.", name=hold.file_name), "ok")
    return redirect(url_for(".holds_page"), 303)


@blueprint.post("/petugas/data-pribadi/<int:hold_id>/kembalikan")
@login_required(*DECIDERS)
def send_back(hold_id: int) -> ResponseReturnValue:
    """Back to the dinas: the file stays unpublished until a corrected version is harvested or uploaded."""
    hold = _hold(hold_id)
    user = current_user()
    try:
        holds.send_back(hold, reason=request.form.get("alasan", ""), officer_id=user.id,
                        officer_name=user.full_name)
    except holds.HoldError as error:
        flash(str(error), "error")
        return redirect(url_for(".holds_page"), 303)
    db_session().commit()
    flash(_("%(name)s dikembalikan ke dinas untuk diperbaiki; berkas tidak diterbitkan.", name=hold.file_name),
          "ok")
    return redirect(url_for(".holds_page"), 303)


def _hold(hold_id: int) -> holds.PersonalDataHold:
    hold = db_session().get(holds.PersonalDataHold, hold_id)
    if hold is None:
        abort(404)
    scope = dinas_scope(current_user(), *DECIDERS)
    if scope is not None and hold.dinas_slug not in scope:
        abort(403)
    return hold


def _republish(dinas_slug: str, dataset_name: str) -> None:
    """Publish now; when the catalogue cannot be reached the file stays pending and the next run publishes it."""
    try:
        with open_publisher(platform()) as publisher:
            publish_dataset(platform(), publisher, dinas_slug, dataset_name)
    except Exception as error:  # the decision is recorded; only its publication waits
        log.warning("publishing %s after its release failed: %s", dataset_name, error)
        flash(_("Katalog belum dapat diperbarui (%(error)s); pemanenan berikutnya akan menerbitkannya.",
                error=error), "error")
