"""The read side through the real publish path: `ppid harvest` of the bundled sample region publishes every
valid table with its typed copy, and each one answers datastore_search, datastore_search_sql and the dump."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppid.catalogue.service import EmbeddedCKAN
from ppid.config import load_settings
from ppid.platform import Platform

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_valid_table_of_a_harvest_is_queryable(environ: dict[str, str]) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ
    ppid = str(Path(sys.executable).parent / "ppid")
    result = subprocess.run([ppid, "harvest"], env=env, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert "Traceback" not in result.stderr, result.stderr
    platform = Platform.open(load_settings(environ=environ))
    try:
        citizen = EmbeddedCKAN(platform.database, platform.storage, base_url="http://contoh.invalid",
                               datastore_cache=Path(environ["PPID_HOME"]) / "datastore")  # fmt: skip
        packages = citizen.action.package_search(rows=1000)["results"]
        tables = [r for p in packages for r in p["resources"] if r["datastore_active"]]
        assert len(tables) >= 10
        assert all(r.get("schema_name") for r in tables)
        for resource in tables:
            found = citizen.action.datastore_search(resource_id=resource["id"], limit=2)
            assert found["fields"][0] == {"id": "_id", "type": "int"} and found["total"] >= 1
            assert [r["_id"] for r in found["records"]] == list(range(1, len(found["records"]) + 1))
            counted = citizen.action.datastore_search_sql(sql=f'SELECT count(*) AS n FROM "{resource["id"]}"')
            assert counted["records"] == [{"n": found["total"]}]
            _name, chunks = citizen.datastore_dump(resource["id"], {}, "csv")
            header = b"".join(chunks).split(b"\r\n", 1)[0].decode()
            assert header == ",".join(field["id"] for field in found["fields"])
    finally:
        platform.close()
