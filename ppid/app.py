"""The Flask application factory: wires the platform's services to one blueprint per area."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, request
from flask_wtf.csrf import CSRFProtect

from ppid import error_pages, i18n, web
from ppid.accounts.auth import install as install_accounts
from ppid.accounts.config import AccountsConfig
from ppid.config import Settings
from ppid.platform import Platform, use_platform

log = logging.getLogger(__name__)
LANGUAGE_COOKIE = "ppid_bahasa"


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> Flask:
    """Build the app for ``settings`` (from the environment when omitted); fails with ConfigError."""
    platform = platform or Platform.open(settings)
    use_platform(platform)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=platform.settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=platform.settings.public_url.startswith("https://"),
        MAX_CONTENT_LENGTH=None,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["ppid"] = platform
    _install_i18n(app, platform.settings.language)  # first: an error page of CSRF protection is in this language
    CSRFProtect(app)
    install_accounts(app, AccountsConfig.from_settings(platform.settings))
    _install_security_headers(app)
    _register_blueprints(app)
    error_pages.install(app)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        checks = {"database": _check(platform.database.check), "storage": _check(platform.storage.check)}
        healthy = all(value == "ok" for value in checks.values())
        return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503

    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        reader = g.pop("catalogue_reader", None)
        if reader is not None:
            reader.close()

    return app


def _register_blueprints(app: Flask) -> None:
    from ppid.admin.accounts import blueprint as accounts
    from ppid.admin.views import blueprint as admin
    from ppid.catalogue.api import blueprint as catalogue_api
    from ppid.catalogue.exports import blueprint as exports
    from ppid.documents.views import blueprint as documents
    from ppid.permohonan.notice_views import blueprint as letters
    from ppid.permohonan.report_views import blueprint as service_report
    from ppid.permohonan.standards_views import blueprint as standar
    from ppid.permohonan.views import blueprint as permohonan
    from ppid.portal.views import blueprint as portal
    from ppid.publication.views import blueprint as publication
    from ppid.publication.views_announce import blueprint as announcements
    from ppid.publication.views_answers import blueprint as published_answers
    from ppid.publication.views_dashboard import blueprint as transparency
    from ppid.publication.views_monev import blueprint as monev
    from ppid.publication.views_personal_data import blueprint as personal_data
    from ppid.uploader.views import blueprint as uploader
    from ppid.workspace.views import blueprint as workspace

    for blueprint in (portal, documents, catalogue_api, exports, permohonan, letters, standar, service_report,
                      uploader, admin, accounts, workspace, publication, announcements, published_answers,
                      personal_data, transparency, monev):
        app.register_blueprint(blueprint)


def _install_i18n(app: Flask, default_language: str) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.globals.update(_=web.template_gettext, gettext=web.template_gettext, ngettext=web.template_ngettext)
    app.jinja_env.globals["LANGUAGES"] = i18n.LANGUAGES
    app.jinja_env.filters["waktu"] = web.local_time

    @app.before_request
    def choose_language() -> None:
        chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE) or default_language
        g.language = chosen if chosen in i18n.LANGUAGES else default_language
        g.language_token = i18n.set_language(g.language)

    @app.teardown_request
    def forget_language(_error: BaseException | None) -> None:
        """The thread's language back as it was: the next code it runs (a test, the server's next task) must not
        speak the last request's language."""
        token = g.pop("language_token", None)
        if token is not None:
            i18n.reset_language(token)

    @app.after_request
    def remember_language(response: Response) -> Response:
        if request.args.get("lang") in i18n.LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax")
        response.headers.setdefault("Content-Language", g.get("language", default_language))
        return response


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a harvested file is never sniffed into HTML or script
    "X-Frame-Options": "DENY",  # no clickjacking of officer forms
    "Referrer-Policy": "same-origin",  # tracking links carry a secret: never leak them to other sites
}


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:
        log.warning("health check failed: %s", error)
        return str(error)
    return "ok"
