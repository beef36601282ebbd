"""Every Satu Data field an officer fills in the uploader is on the public dataset page, in words, in both languages.

The page reads them back from the catalogue (the package's extras), so what a citizen sees is what a harvester of
the catalogue gets: through the embedded catalogue, and through a real CKAN 2.12 when ``CKAN_URL`` is set (started
by ../shared/ckan-test-server/run_ckan.sh), after the walidata approved the draft.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import ckanapi
import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.uploader import checking
from tests.conftest import sample_region_environ
from tests.uploader.helpers import GOOD_CSV, PASSWORD, new_draft, sign_in, upload

CKAN_URL = os.environ.get("CKAN_URL")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN")
NAME = "disdukcapil-penduduk-per-kecamatan-hasil-unggahan"

FILLED = {
    "title": "Penduduk per Kecamatan Hasil Unggahan",
    "frequency": "semesteran",
    "year": "2024-S1",
    "level_penyajian": "kecamatan",
    "cakupan_wilayah": "Kabupaten Contoh",
    "satuan": "jiwa",
    "sumber": "Registrasi penduduk semester I",
    "kontak": "data.capil@contoh.go.id",
    "licence": "cc-by-sa",
    "tags": "kependudukan, penduduk",
}


@pytest.fixture(params=["embedded", pytest.param("ckan", marks=pytest.mark.ckan)])
def environ(request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> dict[str, str]:
    """The sample installation, publishing to the embedded catalogue or to a real CKAN (without this test's dataset)."""
    environ = sample_region_environ(tmp_path, database_url)
    if request.param == "ckan":
        if not CKAN_URL:
            pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
        environ |= {"PPID_CATALOGUE_URL": CKAN_URL, "PPID_CATALOGUE_API_TOKEN": CKAN_API_TOKEN}
        with ckanapi.RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN) as ckan, contextlib.suppress(ckanapi.NotFound):
            ckan.action.dataset_purge(id=NAME)
    return environ


@pytest.fixture
def published(platform, app) -> str:
    """A dataset an officer described and uploaded and the walidata approved; returns its page's address."""
    with platform.database.session() as session:
        for username, grant in {"capil": Grant(Role.OFFICER, "disdukcapil"), "wali": Grant(Role.WALIDATA)}.items():
            create_user(session, username=username, email=f"{username}@contoh.go.id", full_name=f"Pengguna {username}",
                        password=PASSWORD, grants=[grant])
    officer, walidata = app.test_client(), app.test_client()
    officer.token, walidata.token = sign_in(officer, "capil"), sign_in(walidata, "wali")
    draft_id = new_draft(officer, **FILLED)
    upload(officer, draft_id, "penduduk-kecamatan.csv", GOOD_CSV.encode())
    assert checking.idle(timeout=60)  # on a busy machine the check may outlast the upload's wait
    submitted = officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token})
    assert submitted.status_code == 302, officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    assert walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token}).status_code == 302
    return f"/dataset/{NAME}"


def definitions(page: str) -> dict[str, str]:
    """The metadata definition list as label → text (links reduced to their text)."""
    listing = re.search(r'<dl class="meta">(.*?)</dl>', page, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", listing, re.S)
    return {label: re.sub(r"<[^>]+>", "", value) for label, value in pairs}


def test_the_public_page_lists_every_field_the_officer_filled(published, client) -> None:
    shown = definitions(client.get(published).get_data(as_text=True))

    assert shown["Sumber data"] == "Registrasi penduduk semester I"
    assert shown["Level penyajian"] == "Kecamatan"
    assert shown["Frekuensi pembaruan"] == "Semesteran"
    assert shown["Tahun / periode"] == "2024-S1"
    assert shown["Cakupan wilayah"].startswith("Kabupaten Contoh")
    assert shown["Satuan"] == "jiwa"
    assert shown["Kontak"] == "data.capil@contoh.go.id"
    assert "Share" in shown["Lisensi"] or shown["Lisensi"] == "cc-by-sa"
    assert shown["Topik"] == "kependudukan, penduduk"
    assert shown["Produsen data"]


def test_the_labels_and_words_are_english_with_lang_en(published, client) -> None:
    shown = definitions(client.get(f"{published}?lang=en").get_data(as_text=True))

    assert shown["Presentation level"] == "District (kecamatan)"
    assert shown["Data source"] == "Registrasi penduduk semester I"
    assert shown["Update frequency"] == "Every six months"
    assert shown["Year / period"] == "2024-S1"
