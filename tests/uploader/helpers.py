"""Shared by the uploader tests: accounts, sample tables and the officer's actions through the web."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "kata-sandi-yang-panjang"
GOOD_CSV = (
    "tahun,kode_kecamatan,nama_kecamatan,jumlah_laki_laki,jumlah_perempuan,jumlah_penduduk\n"
    "2024,320101,Cibinong,124890,79544,204434\n"
    "2024,320102,Gunungputri,143500,52657,196157\n"
)
MESSY_CSV = (
    "Tahun,Kode Kecamatan,Nama Kecamatan,Jumlah Laki-laki,Jumlah Perempuan,Jumlah Penduduk\n"
    "2024,320101,Cibinong,124890,79544,204434\n"
    "2024,320102,Gunungputri,seratus,52657,196157\n"
)
METADATA = {
    "title": "Penduduk Hasil Unggahan",
    "description": "Jumlah penduduk per kecamatan.",
    "tags": "kependudukan, penduduk",
    "frequency": "semesteran",
    "year": "2024",
    "level_penyajian": "kecamatan",
    "satuan": "jiwa",
    "kontak": "ppid.disdukcapil@contoh.go.id",
}


def csrf(client, path: str = "/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str) -> str:
    """Sign in and return the session's CSRF token, for forms and the JSON upload calls."""
    token = csrf(client)
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return csrf(client, "/unggah/")


def new_draft(client, **overrides: str) -> int:
    data = {**METADATA, **overrides, "dinas": "disdukcapil", "dataset": "", "csrf_token": client.token}
    response = client.post("/unggah/draf/baru", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def upload(client, draft_id: int, name: str, content: bytes, **extra: str):
    return client.post(
        f"/unggah/draf/{draft_id}/berkas",
        data={"csrf_token": client.token, "berkas": (io.BytesIO(content), name), **extra},
        content_type="multipart/form-data",
    )



def population_table(path: Path, rows: int, broken_every: int = 10_000) -> int:
    """A ``jumlah_penduduk`` table of ``rows`` rows (real kecamatan codes, years from 1950 on), whose men's count
    is written as a word in one row out of ``broken_every``; returns how many rows are broken."""
    with gzip.open(REPO / "schemas/reference/kode_wilayah.csv.gz", "rt", encoding="utf-8") as reference:
        codes = [(row["kode"], row["nama"]) for row in csv.DictReader(reference) if row["tingkat"] == "kecamatan"]
    broken = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["tahun", "kode_kecamatan", "nama_kecamatan", "jumlah_laki_laki", "jumlah_perempuan",
                         "jumlah_penduduk"])
        for number in range(rows):
            code, name = codes[number % len(codes)]
            men, women = 1000 + number % 5000, 1200 + number % 4000
            if number % broken_every == broken_every - 1:
                writer.writerow([1950 + number // len(codes), code, name, "seratus", women, men + women])
                broken += 1
            else:
                writer.writerow([1950 + number // len(codes), code, name, men, women, men + women])
    return broken
