"""Every cause of a problem, with the sentences a data officer reads: what is wrong, how to fix it,
and a short note for one row of the rows-to-fix file.

Sentences are rendered when read, in the current language (``ppid.i18n``), from the language-neutral
``code`` and ``params`` stored in the report, so a stored report can be shown in either language.
Numbers are formatted the way the reader's language writes them (1.204 in Bahasa Indonesia).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ppid.i18n import _, get_language, ngettext

Severity = Literal["error", "warning"]
_MARKS = {"id": (".", ","), "en": (",", ".")}
"""Group and decimal marks per interface language, as Babel's ``id_ID`` and ``en_US`` write numbers."""
_THOUSANDTH = Decimal("0.001")
_LIST_LIMIT = 12


def number(value: Any) -> str:
    """A count or limit as the current language writes it (Babel's ``format_decimal`` for ``id_ID`` and ``en_US``,
    to the character: ``1.234.567,5``, at most three decimals, half to even); anything else unchanged. Written out
    rather than imported: Babel's numbers and locale data cost 0.026 s of every report with a number in it."""
    if isinstance(value, bool):
        return str(value)
    try:
        exact = Decimal(str(value))
        rounded = exact.quantize(_THOUSANDTH) if exact.is_finite() else exact
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if rounded.is_signed() else ""
    if rounded.is_nan():
        return "NaN"
    if rounded.is_infinite():
        return sign + "∞"
    group, point = _MARKS.get(get_language(), _MARKS["id"])
    whole, _, fraction = f"{abs(rounded):,f}".partition(".")
    fraction = fraction.rstrip("0")
    return sign + whole.replace(",", group) + (point + fraction if fraction else "")


def listing(values: Sequence[Any], limit: int = _LIST_LIMIT) -> str:
    """`a`, `b`, `c`, … (at most ``limit`` items, so a 500-value enum stays readable)."""
    shown = ", ".join(f"`{value}`" for value in values[:limit])
    return shown + (", …" if len(values) > limit else "") if values else "-"


@dataclass(frozen=True)
class Context:
    """What a sentence may mention: the group (column, count, params) and, for a row note, the value."""

    column: str | None = None
    count: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)
    value: str | None = None
    related_row: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self.params.get(key)


@dataclass(frozen=True)
class Cause:
    severity: Severity
    message: Callable[[Context], str]
    hint: Callable[[Context], str]
    note: Callable[[Context], str] = lambda c: ""


def _date_example(c: Context) -> str:
    formats = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%dT%H:%M:%S", "time": "%H:%M:%S"}
    fmt = c["format"] if c["format"] not in (None, "default", "any") else formats.get(c["type"], "%Y-%m-%d")
    return datetime(2024, 3, 17, 8, 30).strftime(fmt)


def _format_name(fmt: str) -> str:
    names = {
        "pdf": _("dokumen PDF"),
        "docx": _("dokumen pengolah kata atau presentasi (Word, PowerPoint, Writer)"),
        "json": _("berkas JSON"),
        "zip": _("arsip ZIP di dalam arsip ZIP"),
    }
    return names.get(fmt, _("berkas yang formatnya tidak dikenali"))


