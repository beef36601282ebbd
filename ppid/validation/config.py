"""Validation settings, read from the ``validation:`` section of ``config/defaults.yaml``.

The section may be absent; a wrong value stops start-up with a :class:`~ppid.config.ConfigError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppid.config import Settings, config_section, whole_number

KEYS = ("limit_errors",)


@dataclass(frozen=True)
class ValidationConfig:
    limit_errors: int | None = None
    """Each table stops after this many errors; ``None`` (or 0): every error is found."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ValidationConfig:
        section = config_section(settings.defaults, "validation", KEYS)
        if section.get("limit_errors") is None:
            return cls()
        return cls(limit_errors=whole_number(section, "validation", "limit_errors", 0) or None)
