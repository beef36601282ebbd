"""Personal data kept out of what is published: a harvested table (CSV and XLSX) or document (PDF) holding NIKs or
phone numbers is held back for the walidata, with the cells or pages named and the values masked; the walidata
publishes it anyway with a reason or sends it back; a released version is not held again, a changed one is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from reportlab.pdfgen import canvas
from sqlalchemy import select

from ppid.config import load_settings
from ppid.pipeline.models import ItemOutcome, RunEvent, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publication.holds import HoldError, HoldStatus, PersonalDataHold, release, send_back
from ppid.publishing.client import catalogue_client

from ..workspace.conftest import task_count

REPO = Path(__file__).resolve().parents[2]
NIKS = ["3201014509900001", "3201010101850002"]
PHONES = ["081234567890", "+6281298765432"]
REGISTRY = """
region: {name: Kabupaten Contoh, kode_wilayah: "3201"}
dinas:
  - slug: dinsos
    name: Dinas Sosial Kabupaten Contoh
    ppid: {name: PPID Pelaksana Dinas Sosial, email: ppid.dinsos@contoh.go.id}
    klasifikasi: {kategori_informasi: berkala, periode_bulan: 6}
    sources:
      - kind: folder
        name: folder-data
        path: %(folder)s
        rules:
          - match: "penerima*.csv"
            schema: daftar_penerima
            dataset: {title: Daftar Penerima Bantuan}
          - match: "penerima*.xlsx"
            schema: daftar_penerima
            dataset: {title: Daftar Penerima Bantuan Lengkap}
          - match: "anggaran*.csv"
            schema: anggaran_program
            dataset: {title: Anggaran Program}
          - match: "surat*.pdf"
            kind: document
            dataset: {title: Surat Permohonan Bantuan}
