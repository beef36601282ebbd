"""Fixtures for the request module: the real platform and database (tests/conftest.py), a clock the test
sets, the workflow on a session, officers of two dinas and the PPID Utama, and a valid filing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from ppid.accounts.models import Role, User
from ppid.accounts.service import Grant, create_user
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.workflow import Workflow
from ppid.platform import Platform

WIB = ZoneInfo("Asia/Jakarta")
PASSWORD = "kata-sandi-uji-123"


class Clock:
    """The workflow's "now"; tests move it to the day they describe."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now

    def set(self, year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
        self.now = datetime(year, month, day, hour, minute, tzinfo=WIB)


def filing(**overrides: Any) -> dict[str, Any]:
    """What a journalist types into the public form (kip-rules §5.3 fields)."""
    data = {
        "nama": "Siti Rahmawati",
        "jenis_pemohon": "perorangan",
        "nik": "3201014507900001",
        "alamat": "Jl. Merdeka No. 1, Kabupaten Contoh",
        "pekerjaan": "Wartawan",
        "telepon": "0812-3456-7890",
        "email": "siti@example.id",
        "rincian_informasi": "Daftar fasilitas kesehatan dan anggaran perawatannya tahun 2025",
        "tujuan_penggunaan": "Bahan liputan tentang layanan kesehatan",
        "cara_memperoleh": "salinan",
        "format_salinan": "softcopy",
        "cara_mendapatkan_salinan": "email",
        "dinas": "dinkes",
        "pernyataan": True,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 16, 9, 0, tzinfo=WIB))  # Monday, the first row of kip-rules §7.4


@pytest.fixture
def config(platform: Platform) -> PermohonanConfig:
    return PermohonanConfig.from_settings(platform.settings)


@pytest.fixture
def session(platform: Platform) -> Iterator[Session]:
    with platform.database.sessions() as opened:
        yield opened


@pytest.fixture
def workflow(session: Session, config: PermohonanConfig, platform: Platform, clock: Clock) -> Workflow:
    return Workflow(session, config, platform.registry, clock=clock)


def make_user(session: Session, username: str, *grants: Grant) -> User:
    user = create_user(session, username=username, email=f"{username}@contoh.go.id", full_name=username.title(),
                       password=PASSWORD, grants=list(grants))
    session.commit()
    return user


@pytest.fixture
def dinkes_officer(session: Session) -> User:
    return make_user(session, "petugas.dinkes", Grant(Role.OFFICER, "dinkes"))


@pytest.fixture
def capil_officer(session: Session) -> User:
    return make_user(session, "petugas.capil", Grant(Role.OFFICER, "disdukcapil"))


@pytest.fixture
def ppid_utama(session: Session) -> User:
    return make_user(session, "ppid.utama", Grant(Role.ADMIN))


@pytest.fixture
def atasan_dinkes(session: Session) -> User:
    return make_user(session, "atasan.dinkes", Grant(Role.ATASAN, "dinkes"))


CONSEQUENCE_TEST = {
    "informasi": "Nama dan diagnosis pasien dalam laporan",
    "dasar_hukum": "UU 14/2008 Pasal 17 huruf h angka 2",
    "konsekuensi_jika_dibuka": "Mengungkap riwayat kesehatan orang yang dapat dikenali",
    "pertimbangan_kepentingan_publik": "Kepentingan publik terpenuhi oleh data agregat tanpa identitas",
}
REFUSAL = {"keputusan": "ditolak", "dasar_pengecualian": ["h"], "uji_konsekuensi": CONSEQUENCE_TEST}
"""A refusal under Pasal 17 h with its consequence test (Pasal 19)."""


@pytest.fixture
def refused(workflow: Workflow, dinkes_officer: User, clock: Clock):
    """A request refused under Pasal 17 h on Monday 16 March 2026; the requester objects the next day."""
    permohonan = workflow.file(filing()).permohonan
    workflow.decide(permohonan, officer=dinkes_officer, data=REFUSAL)
    clock.set(2026, 3, 17)
    return permohonan
