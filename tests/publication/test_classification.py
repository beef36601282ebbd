"""Every catalogue item has a category from its dinas's configuration, the uploader's form or the walidata; an item
classified dikecualikan never reaches the catalogue, and a published one so reclassified is withdrawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ppid.config import ConfigError
from ppid.pipeline.models import ItemOutcome, RunEvent, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.registry import load_registry

from .conftest import EXEMPT_TITLE

PROFILE, STRATEGY, EXEMPT = "dinkes-profil-kesehatan", "disdik-rencana-strategis-dinas-pendidikan", \
    "dinkes-catatan-penyelidikan-kasus-gizi-buruk"


def extras(client, name: str) -> dict[str, str]:
    package = client.get("/api/3/action/package_show", query_string={"id": name}).get_json()["result"]
    return {extra["key"]: extra["value"] for extra in package["extras"]}


def names(client, **params) -> list[str]:
    result = client.get("/api/3/action/package_search", query_string={"rows": 100, **params}).get_json()["result"]
    return sorted(package["name"] for package in result["results"])


def test_harvested_items_carry_their_category_as_catalogue_extras_from_the_rule_or_the_dinas_default(
        platform, client) -> None:
    run_harvest(platform)

    profile = extras(client, PROFILE)
    assert (profile["kategori_informasi"], profile["periode_bulan"], profile["retensi_arsip"]) == ("berkala", "6",
                                                                                                   "5 tahun")
    assert "pasal_11_huruf" not in profile
    strategy = extras(client, STRATEGY)
    assert (strategy["kategori_informasi"], strategy["pasal_11_huruf"]) == ("setiap-saat", "c")
    assert names(client, fq="extras_kategori_informasi:berkala") == [PROFILE]


def test_an_item_classified_dikecualikan_is_held_back_and_the_run_says_why(platform, client) -> None:
    run_id = run_harvest(platform)

    assert names(client) == [PROFILE, STRATEGY]
    assert client.get("/api/3/action/package_show", query_string={"id": EXEMPT}).status_code in (403, 404)
    with platform.database.session() as session:
        [held] = session.scalars(select(RunEvent).where(RunEvent.run_id == run_id,
                                                        RunEvent.outcome == ItemOutcome.HELD)).all()
        assert held.item_key == EXEMPT
        assert "dikecualikan" in held.message
        exempt_file = session.scalar(select(TrackedFile).where(TrackedFile.dataset_name == EXEMPT))
        file_id, file_name = exempt_file.id, exempt_file.name
    assert client.get(f"/unduh/{file_id}/{file_name}").status_code == 404
    assert client.get(f"/dokumen/{EXEMPT}").status_code == 404
    assert EXEMPT_TITLE not in client.get("/dokumen").get_data(as_text=True)

    second = run_harvest(platform)  # settled: not held again (and not reported again) on every run
    with platform.database.session() as session:
        assert session.scalars(select(RunEvent).where(RunEvent.run_id == second,
                                                      RunEvent.outcome == ItemOutcome.HELD)).all() == []


def test_the_walidata_reclassifies_a_published_item_dikecualikan_and_it_is_withdrawn_then_back(
        platform, client, sign_in) -> None:
    run_harvest(platform)
    walidata = sign_in("walidata")
    assert "Profil Kesehatan" in walidata.get("/petugas/klasifikasi").get_data(as_text=True)

    response = walidata.post(f"/petugas/klasifikasi/dinkes/{PROFILE}",
                             data={"kategori_informasi": "dikecualikan", "csrf_token": walidata.token})
    assert response.status_code == 303
    assert names(client) == [STRATEGY]
    assert client.get("/api/3/action/package_show", query_string={"id": PROFILE}).status_code in (403, 404)
    assert client.get(f"/dokumen/{PROFILE}").status_code == 404
    run_harvest(platform)  # the next run keeps the walidata's choice
    assert names(client) == [STRATEGY]

    walidata.post(f"/petugas/klasifikasi/dinkes/{PROFILE}",
                  data={"kategori_informasi": "setiap-saat", "pasal_11_huruf": "h", "csrf_token": walidata.token})
    assert names(client) == [PROFILE, STRATEGY]
    assert extras(client, PROFILE)["pasal_11_huruf"] == "h"
    assert client.get(f"/dokumen/{PROFILE}").status_code == 200


def test_a_classification_missing_its_period_is_refused_with_the_reason(platform, client, sign_in) -> None:
    run_harvest(platform)
    walidata = sign_in("walidata")

    response = walidata.post(f"/petugas/klasifikasi/disdik/{STRATEGY}",
                             data={"kategori_informasi": "berkala", "periode_bulan": "12",
                                   "csrf_token": walidata.token}, follow_redirects=True)

    assert "antara 1 dan 6 bulan" in response.get_data(as_text=True)
    assert extras(client, STRATEGY)["kategori_informasi"] == "setiap-saat"


def test_only_a_walidata_of_the_dinas_may_reclassify_and_only_with_the_form_token(platform, client, sign_in) -> None:
    run_harvest(platform)
    form = {"kategori_informasi": "dikecualikan"}

    other_dinas = sign_in("walidata-disdik")
    assert other_dinas.post(f"/petugas/klasifikasi/dinkes/{PROFILE}",
                            data={**form, "csrf_token": other_dinas.token}).status_code == 403
    assert PROFILE not in other_dinas.get("/petugas/klasifikasi").get_data(as_text=True)
    officer = sign_in("petugas-dinkes")
    assert officer.post(f"/petugas/klasifikasi/dinkes/{PROFILE}",
                        data={**form, "csrf_token": officer.token}).status_code == 403
    walidata = sign_in("walidata")
    assert walidata.post(f"/petugas/klasifikasi/dinkes/{PROFILE}", data=form).status_code == 400
    assert client.post(f"/petugas/klasifikasi/dinkes/{PROFILE}", data=form).status_code in (302, 400)
    assert names(client) == [PROFILE, STRATEGY]


@pytest.mark.parametrize(("rule", "problem"), [
    ("kategori_informasi: berkala, periode_bulan: 12", "dinas[0] (dinkes) › sources[0] › rules[0] › dataset › "
                                                       "periode_bulan: antara 1 dan 6 bulan"),
    ("kategori_informasi: setiap-saat", "pasal_11_huruf: wajib diisi untuk informasi tersedia setiap saat"),
    ("kategori_informasi: rahasia", "kategori_informasi: pilih salah satu"),
])
def test_the_registry_checks_each_classification_at_load_and_names_the_entry(tmp_path: Path, rule: str,
                                                                              problem: str) -> None:
    path = tmp_path / "dinas.yaml"
    path.write_text(
        "dinas:\n  - slug: dinkes\n    name: Dinas Kesehatan\n    ppid: {name: PPID, email: ppid@contoh.go.id}\n"
        "    sources:\n      - kind: folder\n        path: .\n        rules:\n"
        f"          - match: '*.pdf'\n            dataset: {{title: Profil, {rule}}}\n", encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_registry(path)

    assert problem in str(raised.value)


def test_the_dinas_default_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "dinas.yaml"
    path.write_text("dinas:\n  - slug: dinkes\n    name: Dinas Kesehatan\n"
                    "    ppid: {name: PPID, email: ppid@contoh.go.id}\n"
                    "    klasifikasi: {kategori_informasi: serta-merta, periode_bulan: 3}\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"dinas\[0\] \(dinkes\) › klasifikasi › periode_bulan: hanya untuk"):
        load_registry(path)


def test_a_reclassification_not_yet_in_the_catalogue_is_brought_in_by_the_next_run(platform, client,
                                                                                    accounts) -> None:
    from ppid.accounts.models import User
    from ppid.publication.service import reclassify

    run_harvest(platform)
    with platform.database.session() as session:  # recorded, but the catalogue not reached (as when it is down)
        walidata = session.scalar(select(User).where(User.username == "walidata"))
        reclassify(session, "dinkes", PROFILE, {"kategori_informasi": "dikecualikan"}, walidata)
    assert names(client) == [PROFILE, STRATEGY]

    run_harvest(platform)

    assert names(client) == [STRATEGY]
