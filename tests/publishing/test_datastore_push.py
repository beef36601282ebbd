"""Valid tables' typed rows in the catalogue's DataStore: made when published, pushed to a real CKAN only when
they changed, and a push cut short redone without duplicate rows.

The real CKAN 2.12 runs its DataStore plugin (``CKAN_DATASTORE=1``, see ../shared/ckan-test-server/README.md);
the tests that need it skip when CKAN_URL is unset.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN
from sqlalchemy import select

from ppid.config import load_settings
from ppid.datastore.convert import build_table
from ppid.datastore.models import DatastoreTable
from ppid.pipeline.models import FileState, ItemOutcome, RunEvent, TrackedFile
from ppid.pipeline.publication import publish_dataset
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client
from ppid.publishing.mapping import DatasetDraft, DatasetFile, DatastoreCopy
from ppid.publishing.publisher import Publisher, open_publisher

from .test_publisher_contract import CKAN_API_TOKEN, CKAN_URL, POPULATION, published

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "kode_desa", "title": "Kode Desa", "type": "string"},
        {"name": "nama_desa", "title": "Nama Desa", "type": "string"},
        {"name": "anggaran", "title": "Anggaran", "type": "number", "decimalChar": ",", "groupChar": ".",
         "unit": "rupiah"},
        {"name": "tanggal", "title": "Tanggal", "type": "date", "format": "%d/%m/%Y"},
        {"name": "aktif", "title": "Aktif", "type": "boolean", "trueValues": ["Ya"], "falseValues": ["Tidak"]},
        {"name": "tahun", "title": "Tahun", "type": "year"},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["kode_desa"],
}
TABLE = (
    "DATA DESA KABUPATEN CONTOH\r\n\r\n"
    "Kode Desa;Nama Desa;Anggaran;Tanggal;Aktif;Tahun\r\n"
    "3201.0;Sukamaju – Ciherang;1.234,56;05/01/2024;Ya;2024\r\n"
    "3202;Cibeureum;-;31/12/2023;Tidak;2023\r\n"
).encode("cp1252")


@pytest.fixture
def ckan_platform(environ: dict[str, str]) -> Iterator[Platform]:
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh with CKAN_DATASTORE=1")
    platform = Platform.open(load_settings(
        environ=environ | {"PPID_CATALOGUE_URL": CKAN_URL, "PPID_CATALOGUE_API_TOKEN": CKAN_API_TOKEN}))
    yield platform
    platform.close()


@pytest.fixture
def ckan(ckan_platform: Platform) -> Iterator[RemoteCKAN]:
    client = RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN)
    yield client
    client.close()


@pytest.fixture
def name(ckan_platform: Platform, ckan: RemoteCKAN) -> Iterator[str]:
    """A dataset name no other test uses; the dataset is purged afterwards."""
    unique = f"uji-datastore-{uuid.uuid4().hex[:10]}"
    yield unique
    with contextlib.suppress(NotFound):
        ckan.action.dataset_purge(id=unique)


def draft(platform: Platform, name: str, data: bytes, schema: dict[str, Any] = SCHEMA) -> DatasetDraft:
    """A dataset of one valid table, with its typed copy made as the pipeline makes it."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = f"berkas/{sha256}/desa.csv"
    platform.storage.put(key, io.BytesIO(data))
    with platform.database.session() as session:
        table = build_table(session, platform.storage, source_key=key, file_name="desa.csv", sha256=sha256,
                            schema_name="desa_uji", schema=schema)
        copy = DatastoreCopy(storage_key=table.storage_key, rows_sha256=table.rows_sha256, fields=table.fields,
                             primary_key=table.primary_key, row_count=table.row_count)
    file = DatasetFile(key="desa", name="desa.csv", url="http://127.0.0.1:5000/unduh/1/desa.csv", sha256=sha256,
                       size=len(data), storage_key=key, schema_name="desa_uji", valid_table=True, datastore=copy)
    return DatasetDraft(name=name, dinas=platform.registry.get("disdukcapil"), meta={"title": "Uji DataStore"},
                        files=[file])


def publish(platform: Platform, dataset: DatasetDraft) -> Publisher:
    with open_publisher(platform) as publisher:
        publisher.publish(dataset)
    return publisher


def records(ckan: RemoteCKAN, resource_id: str) -> tuple[int, list[dict[str, Any]]]:
    found = ckan.action.datastore_search(resource_id=resource_id, sort="_id", limit=1000)
    return found["total"], found["records"]


