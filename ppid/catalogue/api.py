"""The embedded catalogue over HTTP: CKAN's Action API (``/api/3/action/<name>``), envelope and status codes.

A thin view over :class:`ppid.catalogue.service.EmbeddedCKAN`: it reads the request the way CKAN does (query string
for side-effect-free actions, JSON body, or multipart with an ``upload`` file), decides who is
calling (the catalogue token is the site user, a personal API token its account, anyone else is anonymous), and maps the
``ckanapi.errors`` exceptions back to the responses ``ckanapi.RemoteCKAN`` turns into them again.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from ckanapi.errors import NotAuthorized, NotFound, SearchError, SearchQueryError, ValidationError
from flask import Blueprint, Response, request, stream_with_context
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from ppid.accounts.auth import bearer_token, bearer_user
from ppid.catalogue.context import Upload
from ppid.catalogue.service import EmbeddedCKAN
from ppid.catalogue.store import ACTIONS, READ_ACTIONS
from ppid.catalogue.users import SITE_USER, is_sysadmin
from ppid.datastore.dump import FORMATS
from ppid.error_pages import saturation_sign
from ppid.i18n import _
from ppid.storage import attachment_header
from ppid.web import platform

log = logging.getLogger(__name__)

blueprint = Blueprint("catalogue_api", __name__)

#: Exception → (HTTP status, CKAN's ``__type``), as ``ckan.views.api.action`` answers them.
ckan_errors: dict[type[Exception], tuple[int, str]] = {
    NotFound: (404, "Not Found Error"),
    NotAuthorized: (403, "Authorization Error"),
    ValidationError: (409, "Validation Error"),
    SearchQueryError: (400, "Search Query Error"),
    SearchError: (409, "Search Error"),
}


@blueprint.record_once
def _exempt_from_csrf(state: BlueprintSetupState) -> None:
    """API clients send a token, not a session cookie, so CSRF protection does not apply."""
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(blueprint)


@blueprint.route("/api/3/action/<name>", methods=["GET", "POST"])
@blueprint.route("/api/action/<name>", methods=["GET", "POST"])
def action(name: str) -> tuple[Response, int]:
    envelope: dict[str, Any] = {"help": f"{request.host_url}api/3/action/help_show?name={name}"}
    if name not in ACTIONS:
        return _bad_request(f"Action name not known: {name}")
    try:
        data = _request_data(side_effect_free=name in READ_ACTIONS)
    except ValueError as error:
        return _bad_request(f"JSON Error: {error}")
    catalogue = _catalogue()
    try:
        result = catalogue.call_action(name, data)
    except tuple(ckan_errors) as error:
        return _error_response(envelope, error)
    except Exception as error:
        if saturation_sign(error):
            raise  # the database is saturated or unreachable: 503 with Retry-After (ppid.error_pages)
        log.exception("catalogue action %s failed", name)
        error_body = {"__type": "Internal Server Error", "message": "Internal Server Error"}
        return _json_response({**envelope, "success": False, "error": error_body}, 500)
    return _json_response({**envelope, "success": True, "result": result}, 200)


@blueprint.route("/datastore/dump/<resource_id>")
def datastore_dump(resource_id: str) -> Response | tuple[Response, int]:
    """CKAN's dump of a DataStore table (``format`` csv, tsv, json, xml, and here also xlsx and parquet), streamed;
    a table the caller may not read is not found, as in CKAN."""
    data = _mixed(request.args)
    fmt = str(data.pop("format", "csv") or "csv").lower()
    bom = str(data.pop("bom", "")).lower() in {"1", "true", "yes", "on"}
    try:
        filename, chunks = _catalogue().datastore_dump(resource_id, data, fmt, bom=bom)
    except (NotFound, NotAuthorized):
        return _text(_("Sumber daya DataStore tidak ditemukan."), 404)
    except ValidationError as error:
        messages = "; ".join(f"{key}: {' '.join(map(str, value))}" for key, value in error.error_dict.items())
        return _text(messages, 400)
    response = Response(stream_with_context(chunks), content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = attachment_header(filename)
    return response


def _catalogue() -> EmbeddedCKAN:
    settings = platform().settings
    user, sysadmin = _caller()
    return EmbeddedCKAN(
        platform().database,
        platform().storage,
        base_url=settings.public_url or request.host_url,
        sysadmin=sysadmin,
        user=user,
        datastore_cache=settings.home / "datastore",
    )


def _text(message: str, status: int) -> tuple[Response, int]:
    return Response(message + "\n", content_type="text/plain; charset=utf-8"), status


def _json_response(body: Any, status: int) -> tuple[Response, int]:
    """JSON in the order the action built it (Flask would sort keys): facets stay in count order, as in CKAN."""
    return Response(json.dumps(body), content_type="application/json;charset=utf-8"), status


def _error_response(envelope: dict[str, Any], error: Exception) -> tuple[Response, int]:
    """CKAN's status and error dict for each kind; ckanapi parses exactly these back into exceptions."""
    status, kind = next(ckan_errors[cls] for cls in type(error).__mro__ if cls in ckan_errors)
    message = str(error.args[0]) if error.args else ""
    if isinstance(error, ValidationError):
        body = {**error.error_dict, "__type": kind}
    elif isinstance(error, NotFound):
        body = {"__type": kind, "message": f"Not found: {message}" if message else "Not found"}
    elif isinstance(error, NotAuthorized):
        body = {"__type": kind, "message": f"Access denied: {message}" if message else "Access denied"}
    elif isinstance(error, SearchQueryError):
        body = {"__type": kind, "message": f"Search Query is invalid: {message!r}"}
    else:
        body = {"__type": kind, "message": f"Search error: {message!r}"}
    return _json_response({**envelope, "success": False, "error": body}, status)


