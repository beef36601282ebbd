"""Officers upload files whole or in resumable parts; nothing they upload is ever lost or silently refused."""

from __future__ import annotations

import hashlib
import io
import random

import pytest
from sqlalchemy import select

from ppid.uploader.models import DraftFile, FileVersion, UploadPart

from .helpers import GOOD_CSV, MESSY_CSV, new_draft, upload

MiB = 1024 * 1024


def versions(platform, draft_id: int) -> list[FileVersion]:
    with platform.database.session() as session:
        query = select(FileVersion).join(DraftFile).where(DraftFile.draft_id == draft_id).order_by(FileVersion.id)
        found = session.scalars(query).all()
        for version in found:
            _ = version.file.schema_name
        return found


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "kosong (0 bita)"),
        ("program.exe", b"MZ\x90\x00", "Jenis berkas .exe tidak diterima"),
        ("../../etc/penduduk.csv", GOOD_CSV.encode(), "tidak boleh berisi folder"),
        ("..\\penduduk.csv", GOOD_CSV.encode(), "tidak boleh berisi folder"),
    ],
)
def test_bad_files_are_refused_with_one_indonesian_sentence(platform, officer, name, content, message) -> None:
    draft_id = new_draft(officer)

    response = upload(officer, draft_id, name, content)
    page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)

    assert response.status_code == 303
    assert message in page
    assert versions(platform, draft_id) == []


def test_chunked_uploads_refuse_bad_files_before_any_byte_is_sent(officer) -> None:
    draft_id = new_draft(officer)
    headers = {"X-CSRFToken": officer.token}

    empty = officer.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": "a.csv", "size": 0}, headers=headers)
    traversal = officer.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": "../a.csv", "size": 9},
                             headers=headers)
    wrong = officer.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": "a.html", "size": 9}, headers=headers)

    assert empty.status_code == traversal.status_code == wrong.status_code == 400
    assert "kosong" in empty.json["error"]
    assert "tidak boleh berisi folder" in traversal.json["error"]
    assert "CSV, XLSX, XLS, ODS, JSON atau ZIP" in wrong.json["error"]


def test_the_schema_is_suggested_from_the_column_titles(platform, officer) -> None:
    draft_id = new_draft(officer)

    upload(officer, draft_id, "Data Penduduk 2024.csv", MESSY_CSV.encode())

    [version] = versions(platform, draft_id)
    assert version.file.schema_name == "jumlah_penduduk"
    assert version.file.slot == "data-penduduk-2024.csv"


def test_the_officer_can_choose_another_schema_and_gets_a_new_report(platform, officer) -> None:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())
    [version] = versions(platform, draft_id)

    officer.post(f"/unggah/draf/{draft_id}/berkas/{version.file_id}/skema",
                 data={"csrf_token": officer.token, "skema": "fasilitas_kesehatan"})

    [checked] = versions(platform, draft_id)
    assert checked.schema_name == "fasilitas_kesehatan"
    assert checked.state.value == "invalid"
    assert checked.report_id != version.report_id


def test_an_invalid_file_is_kept_with_its_report(platform, officer) -> None:
    draft_id = new_draft(officer)

    upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())

    [version] = versions(platform, draft_id)
    assert version.state.value == "invalid"
    with platform.storage.open(version.storage_key) as stored:
        assert stored.read() == MESSY_CSV.encode()
    report = officer.get(f"/laporan/{version.report_id}").get_data(as_text=True)
    rows = officer.get(f"/laporan/{version.report_id}/baris-perbaikan.csv").get_data(as_text=True)
    assert "Cara memperbaiki" in report
    assert "seratus" in report
    assert "seratus" in rows
    assert "Perlu diperbaiki" in officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)


def test_an_uploaded_report_is_hidden_from_other_dinas(platform, officer, other_officer) -> None:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())
    [version] = versions(platform, draft_id)

    assert other_officer.get(f"/laporan/{version.report_id}").status_code == 404


