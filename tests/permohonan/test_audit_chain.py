"""The request log is hash-chained: whoever edits, removes or inserts an event with database access is found."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ppid.cli import main
from ppid.db import alembic_config
from ppid.permohonan.audit import verify
from ppid.permohonan.chain import GENESIS, seal, seal_parts
from ppid.permohonan.models import PermohonanEvent

from .conftest import filing


@pytest.fixture
def attacker(platform) -> Iterator[None]:
    """Someone with database access lifts the append-only trigger (put back afterwards: PostgreSQL is shared)."""
    postgres = platform.database.dialect == "postgresql"
    with platform.database.engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE permohonan_event DISABLE TRIGGER permohonan_event_append_only"))
        else:
            connection.execute(text("DROP TRIGGER permohonan_event_no_update"))
            connection.execute(text("DROP TRIGGER permohonan_event_no_delete"))
    yield
    with platform.database.engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE permohonan_event ENABLE TRIGGER permohonan_event_append_only"))
        else:
            for action in ("UPDATE", "DELETE"):
                connection.execute(text(f"CREATE TRIGGER permohonan_event_no_{action.lower()} BEFORE {action} ON "
                                        "permohonan_event BEGIN SELECT RAISE(ABORT, 'append-only'); END"))


def _history(workflow, session, dinkes_officer) -> list[PermohonanEvent]:
    """Two requests whose steps interleave, so the chain runs across requests."""
    first = workflow.file(filing()).permohonan
    second = workflow.file(filing(email="budi@example.id")).permohonan
    workflow.extend(first, officer=dinkes_officer, days=3, reason="Data tersebar di 12 puskesmas")
    workflow.decide(second, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
    session.commit()
    return list(session.scalars(select(PermohonanEvent).order_by(PermohonanEvent.id)))


def test_every_event_carries_the_previous_events_hash_across_the_whole_log(workflow, session, dinkes_officer) -> None:
    events = _history(workflow, session, dinkes_officer)

    assert [event.prev_hash for event in events] == [GENESIS, *(event.hash for event in events[:-1])]
    assert len({event.hash for event in events}) == 4
    report = verify(session)
    assert report.intact and report.events == 4 and report.head == events[-1].hash


def test_the_seal_finished_by_the_database_is_the_seal_of_the_event() -> None:
    """A filing on PostgreSQL sends the event without its previous hash and the database completes the SHA-256:
    the bytes around the hash must be exactly those :func:`seal` hashes, whatever the text holds."""
    asked = "Anggaran \u201cposyandu\u201d \u00e9 \U0001f4ca"
    fields = {"document": {"number": "0001/PPID/2026", "information_requested": asked},
              "sequence": 1, "kind": "diterima", "at": datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC),
              "actor_user_id": None, "actor_name": "pemohon", "dinas_slug": "dinkes", "payload": {"saluran": "web"}}
    previous = hashlib.sha256(b"the event before").hexdigest()

    before, after = seal_parts(**fields)

    assert hashlib.sha256(before + previous.encode("ascii") + after).hexdigest() == seal(**fields, prev_hash=previous)


def test_a_payload_changed_through_raw_sql_is_found_at_that_event(workflow, session, dinkes_officer,
                                                                   attacker) -> None:
    events = _history(workflow, session, dinkes_officer)
    session.execute(text("UPDATE permohonan_event SET payload = :payload WHERE id = :id"),
                    {"payload": '{"hari": 7, "alasan": "Data tersebar di 12 puskesmas"}', "id": events[2].id})
    session.commit()
    session.expire_all()

    report = verify(session)
    assert not report.intact
    assert (report.broken_event_id, report.events) == (events[2].id, 2)
    assert report.document == "0001/PPID/DINKES/2026" and "diubah" in report.reason


def test_a_deleted_event_breaks_the_link_of_the_next_one(workflow, session, dinkes_officer, attacker) -> None:
    events = _history(workflow, session, dinkes_officer)
    session.execute(text("DELETE FROM permohonan_event WHERE id = :id"), {"id": events[1].id})
    session.commit()

    report = verify(session)
    assert report.broken_event_id == events[2].id and "dihapus" in report.reason


def test_a_changed_time_or_actor_is_found_too(workflow, session, dinkes_officer, attacker) -> None:
    events = _history(workflow, session, dinkes_officer)
    session.execute(text("UPDATE permohonan_event SET actor_name = 'atasan.lain' WHERE id = :id"),
                    {"id": events[3].id})
    session.commit()
    session.expire_all()

    assert verify(session).broken_event_id == events[3].id


def test_two_writers_cannot_fork_the_chain(workflow, session, dinkes_officer) -> None:
    events = _history(workflow, session, dinkes_officer)
    forked = {key: getattr(events[1], key) for key in ("permohonan_id", "kind", "at", "actor_name", "payload")}
    with pytest.raises(IntegrityError):
        session.execute(
            PermohonanEvent.__table__.insert().values(**forked, sequence=99, prev_hash=events[0].hash, hash="f" * 64)
        )
    session.rollback()


def test_ppid_audit_verify_says_utuh_or_names_the_broken_link(workflow, session, dinkes_officer, environ,
                                                              attacker) -> None:
    events = _history(workflow, session, dinkes_officer)
    runner = CliRunner()

    intact = runner.invoke(main, ["audit", "verify"], env=environ)
    assert intact.exit_code == 0, intact.output
    assert "utuh" in intact.output and events[-1].hash in intact.output

    session.execute(text("UPDATE permohonan_event SET dinas_slug = 'disdukcapil' WHERE id = :id"),
                    {"id": events[0].id})
    session.commit()
    broken = runner.invoke(main, ["audit", "verify"], env=environ)
    assert broken.exit_code == 1
    assert f"#{events[0].id}" in broken.output and "0001/PPID/DINKES/2026" in broken.output


def test_the_migration_seals_events_written_before_the_chain_existed(workflow, session, dinkes_officer,
                                                                     platform) -> None:
    events = _history(workflow, session, dinkes_officer)
    session.close()
    with platform.database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
        command.upgrade(config, "head")

    with platform.database.session() as fresh:
        report = verify(fresh)
        resealed = list(fresh.scalars(select(PermohonanEvent.hash).order_by(PermohonanEvent.id)))
    assert report.intact and report.events == 4
    assert resealed == [event.hash for event in events]


def test_a_backdated_receipt_breaks_the_chain_at_the_requests_first_event(workflow, session, dinkes_officer) -> None:
    events = _history(workflow, session, dinkes_officer)
    # No trigger guards the request row itself; moving its receipt would move every deadline.
    session.execute(text("UPDATE permohonan SET received_at = :moment WHERE number = '0002/PPID/DINKES/2026'"),
                    {"moment": datetime(2026, 3, 20, 2, 0, tzinfo=UTC)})
    session.commit()
    session.expire_all()

    report = verify(session)
    assert (report.broken_event_id, report.document) == (events[1].id, "0002/PPID/DINKES/2026")
