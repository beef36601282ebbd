"""Grouping problems while rows stream past: a count, the first examples and compact row ranges
per (cause, column), so a million bad cells cost a few kilobytes instead of a million objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ppid.validation.causes import CAUSES
from ppid.validation.report import Example, Problem

MAX_EXAMPLES = 5
MAX_ROW_RANGES = 200


class ProblemCollector:
    def __init__(self, max_examples: int = MAX_EXAMPLES, max_row_ranges: int = MAX_ROW_RANGES) -> None:
        self._groups: dict[tuple[str, str | None], Problem] = {}
        self.max_examples = max_examples
        self._max_row_ranges = max_row_ranges
        self.error_count = 0
        """Sum of the counts of error (not warning) groups: what ``limit_errors`` is compared with."""

    def add(
        self,
        code: str,
        column: str | None = None,
        *,
        row: int | None = None,
        value: str | None = None,
        related_row: int | None = None,
        params: Mapping[str, Any] | None = None,
        count: int = 1,
    ) -> Problem:
        """Count one occurrence; ``params`` of the first occurrence describe the whole group."""
        problem = self._groups.get((code, column))
        if problem is None:
            problem = Problem(code=code, column=column, params=dict(params or {}))
            if value is not None:
                problem.params.setdefault("example", value)
            self._groups[(code, column)] = problem
        problem.count += count
        if CAUSES[code].severity == "error":
            self.error_count += count
        if row is not None:
            if len(problem.examples) < self.max_examples:
                problem.examples.append(Example(row=row, column=column, value=value, related_row=related_row))
            self._add_row(problem, row)
        return problem

    def add_bulk(self, code: str, column: str | None, *, count: int, runs: Sequence[tuple[int, int]],
                 examples: list[tuple[int, str | None]], params: Mapping[str, Any]) -> None:
        """Count ``count`` occurrences at once, as ``add`` would one by one: ``runs`` the (first, last) row of each run
        of consecutive rows, ascending (found in columns: a column of bad codes sends every row of the table here),
        ``examples`` the first (row, value) pairs, ``params`` of the first occurrence."""
        problem = self._groups.get((code, column))
        if problem is None:
            problem = Problem(code=code, column=column, params=dict(params))
            if examples and examples[0][1] is not None:
                problem.params.setdefault("example", examples[0][1])
            self._groups[(code, column)] = problem
        problem.count += count
        if CAUSES[code].severity == "error":
            self.error_count += count
        for row, value in examples[:self.max_examples - len(problem.examples)]:
            problem.examples.append(Example(row=row, column=column, value=value))
        ranges = problem.rows
        for first, last in runs:  # each run as _add_row would take its rows
            if ranges and ranges[-1][0] <= first <= ranges[-1][1] + 1:
                ranges[-1][1] = max(ranges[-1][1], last)
            elif len(ranges) < self._max_row_ranges:
                ranges.append([first, last])
            else:  # runs ascend: no later run fits either
                problem.more_rows = True
                break

    def _add_row(self, problem: Problem, row: int) -> None:
        ranges = problem.rows
        if ranges and ranges[-1][0] <= row <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], row)
        elif len(ranges) < self._max_row_ranges:
            ranges.append([row, row])
        else:
            problem.more_rows = True

    def problems(self) -> list[Problem]:
        """Errors before warnings, each in the order first met (file, layout, header, then rows)."""
        groups = list(self._groups.values())
        return [p for p in groups if p.severity == "error"] + [p for p in groups if p.severity != "error"]
