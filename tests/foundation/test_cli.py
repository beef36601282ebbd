"""The ppid command: wrong settings end in one sentence and exit code 2, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PPID = [str(Path(sys.executable).parent / "ppid")]


def run_ppid(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | env
    return subprocess.run([*PPID, *args], env=full_env, capture_output=True, text=True, timeout=timeout, cwd=REPO)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_help_explains_every_command(environ: dict[str, str]) -> None:
    result = run_ppid("--help", env=environ)

    assert result.returncode == 0
    for command in ("harvest", "serve", "worker", "db", "user", "validate"):
        assert command in result.stdout


def test_help_is_in_bahasa_indonesia_by_default(environ: dict[str, str]) -> None:
    result = run_ppid("--help", env=environ)

    assert result.stdout.startswith("Cara pakai: ppid [PILIHAN] PERINTAH [ARGUMEN]...")
    assert "Pilihan:" in result.stdout and "Perintah:" in result.stdout
    assert "Sajikan portal publik" in result.stdout  # serve's short help
    assert "Tampilkan bantuan ini lalu keluar." in result.stdout
    assert "Usage:" not in result.stdout and "Show this message" not in result.stdout


@pytest.mark.parametrize("command", [("harvest",), ("serve",), ("user", "create"), ("validate",)])
def test_every_subcommand_help_is_in_bahasa_indonesia_too(environ: dict[str, str], command: tuple[str, ...]) -> None:
    result = run_ppid(*command, "--help", env=environ)

    assert result.returncode == 0
    assert result.stdout.startswith(f"Cara pakai: ppid {' '.join(command)} [PILIHAN]")
    assert "Show this message" not in result.stdout


@pytest.mark.parametrize("how", ["--lang", "PPID_LANGUAGE", "defaults.yaml"])
def test_help_is_in_english_when_the_interface_language_is(environ: dict[str, str], tmp_path: Path, how: str) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "defaults.yaml").write_text("language: en\n", encoding="utf-8")
    args, env = {
        "--lang": (("--lang", "en", "serve", "--help"), environ),
        "PPID_LANGUAGE": (("serve", "--help"), environ | {"PPID_LANGUAGE": "en"}),
        "defaults.yaml": (("serve", "--help"), environ | {"PPID_CONFIG_DIR": str(config)}),
    }[how]

    result = run_ppid(*args, env=env)

    assert result.stdout.startswith("Usage: ppid serve [OPTIONS]")
    assert "Serve the public portal" in result.stdout and "Port to listen on (1-65535)." in result.stdout


def test_help_loads_neither_the_database_layer_nor_the_web_app(environ: dict[str, str]) -> None:
    """`ppid --help` answers at once: nothing heavier than click and the translations is imported for it."""
    probe = (
        "import sys\n"
        "from ppid.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'sqlalchemy', 'alembic', 'flask', 'boto3'}\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m in {'ppid.platform', 'ppid.db', 'ppid.app'}))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ

    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
                            cwd=REPO)

    assert "LOADED []" in result.stdout, result.stdout + result.stderr


def test_bad_database_url_is_one_sentence(environ: dict[str, str]) -> None:
    env = environ | {"PPID_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/ppid"}

    assert_one_sentence(run_ppid("db", "upgrade", env=env), "PPID_DATABASE_URL")


def test_malformed_database_url_is_one_sentence(environ: dict[str, str]) -> None:
    assert_one_sentence(run_ppid("db", "upgrade", env=environ | {"PPID_DATABASE_URL": "::::"}), "PPID_DATABASE_URL")


def test_unreachable_s3_endpoint_is_one_sentence(environ: dict[str, str]) -> None:
    env = environ | {
        "PPID_STORAGE_URL": "s3://ppid-data/berkas",
        "PPID_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    assert_one_sentence(run_ppid("harvest", env=env), "S3", "PPID_S3_ENDPOINT_URL")


def test_malformed_registry_is_one_sentence(environ: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "dinas.yaml").write_text(
        "dinas:\n  - slug: dinsos\n    name: Dinas Sosial\n    ppid: {name: PPID}\n", encoding="utf-8"
    )

    result = run_ppid("harvest", env=environ | {"PPID_CONFIG_DIR": str(config)})

    assert_one_sentence(result, "dinas[0] (dinsos) › ppid › email")


@pytest.mark.parametrize("language", ["id", "en"])
def test_user_create_then_duplicate_is_refused(environ: dict[str, str], language: str) -> None:
    env = environ | {"PPID_NEW_PASSWORD": "kata-sandi-panjang", "PPID_LANGUAGE": language}
    args = ("user", "create", "admin", "--email", "admin@contoh.go.id", "--name", "Admin", "--role", "admin")

    first = run_ppid(*args, env=env)
    second = run_ppid(*args, env=env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 2  # the command is wrong (the name is taken), not the data
    assert "Traceback" not in second.stderr and "Error:" not in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1


def test_user_create_rejects_an_unknown_dinas(environ: dict[str, str]) -> None:
    env = environ | {"PPID_NEW_PASSWORD": "kata-sandi-panjang"}

    result = run_ppid(
        "user",
        "create",
        "budi",
        "--email",
        "budi@contoh.go.id",
        "--name",
        "Budi",
        "--role",
        "petugas:dinas-tidak-ada",
        env=env,
    )

    assert result.returncode == 2
    assert "dinas-tidak-ada" in result.stderr


def test_a_fault_no_command_foresaw_is_one_sentence_and_its_traceback_goes_to_the_log(tmp_path: Path) -> None:
    """Whatever goes wrong inside a command (here a command that divides by zero, added for the test): the terminal
    gets one sentence naming the log, the log gets the traceback, and the exit code is 2, never a traceback."""
    import click
    from click.testing import CliRunner

    from ppid.cli import main

    @click.command("meledak")
    def explodes() -> None:
        1 / 0  # noqa: B018

    main.add_command(explodes)
    try:
        result = CliRunner().invoke(main, ["meledak"], env={"PPID_HOME": str(tmp_path), "PPID_LANGUAGE": "id"})
    finally:
        main.commands.pop("meledak")

    log = tmp_path / "logs" / "ppid.log"
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ppid berhenti karena kesalahan di dalam ppid; rinciannya ditulis di {log}."
    assert "Traceback" not in result.output
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
