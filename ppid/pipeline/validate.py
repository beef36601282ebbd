"""Validation inside the pipeline: run the engine, store the report and the rows-to-fix CSV, reuse by content.

A report is keyed by the file's sha256 and the schema, so an unchanged file is never validated twice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.pipeline.config import ValidationConfig
from ppid.pipeline.models import ValidationRecord
from ppid.platform import Platform
from ppid.validation import load_schema, validate_table, write_rows_to_fix
from ppid.validation.progress import ProgressCallback
from ppid.validation.reference import region_codes


def validate_stored_file(
    platform: Platform, session: Session, path: Path, name: str, sha256: str, schema_name: str,
    *, progress: ProgressCallback | None = None,
) -> ValidationRecord:
    """The report of ``path`` against ``schema_name``: the stored one for the same content, or a new one
    (``progress`` is handed to the engine, which calls it every few thousand rows)."""
    existing = session.scalar(
        select(ValidationRecord).where(ValidationRecord.sha256 == sha256, ValidationRecord.schema_name == schema_name)
    )
    if existing is not None:
        return existing
    settings = platform.settings
    config = ValidationConfig.from_settings(settings)
    schema = load_schema(settings.schemas_dir, schema_name)
    with validate_table(
        path, schema, limit_errors=config.limit_errors, reference=region_codes(settings.schemas_dir), name=name,
        progress=progress, engine=config.engine,
    ) as result:
        result.report.schema_name = schema_name
        rows_to_fix_key = None
        if not result.report.valid:
            rows_to_fix_key = f"laporan/{sha256[:2]}/{sha256}/{schema_name}-baris-perbaikan.csv"
            with tempfile.TemporaryDirectory(prefix="ppid-laporan-") as scratch:
                csv_path = Path(scratch) / "baris.csv"
                write_rows_to_fix(result, csv_path)
                with csv_path.open("rb") as stream:
                    platform.storage.put(rows_to_fix_key, stream, content_type="text/csv")
        record = ValidationRecord(
            sha256=sha256,
            schema_name=schema_name,
            valid=result.report.valid,
            error_count=result.report.error_count,
            report=result.report.to_dict(),
            rows_to_fix_key=rows_to_fix_key,
        )
    session.add(record)
    session.flush()
    return record
