"""The data explorer on a dataset page, without JavaScript: a table's rows through the DataStore, searched,
filtered, sorted and paged by query parameters; its chart, data dictionary, downloads and API snippets."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete

from ppid.datastore.models import DatastoreTable
from ppid.pipeline.runner import run_harvest
from ppid.portal import explorer

from ..live import served

POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
POOR = "dinsos-penduduk-miskin"
ROADS = "dpupr-kondisi-jalan-kabupaten"


@pytest.fixture
def harvested(platform, client):
    run_harvest(platform)
    return client


def resource_id(client, dataset: str, name: str) -> str:
    package = client.get(f"/api/3/action/package_show?id={dataset}").get_json()["result"]
    return next(resource["id"] for resource in package["resources"] if resource["name"] == name)


def table_of(page: str, key: str) -> list[list[str]]:
    """The body rows of one table's explorer, as the cells' text."""
    section = page[page.index(f'id="jelajah-{key}"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in body.split("</tr>") if "<td" in row]


@pytest.fixture
def population(harvested):
    """The 2024 population table's page and the prefix of its query parameters."""
    key = explorer.state_key(resource_id(harvested, POPULATION, "penduduk-2024.csv"))

    def get(**params: str) -> str:
        query = "&".join(f"{key}-{name}={value}" for name, value in params.items())
        response = harvested.get(f"/dataset/{POPULATION}?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return key, get


def test_the_first_page_is_on_the_page_with_schema_titles_and_indonesian_numbers(harvested, population) -> None:
    key, get = population
    page = get()

    assert "Jelajahi data: penduduk-2024.csv" in page
    assert 'Jumlah Penduduk <span class="field-name">jumlah_penduduk</span>' in page
    assert ["2024", "320101", "Cibinong", "124.890", "79.544", "204.434"] in table_of(page, key)
    assert "Baris 1–8 dari 8" in page
    rid = resource_id(harvested, POPULATION, "penduduk-2024.csv")
    raw = harvested.get(f"/api/3/action/datastore_search?resource_id={rid}&limit=1").get_json()["result"]
    assert raw["records"][0]["jumlah_penduduk"] == 204434  # raw in the API


def test_a_filter_narrows_the_table_and_reads_numbers_as_the_page_writes_them(population) -> None:
    key, get = population

    by_code = table_of(get(**{"f-kode_kecamatan": "320101"}), key)
    by_number = table_of(get(**{"f-jumlah_penduduk": "204.434"}), key)
    not_a_number = get(**{"f-jumlah_penduduk": "banyak"})

    assert [row[2] for row in by_code] == ["Cibinong"]
    assert [row[2] for row in by_number] == ["Cibinong"]
    assert "Saringan Jumlah Penduduk: “banyak” bukan angka." in not_a_number
    assert 'value="320101"' in get(**{"f-kode_kecamatan": "320101"})  # the form shows the filter in force


def test_a_column_with_a_list_of_values_is_filtered_by_choosing_one(harvested) -> None:
    rid = resource_id(harvested, "bpbd-kejadian-bencana", "kejadian-bencana-2024.csv")
    key = explorer.state_key(rid)
    page = harvested.get(f"/dataset/bpbd-kejadian-bencana?{key}-f-jenis_bencana=Banjir").get_data(as_text=True)

    assert f'<select id="{key}-f-jenis_bencana" name="{key}-f-jenis_bencana">' in page
    assert "<option selected>Banjir</option>" in page
    assert {row[1] for row in table_of(page, key)} == {"Banjir"}


def test_a_search_finds_rows_by_their_words(population) -> None:
    key, get = population

    assert [row[2] for row in table_of(get(q="Gunungputri"), key)] == ["Gunungputri"]
    assert "Tidak ada baris yang cocok." in get(q="Atlantis")


def test_a_column_sorts_ascending_then_descending(population) -> None:
    key, get = population

    ascending = get(urut="jumlah_penduduk")
    descending = get(urut="-jumlah_penduduk")

    assert table_of(ascending, key)[0][2] == "Cileungsi"
    assert table_of(descending, key)[0][2] == "Cariu"
    assert 'aria-sort="descending"' in descending
    assert f"?{key}-urut=jumlah_penduduk#jelajah-{key}" in descending  # the header link turns the order around


def test_pages_follow_each_other_and_keep_the_other_tables_state(population, monkeypatch) -> None:
    key, get = population
    monkeypatch.setattr(explorer, "PAGE_ROWS", 3)

    first, second, last = get(urut="kode_kecamatan"), get(urut="kode_kecamatan", hal="2"), get(hal="3")

    assert [row[1] for row in table_of(first, key)] == ["320101", "320102", "320103"]
    assert [row[1] for row in table_of(second, key)] == ["320104", "320105", "320106"]
    assert len(table_of(last, key)) == 2
    assert table_of(get(hal="99"), key) == table_of(last, key)  # an old link past the end: the last page
    assert "Halaman 2 dari 3" in second
    assert html.escape(f"?{key}-urut=kode_kecamatan&{key}-hal=3#jelajah-{key}") in second
    other = re.search(r'id="jelajah-(t[0-9a-f]{8})"', first.replace(f'id="jelajah-{key}"', ""))
    assert other, "the 2023 table has its own explorer"
    assert html.escape(f"{key}-urut=kode_kecamatan&{other.group(1)}-urut=") in first  # sorting one keeps the other


def test_a_chart_by_region_with_its_text_alternative_and_numbers(population) -> None:
    _, get = population
    page = get()

    assert re.search(r'<svg role="img" aria-label="Diagram batang: Jumlah Penduduk menurut kecamatan, tahun 2024\. '
                     r'Tertinggi Cariu \(303\.298\), terendah Cileungsi \(112\.359\)', page)  # fmt: skip
    assert "<title>Jumlah Penduduk menurut kecamatan, tahun 2024</title>" in page
    assert '<th scope="row">Babakan Madang</th><td class="num">247.978</td>' in page  # names from the region list


def test_a_line_over_years_and_no_chart_when_the_schema_suggests_none(harvested) -> None:
    poor = harvested.get(f"/dataset/{POOR}").get_data(as_text=True)
    roads = harvested.get(f"/dataset/{ROADS}").get_data(as_text=True)

    assert 'aria-label="Diagram garis: Jumlah Penduduk Miskin menurut tahun, 2020 sampai 2023' in poor
    assert '<th scope="row">2023</th><td class="num">421,11</td>' in poor
    assert "Jelajahi data" in roads and "<svg" not in roads  # one year and no region: nothing to draw


def test_the_data_dictionary_comes_from_the_schema(harvested) -> None:
    page = harvested.get(f"/dataset/{POPULATION}").get_data(as_text=True)
    dictionary = page[page.index("Kamus data: Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin"):]

    assert page.count("Kamus data:") == 1  # one per schema, not per file
    assert '<th scope="row">Jumlah Penduduk <span class="field-name">jumlah_penduduk</span></th>' in dictionary
    assert "<td>bilangan bulat</td><td>jiwa</td>" in dictionary
    assert "<li>paling kecil 1945</li><li>paling besar 2100</li>" in dictionary  # a year, not 1.945
    assert "<li>mengikuti pola [0-9]{6}</li>" in dictionary
    assert "Kode wilayah tingkat kecamatan, diperiksa dengan Kode Wilayah Administrasi Pemerintahan (Kemendagri), " \
           "idn-area-data versi 4.0.1" in dictionary  # fmt: skip


def test_the_dictionary_names_unique_columns_and_lists_of_values(harvested) -> None:
    clinics = harvested.get("/dataset/dinkes-fasilitas-kesehatan").get_data(as_text=True)
    disasters = harvested.get("/dataset/bpbd-kejadian-bencana").get_data(as_text=True)

    assert re.search(r'kode_fasyankes</span></th>(?:(?!</tr>).)*<li>unik</li>', clinics, re.S)  # in its own row
    assert "<li>salah satu dari: Banjir, Banjir Bandang, Tanah Longsor," in disasters
    assert "<td>tanggal (TTTT-BB-HH)</td>" in disasters


def test_downloads_of_every_format_next_to_the_original(harvested, population) -> None:
    _, get = population
    page = get()
    rid = resource_id(harvested, POPULATION, "penduduk-2024.csv")

    for fmt in ("csv", "tsv", "json", "xml", "xlsx", "parquet"):
        assert f'href="/datastore/dump/{rid}?format={fmt}"' in page
    assert "Berkas asli (CSV)" in page
    assert harvested.get(f"/datastore/dump/{rid}?format=csv").get_data(as_text=True).splitlines()[0].startswith("_id,")


def test_the_snippets_name_the_table_and_the_python_one_runs(app, harvested, population) -> None:
    key, get = population
    page = get()
    rid = resource_id(harvested, POPULATION, "penduduk-2024.csv")
    snippets = {name: html.unescape(code) for name, code in re.findall(
        rf'<code id="kode-{key}-([a-z0-9-]+)">(.*?)</code>', page, re.S)}  # fmt: skip

    assert set(snippets) == {"curl", "ckanapi-cli", "ckanapi-python", "python-requests", "r-httr2"}
    assert all(rid in code for code in snippets.values())
    assert '{"kode_kecamatan": "320101"}' in snippets["curl"]
    with served(app) as server:
        namespace: dict = {}
        exec(snippets["python-requests"].replace("http://127.0.0.1:5000", server.url), namespace)
    assert [record["nama_kecamatan"] for record in namespace["records"]] == ["Cibinong"]


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
def test_the_curl_and_ckanapi_snippets_run_as_printed(app, population) -> None:
    key, get = population
    snippets = {name: html.unescape(code) for name, code in re.findall(
        rf'<code id="kode-{key}-([a-z0-9-]+)">(.*?)</code>', get(), re.S)}  # fmt: skip
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # ckanapi from this venv

    with served(app) as server:
        for name in ("curl", "ckanapi-cli"):
            command = snippets[name].replace("http://127.0.0.1:5000", server.url)
            ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                                 env={**os.environ, "PATH": path}, check=False)  # fmt: skip
            assert ran.returncode == 0, ran.stderr
            assert "Cibinong" in ran.stdout and "Gunungputri" not in ran.stdout  # the filter did its work


def test_a_table_without_a_datastore_shows_its_first_rows_with_the_same_headers(platform, harvested) -> None:
    with platform.database.session() as session:
        session.execute(delete(DatastoreTable))
        session.commit()
    page = harvested.get(f"/dataset/{POPULATION}").get_data(as_text=True)

    assert "Pratinjau: penduduk-2024.csv" in page
    assert "Jelajahi data" not in page
    assert '<th scope="col" class="num">Jumlah Penduduk <span class="field-name">jumlah_penduduk</span></th>' in page
    assert '<td class="num">204.434</td>' in page
    assert "Kamus data:" in page


def test_english_pages_write_numbers_the_english_way(harvested, population) -> None:
    key, _ = population
    page = harvested.get(f"/dataset/{POPULATION}?lang=en").get_data(as_text=True)

    assert ["2024", "320101", "Cibinong", "124,890", "79,544", "204,434"] in table_of(page, key)
