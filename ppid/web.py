"""Helpers shared by the blueprints: the platform and a database session per request."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from ppid.platform import Platform


def platform() -> Platform:
    return current_app.extensions["ppid"]


def db_session() -> Session:
    """The request's session, closed when the request ends; views commit explicitly."""
    if "db_session" not in g:
        g.db_session = platform().database.sessions()
    return g.db_session
