"""``ppid.row_constraints`` formulas, evaluated per row as frictionless's ``row_constraint`` check does
(simpleeval, Python values). ``formula_columns.py`` translates them for the columnar engine.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

import simpleeval


class RowFormula:
    """A formula parsed once (re-parsing and a new evaluator per row took a third of validation time)."""

    def __init__(self, formula: str) -> None:
        self.formula = formula
        self._evaluator = simpleeval.EvalWithCompoundTypes()
        self._parsed = self._evaluator.parse(formula)

    def holds(self, row: Mapping[str, Any]) -> bool:
        self._evaluator.names = row
        try:
            return bool(self._evaluator.eval(self.formula, previously_parsed=self._parsed))
        except Exception:  # any failure to evaluate counts as a broken rule, as in frictionless
            return False


def formula_names(formula: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(formula, mode="eval")) if isinstance(node, ast.Name)}
    except SyntaxError:
        return set()
