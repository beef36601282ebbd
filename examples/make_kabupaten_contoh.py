"""Generate the files of the sample region ``examples/kabupaten-contoh/`` (tables, messy exports, documents).

The generated files are committed: the quick start and the tests use them as they are. Run this
only to change them::

    pip install -e '.[examples]'        # reportlab, for the PDFs
    python examples/make_kabupaten_contoh.py

The data is made up; the region codes are the real Kemendagri codes of Kabupaten Bogor (3201).
Each file's purpose is listed in ``examples/kabupaten-contoh/README.md``. Output is deterministic:
the same script writes the same tables and PDFs (the DOCX, XLSX and ODS carry fixed dates).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent / "kabupaten-contoh"
FIXED_DATE = datetime(2024, 6, 1, 8, 0, 0)
ZIP_DATE = (2024, 6, 1, 8, 0, 0)
KECAMATAN = {
    "320101": "Cibinong",
    "320102": "Gunungputri",
    "320103": "Citeureup",
    "320104": "Sukaraja",
    "320114": "Leuwiliang",
    "320115": "Ciampea",
    "320125": "Cisarua",
    "320130": "Dramaga",
}
DESA = {  # (kode_desa, nama_desa, kode_kecamatan)
    "Pondok Rajeg": ("3201011001", "320101"),
    "Karadenan": ("3201011002", "320101"),
    "Nanggewer": ("3201011004", "320101"),
    "Pakansari": ("3201011007", "320101"),
    "Leuwiliang": ("3201142001", "320114"),
    "Karacak": ("3201142005", "320114"),
    "Cibeber I": ("3201142009", "320114"),
    "Cinangka": ("3201152002", "320115"),
    "Cibadak": ("3201152008", "320115"),
    "Batulayang": ("3201252001", "320125"),
}


def write_csv(path: Path, rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8",
              above_header: list[list[object]] = ()) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(above_header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}"


# -- tables ----------------------------------------------------------------------------------------


def dinkes(rng: random.Random) -> None:
    header = ["tahun", "kode_kecamatan", "nama_kecamatan", "jumlah_sasaran", "jumlah_realisasi", "persentase_cakupan"]
    rows = [header]
    for kode, nama in KECAMATAN.items():
        target = rng.randint(900, 3200)
        done = int(target * rng.uniform(0.78, 0.97))
        rows.append([2023, kode, nama, target, done, percent(done, target)])
    # Excel's "CSV UTF-8" on a computer set to Indonesian: a byte-order mark and ";" between columns.
    write_csv(ROOT / "dinkes" / "imunisasi-2023.csv", rows, delimiter=";", encoding="utf-8-sig")


def disdukcapil(rng: random.Random) -> None:
    header = ["Tahun", "Kode Kecamatan", "Nama Kecamatan", "Laki-laki", "Perempuan", "Jumlah Penduduk"]
    rows = [header]
    for kode, nama in KECAMATAN.items():
        men, women = rng.randint(40_000, 150_000), rng.randint(40_000, 150_000)
        rows.append([2023, kode, nama, men, women, men + women])
    # Windows-1252 (the en dash in the title), a title and a blank row above the header, Excel's headers.
    title = [["DATA PENDUDUK KABUPATEN CONTOH – SEMESTER II TAHUN 2023"], ["Sumber: SIAK Disdukcapil"], []]
    write_csv(ROOT / "disdukcapil" / "penduduk-2023.csv", rows, encoding="cp1252", above_header=title)

    header = ["tahun", "kode_kecamatan", "nama_kecamatan", "jumlah_laki_laki", "jumlah_perempuan", "jumlah_penduduk"]
    wrong = [header]
    # Deliberately wrong region codes: a BPS code (7 digits), a dotted code, a kecamatan that does not exist.
    for kode, nama in (("3201010", "Cibinong"), ("32.01.02", "Gunungputri"), ("320199", "Citeureup")):
        men, women = rng.randint(40_000, 150_000), rng.randint(40_000, 150_000)
        wrong.append([2022, kode, nama, men, women, men + women])
    write_csv(ROOT / "disdukcapil" / "penduduk-2022.csv", wrong)

    desa = [["tahun", "kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa", "status_desa", "luas_wilayah",
             "jumlah_rw", "jumlah_rt"]]
    for nama, (kode_desa, kode_kec) in DESA.items():
        status = "Kelurahan" if kode_kec == "320101" else "Desa"
        desa.append([2024, kode_kec, KECAMATAN[kode_kec], kode_desa, nama, status, f"{rng.uniform(1.5, 9):.2f}",
                     rng.randint(5, 18), rng.randint(20, 90)])
    write_csv(ROOT / "disdukcapil" / "desa-kelurahan-2024.csv", desa)


def bpkad(rng: random.Random) -> None:
    from openpyxl import Workbook

    accounts = [
        ("4", "PENDAPATAN DAERAH", 4_512_000_000_000),
        ("4.1", "PENDAPATAN ASLI DAERAH", 1_402_000_000_000),
        ("4.2", "PENDAPATAN TRANSFER", 3_010_000_000_000),
        ("4.3", "LAIN-LAIN PENDAPATAN DAERAH YANG SAH", 100_000_000_000),
        ("5", "BELANJA DAERAH", 4_830_000_000_000),
        ("5.1", "BELANJA OPERASI", 3_520_000_000_000),
        ("5.2", "BELANJA MODAL", 1_120_000_000_000),
        ("5.3", "BELANJA TIDAK TERDUGA", 40_000_000_000),
        ("6", "PEMBIAYAAN DAERAH", 318_000_000_000),
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Realisasi 2024"
    sheet.append(["LAPORAN REALISASI ANGGARAN KABUPATEN CONTOH TAHUN ANGGARAN 2024"])
    sheet.append([])
    sheet.append(["tahun", "kode_rekening", "nama_rekening", "anggaran", "realisasi", "persentase_realisasi"])
    for code, name, budget in accounts:
        spent = int(budget * rng.uniform(0.85, 1.05))
        sheet.append([2024, code, name, budget, spent, float(percent(spent, budget))])
    save_workbook(workbook, ROOT / "bpkad" / "realisasi-apbd-2024.xlsx")

    assets = Workbook()
    sheet = assets.active
    sheet.title = "Rekap KIB"
    sheet.append(["REKAPITULASI BARANG MILIK DAERAH PER 31 DESEMBER 2023"])
    sheet.append(["Golongan", "Uraian", "Nilai (Rp)"])
    for row in (("KIB A", "Tanah", 2_150_400_000_000), ("KIB B", "Peralatan dan Mesin", 845_200_000_000),
                ("KIB C", "Gedung dan Bangunan", 1_930_700_000_000), ("KIB D", "Jalan, Irigasi dan Jaringan",
                 3_410_900_000_000), ("KIB E", "Aset Tetap Lainnya", 75_300_000_000),
                ("KIB F", "Konstruksi Dalam Pengerjaan", 120_800_000_000)):
        sheet.append(list(row))
    notes = assets.create_sheet("Catatan")
    notes.append(["Nilai menurut neraca audit BPK; aset tak berwujud dicatat terpisah."])
    save_workbook(assets, ROOT / "bpkad" / "rekap-aset-daerah-2023.xlsx")


def save_workbook(workbook, path: Path) -> None:
    workbook.properties.created = workbook.properties.modified = FIXED_DATE
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def disdik(rng: random.Random) -> None:
    header = ["tahun_ajaran", "kode_kecamatan", "nama_kecamatan", "jenjang", "status_sekolah", "jumlah_sekolah",
              "jumlah_siswa_laki_laki", "jumlah_siswa_perempuan", "jumlah_siswa", "jumlah_guru"]
    good, bad = [header], [header]
    for kode, nama in list(KECAMATAN.items())[:5]:
        for jenjang, status in (("SD", "Negeri"), ("SD", "Swasta"), ("SMP", "Negeri")):
            boys, girls = rng.randint(900, 4800), rng.randint(900, 4800)
            schools = rng.randint(3, 40)
            good.append(["2023/2024", kode, nama, jenjang, status, schools, boys, girls, boys + girls,
                         schools * rng.randint(6, 14)])
            # Deliberately invalid: counts written the Indonesian way (1.234), which no schema accepts.
            bad.append(["2022/2023", kode, nama, jenjang, status, schools, f"{boys:,}".replace(",", "."),
                        f"{girls:,}".replace(",", "."), f"{boys + girls:,}".replace(",", "."), ""])
    write_csv(ROOT / "disdik" / "sekolah-siswa-2023-2024.csv", good)
    write_csv(ROOT / "disdik" / "sekolah-siswa-2022-2023.csv", bad)


def distan(rng: random.Random) -> None:
    header = ["tahun", "kode_kecamatan", "nama_kecamatan", "komoditas", "luas_panen", "produksi", "produktivitas"]

    def rows(year: int) -> list[list[object]]:
        result = []
        for kode, nama in list(KECAMATAN.items())[4:]:
            for commodity in ("Padi Sawah", "Jagung"):
                area = rng.randint(300, 4200)
                tonnes = round(area * rng.uniform(4.2, 6.1), 1)
                result.append([year, kode, nama, commodity, area, tonnes, round(tonnes * 10 / area, 2)])
        return result

    # UTF-8 with a byte-order mark and ";", as saved by Excel on an Indonesian Windows.
    write_csv(ROOT / "distan" / "produksi-pertanian-2023.csv", [header, *rows(2023)], delimiter=";",
              encoding="utf-8-sig")
    write_ods(ROOT / "distan" / "produksi-pertanian-2024.ods", "Produksi 2024", [header, *rows(2024)])


def write_ods(path: Path, sheet: str, rows: list[list[object]]) -> None:
    """A minimal OpenDocument spreadsheet, as LibreOffice Calc reads and writes it."""
    cells = []
    for row in rows:
        parts = []
        for value in row:
            if isinstance(value, int | float):
                parts.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                             f"<text:p>{value}</text:p></table:table-cell>")
            else:
                parts.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
                             "</table:table-cell>")
        cells.append(f"<table:table-row>{''.join(parts)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">{"".join(cells)}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", ZIP_DATE), "application/vnd.oasis.opendocument.spreadsheet")
        for name, text in (("META-INF/manifest.xml", manifest), ("content.xml", content)):
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), text, compress_type=zipfile.ZIP_DEFLATED)


def bpbd(rng: random.Random) -> None:
    header = ["tanggal_kejadian", "jenis_bencana", "kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa",
              "korban_meninggal", "korban_hilang", "korban_luka", "pengungsi", "rumah_rusak_berat",
              "rumah_rusak_sedang", "rumah_rusak_ringan", "keterangan"]
    events = [("2024-01-12", "Banjir", "Nanggewer"), ("2024-02-03", "Tanah Longsor", "Karacak"),
              ("2024-02-19", "Cuaca Ekstrem", "Pondok Rajeg"), ("2024-03-08", "Tanah Longsor", "Batulayang"),
              ("2024-04-22", "Kebakaran Permukiman", "Cibadak"), ("2024-08-30", "Kekeringan", "Cibeber I")]
    good = [header]
    for date, kind, village in events:
        kode_desa, kode_kec = DESA[village]
        good.append([date, kind, kode_kec, KECAMATAN[kode_kec], kode_desa, village, 0, 0, rng.randint(0, 4),
                     rng.randint(0, 150), rng.randint(0, 3), rng.randint(0, 6), rng.randint(0, 20), "-"])
    write_csv(ROOT / "bpbd" / "kejadian-bencana-2024.csv", good)
    # Deliberately invalid: required values missing (the kind of disaster, the village's name and code).
    bad = [header,
           ["2023-11-04", "", "320114", "Leuwiliang", "3201142001", "Leuwiliang", 0, 0, 1, 20, 0, 1, 4, ""],
           ["2023-12-17", "Banjir", "320101", "Cibinong", "", "", 0, 0, 0, 85, 0, 0, 11, "Desa belum diisi"],
           ["2023-12-20", "Tanah Longsor", "320125", "Cisarua", "3201252001", "Batulayang", 1, 0, 2, 12, 2, 0, 0, ""]]
    write_csv(ROOT / "bpbd" / "kejadian-bencana-2023.csv", bad)


def dinsos(rng: random.Random) -> None:
    header = ["tahun", "kode_kecamatan", "nama_kecamatan", "program_bantuan", "jumlah_keluarga_penerima",
              "jumlah_jiwa_penerima", "nilai_bantuan"]
    rows = [header]
    for kode, nama in KECAMATAN.items():
        rows.append([2024, kode, nama, "PKH", rng.randint(2000, 6000), "", ""])
        families = rng.randint(3000, 8000)
        rows.append([2024, kode, nama, "BPNT", families, "", families * 2_400_000])
    write_csv(ROOT / "dinsos" / "penerima-bansos-2024.csv", rows)
    poor = [["tahun", "kode_kabupaten_kota", "nama_kabupaten_kota", "jumlah_penduduk_miskin",
             "persentase_penduduk_miskin", "garis_kemiskinan", "indeks_kedalaman_kemiskinan",
             "indeks_keparahan_kemiskinan"]]
    for year, people, share, line in ((2020, 491.26, 8.96, 414_512), (2021, 491.26, 8.13, 431_800),
                                      (2022, 434.56, 7.73, 459_231), (2023, 421.11, 7.27, 488_120)):
        poor.append([year, "3201", "Kabupaten Contoh", people, share, line, "", ""])
    write_csv(ROOT / "dinsos" / "penduduk-miskin-2020-2023.csv", poor)


def dpupr(rng: random.Random) -> None:
    header = ["tahun", "nomor_ruas", "nama_ruas", "status_jalan", "jenis_permukaan", "panjang_ruas", "lebar_jalan",
              "panjang_kondisi_baik", "panjang_kondisi_sedang", "panjang_kondisi_rusak_ringan",
              "panjang_kondisi_rusak_berat"]
    roads = ["Cibinong - Citeureup", "Leuwiliang - Karacak", "Ciampea - Dramaga", "Cisarua - Batulayang",
             "Gunungputri - Sukaraja"]
    good = [header]
    for number, name in enumerate(roads, start=1):
        length = round(rng.uniform(2, 12), 2)
        good_part = round(length * rng.uniform(0.4, 0.8), 2)
        fair = round((length - good_part) / 2, 2)
        light = round((length - good_part - fair) / 2, 2)
        heavy = round(length - good_part - fair - light, 2)
        good.append([2024, f"{number:03d}", name, "Jalan Kabupaten", "Aspal", length, 6, good_part, fair, light, heavy])
    write_csv(ROOT / "dpupr" / "kondisi-jalan-2024.csv", good)
    # Deliberately invalid: a road without its number and length, and conditions that do not add up.
    bad = [header,
           [2023, "", "Cibinong - Citeureup", "Jalan Kabupaten", "Aspal", "", 6, 3.1, 1.0, 0.5, 0.2],
           [2023, "002", "Leuwiliang - Karacak", "Jalan Kabupaten", "Aspal", 8.4, 5, 2.0, 1.0, 0.5, 0.2]]
    write_csv(ROOT / "dpupr" / "kondisi-jalan-2023.csv", bad)


# -- documents -------------------------------------------------------------------------------------

LOREM = (
    "Pemerintah Kabupaten Contoh berkomitmen meningkatkan kualitas pelayanan publik melalui perencanaan "
    "berbasis data, keterbukaan informasi dan partisipasi masyarakat. Dokumen ini disusun sebagai bahan "
    "pertanggungjawaban kepada publik sesuai Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik."
)

DOCUMENTS = {
    "dinkes/profil-kesehatan-2023.pdf": (
        "Profil Kesehatan Kabupaten Contoh 2023",
        ["Bab I Pendahuluan", "Profil kesehatan memuat gambaran derajat kesehatan masyarakat, upaya kesehatan, "
         "sumber daya kesehatan dan pembiayaan kesehatan.", "Bab II Derajat Kesehatan",
         "Angka kematian bayi turun menjadi 6 per 1.000 kelahiran hidup. Prevalensi stunting pada balita "
         "tercatat 18,2 persen.", "Bab III Upaya Kesehatan",
         "Cakupan imunisasi dasar lengkap mencapai 87 persen; 101 puskesmas melayani 40 kecamatan."], 3),
    "dinkes/lkjip-dinkes-2023.pdf": (
        "Laporan Kinerja Instansi Pemerintah (LKjIP) Dinas Kesehatan 2023",
        ["Ringkasan Eksekutif", "Dari 12 indikator kinerja utama, 10 tercapai. Capaian tertinggi pada indikator "
         "persalinan di fasilitas kesehatan.", "Akuntabilitas Keuangan",
         "Realisasi anggaran Dinas Kesehatan sebesar 94,3 persen dari pagu."], 2),
    "bpkad/lkpd-2023.pdf": (
        "Ringkasan Laporan Keuangan Pemerintah Daerah (LKPD) Tahun 2023",
        ["Opini BPK", "Laporan keuangan memperoleh opini Wajar Tanpa Pengecualian (WTP).",
         "Laporan Realisasi Anggaran", "Pendapatan daerah terealisasi 103 persen; belanja daerah 91 persen.",
         "Neraca", "Total aset per 31 Desember 2023 sebesar Rp 8,6 triliun."], 2),
    "distan/laporan-tahunan-distan-2023.pdf": (
        "Laporan Tahunan Dinas Pertanian 2023",
        ["Produksi padi sawah meningkat 4 persen dibanding tahun sebelumnya.", "Program Unggulan",
         "Bantuan benih unggul, pompa irigasi dan pendampingan kelompok tani di kecamatan Leuwiliang dan Ciampea."], 2),
    "bpbd/rencana-kontinjensi-banjir-2024.pdf": (
        "Rencana Kontinjensi Bencana Banjir 2024",
        ["Skenario", "Banjir luapan sungai Ciliwung dan Cileungsi berdampak pada 12 desa.", "Jalur Evakuasi",
         "Titik kumpul di kantor kecamatan dan sekolah negeri terdekat; posko utama di kantor BPBD."], 2),
    "dinsos/laporan-dtks-2024.pdf": (
        "Laporan Pemutakhiran Data Terpadu Kesejahteraan Sosial (DTKS) 2024",
        ["Pemutakhiran DTKS dilakukan melalui musyawarah desa dan verifikasi lapangan oleh pendamping sosial.",
         "Hasil", "Sebanyak 48.210 keluarga diusulkan masuk dan 6.532 keluarga dikeluarkan dari DTKS."], 1),
    # not in a dinas folder, so never harvested: the SK that sets the pemda's DIP (config/informasi-publik.yaml)
    "keputusan/sk-penetapan-dip-2026.pdf": (
        "Keputusan Bupati Contoh Nomor 188.45/12/KPTS/2026 tentang Daftar Informasi Publik",
        ["Menimbang", "bahwa untuk melaksanakan Pasal 11 ayat (1) huruf a Undang-Undang Nomor 14 Tahun 2008, "
         "perlu menetapkan Daftar Informasi Publik di lingkungan Pemerintah Kabupaten Contoh.", "Memutuskan",
         "Menetapkan Daftar Informasi Publik Pemerintah Kabupaten Contoh sebagaimana tercantum dalam lampiran "
         "yang diumumkan di portal PPID. Ditetapkan di Cibinong pada tanggal 15 Januari 2026."], 1),
}

WORD_DOCUMENTS = {
    "disdik/rencana-strategis-disdik-2021-2026.docx": (
        "Rencana Strategis Dinas Pendidikan 2021-2026",
        ["Visi: terwujudnya pendidikan yang merata, bermutu dan berkarakter.",
         "Misi 1: memperluas akses pendidikan anak usia dini dan pendidikan dasar.",
         "Misi 2: meningkatkan mutu pendidik dan tenaga kependidikan.",
         "Sasaran strategis: angka partisipasi murni SMP mencapai 85 persen pada tahun 2026."],
        [("Indikator", "2021", "2026"), ("APM SD", "97,1", "99,0"), ("APM SMP", "78,4", "85,0")], 3),
    "dpupr/laporan-kinerja-pupr-2023.docx": (
        "Laporan Kinerja Dinas Pekerjaan Umum dan Penataan Ruang 2023",
        ["Kemantapan jalan kabupaten mencapai 72,5 persen.",
         "Pembangunan 14 jembatan dan rehabilitasi jaringan irigasi sepanjang 23 km telah selesai."],
        [("Kegiatan", "Target", "Realisasi"), ("Jalan mantap (%)", "75", "72,5"), ("Jembatan (unit)", "12", "14")],
        2),
}


def write_pdf(path: Path, title: str, sections: list[str], pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("Pemerintah Kabupaten Contoh")
    width, height = A4
    chunks = [sections[i::pages] for i in range(pages)]
    for number, chunk in enumerate(chunks, start=1):
        y = height - 72
        if number == 1:
            pdf.setFont("Helvetica-Bold", 16)
            for line in simpleSplit(title, "Helvetica-Bold", 16, width - 144):
                pdf.drawString(72, y, line)
                y -= 22
            y -= 10
        for paragraph in [*chunk, LOREM]:
            bold = len(paragraph) < 40
            font = "Helvetica-Bold" if bold else "Helvetica"
            pdf.setFont(font, 12 if bold else 10.5)
            for line in simpleSplit(paragraph, font, 12 if bold else 10.5, width - 144):
                pdf.drawString(72, y, line)
                y -= 15
            y -= 8
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, 40, f"{title} - halaman {number} dari {pages}")
        pdf.showPage()
    pdf.save()


def write_docx(path: Path, title: str, paragraphs: list[str], table: list[tuple[str, ...]], pages: int) -> None:
    import docx

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = FIXED_DATE
    document.core_properties.title = title
    document.core_properties.author = "Pemerintah Kabupaten Contoh"
    document.add_heading(title, level=1)
    for number, paragraph in enumerate(paragraphs):
        document.add_paragraph(paragraph)
        if number and number % 2 == 0:
            document.add_page_break()
    grid = document.add_table(rows=0, cols=len(table[0]))
    for row in table:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = value
    document.add_paragraph(LOREM)
    buffer = io.BytesIO()
    document.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    _with_page_count(buffer.getvalue(), path, pages)


def _with_page_count(data: bytes, path: Path, pages: int) -> None:
    """Word stores the page count of its last layout in docProps/app.xml; python-docx cannot lay out pages."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                text = content.decode("utf-8")
                text = re.sub(r"<Pages>\d+</Pages>", f"<Pages>{pages}</Pages>", text)
                if "<Pages>" not in text:
                    text = text.replace("</Properties>", f"<Pages>{pages}</Pages></Properties>")
                content = text.encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), content, compress_type=zipfile.ZIP_DEFLATED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    rng = random.Random(3201)
    for make in (dinkes, disdukcapil, bpkad, disdik, distan, bpbd, dinsos, dpupr):
        make(rng)
    for name, (title, sections, pages) in DOCUMENTS.items():
        write_pdf(ROOT / name, title, sections, pages)
    for name, (title, paragraphs, table, pages) in WORD_DOCUMENTS.items():
        write_docx(ROOT / name, title, paragraphs, table, pages)
    for path in sorted(ROOT.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            print(f"{path.stat().st_size:>7}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
