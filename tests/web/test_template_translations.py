"""``_()``, ``gettext()`` and ``ngettext()`` in templates speak the request's language as Jinja's newstyle gettext
does: the translation is markup, the values put into it are escaped (in HTML), and ``%%`` is a percent sign."""

from __future__ import annotations

import pytest
from flask import render_template_string


def _render(app, source: str, language: str, **values: object) -> str:
    with app.test_request_context(f"/?lang={language}"):
        app.preprocess_request()
        return render_template_string(source, **values)


@pytest.mark.parametrize(("language", "expected"), [
    ("id", "Ditangani oleh Dinas &lt;Kesehatan&gt; &amp; KB."),
    ("en", "Handled by Dinas &lt;Kesehatan&gt; &amp; KB."),
])
def test_a_value_put_into_a_translated_sentence_is_escaped(app, language: str, expected: str) -> None:
    source = '{{ _("Ditangani oleh %(who)s.", who=who) }}|{{ gettext("Ditangani oleh %(who)s.", who=who) }}'
    assert _render(app, source, language, who="Dinas <Kesehatan> & KB") == f"{expected}|{expected}"


def test_outside_autoescape_the_value_is_put_in_as_it_is(app) -> None:
    source = '{% autoescape false %}{{ _("Ditangani oleh %(who)s.", who=who) }}{% endautoescape %}'
    assert _render(app, source, "en", who="A & <B>") == "Handled by A & <B>."


def test_a_doubled_percent_sign_is_one_with_or_without_values(app) -> None:
    assert _render(app, '{{ _("100%% selesai") }} {{ _("%(n)s%% selesai", n=5) }}', "id") == "100% selesai 5% selesai"


@pytest.mark.parametrize(("count", "expected"), [(1, "1 file with problems"), (3, "3 files with problems")])
def test_ngettext_chooses_the_plural_of_the_language_and_puts_in_the_number(app, count: int, expected: str) -> None:
    source = '{{ ngettext("%(num)s berkas bermasalah", "%(num)s berkas bermasalah", count) }}'
    assert _render(app, source, "en", count=count) == expected
