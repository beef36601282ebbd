"""Lists fixed by UU No. 14/2008 that the forms and the workflow choose from (kip-rules §2.4)."""

from __future__ import annotations

from ppid.i18n import _

EXEMPTION_GROUNDS = {
    "a": "menghambat proses penegakan hukum",
    "b": "mengganggu perlindungan hak atas kekayaan intelektual dan persaingan usaha tidak sehat",
    "c": "membahayakan pertahanan dan keamanan negara",
    "d": "mengungkapkan kekayaan alam Indonesia",
    "e": "merugikan ketahanan ekonomi nasional",
    "f": "merugikan kepentingan hubungan luar negeri",
    "g": "mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir ataupun wasiat",
    "h": "mengungkap rahasia pribadi",
    "i": "memorandum atau surat antar/intra badan publik yang menurut sifatnya dirahasiakan",
    "j": "informasi yang tidak boleh diungkapkan berdasarkan undang-undang",
}
"""UU KIP Pasal 17 huruf a-j: the only grounds on which a request may be refused (Pasal 22(7)(c))."""

TEMPORARY_EXEMPTIONS = frozenset("abcdef")
"""Pasal 20(1): exemptions under Pasal 17 a-f are not permanent, so the consequence test states a period."""


def exemption_label(letter: str) -> str:
    return _("Pasal 17 huruf %(letter)s: %(ground)s", letter=letter, ground=_(EXEMPTION_GROUNDS[letter]))


OBJECTION_GROUNDS = {
    "a": "penolakan berdasarkan alasan pengecualian Pasal 17",
    "b": "tidak disediakannya informasi berkala sebagaimana dimaksud dalam Pasal 9",
    "c": "tidak ditanggapinya permintaan informasi",
    "d": "permintaan informasi ditanggapi tidak sebagaimana yang diminta",
    "e": "tidak dipenuhinya permintaan informasi",
    "f": "pengenaan biaya yang tidak wajar",
    "g": "penyampaian informasi yang melebihi waktu yang diatur dalam undang-undang",
}
"""UU KIP Pasal 35(1) huruf a-g: the grounds of an objection (keberatan) to the atasan PPID."""

SETTLED_BY_DELIBERATION = frozenset("bcdefg")
"""Pasal 35(2): grounds b-g may be settled by deliberation (musyawarah) between the parties; a may not."""


def objection_ground_label(letter: str) -> str:
    return _("Pasal 35 ayat (1) huruf %(letter)s: %(ground)s", letter=letter, ground=_(OBJECTION_GROUNDS[letter]))
