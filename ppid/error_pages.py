"""Error answers: a page in the portal's layout for people, the API's own JSON shape for programs.

Werkzeug's default pages are English, unstyled and lead nowhere; a citizen who follows a stale link gets a
page in Bahasa Indonesia (English when chosen) with a way back. An action URL of the catalogue API answers
in CKAN's envelope, so ckanapi reads the error instead of choking on HTML; every other address under /api/
answers ``{"message": ...}`` as the request module's OpenAPI document says. A refused CSRF token (a form opened
long ago) gets a sentence saying what to do instead of Flask-WTF's English one, and every 429 says when to come
back (``Retry-After``). A server error never shows its traceback: Flask logs it.

A saturated platform answers 503 with ``Retry-After`` instead of failing: no free database connection within
the pool's time-out (:class:`sqlalchemy.exc.TimeoutError`), a database that refuses or drops connections or
gives up on a lock (:class:`sqlalchemy.exc.OperationalError`), or a filing turned away by the admission limit
(:class:`Overloaded`). The request's transaction is rolled back when its session closes, so nothing of it is
stored; the citizen is asked to send it again in a moment.
"""

from __future__ import annotations

import json
import logging
import re

from flask import Flask, Response, g, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from ppid.i18n import N_, _

log = logging.getLogger(__name__)
#: (title, explanation) per status; others get the 400 wording with their own code.
MESSAGES = {
    400: (N_("Permintaan tidak dapat diproses"),
          N_("Permintaan ini tidak lengkap atau tidak sah. Bila Anda mengisi formulir, muat ulang halamannya lalu "
             "kirim lagi.")),
    401: (N_("Perlu masuk"), N_("Halaman ini hanya untuk petugas yang sudah masuk.")),
    403: (N_("Akses ditolak"),
          N_("Akun Anda tidak berwenang membuka halaman ini. Hubungi admin PPID bila Anda memerlukannya.")),
    404: (N_("Halaman tidak ditemukan"),
          N_("Alamat ini tidak ada, atau datanya sudah ditarik. Cari dataset atau dokumen lain di katalog.")),
    405: (N_("Cara akses tidak didukung"),
          N_("Alamat ini tidak menerima permintaan semacam ini. Buka halamannya lewat tautan di portal.")),
    413: (N_("Kiriman terlalu besar"),
          N_("Berkas atau isian yang dikirim melebihi batas yang diterima halaman ini. Perkecil lalu coba lagi.")),
    429: (N_("Terlalu banyak permintaan"),
          N_("Terlalu banyak permintaan dari alamat Anda dalam waktu singkat. Tunggu beberapa saat, lalu coba "
             "lagi.")),
    503: (N_("Layanan sedang sibuk"),
          N_("Banyak orang sedang memakai layanan ini pada saat yang sama. Tidak ada yang tersimpan dari permintaan "
             "ini; kirim atau muat ulang dalam beberapa detik.")),
    500: (N_("Terjadi kesalahan di server"),
          N_("Maaf, halaman ini gagal dibuat. Kesalahan sudah dicatat untuk petugas; coba lagi beberapa saat "
             "lagi.")),
}
#: A form whose CSRF token is missing or does not match (the form was opened long ago, in another browser, or the
#: session ended): Flask-WTF's own sentence is English and technical, this one says what to do.
CSRF_MESSAGE = (N_("Permintaan tidak dapat diproses"),
                N_("Formulir ini sudah kedaluwarsa atau tidak lengkap, sehingga tidak dapat kami terima. Tidak ada "
                   "yang tersimpan. Buka lagi halaman formulirnya, isi, lalu kirim kembali."))
#: CKAN's ``__type`` for the statuses its action view raises itself; other statuses use the HTTP name.
CKAN_TYPES = {403: "Authorization Error", 404: "Not Found Error"}
CKAN_MESSAGES = {403: "Access denied", 404: "Not found"}
CKAN_ACTION_PATH = re.compile(r"^/api/(?:3/)?action/(?P<name>[^/]+)")
API_PATH = "/api/"
#: Seconds a client is asked to wait before sending a refused request again (``Retry-After``).
RETRY_AFTER_SECONDS = 5


