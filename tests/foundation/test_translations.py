"""English is available everywhere: every message in the source has a translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
PO = REPO / "ppid" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("ppid/**.py", "python"), ("harvesters/**.py", "python"), ("ppid/templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("ppid", "harvesters"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / folder,
            [(pattern.split("/", 1)[1], method) for pattern, method in METHODS if pattern.startswith(folder)],
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_an_english_translation() -> None:
    with PO.open("rb") as po_file:
        catalog = read_po(po_file)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
    }

    missing = sorted(source_messages() - translated)

    assert not missing, f"{len(missing)} messages lack English, e.g.: {missing[:5]}"


def test_labels_of_coded_values_are_translated_too() -> None:
    from ppid.i18n import language
    from ppid.permohonan.models import Channel, DisputeResult, Outcome
    from ppid.permohonan.status import Phase

    with language("en"):
        assert (Outcome.GRANTED.label, Channel.IN_PERSON.label, Phase.AWAITING_ITEMS.label) == (
            "granted in full", "in person", "Waiting for missing items from the requester")
        assert DisputeResult.WITHDRAWN.label == "dispute withdrawn by the requester"
    with language("id"):
        assert Outcome.GRANTED.label == "dikabulkan seluruhnya"
