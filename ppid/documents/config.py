"""How much of a public document is read, from the ``documents:`` section of ``config/defaults.yaml``.

Every key has a default here, so the section may be absent; a wrong value stops start-up with a
:class:`~ppid.config.ConfigError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppid.config import Settings, config_section, whole_number

KEYS = ("max_pages", "max_chars")


@dataclass(frozen=True)
class Limits:
    """Reading stops after ``max_pages`` pages or ``max_chars`` characters, whichever comes first."""

    max_pages: int = 100
    max_chars: int = 50_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        section = config_section(settings.defaults, "documents", KEYS)
        return cls(
            max_pages=whole_number(section, "documents", "max_pages", cls.max_pages, minimum=1),
            max_chars=whole_number(section, "documents", "max_chars", cls.max_chars, minimum=1),
        )
