"""A progress bar while a long validation runs: rows read, rows/s and errors so far, on a terminal only.

The bar is drawn on stderr once the validation has taken ``SHOW_AFTER`` seconds (1 s), so the terminal tests
set it to 0 instead of depending on how fast the engine is on this machine; everything else is the real
command, the real engine and a real pseudo-terminal.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from ppid.terminal import ValidationBar
from ppid.validation import validate_table
from ppid.validation.progress import ValidationProgress

from .helpers import HEADER, PENDUDUK

REPO = Path(__file__).resolve().parents[2]
ROWS = 30_000  # three progress calls from the engine (every 10,000 rows) before the end


@pytest.fixture
def big_file(tmp_path: Path) -> tuple[Path, Path]:
    """A 30,000-row table with one wrong sex code every 1,000 rows, and its schema as a file."""
    rows = [[str(2000 + index % 100), f"32{index % 9000 + 1000:04d}", f"Kecamatan {index}",
             "X" if index % 1000 == 0 else "LP"[index % 2], str(index)] for index in range(ROWS)]
    table = tmp_path / "penduduk.csv"
    table.write_text("\n".join(",".join(row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")
    fields = [{key: value for key, value in spec.items() if key != "ppid"} for spec in PENDUDUK["fields"]]
    schema = tmp_path / "skema.json"  # without the region list: the made-up codes are not the point here
    schema.write_text(json.dumps({**PENDUDUK, "fields": fields, "primaryKey": []}), encoding="utf-8")
    return table, schema


def run_ppid(args: list[str], *, tmp_path: Path, show_after: float | None, stderr_tty: bool,
             ) -> tuple[int, str, str]:
    """``ppid *args`` in a fresh interpreter, stderr on a pseudo-terminal or a pipe; (exit code, stdout, stderr)."""
    setup = f"import ppid.terminal\nppid.terminal.SHOW_AFTER = {show_after!r}\n" if show_after is not None else ""
    probe = f"{setup}from ppid.cli import main\nmain({args!r})\n"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | {
        "PPID_HOME": str(tmp_path / "instance"), "PPID_CONFIG_DIR": str(REPO / "config"),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"), "TERM": "xterm-256color", "COLUMNS": "120"}
    if not stderr_tty:
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = os.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-c", probe], env=env, stdout=subprocess.PIPE, stderr=slave,
                                   stdin=subprocess.DEVNULL)
        os.close(slave)
        stdout = process.communicate(timeout=300)[0].decode("utf-8")
        terminal = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal is closed once the child and its copies of the slave are gone
                break
            if not chunk:
                break
            terminal += chunk
        return process.returncode, stdout, terminal.decode("utf-8", "replace")
    finally:
        os.close(master)


def test_a_long_validation_shows_rows_speed_and_errors_on_the_terminal(big_file: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    table, schema = big_file

    code, stdout, terminal = run_ppid(["validate", str(table), "--schema", str(schema), "--format", "json"],
                                      tmp_path=tmp_path, show_after=0, stderr_tty=True)

    assert code == 1, stdout + terminal
    assert "penduduk.csv" in terminal
    assert "10.000 baris" in terminal or "20.000 baris" in terminal or "30.000 baris" in terminal, terminal
    assert "baris/dtk" in terminal and "kesalahan" in terminal
    report = json.loads(stdout)  # stdout is the report alone: the bar never goes there
    assert report["error_count"] == ROWS // 1000
    assert "\x1b" not in stdout


def test_no_bar_when_stderr_is_not_a_terminal(big_file: tuple[Path, Path], tmp_path: Path) -> None:
    """CI logs, pipes and cron mails get the report only."""
    table, schema = big_file

    code, stdout, stderr = run_ppid(["validate", str(table), "--schema", str(schema)], tmp_path=tmp_path,
                                    show_after=0, stderr_tty=False)

    assert code == 1
    assert stderr == ""
    assert "baris/dtk" not in stdout and "\x1b" not in stdout


def test_a_quick_validation_shows_no_bar(tmp_path: Path) -> None:
    """Under a second, nothing flashes by: the report is all the terminal shows."""
    population = REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv"

    code, stdout, terminal = run_ppid(["validate", str(population), "--schema", "jumlah_penduduk"],
                                      tmp_path=tmp_path, show_after=None, stderr_tty=True)

    assert code == 0, stdout + terminal
    assert terminal.strip() == ""


# -- ValidationBar fed by the real engine, drawn on a forced terminal ------------------------------------------


def forced_terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=120, color_system=None), screen


def test_the_bar_follows_the_engine_to_the_last_row(big_file: tuple[Path, Path]) -> None:
    table, schema = big_file
    console, screen = forced_terminal()
    seen: list[ValidationProgress] = []

    with ValidationBar(console, show_after=0) as bar:
        def follow(event: ValidationProgress) -> None:
            seen.append(event)
            bar.update(event)

        with validate_table(table, json.loads(schema.read_text()), progress=follow) as result:
            shown = bar.shown

    assert shown
    assert seen[-1].done and seen[-1].rows == ROWS == result.report.tables[0].rows_checked
    assert "30.000 baris" in screen.getvalue() and "30 kesalahan" in screen.getvalue()


def test_the_bar_appears_on_time_even_between_two_engine_calls() -> None:
    """A slow reader (a big workbook) may call back rarely: the bar shows after SHOW_AFTER all the same."""
    console, screen = forced_terminal()

    with ValidationBar(console, show_after=0.05) as bar:
        bar.update(ValidationProgress(table="lambat.xlsx", rows=0, errors=0))
        assert not bar.shown
        deadline = time.monotonic() + 5
        while not bar.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bar.shown

    assert "lambat.xlsx" in screen.getvalue()


def test_the_bar_stays_silent_off_a_terminal() -> None:
    bar = ValidationBar(stream=io.StringIO(), show_after=0)

    with bar:
        bar.update(ValidationProgress(table="data.csv", rows=10_000, errors=3))

    assert not bar.enabled and not bar.shown
