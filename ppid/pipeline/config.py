"""The pipeline's settings, read from the ``harvest:`` and ``validation:`` sections of ``config/defaults.yaml``.

Every key has a default here, so the sections may be absent. A wrong value stops start-up with a
:class:`~ppid.config.ConfigError` naming the key, before a run is recorded, so no run is left "running".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ppid.config import ConfigError, Settings, config_section, positive_number, whole_number
from ppid.i18n import _

KEYS = ("withdraw_after_days", "verify_every_runs", "log_file")
VALIDATION_KEYS = ("limit_errors", "engine")
VALIDATION_ENGINES = ("auto", "kolom", "baris", "frictionless")


@dataclass(frozen=True)
class HarvestConfig:
    withdraw_after_days: float = 3
    """A file gone from its source is marked withdrawn after this many days (never deleted)."""
    verify_every_runs: int = 7
    """Every this many runs, files whose fingerprint looks unchanged are hashed anyway; 0: never. A fingerprint
    (size + mtime of a folder's file) misses a same-size edit whose time was kept (``rsync -t``, ``touch -r``)."""
    log_file: Path = Path("logs/harvest.log")
    """Where the details of every failure (tracebacks included) are written; relative to ``PPID_HOME``."""

    @property
    def withdraw_after(self) -> timedelta:
        return timedelta(days=self.withdraw_after_days)

    @classmethod
    def from_settings(cls, settings: Settings) -> HarvestConfig:
        section = config_section(settings.defaults, "harvest", KEYS)
        log_file = section.get("log_file", str(cls.log_file))
        if not isinstance(log_file, str) or not log_file.strip():
            raise ConfigError(_("harvest.log_file di defaults.yaml harus berupa jalur berkas, bukan %(value)r.",
                                value=log_file))
        return cls(
            withdraw_after_days=positive_number(section, "harvest", "withdraw_after_days", cls.withdraw_after_days,
                                                zero=True),
            verify_every_runs=whole_number(section, "harvest", "verify_every_runs", cls.verify_every_runs),
            log_file=settings.home / Path(log_file).expanduser(),
        )


@dataclass(frozen=True)
class ValidationConfig:
    limit_errors: int | None = None
    """Each harvested table stops after this many errors; ``None`` (or 0): every error is found."""
    engine: str = "auto"
    """The engine that reads the rows (``ppid validate --engine``): ``auto``, ``kolom``, ``baris`` or
    ``frictionless``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ValidationConfig:
        section = config_section(settings.defaults, "validation", VALIDATION_KEYS)
        engine = section.get("engine") or "auto"
        if engine not in VALIDATION_ENGINES:
            raise ConfigError(_("validation.engine harus salah satu dari %(pilihan)s, bukan %(nilai)s.",
                                pilihan=", ".join(VALIDATION_ENGINES), nilai=engine))
        if section.get("limit_errors") is None:
            return cls(engine=engine)
        return cls(limit_errors=whole_number(section, "validation", "limit_errors", 0) or None, engine=engine)
