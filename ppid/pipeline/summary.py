"""The end-of-run summary a data officer reads in the terminal: what happened, and what to fix."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ppid.i18n import N_, _
from ppid.pipeline.models import HarvestRun, ItemOutcome, RunEvent, RunStatus
from ppid.platform import Platform

OUTCOME_LABELS = {
    ItemOutcome.NEW: N_("baru"),
    ItemOutcome.UPDATED: N_("diperbarui"),
    ItemOutcome.UNCHANGED: N_("tidak berubah"),
    ItemOutcome.INVALID: N_("tidak valid"),
    ItemOutcome.FAILED: N_("gagal"),
    ItemOutcome.WITHDRAWN: N_("ditarik"),
    ItemOutcome.SOURCE_FAILED: N_("sumber gagal"),
}
PROBLEMS = (ItemOutcome.INVALID, ItemOutcome.FAILED, ItemOutcome.SOURCE_FAILED)


def print_summary(platform: Platform, run_id: int, console: Console | None = None) -> int:
    """Print the run's counts and problems; return the exit code (1 when something failed)."""
    console = console or Console()
    with platform.database.session() as session:
        run = session.get(HarvestRun, run_id)
        events = session.scalars(select(RunEvent).where(RunEvent.run_id == run_id).order_by(RunEvent.id)).all()
        counts = Table(title=_("Pemanenan #%(id)s", id=run_id))
        counts.add_column(_("Hasil"))
        counts.add_column(_("Jumlah"), justify="right")
        for outcome in ItemOutcome:
            number = sum(1 for event in events if event.outcome == outcome)
            if number:
                counts.add_row(_(OUTCOME_LABELS[outcome]), str(number))
        console.print(counts)
        problems = [event for event in events if event.outcome in PROBLEMS]
        for event in problems:
            label = _(OUTCOME_LABELS[event.outcome])
            console.print(f"[bold red]{label}[/] {event.source_id} {event.item_key or ''}: {event.message or ''}")
        for event in events:  # published, with something the officer should know (e.g. a PDF whose text is unreadable)
            if event.outcome in (ItemOutcome.NEW, ItemOutcome.UPDATED) and event.message:
                label = _("perhatian")
                console.print(f"[bold yellow]{label}[/] {event.source_id} {event.item_key or ''}: {event.message}")
        failed = run.status != RunStatus.FINISHED or any(e.outcome != ItemOutcome.INVALID for e in problems)
    console.print(_("Portal: %(url)s", url=platform.settings.public_url))
    return 1 if failed else 0
