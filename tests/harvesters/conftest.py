"""Harvester fixtures: a real HTTP file server on 127.0.0.1, a moto S3 server, and a platform whose
registry holds only the sources a test writes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from ppid.config import load_settings
from ppid.pipeline.models import RunEvent, TrackedFile
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client

REPO = Path(__file__).resolve().parents[2]
POPULATION_CSV = (REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Route:
    """What the server answers for one path; ``failures`` statuses are served first, one per request."""

    body: bytes
    content_type: str = "application/octet-stream"
    etag: str | None = None
    last_modified: str | None = None
    failures: list[int] = field(default_factory=list)
    send_only: int | None = None
    """Announce the full Content-Length but send only this many bytes, then close (a truncated body)."""
    chunked: bool = False
    """Send no Content-Length (chunked), so only counting while reading can find the size."""


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


class FileServer:
    """A real web server in a thread: tests put routes on it and read back what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.answer(self)

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        route = self.routes.get(path)
        headers = {key.lower(): value for key, value in handler.headers.items()}
        if route is None:
            status, body, extra = 404, b"<html><body>Tidak ditemukan</body></html>", {"Content-Type": "text/html"}
        elif route.failures:
            status, body, extra = route.failures.pop(0), b"sibuk", {"Content-Type": "text/plain"}
        elif (route.etag and headers.get("if-none-match") == route.etag) or (
            route.last_modified and not route.etag and headers.get("if-modified-since") == route.last_modified
        ):
            status, body, extra = 304, b"", {}
        else:
            status, body, extra = 200, route.body, {"Content-Type": route.content_type}
        if route is not None and status in (200, 304):
            extra |= {"ETag": route.etag} if route.etag else {}
            extra |= {"Last-Modified": route.last_modified} if route.last_modified else {}
        self.requests.append(Request(path, headers, status))
        handler.send_response(status)
        for name, value in extra.items():
            handler.send_header(name, value)
        if status == 200 and route is not None and route.chunked:
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            for start in range(0, len(body), 1024):
                piece = body[start : start + 1024]
                handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
            return
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        if route is not None and status == 200 and route.send_only is not None:
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: route.send_only])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.end_headers()
        handler.wfile.write(body)

    def downloads(self, path: str) -> int:
        """How many times the file's bytes were actually sent."""
        return sum(1 for request in self.requests if request.path == path and request.status == 200)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web() -> Iterator[FileServer]:
    server = FileServer()
    yield server
    server.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REGISTRY_HEAD = """
region: {name: Kabupaten Uji, kode_wilayah: "3201"}
dinas:
  - slug: disdukcapil
    name: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Uji
    ppid: {name: PPID Disdukcapil, email: ppid@disdukcapil.go.id}
    sources:
"""

POPULATION_RULES = """
        rules:
          - match: "*penduduk*.csv"
            schema: jumlah_penduduk
            dataset: {title: Jumlah Penduduk, tags: [kependudukan]}
          - match: "*.pdf"
            dataset: {title: Profil Kependudukan}
          - match: "*.xlsx"
            dataset: {title: Laporan Tahunan}
"""


@pytest.fixture
def open_platform(environ: dict[str, str], tmp_path: Path) -> Iterator[Callable[[str], Platform]]:
    """``open_platform(sources_yaml)``: a platform whose only dinas has exactly these sources."""
    opened: list[Platform] = []

    def make(sources_yaml: str) -> Platform:
        config = tmp_path / "config"
        config.mkdir(exist_ok=True)
        (config / "defaults.yaml").write_bytes((REPO / "config" / "defaults.yaml").read_bytes())
        (config / "dinas.yaml").write_text(REGISTRY_HEAD + sources_yaml, encoding="utf-8")
        platform = Platform.open(load_settings(environ=environ | {"PPID_CONFIG_DIR": str(config)}))
        opened.append(platform)
        return platform

    yield make
    for platform in opened:
        platform.close()


def events(platform: Platform, run_id: int) -> dict[str | None, RunEvent]:
    with platform.database.session() as session:
        found = session.scalars(select(RunEvent).where(RunEvent.run_id == run_id)).all()
        session.expunge_all()
        return {event.item_key: event for event in found}


def tracked_files(platform: Platform) -> dict[str, TrackedFile]:
    with platform.database.session() as session:
        found = session.scalars(select(TrackedFile)).all()
        session.expunge_all()
        return {row.key: row for row in found}


def catalogue_package(platform: Platform, name: str) -> dict:
    with catalogue_client(platform) as ckan:
        return ckan.call_action("package_show", {"id": name})