def test_replacing_a_file_keeps_every_version_with_who_and_when(platform, officer) -> None:
    draft_id = new_draft(officer)
    upload(officer, draft_id, "penduduk.csv", MESSY_CSV.encode())
    [first] = versions(platform, draft_id)

    upload(officer, draft_id, "penduduk-diperbaiki.csv", GOOD_CSV.encode(), ganti=str(first.file_id))

    old, new = versions(platform, draft_id)
    assert (old.number, old.state.value, old.name) == (1, "invalid", "penduduk.csv")
    assert (new.number, new.state.value, new.name) == (2, "valid", "penduduk-diperbaiki.csv")
    assert new.file_id == old.file_id
    assert new.uploaded_by_name == "Pengguna capil" and new.uploaded_at >= old.uploaded_at
    assert platform.storage.exists(old.storage_key)


def big_table(size: int) -> bytes:
    """A CSV of about ``size`` bytes, so that it needs several parts; its columns match no schema, so that
    the test measures the upload, not the validation."""
    rng = random.Random(7)
    lines = ["nomor,catatan"]
    total = len(lines[0])
    while total < size:
        line = f"{len(lines)},{rng.randbytes(24).hex()}"
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def chunked_upload(client, draft_id: int, content: bytes, *, name: str = "penduduk-besar.csv", drop: int | None = None):
    """Upload through the JSON endpoints as uploader.js does; ``drop`` cuts that part off half-way once."""
    headers = {"X-CSRFToken": client.token}
    began = client.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": name, "size": len(content)},
                        headers=headers)
    assert began.status_code == 201, began.json
    session = began.json
    part_size = session["part_size"]
    for number in range(1, session["part_count"] + 1):
        body = content[(number - 1) * part_size : number * part_size]
        if number == drop:
            dropped = client.put(session["part_url"] + str(number), input_stream=io.BytesIO(body[: len(body) // 2]),
                                 content_length=len(body), headers=headers)
            assert dropped.status_code == 400
            break
        sent = client.put(session["part_url"] + str(number), data=body, headers=headers)
        assert sent.status_code == 200, sent.json
    return session


def send_missing_parts(client, session: dict, content: bytes) -> list[int]:
    """Resume: ask the server which parts it has, send only the others, and say which were sent."""
    headers = {"X-CSRFToken": client.token}
    status = client.get(session["status_url"]).json
    sent = []
    for number in range(1, status["part_count"] + 1):
        if str(number) in status["parts"]:
            continue
        body = content[(number - 1) * status["part_size"] : number * status["part_size"]]
        assert client.put(status["part_url"] + str(number), data=body, headers=headers).status_code == 200
        sent.append(number)
    return sent


def test_a_chunked_upload_resumes_after_a_dropped_part(platform, officer) -> None:
    draft_id = new_draft(officer)
    content = big_table(20 * MiB)

    session = chunked_upload(officer, draft_id, content, drop=2)
    assert officer.get(session["status_url"]).json["parts"] == {"1": 8 * MiB}
    sent = send_missing_parts(officer, session, content)
    finished = officer.post(session["finish_url"], headers={"X-CSRFToken": officer.token})

    assert sent == [2, 3]
    assert finished.status_code == 200, finished.json
    [version] = versions(platform, draft_id)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.state.value == "dokumen"


def test_finishing_an_incomplete_upload_names_the_missing_parts(platform, officer) -> None:
    draft_id = new_draft(officer)
    content = big_table(20 * MiB)
    session = chunked_upload(officer, draft_id, content, drop=3)

    finished = officer.post(session["finish_url"], headers={"X-CSRFToken": officer.token})

    assert finished.status_code == 400
    assert "bagian 3 belum diterima" in finished.json["error"]
    with platform.database.session() as db:
        assert [p.number for p in db.scalars(select(UploadPart))] == [1, 2]


def test_another_officer_cannot_send_parts_to_my_upload(officer, other_officer) -> None:
    draft_id = new_draft(officer)
    session = chunked_upload(officer, draft_id, big_table(9 * MiB), drop=1)

    response = other_officer.put(session["part_url"] + "1", data=b"x", headers={"X-CSRFToken": other_officer.token})

    assert response.status_code == 404


def test_a_file_over_the_size_limit_is_refused_before_it_is_sent(platform, officer) -> None:
    platform.settings.defaults["uploader"] = {"max_file_mb": 100}
    draft_id = new_draft(officer)

    response = officer.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": "besar.csv", "size": 101 * MiB},
                            headers={"X-CSRFToken": officer.token})

    assert response.status_code == 400
    assert "terlalu besar (101 MB): batasnya 100 MB" in response.json["error"]
