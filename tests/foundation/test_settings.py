"""Settings: sensible embedded defaults, and one clear sentence for every wrong value."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppid import i18n
from ppid.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


def base_environ(tmp_path: Path) -> dict[str, str]:
    return {"PPID_HOME": str(tmp_path / "instance"), "PPID_CONFIG_DIR": str(REPO / "config")}


def test_defaults_are_embedded_sqlite_local_storage_and_embedded_catalogue(tmp_path: Path) -> None:
    settings = load_settings(environ=base_environ(tmp_path))

    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'ppid.sqlite3'}"
    assert settings.storage_url == str(tmp_path / "instance" / "storage")
    assert settings.uses_embedded_catalogue
    assert settings.redis_url is None
    assert settings.language == "id"


def test_generated_secrets_persist_in_the_instance_folder(tmp_path: Path) -> None:
    first = load_settings(environ=base_environ(tmp_path))
    second = load_settings(environ=base_environ(tmp_path))

    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(tmp_path: Path) -> None:
    environ = base_environ(tmp_path) | {
        "PPID_DATABASE_URL": "postgresql+psycopg://ppid@db/ppid",
        "PPID_STORAGE_URL": "s3://pemda-data/ppid",
        "PPID_S3_ENDPOINT_URL": "http://minio:9000",
        "PPID_CATALOGUE_URL": "https://data.example.go.id/",
        "PPID_REDIS_URL": "redis://127.0.0.1:6379/0",
        "PPID_SECRET_KEY": "s3cret",
    }
    settings = load_settings(environ=environ)

    assert settings.catalogue_url == "https://data.example.go.id"
    assert settings.storage_url == "s3://pemda-data/ppid"
    assert settings.secret_key == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("PPID_DATABASE_URL", "not a url", "PPID_DATABASE_URL"),
        ("PPID_DATABASE_URL", "mysql://root@localhost/ppid", "PPID_DATABASE_URL"),
        ("PPID_STORAGE_URL", "ftp://server/files", "PPID_STORAGE_URL"),
        ("PPID_STORAGE_URL", "s3://", "PPID_STORAGE_URL"),
        ("PPID_CATALOGUE_URL", "data.example.go.id", "PPID_CATALOGUE_URL"),
        ("PPID_REDIS_URL", "localhost:6379", "PPID_REDIS_URL"),
        ("PPID_LANGUAGE", "jv", "PPID_LANGUAGE"),
        ("PPID_CONFIG_DIR", "/nowhere/at/all", "PPID_CONFIG_DIR"),
    ],
)
def test_a_wrong_setting_is_named_in_one_sentence(tmp_path: Path, name: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=base_environ(tmp_path) | {name: value})

    message = str(caught.value)
    assert named in message
    assert "\n" not in message
    assert message.endswith(".")


def test_setting_errors_are_available_in_english(tmp_path: Path) -> None:
    with i18n.language("en"), pytest.raises(ConfigError) as caught:
        load_settings(environ=base_environ(tmp_path) | {"PPID_REDIS_URL": "localhost:6379"})

    assert "must be" in str(caught.value)


def test_withdrawn_datasets_are_made_private_unless_the_defaults_say_delete(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "dinas.yaml").write_text((REPO / "config" / "dinas.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    environ = base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)}

    (config / "defaults.yaml").write_text("catalogue:\n  withdrawn: delete\n", encoding="utf-8")
    assert load_settings(environ=environ).catalogue_withdrawn == "delete"
    (config / "defaults.yaml").write_text("catalogue:\n  withdrawn: hapus\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^catalogue.withdrawn di defaults.yaml .* private, delete\.$"):
        load_settings(environ=environ)
    assert load_settings(environ=base_environ(tmp_path)).catalogue_withdrawn == "private"


def test_catalogue_files_are_linked_unless_the_defaults_or_the_environment_say_upload(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "dinas.yaml").write_text((REPO / "config" / "dinas.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    environ = base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)}

    assert load_settings(environ=base_environ(tmp_path)).catalogue_files == "link"
    (config / "defaults.yaml").write_text("catalogue:\n  files: upload\n", encoding="utf-8")
    assert load_settings(environ=environ).catalogue_files == "upload"
    assert load_settings(environ=environ | {"PPID_CATALOGUE_FILES": "link"}).catalogue_files == "link"
    with pytest.raises(ConfigError, match=r"^PPID_CATALOGUE_FILES harus salah satu dari: link, upload\.$"):
        load_settings(environ=environ | {"PPID_CATALOGUE_FILES": "copy"})
    (config / "defaults.yaml").write_text("catalogue:\n  files: salin\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^catalogue.files di defaults.yaml .* link, upload\.$"):
        load_settings(environ=environ)
