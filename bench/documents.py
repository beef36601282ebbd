"""Reading public documents: time and peak memory for a long generated PDF and DOCX: `python bench/documents.py`.

Generates a PDF of ``--pages`` text pages (reportlab, from the ``examples`` extra) and a DOCX of as many
paragraphs, then reads each with the harvester's reader (:func:`ppid.documents.extract.read_document`)
in a child process, once with the shipped limits and once without, and prints seconds, pages/s,
characters kept and peak RSS. The limits are what keep a 900-page report as cheap as a short one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SENTENCE = (
    "Realisasi anggaran program peningkatan pelayanan kesehatan masyarakat di kecamatan {n} mencapai "
    "sembilan puluh persen dari pagu, dengan capaian indikator kinerja utama sesuai target tahunan. "
)


def make_pdf(path: Path, pages: int) -> None:
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas
    except ImportError:
        sys.exit("reportlab is needed to generate the PDF: pip install -e '.[examples]'")
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    for page in range(pages):
        pdf.setFont("Helvetica", 10)
        for line in range(50):
            pdf.drawString(50, 800 - line * 15, SENTENCE.format(n=page * 50 + line)[:110])
        pdf.showPage()
    pdf.save()


def make_docx(path: Path, paragraphs: int) -> None:
    import docx

    document = docx.Document()
    for number in range(paragraphs):
        document.add_paragraph(SENTENCE.format(n=number) * 3)
    document.save(str(path))


def measure(path: str, max_pages: int, max_chars: int, results: multiprocessing.Queue) -> None:
    from ppid.documents.extract import Limits, read_document

    started = time.perf_counter()
    read = read_document(Path(path), Path(path).name, Limits(max_pages=max_pages, max_chars=max_chars))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((seconds, read.page_count, len(read.text), read.truncated, read.problem, peak_mb))


def run(path: Path, max_pages: int, max_chars: int) -> tuple:
    results: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=measure, args=(str(path), max_pages, max_chars, results))
    child.start()
    outcome = results.get()
    child.join()
    return outcome


def main() -> None:
    from ppid.documents.extract import Limits

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="pages of the generated PDF (default 500)")
    arguments = parser.parse_args()
    shipped = Limits()
    with tempfile.TemporaryDirectory() as folder:
        pdf, word = Path(folder) / "laporan.pdf", Path(folder) / "laporan.docx"
        make_pdf(pdf, arguments.pages)
        make_docx(word, arguments.pages * 10)
        print(f"PDF {arguments.pages} pages, {pdf.stat().st_size / 1e6:.1f} MB; "
              f"DOCX {arguments.pages * 10} paragraphs, {word.stat().st_size / 1e6:.1f} MB")
        for path in (pdf, word):
            for label, pages, chars in (
                (f"limits {shipped.max_pages} pages / {shipped.max_chars} chars", shipped.max_pages, shipped.max_chars),
                ("no limits", 10**9, 10**12),
            ):
                seconds, page_count, kept, truncated, problem, peak = run(path, pages, chars)
                print(f"{path.suffix[1:]:>4} {label:<34} {seconds:6.2f} s  pages={page_count}  {kept:>10,} chars kept"
                      f"  truncated={truncated}  peak RSS {peak:,.0f} MB  problem={problem}")


if __name__ == "__main__":
    main()
