"""The request module's settings, read from the ``permohonan:`` section of ``config/defaults.yaml``.

Every key has a default here, so the section may be absent. A wrong value stops start-up with a
:class:`~ppid.config.ConfigError` naming the key, like every other setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from limits import parse_many

from ppid.config import ConfigError, Settings
from ppid.i18n import _
from ppid.permohonan.access import TrackingLinks
from ppid.permohonan.deadlines import WorkingCalendar
from ppid.permohonan.identity import PersonalDataCipher
from ppid.permohonan.signing import Signer, signer_from

DEFAULT_NUMBER_FORMAT = "{seq:04d}/PPID/{dinas}/{year}"
DEFAULT_OBJECTION_NUMBER_FORMAT = "{seq:04d}/KEBERATAN/{dinas}/{year}"
UNROUTED_CODE = "UTAMA"
"""Stands for the dinas in a registration number when the requester did not know which dinas to ask."""
NUMBER_SAMPLE = {"seq": 1, "year": 2026, "month": 1, "month_roman": "I", "dinas": "DINKES"}


@dataclass(frozen=True)
class PermohonanConfig:
    calendar: WorkingCalendar
    number_format: str = DEFAULT_NUMBER_FORMAT
    objection_number_format: str = DEFAULT_OBJECTION_NUMBER_FORMAT
    sequence_per_dinas: bool = False
    pause_clock_while_awaiting_items: bool = False
    """kip-rules §4/§11.2: pausing the 10-day clock while the requester completes the form has no
    confirmed basis [U]; off by default, so the statutory clock keeps running."""
    filing_rate_limit: str = "5 per minute; 30 per day"
    tracking_rate_limit: str = "20 per minute"
    rate_limit_storage_uri: str = "memory://"
    reminder_working_days: int = 2
    """``ppid permohonan reminders`` warns officers this many working days before a deadline (and after it)."""
    dispute_settlement_from_start: bool = False
    """UU KIP Pasal 38(2): whether the Komisi Informasi's 100 working days count from the last day to start
    settlement (Pasal 38(1)) rather than from its receipt of the dispute (kip-rules D9); the start point is
    unconfirmed [U], so it is a setting (``permohonan.dispute_settlement_counted_from``)."""
    cipher: PersonalDataCipher | None = None
    """Encrypts the NIK and identity scans; from ``PPID_PERSONAL_DATA_KEY`` (see :class:`PersonalDataCipher`)."""
    signer: Signer | None = None
    """Signs the issued letters (PAdES) when ``permohonan.signing.certificate`` is set (:mod:`signing`)."""
    links: TrackingLinks | None = None
    """Signs the tracking links e-mailed on request (:mod:`ppid.permohonan.access`), with the same key."""

    @classmethod
    def from_settings(cls, settings: Settings) -> PermohonanConfig:
        section = _section(settings.defaults, "permohonan")
        calendar_section = _section(section, "calendar", prefix="permohonan.")
        config = cls(
            calendar=_calendar(calendar_section, settings.time_zone),
            number_format=str(section.get("registration_number_format", DEFAULT_NUMBER_FORMAT)),
            objection_number_format=str(section.get("objection_number_format", DEFAULT_OBJECTION_NUMBER_FORMAT)),
            sequence_per_dinas=_boolean(section, "sequence_per_dinas", False),
            pause_clock_while_awaiting_items=_boolean(section, "pause_clock_while_awaiting_items", False),
            filing_rate_limit=str(section.get("rate_limits", {}).get("filing", cls.filing_rate_limit)),
            tracking_rate_limit=str(section.get("rate_limits", {}).get("tracking", cls.tracking_rate_limit)),
            rate_limit_storage_uri=str(section.get("rate_limit_storage_uri", cls.rate_limit_storage_uri)),
            reminder_working_days=_reminder_days(_section(section, "reminders", prefix="permohonan.")),
            dispute_settlement_from_start=_settlement_from_start(section),
            cipher=PersonalDataCipher(settings.personal_data_key or settings.secret_key),
            signer=signer_from(_section(section, "signing", prefix="permohonan.")),
            links=TrackingLinks(settings.personal_data_key or settings.secret_key),
        )
        config.check()
        return config

    def check(self) -> None:
        """A number format that could repeat a number is refused: numbers are never reused (Pasal 22(4))."""
        needed = ["{seq", "{year"] + (["{dinas"] if self.sequence_per_dinas else [])
        for key, number_format in (("registration_number_format", self.number_format),
                                   ("objection_number_format", self.objection_number_format)):
            missing = [field.strip("{") for field in needed if field not in number_format]
            try:
                number_format.format(**NUMBER_SAMPLE)
            except (KeyError, ValueError, IndexError) as error:
                raise ConfigError(
                    _("permohonan.%(key)s tidak dapat dipakai: %(reason)s.", key=key, reason=error)
                ) from error
            if missing:
                raise ConfigError(
                    _(
                        "permohonan.%(key)s harus memuat %(fields)s agar nomor tidak pernah berulang.",
                        key=key,
                        fields=", ".join("{" + field + "}" for field in missing),
                    )
                )
        for key, value in (("filing", self.filing_rate_limit), ("tracking", self.tracking_rate_limit)):
            try:
                parse_many(value)
            except ValueError as error:
                raise ConfigError(
                    _("permohonan.rate_limits.%(key)s bukan batas laju yang sah (contoh: \"5 per minute\").", key=key)
                ) from error


def _calendar(section: dict[str, Any], timezone: str) -> WorkingCalendar:
    """The working days of the pemda, in its one time zone (``time_zone``, not a setting of this section)."""
    if "timezone" in section:
        raise ConfigError(_("permohonan.calendar.timezone tidak dipakai lagi: zona waktu pemda diatur sekali untuk "
                            "semua halaman, e-mail dan berkas dengan time_zone: WIB, WITA atau WIT."))
    closes = section.get("office_closes_at", "16:00")
    extra_holidays = section.get("extra_holidays") or {}
    return WorkingCalendar(
        timezone=timezone,
        office_closes_at=None if closes in (None, False, "") else _time(closes),
        roll_non_working_receipt=_boolean(section, "roll_non_working_receipt", True),
        cuti_bersama_is_holiday=_boolean(section, "cuti_bersama_is_holiday", True),
        extra_holidays={_date(key, "extra_holidays"): str(name) for key, name in extra_holidays.items()},
        extra_working_days=[_date(value, "extra_working_days") for value in section.get("extra_working_days") or []],
    )


def _reminder_days(section: dict[str, Any]) -> int:
    value = section.get("working_days_before", PermohonanConfig.reminder_working_days)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ConfigError(_("permohonan.reminders.working_days_before harus bilangan bulat 0 sampai 10."))
    return value


def _settlement_from_start(section: dict[str, Any]) -> bool:
    value = section.get("dispute_settlement_counted_from", "diterima")
    if value not in ("diterima", "dimulai"):
        raise ConfigError(_("permohonan.dispute_settlement_counted_from harus \"diterima\" (sejak Komisi Informasi "
                            "menerima sengketa) atau \"dimulai\" (sejak batas mulai penyelesaian)."))
    return value == "dimulai"


def _section(parent: dict[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
    value = parent.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(_("%(key)s di defaults.yaml harus berupa pemetaan kunci: nilai.", key=prefix + key))
    return value


def _boolean(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(_("permohonan: %(key)s harus true atau false.", key=key))
    return value


def _time(value: Any) -> time:
    try:
        return value if isinstance(value, time) else time.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(
            _("permohonan.calendar.office_closes_at harus jam seperti \"16:00\", bukan %(value)r.", value=value)
        ) from error


def _date(value: Any, key: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(
            _("permohonan.calendar.%(key)s: %(value)r bukan tanggal TTTT-BB-HH.", key=key, value=value)
        ) from error
