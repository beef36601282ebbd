"""One translation mechanism for the CLI, the domain layer and the web pages.

Source strings are written in Bahasa Indonesia, the default language; English lives in
``ppid/translations/en/LC_MESSAGES/messages.po`` and is compiled in memory on first use, so
no generated ``.mo`` file has to be kept in step by hand.
"""

from __future__ import annotations

import contextvars
import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

from ppid import usercache

if TYPE_CHECKING:
    from datetime import datetime

    from babel import Locale

DEFAULT_LANGUAGE = "id"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
#: Indonesia's three time zones by the names officers and citizens use, in every language (``time_zone``).
TIME_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
ZONE_NAMES = {zone: name for name, zone in TIME_ZONES.items()}

_current_language: contextvars.ContextVar[str] = contextvars.ContextVar("ppid_language", default=DEFAULT_LANGUAGE)


@functools.cache
def translations_for(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return _compiled(TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po", language)


@functools.cache
def library_translations(domain: str, language: str) -> NullTranslations:
    """A library's own English messages in ``language``, from ``translations/<language>/LC_MESSAGES/<domain>.po``
    (e.g. Click's usage errors in Bahasa Indonesia); untranslated where no catalog exists."""
    return _compiled(TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{domain}.po", language)


def _compiled(po_path: Path, language: str) -> NullTranslations:
    """The catalogue compiled, once per version of the ``.po`` file, into a ``.mo`` file in the user's cache
    (``compiled_catalogue``) and read by the standard library: compiling with Babel costs 0.04 s (its import
    above all), and Click's catalogue is read as ``ppid.cli`` is imported, before every command."""
    if not po_path.exists():
        return NullTranslations()
    return GNUTranslations(io.BytesIO(compiled_catalogue(po_path, language)))


def compiled_catalogue(po_path: Path, language: str) -> bytes:
    """The ``.mo`` bytes of ``po_path``: from the user's cache while the file is unchanged (``usercache``), else
    compiled by Babel and kept there."""
    name = f"{language}-{po_path.stem}-{usercache.file_key(po_path)}.mo"
    data = usercache.kept("catalogues", name)
    if data is None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        data = compiled.getvalue()
        usercache.keep("catalogues", name, data)
    return data


def set_language(language: str) -> contextvars.Token:
    return _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token: contextvars.Token) -> None:
    """Undo the ``set_language`` that returned ``token``."""
    _current_language.reset(token)


def get_language() -> str:
    return _current_language.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = set_language(lang)
    try:
        yield
    finally:
        reset_language(token)


def gettext(message: str, /, **variables: object) -> str:
    text = translations_for(get_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, /, **variables: object) -> str:
    text = translations_for(get_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; translate it with ``_`` where it is shown."""
    return message


@functools.cache
def _babel_locale(language: str) -> Locale:
    """Parsed once: Babel parses a locale given by name anew on every call, a third of a moment's formatting."""
    from babel import Locale

    return Locale.parse(language)


def format_moment(moment: datetime, zone: str, *, seconds: bool = False) -> str:
    """``16 Maret 2026, 09.05 WIB``: a stored (UTC) moment in the pemda's time zone, in the interface language.

    The one way every page, e-mail, PDF and export writes a time, so that none can show UTC or another zone.
    The zone's Indonesian name (WIB, WITA, WIT) is kept in English too: it is what readers know it by.
    """
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    separator = "." if get_language() == DEFAULT_LANGUAGE else ":"
    clock = separator.join(["HH", "mm", "ss"] if seconds else ["HH", "mm"])
    local = format_datetime(moment, f"d MMMM y, {clock}", tzinfo=ZoneInfo(zone), locale=_babel_locale(get_language()))
    return f"{local} {ZONE_NAMES.get(zone, zone)}"