def _bad_request(message: str) -> tuple[Response, int]:
    return _json_response(f"Bad request: {message}", 400)


def _request_data(*, side_effect_free: bool) -> dict[str, Any]:
    """The action's data dict, read as ``ckan.views.api._get_request_data`` reads it."""
    if request.method == "GET" and not side_effect_free:
        raise ValueError("Invalid request. Please use POST method for your request")
    data: Any = {}
    if request.method == "POST" and request.form:
        values = list(request.form.values())
        if len(values) == 1 and values[0] in {"", "1"}:  # a JSON body posted as a form key
            data = _json(next(iter(request.form.keys())))
        else:
            data = _mixed(request.form)
    elif request.method == "GET":
        data = _mixed(request.args)
    elif request.get_data(cache=True) and request.mimetype != "multipart/form-data":
        try:
            data = request.get_json(force=True)
        except BadRequest as error:
            raise ValueError(f"Error decoding JSON data. Error: {error!r}") from error
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {data!r} but it needs to be a dictionary.")
    data.update(
        (field, Upload(upload.filename or "", upload.stream, upload.mimetype or "application/octet-stream"))
        for field, upload in request.files.items()
    )
    return data


def _mixed(values: MultiDict[str, Any]) -> dict[str, Any]:
    """One value as a string, repeated keys as a list."""
    return {key: items[0] if len(items) == 1 else items for key, items in values.to_dict(flat=False).items()}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValueError(f"Error decoding JSON data. Error: {error!r}") from error


def _caller() -> tuple[str | None, bool]:
    """Who calls, as (CKAN user name, sysadmin): the catalogue token is CKAN's site user; a personal API token
    is its account, a sysadmin when it is a region-wide administrator or walidata; anyone else is anonymous.

    Only what the request itself carries counts, never a session cookie: this blueprint is exempt
    from CSRF, so honouring a cookie here would let any site publish in a signed-in officer's name.
    """
    token = platform().settings.catalogue_api_token
    offered = bearer_token()
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        return SITE_USER, True
    user = bearer_user()
    if user is None:
        return None, False
    return user.username, is_sysadmin(user)
