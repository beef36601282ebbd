"""Whether a region name written in a table is the name the Kemendagri list gives its code.

Officers write names as their office writes them: "KAB. BOGOR", "Kabupaten  Bogor", "Bogor", "Gunung Putri" for
the list's "Gunungputri", "Kec. Cibinong". Those are the same region and must pass; "Kota Bandung" next to code
3201 (Kabupaten Bogor) is another region and is reported (a warning: the code decides, the name is only checked).
So names are compared by their letters and digits only (case, spaces and punctuation ignored), with the usual
abbreviations spelled out, the level words of kecamatan and desa dropped, and "Kabupaten"/"Kota"/"Provinsi" optional
only when left out: "Kota Bogor" is not "Kabupaten Bogor".
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_SPELLED_OUT = {"kab": "kabupaten", "kep": "kepulauan", "prov": "provinsi", "propinsi": "provinsi"}
"""Abbreviations written before a region name, and what the list writes."""
_OPTIONAL_LEVEL = {"kabupaten", "kota", "provinsi"}
"""Level words the list writes before a name that a table may leave out (but not replace by another)."""
_DROPPED_LEVEL = {"kecamatan", "kec", "desa", "kelurahan", "kel", "distrik", "kampung", "nagari", "gampong"}
"""Level words a table may write before a kecamatan's or a village's name, which the list does not write."""


def _words(name: str) -> list[str]:
    """Lower-case words of letters and digits, accents removed (``é`` → ``e``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return _WORD.findall(plain)


def _spellings(official: str) -> set[str]:
    """Every way the list's name may be written, letters and digits only."""
    words = [_SPELLED_OUT.get(word, word) for word in _words(official)]  # the list itself writes "Kep. Masaloka Raya"
    spellings = {"".join(words)}
    if len(words) > 1 and words[0] in _OPTIONAL_LEVEL:
        spellings.add("".join(words[1:]))
    return spellings


def _spelling(name: str, official_first_word: str) -> str:
    """The table's name, abbreviations spelled out and a level word the list does not write dropped."""
    words = [_SPELLED_OUT.get(word, word) for word in _words(name)]
    if len(words) > 1 and words[0] in _DROPPED_LEVEL and words[0] != official_first_word:
        words = words[1:]
    return "".join(words)


def same_region(name: str, official: str) -> bool:
    """Whether ``name`` is a way of writing ``official``, the list's name for the row's code."""
    first = next(iter(_words(official)), "")
    return _spelling(name, first) in _spellings(official)
