"""Registration numbers (nomor pendaftaran, UU KIP Pasal 22(4)-(5); objections too) and secret tracking links.

A number is unique, sequential per year and never reused. The counter is one row per (kind, year,
scope), incremented by a single ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: on PostgreSQL the
row stays locked until the filing transaction commits (the same guarantee as ``SELECT ... FOR UPDATE``,
without a race on the year's first number); on SQLite the write lock serialises writers. A filing that
rolls back gives its number back unissued, so the sequence has no gaps and no repeats.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ppid.permohonan.config import UNROUTED_CODE, PermohonanConfig
from ppid.permohonan.holiday_table import STAMP
from ppid.permohonan.models import RegistrationCounter

REGION_SCOPE = "*"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _increment(insert: Any, *also: Any) -> Any:
    counters = RegistrationCounter.__table__
    return (
        insert(counters)
        .values(kind=bindparam("kind"), year=bindparam("year"), scope=bindparam("scope"), value=1)
        .on_conflict_do_update(index_elements=["kind", "year", "scope"], set_={"value": counters.c.value + 1})
        .returning(counters.c.value, *also)
    )


_INCREMENT = {"postgresql": _increment(postgresql.insert), "sqlite": _increment(sqlite.insert)}
"""Built once, run as Core on the filing's connection (the ORM's execution path cost more than the statement)."""
_INCREMENT_AND_STAMP = {"postgresql": _increment(postgresql.insert, STAMP), "sqlite": _increment(sqlite.insert, STAMP)}


def next_value(session: Session, *, kind: str, year: int, scope: str) -> int:
    """Increment and return the counter for ``kind``/``year``/``scope`` inside the caller's transaction."""
    connection = session.connection()
    statement = _INCREMENT[connection.dialect.name]
    return connection.execute(statement, {"kind": kind, "year": year, "scope": scope}).scalar_one()


def next_value_and_stamp(session: Session, *, kind: str, year: int, scope: str) -> tuple[int, str | None]:
    """:func:`next_value`, and the holiday table's stamp (:data:`holiday_table.STAMP`) read in the same statement: a
    filing needs both, and the stamp cost it a round trip of its own (issue 17)."""
    connection = session.connection()
    statement = _INCREMENT_AND_STAMP[connection.dialect.name]
    value, stamp = connection.execute(statement, {"kind": kind, "year": year, "scope": scope}).one()
    return value, stamp


def sequence_scope(config: PermohonanConfig, dinas_slug: str | None) -> str:
    """One sequence for the region per year, or one per dinas when configured."""
    if not config.sequence_per_dinas:
        return REGION_SCOPE
    return dinas_slug or UNROUTED_CODE


def format_number(number_format: str, *, sequence: int, year: int, month: int, dinas_slug: str | None) -> str:
    """The number as officers write it, e.g. ``0007/PPID/DINKES/2026`` for the default format."""
    dinas = (dinas_slug or UNROUTED_CODE).upper()
    return number_format.format(
        seq=sequence, year=year, month=month, month_roman=ROMAN_MONTHS[month - 1], dinas=dinas
    )


def new_tracking_token() -> tuple[str, str]:
    """A secret for the tracking link and the hash stored in its place."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
