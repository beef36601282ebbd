"""The report as stored JSON, in another language, and as the rows-to-fix CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from ppid import i18n
from ppid.i18n import language
from ppid.validation import ValidationReport, validate_table, write_rows_to_fix
from ppid.validation.render import render_text

from .helpers import HEADER, valid_rows

FLOAT_YEAR = ("kolom `%(kolom)s`: %(jumlah)s baris berisi angka desimal seperti `%(contoh)s`; seharusnya "
              "bilangan bulat.")


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An English catalogue with one message, standing in for the coordinator's .po file."""
    catalog = Catalog(locale="en")
    catalog.add((FLOAT_YEAR, FLOAT_YEAR), (
        "column `%(kolom)s`: %(jumlah)s row contains a decimal number like `%(contoh)s`; it should be a whole number.",
        "column `%(kolom)s`: %(jumlah)s rows contain a decimal number like `%(contoh)s`; it should be a whole number.",
    ))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    translations = Translations(compiled)
    original = i18n.translations_for
    monkeypatch.setattr(i18n, "translations_for", lambda lang: translations if lang == "en" else original(lang))
    yield


def _float_years(write_csv: Callable[..., Path], count: int) -> Path:
    rows = valid_rows(count + 1)
    for row in rows[:count]:
        row[0] = "2019.0"
    return write_csv(rows)


def test_report_switches_to_english(english: None, write_csv: Callable[..., Path], schema: dict[str, Any]) -> None:
    with validate_table(_float_years(write_csv, 1204), schema) as result:
        problem = result.report.tables[0].problems[0]
        assert problem.message.startswith("kolom `tahun`: 1.204 baris")
        with language("en"):
            assert problem.message == ("column `tahun`: 1,204 rows contain a decimal number like `2019.0`; it should "
                                       "be a whole number.")
            stored = result.report.to_dict()
    assert stored["tables"][0]["problems"][0]["message"].startswith("column `tahun`: 1,204 rows")
    restored = ValidationReport.from_dict(json.loads(json.dumps(stored)))
    assert restored.tables[0].problems[0].message.startswith("kolom `tahun`: 1.204 baris")
    with language("en"):
        assert restored.tables[0].problems[0].message.startswith("column `tahun`: 1,204 rows")


def test_singular_in_english(english: None, write_csv: Callable[..., Path], schema: dict[str, Any]) -> None:
    with validate_table(_float_years(write_csv, 1), schema) as result, language("en"):
        assert result.report.tables[0].problems[0].message.startswith("column `tahun`: 1 row contains")


def test_report_round_trips_through_json(write_csv: Callable[..., Path], schema: dict[str, Any]) -> None:
    rows = valid_rows(6)
    rows[0][3], rows[1][4], rows[5] = "X", "2.500", list(rows[4])
    with validate_table(write_csv(rows, delimiter=";"), schema) as result:
        stored = result.report.to_dict()
    text = json.dumps(stored)
    assert ValidationReport.from_dict(json.loads(text)).to_dict() == stored
    assert stored["valid"] is False and stored["error_count"] == 3
    assert stored["summary"].startswith("Data tidak sesuai skema: 3 kesalahan.")
    enum = stored["tables"][0]["problems"][0]
    assert enum["code"] == "enum" and enum["examples"] == [
        {"row": 2, "column": "jenis_kelamin", "value": "X", "related_row": None}]
    assert "`L`, `P`" in enum["message"] and enum["hint"]


def test_rows_to_fix_csv(tmp_path: Path, schema: dict[str, Any]) -> None:
    rows = valid_rows(5)
    rows[0][2] = '=HYPERLINK("http://contoh.invalid","klik")'
    rows[0][3] = "=1+1"
    rows[1][2], rows[1][4] = "+62 812", "-5"
    rows[2] = [*rows[1][:2], "@SUM(A1)", rows[1][3], "abc"]  # repeats row 3's key, and a bad number
    rows[3][2], rows[3][3] = "\tTab", "\rX"
    source = tmp_path / "sumber.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, delimiter=";").writerows([HEADER, *rows])
    target = tmp_path / "perbaiki.csv"
    with validate_table(source, schema) as result:
        assert write_rows_to_fix(result, target) == 4
    with target.open(encoding="utf-8-sig", newline="") as stream:
        written = list(csv.reader(stream, delimiter=";"))
    assert written[0] == ["baris", *HEADER, "masalah"]
    assert [line[0] for line in written[1:]] == ["2", "3", "4", "5"]
    assert written[1][3:5] == ["'=HYPERLINK(\"http://contoh.invalid\",\"klik\")", "'=1+1"]
    assert written[2][3] == "'+62 812" and written[2][5] == "'-5"
    assert written[3][3] == "'@SUM(A1)"
    assert written[4][3:5] == ["'\tTab", "'\rX"]
    assert "`jenis_kelamin` berisi `=1+1`, bukan nilai yang diizinkan" in written[1][-1]
    assert "`jumlah` berisi `abc`, seharusnya bilangan bulat" in written[3][-1]
    assert "sama dengan baris 3" in written[3][-1]


def test_rows_to_fix_for_a_zip_names_the_member(tmp_path: Path, schema: dict[str, Any]) -> None:
    import zipfile

    bad = valid_rows(2)
    bad[1][3] = "X"
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, rows in (("a.csv", valid_rows(2)), ("b.csv", bad)):
            zipped.writestr(name, "".join(",".join(row) + "\n" for row in [HEADER, *rows]))
    target = tmp_path / "perbaiki.csv"
    with validate_table(archive, schema) as result:
        write_rows_to_fix(result, target)
    lines = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert lines[0][:2] == ["berkas", "baris"]
    assert lines[1][:2] == ["data.zip/b.csv", "3"]


def test_text_rendering(write_csv: Callable[..., Path], schema: dict[str, Any]) -> None:
    with validate_table(_float_years(write_csv, 30), schema) as result:
        text = render_text(result.report)
    assert "✗ kolom `tahun`: 30 baris" in text
    assert "Cara memperbaiki: Format kolom sebagai angka tanpa desimal" in text
    assert "Baris: 2–31" in text


def test_numbers_in_messages_are_written_as_babel_writes_them_in_both_languages() -> None:
    """``causes.number`` writes what Babel's ``format_decimal`` writes for ``id_ID`` and ``en_US`` (grouping, at most
    three decimals rounded half to even, signs, NaN and infinity), and leaves alone what Babel cannot format."""
    import random
    from decimal import Decimal, InvalidOperation

    from babel.numbers import format_decimal

    from ppid.validation.causes import number

    rng = random.Random(13)
    values: list[Any] = ["0", "-0", "1234567", "-1234.5", "0.0005", "0.0015", "0.0025", "1e-7", "-0.0001", "1E+25",
                         "999.9995", "NaN", "Infinity", "-Infinity", "1000.10", "abc", "", 0, -7, 2.675, 1e20, True,
                         None, 0.1 + 0.2, "9" * 27, Decimal("1.5")]
    values += [rng.randint(-10**12, 10**12) for _ in range(300)] + [rng.uniform(-1e6, 1e6) for _ in range(300)]
    values += [Decimal(rng.randint(-10**9, 10**9)) / Decimal(10 ** rng.randint(0, 8)) for _ in range(300)]
    for lang, locale in (("id", "id_ID"), ("en", "en_US")):
        with language(lang):
            for value in values:
                try:
                    expected = str(value) if isinstance(value, bool) else format_decimal(Decimal(str(value)),
                                                                                         locale=locale)
                except (InvalidOperation, ValueError):
                    expected = str(value)
                assert number(value) == expected, (lang, value)