"""
SCHEMAS = {
    "daftar_penerima": ["nik", "nama", "alamat", "telepon"],
    "anggaran_program": ["kode_program", "uraian", "anggaran"],
}
ROWS = [[NIKS[0], "Budi Santoso", "Jl. Melati No. 5", PHONES[0]],
        [NIKS[1], "Siti Aminah", "Jl. Mawar 2", PHONES[1]]]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")


def write_pdf(path: Path, pages: list[str]) -> None:
    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sumber"
    folder.mkdir()
    write_csv(folder / "penerima-2024.csv", SCHEMAS["daftar_penerima"], ROWS)
    book = Workbook()
    book.active.append(SCHEMAS["daftar_penerima"])
    for row in ROWS:
        book.active.append(row)
    book.save(folder / "penerima-2025.xlsx")
    # a 16-digit amount that happens to fit a NIK's structure, in a column of amounts: not personal data
    write_csv(folder / "anggaran-2024.csv", SCHEMAS["anggaran_program"],
              [["1.01", "Bantuan sosial", "3201014509900001"], ["1.02", "Rehabilitasi", "250000000"],
               ["1.03", "Pemberdayaan", "125000000"]])
    write_pdf(folder / "surat-2024.pdf", ["Surat permohonan bantuan sosial tahun 2024.",
                                         f"Pemohon: NIK {NIKS[0]}, telepon {PHONES[0]}."])
    return folder


@pytest.fixture
def platform(environ: dict[str, str], tmp_path: Path, folder: Path):
    config, schemas = tmp_path / "config", tmp_path / "schemas"
    config.mkdir()
    (config / "dinas.yaml").write_text(REGISTRY % {"folder": folder}, encoding="utf-8")
    shutil.copy(Path(environ["PPID_CONFIG_DIR"]) / "defaults.yaml", config / "defaults.yaml")
    shutil.copytree(REPO / "schemas", schemas)
    for name, fields in SCHEMAS.items():
        descriptor = {"name": name, "fields": [{"name": field, "type": "string"} for field in fields]}
        (schemas / f"{name}.json").write_text(json.dumps(descriptor), encoding="utf-8")
    opened = Platform.open(load_settings(environ=environ | {"PPID_CONFIG_DIR": str(config),
                                                            "PPID_SCHEMAS_DIR": str(schemas)}))
    yield opened
    opened.close()


def holds(platform: Platform) -> dict[str, PersonalDataHold]:
    with platform.database.session() as session:
        found = {hold.file_name: hold for hold in session.scalars(select(PersonalDataHold))}
        session.expunge_all()
    return found


def published_names(platform: Platform) -> set[str]:
    with catalogue_client(platform) as ckan:
        found = ckan.action.package_search(fq="organization:dinsos", include_private=True)
    return {resource["name"] for package in found["results"] for resource in package["resources"]}


def held_events(platform: Platform, run_id: int) -> list[RunEvent]:
    with platform.database.session() as session:
        return list(session.scalars(select(RunEvent).where(RunEvent.run_id == run_id,
                                                           RunEvent.outcome == ItemOutcome.HELD)))


def test_nik_and_phone_numbers_in_a_csv_an_xlsx_and_a_pdf_hold_them_back_with_the_places_named(platform) -> None:
    run_id = run_harvest(platform)

    held = holds(platform)
    assert set(held) == {"penerima-2024.csv", "penerima-2025.xlsx", "surat-2024.pdf"}
    table = held["penerima-2024.csv"].scan
    assert table.counts == {"nik": 2, "telepon": 2, "alamat": 2}
    assert [(p.row, p.column, p.sample) for p in table.places if p.kind == "nik"] == [
        (2, "nik", "3201********0001"), (3, "nik", "3201********0002")]
    assert held["penerima-2025.xlsx"].scan.counts == {"nik": 2, "telepon": 2, "alamat": 2}
    document = held["surat-2024.pdf"].scan
    assert document.counts == {"nik": 1, "telepon": 1}
    assert {place.page for place in document.places} == {2}
    assert all(hold.status == HoldStatus.HELD for hold in held.values())
    assert published_names(platform) == {"anggaran-2024.csv"}
    assert sorted(event.item_key for event in held_events(platform, run_id)) == [
        "penerima-2024.csv", "penerima-2025.xlsx", "surat-2024.pdf"]  # once per file, in the run's record
    messages = " ".join(event.message or "" for event in held_events(platform, run_id))
    assert "Ditahan untuk walidata" in messages and "baris 2, kolom nik: 3201********0001" in messages
    assert "halaman 2" in messages
    assert not any(nik in messages for nik in NIKS) and not any(phone in messages for phone in PHONES)


def test_a_released_file_is_published_and_never_held_again_until_its_content_changes(platform, folder) -> None:
    run_harvest(platform)
    with platform.database.session() as session:
        hold = session.scalar(select(PersonalDataHold).where(PersonalDataHold.file_name == "penerima-2024.csv"))
        with pytest.raises(HoldError):
            release(hold, reason="ok", officer_id=None, officer_name="Walidata")
        release(hold, reason="Data penerima diumumkan menurut Permensos", officer_id=None, officer_name="Walidata")
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "penerima-2024.csv"))
        tracked.published_sha256 = None

    second = run_harvest(platform)

    assert "penerima-2024.csv" in published_names(platform)
    assert not [event for event in held_events(platform, second) if event.item_key == "penerima-2024.csv"]
    assert holds(platform)["penerima-2024.csv"].reason == "Data penerima diumumkan menurut Permensos"

    write_csv(folder / "penerima-2024.csv", SCHEMAS["daftar_penerima"], [*ROWS, ["3201016001950003", "Ani",
                                                                                   "Jl. Kenanga 1", "0813111222333"]])
    run_harvest(platform)

    with platform.database.session() as session:
        versions = list(session.scalars(select(PersonalDataHold).where(
            PersonalDataHold.file_name == "penerima-2024.csv").order_by(PersonalDataHold.id)))
        assert [hold.status for hold in versions] == [HoldStatus.RELEASED, HoldStatus.HELD]
        assert versions[1].scan.counts["nik"] == 3
    assert "penerima-2024.csv" not in published_names(platform)


def test_a_file_sent_back_stays_unpublished(platform) -> None:
    run_harvest(platform)
    with platform.database.session() as session:
        hold = session.scalar(select(PersonalDataHold).where(PersonalDataHold.file_name == "surat-2024.pdf"))
        send_back(hold, reason="Hapus halaman identitas pemohon", officer_id=None, officer_name="Walidata")

    run_harvest(platform)

    assert holds(platform)["surat-2024.pdf"].status == HoldStatus.SENT_BACK
    assert "surat-2024.pdf" not in published_names(platform)


# -- through the web -------------------------------------------------------------------------------------------


@pytest.fixture
def app(platform: Platform):
    from ppid.app import create_app

    application = create_app(platform=platform)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def sign_in(app, platform: Platform):
    from ppid.accounts.models import Role
    from ppid.accounts.service import Grant, create_user

    from .conftest import PASSWORD, csrf

    people = {"walidata": [Grant(Role.WALIDATA)], "petugas-dinsos": [Grant(Role.OFFICER, "dinsos")],
              "walidata-disdik": [Grant(Role.WALIDATA, "disdik")]}
    with platform.database.session() as session:
        for username, grants in people.items():
            create_user(session, username=username, email=f"{username}@contoh.go.id",
                        full_name=f"Pengguna {username}", password=PASSWORD, grants=grants)

    def signed_in(username: str):
        client = app.test_client()
        response = client.post("/masuk", data={"username": username, "password": PASSWORD,
                                               "csrf_token": csrf(client, "/masuk")})
        assert response.status_code == 302
        client.token = csrf(client, "/petugas/")
        return client

    return signed_in


def hold_id(platform: Platform, file_name: str) -> int:
    return holds(platform)[file_name].id


def test_the_dinas_officer_sees_why_in_plain_indonesian_with_values_masked(platform, sign_in) -> None:
    run_harvest(platform)
    officer = sign_in("petugas-dinsos")

    page = officer.get("/petugas/data-pribadi").get_data(as_text=True)

    assert "penerima-2024.csv" in page and "surat-2024.pdf" in page
    assert "baris 2, kolom nik" in page and "3201********0001" in page and "halaman 2" in page
    assert "NIK (nomor induk kependudukan)" in page
    assert not any(nik in page for nik in NIKS) and not any(phone in page for phone in PHONES)
    assert "Terbitkan dengan alasan" not in page  # an officer sees, the walidata decides
    refused = officer.post(f"/petugas/data-pribadi/{hold_id(platform, 'surat-2024.pdf')}/terbitkan",
                           data={"alasan": "Saya ingin menerbitkannya", "csrf_token": officer.token})
    assert refused.status_code == 403


def test_the_walidata_releases_with_a_reason_through_the_web_and_the_file_is_published(platform, sign_in) -> None:
    run_harvest(platform)
    walidata = sign_in("walidata")
    path = f"/petugas/data-pribadi/{hold_id(platform, 'penerima-2024.csv')}/terbitkan"

    without_token = walidata.post(path, data={"alasan": "Daftar penerima wajib diumumkan"})
    no_reason = walidata.post(path, data={"alasan": " ", "csrf_token": walidata.token}, follow_redirects=True)
    assert without_token.status_code == 400
    assert "paling sedikit 10 karakter" in no_reason.get_data(as_text=True)
    assert "penerima-2024.csv" not in published_names(platform)

    released = walidata.post(path, data={"alasan": "Daftar penerima wajib diumumkan (Permensos)",
                                         "csrf_token": walidata.token}, follow_redirects=True)

    page = released.get_data(as_text=True)
    assert "diterbitkan dengan alasan" in page and "Daftar penerima wajib diumumkan (Permensos)" in page
    assert "Pengguna walidata" in page
    assert "penerima-2024.csv" in published_names(platform)
    later = run_harvest(platform)
    assert "penerima-2024.csv" not in {event.item_key for event in held_events(platform, later)}
    assert "penerima-2024.csv" in published_names(platform)


def test_the_walidata_sends_a_file_back_through_the_web_and_another_dinas_walidata_cannot(platform, sign_in) -> None:
    run_harvest(platform)
    path = f"/petugas/data-pribadi/{hold_id(platform, 'surat-2024.pdf')}/kembalikan"
    other = sign_in("walidata-disdik")
    assert other.post(path, data={"alasan": "", "csrf_token": other.token}).status_code == 403
    assert "surat-2024.pdf" not in other.get("/petugas/data-pribadi").get_data(as_text=True)

    walidata = sign_in("walidata")
    officer = sign_in("petugas-dinsos")
    workspace = walidata.get("/petugas/").get_data(as_text=True)
    assert task_count(workspace, "data-pribadi") == 3 and "surat-2024.pdf" in workspace
    assert task_count(officer.get("/petugas/").get_data(as_text=True), "data-pribadi-dikembalikan") == 0
    sent = walidata.post(path, data={"alasan": "Hapus halaman identitas", "csrf_token": walidata.token},
                         follow_redirects=True)

    assert "dikembalikan ke dinas untuk diperbaiki" in sent.get_data(as_text=True)
    assert holds(platform)["surat-2024.pdf"].status == HoldStatus.SENT_BACK
    assert task_count(walidata.get("/petugas/").get_data(as_text=True), "data-pribadi") == 2
    assert task_count(officer.get("/petugas/").get_data(as_text=True), "data-pribadi-dikembalikan") == 1
    run_harvest(platform)
    assert "surat-2024.pdf" not in published_names(platform)


# -- what was published before the scan existed -------------------------------------------------------------------


def published_without_scan(platform: Platform) -> None:
    """The state an installation from before the personal-data scan is in: every file published, no hold recorded
    (the harvest's holds are forgotten and each dataset is published again through the pipeline's own step)."""
    from ppid.pipeline.publication import publish_dataset
    from ppid.publishing.publisher import open_publisher

    run_harvest(platform)
    with platform.database.session() as session:
        for hold in session.scalars(select(PersonalDataHold)):
            session.delete(hold)
        datasets = {(f.dinas_slug, f.dataset_name) for f in session.scalars(select(TrackedFile))}
    with open_publisher(platform) as publisher:
        for dinas_slug, dataset_name in datasets:
            publish_dataset(platform, publisher, dinas_slug, dataset_name)
    assert "penerima-2024.csv" in published_names(platform) and "surat-2024.pdf" in published_names(platform)


def audit(platform: Platform):
    from ppid.pipeline.privacy_audit import audit_published
    from ppid.publishing.publisher import open_publisher

    with open_publisher(platform) as publisher:
        return audit_published(platform, publisher)


def test_files_published_before_the_scan_are_scanned_held_and_taken_out_of_the_catalogue(platform) -> None:
    published_without_scan(platform)

    found = audit(platform)

    assert sorted(held.file_name for held in found.held) == ["penerima-2024.csv", "penerima-2025.xlsx",
                                                              "surat-2024.pdf"]
    assert found.scanned == 4 and found.already_decided == 0
    assert published_names(platform) == {"anggaran-2024.csv"}  # the amounts' look-alike NIK is not personal data
    assert all(hold.status == HoldStatus.HELD for hold in holds(platform).values())
    summaries = " ".join(held.summary for held in found.held)
    assert "3201********0001" in summaries and not any(nik in summaries for nik in NIKS)


def test_a_second_scan_reads_only_undecided_versions_and_a_released_file_stays_public(platform) -> None:
    published_without_scan(platform)
    audit(platform)
    with platform.database.session() as session:
        hold = session.scalar(select(PersonalDataHold).where(PersonalDataHold.file_name == "penerima-2024.csv"))
        release(hold, reason="Data penerima diumumkan menurut Permensos", officer_id=None, officer_name="Walidata")
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "penerima-2024.csv"))
        tracked.published_sha256 = None  # as the walidata's page does, publish the released version again
    run_harvest(platform)
    assert "penerima-2024.csv" in published_names(platform)

    again = audit(platform)

    assert (again.scanned, again.already_decided, again.held) == (1, 3, [])  # only the clean amounts are read again
    assert "penerima-2024.csv" in published_names(platform)


def test_a_held_file_still_served_after_an_interrupted_scan_is_taken_out_by_the_next_one(platform) -> None:
    published_without_scan(platform)
    audit(platform)
    with platform.database.session() as session:  # as if the scan stopped after recording the hold
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "surat-2024.pdf"))
        tracked.published_storage_key = tracked.storage_key

    again = audit(platform)

    assert again.held == [] and again.republished == [("dinsos", "dinsos-surat-permohonan-bantuan")]
    with platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "surat-2024.pdf"))
        assert tracked.published_storage_key is None


def test_the_command_says_what_it_held_and_exits_1_then_0(platform, environ, tmp_path) -> None:
    from ..validation.test_cli_formats import run_ppid

    published_without_scan(platform)
    env = environ | {"PPID_CONFIG_DIR": str(tmp_path / "config"), "PPID_SCHEMAS_DIR": str(tmp_path / "schemas")}

    first = run_ppid("data-pribadi", "pindai", env=env)
    second = run_ppid("data-pribadi", "pindai", "--dinas", "dinsos", env=env)
    wrong = run_ppid("data-pribadi", "pindai", "--dinas", "tidak-ada", env=env)

    assert first.returncode == 1, first.stderr
    assert "Ditahan: dinsos/" in first.stdout and "penerima-2024.csv" in first.stdout
    assert "4 berkas dipindai (0 sudah diputuskan sebelumnya), 3 ditahan" in first.stdout
    assert not any(nik in first.stdout + first.stderr for nik in NIKS)
    assert second.returncode == 0 and "1 berkas dipindai (3 sudah diputuskan sebelumnya), 0 ditahan" in second.stdout
    assert wrong.returncode == 2 and "tidak-ada" in wrong.stderr and "Traceback" not in wrong.stderr
