"""The report as plain text (command line, e-mails), JSON (machines) or a CSV of problems (spreadsheets)."""

from __future__ import annotations

import csv
import io
import json

from ppid.i18n import _, ngettext
from ppid.validation.causes import number
from ppid.validation.report import Problem, TableReport, ValidationReport, neutralise


def render_text(report: ValidationReport) -> str:
    lines: list[str] = []
    for table in report.tables:
        lines.extend(_table(table))
        lines.append("")
    lines.append(report.summary)
    return "\n".join(lines)


def _table(table: TableReport) -> list[str]:
    lines = [ngettext("%(nama)s: %(baris)s baris data diperiksa.", "%(nama)s: %(baris)s baris data diperiksa.",
                      table.rows_checked, nama=table.name, baris=number(table.rows_checked))]
    engine = _engine_note(table)
    if engine:
        lines.append("  " + engine)
    for problem in table.problems:
        lines.extend(_problem(problem))
    return lines


def _engine_note(table: TableReport) -> str | None:
    """Which engine read the rows, when it was not the usual choice: frictionless asked for, or falling back."""
    if table.engine != "frictionless" or table.engine_reason in (None, "berkas kecil"):
        return None
    if table.engine_reason == "diminta":
        return _("Baris dibaca oleh frictionless, sesuai permintaan (--engine frictionless).")
    if table.engine_reason == "foreignKeys":
        return _("Baris dibaca oleh frictionless karena skema memakai foreignKeys.")
    return _("Baris dibaca oleh frictionless karena mesin kolom tidak dapat membacanya persis sama: %(alasan)s",
             alasan=table.engine_reason)


def _problem(problem: Problem) -> list[str]:
    mark = "✗" if problem.severity == "error" else "!"
    lines = [f"  {mark} {problem.message}", "    " + _("Cara memperbaiki: %(saran)s", saran=problem.hint)]
    shown = [example for example in problem.examples if example.row is not None and example.value]
    if shown:
        examples = ", ".join(_("baris %(baris)s (`%(nilai)s`)", baris=number(e.row), nilai=e.value) for e in shown)
        lines.append("    " + _("Contoh: %(contoh)s", contoh=examples))
    if problem.rows:
        ranges = ", ".join(number(a) if a == b else f"{number(a)}–{number(b)}" for a, b in problem.rows[:20])
        more = len(problem.rows) > 20 or problem.more_rows
        lines.append("    " + _("Baris: %(baris)s", baris=ranges + (", …" if more else "")))
    return lines


def render(report: ValidationReport, output_format: str) -> str:
    """The report as ``text``, ``json`` or ``csv``."""
    if output_format == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    if output_format == "csv":
        return render_csv(report)
    return render_text(report)


def render_csv(report: ValidationReport) -> str:
    """One line per problem group, messages in the current language, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_("tabel"), _("kolom"), _("jenis"), _("kode"), _("jumlah"), _("masalah"), _("cara memperbaiki"),
                     _("baris")])
    for table in report.tables:
        for problem in table.problems:
            rows = " ".join(str(a) if a == b else f"{a}-{b}" for a, b in problem.rows)
            writer.writerow([neutralise(cell) for cell in (
                table.name, problem.column or "", problem.severity, problem.code, str(problem.count),
                problem.message, problem.hint, rows + (" …" if problem.more_rows else ""),
            )])
    return buffer.getvalue()
