"""The accounts: section of defaults.yaml: defaults when absent, one sentence naming a wrong key."""

from __future__ import annotations

import dataclasses

import pytest

from ppid.accounts.config import AccountsConfig
from ppid.config import ConfigError


def with_section(settings, section):
    return dataclasses.replace(settings, defaults={**settings.defaults, "accounts": section})


def test_the_shipped_defaults_lock_after_five_failures_for_fifteen_minutes(settings) -> None:
    config = AccountsConfig.from_settings(settings)

    assert (config.failures_before_lockout, config.lockout_minutes, config.session_hours) == (5, 15, 8)


def test_an_absent_section_means_the_defaults(settings) -> None:
    assert AccountsConfig.from_settings(with_section(settings, None)) == AccountsConfig()


@pytest.mark.parametrize("value", [0, -3, "lima", True])
def test_a_wrong_value_names_the_key(settings, value) -> None:
    with pytest.raises(ConfigError, match=r"accounts\.lockout_minutes"):
        AccountsConfig.from_settings(with_section(settings, {"lockout_minutes": value}))


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(settings) -> None:
    from ppid.app import create_app
    from ppid.platform import Platform

    platform = Platform.open(with_section(settings, {"trusted_proxy_hops": 1}))
    try:
        app = create_app(platform=platform)

        @app.get("/alamat-uji")
        def client_address() -> str:
            from flask import request

            return request.remote_addr or ""

        seen = app.test_client().get("/alamat-uji", headers={"X-Forwarded-For": "203.0.113.9"},
                                     environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert seen.get_data(as_text=True) == "203.0.113.9"
    finally:
        platform.close()
