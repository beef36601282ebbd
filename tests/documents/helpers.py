"""Documents made the way offices make them: the sample region's PDFs and DOCX, a broken copy, a locked copy."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kabupaten-contoh"
PROFILE_PDF = SAMPLES / "dinkes" / "profil-kesehatan-2023.pdf"
STRATEGY_DOCX = SAMPLES / "disdik" / "rencana-strategis-disdik-2021-2026.docx"
ASSETS_XLSX = SAMPLES / "bpkad" / "rekap-aset-daerah-2023.xlsx"
HARVEST_ODS = SAMPLES / "distan" / "produksi-pertanian-2024.ods"


def corrupt_pdf(path: Path) -> Path:
    """A download cut off half-way: the header is there, the cross-reference table and most objects are not."""
    data = PROFILE_PDF.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def locked_pdf(path: Path, *, user_password: str = "rahasia") -> Path:
    writer = PdfWriter(clone_from=PdfReader(PROFILE_PDF))
    writer.encrypt(user_password=user_password, owner_password="pemilik", algorithm="RC4-128")
    with path.open("wb") as target:
        writer.write(target)
    return path


def docx_without_page_count(path: Path) -> Path:
    """Writers other than Word (LibreOffice, generators) often record no ``Pages`` in docProps/app.xml."""
    with zipfile.ZipFile(STRATEGY_DOCX) as source:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "docProps/app.xml":
                    content = re.sub(rb"<Pages>\d+</Pages>", b"", content)
                target.writestr(info, content)
    path.write_bytes(buffer.getvalue())
    return path