def test_a_table_is_pushed_typed_with_its_dictionary_and_primary_key(
        ckan_platform: Platform, ckan: RemoteCKAN, name: str) -> None:
    dataset = draft(ckan_platform, name, TABLE)

    publisher = publish(ckan_platform, dataset)

    resource = ckan.action.package_show(id=name)["resources"][0]
    assert resource["datastore_active"] is True
    assert resource["ppid_datastore_sha256"] == dataset.files[0].datastore.rows_sha256
    assert records(ckan, resource["id"]) == (2, [
        {"_id": 1, "kode_desa": "3201", "nama_desa": "Sukamaju – Ciherang", "anggaran": 1234.56,
         "tanggal": "2024-01-05", "aktif": True, "tahun": 2024},
        {"_id": 2, "kode_desa": "3202", "nama_desa": "Cibeureum", "anggaran": None, "tanggal": "2023-12-31",
         "aktif": False, "tahun": 2023},
    ])
    fields = {field["id"]: field for field in ckan.action.datastore_info(id=resource["id"])["fields"]}
    assert {key: field["type"] for key, field in fields.items()} == {
        "kode_desa": "text", "nama_desa": "text", "anggaran": "numeric", "tanggal": "date", "aktif": "bool",
        "tahun": "int4"}
    assert fields["anggaran"]["info"] == {"label": "Anggaran", "notes": "", "unit": "rupiah"}
    assert fields["kode_desa"]["schema"]["is_index"] is True  # the primary key's unique index
    with pytest.raises(Exception, match="duplicate key"):
        ckan.action.datastore_upsert(resource_id=resource["id"], force=True, method="insert",
                                     records=[{"kode_desa": "3201"}])
    assert (publisher.calls["datastore_create"], publisher.calls["datastore_upsert"]) == (1, 1)


def test_an_unchanged_republish_writes_nothing_to_the_datastore(
        ckan_platform: Platform, ckan: RemoteCKAN, name: str) -> None:
    dataset = draft(ckan_platform, name, TABLE)
    publish(ckan_platform, dataset)
    before = ckan.action.package_show(id=name)["resources"][0]
    rows_before = records(ckan, before["id"])

    again = publish(ckan_platform, draft(ckan_platform, name, TABLE))

    after = ckan.action.package_show(id=name)["resources"][0]
    assert again.write_calls == 0 and dict(again.calls) == {"package_show": 1, "organization_show": 1}
    assert after["metadata_modified"] == before["metadata_modified"]
    assert records(ckan, after["id"]) == rows_before


def test_a_metadata_change_keeps_the_resource_and_its_rows(ckan_platform: Platform, ckan: RemoteCKAN,
                                                           name: str) -> None:
    dataset = draft(ckan_platform, name, TABLE)
    publish(ckan_platform, dataset)
    before = ckan.action.package_show(id=name)["resources"][0]

    retitled = DatasetDraft(name=name, dinas=dataset.dinas, meta={"title": "Uji DataStore (revisi)"},
                            files=dataset.files)
    publisher = publish(ckan_platform, retitled)

    after = ckan.action.package_show(id=name)["resources"][0]
    assert publisher.calls["package_update"] == 1 and publisher.calls["datastore_create"] == 0
    assert (after["id"], after["datastore_active"], after["ppid_datastore_sha256"]) == (
        before["id"], True, before["ppid_datastore_sha256"])
    assert records(ckan, after["id"])[0] == 2


def test_a_push_cut_short_is_redone_without_duplicate_rows(ckan_platform: Platform, ckan: RemoteCKAN,
                                                            name: str) -> None:
    dataset = draft(ckan_platform, name, TABLE)
    publish(ckan_platform, dataset)
    resource = ckan.action.package_show(id=name)["resources"][0]
    # As if the last run had dropped the old table, created the new one and inserted rows, then died before
    # marking the resource: rows are there, the resource does not say which.
    ckan.action.datastore_delete(resource_id=resource["id"], force=True)
    ckan.action.datastore_create(resource_id=resource["id"], force=True,
                                 fields=dataset.files[0].datastore.fields,
                                 records=[{"kode_desa": "3201", "nama_desa": "Sukamaju – Ciherang"}])
    ckan.action.resource_patch(id=resource["id"], ppid_datastore_sha256="")

    publisher = publish(ckan_platform, draft(ckan_platform, name, TABLE))

    repaired = ckan.action.package_show(id=name)["resources"][0]
    assert repaired["ppid_datastore_sha256"] == dataset.files[0].datastore.rows_sha256
    total, rows = records(ckan, repaired["id"])
    assert total == 2 and [row["kode_desa"] for row in rows] == ["3201", "3202"]
    assert publisher.calls["datastore_delete"] == 1


