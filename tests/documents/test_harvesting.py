"""Documents through the one pipeline: read once, published marked as documents, found by their words, withdrawn."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from ppid.documents.models import DocumentText
from ppid.pipeline.models import FileState, ItemOutcome, RunEvent, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.pipeline.summary import print_summary

from .helpers import STRATEGY_DOCX, corrupt_pdf

PROFILE = "dinkes-profil-kesehatan"


def events(platform, run_id: int) -> dict[str, RunEvent]:
    with platform.database.session() as session:
        return {e.item_key: e for e in session.scalars(select(RunEvent).where(RunEvent.run_id == run_id))}


def search(client, **params) -> list[str]:
    result = client.get("/api/3/action/package_search", query_string=params).get_json()["result"]
    return [package["name"] for package in result["results"]]


def test_a_document_is_published_as_a_dataset_marked_dokumen_with_its_page_count(doc_platform, doc_client) -> None:
    run_harvest(doc_platform)

    with doc_platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile))
        assert tracked.state == FileState.DOCUMENT
        assert tracked.published_sha256 == tracked.sha256
    package = doc_client.get(f"/api/3/action/package_show?id={PROFILE}").get_json()["result"]
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["jenis"] == "dokumen"
    assert extras["tahun"] == "2023"
    [resource] = package["resources"]
    assert resource["jumlah_halaman"] == "3"
    assert resource["size"] == tracked.size
    assert resource["hash"] == f"sha256:{tracked.sha256}"


def test_a_document_is_found_by_a_word_of_its_text_which_package_show_does_not_carry(doc_platform, doc_client) -> None:
    run_harvest(doc_platform)

    assert search(doc_client, q="stunting") == [PROFILE]
    assert search(doc_client, q="stunting", fq="extras_jenis:dokumen") == [PROFILE]
    assert search(doc_client, q="kata-yang-tidak-ada-di-dokumen") == []
    shown = doc_client.get(f"/api/3/action/package_show?id={PROFILE}").get_data(as_text=True)
    assert "stunting" not in shown
    assert "teks_dokumen" not in shown


def test_an_unchanged_document_is_not_read_again(doc_platform, folder: Path) -> None:
    run_harvest(doc_platform)
    with doc_platform.database.session() as session:
        record = session.scalar(select(DocumentText))
        record.text = "PENANDA: teks dari pembacaan pertama"
    pdf = folder / "profil-kesehatan-2023.pdf"
    os.utime(pdf, (pdf.stat().st_atime, pdf.stat().st_mtime + 60))  # new fingerprint, same bytes

    second = run_harvest(doc_platform)

    assert events(doc_platform, second)["profil-kesehatan-2023.pdf"].outcome == ItemOutcome.UNCHANGED
    with doc_platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(DocumentText)) == 1
        assert session.scalar(select(DocumentText.text)) == "PENANDA: teks dari pembacaan pertama"


def test_a_corrupt_pdf_is_published_with_a_message_and_the_run_succeeds(doc_platform, doc_client, folder) -> None:
    corrupt_pdf(folder / "rusak-2023.pdf")
    shutil.copy(STRATEGY_DOCX, folder / "renstra.docx")

    run_id = run_harvest(doc_platform)

    by_key = events(doc_platform, run_id)
    assert by_key["rusak-2023.pdf"].outcome == ItemOutcome.NEW
    assert "rusak atau tidak lengkap" in by_key["rusak-2023.pdf"].message
    assert by_key["renstra.docx"].outcome == ItemOutcome.NEW and by_key["renstra.docx"].message is None
    terminal = Console(file=io.StringIO(), width=400)
    assert print_summary(doc_platform, run_id, terminal) == 0
    assert "perhatian dinkes/folder-data rusak-2023.pdf: Berkas PDF ini rusak" in terminal.file.getvalue()
    assert search(doc_client, q="APM") == ["dinkes-rencana-strategis"]
    page = doc_client.get("/dokumen/dinkes-laporan-rusak").get_data(as_text=True)
    assert "rusak atau tidak lengkap" in page


def test_a_document_gone_from_the_source_is_withdrawn_like_a_table(doc_platform, doc_client, folder) -> None:
    run_harvest(doc_platform)
    (folder / "profil-kesehatan-2023.pdf").unlink()

    run_id = run_harvest(doc_platform)  # withdraw_after_days is 0 in this registry's defaults

    assert events(doc_platform, run_id)["profil-kesehatan-2023.pdf"].outcome == ItemOutcome.WITHDRAWN
    with doc_platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile))
        assert tracked.state == FileState.WITHDRAWN
        assert tracked.published_sha256 is None
        assert doc_platform.storage.exists(tracked.storage_key)
    assert search(doc_client, q="stunting") == []
    assert doc_client.get(f"/dokumen/{PROFILE}").status_code == 404
