"""Checking dinas tables against Table Schemas and explaining the result to a data officer.

Floor 1 of the architecture: no Flask, no database, no catalogue. ``sniff`` says what a file is,
``validate_table``/``validate_file`` check it (streaming, every error found), the ``report``
dataclasses carry the result as JSON-ready data, and ``write_rows_to_fix`` writes the CSV of rows
the officer has to correct.
"""

from ppid.validation import native  # noqa: F401  (first: settings read by native libraries as they load)
from ppid.validation.archive import ArchiveLimits
from ppid.validation.engine import InvalidSchemaError, validate_file, validate_table
from ppid.validation.headers import normalise_header
from ppid.validation.reference import CodeList, Reference
from ppid.validation.report import (
    Example,
    Problem,
    TableReport,
    ValidationReport,
    ValidationResult,
    write_rows_to_fix,
)
from ppid.validation.schemas import (
    SchemaNotFoundError,
    SchemaSuggestion,
    list_schemas,
    load_schema,
    suggest_schema,
)
from ppid.validation.sniff import FileFormat, Sniffed, sniff

__all__ = [
    "ArchiveLimits",
    "CodeList",
    "Example",
    "FileFormat",
    "InvalidSchemaError",
    "Problem",
    "Reference",
    "SchemaNotFoundError",
    "SchemaSuggestion",
    "Sniffed",
    "TableReport",
    "ValidationReport",
    "ValidationResult",
    "list_schemas",
    "load_schema",
    "normalise_header",
    "sniff",
    "suggest_schema",
    "validate_file",
    "validate_table",
    "write_rows_to_fix",
]
