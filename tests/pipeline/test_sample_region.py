"""The bundled sample region: big enough to show the portal, and the README's `ppid harvest` exits 1 for its
deliberately invalid files only.

Its deliberately invalid files are listed here; a file that becomes invalid by accident (or a
deliberately invalid one that starts to pass) fails this test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from harvesters import source_class
from ppid.config import load_settings
from ppid.documents.models import DocumentText
from ppid.pipeline.models import FileState, HarvestRun, ItemOutcome, RunEvent, TrackedFile
from ppid.platform import Platform
from ppid.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
DELIBERATELY_INVALID = {
    "bpkad/realisasi-apbd-2023.csv",  # years written 2023.0 by the spreadsheet
    "disdukcapil/penduduk-2022.csv",  # BPS, dotted and unknown kecamatan codes
    "disdik/sekolah-siswa-2022-2023.csv",  # Indonesian thousands separators (3.051)
    "bpbd/kejadian-bencana-2023.csv",  # required values missing
    "dpupr/kondisi-jalan-2023.csv",  # road number and length missing, conditions not adding up
}


def matched_files() -> list[tuple[str, bool]]:
    """(dinas/file, is a document) for every file a rule of the shipped registry matches."""
    registry = load_registry(REPO / "config" / "dinas.yaml")
    found = []
    for source in registry.sources:
        for item in source_class(source.kind)(source.options).items():
            rule = source.rule_for(item.key)
            if rule is not None:
                found.append((f"{source.dinas_slug}/{item.key}", rule.is_document))
    return found


def test_the_sample_region_has_at_least_five_dinas_and_twenty_five_files() -> None:
    registry = load_registry(REPO / "config" / "dinas.yaml")
    files = matched_files()

    assert len(registry.dinas) >= 5
    assert len(files) >= 25
    assert sum(1 for _name, document in files if document) >= 6
    assert {name.rsplit(".", 1)[-1] for name, _document in files} >= {"csv", "xlsx", "ods", "pdf", "docx"}
    assert {name for name, _document in files} >= DELIBERATELY_INVALID
    for path in (REPO / "examples" / "kabupaten-contoh").rglob("*.*"):
        assert path.stat().st_size < 50_000, path


@pytest.mark.slow
def test_the_quick_start_harvest_exits_1_with_only_the_deliberately_invalid_files_invalid(environ) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ
    ppid = str(Path(sys.executable).parent / "ppid")

    result = subprocess.run([ppid, "harvest"], env=env, capture_output=True, text=True, timeout=300, cwd=REPO)

    assert result.returncode == 1, result.stdout + result.stderr  # the data has problems: five files are invalid
    assert "Traceback" not in result.stderr
    platform = Platform.open(load_settings(environ=environ))
    try:
        with platform.database.session() as session:
            run = session.scalars(select(HarvestRun)).one()
            outcomes = {
                f"{event.source_id.split('/')[0]}/{event.item_key}": event.outcome
                for event in session.scalars(select(RunEvent).where(RunEvent.run_id == run.id))
            }
            files = list(session.scalars(select(TrackedFile)))
            texts = {record.sha256: record for record in session.scalars(select(DocumentText))}
    finally:
        platform.close()
    assert {name for name, outcome in outcomes.items() if outcome == ItemOutcome.INVALID} == DELIBERATELY_INVALID
    assert set(outcomes.values()) == {ItemOutcome.NEW, ItemOutcome.INVALID}
    assert len(files) == len(matched_files())
    documents = [f for f in files if f.state == FileState.DOCUMENT]
    assert documents and all(texts[f.sha256].text and texts[f.sha256].problem is None for f in documents)
    assert all(f.published_sha256 == f.sha256 for f in files if f.state != FileState.INVALID)