class Overloaded(ServiceUnavailable):
    """The platform is saturated: answered 503 with ``Retry-After``; nothing of the request was stored."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(retry_after=RETRY_AFTER_SECONDS)
        self.reason = reason


def install(app: Flask) -> None:
    """Every HTTP error, including the 500 Flask makes of an unhandled exception once it has logged it, and the
    database's signs of saturation, which are a 503."""
    app.register_error_handler(HTTPException, _http_error)
    for saturation in (PoolTimeout, OperationalError, DisconnectionError):
        app.register_error_handler(saturation, _saturated)


def _saturated(error: Exception) -> Response:
    """No connection in time, or the database refused one: 503 + Retry-After, never a traceback or a 500.

    Other database errors (a missing table, a bad query) are faults, not load: re-raised, they take Flask's path
    for an unhandled exception (logged with the traceback, answered 500)."""
    if not saturation_sign(error):
        raise error
    log.warning("503 for %s %s: %s: %s", request.method, request.path, type(error).__name__,
                str(error).strip().splitlines()[0] if str(error).strip() else "")
    g.setdefault("current_user", None)  # the layout must not wait for a connection again to say who is signed in
    return _http_error(Overloaded(type(error).__name__))


#: PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": connection exceptions (class 08), insufficient
#: resources such as too many connections (53), the server shutting down or starting (57P01-57P03), a query
#: cancelled by statement_timeout (57014), serialization failures and deadlocks (40001, 40P01), a lock not
#: available (55P03).
TRANSIENT_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03")
#: SQLite's words for the same: another process holds the lock beyond the busy time-out.
TRANSIENT_SQLITE = ("database is locked", "database table is locked")


def saturation_sign(error: Exception) -> bool:
    """Whether a database error says the platform is saturated or unreachable (answer 503), not that the
    request or the code is wrong."""
    if isinstance(error, PoolTimeout | DisconnectionError):
        return True
    if getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate:
        return sqlstate.startswith(TRANSIENT_SQLSTATES)
    if type(original).__module__.startswith("psycopg") and type(original).__name__ == "OperationalError":
        return True  # psycopg's own class, without an SQLSTATE: the connection could not be made or was lost
    message = str(original).lower()
    return any(words in message for words in TRANSIENT_SQLITE)


def _http_error(error: HTTPException) -> Response:
    if error.response is not None or error.code is None:  # a view answered with its own response
        return error.get_response()
    code = error.code
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    action = CKAN_ACTION_PATH.match(request.path)
    if action:
        body = {"help": f"{request.host_url}api/3/action/help_show?name={action['name']}", "success": False,
                "error": {"__type": CKAN_TYPES.get(code, error.name), "message": CKAN_MESSAGES.get(code, error.name)}}
        return Response(json.dumps(body), code, headers, content_type="application/json;charset=utf-8")
    if code == 429 and not any(name.lower() == "retry-after" for name, _value in headers):
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))  # every 429 says when to come back
    title, explanation = CSRF_MESSAGE if isinstance(error, CSRFError) else MESSAGES.get(code, MESSAGES[400])
    if request.path.startswith(API_PATH):  # programs read JSON: the request API's shape, here for every API
        body = {"message": f"{_(title)}: {_(explanation)}"}
        return Response(json.dumps(body, ensure_ascii=False), code, headers, content_type="application/json")
    try:
        page = render_template("galat.html", code=code, title=_(title), explanation=_(explanation),
                               detail=_detail(error), again=_form_again(error))
    except Exception:  # the layout needs the database (who is signed in): it may be what failed
        log.exception("error page %s could not be rendered", code)
        heading = escape(_(title))
        page = f"<!doctype html><title>{heading}</title><h1>{heading}</h1><p>{escape(_(explanation))}</p>"
    return Response(page, code, headers, content_type="text/html; charset=utf-8")


def _form_again(error: HTTPException) -> str | None:
    """For a refused CSRF token, the page of this site the form came from, to open it again."""
    referrer = request.referrer or ""
    if isinstance(error, CSRFError) and referrer.startswith(request.host_url):
        return "/" + referrer.removeprefix(request.host_url)
    return None


def _detail(error: HTTPException) -> str | None:
    """What a view said when it refused (``abort(403, _("…"))``), already in the reader's language; Werkzeug's
    and Flask-WTF's own English descriptions are not shown."""
    if isinstance(error, CSRFError) or error.description == type(error).description:
        return None
    return error.description
