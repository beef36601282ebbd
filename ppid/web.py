"""Helpers shared by the blueprints: the platform, a database session and a catalogue reader per request."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ckanapi.errors import SearchError, SearchQueryError
from flask import current_app, g
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from sqlalchemy.orm import Session

from ppid.i18n import format_moment, get_language, translations_for
from ppid.platform import Platform
from ppid.publishing.client import CatalogueClient, open_catalogue

#: A real CKAN that does not answer within this is reported as unreachable rather than holding the page.
CATALOGUE_TIMEOUT = {"timeout": 20}


def platform() -> Platform:
    return current_app.extensions["ppid"]


def local_time(moment: datetime | None, seconds: bool = False) -> str:
    """The ``waktu`` filter of every template: a stored moment in the pemda's time zone (``time_zone``)."""
    return "" if moment is None else format_moment(moment, platform().settings.time_zone, seconds=seconds)


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, message: str, /, **variables: object) -> str:
    """``_()`` and ``gettext()`` in templates, as Jinja's newstyle gettext behaves: the translation is markup, the
    variables are escaped, and ``%`` is always applied (``%%`` is a percent sign). Jinja's own callable reaches the
    translation through three calls of ``Context.call``; a tracking page shows about a hundred strings (issue 17)."""
    text = translations_for(get_language()).gettext(message)
    if not eval_ctx.autoescape:
        return text % variables
    return Markup(text) % variables if variables else Markup(text % {})


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object) -> str:
    """``ngettext()`` in templates, as :func:`template_gettext`; ``num`` is available as ``%(num)s``."""
    text = translations_for(get_language()).ngettext(singular, plural, num)
    values = {"num": num, **variables}
    return Markup(text) % values if eval_ctx.autoescape else text % values


def db_session() -> Session:
    """The request's session, closed when the request ends; views commit explicitly."""
    if "db_session" not in g:
        g.db_session = platform().database.sessions()
    return g.db_session


def read_session() -> Session:
    """The request's session for a page that only reads (:attr:`ppid.db.Database.reads`: no transaction, fewer
    round trips), closed when the request ends like :func:`db_session`, which returns it from then on."""
    if "db_session" not in g:
        g.db_session = platform().database.reads()
    return g.db_session


def catalogue_reader() -> CatalogueClient:
    """The request's anonymous catalogue client (closed when the request ends), for domain code that reads."""
    if "catalogue_reader" not in g:
        g.catalogue_reader = open_catalogue(platform(), anonymous=True)
    return g.catalogue_reader


def read_action(name: str, **params: Any) -> Any:
    """A catalogue action as an anonymous visitor: what the public may see, whichever catalogue is configured."""
    return catalogue_reader().call_action(name, params, requests_kwargs=CATALOGUE_TIMEOUT)


def search_catalogue(q: str, **params: Any) -> tuple[dict[str, Any], bool]:
    """``package_search`` for a visitor's search box, and whether its punctuation had to be ignored.

    The catalogue reads ``q`` as Solr syntax, so a citizen's ``Data: (2023`` is a syntax error there; the
    visitor gets the datasets matching its words instead, with a note, never an error page.
    """
    try:
        return read_action("package_search", q=q, **params), False
    except (SearchQueryError, SearchError):
        words = " ".join(re.findall(r"\w+", q))
        return read_action("package_search", q=words, **params), True
