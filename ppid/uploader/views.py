"""The officer's desk: the files of their dinas, their state and their reports."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ppid.accounts.auth import current_user, dinas_scope, login_required
from ppid.accounts.models import Role
from ppid.pipeline.models import TrackedFile
from ppid.web import db_session, platform

blueprint = Blueprint("uploader", __name__, url_prefix="/unggah")


@blueprint.get("/")
@login_required()
def dashboard() -> str:
    scope = dinas_scope(current_user(), Role.OFFICER, Role.WALIDATA)
    query = select(TrackedFile).order_by(TrackedFile.dinas_slug, TrackedFile.dataset_name, TrackedFile.key)
    if scope is not None:
        query = query.where(TrackedFile.dinas_slug.in_(scope))
    files = db_session().scalars(query).all()
    dinas_names = {dinas.slug: dinas.name for dinas in platform().registry.dinas}
    return render_template("uploader/dashboard.html", files=files, dinas_names=dinas_names)
