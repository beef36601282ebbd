"""Files published on a web server: a list of file URLs and/or an index page whose links are followed.

Every request goes through one :class:`HttpFetcher`, which the CKAN and DCAT kinds reuse for their
downloads: a requests session whose adapter retries transient failures with backoff (urllib3's
``Retry``), a timeout on every request, conditional GETs (``If-None-Match`` / ``If-Modified-Since``
from the item's last fingerprint) so an unchanged file is never transferred again, a size limit, and
checks that turn an HTML error page or a truncated body into a clear error for that one file.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any, BinaryIO, NoReturn
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from harvesters.base import Item, ItemError, Source, SourceError
from ppid import __version__
from ppid.i18n import _

DATA_EXTENSIONS = frozenset({".csv", ".xlsx", ".xls", ".ods", ".json", ".zip", ".pdf", ".docx"})
TRANSIENT_STATUSES = (429, 500, 502, 503, 504)
CHUNK = 1024 * 1024
SNIFF_BYTES = 512
USER_AGENT = f"ppid/{__version__} harvester (+https://github.com/ppid)"
MAX_FINGERPRINT = 200


class HttpOptions(Schema):
    """How patiently to talk to a web server; shared by every kind that downloads over HTTP."""

    timeout = fields.Float(load_default=30.0, validate=validate.Range(min=0.1))
    retries = fields.Integer(load_default=3, validate=validate.Range(min=0, max=10))
    backoff = fields.Float(load_default=0.5, validate=validate.Range(min=0))
    max_size_mb = fields.Float(load_default=200.0, validate=validate.Range(min=0.001))


_URL = fields.Url(schemes={"http", "https"}, require_tld=False)


class HttpSourceOptions(HttpOptions):
    urls = fields.List(_URL, load_default=list)
    index = fields.Url(schemes={"http", "https"}, require_tld=False, load_default=None)

    @validates_schema
    def needs_something_to_fetch(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("urls") and not data.get("index"):
            raise ValidationError(_("isi urls (daftar alamat berkas) atau index (halaman daftar berkas)"), "urls")


class HttpFetcher:
    """One session for one source: retries, timeouts, conditional GETs and the checks on every body."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.timeout = float(options.get("timeout", 30.0))
        self.max_bytes = int(float(options.get("max_size_mb", 200.0)) * 1024 * 1024)
        retry = Retry(
            total=int(options.get("retries", 3)),
            backoff_factor=float(options.get("backoff", 0.5)),
            backoff_max=30,
            status_forcelist=TRANSIENT_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get_text(self, url: str) -> tuple[str, str]:
        """A page or catalogue the whole source depends on: its text and final URL, or :class:`SourceError`."""
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    raise SourceError(_("%(url)s menjawab HTTP %(status)s.", url=url, status=response.status_code))
                body = _CheckedBody(response, url, self.max_bytes, expect_data=False).read()
                charset = requests.utils.get_encoding_from_headers(response.headers)
                charset = charset if "charset" in response.headers.get("Content-Type", "").lower() else "utf-8"
                return body.decode(charset, errors="replace"), response.url
        except ItemError as error:
            raise SourceError(str(error)) from error
        except requests.RequestException as error:
            reason = request_failure(error)
            raise SourceError(_("%(url)s tidak dapat dihubungi: %(reason)s", url=url, reason=reason)) from error

    def item(self, url: str, *, key: str, name: str, known: str | None, metadata: dict[str, Any] | None = None) -> Item:
        """Ask for ``url`` conditionally; the item's fingerprint is its ETag (or Last-Modified).

        A 304 answer means unchanged and nothing is transferred. Any other answer is closed before
        its body is read: the pipeline opens the item only if the fingerprint says it changed. A
        failure here becomes an item that fails when opened, so the other files are still harvested.
        """
        base = {"key": key, "name": name, "metadata": metadata or {}}
        try:
            with self.session.get(url, headers=_conditional(known), timeout=self.timeout, stream=True) as response:
                if response.status_code == 304 and known:
                    return Item(**base, opener=functools.partial(self.open, url, name), fingerprint=known)
                _check_headers(response, url, name, self.max_bytes)
                length = response.headers.get("Content-Length")
                return Item(
                    **base,
                    opener=functools.partial(self.open, url, name),
                    size=int(length) if length and length.isdigit() else None,
                    fingerprint=_fingerprint(response),
                )
        except ItemError as error:
            return Item(**base, opener=functools.partial(_fail, error), problem=str(error))
        except requests.RequestException as error:
            reason = request_failure(error)
            failure = ItemError(_("%(url)s tidak dapat diunduh: %(reason)s", url=url, reason=reason), transient=True)
            return Item(**base, opener=functools.partial(_fail, failure), problem=str(failure))

    def open(self, url: str, name: str) -> BinaryIO:
        """The file's bytes as a stream that raises :class:`ItemError` on an error page, truncation or excess."""
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except requests.RequestException as error:
            reason = request_failure(error)
            message = _("%(url)s tidak dapat diunduh: %(reason)s", url=url, reason=reason)
            raise ItemError(message, transient=True) from error
        try:
            _check_headers(response, url, name, self.max_bytes)
        except ItemError:
            response.close()
            raise
        return _CheckedBody(response, name, self.max_bytes, expect_data=_is_data_name(name))


class HttpSource(Source):
    kind = "http"
    Options = HttpSourceOptions

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        known = known or {}
        fetcher = HttpFetcher(self.options)
        urls = list(self.options.get("urls") or [])
        if self.options.get("index"):
            page, final_url = fetcher.get_text(self.options["index"])
            urls += linked_files(page, final_url)
        for url in dict.fromkeys(urls):
            yield fetcher.item(url, key=url, name=file_name(url), known=known.get(url))


def linked_files(page: str, base_url: str) -> list[str]:
    """Absolute URLs of the data files and documents an HTML page links to, in page order."""
    parser = _LinkParser()
    parser.feed(page)
    base = urljoin(base_url, parser.base) if parser.base else base_url
    found = []
    for href in parser.links:
        url = urljoin(base, href.strip()).split("#", 1)[0]
        if urlsplit(url).scheme in ("http", "https") and _is_data_name(file_name(url)):
            found.append(url)
    return list(dict.fromkeys(found))


def file_name(url: str) -> str:
    return unquote(PurePosixPath(urlsplit(url).path).name) or "berkas"


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if href and tag == "a":
            self.links.append(href)
        elif href and tag == "base" and self.base is None:
            self.base = href


class _CheckedBody(io.RawIOBase):
    """The response body, checked while it is read: no HTML page in place of data, no excess, no truncation."""

    def __init__(self, response: requests.Response, name: str, max_bytes: int, *, expect_data: bool) -> None:
        super().__init__()
        self.response = response
        self.name_for_errors = name
        self.max_bytes = max_bytes
        self.expect_data = expect_data
        self.received = 0
        encoding = response.headers.get("Content-Encoding", "identity").lower()
        length = response.headers.get("Content-Length", "")
        self.expected = int(length) if length.isdigit() and encoding in ("", "identity") else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            chunk = self.response.raw.read(min(len(buffer), CHUNK), decode_content=True)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as error:
            raise self._truncated(_partial_bytes(error)) from error
        if not chunk:
            if self.expected is not None and self.received < self.expected:
                raise self._truncated()
            return 0
        if self.received == 0 and self.expect_data and _looks_like_html(chunk[:SNIFF_BYTES]):
            raise _html_instead_of(self.name_for_errors)
        self.received += len(chunk)
        if self.received > self.max_bytes:
            raise _too_large(self.name_for_errors, self.max_bytes)
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.response.close()
        super().close()

    def _truncated(self, partial: int = 0) -> ItemError:
        self.received += partial
        expected = self.expected if self.expected is not None else "?"
        return ItemError(
            _(
                "Unduhan %(name)s terputus: baru %(received)s dari %(expected)s bita diterima; coba lagi nanti.",
                name=self.name_for_errors,
                received=self.received,
                expected=expected,
            ),
            transient=True,
        )


def _partial_bytes(error: BaseException | None) -> int:
    """Bytes that arrived in the read that broke (urllib3 reports them, then drops them)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(getattr(error, "partial", None), int):
            return error.partial
        nested = [arg for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)]
        error, seen = (nested[0] if nested else error.__cause__ or error.__context__), seen + 1
    return 0


def _check_headers(response: requests.Response, url: str, name: str, max_bytes: int) -> None:
    if response.status_code != 200:
        status = response.status_code
        transient = status in TRANSIENT_STATUSES or status >= 500
        raise ItemError(_("%(url)s menjawab HTTP %(status)s.", url=url, status=status), transient=transient)
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if _is_data_name(name) and content_type in ("text/html", "application/xhtml+xml"):
        raise _html_instead_of(name)
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _too_large(name, max_bytes)


def _conditional(known: str | None) -> dict[str, str]:
    if not known:
        return {}
    header, _sep, value = known.partition(":")
    if header == "etag":
        return {"If-None-Match": value}
    return {"If-Modified-Since": value} if header == "last-modified" else {}


def _fingerprint(response: requests.Response) -> str | None:
    """The server's own change token; without one the pipeline compares content hashes instead."""
    if etag := response.headers.get("ETag"):
        token = f"etag:{etag}"
    elif modified := response.headers.get("Last-Modified"):
        token = f"last-modified:{modified}"
    else:
        return None
    return token if len(token) <= MAX_FINGERPRINT else None


def _is_data_name(name: str) -> bool:
    return PurePosixPath(name.lower()).suffix in DATA_EXTENSIONS


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _html_instead_of(name: str) -> ItemError:
    return ItemError(
        _(
            "Server mengirim halaman web (HTML), bukan berkas %(name)s: mungkin halaman galat atau halaman masuk; "
            "periksa alamat berkas di sumbernya.",
            name=name,
        )
    )


def _too_large(name: str, max_bytes: int) -> ItemError:
    return ItemError(
        _(
            "Berkas %(name)s lebih besar dari batas %(limit)s MB; "
            "naikkan max_size_mb sumber ini bila berkasnya memang sebesar itu.",
            name=name,
            limit=round(max_bytes / 1024 / 1024, 3),
        )
    )


def request_failure(error: requests.RequestException) -> str:
    """Why a request failed, in words an officer can act on."""
    if isinstance(error, requests.Timeout):
        return _("waktu tunggu habis")
    if isinstance(error, requests.ConnectionError):
        return _("server tidak dapat dihubungi")
    return type(error).__name__


def _fail(error: ItemError) -> NoReturn:
    raise error