def test_a_new_version_with_another_schema_replaces_the_table(ckan_platform: Platform, ckan: RemoteCKAN,
                                                               name: str) -> None:
    publish(ckan_platform, draft(ckan_platform, name, TABLE))
    schema = {**SCHEMA, "fields": [*SCHEMA["fields"][:2], {"name": "penduduk", "type": "integer"}]}
    data = b"kode_desa,nama_desa,penduduk\n3301,Karanganyar,1200\n3302,Kebumen,900\n3303,Sruweng,\n"

    publish(ckan_platform, draft(ckan_platform, name, data, schema))

    resource = ckan.action.package_show(id=name)["resources"][0]
    fields = ckan.action.datastore_info(id=resource["id"])["fields"]
    assert [(field["id"], field["type"]) for field in fields] == [
        ("kode_desa", "text"), ("nama_desa", "text"), ("penduduk", "int8")]
    assert [(row["kode_desa"], row["penduduk"]) for row in records(ckan, resource["id"])[1]] == [
        ("3301", 1200), ("3302", 900), ("3303", None)]


def test_a_large_table_is_pushed_in_batches(ckan_platform: Platform, ckan: RemoteCKAN, name: str) -> None:
    schema = {"fields": [{"name": "kode", "type": "string"}, {"name": "nilai", "type": "integer"}],
              "primaryKey": ["kode"]}
    data = ("kode,nilai\n" + "".join(f"K{index:06d},{index}\n" for index in range(25_001))).encode()

    publisher = publish(ckan_platform, draft(ckan_platform, name, data, schema))

    resource = ckan.action.package_show(id=name)["resources"][0]
    assert publisher.calls["datastore_upsert"] == 3
    last = ckan.action.datastore_search(resource_id=resource["id"], sort="_id desc", limit=1)
    assert last["total"] == 25_001 and last["records"] == [{"_id": 25_001, "kode": "K025000", "nilai": 25_000}]


# -- through the pipeline ------------------------------------------------------------------------------------


def test_every_valid_table_gets_its_copy_and_a_failed_copy_is_made_by_the_next_run(platform: Platform) -> None:
    run_harvest(platform)
    with platform.database.session() as session:
        tables = session.scalars(select(TrackedFile).where(TrackedFile.state == FileState.VALID,
                                                           TrackedFile.schema_name.is_not(None))).all()
        copies = {(row.sha256, row.schema_name): row for row in session.scalars(select(DatastoreTable))}
        assert tables and {(f.sha256, f.schema_name) for f in tables} <= set(copies)
        population = session.scalar(select(TrackedFile).where(TrackedFile.name == "penduduk-2023.csv"))
        copy = copies[(population.sha256, population.schema_name)]
        assert copy.row_count > 0 and copy.fields[0]["id"] == "tahun"
        # The copy is lost and the stored file cannot be read: the next run publishes without it.
        session.delete(copy)
    stored = platform.storage.open(population.storage_key).read()
    platform.storage.delete(population.storage_key)

    run_harvest(platform)

    with platform.database.session() as session:
        failed = session.get(TrackedFile, population.id)
        assert failed.publish_error.startswith("Salinan tabel untuk DataStore belum dapat dibuat")
        event = session.scalars(select(RunEvent).where(RunEvent.outcome == ItemOutcome.FAILED)).one()
        assert (event.source_id, event.item_key) == ("disdukcapil/katalog", POPULATION)
        assert not session.scalars(select(DatastoreTable).where(DatastoreTable.sha256 == population.sha256)).all()
    shown = [resource["name"] for resource in published(platform, POPULATION)["resources"]]
    assert shown == ["penduduk-2023.csv", "penduduk-2024.csv"]  # published all the same

    platform.storage.put(population.storage_key, io.BytesIO(stored))
    run_harvest(platform)

    with platform.database.session() as session:
        assert session.get(TrackedFile, population.id).publish_error is None
        assert session.scalars(select(DatastoreTable).where(DatastoreTable.sha256 == population.sha256)).one()


def test_the_embedded_catalogue_is_sent_no_rows(platform: Platform) -> None:
    run_harvest(platform)

    with open_publisher(platform) as publisher:
        publish_dataset(platform, publisher, "disdukcapil", POPULATION)

    assert not [action for action in publisher.calls if action.startswith("datastore_")]
    assert publisher.write_calls == 0


def test_a_real_ckan_gets_the_rows_of_the_sample_region(ckan_platform: Platform, ckan: RemoteCKAN) -> None:
    from .test_publisher_contract import purge_sample_region

    with catalogue_client(ckan_platform) as client:
        purge_sample_region(client, ckan_platform)
    run_harvest(ckan_platform)

    resources = {r["name"]: r for r in published(ckan_platform, POPULATION)["resources"]}
    with ckan_platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "penduduk-2023.csv"))
        copy = session.scalars(select(DatastoreTable).where(DatastoreTable.sha256 == tracked.sha256)).one()
    resource = resources["penduduk-2023.csv"]
    assert resource["ppid_datastore_sha256"] == copy.rows_sha256
    total, rows = records(ckan, resource["id"])
    assert total == copy.row_count
    assert rows[0]["tahun"] == 2023 and rows[0]["kode_kecamatan"] == "320101"
    assert isinstance(rows[0]["jumlah_penduduk"], int)
