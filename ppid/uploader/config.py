"""The uploader's limits, read from the ``uploader:`` section of ``config/defaults.yaml``.

Every key has a default here, so the section may be absent; a wrong value stops start-up with a
:class:`~ppid.config.ConfigError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppid.config import Settings, config_section, positive_number

MiB = 1024 * 1024
KEYS = ("max_file_mb", "form_max_mb", "background_validation_from_mb", "report_wait_seconds")


@dataclass(frozen=True)
class UploaderConfig:
    max_file_mb: float = 10240
    """Largest file an officer may upload (sent in resumable parts)."""
    form_max_mb: float = 200
    """Largest file through the plain form (browsers without JavaScript)."""
    background_validation_from_mb: float = 50
    """With ``PPID_REDIS_URL`` set, larger files are validated on a worker (smaller ones on a server thread)."""
    report_wait_seconds: float = 1.0
    """How long an upload waits for its report before showing the progress page instead."""

    @classmethod
    def from_settings(cls, settings: Settings) -> UploaderConfig:
        section = config_section(settings.defaults, "uploader", KEYS)
        return cls(
            max_file_mb=positive_number(section, "uploader", "max_file_mb", cls.max_file_mb),
            form_max_mb=positive_number(section, "uploader", "form_max_mb", cls.form_max_mb),
            background_validation_from_mb=positive_number(
                section, "uploader", "background_validation_from_mb", cls.background_validation_from_mb, zero=True
            ),
            report_wait_seconds=positive_number(section, "uploader", "report_wait_seconds", cls.report_wait_seconds,
                                                zero=True),
        )

    def limits(self) -> dict[str, int]:
        """The limits in bytes, as the upload service and its pages use them."""
        return {
            "max_file_size": int(self.max_file_mb * MiB),
            "form_max_size": int(self.form_max_mb * MiB),
            "background_from": int(self.background_validation_from_mb * MiB),
        }
