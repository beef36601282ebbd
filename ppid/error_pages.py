"""Error answers: a page in the portal's layout for people, the API's own JSON shape for programs.

Werkzeug's default pages are English, unstyled and lead nowhere; a citizen who follows a stale link gets a
page in Bahasa Indonesia (English when chosen) with a way back. An action URL of the catalogue API answers
in CKAN's envelope, so ckanapi reads the error instead of choking on HTML; the request module's API answers
``{"message": ...}`` as its OpenAPI document says. A server error never shows its traceback: Flask logs it.
"""

from __future__ import annotations

import json
import logging
import re

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

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
    500: (N_("Terjadi kesalahan di server"),
          N_("Maaf, halaman ini gagal dibuat. Kesalahan sudah dicatat untuk petugas; coba lagi beberapa saat "
             "lagi.")),
}
#: CKAN's ``__type`` for the statuses its action view raises itself; other statuses use the HTTP name.
CKAN_TYPES = {403: "Authorization Error", 404: "Not Found Error"}
CKAN_MESSAGES = {403: "Access denied", 404: "Not found"}
CKAN_ACTION_PATH = re.compile(r"^/api/(?:3/)?action/(?P<name>[^/]+)")
REQUEST_API_PATH = "/api/permohonan"


def install(app: Flask) -> None:
    """Every HTTP error, including the 500 Flask makes of an unhandled exception once it has logged it."""
    app.register_error_handler(HTTPException, _http_error)


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
    title, explanation = MESSAGES.get(code, MESSAGES[400])
    if request.path == REQUEST_API_PATH or request.path.startswith(f"{REQUEST_API_PATH}/"):
        body = {"message": f"{_(title)}: {_(explanation)}"}
        return Response(json.dumps(body, ensure_ascii=False), code, headers, content_type="application/json")
    try:
        page = render_template("galat.html", code=code, title=_(title), explanation=_(explanation),
                               detail=_detail(error))
    except Exception:  # the layout needs the database (who is signed in): it may be what failed
        log.exception("error page %s could not be rendered", code)
        heading = escape(_(title))
        page = f"<!doctype html><title>{heading}</title><h1>{heading}</h1><p>{escape(_(explanation))}</p>"
    return Response(page, code, headers, content_type="text/html; charset=utf-8")


def _detail(error: HTTPException) -> str | None:
    """What a view said when it refused (``abort(403, _("…"))``), already in the reader's language; Werkzeug's
    and Flask-WTF's own English descriptions are not shown."""
    if isinstance(error, CSRFError) or error.description == type(error).description:
        return None
    return error.description
