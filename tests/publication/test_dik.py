"""The DIK: exempt information with its ground, consequence test, SK and period, flagged for review once the
period ends; the public sees that it exists and why, never its content, and exempt items appear nowhere public."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.publication.dik import review_due
from ppid.publication.models import ExemptInformation

from .conftest import EXEMPT_TITLE

PROFILE = "dinkes-profil-kesehatan"
ENTRY = {
    "dinas": "dinkes",
    "public_title": "Hasil penyelidikan epidemiologi kasus tertentu",
    "pasal_17_letter": "h",
    "sub_ground": "angka 2: riwayat, kondisi dan perawatan kesehatan fisik dan psikis",
    "tested_on": "2026-02-02",
    "harm_if_opened": "Membuka riwayat kesehatan pasien yang dapat dikenali dari datanya.",
    "public_interest": "Ringkasan kasus per kecamatan tetap diumumkan dalam profil kesehatan.",
    "decided_by": "dr. Sari, Kepala Dinas Kesehatan",
    "sk_number": "440/15/KPTS/2026",
    "sk_date": "2026-02-05",
    "starts_on": "2026-02-05",
    "ends_on": "2031-02-05",
}
HARM = ENTRY["harm_if_opened"]


def record(client, **fields: str):
    return client.post("/petugas/informasi-dikecualikan", data={**ENTRY, **fields, "csrf_token": client.token})


def test_an_entry_keeps_its_ground_test_sk_and_period_and_the_public_sees_only_title_ground_and_period(
        platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")

    assert record(officer).status_code == 303

    kept = officer.get("/petugas/informasi-dikecualikan").get_data(as_text=True)
    assert HARM in kept and "dr. Sari, Kepala Dinas Kesehatan" in kept
    public = client.get("/informasi-dikecualikan").get_data(as_text=True)
    assert ENTRY["public_title"] in public
    assert "Pasal 17 huruf h: mengungkap rahasia pribadi" in public
    assert "5 Februari 2026 – 5 Februari 2031" in public and "440/15/KPTS/2026" in public
    assert HARM not in public and ENTRY["public_interest"] not in public
    assert "perlu ditinjau ulang" not in public


def test_review_is_due_from_the_last_day_of_the_period_and_shown_on_both_pages(platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer, starts_on="2020-01-01", ends_on="2025-12-31")

    with platform.database.session() as session:
        entry = session.scalar(select(ExemptInformation))
        assert not review_due(entry, date(2025, 12, 30))
        assert review_due(entry, date(2025, 12, 31))
    assert "Jangka waktu berakhir: perlu ditinjau ulang" in client.get("/informasi-dikecualikan").get_data(as_text=True)
    assert "Perlu ditinjau ulang" in officer.get("/petugas/informasi-dikecualikan").get_data(as_text=True)


def test_an_entry_is_checked_and_kept_per_dinas(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")

    backwards = record(officer, ends_on="2026-01-01")
    no_ground = record(officer, pasal_17_letter="k")
    other_dinas = record(officer, dinas="disdik")

    assert backwards.status_code == 422 and "harus sesudah tanggal mulai" in backwards.get_data(as_text=True)
    assert no_ground.status_code == 422 and "huruf a sampai j" in no_ground.get_data(as_text=True)
    assert other_dinas.status_code == 403
    assert officer.post("/petugas/informasi-dikecualikan", data=ENTRY).status_code == 400  # no CSRF token
    with platform.database.session() as session:
        assert session.scalars(select(ExemptInformation)).all() == []
    assert sign_in("walidata-disdik").get("/petugas/informasi-dikecualikan").status_code == 200
    record(officer)
    assert ENTRY["public_title"] not in sign_in("walidata-disdik").get(
        "/petugas/informasi-dikecualikan").get_data(as_text=True)


def public_urls(client, platform) -> list[str]:
    """Every public page, API answer and export a visitor or a harvester can reach."""
    with platform.database.session() as session:
        files = [(f.id, f.name, f.dataset_name) for f in session.scalars(select(TrackedFile))]
    urls = ["/", "/dataset", "/dokumen", "/dinas/dinkes", "/dinas/disdik", "/informasi-publik",
            "/informasi-dikecualikan", "/api/informasi-publik", "/data.json", "/catalog.ttl", "/catalog.jsonld",
            "/catalog.xml", "/sitemap.xml", "/api/3/action/package_list", "/api/3/action/package_search?rows=100",
            "/api/3/action/current_package_list_with_resources", "/api/3/action/organization_show?id=dinkes"
            "&include_datasets=true", "/api/v1/openapi.json", "/informasi-berkala", "/pengumuman", "/standar-layanan",
            "/informasi-dimohonkan", "/api/informasi-dimohonkan", "/transparansi", "/transparansi/unduh.csv",
            "/api/transparansi"]
    urls += [f"/feed/{kind}.atom" for kind in ("dataset", "dokumen", "pengumuman")]
    urls += [f"/feed/{dinas}/{kind}.atom" for dinas in ("dinkes", "disdik") for kind in ("dataset", "dokumen")]
    urls += [f"/dataset?q={word}" for word in ("penyelidikan", "gizi", "profil")]
    urls += [f"/dokumen?q={word}" for word in ("penyelidikan", "gizi", "profil")]
    urls += [f"/informasi-dimohonkan?q={word}" for word in ("penyelidikan", "gizi", "profil")]
    urls += [f"/api/3/action/package_search?q={word}" for word in ("penyelidikan", "gizi", "profil")]
    urls += [f"/informasi-publik?q={word}" for word in ("penyelidikan", "gizi", "profil")]
    for _id, _name, dataset in files:
        urls += [f"/dataset/{dataset}", f"/dokumen/{dataset}", f"/api/3/action/package_show?id={dataset}",
                 f"/dataset/{dataset}.ttl", f"/dataset/{dataset}.jsonld"]
    urls += [f"/unduh/{file_id}/{name}" for file_id, name, _dataset in files]
    return urls


def leaks(client, platform, titles: list[str]) -> set[tuple[str, str]]:
    """(where, title) for each title found in a public URL or a DIP export."""
    found = set()
    for url in public_urls(client, platform):
        body = client.get(url).get_data().decode("utf-8", "replace")
        found |= {(url, title) for title in titles if title in body}
    for fmt in ("csv", "xlsx", "pdf", "json"):
        data = client.get(f"/informasi-publik/unduh.{fmt}").get_data()
        if fmt == "xlsx":
            text = " ".join(str(c.value) for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row)
        elif fmt == "pdf":
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        else:
            text = data.decode("utf-8-sig")
        found |= {(fmt, title) for title in titles if title in text}
    return found


def test_exempt_items_appear_on_no_public_page_api_feed_export_or_search(platform, client, sign_in) -> None:
    run_harvest(platform)  # EXEMPT_TITLE: classified dikecualikan by its rule, never published
    published = leaks(client, platform, ["Profil Kesehatan"])
    assert {("/api/3/action/package_search?q=profil", "Profil Kesehatan"), ("pdf", "Profil Kesehatan"),
            ("/informasi-publik", "Profil Kesehatan")} <= published  # the search would see it if it were there
    officer = sign_in("petugas-dinkes")

    assert record(officer, dataset_name=PROFILE).status_code == 303  # a published one, exempted by a DIK entry

    assert leaks(client, platform, [EXEMPT_TITLE, "Profil Kesehatan"]) == set()
    with platform.database.session() as session:
        exempt_files = [(f.id, f.name) for f in session.scalars(select(TrackedFile).where(
            TrackedFile.dataset_name.in_([PROFILE, "dinkes-catatan-penyelidikan-kasus-gizi-buruk"])))]
    assert len(exempt_files) == 2
    assert {client.get(f"/unduh/{file_id}/{name}").status_code for file_id, name in exempt_files} == {404}
    assert "Rencana Strategis Dinas Pendidikan" in client.get("/informasi-publik").get_data(as_text=True)
    assert ENTRY["public_title"] in client.get("/informasi-dikecualikan").get_data(as_text=True)


def test_an_entry_whose_information_is_opened_leaves_the_dik(platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    with platform.database.session() as session:
        entry_id = session.scalar(select(ExemptInformation.id))
    other = sign_in("walidata-disdik")

    refused = other.post(f"/petugas/informasi-dikecualikan/{entry_id}/hapus", data={"csrf_token": other.token})
    removed = officer.post(f"/petugas/informasi-dikecualikan/{entry_id}/hapus", data={"csrf_token": officer.token})

    assert (refused.status_code, removed.status_code) == (403, 303)
    assert ENTRY["public_title"] not in client.get("/informasi-dikecualikan").get_data(as_text=True)


def test_an_ended_exemption_waits_on_the_workspace_of_its_dinas_officers(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer, public_title="Masih berlaku", starts_on="2026-01-01", ends_on="2099-12-31")
    record(officer, public_title="Sudah berakhir", starts_on="2020-01-01", ends_on="2025-12-31")

    page = officer.get("/petugas/").get_data(as_text=True)
    count = re.search(r'id="tugas-dikecualikan">.*?<strong>(\d+)</strong>', page, re.S)

    assert count and count.group(1) == "1"
    assert "Sudah berakhir: berakhir 31 Desember 2025" in page and "Masih berlaku:" not in page
    other_dinas = sign_in("petugas-disdik").get("/petugas/").get_data(as_text=True)
    assert re.search(r'id="tugas-dikecualikan">.*?<strong>(\d+)</strong>', other_dinas, re.S).group(1) == "0"
