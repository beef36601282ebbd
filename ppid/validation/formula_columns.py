"""``ppid.row_constraints`` formulas translated into a polars expression that says where a formula *certainly*
holds, so that the rows of a million-row table need not each be evaluated in Python (``formulas.RowFormula``).

The translation is conservative, the same contract as ``columnar.py``: it yields True only where the
Python evaluation would give True, and null (unknown) wherever Python would raise, compare with
``None``, or where floating point could decide differently from ``Decimal``; those rows are evaluated
in Python. Numbers carry an error bound through the arithmetic, so ``a + b == c`` on decimals is
never trusted to floating point. A formula outside the translated subset returns None from
``vectorised`` and is evaluated per row.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

_EPSILON = 1e-15
"""Relative rounding error assumed per floating-point step (a double has ~1.1e-16)."""
_NUMERIC = {"int", "dec", "float"}


@dataclass
class Term:
    value: pl.Expr
    kind: str
    """int, dec (a Decimal in Python), float, str, date, bool or none (the constant None)."""
    error: pl.Expr | None = None
    """For dec and float: a bound on the distance between ``value`` and the exact Python value."""


class Untranslatable(Exception):
    pass


def vectorised(formula: str, columns: Mapping[str, tuple[pl.Expr, str]]) -> pl.Expr | None:
    """A Boolean expression true exactly where the formula certainly holds (null/false elsewhere), or None.

    ``columns`` maps a field name to its typed polars value and kind (int, dec, str, date, bool).
    """
    try:
        tree = ast.parse(formula, mode="eval")
        term = _Translator(columns).visit(tree.body)
    except (SyntaxError, Untranslatable, RecursionError):
        return None
    if term.kind != "bool":
        return None
    return term.value.fill_null(False)


class _Translator:
    def __init__(self, columns: Mapping[str, tuple[pl.Expr, str]]) -> None:
        self.columns = columns

    def visit(self, node: ast.AST) -> Term:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Untranslatable(type(node).__name__)
        return method(node)

    def _Name(self, node: ast.Name) -> Term:
        if node.id not in self.columns:
            raise Untranslatable(node.id)
        value, kind = self.columns[node.id]
        if kind == "dec":
            return Term(value, kind, value.abs() * _EPSILON)
        if kind not in ("int", "str", "date", "bool"):
            raise Untranslatable(kind)
        return Term(value, kind)

    def _Constant(self, node: ast.Constant) -> Term:
        value = node.value
        if value is None:
            return Term(pl.lit(None), "none")
        if isinstance(value, bool):
            return Term(pl.lit(value), "bool")
        if isinstance(value, int):
            return Term(pl.lit(value, dtype=pl.Int64), "int")
        if isinstance(value, float):
            return Term(pl.lit(value), "float", pl.lit(0.0))
        if isinstance(value, str):
            return Term(pl.lit(value), "str")
        raise Untranslatable(repr(value))

    def _UnaryOp(self, node: ast.UnaryOp) -> Term:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not) and operand.kind == "bool":
            return Term(~operand.value, "bool")
        if isinstance(node.op, ast.USub | ast.UAdd) and operand.kind in _NUMERIC:
            value = -operand.value if isinstance(node.op, ast.USub) else operand.value
            return Term(value, operand.kind, operand.error)
        raise Untranslatable("unary")

    def _BinOp(self, node: ast.BinOp) -> Term:
        left, right = self.visit(node.left), self.visit(node.right)
        op = node.op
        if left.kind == right.kind == "str" and isinstance(op, ast.Add):
            return Term(left.value + right.value, "str")
        if left.kind not in _NUMERIC or right.kind not in _NUMERIC:
            raise Untranslatable("operands")
        kinds = {left.kind, right.kind}
        if kinds == {"dec", "float"}:
            raise Untranslatable("Decimal and float do not mix in Python")
        if kinds == {"int"} and not isinstance(op, ast.Div):
            if isinstance(op, ast.Add):
                return Term(left.value + right.value, "int")
            if isinstance(op, ast.Sub):
                return Term(left.value - right.value, "int")
            if isinstance(op, ast.Mult):
                return Term(left.value * right.value, "int")
            raise Untranslatable("int operator")
        kind = "dec" if "dec" in kinds else "float"
        a, b = left.value.cast(pl.Float64), right.value.cast(pl.Float64)
        ea, eb = _error(left), _error(right)
        if isinstance(op, ast.Add):
            value = a + b
            error = ea + eb
        elif isinstance(op, ast.Sub):
            value = a - b
            error = ea + eb
        elif isinstance(op, ast.Mult):
            value = a * b
            error = a.abs() * eb + b.abs() * ea + ea * eb
        elif isinstance(op, ast.Div):
            safe = b.abs() > eb
            value = pl.when(safe & (b != 0)).then(a / b)
            error = pl.when(safe & (b != 0)).then((ea + (a / b).abs() * eb) / (b.abs() - eb))
        else:
            raise Untranslatable("operator")
        return Term(value, kind, error + value.abs() * _EPSILON)

    def _Subscript(self, node: ast.Subscript) -> Term:
        target = self.visit(node.value)
        piece = node.slice
        if target.kind != "str" or not isinstance(piece, ast.Slice) or piece.step is not None:
            raise Untranslatable("subscript")
        lower = _bound(piece.lower, 0)
        upper = _bound(piece.upper, None)
        length = None if upper is None else max(0, upper - lower)
        return Term(target.value.str.slice(lower, length), "str")

    def _BoolOp(self, node: ast.BoolOp) -> Term:
        terms = [self.visit(value) for value in node.values]
        if any(term.kind != "bool" for term in terms):
            raise Untranslatable("truthiness")
        result = terms[-1].value
        for term in reversed(terms[:-1]):
            if isinstance(node.op, ast.Or):
                result = pl.when(term.value.eq_missing(True)).then(True).when(
                    term.value.eq_missing(False)).then(result)
            else:
                result = pl.when(term.value.eq_missing(False)).then(False).when(
                    term.value.eq_missing(True)).then(result)
        return Term(result, "bool")

    def _Compare(self, node: ast.Compare) -> Term:
        operands = [self.visit(node.left), *(self.visit(item) for item in node.comparators)]
        parts = [_compare(op, left, right) for op, left, right in zip(node.ops, operands, operands[1:], strict=False)]
        result = parts[-1]
        for part in reversed(parts[:-1]):
            result = pl.when(part.eq_missing(False)).then(False).when(part.eq_missing(True)).then(result)
        return Term(result, "bool")


def _bound(node: ast.expr | None, default: int | None) -> int | None:
    if node is None:
        return default
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value >= 0:
        return node.value
    raise Untranslatable("slice bound")


def _error(term: Term) -> pl.Expr:
    return term.error if term.error is not None else pl.lit(0.0)


def _compare(op: ast.cmpop, left: Term, right: Term) -> pl.Expr:
    if "none" in (left.kind, right.kind):
        other = right if left.kind == "none" else left
        if isinstance(op, ast.Is | ast.Eq):
            return other.value.is_null() if other.kind != "none" else pl.lit(True)
        if isinstance(op, ast.IsNot | ast.NotEq):
            return other.value.is_not_null() if other.kind != "none" else pl.lit(False)
        return pl.lit(None, dtype=pl.Boolean)
    if isinstance(op, ast.Is | ast.IsNot | ast.In | ast.NotIn):
        raise Untranslatable("identity or membership")
    numeric = left.kind in _NUMERIC and right.kind in _NUMERIC
    if "bool" in (left.kind, right.kind) and (left.kind in _NUMERIC or right.kind in _NUMERIC):
        raise Untranslatable("True == 1 in Python")
    if not numeric and left.kind != right.kind:
        if isinstance(op, ast.Eq | ast.NotEq):
            return pl.when(left.value.is_not_null() & right.value.is_not_null()).then(
                pl.lit(isinstance(op, ast.NotEq)))
        return pl.lit(None, dtype=pl.Boolean)
    if numeric and (left.kind != "int" or right.kind != "int"):
        a, b = left.value.cast(pl.Float64), right.value.cast(pl.Float64)
        margin = 4 * (_error(left) + _error(right) + (a.abs() + b.abs()) * _EPSILON) + 1e-300
        below, above = a < b - margin, a > b + margin
        if isinstance(op, ast.Lt | ast.LtE):
            return pl.when(below).then(True).when(above).then(False)
        if isinstance(op, ast.Gt | ast.GtE):
            return pl.when(above).then(True).when(below).then(False)
        if isinstance(op, ast.Eq):
            return pl.when(below | above).then(False)
        return pl.when(below | above).then(True)
    a, b = left.value, right.value
    operators = {ast.Eq: a == b, ast.NotEq: a != b, ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b}
    return operators[type(op)]
