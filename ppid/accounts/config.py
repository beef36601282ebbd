"""Account security settings, read from the ``accounts:`` section of ``config/defaults.yaml``.

Every key has a default here, so the section may be absent; a wrong value stops start-up with a
:class:`~ppid.config.ConfigError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ppid.config import ConfigError, Settings
from ppid.i18n import _


@dataclass(frozen=True)
class AccountsConfig:
    failures_before_lockout: int = 5
    """Wrong passwords in a row before an account is locked."""
    address_failures_before_lockout: int = 20
    """Failed sign-ins from one address within the lockout period before that address is locked; higher
    than the per-account limit because a whole office often shares one address."""
    lockout_minutes: int = 15
    session_hours: int = 8
    """A session ends after this long without a request."""
    reset_link_minutes: int = 60
    trusted_proxy_hops: int = 0
    """Reverse proxies in front of the app whose X-Forwarded-For and -Proto are believed. Behind a proxy
    this must be set, or every sign-in seems to come from the proxy's address and one address lockout
    would lock everyone out."""

    @property
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def reset_link_lifetime(self) -> timedelta:
        return timedelta(minutes=self.reset_link_minutes)

    @classmethod
    def from_settings(cls, settings: Settings) -> AccountsConfig:
        section = settings.defaults.get("accounts") or {}
        if not isinstance(section, dict):
            raise ConfigError(_("accounts di defaults.yaml harus berupa pemetaan kunci: nilai."))
        return cls(**{name: _whole_number(section, name, default, minimum=0 if name == "trusted_proxy_hops" else 1)
                      for name, default in _defaults().items()})


def _defaults() -> dict[str, int]:
    return {name: field.default for name, field in AccountsConfig.__dataclass_fields__.items()}  # type: ignore[misc]


def _whole_number(section: dict[str, Any], key: str, default: int, *, minimum: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            _("accounts.%(key)s harus bilangan bulat %(minimum)s atau lebih, bukan %(value)r.",
              key=key, minimum=minimum, value=value)
        )
    return value
