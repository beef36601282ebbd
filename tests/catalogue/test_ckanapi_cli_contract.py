"""The real ``ckanapi`` command line against the embedded catalogue served over HTTP, with personal API tokens:
``dump`` of datasets, groups, organizations and users, ``load datasets`` and ``action package_patch -a TOKEN``.

ckanapi sends a personal token as ``Authorization: <token>`` (no ``Bearer``), and ``dump``/``load`` start copies
of themselves by name, so the venv's bin directory goes first on PATH.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ckanapi import RemoteCKAN

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.accounts.tokens import create_token
from ppid.catalogue.users import ckan_user_id
from ppid.platform import Platform

CKANAPI = str(Path(sys.executable).with_name("ckanapi"))
ENVIRONMENT = {**os.environ, "PATH": f"{Path(CKANAPI).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def ckanapi(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CKANAPI, *arguments], capture_output=True, text=True, env=ENVIRONMENT, timeout=120, check=check
    )


@pytest.fixture
def tokens(platform: Platform) -> dict[str, Any]:
    """Personal API tokens: a region-wide administrator (a sysadmin) and a data officer of dinkes."""
    found: dict[str, Any] = {}
    with platform.database.session() as session:
        for username, grant in (("admin", Grant(Role.ADMIN)), ("petugas", Grant(Role.OFFICER, "dinkes"))):
            account = create_user(session, username=username, email=f"{username}@contoh.go.id",
                                  full_name=username.title(), password=None, grants=[grant])  # fmt: skip
            found[username] = create_token(session, account, "ckanapi")[1]
            found[f"{username}_id"] = ckan_user_id(account.id)
    return found


@pytest.fixture
def with_group(published: RemoteCKAN) -> RemoteCKAN:
    published.action.group_create(name="kesehatan", title="Kesehatan")
    published.action.package_patch(id="dinkes-fasilitas-kesehatan", groups=[{"name": "kesehatan"}])
    return published


def dumped(live_url: str, thing: str, tmp_path: Path, *options: str) -> list[dict[str, Any]]:
    target = tmp_path / f"{thing}.jsonl"
    ckanapi("dump", thing, "--all", "-r", live_url, "-O", str(target), "-q", *options)
    return [json.loads(line) for line in target.read_text().splitlines()]


def test_dump_groups_organizations_and_users(with_group: RemoteCKAN, live_url: str, tokens: dict[str, Any],
                                             tmp_path: Path) -> None:  # fmt: skip
    groups = dumped(live_url, "groups", tmp_path)
    organizations = dumped(live_url, "organizations", tmp_path)
    users = dumped(live_url, "users", tmp_path, "-a", tokens["petugas"])

    assert [(g["name"], g["package_count"]) for g in groups] == [("kesehatan", 1)]
    assert sorted(o["name"] for o in organizations) == ["dinkes", "disdukcapil"]
    assert sorted(u["name"] for u in users) == ["admin", "petugas"]
    assert [u.get("email") for u in users if u["name"] == "admin"] == [None]  # only one's own address is shown
    assert [u["email"] for u in users if u["name"] == "petugas"] == ["petugas@contoh.go.id"]
    datasets = dumped(live_url, "datasets", tmp_path)
    grouped = [d for d in datasets if d["groups"]]
    assert [(d["name"], d["groups"][0]["name"]) for d in grouped] == [("dinkes-fasilitas-kesehatan", "kesehatan")]


def test_users_are_not_dumped_for_anonymous_callers(with_group: RemoteCKAN, live_url: str, tokens: dict[str, Any],
                                                     tmp_path: Path) -> None:  # fmt: skip
    refused = ckanapi("dump", "users", "--all", "-r", live_url, "-q", check=False)

    assert refused.returncode != 0
    assert "NotAuthorized" in refused.stdout + refused.stderr
    assert "@contoh.go.id" not in refused.stdout + refused.stderr


def test_package_patch_with_a_personal_token(published: RemoteCKAN, live_url: str, tokens: dict[str, Any]) -> None:
    patched = ckanapi("action", "package_patch", "id=dinkes-fasilitas-kesehatan", "notes=Diperbarui lewat ckanapi",
                      "-r", live_url, "-a", tokens["admin"], "-j")  # fmt: skip
    refused = ckanapi("action", "package_patch", "id=dinkes-fasilitas-kesehatan", "notes=tidak boleh",
                      "-r", live_url, "-a", tokens["petugas"], "-j", check=False)  # fmt: skip

    assert json.loads(patched.stdout)["notes"] == "Diperbarui lewat ckanapi"
    assert refused.returncode != 0 and "NotAuthorized" in refused.stdout + refused.stderr
    assert published.action.package_show(id="dinkes-fasilitas-kesehatan")["notes"] == "Diperbarui lewat ckanapi"


def test_load_datasets_with_a_personal_token(with_group: RemoteCKAN, live_url: str, tokens: dict[str, Any],
                                             tmp_path: Path) -> None:  # fmt: skip
    source = dumped(live_url, "datasets", tmp_path)
    copies = tmp_path / "copies.jsonl"
    copies.write_text("".join(
        json.dumps({key: value for key, value in dataset.items() if key not in {"id", "creator_user_id"}}
                   | {"name": f"salinan-{dataset['name']}", "resources": [
                       {k: v for k, v in r.items() if k != "id"} for r in dataset["resources"]]}) + "\n"
        for dataset in source
    ))  # fmt: skip
    updated = tmp_path / "updated.jsonl"
    updated.write_text(json.dumps({**source[0], "title": "Judul Baru"}) + "\n")

    loaded = ckanapi("load", "datasets", "-I", str(copies), "-r", live_url, "-a", tokens["admin"], check=False)
    again = ckanapi("load", "datasets", "-I", str(updated), "-r", live_url, "-a", tokens["admin"], check=False)
    refused = ckanapi("load", "datasets", "-I", str(updated), "-r", live_url, "-a", tokens["petugas"], check=False)

    runs = {"loaded": loaded, "again": again, "refused": refused}
    report = {name: run.stdout + run.stderr for name, run in runs.items()}
    assert loaded.returncode == 0 and report["loaded"].count(" create ") == 3, report
    assert "Error" not in report["loaded"], report
    assert again.returncode == 0 and " update " in report["again"] and "Error" not in report["again"], report
    assert "NotAuthorized" in report["refused"], report
    copy = with_group.action.package_show(id="salinan-dinkes-fasilitas-kesehatan")
    assert copy["creator_user_id"] == tokens["admin_id"]
    assert [g["name"] for g in copy["groups"]] == ["kesehatan"]
    assert with_group.action.package_show(id=source[0]["id"])["title"] == "Judul Baru"
