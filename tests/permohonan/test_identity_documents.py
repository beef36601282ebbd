"""The requester's identity: NIK encrypted at rest, KTP scan and surat kuasa checked by content, stored encrypted
under a random key, and shown only to officers of the request's dinas."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import select, text

from ppid.cli import main
from ppid.db import alembic_config
from ppid.permohonan.documents import MAX_BYTES
from ppid.permohonan.identity import PersonalDataCipher
from ppid.permohonan.models import Permohonan, Requester

from .conftest import filing
from .test_web import csrf, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"ktp-pindaian" * 100
PDF = b"%PDF-1.7\n% surat kuasa khusus\n" + b"0" * 2000


def _file(client, *, files: dict[str, tuple[bytes, str]], **overrides):
    data = {**filing(pernyataan="1", **overrides), "csrf_token": csrf(client, "/permohonan/ajukan")}
    data.update({field: (io.BytesIO(content), name) for field, (content, name) in files.items()})
    return client.post("/permohonan/ajukan", data=data, content_type="multipart/form-data")


def _stored_objects(platform) -> list[Path]:
    root = Path(platform.settings.storage_url) / "permohonan" / "identitas"
    return sorted(root.iterdir()) if root.exists() else []


def _requester(platform) -> Requester:
    with platform.database.session() as session:
        requester = session.scalar(select(Requester))
        session.expunge_all()
        return requester


def test_the_nik_is_encrypted_in_the_database_and_readable_by_the_workflow(workflow, session) -> None:
    permohonan = workflow.file(filing()).permohonan
    session.commit()

    stored = session.execute(text("SELECT nik FROM permohonan_pemohon")).scalar_one()
    assert "3201014507900001" not in stored and stored.startswith("gAAAAA")  # a Fernet token
    assert workflow.nik_of(session.get(Requester, permohonan.id)) == "3201014507900001"


def test_the_personal_data_key_is_its_own_setting(settings) -> None:
    assert settings.personal_data_key and settings.personal_data_key != settings.secret_key
    token = PersonalDataCipher(settings.personal_data_key).encrypt_nik("3201014507900001")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidToken: another key reads nothing
        PersonalDataCipher(settings.secret_key).decrypt_nik(token)
    assert PersonalDataCipher("x").decrypt_nik("3201014507900001") == "3201014507900001"  # stored before 0010


def test_a_proxy_files_with_ktp_and_surat_kuasa_stored_encrypted_under_random_keys(client, platform) -> None:
    response = _file(client, files={"dokumen_identitas": (PNG, "KTP Siti.png"), "surat_kuasa": (PDF, "kuasa.pdf")},
                     melalui_kuasa="1")
    assert response.status_code == 303

    requester = _requester(platform)
    assert [(doc["jenis"], doc["tipe"]) for doc in requester.identity_documents] == [
        ("ktp", "image/png"), ("surat_kuasa", "application/pdf")]
    objects = _stored_objects(platform)
    assert len(objects) == 2
    cipher = PersonalDataCipher(platform.settings.personal_data_key)
    for path in objects:
        assert len(path.name) >= 40 and "0001" not in path.name and "siti" not in path.name.lower()
        content = path.read_bytes()
        # Encrypted at rest: a Fernet token (base64, so short signatures such as "PNG" may occur by chance),
        # without the scan's own bytes, that the personal-data key opens.
        assert content.startswith(b"gAAAAA") and b"ktp-pindaian" not in content and b"surat kuasa" not in content
    assert sorted(cipher.decrypt(path.read_bytes()) for path in objects) == sorted([PNG, PDF])
    with platform.database.session() as session:
        [received] = session.scalar(select(Permohonan)).events
        assert received.payload["melalui_kuasa"] is True


def test_only_officers_of_the_dinas_open_the_documents_and_no_public_page_names_them(app, client, platform,
                                                                                     dinkes_officer,
                                                                                     capil_officer) -> None:
    receipt = _file(client, files={"dokumen_identitas": (PNG, "KTP Siti.png")})
    public_pages = [client.get(receipt.location).get_data(as_text=True)]
    token = receipt.location.rsplit("/", 1)[1]
    public_pages.append(client.get(f"/permohonan/lacak/{token}").get_data(as_text=True))
    public_pages.append(client.post("/api/permohonan/lacak", json={"token": token}).get_data(as_text=True))
    [reference] = _requester(platform).identity_documents
    for page in public_pages:
        assert reference["kunci"] not in page and "KTP Siti" not in page and "/dokumen/" not in page

    assert client.get("/permohonan/petugas/1/dokumen/0").status_code == 302  # to the sign-in page
    sign_in(client, "petugas.dinkes")
    detail = client.get("/permohonan/petugas/1").get_data(as_text=True)
    assert "ktp-0001-PPID-DINKES-2026.png" in detail and "3201********0001" in detail
    download = client.get("/permohonan/petugas/1/dokumen/0")
    assert download.status_code == 200 and download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"] == "attachment; filename*=UTF-8''ktp-0001-PPID-DINKES-2026.png"
    assert download.headers["Cache-Control"] == "no-store"
    assert client.get("/permohonan/petugas/1/dokumen/1").status_code == 404

    other = app.test_client()
    sign_in(other, "petugas.capil")
    assert other.get("/permohonan/petugas/1/dokumen/0").status_code == 404


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"MZ\x90\x00 program windows", "ktp.png"), (b"Nama: Siti\nNIK: 3201014507900001", "ktp.pdf"),
     (b"GIF89a......", "ktp.gif")],
)
def test_the_type_is_checked_by_content_not_by_name(client, platform, content, name) -> None:
    response = _file(client, files={"dokumen_identitas": (content, name)})
    assert response.status_code == 422
    assert "PDF, JPEG atau PNG" in response.get_data(as_text=True)
    assert _stored_objects(platform) == []


def test_a_png_with_a_misleading_name_is_accepted_for_what_it_is(client, platform) -> None:
    assert _file(client, files={"dokumen_identitas": (PNG, "../../ktp.txt")}).status_code == 303
    [reference] = _requester(platform).identity_documents
    assert reference["tipe"] == "image/png"


def test_the_original_file_name_which_often_holds_the_nik_is_kept_nowhere(client, platform, dinkes_officer) -> None:
    """People name a scan after what is on it; that name would be the NIK in clear beside the encrypted one."""
    named = "KTP 3201014507900001 Siti Rahmawati.jpg"
    assert _file(client, files={"dokumen_identitas": (PNG, named)}).status_code == 303

    with platform.database.session() as session:
        rows = session.execute(text("SELECT * FROM permohonan_pemohon")).all()
        events = session.execute(text("SELECT payload FROM permohonan_event")).all()
    stored = repr(rows) + repr(events)
    assert "3201014507900001 Siti" not in stored and "Siti Rahmawati.jpg" not in stored
    sign_in(client, "petugas.dinkes")
    detail = client.get("/permohonan/petugas/1").get_data(as_text=True)
    assert "Siti Rahmawati.jpg" not in detail and "ktp-0001-PPID-DINKES-2026.png" in detail  # named by its content


def test_a_reference_written_before_still_holding_the_name_is_shown_under_the_generated_one(client, platform,
                                                                                          dinkes_officer) -> None:
    assert _file(client, files={"dokumen_identitas": (PNG, "ktp.png")}).status_code == 303
    with platform.database.session() as session:  # as versions before this one wrote it
        requester = session.scalar(select(Requester))
        requester.identity_documents = [{**requester.identity_documents[0], "nama_berkas": "KTP 3201014507900001.png"}]
        session.commit()

    sign_in(client, "petugas.dinkes")
    detail = client.get("/permohonan/petugas/1").get_data(as_text=True)
    download = client.get("/permohonan/petugas/1/dokumen/0")
    assert "3201014507900001.png" not in detail and "ktp-0001-PPID-DINKES-2026.png" in detail
    assert download.headers["Content-Disposition"].endswith("ktp-0001-PPID-DINKES-2026.png")


def test_the_upgrade_forgets_the_names_older_versions_kept_and_the_documents_still_open(client, platform,
                                                                                      dinkes_officer) -> None:
    assert _file(client, files={"dokumen_identitas": (PNG, "ktp.png")}).status_code == 303
    with platform.database.session() as session:  # as versions before this one wrote it
        requester = session.scalar(select(Requester))
        kept = {key: value for key, value in requester.identity_documents[0].items()}
        requester.identity_documents = [{**kept, "nama_berkas": "KTP 3201014507900001 Siti.png"}]
        session.commit()
    with platform.database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0024")
        command.upgrade(config, "head")

    with platform.database.session() as session:
        stored = session.execute(text("SELECT identity_documents FROM permohonan_pemohon")).scalar_one()
    assert "3201014507900001" not in repr(stored) and "nama_berkas" not in repr(stored)
    assert _requester(platform).identity_documents == [kept]
    sign_in(client, "petugas.dinkes")
    assert client.get("/permohonan/petugas/1/dokumen/0").data == PNG


def test_a_file_over_five_megabytes_is_refused_and_nothing_is_stored(client, platform) -> None:
    response = _file(client, files={"dokumen_identitas": (b"%PDF-" + b"0" * MAX_BYTES, "besar.pdf")})
    assert response.status_code == 422 and "paling besar 5 MB" in response.get_data(as_text=True)
    assert _stored_objects(platform) == []


def test_a_form_larger_than_two_documents_is_refused_before_it_is_read(client, platform) -> None:
    response = _file(client, files={"dokumen_identitas": (b"%PDF-" + b"0" * (3 * MAX_BYTES), "besar.pdf")})
    assert response.status_code == 413 and "paling besar 5 MB" in response.get_data(as_text=True)
    with platform.database.session() as session:
        assert session.scalar(select(Permohonan)) is None


def test_a_proxy_must_attach_the_surat_kuasa(client) -> None:
    response = _file(client, files={"dokumen_identitas": (PNG, "ktp.png")}, melalui_kuasa="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "wajib melampirkan surat kuasa khusus" in page
    assert 'href="#f-surat_kuasa"' in page


def test_niks_stored_in_the_clear_before_encryption_are_encrypted_by_the_command(workflow, session, environ) -> None:
    permohonan = workflow.file(filing()).permohonan
    session.commit()
    session.execute(text("UPDATE permohonan_pemohon SET nik = '3201014507900001'"))  # as written before 0010
    session.commit()

    first = CliRunner().invoke(main, ["permohonan", "encrypt-nik"], env=environ)
    again = CliRunner().invoke(main, ["permohonan", "encrypt-nik"], env=environ)

    assert (first.exit_code, again.exit_code) == (0, 0)
    assert "1 NIK dienkripsi" in first.output and "0 NIK dienkripsi" in again.output
    session.expire_all()
    assert session.execute(text("SELECT nik FROM permohonan_pemohon")).scalar_one().startswith("gAAAAA")
    assert workflow.nik_of(session.get(Requester, permohonan.id)) == "3201014507900001"
