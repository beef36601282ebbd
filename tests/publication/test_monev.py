"""The monev evidence pack: the Komisi Informasi's questionnaire (config/monev.yaml) answered from the platform's
records for a dinas or the pemda, a provisional score with its predicate, the administrator's answers to what the
platform cannot know, and the ZIP of evidence whose registers carry no personal data."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ppid.accounts.models import Role, User
from ppid.accounts.service import Grant
from ppid.app import create_app
from ppid.config import load_settings
from ppid.permohonan import service_report
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publication import monev
from ppid.publication.models import ExemptInformation
from ppid.publication.seeding import FILE_NAME, load_registers

from ..permohonan.conftest import filing, make_user
from ..permohonan.test_web import csrf, sign_in

REPO = Path(__file__).resolve().parents[2]
YEAR = 2026
"""The monev year: it rates the service of 2025 (whose annual report the fixture finalises) and today's state."""
FILED_AT = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
REQUESTER = {"nama": "Rina Kartika", "email": "rina@example.id", "nik": "3201014507900001",
             "telepon": "0812-3456-7890", "alamat": "Gang Kenanga RT 03/RW 07, Desa Sukamaju"}


@pytest.fixture
def platform(settings):  # the bundled sample region (the root conftest's), not this folder's two-dinas region
    opened = Platform.open(settings)
    yield opened
    opened.close()


@pytest.fixture
def region(platform) -> None:
    """The sample region harvested with its registers (DIP and its SK, DIK), a request filed to dinkes on Monday
    2 June 2025, 2025's annual report finalised, and three accounts."""
    run_harvest(platform)
    with platform.database.session() as session:
        load_registers(session, platform.storage, platform.registry, REPO / "config" / FILE_NAME)
        admin = make_user(session, "ppid.utama", Grant(Role.ADMIN))
        make_user(session, "admin.dinkes", Grant(Role.ADMIN, "dinkes"))
        make_user(session, "petugas.dinkes", Grant(Role.OFFICER, "dinkes"))
        config = PermohonanConfig.from_settings(platform.settings)
        Workflow(session, config, platform.registry, clock=lambda: FILED_AT).file(filing(**REQUESTER))
        service_report.finalise(Workflow(session, config, platform.registry), YEAR - 1, by=admin)
        session.commit()


@pytest.mark.parametrize(("score", "expected"), [
    (100, "Informatif"), (90, "Informatif"), (89.9, "Menuju Informatif"), (80, "Menuju Informatif"),
    (79.9, "Cukup Informatif"), (60, "Cukup Informatif"), (59.9, "Kurang Informatif"), (40, "Kurang Informatif"),
    (39.95, "Tidak Informatif"), (0, "Tidak Informatif"),
])
def test_the_predicate_follows_the_ki_bands(score: float, expected: str) -> None:
    assert monev.predicate(score) == expected


def test_the_regions_questionnaire_has_six_indicators_weighing_100() -> None:
    questionnaire = monev.load_questionnaire(REPO / "config")

    assert len(questionnaire.indicators) == 6
    assert sum(indicator.weight for indicator in questionnaire.indicators) == 100


def test_a_questionnaire_naming_unknown_evidence_is_refused_in_words(tmp_path: Path) -> None:
    text = (REPO / "config" / monev.FILE_NAME).read_text(encoding="utf-8").replace("bukti: dip_sk", "bukti: tebakan")
    (tmp_path / monev.FILE_NAME).write_text(text, encoding="utf-8")

    with pytest.raises(monev.MonevError, match="tidak dikenal: tebakan"):
        monev.load_questionnaire(tmp_path)


