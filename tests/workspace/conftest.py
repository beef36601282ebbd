"""A small region at work: one officer per role (and some of other dinas), and a day's worth of work made through
the real services: an overdue request, an objection waiting, a draft submitted, a draft sent back, and a
harvest of the sample dinas whose 2022 table is invalid on purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from ppid.accounts.models import Role, User
from ppid.accounts.service import Grant, create_user
from ppid.db import utcnow
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import Permohonan
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import HarvestRun
from ppid.pipeline.runner import run_harvest
from ppid.uploader import checking

from ..permohonan.conftest import REFUSAL, filing
from ..uploader.helpers import GOOD_CSV, PASSWORD, new_draft, upload
from ..uploader.helpers import sign_in as sign_in_client

DINAS = "disdukcapil"
PEOPLE = {
    "petugas": [Grant(Role.OFFICER, DINAS)],
    "petugas-dinkes": [Grant(Role.OFFICER, "dinkes")],
    "walidata": [Grant(Role.WALIDATA)],
    "walidata-capil": [Grant(Role.WALIDATA, DINAS)],
    "walidata-dinkes": [Grant(Role.WALIDATA, "dinkes")],
    "atasan": [Grant(Role.ATASAN, DINAS)],
    "admin": [Grant(Role.ADMIN)],
}


@pytest.fixture
def settings(settings):
    """A report is waited for as long as it takes (the uploader tests do the same on a loaded machine)."""
    settings.defaults.setdefault("uploader", {})["report_wait_seconds"] = 60
    return settings


@pytest.fixture(autouse=True)
def checks_end_with_the_test():
    yield
    assert checking.idle(timeout=300), "a background check did not end"


@pytest.fixture
def people(platform) -> dict[str, int]:
    ids = {}
    with platform.database.session() as session:
        for username, grants in PEOPLE.items():
            user = create_user(session, username=username, email=f"{username}@contoh.go.id",
                               full_name=username.replace("-", " ").title(), password=PASSWORD, grants=grants)
            ids[username] = user.id
    return ids


def signed_in(app, username: str):
    client = app.test_client()
    client.token = sign_in_client(client, username)
    return client


@dataclass(frozen=True)
class Day:
    """What waits in the region today, by id."""

    overdue_request: Permohonan
    objected_request: Permohonan
    objection_number: str
    submitted_draft: int
    returned_draft: int
    run_id: int


def _file(platform, days_ago: int, **overrides) -> tuple[Workflow, Permohonan]:
    moment = utcnow() - timedelta(days=days_ago)
    session = platform.database.sessions()
    workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry,
                        clock=lambda: moment)
    return workflow, workflow.file(filing(dinas=DINAS, **overrides)).permohonan


@pytest.fixture
def day(app, platform, people) -> Day:
    workflow, overdue = _file(platform, 30)  # ten working days passed long ago, no written notice sent
    workflow.session.commit()
    workflow.session.close()

    workflow, objected = _file(platform, 30, email="rudi@example.id", nama="Rudi Hartono")
    workflow.decide(objected, officer=workflow.session.get(User, people["petugas"]), data=REFUSAL)
    objection = workflow.file_objection(objected, {"alasan": ["a"], "kasus_posisi": "Data ini bukan rahasia."})
    number = objection.number
    workflow.session.commit()
    workflow.session.close()

    officer_client = signed_in(app, "petugas")
    walidata_client = signed_in(app, "walidata")
    submitted = new_draft(officer_client, title="Penduduk Menunggu Tinjauan")
    upload(officer_client, submitted, "penduduk-tinjauan.csv", GOOD_CSV.encode())
    officer_client.post(f"/unggah/draf/{submitted}/ajukan", data={"csrf_token": officer_client.token})
    returned = new_draft(officer_client, title="Penduduk Perlu Perbaikan")
    upload(officer_client, returned, "penduduk-perbaikan.csv", GOOD_CSV.encode())
    officer_client.post(f"/unggah/draf/{returned}/ajukan", data={"csrf_token": officer_client.token})
    walidata_client.post(f"/unggah/draf/{returned}/kembalikan",
                         data={"csrf_token": walidata_client.token, "komentar": "Lengkapi sumber datanya."})

    run_harvest(platform, dinas_slugs=[DINAS])
    with platform.database.session() as session:
        run_id = session.scalar(select(HarvestRun.id).order_by(HarvestRun.id.desc()))
    return Day(overdue, objected, number, submitted, returned, run_id)


def task_count(page: str, key: str) -> int:
    """The count shown on the workspace card of one task (``id="tugas-<key>"``)."""
    found = re.search(rf'id="tugas-{key}">.*?<strong>(\d+)</strong>', page, re.S)
    assert found, f"no card {key} on the workspace"
    return int(found.group(1))
