"""Whether a region name written in a table is the name the Kemendagri list gives its code.

Officers write names as their office writes them: "KAB. BOGOR", "Kabupaten  Bogor", "Bogor", "Gunung Putri" for
the list's "Gunungputri", "Kec. Cibinong". Those are the same region and must pass; "Kota Bandung" next to code
3201 (Kabupaten Bogor) is another region and is reported (a warning: the code decides, the name is only checked).
So names are compared by their letters and digits only (case, spaces and punctuation ignored), with the usual
abbreviations spelled out (Kab., Kep., Prov., DKI, DI, DIY), the level words the list does not write dropped
(Provinsi, Kecamatan, Desa, Kelurahan …; "Administrasi" of the Jakarta names), and "Kabupaten"/"Kota" optional only
when left out: "Kota Bogor" is not "Kabupaten Bogor".
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_SPELLED_OUT = {"kab": "kabupaten", "kep": "kepulauan", "prov": "provinsi", "propinsi": "provinsi",
                "dki": "daerah khusus ibukota", "diy": "daerah istimewa yogyakarta"}
"""Abbreviations in region names, and what the list writes."""
_STATUS = ("di", "daerah istimewa")
""""DI" (Yogyakarta) is read as a status only as a name's first word, or after "Provinsi"."""
_IGNORED = {"administrasi"}
"""Words of the list's Jakarta names a table leaves out: "Jakarta Pusat" is "Kota Administrasi Jakarta Pusat"."""
_OPTIONAL_LEVEL = {"kabupaten", "kota", "provinsi"}
"""Level words the list writes before a name that a table may leave out (but not replace by another)."""
_DROPPED_LEVEL = {"provinsi", "kecamatan", "kec", "desa", "kelurahan", "kel", "distrik", "kampung", "nagari",
                  "gampong"}
"""Level words a table may write before a province's, a kecamatan's or a village's name, which the list does not
write."""


def _words(name: str) -> list[str]:
    """Lower-case words of letters and digits, accents removed (``é`` → ``e``), abbreviations spelt out."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words: list[str] = []
    for word in _WORD.findall(plain):  # initials written with dots ("D.I.", "D.I.Y.") are one word
        if len(word) == 1 and words and (len(words[-1]) == 1 or words[-1] == "di"):
            words[-1] += word
        else:
            words.append(word)
    words = [_SPELLED_OUT.get(word, word) for word in words]
    for position in (0, 1):
        if len(words) > position and words[position] == _STATUS[0] and (position == 0 or words[0] in ("provinsi",)):
            words[position] = _STATUS[1]
    return [part for word in words for part in word.split() if part not in _IGNORED]


def _spellings(official: str) -> set[str]:
    """Every way the list's name may be written, letters and digits only."""
    words = _words(official)  # the list itself abbreviates too: "Kep. Masaloka Raya"
    spellings = {"".join(words)}
    if len(words) > 1 and words[0] in _OPTIONAL_LEVEL:
        spellings.add("".join(words[1:]))
    return spellings


def _spelling(name: str, official_first_word: str) -> str:
    """The table's name, abbreviations spelled out and a level word the list does not write dropped."""
    words = _words(name)
    if len(words) > 1 and words[0] in _DROPPED_LEVEL and words[0] != official_first_word:
        words = words[1:]
    return "".join(words)


def same_region(name: str, official: str) -> bool:
    """Whether ``name`` is a way of writing ``official``, the list's name for the row's code."""
    first = next(iter(_words(official)), "")
    return _spelling(name, first) in _spellings(official)
