"""The end-of-run summary a data officer reads in the terminal: what happened, and what to fix."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from ppid.i18n import N_, _
from ppid.pipeline.models import HarvestRun, ItemOutcome, RunEvent, RunStatus
from ppid.pipeline.runner import Plan, plan_harvest
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
PLAN_LABELS = {
    Plan.NEW: N_("baru"),
    Plan.CHANGED: N_("berubah"),
    Plan.UNCHANGED: N_("tidak berubah"),
    Plan.NO_RULE: N_("tanpa aturan (diabaikan)"),
    Plan.FAILED: N_("gagal"),
    Plan.SOURCE_FAILED: N_("sumber gagal"),
}
PLAN_STYLES = {Plan.NEW: "green", Plan.CHANGED: "yellow", Plan.FAILED: "bold red", Plan.SOURCE_FAILED: "bold red"}


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


def print_plan(
    platform: Platform,
    *,
    dinas_slugs: list[str] | None = None,
    source_names: list[str] | None = None,
    console: Console | None = None,
) -> int:
    """Print what a run would do, file by file, without doing it; return 1 when a source or file cannot be read."""
    console = console or Console()
    table = Table(title=_("Uji coba pemanenan: tidak ada yang disimpan, divalidasi atau diterbitkan"))
    for heading in (_("Sumber"), _("Berkas"), _("Rencana"), _("Keterangan")):
        table.add_column(heading, overflow="fold")
    counts = dict.fromkeys(Plan, 0)
    with console.status(_("Memeriksa sumber...")):
        for planned in plan_harvest(platform, dinas_slugs=dinas_slugs, source_names=source_names):
            counts[planned.plan] += 1
            style = PLAN_STYLES.get(planned.plan, "")
            label = f"[{style}]{_(PLAN_LABELS[planned.plan])}[/]" if style else _(PLAN_LABELS[planned.plan])
            table.add_row(escape(planned.source_id), escape(planned.key or ""), label, escape(planned.message or ""))
    console.print(table)
    console.print(", ".join(f"{_(PLAN_LABELS[plan])}: {number}" for plan, number in counts.items() if number))
    return 1 if counts[Plan.FAILED] or counts[Plan.SOURCE_FAILED] else 0
