"""A registry with one dinas whose folder the tests fill with documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ppid.config import load_settings
from ppid.platform import Platform

from .helpers import PROFILE_PDF

REGISTRY = """
region: {name: Kabupaten Contoh, kode_wilayah: "3201"}
dinas:
  - slug: dinkes
    name: Dinas Kesehatan Kabupaten Contoh
    ppid: {name: PPID Pelaksana Dinas Kesehatan, email: ppid.dinkes@contoh.go.id}
    sources:
      - kind: folder
        name: folder-data
        path: %(folder)s
        rules:
          - match: "profil-kesehatan*.pdf"
            kind: document
            dataset: {title: Profil Kesehatan, description: Dokumen profil kesehatan., tags: [kesehatan], year: "2023"}
          - match: "rusak*.pdf"
            kind: document
            dataset: {title: Laporan Rusak, tags: [kesehatan]}
          - match: "*.docx"
            dataset: {title: Rencana Strategis, tags: [kesehatan]}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "sumber"
    path.mkdir()
    shutil.copy(PROFILE_PDF, path / "profil-kesehatan-2023.pdf")
    return path


@pytest.fixture
def document_environ(environ: dict[str, str], tmp_path: Path, folder: Path) -> dict[str, str]:
    config = tmp_path / "config"
    config.mkdir()
    (config / "dinas.yaml").write_text(REGISTRY % {"folder": folder}, encoding="utf-8")
    defaults = (Path(environ["PPID_CONFIG_DIR"]) / "defaults.yaml").read_text(encoding="utf-8")
    (config / "defaults.yaml").write_text(defaults.replace("withdraw_after_days: 3", "withdraw_after_days: 0"))
    return environ | {"PPID_CONFIG_DIR": str(config)}


@pytest.fixture
def doc_platform(document_environ: dict[str, str]):
    opened = Platform.open(load_settings(environ=document_environ))
    yield opened
    opened.close()


@pytest.fixture
def doc_client(doc_platform: Platform):
    from ppid.app import create_app

    application = create_app(platform=doc_platform)
    application.config["TESTING"] = True
    return application.test_client()
