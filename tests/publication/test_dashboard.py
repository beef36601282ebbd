"""The public transparency dashboard (/transparansi): per dinas and for the pemda, the figures agree with the
catalogue, the harvest's validation reports, the berkala schedule and the request statistics; the same numbers
come as CSV and as JSON that the OpenAPI description describes exactly; no personal data anywhere."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform

from ..permohonan.conftest import REFUSAL, filing
from ..permohonan.test_openapi import answer_schema, conforms
from ..permohonan.test_web import file_directly


@pytest.fixture
def platform(settings):  # the bundled sample region (the root conftest's), not this folder's two-dinas region
    opened = Platform.open(settings)
    yield opened
    opened.close()


@pytest.fixture
def harvested(platform) -> None:
    run_harvest(platform)


def refuse_one_request(platform) -> None:
    """A request to dinkes, refused on the day it was filed: answered within 10 working days."""
    filed = file_directly(platform, nama="Rina Kartika", email="rina@example.id")
    with platform.database.session() as session:
        officer = create_user(session, username="petugas.dinkes", email="dinkes@contoh.go.id", full_name="Petugas",
                              password="kata-sandi-yang-panjang", grants=[Grant(Role.OFFICER, "dinkes")])
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        workflow.decide(session.merge(filed.permohonan), officer=officer, data=REFUSAL)


def test_the_pemda_figures_are_those_of_the_catalogue_and_the_harvest(platform, client, harvested) -> None:
    board = client.get("/api/transparansi").get_json()

    region = board["cakupan"]
    published = client.get("/api/3/action/package_search", query_string={"rows": 0}).get_json()["result"]["count"]
    assert region["dataset"] + region["dokumen"] == published > 0
    assert region["kesegaran_baru"] + region["kesegaran_sedang"] + region["kesegaran_usang"] == published
    with platform.database.session() as session:
        states = dict(session.execute(select(TrackedFile.state, func.count()).group_by(TrackedFile.state)).all())
    assert region["tabel_diperiksa"] == states[FileState.VALID] + states[FileState.INVALID]
    assert region["tabel_valid"] == states[FileState.VALID]
    assert states[FileState.INVALID] == 5  # the sample region's tables that are invalid on purpose
    assert region["persen_tabel_valid"] == round(100 * states[FileState.VALID] / region["tabel_diperiksa"], 1)
    assert sum(cause["jumlah_tabel"] for cause in board["penyebab_tidak_valid"]) >= 5
    assert region["informasi_berkala_terlambat"] >= 1  # the sample region has one berkala item overdue
    for key in ("dataset", "dokumen", "tabel_diperiksa", "tabel_valid", "informasi_berkala",
                "informasi_berkala_terlambat", "permohonan"):
        assert sum(row[key] for row in board["dinas"]) == region[key], key


def test_a_request_answered_on_time_counts_for_its_dinas_and_the_pemda(platform, client) -> None:
    refuse_one_request(platform)
    file_directly(platform, nama="Dodi", email="dodi@example.id", dinas="disdik")  # not answered yet

    board = client.get("/api/transparansi").get_json()

    dinkes = next(row for row in board["dinas"] if row["dinas"] == "dinkes")
    counted = (dinkes["permohonan"], dinkes["dijawab_10_hari_kerja"], dinkes["ditolak"], dinkes["terlambat"])
    assert counted == (1, 1, 1, 0)
    disdik = client.get("/api/transparansi", query_string={"dinas": "disdik"}).get_json()
    assert disdik["cakupan"]["permohonan"] == 1 and disdik["cakupan"]["dijawab_10_hari_kerja"] == 0
    assert disdik["dinas"] == []
    assert board["cakupan"]["permohonan"] == 2 and board["cakupan"]["ditolak"] == 1


def test_the_page_shows_each_chart_with_its_table_and_no_personal_data(platform, client, harvested) -> None:
    refuse_one_request(platform)

    page = client.get("/transparansi").get_data(as_text=True)

    assert page.count('role="img"') >= 5 and page.count("<figure>") == page.count('class="chart"')
    assert "Penyebab tabel tidak valid" in page and "Informasi berkala tepat waktu per dinas" in page
    assert "Dinas Kesehatan" in page
    for personal in ("Rina Kartika", "rina@example.id", filing()["nik"], filing()["telepon"]):
        assert personal not in page
    one = client.get("/transparansi", query_string={"dinas": "dinkes"}).get_data(as_text=True)
    assert "Dasbor transparansi: Dinas Kesehatan" in one


def test_the_csv_holds_the_same_numbers_as_the_json(client, harvested) -> None:
    board = client.get("/api/transparansi").get_json()

    response = client.get("/transparansi/unduh.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["dinas"] for row in rows] == ["", *(row["dinas"] for row in board["dinas"])]
    assert int(rows[0]["tabel_valid"]) == board["cakupan"]["tabel_valid"]
    assert int(rows[1]["dataset"]) == board["dinas"][0]["dataset"]


def test_the_json_is_what_the_openapi_description_says(client, harvested) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = answer_schema(spec, "/api/transparansi", "get", 200)

    for query in ({}, {"dinas": "dinkes", "tahun": "2025"}):
        document = client.get("/api/transparansi", query_string=query).get_json()
        assert conforms(spec, schema, document) == []
    unknown = client.get("/api/transparansi", query_string={"dinas": "tidak-ada"})
    assert unknown.status_code == 404
    assert conforms(spec, answer_schema(spec, "/api/transparansi", "get", 404), unknown.get_json()) == []
    drifted = client.get("/api/transparansi").get_json()
    drifted["cakupan"]["permohonan"] = "dua"
    assert conforms(spec, schema, drifted) != []


@pytest.mark.parametrize("query", [{"dinas": "tidak-ada"}, {"tahun": "2009"}, {"tahun": "dua"}, {"tahun": "2999"}])
def test_an_unknown_dinas_or_year_is_not_found(client, query) -> None:
    assert client.get("/transparansi", query_string=query).status_code == 404
    assert client.get("/api/transparansi", query_string=query).status_code == 404
