"""The end-of-run summary a data officer reads in the terminal: what happened, and what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from ppid.i18n import N_, _
from ppid.pipeline.config import HarvestConfig
from ppid.pipeline.models import HarvestRun, ItemOutcome, RunEvent, RunStatus
from ppid.pipeline.runner import Plan, plan_harvest
from ppid.platform import Platform

PROBLEMS = (ItemOutcome.INVALID, ItemOutcome.FAILED, ItemOutcome.SOURCE_FAILED)
PLAN_LABELS = {
    Plan.NEW: N_("baru"),
    Plan.CHANGED: N_("berubah"),
    Plan.UNCHANGED: N_("tidak berubah"),
    Plan.INVALID: N_("tidak valid"),
    Plan.NO_RULE: N_("tanpa aturan (diabaikan)"),
    Plan.FAILED: N_("gagal"),
    Plan.SOURCE_FAILED: N_("sumber gagal"),
}
PLAN_STYLES = {Plan.NEW: "green", Plan.CHANGED: "yellow", Plan.INVALID: "red", Plan.FAILED: "bold red",
               Plan.SOURCE_FAILED: "bold red"}

EXIT_OK = 0
"""Everything offered was harvested, is valid and is published (files no rule matches are only listed)."""
EXIT_DATA_PROBLEMS = 1
"""The run finished, but the data has problems: a file invalid or failed, a source unreachable, a publication
refused. The officers of the dinas named in the summary have something to fix."""
EXIT_NOT_RUN = 2
"""The command could not do its work: a wrong setting or option, another run still going, or a run that
stopped part-way (its cause is on the run and in the log file). The administrator has something to fix."""


@dataclass(frozen=True)
class RunReport:
    """What one run did, read back from its record: the same for the terminal, ``--quiet`` and ``--json``."""

    run_id: int
    status: RunStatus
    error: str | None
    verify: bool
    counts: dict[ItemOutcome, int]
    events: list[RunEvent]
    log_file: Path

    @property
    def exit_code(self) -> int:
        if self.status != RunStatus.FINISHED:
            return EXIT_NOT_RUN
        return EXIT_DATA_PROBLEMS if any(self.counts.get(outcome) for outcome in PROBLEMS) else EXIT_OK

    @property
    def failures(self) -> bool:
        return self.status != RunStatus.FINISHED or bool(
            self.counts.get(ItemOutcome.FAILED) or self.counts.get(ItemOutcome.SOURCE_FAILED)
        )

    def as_json(self) -> dict[str, Any]:
        """The summary for programs: counts by outcome, and one entry per file that is not simply unchanged."""
        return {
            "run": self.run_id,
            "status": self.status.value,
            "error": self.error,
            "verify": self.verify,
            "exit_code": self.exit_code,
            "counts": {outcome.value: number for outcome, number in self.counts.items()},
            "files": [
                {"source": e.source_id, "key": e.item_key, "outcome": e.outcome.value, "message": e.message}
                for e in self.events
                if e.outcome != ItemOutcome.UNCHANGED
            ],
            "log_file": str(self.log_file),
        }


def run_report(platform: Platform, run_id: int) -> RunReport:
    with platform.database.session() as session:
        run = session.get(HarvestRun, run_id)
        events = list(session.scalars(select(RunEvent).where(RunEvent.run_id == run_id).order_by(RunEvent.id)))
        session.expunge_all()
    counts = {outcome: sum(1 for e in events if e.outcome == outcome) for outcome in ItemOutcome}
    return RunReport(
        run_id=run_id,
        status=run.status,
        error=run.error,
        verify=run.verify,
        counts={outcome: number for outcome, number in counts.items() if number},
        events=events,
        log_file=HarvestConfig.from_settings(platform.settings).log_file,
    )


def print_summary(platform: Platform, run_id: int, console: Console | None = None, *, quiet: bool = False) -> int:
    """Print the run's counts and one line per file that needs attention; return the exit code.

    ``quiet`` (for cron) prints nothing when all is well, else one line of counts and the problems only.
    """
    console = console or Console()
    report = run_report(platform, run_id)
    if quiet and report.exit_code == EXIT_OK:
        return EXIT_OK
    title = _("Pemanenan #%(id)s", id=run_id) + (" " + _("(isi setiap berkas diperiksa)") if report.verify else "")
    if quiet:
        counted = ", ".join(f"{o.label}: {n}" for o, n in report.counts.items())
        console.print(escape(f"{title}: {counted}"), soft_wrap=True, highlight=False)
    else:
        console.print(escape(title), soft_wrap=True, highlight=False, style="bold")
        counts = Table()
        counts.add_column(_("Hasil"))
        counts.add_column(_("Jumlah"), justify="right")
        for outcome, number in report.counts.items():
            counts.add_row(outcome.label, str(number))
        console.print(counts)
    shown = PROBLEMS if quiet else (*PROBLEMS, ItemOutcome.NO_RULE, ItemOutcome.HELD)
    for event in (e for e in report.events if e.outcome in shown):
        style = "bold red" if event.outcome in PROBLEMS else "yellow"
        _line(console, style, event.outcome.label, event.source_id, event.item_key, event.message)
    if not quiet:
        for event in report.events:  # published, with something the officer should know (e.g. an unreadable PDF)
            if event.outcome in (ItemOutcome.NEW, ItemOutcome.UPDATED) and event.message:
                _line(console, "bold yellow", _("perhatian"), event.source_id, event.item_key, event.message)
    if report.status != RunStatus.FINISHED:
        _line(console, "bold red", _("terhenti"), _("Pemanenan #%(id)s", id=run_id), None, report.error)
    if report.failures:
        console.print(escape(_("Rincian setiap kegagalan ada di %(path)s.", path=report.log_file)), soft_wrap=True,
                      highlight=False)
    if not quiet:
        console.print(_portal_line(platform), soft_wrap=True, highlight=False)
    return report.exit_code


def _portal_line(platform: Platform) -> str:
    """Where to see the result: the configured public address, or how to serve the portal (no address nothing
    serves: without PPID_PUBLIC_URL, the portal's address is the one `ppid serve` is started on)."""
    if platform.settings.public_url_configured:
        return _("Portal: %(url)s", url=platform.settings.public_url)
    return _("Portal: jalankan `ppid serve` (pilihan --host dan --port) lalu buka alamat yang dicetaknya.")


def _line(console: Console, style: str, label: str, source: str, key: str | None, message: str | None) -> None:
    """One file, one line: never wrapped, whatever the width of the terminal (or of a cron mail)."""
    text = " ".join(part for part in (source, key or "") if part) + (f": {message}" if message else "")
    console.print(f"[{style}]{escape(label)}[/] {escape(text)}", soft_wrap=True, highlight=False)


def print_plan(
    platform: Platform,
    *,
    dinas_slugs: list[str] | None = None,
    source_names: list[str] | None = None,
    verify: bool = False,
    console: Console | None = None,
) -> int:
    """Print what a run would do, file by file, without doing it; return 1 when a file is invalid or cannot be read."""
    console = console or Console()
    table = Table(title=_("Uji coba pemanenan: tidak ada yang disimpan, divalidasi atau diterbitkan"))
    for heading in (_("Sumber"), _("Berkas"), _("Rencana"), _("Keterangan")):
        table.add_column(heading, overflow="fold")
    counts = dict.fromkeys(Plan, 0)
    with console.status(_("Memeriksa sumber...")):
        for planned in plan_harvest(platform, dinas_slugs=dinas_slugs, source_names=source_names, verify=verify):
            counts[planned.plan] += 1
            style = PLAN_STYLES.get(planned.plan, "")
            label = f"[{style}]{_(PLAN_LABELS[planned.plan])}[/]" if style else _(PLAN_LABELS[planned.plan])
            table.add_row(escape(planned.source_id), escape(planned.key or ""), label, escape(planned.message or ""))
    console.print(table)
    console.print(", ".join(f"{_(PLAN_LABELS[plan])}: {number}" for plan, number in counts.items() if number))
    problems = counts[Plan.INVALID] + counts[Plan.FAILED] + counts[Plan.SOURCE_FAILED]
    return EXIT_DATA_PROBLEMS if problems else EXIT_OK
