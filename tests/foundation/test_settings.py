"""Settings: sensible embedded defaults, and one clear sentence for every wrong value."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from ppid import i18n
from ppid.config import ConfigError, load_settings
from ppid.documents.config import Limits
from ppid.pipeline.config import HarvestConfig, ValidationConfig
from ppid.uploader.config import UploaderConfig

REPO = Path(__file__).resolve().parents[2]
PPID = str(Path(sys.executable).parent / "ppid")


def base_environ(tmp_path: Path) -> dict[str, str]:
    return {"PPID_HOME": str(tmp_path / "instance"), "PPID_CONFIG_DIR": str(REPO / "config")}


def test_defaults_are_embedded_sqlite_local_storage_and_embedded_catalogue(tmp_path: Path) -> None:
    settings = load_settings(environ=base_environ(tmp_path))

    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'ppid.sqlite3'}"
    assert settings.storage_url == str(tmp_path / "instance" / "storage")
    assert settings.uses_embedded_catalogue
    assert settings.redis_url is None
    assert settings.language == "id"


def test_an_edited_defaults_file_is_read_again_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """defaults.yaml is kept as JSON in the user's cache by its content, not its size and time: a file written again
    within the same clock step with as many bytes is still read anew."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = tmp_path / "config"
    config.mkdir()
    environ = base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)}
    for language in ("id", "en", "id"):
        (config / "defaults.yaml").write_text(f"language: {language}\n", encoding="utf-8")
        assert load_settings(environ=environ).language == language
    assert list((tmp_path / "cache" / "ppid" / "settings").glob("defaults-*.json"))


def test_a_defaults_file_json_cannot_hold_is_read_as_yaml_every_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = tmp_path / "config"
    config.mkdir()
    (config / "defaults.yaml").write_text("language: id\ndibuat: 2024-01-31\n", encoding="utf-8")
    environ = base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)}

    for _ in range(2):
        assert load_settings(environ=environ).defaults["dibuat"] == date(2024, 1, 31)
    assert not (tmp_path / "cache" / "ppid" / "settings").exists()


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


# -- every section of defaults.yaml is typed and checked before any command starts --------------------------------

WRONG_SECTION_VALUES = [
    ("harvest:\n  withdraw_after_days: tiga\n", "harvest.withdraw_after_days"),
    ("harvest:\n  verify_every_runs: -1\n", "harvest.verify_every_runs"),
    ("harvest:\n  withdraw_after_dys: 3\n", "harvest.withdraw_after_dys"),
    ("harvest: [3]\n", "harvest"),
    ("uploader:\n  max_file_mb: 0\n", "uploader.max_file_mb"),
    ("uploader:\n  form_max_mb: dua ratus\n", "uploader.form_max_mb"),
    ("documents:\n  max_pages: banyak\n", "documents.max_pages"),
    ("validation:\n  limit_errors: -5\n", "validation.limit_errors"),
    ("catalogue:\n  file: upload\n", "catalogue.file"),
    ("catalogue: private\n", "catalogue"),
]


def config_with_defaults(tmp_path: Path, defaults_yaml: str) -> Path:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "dinas.yaml").write_text((REPO / "config" / "dinas.yaml").read_text(encoding="utf-8").replace(
        "../examples", str(REPO / "examples")), encoding="utf-8")
    (config / "defaults.yaml").write_text(defaults_yaml, encoding="utf-8")
    return config


def run_ppid(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ
    return subprocess.run([PPID, *args], env=env, capture_output=True, text=True, timeout=120, cwd=REPO)


@pytest.mark.parametrize(("defaults_yaml", "named"), WRONG_SECTION_VALUES, ids=[n for _y, n in WRONG_SECTION_VALUES])
def test_a_wrong_value_in_any_section_stops_the_harvest_before_it_starts_with_one_sentence(
    tmp_path: Path, defaults_yaml: str, named: str
) -> None:
    config = config_with_defaults(tmp_path, defaults_yaml)

    result = run_ppid("harvest", environ=base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)})

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert lines[0].endswith(".")
    assert not (tmp_path / "instance" / "storage").exists(), "nothing was harvested"


@pytest.mark.parametrize("command", [("db", "upgrade"), ("serve", "--port", "5999"), ("mail", "retry")])
def test_a_wrong_value_stops_every_other_command_too(tmp_path: Path, command: tuple[str, ...]) -> None:
    config = config_with_defaults(tmp_path, "uploader:\n  background_validation_from_mb: -1\n")

    result = run_ppid(*command, environ=base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)})

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "uploader.background_validation_from_mb" in result.stderr


def test_a_wrong_value_is_named_in_english_too(tmp_path: Path) -> None:
    config = config_with_defaults(tmp_path, "documents:\n  max_chars: 0\n")

    result = run_ppid("--lang", "en", "harvest", "--dry-run",
                      environ=base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)})

    assert result.returncode == 2
    assert "documents.max_chars" in result.stderr
    assert "must be a whole number of 1 or more" in result.stderr


def test_each_section_is_read_into_typed_values_with_defaults_for_what_is_left_out(tmp_path: Path) -> None:
    config = config_with_defaults(tmp_path, (
        "harvest: {withdraw_after_days: 0.5, verify_every_runs: 0, log_file: /var/log/ppid/panen.log}\n"
        "uploader: {form_max_mb: 20}\n"
        "documents: {max_pages: 10}\n"
        "validation: {limit_errors: 1000}\n"
    ))
    settings = load_settings(environ=base_environ(tmp_path) | {"PPID_CONFIG_DIR": str(config)})

    harvest = HarvestConfig.from_settings(settings)
    assert harvest.withdraw_after == timedelta(hours=12)
    assert harvest.verify_every_runs == 0
    assert harvest.log_file == Path("/var/log/ppid/panen.log")
    assert UploaderConfig.from_settings(settings).limits() == {
        "max_file_size": 10240 * 1024 * 1024, "form_max_size": 20 * 1024 * 1024, "background_from": 50 * 1024 * 1024,
    }
    assert Limits.from_settings(settings) == Limits(max_pages=10, max_chars=50_000)
    assert ValidationConfig.from_settings(settings).limit_errors == 1000


def test_the_shipped_defaults_are_the_typed_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ=base_environ(tmp_path))

    log_file = tmp_path / "instance" / "logs" / "harvest.log"
    assert HarvestConfig.from_settings(settings) == HarvestConfig(log_file=log_file)
    assert UploaderConfig.from_settings(settings) == UploaderConfig()
    assert Limits.from_settings(settings) == Limits()
    assert ValidationConfig.from_settings(settings) == ValidationConfig()
