"""The ``permohonan:`` settings: unconfirmed rules [U] are settings, and a wrong value stops start-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from ppid.config import ConfigError
from ppid.permohonan.config import PermohonanConfig


def config_with(settings, section: dict) -> PermohonanConfig:
    return PermohonanConfig.from_settings(replace(settings, defaults={"permohonan": section}))


def test_defaults_follow_kip_rules_recommendations(settings) -> None:
    config = PermohonanConfig.from_settings(settings)
    calendar = config.calendar
    assert (calendar.timezone, calendar.office_closes_at, calendar.cuti_bersama_is_holiday) == (
        "Asia/Jakarta", time(16, 0), True)
    assert config.number_format == "{seq:04d}/PPID/{dinas}/{year}"
    assert not config.pause_clock_while_awaiting_items


def test_calendar_settings_come_from_defaults_yaml(settings) -> None:
    config = PermohonanConfig.from_settings(replace(settings, time_zone="Asia/Makassar", defaults={"permohonan": {
        "calendar": {
        "office_closes_at": None,
        "cuti_bersama_is_holiday": False,
        "extra_holidays": {date(2026, 7, 7): "Hari Jadi Kabupaten", "2026-07-08": "Libur daerah"},
        "extra_working_days": ["2026-12-24"],
    }}}))
    calendar = config.calendar
    assert calendar.zone.key == "Asia/Makassar" and calendar.office_closes_at is None
    assert not calendar.is_working_day(date(2026, 7, 8)) and calendar.is_working_day(date(2026, 12, 24))


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"calendar": {"timezone": "Asia/Makassar"}}, "permohonan.calendar.timezone"),
        ({"calendar": {"office_closes_at": "jam empat"}}, "permohonan.calendar.office_closes_at"),
        ({"calendar": {"extra_holidays": {"besok": "x"}}}, "permohonan.calendar.extra_holidays"),
        ({"calendar": {"cuti_bersama_is_holiday": "ya"}}, "cuti_bersama_is_holiday"),
        ({"rate_limits": {"filing": "banyak"}}, "permohonan.rate_limits.filing"),
        ({"registration_number_format": "{seq}/{year}/{bulan}"}, "registration_number_format"),
        ({"calendar": ["Asia/Jakarta"]}, "permohonan.calendar"),
    ],
)
def test_a_wrong_setting_is_named_in_one_sentence(settings, section, named) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        config_with(settings, section)


def test_the_app_does_not_start_with_a_wrong_setting(platform) -> None:
    from ppid.app import create_app

    platform.settings = replace(platform.settings, defaults={"permohonan": {"registration_number_format": "{seq}"}})
    with pytest.raises(ConfigError, match=r"\{year\}"):
        create_app(platform=platform)