def test_the_pack_answers_from_the_records_and_the_administrator_fills_the_rest(client, region) -> None:
    sign_in(client, "ppid.utama")

    page = client.get("/petugas/monev", query_string={"tahun": YEAR}).get_data(as_text=True)

    assert "Seluruh pemerintah daerah" in page and "Penilaian mandiri:" in page
    assert "Laporan tahun 2025 difinalisasi dan diumumkan." in page  # the annual report of the year rated
    assert "SK 188.45/12/KPTS/2026" in page  # the DIP's SK, from the sample region's registers
    assert "Belum diisi administrator." in page
    before = _saq(page)

    answers = {"sk_ppid": "SK Bupati 480/12/2025", "anggaran_ppid": "Rp 150.000.000 (DPA Diskominfo 2026)",
               "petugas": "4 petugas, SK 480/13/2025", "ruang_layanan": "Ruang layanan lantai 1, foto terlampir",
               "anggaran": "https://contoh.go.id/dpa-2026.pdf", "media_sosial": "https://instagram.com/kabcontoh"}
    saved = client.post("/petugas/monev?tahun=2026",
                        data={**answers, "csrf_token": csrf(client, "/petugas/monev?tahun=2026")})

    assert saved.status_code == 303
    page = client.get("/petugas/monev", query_string={"tahun": YEAR}).get_data(as_text=True)
    assert "Belum diisi administrator." not in page
    assert "Rp 150.000.000 (DPA Diskominfo 2026)" in page
    assert _saq(page) > before
    assert REQUESTER["nama"] not in page and REQUESTER["email"] not in page


def test_the_pemdas_commitment_is_answered_by_the_annual_reports_sections_a_and_b_entered_once(
        client, platform, region) -> None:
    with platform.database.session() as session:
        admin = session.scalar(select(User).where(User.username == "ppid.utama"))
        service_report.save_profile(session, {"sk_ppid": "SK Bupati 480/12/2025", "anggaran": "150000000",
                                              "sumber_anggaran": "DPA Diskominfo 2026", "jumlah_petugas": "4"},
                                    by=admin)
    sign_in(client, "ppid.utama")

    page = client.get("/petugas/monev", query_string={"tahun": YEAR}).get_data(as_text=True)

    assert "Dari laporan layanan informasi (bagian A dan B): Keputusan penetapan PPID: SK Bupati 480/12/2025." in page
    assert "Sumber anggaran: DPA Diskominfo 2026" in page
    assert "Belum diisi di laporan layanan informasi: Kualifikasi petugas PPID." in page  # staff: half written
    pack = _pack(platform, None)
    commitment = next(item for item in pack.indicators if item.indicator.code == "komitmen_organisasi")
    assert [answer.evidence.met for answer in commitment.answers] == [True, True, False]
    dinas = next(item for item in _pack(platform, "dinkes").indicators
                 if item.indicator.code == "komitmen_organisasi")
    assert [answer.evidence.text for answer in dinas.answers] == ["Belum diisi administrator."] * 3  # its own SK


def _pack(platform, dinas_slug):
    from ppid.publishing.client import catalogue_client

    with platform.database.session() as session, catalogue_client(platform) as ckan:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        return monev.build(workflow, ckan, monev.load_questionnaire(REPO / "config"), year=YEAR,
                           dinas_slug=dinas_slug, portal_url="http://127.0.0.1", config_dir=REPO / "config")


def test_a_questionnaire_naming_an_unknown_report_field_is_refused_in_words(tmp_path: Path) -> None:
    text = (REPO / "config" / monev.FILE_NAME).read_text(encoding="utf-8").replace(
        '"laporan:sk_ppid"', '"laporan:sk_bupati"')
    (tmp_path / monev.FILE_NAME).write_text(text, encoding="utf-8")

    with pytest.raises(monev.MonevError, match="tidak dikenal: laporan:sk_bupati"):
        monev.load_questionnaire(tmp_path)


def test_a_dinas_sees_only_its_own_pack_and_only_administrators_answer(client, region) -> None:
    sign_in(client, "petugas.dinkes")

    own = client.get("/petugas/monev", query_string={"tahun": YEAR})
    assert own.status_code == 200 and "Dinas Kesehatan Kabupaten Contoh" in own.get_data(as_text=True)
    assert "Isian administrator" not in own.get_data(as_text=True)
    assert client.get("/petugas/monev", query_string={"tahun": YEAR, "dinas": "disdik"}).status_code == 403
    token = csrf(client, "/petugas/monev?tahun=2026")
    assert client.post("/petugas/monev?tahun=2026&dinas=dinkes",
                       data={"sk_ppid": "x", "csrf_token": token}).status_code == 403
    client.post("/keluar", data={"csrf_token": token})

    sign_in(client, "admin.dinkes")
    token = csrf(client, "/petugas/monev?tahun=2026&dinas=dinkes")
    assert client.post("/petugas/monev?tahun=2026&dinas=dinkes",
                       data={"sk_ppid": "SK Kadinkes 1/2026", "csrf_token": token}).status_code == 303
    assert client.post("/petugas/monev?tahun=2026&dinas=disdik",
                       data={"sk_ppid": "x", "csrf_token": token}).status_code == 403
    assert client.post("/petugas/monev?tahun=2026&dinas=dinkes", data={"sk_ppid": "tanpa token"}).status_code == 400


