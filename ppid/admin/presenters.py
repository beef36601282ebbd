"""What a harvest run looks like to an officer: its outcome counts and durations as words.

A run stores its counts by code (``{"new": 23, "invalid": 5}``) and each file's time in milliseconds; the
pages show "23 baru, 5 tidak valid" and "1,2 detik" in the interface language.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from ppid.i18n import _, get_language
from ppid.pipeline.models import HarvestRun


def outcome_summary(run: HarvestRun) -> str:
    """``23 baru, 5 tidak valid``: how many files ended each way, or that the run saw none."""
    counts = [(outcome, number) for outcome, number in run.outcome_counts if number]
    if not counts:
        return _("tidak ada berkas")
    return ", ".join(_("%(n)s %(outcome)s", n=format_decimal(number, locale=get_language()), outcome=outcome.label)
                     for outcome, number in counts)


def duration(milliseconds: int | None) -> str:
    """``0,4 detik`` or ``2 menit 5 detik``: how long one file took, never a bare count of milliseconds."""
    if milliseconds is None:
        return ""
    seconds = milliseconds / 1000
    if seconds < 60:
        return _("%(n)s detik", n=format_decimal(round(seconds, 1), locale=get_language()))
    minutes, rest = divmod(round(seconds), 60)
    return _("%(m)s menit %(s)s detik", m=minutes, s=rest)
