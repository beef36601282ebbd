"""Bad input on the command line is answered in the interface language: Click's own usage errors (a missing option,
a wrong value, an unknown command) come in Bahasa Indonesia by default and in English when asked, with exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.foundation.test_cli import run_ppid

CATALOG = Path(__file__).resolve().parents[2] / "ppid" / "translations" / "id" / "LC_MESSAGES" / "click.po"
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\(\w+\)s")


@pytest.mark.parametrize(("args", "indonesian", "english"), [
    (("validate", "tabel.csv"), "Kesalahan: Wajib diisi: pilihan '--schema'.", "Error: Missing option '--schema'."),
    (("validate", "tabel.csv", "--schema", "x", "--engine", "cepat"),
     "Kesalahan: Nilai '--engine' tidak sah: 'cepat' bukan salah satu dari 'auto', 'kolom', 'baris', 'frictionless'.",
     "Error: Invalid value for '--engine': 'cepat' is not one of"),
    (("panen",), "Kesalahan: Perintah 'panen' tidak ada.", "Error: No such command 'panen'."),
    (("serve", "--threads", "0"), "Kesalahan: Nilai '--threads' tidak sah: 0 di luar rentang yang boleh (x>=1).",
     "Error: Invalid value for '--threads': 0 is not in the range x>=1."),
    (("validate", "--schem", "x", "tabel.csv"), "Kesalahan: Pilihan '--schem' tidak ada.",
     "Error: No such option '--schem'."),
])
def test_usage_errors_speak_the_interface_language(environ: dict[str, str], args: tuple[str, ...], indonesian: str,
                                                   english: str) -> None:
    default = run_ppid(*args, env=environ)
    asked = run_ppid(*args, env=environ | {"PPID_LANGUAGE": "en"})

    assert default.returncode == asked.returncode == 2
    assert indonesian in default.stderr and "Lihat 'ppid" in default.stderr, default.stderr
    assert "Error:" not in default.stderr and "Try '" not in default.stderr
    assert english in asked.stderr and "Try 'ppid" in asked.stderr, asked.stderr
    assert "Traceback" not in default.stderr + asked.stderr


def test_every_translated_click_message_is_still_one_click_writes_with_the_same_placeholders() -> None:
    """A Click upgrade that rewords a message would silently bring back English: the catalog is checked against the
    messages extracted from the installed Click."""
    written = {message if isinstance(message, str) else message[0]
               for _, _, message, _, _ in extract_from_dir(
                   str(Path(click.__file__).parent), method_map=[("**.py", "python")],
                   keywords={"_": None, "ngettext": (1, 2)})}
    with CATALOG.open("rb") as stream:
        catalog = read_po(stream, locale="id")

    for message in catalog:
        if not message.id:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        assert singular in written, f"Click no longer writes {singular!r}"
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, translated in enumerate(translations):
            source = message.id[min(index, 1)] if isinstance(message.id, tuple) else message.id
            assert translated, f"{singular!r} is not translated"
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(source)) or (
                isinstance(message.id, tuple) and set(PLACEHOLDER.findall(translated)) <= set(
                    PLACEHOLDER.findall(message.id[0]) + PLACEHOLDER.findall(message.id[1]))), singular


def test_a_command_run_in_process_leaves_its_callers_language_as_it_found_it(environ: dict[str, str]) -> None:
    from click.testing import CliRunner

    from ppid import i18n
    from ppid.cli import main

    result = CliRunner().invoke(main, ["--lang", "en", "panen"], env=environ)

    assert "No such command 'panen'." in result.output
    assert i18n.get_language() == "id"
