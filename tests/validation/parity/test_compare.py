"""The comparator itself: a difference is only forgiven when a listed, deliberate difference explains it."""

from __future__ import annotations

from typing import Any

from .compare import PPID_TO_FRICTIONLESS, Side, Situation, Triple, explain

SCHEMA: dict[str, Any] = {
    "fields": [{"name": "kode", "type": "string"}, {"name": "tahun", "type": "integer"}],
    "primaryKey": ["kode", "tahun"],
}
ROWS = {2: ["3201", "2023"], 3: ["3201", "2023"], 4: ["", "2023"], 5: ["", "2023"], 6: [], 7: ["JUMLAH", "x"]}


def side(*triples: Triple, codes: dict[Triple, set[str]] | None = None) -> Side:
    result = Side(triples=set(triples))
    for triple in triples:
        result.codes[triple] = (codes or {}).get(triple, {triple[2]})
    return result


def situation(ppid: Side, frictionless: Side, rows: dict[int, list[Any]] = ROWS) -> Situation:
    return Situation(SCHEMA, ppid, frictionless, rows, ["kode", "tahun"], workbook=False)


def test_the_same_findings_are_equal() -> None:
    both = [(2, "tahun", "type-error"), (3, None, "primary-key")]
    assert explain(situation(side(*both), side(*both))).equal


def test_a_cell_error_only_frictionless_finds_is_a_mismatch_shown_in_the_diff() -> None:
    comparison = explain(situation(side(), side((3, "tahun", "type-error"))))
    assert not comparison.equal
    assert comparison.frictionless_only == [(3, "tahun", "type-error")]
    assert "row     3  tahun" in comparison.diff()


def test_a_finding_only_ppid_reports_is_a_mismatch() -> None:
    comparison = explain(situation(side((2, "kode", "constraint-error")), side()))
    assert comparison.ppid_only == [(2, "kode", "constraint-error")]


def test_a_finding_ppid_reports_twice_is_a_mismatch() -> None:
    ours = side((2, "kode", "constraint-error"))
    ours.repeated.append((2, "kode", "pattern"))
    assert not explain(situation(ours, side((2, "kode", "constraint-error")))).equal


def test_a_duplicate_key_with_an_empty_part_is_a_deliberate_difference() -> None:
    comparison = explain(situation(side(), side((5, None, "primary-key"))))
    assert comparison.equal
    assert comparison.used == {"key-with-bad-part": [(5, None, "primary-key")]}


def test_a_duplicate_key_of_whole_valid_cells_must_be_reported() -> None:
    comparison = explain(situation(side(), side((3, None, "primary-key"))))
    assert comparison.frictionless_only == [(3, None, "primary-key")]


def test_a_repeat_in_a_unique_column_is_forgiven_only_when_the_cell_has_its_own_error() -> None:
    repeat = (3, "tahun", "unique-error")
    assert explain(situation(side(), side(repeat))).frictionless_only == [repeat]
    broken = (3, "tahun", "type-error")
    assert explain(situation(side(broken), side(repeat, broken))).equal


def test_a_total_row_replaces_the_errors_of_its_row_only() -> None:
    theirs = side((7, "tahun", "type-error"), (3, "tahun", "type-error"))
    comparison = explain(situation(side((7, None, "total-row")), theirs))
    assert comparison.frictionless_only == [(3, "tahun", "type-error")]
    assert comparison.used == {"total-row": [(7, "tahun", "type-error"), (7, None, "total-row")]}


def test_a_blank_row_before_data_must_be_reported_and_one_after_the_data_need_not() -> None:
    rows = {2: ["3201", "2023"], 3: [], 4: ["3202", "2023"], 5: []}
    comparison = explain(situation(side(), side((3, None, "blank-row"), (5, None, "blank-row")), rows))
    assert comparison.frictionless_only == [(3, None, "blank-row")]
    assert comparison.used == {"trailing-blank-rows": [(5, None, "blank-row")]}


def test_the_platform_checks_are_forgiven_but_a_float_code_frictionless_also_finds_is_compared() -> None:
    unknown = (2, "kode", "unknown-code")
    comparison = explain(situation(side(unknown, codes={unknown: {"unknown-code"}}), side()))
    assert comparison.equal
    pattern = (2, "kode", "constraint-error")
    assert explain(situation(side(pattern, codes={pattern: {"float-code"}}), side(pattern))).used == {}


def test_every_cause_of_a_cell_or_row_maps_to_a_frictionless_error_type() -> None:
    kinds = set(PPID_TO_FRICTIONLESS.values())
    assert kinds == {"type-error", "constraint-error", "primary-key", "unique-error", "blank-row", "extra-cell",
                     "missing-cell"}
