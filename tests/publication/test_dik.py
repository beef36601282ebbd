"""The DIK: exempt information with its ground, consequence test, SK and period, flagged for review once the
period ends; the public sees that it exists and why, never its content, and exempt items appear nowhere public."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from alembic import command
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import inspect, select, text

from ppid.db import alembic_config
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.publication.dik import review_due
from ppid.publication.models import ExemptInformation, ExemptionRemoval

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
    urls += ["/informasi-dikecualikan/unduh.csv"]  # the DIK's titles only, never a dataset it holds back
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


def entry_id(platform, title: str = ENTRY["public_title"]) -> int:
    with platform.database.session() as session:
        return session.scalar(select(ExemptInformation.id).where(ExemptInformation.public_title == title))


OPENING = {"opened_on": "2026-03-02", "opened_reason": "Uji ulang: kepentingan publik atas data wabah lebih besar.",
           "opened_sk_number": "440/31/KPTS/2026"}


def section(page: str, heading_id: str) -> str:
    """The part of the public DIK page under the heading ``heading_id``, up to the next heading."""
    return page.split(f'id="{heading_id}"', 1)[1].split("<h2", 1)[0]


def test_opening_keeps_the_entry_marked_opened_with_date_reason_and_sk_and_the_public_page_lists_it_apart(
        platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    record(officer, public_title="Masih dikecualikan", sub_ground="")
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform)}"

    no_reason = officer.post(f"{url}/buka", data={**OPENING, "opened_reason": "", "csrf_token": officer.token})
    future = officer.post(f"{url}/buka", data={**OPENING, "opened_on": "2999-01-01", "csrf_token": officer.token})
    no_token = officer.post(f"{url}/buka", data=OPENING)
    assert (no_reason.status_code, future.status_code, no_token.status_code) == (422, 422, 400)
    assert "wajib diisi" in no_reason.get_data(as_text=True)
    assert "Masih dikecualikan" in section(client.get("/informasi-dikecualikan").get_data(as_text=True), "berlaku")

    opened = officer.post(f"{url}/buka", data={**OPENING, "csrf_token": officer.token})

    assert opened.status_code == 303
    with platform.database.session() as session:
        entry = session.get(ExemptInformation, entry_id(platform))
        assert entry is not None and entry.opened_on == date(2026, 3, 2)
        assert (entry.opened_by_name, entry.opened_sk_number) == ("Pengguna petugas-dinkes", "440/31/KPTS/2026")
    public = client.get("/informasi-dikecualikan").get_data(as_text=True)
    current, was_opened = section(public, "berlaku"), section(public, "dibuka")
    assert "Masih dikecualikan" in current and ENTRY["public_title"] not in current
    assert ENTRY["public_title"] in was_opened and "2 Maret 2026" in was_opened
    assert OPENING["opened_reason"] in was_opened and "440/31/KPTS/2026" in was_opened
    assert HARM not in public
    assert "Tidak lagi dikecualikan sejak 2 Maret 2026" in officer.get(url).get_data(as_text=True)
    again = officer.post(f"{url}/buka", data={**OPENING, "csrf_token": officer.token})
    assert again.status_code == 422 and "sudah dibuka" in again.get_data(as_text=True)


def test_an_opened_entry_whose_period_ended_is_no_longer_waiting_for_review(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer, public_title="Sudah berakhir", starts_on="2020-01-01", ends_on="2025-12-31")
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform, 'Sudah berakhir')}"

    officer.post(f"{url}/buka", data={**OPENING, "opened_reason": "Jangka waktu pengecualian berakhir.",
                                       "csrf_token": officer.token})

    page = officer.get("/petugas/").get_data(as_text=True)
    assert re.search(r'id="tugas-dikecualikan">.*?<strong>(\d+)</strong>', page, re.S).group(1) == "0"


def test_an_edit_is_a_new_version_and_version_1_stays_readable_to_officers_only(platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform)}"
    renewed = {**ENTRY, "tested_on": "2026-03-01", "harm_if_opened": "Uji ulang: pasien masih dapat dikenali.",
               "ends_on": "2033-02-05", "sk_number": "440/40/KPTS/2026", "sk_date": "2026-03-02",
               "change_reason": "Uji konsekuensi ulang, jangka waktu diperpanjang."}

    unexplained = officer.post(f"{url}/ubah", data={**renewed, "change_reason": "", "csrf_token": officer.token})
    unchanged = officer.post(f"{url}/ubah", data={**ENTRY, "change_reason": "Tidak ada apa-apa.",
                                                  "csrf_token": officer.token})
    assert (unexplained.status_code, unchanged.status_code) == (422, 422)
    assert "tidak ada isian yang berubah" in unchanged.get_data(as_text=True)

    assert officer.post(f"{url}/ubah", data={**renewed, "version": "1", "csrf_token": officer.token}).status_code == 303
    stale = officer.post(f"{url}/ubah", data={**renewed, "ends_on": "2040-01-01", "version": "1",
                                              "csrf_token": officer.token})  # a second officer's form, filled at v1
    assert stale.status_code == 422 and "baru saja diubah (kini versi 2)" in stale.get_data(as_text=True)

    page = officer.get(url).get_data(as_text=True)
    version_1 = page.split('id="versi-1"', 1)[1]
    version_2 = page.split('id="versi-2"', 1)[1].split('id="versi-1"', 1)[0]
    assert HARM in version_1 and "440/15/KPTS/2026" in version_1 and "5 Februari 2031" in version_1
    assert "Uji ulang: pasien masih dapat dikenali." in version_2 and "5 Februari 2033" in version_2
    assert "Uji konsekuensi ulang, jangka waktu diperpanjang." in version_2 and "(berlaku)" in version_2
    public = client.get("/informasi-dikecualikan").get_data(as_text=True)
    assert "5 Februari 2026 – 5 Februari 2033" in public and "440/40/KPTS/2026" in public
    assert "440/15/KPTS/2026" not in public and HARM not in public and "Uji ulang" not in public
    with platform.database.session() as session:
        entry = session.get(ExemptInformation, entry_id(platform))
        assert entry.version == 2 and entry.changed_at is not None


def test_only_officers_of_the_entrys_dinas_and_region_wide_keepers_see_or_change_it(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform)}"
    renewed = {**ENTRY, "ends_on": "2033-02-05", "change_reason": "Jangka waktu diperpanjang."}
    for username in ("petugas-disdik", "walidata-disdik"):
        other = sign_in(username)
        calls = [other.get(url), other.post(f"{url}/ubah", data={**renewed, "csrf_token": other.token}),
                 other.post(f"{url}/buka", data={**OPENING, "csrf_token": other.token}),
                 other.post(f"{url}/hapus", data={"reason": "Salah catat.", "csrf_token": other.token})]
        assert [call.status_code for call in calls] == [403] * 4, username
    assert sign_in("admin").get(url).status_code == 200
    assert officer.get("/petugas/informasi-dikecualikan/999999").status_code == 404
    with platform.database.session() as session:
        entry = session.get(ExemptInformation, entry_id(platform))
        assert (entry.version, entry.opened_on) == (1, None)


def test_an_entry_recorded_by_mistake_is_removed_with_a_record_of_who_why_and_what_it_said(
        platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform)}"

    unexplained = officer.post(f"{url}/hapus", data={"reason": "", "csrf_token": officer.token})
    removed = officer.post(f"{url}/hapus", data={"reason": "Tercatat dua kali.", "csrf_token": officer.token})

    assert (unexplained.status_code, removed.status_code) == (422, 303)
    assert ENTRY["public_title"] not in client.get("/informasi-dikecualikan").get_data(as_text=True)
    kept = officer.get("/petugas/informasi-dikecualikan").get_data(as_text=True)
    assert "Entri yang dihapus karena salah catat" in kept
    assert "Tercatat dua kali." in kept and "Pengguna petugas-dinkes" in kept
    with platform.database.session() as session:
        removal = session.scalar(select(ExemptionRemoval))
        assert removal.removed_by_name == "Pengguna petugas-dinkes"
        assert removal.versions[0]["isi"]["harm_if_opened"] == HARM


def test_an_opened_entry_cannot_be_removed(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    url = f"/petugas/informasi-dikecualikan/{entry_id(platform)}"
    officer.post(f"{url}/buka", data={**OPENING, "csrf_token": officer.token})

    refused = officer.post(f"{url}/hapus", data={"reason": "Salah catat.", "csrf_token": officer.token})

    assert refused.status_code == 422 and "tidak dapat dihapus" in refused.get_data(as_text=True)
    assert entry_id(platform) is not None


def test_the_public_dik_downloads_as_csv_and_xlsx_in_force_then_opened_formula_safe(platform, client,
                                                                                     sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer, public_title='=HYPERLINK("http://jahat.example","klik")')
    record(officer)
    officer.post(f"/petugas/informasi-dikecualikan/{entry_id(platform)}/buka",
                 data={**OPENING, "csrf_token": officer.token})

    csv_file = client.get("/informasi-dikecualikan/unduh.csv")
    xlsx_file = client.get("/informasi-dikecualikan/unduh.xlsx")

    assert csv_file.status_code == xlsx_file.status_code == 200
    assert client.get("/informasi-dikecualikan/unduh.pdf").status_code == 404
    rows = list(csv.reader(io.StringIO(csv_file.get_data().decode("utf-8-sig"))))
    header, first, second = rows[0], rows[1], rows[2]
    assert first[header.index("Informasi")] == "'=HYPERLINK(\"http://jahat.example\",\"klik\")"
    assert first[header.index("Status")] == "dikecualikan"
    assert second[header.index("Informasi")] == ENTRY["public_title"] and second[header.index("Status")] == "dibuka"
    assert second[header.index("Dibuka pada")] == "2026-03-02"
    assert second[header.index("Alasan dibuka")] == OPENING["opened_reason"]
    assert HARM not in csv_file.get_data(as_text=True) and PROFILE not in csv_file.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(xlsx_file.get_data())).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://jahat.example\",\"klik\")" in cells and ENTRY["public_title"] in cells
    assert not any(isinstance(value, str) and value.startswith("=") for value in cells)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_migration_makes_each_entry_its_own_version_1_and_goes_back_down(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer)
    record(officer, public_title="Dibuka sebelum turun")
    officer.post(f"/petugas/informasi-dikecualikan/{entry_id(platform, 'Dibuka sebelum turun')}/buka",
                 data={**OPENING, "csrf_token": officer.token})
    with platform.database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0025")
        columns = {column["name"] for column in inspect(connection).get_columns("publication_dik")}
        titles = connection.execute(text("SELECT public_title FROM publication_dik")).scalars().all()
        assert "version" not in columns and "opened_on" not in columns
        assert not inspect(connection).has_table("publication_dik_version")
        assert titles == [ENTRY["public_title"]]  # the old schema cannot say "opened": that entry goes
        command.upgrade(config, "head")

    page = officer.get(f"/petugas/informasi-dikecualikan/{entry_id(platform)}").get_data(as_text=True)
    assert 'id="versi-1"' in page and HARM in page.split('id="versi-1"', 1)[1]
    with platform.database.session() as session:
        assert session.get(ExemptInformation, entry_id(platform)).version == 1


def test_an_ended_exemption_waits_on_the_workspace_of_its_dinas_officers(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    record(officer, public_title="Masih berlaku", starts_on="2026-01-01", ends_on="2099-12-31")
    record(officer, public_title="Sudah berakhir", starts_on="2020-01-01", ends_on="2025-12-31")

    page = officer.get("/petugas/").get_data(as_text=True)
    count = re.search(r'id="tugas-dikecualikan">.*?<strong>(\d+)</strong>', page, re.S)

    assert count and count.group(1) == "1"
    assert "Sudah berakhir: berakhir 31 Desember 2025" in page and "Masih berlaku:" not in page
    assert f'href="/petugas/informasi-dikecualikan/{entry_id(platform, "Sudah berakhir")}"' in page
    other_dinas = sign_in("petugas-disdik").get("/petugas/").get_data(as_text=True)
    assert re.search(r'id="tugas-dikecualikan">.*?<strong>(\d+)</strong>', other_dinas, re.S).group(1) == "0"
