"""Parity with frictionless: on every case, ppid reports the same (row, field, error type) triples as
``frictionless.validate(..., limit_errors=0)``, apart from the deliberate differences listed in
``compare.DIFFERENCES``, each with its reason. A mismatch not on that list fails with the first triples
each way."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppid.validation import InvalidSchemaError
from ppid.validation.reference import region_codes

from .cases import SCHEMAS, Case, all_cases
from .compare import DIFFERENCE_NAMES, DIFFERENCES, ENGINES, Comparison, NoHeaderError, compare

CASES = all_cases()
ERROR_TYPES = {"type-error", "constraint-error", "primary-key", "unique-error", "blank-row", "extra-cell",
               "missing-cell"}
_USED: dict[str, set[str]] = {}
"""Difference name → the cases that needed it (filled as the cases run)."""
_SEEN: set[str] = set()
"""Every frictionless error type some case produced."""
_RAN: list[str] = []


def _all_cases_ran() -> bool:
    return len(_RAN) == len(CASES) * len(ENGINES)


@pytest.fixture(scope="module")
def codes():  # type: ignore[no-untyped-def]
    return region_codes(SCHEMAS)


@pytest.mark.parametrize(("case", "engine"), [
    pytest.param(case, engine, id=case.id if engine is None else f"{case.id}-{engine}")
    for case in CASES for engine in ENGINES])
def test_findings_equal_frictionless(case: Case, engine: str | None, tmp_path: Path,
                                     codes) -> None:  # type: ignore[no-untyped-def]
    """Every engine, when ``validate_table`` lets the caller choose: the fallback must match frictionless too."""
    _RAN.append(case.id)
    path = case.write(tmp_path)
    refused = None
    try:
        comparison: Comparison = compare(path, case.schema, codes if case.region_codes else None, engine)
    except InvalidSchemaError as error:
        refused = f"ppid refuses a schema that frictionless accepts: {error}"
    except NoHeaderError as error:
        refused = f"frictionless reads rows that ppid does not: {error}"
    if refused is not None:
        pytest.fail(f"{case.id}: {refused}", pytrace=False)
    for name in comparison.used:
        _USED.setdefault(name, set()).add(case.id)
    _SEEN.update(kind for _, _, kind in comparison.frictionless.triples)
    if comparison.engine is not None:  # the report says which engine ran, and why when it is the fallback
        assert comparison.engine in ("kolom", "baris", "frictionless"), comparison.engine
        assert comparison.engine == "kolom" or comparison.engine_reason, f"{case.id}: fallback without a reason"
        assert engine != "frictionless" or comparison.engine == "frictionless", "the engine asked for did not run"
    if not comparison.equal:
        pytest.fail(f"{case.id}: findings differ from frictionless's\n{comparison.diff()}", pytrace=False)


def test_every_difference_has_a_reason_and_a_unique_name() -> None:
    assert len(DIFFERENCE_NAMES) == len(DIFFERENCES)
    for difference in DIFFERENCES:
        assert difference.reason.endswith("."), difference.name
        assert len(difference.reason) > 40, difference.name


def test_every_explaining_difference_is_needed_by_some_case() -> None:
    """A difference that explains triples but no case needs is either dead or hiding a case that went missing."""
    if not _all_cases_ran():
        pytest.skip("run together with every parity case")
    explaining = {d.name for d in DIFFERENCES if d.frictionless_only or d.ppid_only}
    assert explaining <= set(_USED), f"never needed: {sorted(explaining - set(_USED))}"


def test_the_cases_cover_every_row_error_type() -> None:
    if not _all_cases_ran():
        pytest.skip("run together with every parity case")
    assert ERROR_TYPES <= _SEEN, f"no case where frictionless reports {sorted(ERROR_TYPES - _SEEN)}"


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