def _archive_message(c: Context) -> str:
    reason, detail = c["reason"], c["detail"]
    if reason == "unsafe-path":
        return _("Arsip ZIP ditolak: anggota `%(rincian)s` menunjuk ke luar folder arsip.", rincian=detail)
    if reason == "ratio":
        return _(
            'Arsip ZIP ditolak: anggota `%(rincian)s` mengembang lebih dari %(rasio)s kali ukurannya (ciri "bom ZIP").',
            rincian=detail,
            rasio=number(c["max_ratio"]),
        )
    if reason == "too-large":
        return _(
            "Arsip ZIP ditolak: isinya lebih dari %(batas)s MB setelah dibuka.",
            batas=number(c["max_total_bytes"] // 1_000_000),
        )
    if reason == "too-many":
        return _(
            "Arsip ZIP ditolak: berisi %(rincian)s berkas, lebih dari batas %(batas)s.",
            rincian=number(detail),
            batas=number(c["max_members"]),
        )
    if reason == "encrypted":
        return _("Arsip ZIP ditolak: anggota `%(rincian)s` dilindungi kata sandi.", rincian=detail)
    return _("Arsip ZIP rusak dan tidak dapat dibuka.")


def _duplicate_message(c: Context) -> str:
    return ngettext(
        "%(jumlah)s baris mengulang data yang sudah ada; misalnya baris %(baris_a)s dan %(baris_b)s "
        "sama-sama berisi %(kunci)s.",
        "%(jumlah)s baris mengulang data yang sudah ada; misalnya baris %(baris_a)s dan %(baris_b)s "
        "sama-sama berisi %(kunci)s.",
        c.count,
        jumlah=number(c.count),
        baris_a=number(c["first_row"]),
        baris_b=number(c["second_row"]),
        kunci=c["example"],
    )


def _unique_message(c: Context) -> str:
    return ngettext(
        "kolom `%(kolom)s`: %(jumlah)s baris berisi nilai yang sudah dipakai di baris lain; misalnya baris "
        "%(baris_a)s dan %(baris_b)s sama-sama berisi `%(contoh)s`.",
        "kolom `%(kolom)s`: %(jumlah)s baris berisi nilai yang sudah dipakai di baris lain; misalnya baris "
        "%(baris_a)s dan %(baris_b)s sama-sama berisi `%(contoh)s`.",
        c.count,
        kolom=c.column,
        jumlah=number(c.count),
        baris_a=number(c["first_row"]),
        baris_b=number(c["second_row"]),
        contoh=c["example"],
    )


def _limit_message(c: Context, below: bool) -> str:
    limit = number(c["limit"])
    if below and c["exclusive"]:
        return ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris tidak lebih besar dari %(batas)s, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris tidak lebih besar dari %(batas)s, misalnya `%(contoh)s`.",
            c.count,
            batas=limit,
            **_vars(c),
        )
    if below:
        return ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris bernilai kurang dari %(batas)s, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris bernilai kurang dari %(batas)s, misalnya `%(contoh)s`.",
            c.count,
            batas=limit,
            **_vars(c),
        )
    if c["exclusive"]:
        return ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris tidak lebih kecil dari %(batas)s, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris tidak lebih kecil dari %(batas)s, misalnya `%(contoh)s`.",
            c.count,
            batas=limit,
            **_vars(c),
        )
    return ngettext(
        "kolom `%(kolom)s`: %(jumlah)s baris bernilai lebih dari %(batas)s, misalnya `%(contoh)s`.",
        "kolom `%(kolom)s`: %(jumlah)s baris bernilai lebih dari %(batas)s, misalnya `%(contoh)s`.",
        c.count,
        batas=limit,
        **_vars(c),
    )


def _vars(c: Context) -> dict[str, Any]:
    """The placeholders every per-column sentence may use: ``kolom `x`: 1.204 baris … `contoh```."""
    return {"kolom": c.column, "jumlah": number(c.count), "contoh": c["example"]}


