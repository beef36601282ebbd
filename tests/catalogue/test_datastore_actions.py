"""The embedded catalogue's DataStore over HTTP: datastore_search, datastore_search_sql, datastore_info, the dump,
and who may reach a table (only whoever may read its dataset)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import duckdb
import openpyxl
import pytest

from ppid.platform import Platform

from .conftest import Api
from .datastore_tables import FIELDS, ROWS, make_table, resource_for


@pytest.fixture
def published(api: Api, platform: Platform) -> dict[str, Any]:
    """A public dataset with one DataStore table and one plain link, and a private dataset with a table."""
    api.ok("organization_create", name="dpmd", title="Dinas Pemberdayaan Masyarakat dan Desa")
    table = make_table(platform)
    hidden = make_table(platform, schema_name="rahasia")
    public = api.ok("package_create", name="desa-miskin", owner_org="dpmd", title="Keluarga miskin per desa",
                    resources=[resource_for(table), {"name": "catatan", "url": "https://contoh.go.id/c.pdf"}])
    private = api.ok("package_create", name="belum-terbit", owner_org="dpmd", title="Belum terbit", private=True,
                     resources=[resource_for(hidden, "rahasia.csv")])  # fmt: skip
    return {"table": table, "id": public["resources"][0]["id"], "link": public["resources"][1]["id"],
            "private": private["resources"][0]["id"]}  # fmt: skip


def test_resources_report_datastore_active_and_the_typed_copy_digest(api: Api, published: dict[str, Any]) -> None:
    package = api.ok("package_show", id="desa-miskin", token=None)
    table, link = package["resources"]
    assert table["datastore_active"] is True and table["ppid_datastore_sha256"] == published["table"].rows_sha256
    assert link["datastore_active"] is False and "ppid_datastore_sha256" not in link
    found = api.ok("package_search", q="miskin", token=None)["results"][0]["resources"]
    assert [r["datastore_active"] for r in found] == [True, False]
    assert api.ok("resource_show", id=published["id"], token=None)["datastore_active"] is True


def test_search_answers_with_ckans_shape_typed_values_and_the_data_dictionary(api: Api, published: dict[str, Any]):
    result = api.ok("datastore_search", resource_id=published["id"], token=None, method="GET")
    assert list(result) == ["include_next_page", "include_total", "limit", "records_format", "resource_id",
                            "records", "fields", "total"]  # fmt: skip
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    assert result["fields"][1:] == FIELDS
    assert result["total"] == 4 and result["limit"] == 100
    assert result["records"][0] == {"_id": 1, **ROWS[0]}
    assert result["records"][2]["anggaran"] == 7 and result["records"][2]["tanggal"] is None


def test_search_filters_sorts_pages_and_selects_fields(api: Api, published: dict[str, Any]) -> None:
    result = api.ok("datastore_search", resource_id=published["id"], filters={"kecamatan": "Cisarua"},
                    sort="keluarga_miskin desc", fields="nama_desa,keluarga_miskin", token=None)  # fmt: skip
    assert result["records"] == [{"nama_desa": "Cibodas", "keluarga_miskin": 1250},
                                 {"nama_desa": "Tugu Selatan", "keluarga_miskin": 830}]  # fmt: skip
    assert [f["id"] for f in result["fields"]] == ["nama_desa", "keluarga_miskin"] and result["total"] == 2
    ranged = api.ok("datastore_search", resource_id=published["id"], token=None,
                    filters={"keluarga_miskin": {"gte": 1000}, "tahun": [2023, 2024]}, sort="_id", limit=1, offset=1)
    assert [r["_id"] for r in ranged["records"]] == [3] and ranged["total"] == 2
    lists = api.ok("datastore_search", resource_id=published["id"], records_format="lists", fields=["tahun"],
                   distinct=True, sort="tahun", include_total=False, token=None)  # fmt: skip
    assert lists["records"] == [[2023], [2024]] and "total" not in lists
    text = api.ok("datastore_search", resource_id=published["id"], records_format="csv", sort="_id", limit=2,
                  fields="kode_desa,anggaran,tanggal", token=None)  # fmt: skip
    assert text["records"] == "3201010001,1234.5,2023-03-01\n3201010002,99.75,2023-03-02\n"


def test_full_text_q_matches_words_and_adds_a_rank(api: Api, published: dict[str, Any]) -> None:
    result = api.ok("datastore_search", resource_id=published["id"], q="tugu", token=None)
    assert [r["nama_desa"] for r in result["records"]] == ["Tugu Selatan"]
    assert result["fields"][-1] == {"id": "rank", "type": "float"} and result["records"][0]["rank"] > 0
    by_field = api.ok("datastore_search", resource_id=published["id"], q={"kecamatan": "megamendung"}, token=None)
    assert by_field["total"] == 2 and by_field["fields"][-1]["id"] == "rank kecamatan"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"fields": "tidak_ada"}, {"fields": ['invalid value "tidak_ada"']}),
        ({"sort": "tidak_ada desc"}, {"sort": ['invalid value "tidak_ada desc"']}),
        ({"sort": "nama_desa; DROP TABLE x"}, {"sort": ['invalid value "nama_desa; DROP TABLE x"']}),
        ({"filters": {"tidak_ada": 1}}, {"filters": ["Unknown field: tidak_ada"]}),
        ({"q": {"tidak_ada": "x"}}, {"q": ['invalid value "tidak_ada"']}),
        ({"limit": "x"}, {"limit": ["Invalid integer", "Please enter an integer value"]}),
        ({"records_format": "xx"}, {"records_format": ["Value must be one of ['objects', 'lists', 'csv', 'tsv']"]}),
        ({"offset": -1}, {"offset": ['invalid value "-1"']}),
        ({"bogus": 1}, {"__extras": ['invalid value "bogus"']}),
    ],
)
def test_search_refuses_what_ckan_refuses_with_its_messages(api: Api, published: dict[str, Any], data, error):
    assert api.error("datastore_search", 409, resource_id=published["id"], token=None, **data) == {
        **error, "__type": "Validation Error"}  # fmt: skip


def test_values_never_become_sql(api: Api, published: dict[str, Any]) -> None:
    sneaky = "x' OR '1'='1"
    result = api.ok("datastore_search", resource_id=published["id"], filters={"nama_desa": sneaky}, q=sneaky,
                    token=None)  # fmt: skip
    assert result["records"] == [] and result["total"] == 0


def test_limit_is_capped_at_rows_max(api: Api, published: dict[str, Any]) -> None:
    assert api.ok("datastore_search", resource_id=published["id"], limit=10**6, token=None)["limit"] == 32000


def test_a_private_or_unknown_resource_is_unreachable(api: Api, published: dict[str, Any]) -> None:
    error = api.error("datastore_search", 403, resource_id=published["private"], token=None)
    assert error["__type"] == "Authorization Error"
    assert api.ok("datastore_search", resource_id=published["private"])["total"] == 4  # the sysadmin may
    assert api.error("datastore_search", 404, resource_id=published["link"], token=None)["message"] == (
        f'Not found: Resource "{published["link"]}" was not found.')  # fmt: skip
    assert api.error("datastore_info", 404, id="tidak-ada", token=None)["__type"] == "Not Found Error"
    assert api.error("datastore_search", 409, token=None) == {"resource_id": ["Missing value"],
                                                              "__type": "Validation Error"}  # fmt: skip


def test_a_withdrawn_dataset_takes_its_table_with_it(api: Api, published: dict[str, Any]) -> None:
    api.ok("package_patch", id="desa-miskin", private=True)
    api.error("datastore_search", 403, resource_id=published["id"], token=None)
    api.ok("package_patch", id="desa-miskin", private=False, resources=[])
    api.error("datastore_search", 404, resource_id=published["id"], token=None)


def test_info_reports_fields_with_their_schema_and_the_table_size(api: Api, published: dict[str, Any]) -> None:
    info = api.ok("datastore_info", id=published["id"], token=None)
    assert [f["id"] for f in info["fields"]] == [f["id"] for f in FIELDS]
    assert info["fields"][0]["schema"]["is_index"] is True and info["fields"][1]["schema"]["index_name"] is None
    assert info["fields"][3]["schema"]["native_type"] == "integer"
    assert info["meta"]["count"] == 4 and info["meta"]["id"] == published["id"] and info["meta"]["size"] > 0
    assert set(info["meta"]) == {"id", "count", "table_type", "size", "db_size", "idx_size", "aliases"}


def test_sql_groups_over_a_published_table(api: Api, published: dict[str, Any]) -> None:
    sql = (f'SELECT kecamatan, sum(keluarga_miskin) AS miskin, count(*) FROM "{published["id"]}" '
           "GROUP BY kecamatan ORDER BY kecamatan")
    result = api.ok("datastore_search_sql", sql=sql, token=None, method="GET")
    assert result["records"] == [{"kecamatan": "Cisarua", "miskin": 2080, "count": 2},
                                 {"kecamatan": "Megamendung", "miskin": 1035, "count": 2}]  # fmt: skip
    assert result["fields"] == [{"id": "kecamatan", "type": "text"}, {"id": "miskin", "type": "numeric"},
                                {"id": "count", "type": "int8"}]  # fmt: skip
    assert result["sql"] == sql and "records_truncated" not in result


@pytest.mark.parametrize(
    "sql",
    [
        'DELETE FROM "{id}"',
        'UPDATE "{id}" SET tahun = 1',
        'INSERT INTO "{id}" VALUES (1)',
        "CREATE TABLE x AS SELECT 1",
        'DROP VIEW "{id}"',
        'SELECT 1; SELECT * FROM "{id}"',
        "COPY (SELECT 1) TO '/tmp/ppid-escape.csv'",
        "ATTACH '/tmp/ppid-escape.db' AS x",
        "PRAGMA database_list",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "EXPORT DATABASE '/tmp/ppid-escape'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('{path}')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM glob('/etc/*')",
        "SELECT getenv('HOME')",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_tables",
        "SELECT * FROM information_schema.tables",
        "SELECT * FROM pg_catalog.pg_class",
        "SELECT * FROM sqlite_master",
        'SELECT * INTO salinan FROM "{id}"',
        'SELECT * FROM "{private}"',
        'SELECT * FROM "{link}"',
        "SELECT * FROM tidak_ada",
        "WITH s AS (SELECT 1) SELECT * FROM (WITH t AS (SELECT 2) SELECT * FROM t) x, sqlite_master",
    ],
)
def test_sql_refuses_anything_but_a_select_over_published_tables(api: Api, platform: Platform,
                                                                 published: dict[str, Any], sql: str) -> None:
    path = platform.storage.local_path(published["table"].storage_key)
    query = sql.format(id=published["id"], private=published["private"], link=published["link"], path=path)
    error = api.error("datastore_search_sql", 409, sql=query, token=None)
    assert error["__type"] == "Validation Error" and set(error) == {"message", "__type"}, error
    assert "(" in error["message"] and error["message"].endswith(").")  # one sentence, Indonesian (English)


def test_sql_stops_a_query_that_runs_too_long(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ppid.datastore.sql.TIMEOUT", 0.5)
    slow = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000000) SELECT count(*) FROM r"
    error = api.error("datastore_search_sql", 409, sql=slow, token=None)
    assert error == {"query": ["Waktu habis: kueri berjalan lebih dari 0.5 detik (query took too long)."],
                     "__type": "Validation Error"}  # fmt: skip


def test_sql_truncates_at_rows_max(api: Api, published: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ppid.datastore.sql.ROWS_MAX", 3)
    result = api.ok("datastore_search_sql", sql=f'SELECT _id FROM "{published["id"]}" ORDER BY _id', token=None)
    assert result["records"] == [{"_id": 1}, {"_id": 2}, {"_id": 3}] and result["records_truncated"] is True


def test_dump_writes_ckans_csv_and_every_other_format(api: Api, published: dict[str, Any]) -> None:
    url = f"/datastore/dump/{published['id']}"
    response = api.client.get(url)
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"desa-miskin-2024.csv\"; filename*=UTF-8''desa-miskin-2024.csv")  # fmt: skip
    lines = response.get_data(as_text=True).split("\n")
    assert lines[0] == "_id,kode_desa,nama_desa,kecamatan,tahun,keluarga_miskin,anggaran,tanggal\r"
    assert lines[1] == "1,3201010001,Cibodas,Cisarua,2023,1250,1234.5,2023-03-01"
    assert api.client.get(f"{url}?bom=true").get_data().startswith(b"\xef\xbb\xbf_id,")
    tsv = api.client.get(f"{url}?format=tsv&fields=nama_desa,tahun&limit=1")
    assert tsv.get_data(as_text=True) == "nama_desa\ttahun\r\nCibodas\t2023\n"
    as_json = json.loads(api.client.get(f'{url}?format=json&filters={{"tahun": 2024}}').get_data())
    assert as_json["fields"][0] == {"id": "_id", "type": "int"} and [r[0] for r in as_json["records"]] == [3, 4]
    xml = api.client.get(f"{url}?format=xml&offset=3").get_data(as_text=True)
    assert xml.startswith('<data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<row _id="4">')
    assert "<tanggal>2024-01-31</tanggal>" in xml and xml.endswith("</row>\n</data>\n")


def test_dump_xlsx_keeps_types_and_neutralises_formulas(api: Api, published: dict[str, Any]) -> None:
    response = api.client.get(f"/datastore/dump/{published['id']}?format=xlsx")
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("_id", "kode_desa", "nama_desa") and len(rows) == 5
    assert rows[1][1] == "3201010001" and rows[1][5] == 1250 and rows[4][6] == -3.25
    assert rows[4][2] == "'=HYPERLINK(\"http://x\")"


def test_dump_parquet_is_the_typed_copy(api: Api, platform: Platform, published: dict[str, Any], tmp_path) -> None:
    whole = api.client.get(f"/datastore/dump/{published['id']}?format=parquet").get_data()
    with platform.storage.open(published["table"].storage_key) as stored:
        assert whole == stored.read()
    part = tmp_path / "part.parquet"
    part.write_bytes(api.client.get(f"/datastore/dump/{published['id']}?format=parquet&filters="
                                    '{"kecamatan":"Cisarua"}&fields=nama_desa').get_data())  # fmt: skip
    assert duckdb.sql(f"SELECT * FROM read_parquet('{part}')").fetchall() == [("Cibodas",), ("Tugu Selatan",)]


def test_dump_of_what_the_caller_may_not_read_is_not_found(api: Api, published: dict[str, Any]) -> None:
    for resource_id in (published["private"], published["link"], "tidak-ada"):
        response = api.client.get(f"/datastore/dump/{resource_id}")
        assert response.status_code == 404, resource_id
    assert api.client.get(f"/datastore/dump/{published['id']}?format=docx").status_code == 400
    refused = api.client.get(f"/datastore/dump/{published['id']}?sort=x")
    assert refused.status_code == 400 and 'invalid value "x"' in refused.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(api.client.get(f"/datastore/dump/{published['id']}?limit=0").get_data(
        as_text=True))))  # fmt: skip
    assert len(rows) == 1