BANSOS = "Data nama dan alamat penerima bantuan sosial per keluarga"


def test_the_zip_holds_the_evidence_and_no_personal_data(client, region) -> None:
    sign_in(client, "ppid.utama")

    response = client.get("/petugas/monev/bukti.zip", query_string={"tahun": YEAR})

    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    assert {"00-ringkasan-monev.pdf", "02-daftar-informasi-publik.csv", "02-daftar-informasi-publik.pdf",
            "03-daftar-informasi-dikecualikan.csv", "04-laporan-layanan-informasi-2025.pdf",
            "05-register-permohonan.csv", "05-register-keberatan.csv", "06-standar-layanan.txt"} <= names
    summary_pdf = PdfReader(io.BytesIO(archive.read("00-ringkasan-monev.pdf")))
    summary = "".join(page.extract_text() for page in summary_pdf.pages)
    assert "Nilai sementara penilaian" in summary and "Jenis informasi" in summary
    exempt = archive.read("03-daftar-informasi-dikecualikan.csv").decode("utf-8-sig")
    assert "Data nama dan alamat penerima bantuan sosial per keluarga" in exempt
    request_register = archive.read("05-register-permohonan.csv").decode("utf-8-sig")
    assert "Daftar fasilitas kesehatan" in request_register  # the 2025 request is in it, without its requester
    everything = b"".join(archive.read(name) for name in names if not name.endswith(".pdf")).decode("utf-8", "replace")
    for value in REQUESTER.values():
        assert value not in everything, value


def test_an_exemption_opened_is_in_the_evidence_as_opened_and_no_longer_counted_as_exempt(client, platform,
                                                                                              region) -> None:
    sign_in(client, "ppid.utama")
    with platform.database.session() as session:
        entry = session.scalar(select(ExemptInformation).where(ExemptInformation.public_title == BANSOS))
        entry_id, starts_on = entry.id, entry.starts_on
        in_force = session.scalar(select(func.count()).select_from(ExemptInformation))
    url = f"/petugas/informasi-dikecualikan/{entry_id}"

    reason = "Uji ulang: data agregat tidak lagi mengenali keluarga."
    opened = client.post(f"{url}/buka", data={"opened_on": starts_on.isoformat(), "opened_reason": reason,
                                              "csrf_token": csrf(client, url)})

    assert opened.status_code == 303
    archive = zipfile.ZipFile(io.BytesIO(client.get("/petugas/monev/bukti.zip", query_string={"tahun": YEAR}).data))
    rows = list(csv.reader(io.StringIO(archive.read("03-daftar-informasi-dikecualikan.csv").decode("utf-8-sig"))))
    row = next(row for row in rows if row and row[0] == BANSOS)
    assert row[rows[0].index("Status")] == "dibuka" and row[rows[0].index("Dibuka pada")] == starts_on.isoformat()
    page = " ".join(client.get("/petugas/monev", query_string={"tahun": YEAR}).get_data(as_text=True).split())
    assert f"{in_force - 1} informasi dikecualikan, masing-masing dengan uji konsekuensi" in page


def _saq(page: str) -> float:
    return float(re.search(r"Penilaian mandiri: ([0-9.]+)", page).group(1))



def test_a_broken_questionnaire_is_said_in_words_not_a_traceback(environ, tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / monev.FILE_NAME).write_text("komisi: [tidak ditutup\n", encoding="utf-8")
    broken = Platform.open(load_settings(environ={**environ, "PPID_CONFIG_DIR": str(config)}))
    try:
        with broken.database.session() as session:
            make_user(session, "ppid.utama", Grant(Role.ADMIN))
        client = create_app(platform=broken).test_client()
        sign_in(client, "ppid.utama")

        response = client.get("/petugas/monev", query_string={"tahun": YEAR})
    finally:
        broken.close()

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Kuesioner monev" in page and "tidak dapat dibaca" in page and "Traceback" not in page