CAUSES: dict[str, Cause] = {
    # -- the file as a whole ---------------------------------------------------------------------
    "file-empty": Cause(
        "error",
        lambda c: _("Berkas kosong: tidak berisi data apa pun."),
        lambda c: _(
            "Periksa apakah berkas yang diunggah sudah benar, lalu ekspor ulang datanya dari aplikasi sumbernya."
        ),
    ),
    "header-only": Cause(
        "error",
        lambda c: _("Berkas hanya berisi judul kolom, tanpa satu baris data pun."),
        lambda c: _("Isi data di bawah baris judul kolom, atau unggah berkas yang berisi data."),
    ),
    "html-page": Cause(
        "error",
        lambda c: _(
            "Berkas ini adalah halaman web (HTML), bukan tabel data, walaupun namanya berakhiran `%(akhiran)s`.",
            akhiran=c["suffix"] or "-",
        ),
        lambda c: _(
            "Buka berkas ini di Excel lalu simpan sebagai Excel Workbook (.xlsx) atau CSV UTF-8; atau "
            "unduh ulang dari aplikasi sumbernya dengan pilihan ekspor CSV atau Excel."
        ),
    ),
    "not-a-table": Cause(
        "error",
        lambda c: _(
            "Berkas ini adalah %(jenis)s, bukan tabel data yang bisa diperiksa dengan skema.",
            jenis=_format_name(c["format"]),
        ),
        lambda c: _("Unggah tabelnya dalam bentuk CSV (UTF-8) atau Excel (.xlsx), satu tabel per berkas."),
    ),
    "unreadable": Cause(
        "error",
        lambda c: _("Berkas tidak dapat dibaca sampai selesai (%(rincian)s).", rincian=c["detail"]),
        lambda c: _(
            "Buka berkas di aplikasi pembuatnya, periksa isinya, lalu simpan ulang sebagai CSV UTF-8 atau .xlsx."
        ),
    ),
    "encoding": Cause(
        "warning",
        lambda c: _(
            "Berkas tidak memakai pengodean UTF-8; isinya dibaca sebagai %(pengodean)s.", pengodean=c["encoding"]
        ),
        lambda c: _(
            'Di Excel pilih Simpan Sebagai → "CSV UTF-8 (Comma delimited)" agar huruf seperti é '
            "terbaca benar di semua aplikasi."
        ),
    ),
    "archive-rejected": Cause(
        "error",
        _archive_message,
        lambda c: _(
            "Buat ulang arsip ZIP yang hanya berisi berkas CSV atau Excel, tanpa kata sandi; atau unggah "
            "berkasnya satu per satu."
        ),
    ),
    "archive-empty": Cause(
        "error",
        lambda c: _("Arsip ZIP tidak berisi berkas."),
        lambda c: _(
            "Buat ulang arsip ZIP yang hanya berisi berkas CSV atau Excel, tanpa kata sandi; atau unggah "
            "berkasnya satu per satu."
        ),
    ),
    "limit-reached": Cause(
        "warning",
        lambda c: _(
            "Pemeriksaan dihentikan setelah %(batas)s kesalahan (batas yang diatur); baris sesudah baris "
            "%(baris)s belum diperiksa, jadi jumlah kesalahan sebenarnya bisa lebih banyak.",
            batas=number(c["limit"]),
            baris=number(c["last_row"]),
        ),
        lambda c: _("Perbaiki kesalahan yang sudah ditemukan lalu periksa ulang, atau periksa tanpa batas kesalahan."),
    ),
    # -- the layout: sheets, header, merged cells ---------------------------------------------------
    "sheet-chosen": Cause(
        "warning",
        lambda c: _(
            "Buku kerja berisi %(jumlah)s lembar (%(lembar)s); yang diperiksa hanya lembar `%(dipakai)s`.",
            jumlah=number(len(c["sheets"])),
            lembar=listing(c["sheets"]),
            dipakai=c["sheet"],
        ),
        lambda c: _("Simpan setiap tabel dalam berkas tersendiri, atau hapus lembar yang bukan data."),
    ),
    "sheet-missing": Cause(
        "error",
        lambda c: _(
            "Lembar `%(lembar)s` tidak ada di buku kerja; lembar yang ada: %(daftar)s.",
            lembar=c["sheet"],
            daftar=listing(c["sheets"]),
        ),
        lambda c: _("Pilih salah satu lembar yang ada, atau periksa nama lembarnya."),
    ),
    "header-not-first-row": Cause(
        "warning",
        lambda c: (
            _(
                'Judul kolom ada di baris %(baris)s, bukan di baris 1; baris di atasnya ("%(judul)s") dilewati.',
                baris=number(c["row"]),
                judul=c["title"],
            )
            if c["title"]
            else _(
                "Judul kolom ada di baris %(baris)s, bukan di baris 1; baris kosong di atasnya dilewati.",
                baris=number(c["row"]),
            )
        ),
        lambda c: _("Hapus judul tabel dan baris kosong di atas judul kolom, sehingga judul kolom ada di baris 1."),
    ),
    "merged-header": Cause(
        "error",
        lambda c: _(
            "Judul kolom memakai sel yang digabung (%(rentang)s), sehingga nama kolom tidak dapat dibaca "
            "dengan pasti; isi tabel belum diperiksa.",
            rentang=listing(c["ranges"]),
        ),
        lambda c: _(
            "Pisahkan sel yang digabung (Excel: pilih sel → Merge & Center → Unmerge Cells), lalu tulis "
            "satu judul untuk setiap kolom dalam satu baris saja."
        ),
    ),
    "merged-cells": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s rentang sel di bawah judul kolom digabung (%(rentang)s); setelah dipisah "
            "hanya sel pertama yang berisi nilai.",
            "%(jumlah)s rentang sel di bawah judul kolom digabung (%(rentang)s); setelah dipisah "
            "hanya sel pertama yang berisi nilai.",
            c.count,
            jumlah=number(c.count),
            rentang=listing(c["ranges"]),
        ),
        lambda c: _("Pisahkan sel yang digabung dan isi nilainya di setiap baris."),
    ),
    "missing-column": Cause(
        "error",
        lambda c: (
            _(
                "Kolom wajib `%(kolom)s` tidak ada; judul kolom yang ditemukan: %(ditemukan)s.",
                kolom=c.column,
                ditemukan=listing(c["found"], 40),
            )
            if c["required"]
            else _(
                "Kolom `%(kolom)s` tidak ada; judul kolom yang ditemukan: %(ditemukan)s.",
                kolom=c.column,
                ditemukan=listing(c["found"], 40),
            )
        ),
        lambda c: (
            _(
                "Mungkin kolom `%(mirip)s` yang dimaksud: ganti judulnya menjadi `%(kolom)s`.",
                mirip=c["similar"],
                kolom=c.column,
            )
            if c["similar"]
            else _(
                "Tambahkan kolom dengan judul `%(kolom)s` (%(judul)s).", kolom=c.column, judul=c["title"] or c.column
            )
        ),
    ),
    "extra-column": Cause(
        "error",
        lambda c: _(
            "Kolom `%(judul)s` (kolom ke-%(nomor)s) tidak ada dalam skema.", judul=c.column, nomor=number(c["position"])
        ),
        lambda c: _(
            "Hapus kolom ini (tabel yang diterbitkan tidak boleh memuat kolom di luar skema, misalnya NIK "
            "atau nama orang), atau ganti judulnya bila maksudnya salah satu kolom skema: %(kolom_skema)s.",
            kolom_skema=listing(c["expected"], 40),
        ),
    ),
    "duplicate-column": Cause(
        "error",
        lambda c: _(
            "Kolom `%(kolom)s` muncul lebih dari sekali (kolom ke-%(nomor)s); hanya yang pertama diperiksa.",
            kolom=c.column,
            nomor=", ".join(number(n) for n in c["positions"]),
        ),
        lambda c: _("Hapus kolom yang berulang atau ganti judulnya."),
    ),
    "blank-header": Cause(
        "error",
        lambda c: _(
            "Kolom ke-%(nomor)s tidak punya judul tetapi berisi data, misalnya `%(contoh)s` di baris %(baris)s.",
            nomor=number(c["position"]),
            contoh=c["example"],
            baris=number(c["row"]),
        ),
        lambda c: _("Beri judul kolom sesuai skema, atau hapus kolom itu bila tidak diperlukan."),
    ),
    "renamed-columns": Cause(
        "warning",
        lambda c: _(
            "Judul kolom berikut dikenali dengan ejaan lain: %(daftar)s.",
            daftar=", ".join(f"`{label}` → `{name}`" for label, name in c["renamed"]),
        ),
        lambda c: _("Ganti judul kolom menjadi nama kolom di skema agar sama persis di semua aplikasi."),
    ),
    # -- rows ---------------------------------------------------------------------------------------
    "blank-row": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s baris kosong di tengah data.",
            "%(jumlah)s baris kosong di tengah data.",
            c.count,
            jumlah=number(c.count),
        ),
        lambda c: _("Hapus baris yang kosong."),
        lambda c: _("baris kosong"),
    ),
    "total-row": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s baris adalah baris jumlah/total, bukan data (misalnya `%(contoh)s`).",
            "%(jumlah)s baris adalah baris jumlah/total, bukan data (misalnya `%(contoh)s`).",
            c.count,
            jumlah=number(c.count),
            contoh=c["example"],
        ),
        lambda c: _("Hapus baris jumlah atau total; pembaca data dapat menjumlahkannya sendiri."),
        lambda c: _("baris jumlah/total: hapus baris ini"),
    ),
    "extra-cell": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s baris berisi sel di luar kolom yang berjudul, misalnya `%(contoh)s`.",
            "%(jumlah)s baris berisi sel di luar kolom yang berjudul, misalnya `%(contoh)s`.",
            c.count,
            jumlah=number(c.count),
            contoh=c["example"],
        ),
        lambda c: _(
            "Hapus isi di sebelah kanan kolom terakhir; bila teksnya memang mengandung tanda pemisah kolom "
            "(koma atau titik koma), apit teks itu dengan tanda petik ganda."
        ),
        lambda c: _("ada isi di luar kolom yang berjudul: `%(nilai)s`", nilai=c.value),
    ),
    "missing-cell": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s baris berisi lebih sedikit sel daripada jumlah kolom.",
            "%(jumlah)s baris berisi lebih sedikit sel daripada jumlah kolom.",
            c.count,
            jumlah=number(c.count),
        ),
        lambda c: _("Lengkapi baris itu; biasanya barisnya terpotong atau tanda pemisah kolomnya hilang."),
        lambda c: _("baris ini kekurangan sel"),
    ),
    "duplicate-key": Cause(
        "error",
        _duplicate_message,
        lambda c: _(
            "Setiap kombinasi %(kolom_kunci)s hanya boleh muncul sekali; hapus baris ganda atau perbaiki nilainya.",
            kolom_kunci=listing(c["fields"]),
        ),
        lambda c: _("sama dengan baris %(baris)s (%(nilai)s)", baris=number(c.related_row), nilai=c.value),
    ),
    "row-constraint": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s baris tidak memenuhi aturan `%(rumus)s`.",
            "%(jumlah)s baris tidak memenuhi aturan `%(rumus)s`.",
            c.count,
            jumlah=number(c.count),
            rumus=c["formula"],
        ),
        lambda c: _("Periksa perhitungan di baris-baris ini; nilainya harus memenuhi aturan tersebut."),
        lambda c: _("tidak memenuhi aturan `%(rumus)s`", rumus=c["formula"]),
    ),
    # -- cells ----------------------------------------------------------------------------------------
    "required": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris kosong, padahal kolom ini wajib diisi.",
            "kolom `%(kolom)s`: %(jumlah)s baris kosong, padahal kolom ini wajib diisi.",
            c.count,
            kolom=c.column,
            jumlah=number(c.count),
        ),
        lambda c: _("Isi setiap sel kolom ini. Untuk jumlah nol tulis 0; tanda - dan N/A dianggap kosong."),
        lambda c: _("`%(kolom)s` kosong (wajib diisi)", kolom=c.column),
    ),
    "float-integer": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris berisi angka desimal seperti `%(contoh)s`; seharusnya bilangan bulat.",
            "kolom `%(kolom)s`: %(jumlah)s baris berisi angka desimal seperti `%(contoh)s`; seharusnya bilangan bulat.",
            c.count,
            **_vars(c),
        ),
        lambda c: _(
            "Format kolom sebagai angka tanpa desimal di Excel (Format Cells → Number, 0 desimal) lalu simpan ulang."
        ),
        lambda c: _(
            "`%(kolom)s` berisi angka desimal `%(nilai)s`, seharusnya bilangan bulat", kolom=c.column, nilai=c.value
        ),
    ),
    "float-code": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris berisi kode yang tertulis sebagai angka desimal "
            "seperti `%(contoh)s`; kode ditulis tanpa `.0`.",
            "kolom `%(kolom)s`: %(jumlah)s baris berisi kode yang tertulis sebagai angka desimal "
            "seperti `%(contoh)s`; kode ditulis tanpa `.0`.",
            c.count,
            **_vars(c),
        ),
        lambda c: _(
            "Format kolom sebagai Text di Excel (Format Cells → Text), tulis ulang kodenya tanpa .0, lalu simpan ulang."
        ),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, tulis kodenya tanpa .0", kolom=c.column, nilai=c.value),
    ),
    "dotted-code": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris menulis kode dengan titik atau spasi seperti "
            "`%(contoh)s`; seharusnya `%(benar)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris menulis kode dengan titik atau spasi seperti "
            "`%(contoh)s`; seharusnya `%(benar)s`.",
            c.count,
            **_vars(c),
            benar=c["corrected"],
        ),
        lambda c: _(
            "Tulis kode hanya dengan angka, tanpa titik atau spasi (Excel: Find & Replace titik dengan "
            "kosong, pada kolom berformat Text)."
        ),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, tulis kodenya tanpa titik atau spasi", kolom=c.column, nilai=c.value
        ),
    ),
    "number-format-id": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris memakai format angka Indonesia seperti "
            "`%(contoh)s`; skema ini memakai titik sebagai tanda desimal, tanpa pemisah ribuan.",
            "kolom `%(kolom)s`: %(jumlah)s baris memakai format angka Indonesia seperti "
            "`%(contoh)s`; skema ini memakai titik sebagai tanda desimal, tanpa pemisah ribuan.",
            c.count,
            **_vars(c),
        ),
        lambda c: _(
            "Tulis angka tanpa pemisah ribuan dan dengan titik desimal, misalnya 1234567.89 (Excel: Format "
            'Cells → Number, "Use 1000 Separator" tidak dicentang).'
        ),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, tulis tanpa pemisah ribuan, dengan titik desimal",
            kolom=c.column,
            nilai=c.value,
        ),
    ),
    "type-integer": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris bukan bilangan bulat, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris bukan bilangan bulat, misalnya `%(contoh)s`.",
            c.count,
            **_vars(c),
        ),
        lambda c: _("Tulis angka saja, tanpa huruf, spasi, satuan atau pemisah ribuan."),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, seharusnya bilangan bulat", kolom=c.column, nilai=c.value),
    ),
    "type-number": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris bukan angka, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris bukan angka, misalnya `%(contoh)s`.",
            c.count,
            **_vars(c),
        ),
        lambda c: (
            _(
                'Tulis angka saja, tanpa "Rp", satuan atau huruf; tanda desimalnya koma (,) dan pemisah '
                "ribuannya titik (.)."
            )
            if c["decimal_char"] == ","
            else _('Tulis angka saja, tanpa "Rp", satuan, huruf atau pemisah ribuan; tanda desimalnya titik (.).')
        ),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, seharusnya angka", kolom=c.column, nilai=c.value),
    ),
    "type-date": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris bukan tanggal atau waktu yang sah dengan format "
            "seperti `%(teladan)s`, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris bukan tanggal atau waktu yang sah dengan format "
            "seperti `%(teladan)s`, misalnya `%(contoh)s`.",
            c.count,
            **_vars(c),
            teladan=_date_example(c),
        ),
        lambda c: _(
            "Tulis persis seperti `%(teladan)s` (Excel: Format Cells → Custom → yyyy-mm-dd untuk tanggal) "
            "dan pastikan tanggalnya ada di kalender (bukan 30 Februari).",
            teladan=_date_example(c),
        ),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, seharusnya seperti `%(teladan)s`",
            kolom=c.column,
            nilai=c.value,
            teladan=_date_example(c),
        ),
    ),
    "type-other": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris tidak sesuai tipe `%(tipe)s`, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris tidak sesuai tipe `%(tipe)s`, misalnya `%(contoh)s`.",
            c.count,
            **_vars(c),
            tipe=c["type"],
        ),
        lambda c: (
            _("Pakai salah satu nilai ini: %(nilai)s.", nilai=listing(c["allowed"]))
            if c["allowed"]
            else _("Periksa isi sel sesuai keterangan kolom di skema.")
        ),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, tidak sesuai tipe `%(tipe)s`",
            kolom=c.column,
            nilai=c.value,
            tipe=c["type"],
        ),
    ),
    "enum": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris berisi nilai yang tidak diizinkan, misalnya "
            "`%(contoh)s`; nilai yang diizinkan: %(pilihan)s.",
            "kolom `%(kolom)s`: %(jumlah)s baris berisi nilai yang tidak diizinkan, misalnya "
            "`%(contoh)s`; nilai yang diizinkan: %(pilihan)s.",
            c.count,
            **_vars(c),
            pilihan=listing(c["allowed"]),
        ),
        lambda c: _("Pakai salah satu nilai yang diizinkan, dengan ejaan dan huruf besar-kecil yang persis sama."),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, bukan nilai yang diizinkan", kolom=c.column, nilai=c.value),
    ),
    "minimum": Cause(
        "error",
        lambda c: _limit_message(c, below=True),
        lambda c: _("Periksa nilai-nilai ini; batas bawahnya %(batas)s.", batas=number(c["limit"])),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, di bawah batas %(batas)s",
            kolom=c.column,
            nilai=c.value,
            batas=number(c["limit"]),
        ),
    ),
    "maximum": Cause(
        "error",
        lambda c: _limit_message(c, below=False),
        lambda c: _("Periksa nilai-nilai ini; batas atasnya %(batas)s.", batas=number(c["limit"])),
        lambda c: _(
            "`%(kolom)s` berisi `%(nilai)s`, di atas batas %(batas)s",
            kolom=c.column,
            nilai=c.value,
            batas=number(c["limit"]),
        ),
    ),
    "length": Cause(
        "error",
        lambda c: (
            ngettext(
                "kolom `%(kolom)s`: %(jumlah)s baris lebih pendek dari %(batas)s karakter, misalnya `%(contoh)s`.",
                "kolom `%(kolom)s`: %(jumlah)s baris lebih pendek dari %(batas)s karakter, misalnya `%(contoh)s`.",
                c.count,
                **_vars(c),
                batas=number(c["limit"]),
            )
            if c["below"]
            else ngettext(
                "kolom `%(kolom)s`: %(jumlah)s baris lebih panjang dari %(batas)s karakter, misalnya `%(contoh)s`.",
                "kolom `%(kolom)s`: %(jumlah)s baris lebih panjang dari %(batas)s karakter, misalnya `%(contoh)s`.",
                c.count,
                **_vars(c),
                batas=number(c["limit"]),
            )
        ),
        lambda c: _("Periksa panjang isi sel ini."),
        lambda c: _(
            "panjang `%(kolom)s` tidak sesuai batas %(batas)s karakter", kolom=c.column, batas=number(c["limit"])
        ),
    ),
    "pattern": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris tidak sesuai format yang diminta, misalnya `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris tidak sesuai format yang diminta, misalnya `%(contoh)s`.",
            c.count,
            **_vars(c),
        ),
        lambda c: (
            _("Format yang diminta: %(keterangan)s", keterangan=c["description"])
            if c["description"]
            else _("Isinya harus cocok dengan pola `%(pola)s`.", pola=c["pattern"])
        ),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, tidak sesuai format", kolom=c.column, nilai=c.value),
    ),
    "unknown-code": Cause(
        "error",
        lambda c: (
            ngettext(
                "kolom `%(kolom)s`: %(jumlah)s baris berisi kode wilayah yang tidak terdaftar, misalnya `%(contoh)s`.",
                "kolom `%(kolom)s`: %(jumlah)s baris berisi kode wilayah yang tidak terdaftar, misalnya `%(contoh)s`.",
                c.count,
                **_vars(c),
            )
            if c["reference"] == "kode_wilayah"
            else ngettext(
                "kolom `%(kolom)s`: %(jumlah)s baris berisi kode yang tidak ada di daftar `%(daftar)s`, "
                "misalnya `%(contoh)s`.",
                "kolom `%(kolom)s`: %(jumlah)s baris berisi kode yang tidak ada di daftar `%(daftar)s`, "
                "misalnya `%(contoh)s`.",
                c.count,
                **_vars(c),
                daftar=c["reference"],
            )
        ),
        lambda c: (
            _(
                "Periksa kodenya di daftar kode wilayah Kemendagri yang berlaku (bukan kode BPS); wilayah yang "
                "dimekarkan atau diganti namanya memakai kode baru."
            )
            if c["reference"] == "kode_wilayah"
            else _("Periksa kodenya di daftar `%(daftar)s`.", daftar=c["reference"])
        ),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, kode ini tidak terdaftar", kolom=c.column, nilai=c.value),
    ),
    "region-name": Cause(
        "warning",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris berisi nama wilayah yang bukan nama kodenya; misalnya baris "
            "%(baris)s: kode %(kode)s adalah %(resmi)s, bukan `%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris berisi nama wilayah yang bukan nama kodenya; misalnya baris "
            "%(baris)s: kode %(kode)s adalah %(resmi)s, bukan `%(contoh)s`.",
            c.count,
            **_vars(c),
            baris=number(c["row"]),
            kode=c["code"],
            resmi=c["official"],
        ),
        lambda c: _(
            "Periksa setiap baris yang disebut: jika kodenya benar, tulis nama wilayah sesuai daftar kode wilayah "
            "Kemendagri (penulisan \"Kab.\" atau \"Kabupaten\", huruf besar-kecil dan spasi tidak masalah); jika "
            "namanya yang benar, perbaiki kode di kolom `%(kolom_kode)s`. Tabel tetap sah, tetapi pembaca akan "
            "melihat dua wilayah berbeda di baris yang sama.",
            kolom_kode=c["code_column"],
        ),
        lambda c: _("`%(kolom)s` bukan nama kode di `%(kolom_kode)s`: kode itu adalah %(resmi)s", kolom=c.column,
                    kolom_kode=c["code_column"], resmi=c.value),
    ),
    "unique": Cause(
        "error",
        _unique_message,
        lambda c: _("Setiap nilai di kolom ini harus berbeda; hapus baris ganda atau perbaiki nilainya."),
        lambda c: _("`%(kolom)s` sama dengan baris %(baris)s", kolom=c.column, baris=number(c.related_row)),
    ),
    "foreign-key": Cause(
        "error",
        lambda c: ngettext(
            "kolom `%(kolom)s`: %(jumlah)s baris merujuk nilai yang tidak ada di kolom `%(rujukan)s`; misalnya "
            "`%(contoh)s`.",
            "kolom `%(kolom)s`: %(jumlah)s baris merujuk nilai yang tidak ada di kolom `%(rujukan)s`; misalnya "
            "`%(contoh)s`.",
            c.count,
            kolom=c.column,
            jumlah=number(c.count),
            rujukan=c["reference"],
            contoh=c["example"],
        ),
        lambda c: _("Isi dengan nilai yang ada di kolom `%(rujukan)s` tabel ini, atau tambahkan baris yang dirujuk.",
                    rujukan=c["reference"]),
        lambda c: _("`%(kolom)s` berisi `%(nilai)s`, tidak ada di kolom `%(rujukan)s`", kolom=c.column,
                    nilai=c.value, rujukan=c["reference"]),
    ),
    "other": Cause(
        "error",
        lambda c: ngettext(
            "%(jumlah)s kesalahan `%(jenis)s`: %(catatan)s",
            "%(jumlah)s kesalahan `%(jenis)s`: %(catatan)s",
            c.count,
            jumlah=number(c.count),
            jenis=c["type"],
            catatan=c["note"],
        ),
        lambda c: _("Periksa baris-baris yang disebut."),
        lambda c: c["type"] or "",
    ),
}
