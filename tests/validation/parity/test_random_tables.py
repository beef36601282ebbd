"""Parity on random tables (``random_tables.py``): on every seeded CSV and workbook, each engine reports the same
(row, field, error type) triples as frictionless, apart from the listed deliberate differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from .compare import ENGINES, compare
from .random_tables import random_table

CSV_SEEDS = range(0, 100)
WORKBOOK_SEEDS = range(1000, 1040)
OWN_ENGINES = [engine for engine in ENGINES if engine != "frictionless"]


@pytest.mark.parametrize("engine", OWN_ENGINES)
@pytest.mark.parametrize(("seed", "workbook"), [*((seed, False) for seed in CSV_SEEDS),
                                                *((seed, True) for seed in WORKBOOK_SEEDS)])
def test_a_random_table_gets_frictionless_findings(seed: int, workbook: bool, engine: str | None,
                                                   tmp_path: Path) -> None:
    schema, data = random_table(seed, workbook=workbook)
    path = tmp_path / ("tabel.xlsx" if workbook else "tabel.csv")
    path.write_bytes(data)
    comparison = compare(path, schema, None, engine)

    assert comparison.equal, f"seed {seed}: {schema}\n{comparison.diff()}"
