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

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ppid.permohonan.config import UNROUTED_CODE, PermohonanConfig
from ppid.permohonan.models import RegistrationCounter

REGION_SCOPE = "*"
DRAFT_NUMBER = f"\ue000nomor-{secrets.token_hex(8)}\ue000"
DRAFT_ID = f"\ue000id-{secrets.token_hex(8)}\ue000"
"""Stand-ins for a request's number and id in what is composed before the request has them (a filing's messages:
:meth:`ppid.permohonan.notices.Notices.draft`): a private-use character around a secret of this process, so no
requester's text can hold one."""
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _increment(insert: Any, *, lock_first: bool = False) -> Any:
    counters = RegistrationCounter.__table__
    key = {name: bindparam(name, type_=counters.c[name].type) for name in ("kind", "year", "scope")}
    if lock_first:  # PostgreSQL: the advisory lock ``lock``, then the counter, in one statement
        held = select(literal(1).label("held")).select_from(func.pg_advisory_xact_lock(bindparam("lock"))).cte("held")
        statement = insert(counters).from_select([*key, "value"], select(*key.values(), literal(1)).select_from(held))
    else:
        statement = insert(counters).values(**key, value=1)
    return (statement.on_conflict_do_update(index_elements=["kind", "year", "scope"],
                                            set_={"value": counters.c.value + 1})
            .returning(counters.c.value))


_INCREMENT = {"postgresql": _increment(postgresql.insert), "sqlite": _increment(sqlite.insert)}
"""Built once, run as Core on the filing's connection (the ORM's execution path cost more than the statement)."""
_LOCK_AND_INCREMENT = _increment(postgresql.insert, lock_first=True)


def next_value(session: Session, *, kind: str, year: int, scope: str, lock_first: int | None = None) -> int:
    """Increment and return the counter for ``kind``/``year``/``scope`` inside the caller's transaction.

    ``lock_first``: on PostgreSQL, a transaction-level advisory lock taken in the same statement before the counter
    (a filing takes the log's chain lock with its number: one round trip fewer while other filings wait)."""
    connection = session.connection()
    parameters = {"kind": kind, "year": year, "scope": scope}
    if lock_first is not None and connection.dialect.name == "postgresql":
        return connection.execute(_LOCK_AND_INCREMENT, {**parameters, "lock": lock_first}).scalar_one()
    return connection.execute(_INCREMENT[connection.dialect.name], parameters).scalar_one()


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
