"""The columnar engine's pass over one table: batches of columns, fast rows, vectorised error rows, rows read alone.

``columnar.py`` reads the batches and says which cells are certainly valid; this module turns a batch into
findings with the ``Judge`` both engines share: the rows every check clears record only their keys; the
rows with errors get frictionless's findings per distinct bad value (one shared by all the codes written
``3201.0`` in a column), joined back to the rows as a table, counted in bulk and logged by polars; the few rows
that need Python (a wrong cell count, blank, a possible total row, a formula floating point cannot decide) are read
one by one, as the frictionless engine reads them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ppid.validation import columnar, workbook
from ppid.validation.findings import FLOAT_INTEGER_ASCII, CellError, RowFinding
from ppid.validation.formula_columns import vectorised
from ppid.validation.formulas import formula_names
from ppid.validation.reference import CodeList
from ppid.validation.row_by_row import CachedReader, CellJudge, holds_text, read_row
from ppid.validation.rowlog import Note, RowLogWriter
from ppid.validation.rows import TableRows, data_rows, frictionless_schema
from ppid.validation.sniff import FileFormat
from ppid.validation.table_schema import load_schema_descriptor
from ppid.validation.uniqueness import key_hash

ENGINE_COLUMNAR = "kolom"
_TOTAL_HINTS = ["jumlah", "total", "jml"]
"""Text in any cell of a possible "JUMLAH"/"TOTAL" row, in any case; such rows are read alone to decide. Found as
literals in ASCII's cases (4 ms for 12 columns of 16,000 rows, against 7 ms for the same words as a case-insensitive
regular expression): no other letter lower-cases to these."""
_DISTINCT_SHARE = 8
"""A column is checked per distinct value (``FieldRule.per_value``) when the first batch has at most one distinct
value in this many rows: finding a cell among the distinct values must cost less than checking the cell."""
_LINE_ROWS_HELD = 30_000
"""Candidate duplicate rows (about 0.7 KB each) held while one pass over a CSV takes them from their lines and checks
that every row is one line (``columnar.rows_on_lines``); with more, the check is a pass of its own."""
_DECIDING_ROWS = 1_000
"""The first batch with at least this many rows decides which columns are checked per distinct value."""
_FOUND = {"row": pl.Int64, "seq": pl.Int32, "fid": pl.Int32, "cell": pl.String}
"""A batch's findings as a table: the row, the finding's place in it, the finding (``fid``) and the cell it quotes
when the finding is shared by many values (else null: the finding quotes its own)."""
_ENGINE = "in-memory"
"""polars' engine for this module's lazy queries, as for its eager calls: the default lets polars 2 choose the
streaming engine, whose set-up cost 2 % of bench file c's instructions (callgrind: 1.250 -> 1.222 G)."""
_SEQ_SPAN = 1 << 24
"""More than any ``seq`` (a column's findings from ``16 * column``, codes from 100,000, names from 200,000), and
small enough that ``row * _SEQ_SPAN`` fits an Int64 for half a trillion rows."""
_IN_ORDER = pl.col("row") * _SEQ_SPAN + pl.col("seq")
"""Findings in row order, each row's in ``seq`` order, as one integer: sorting one Int64 column took half the time
of sorting by two (c's 80,000 findings)."""


@dataclass(frozen=True)
class Verdicts:
    """A column's findings on the distinct values of a batch that its vectorised check did not clear."""

    judged: dict[Any, list[RowFinding]]
    """Each value judged alone by the column's ``CellJudge``: its findings (an empty list: valid after all)."""
    shared: pl.Series | None = None
    """Values (no null) whose one finding is ``template``, which quotes each row's own cell (``CellJudge.float_code``):
    one finding for thousands of codes written ``3201.0`` rather than one each."""
    template: RowFinding | None = None


class ColumnarRows:
    """The rows of one table through the columnar engine (``columnar.py``).

    Each batch is split in two: rows the vectorised checks clear entirely (fast rows: only their keys
    are recorded), and every other row (slow rows), which goes cell by cell through frictionless's
    own cell reader and the same ``_row_problems`` as the frictionless engine, in row order.
    """

    def __init__(self, rows: TableRows, *, reader: str = columnar.READER_PLAIN) -> None:
        self.rows, self.table, self.reader = rows, rows.table, reader
        columns = rows.columns
        self.scratch = {columnar.READER_PLAIN: "", columnar.READER_ARROW: "-arrow", columnar.READER_SERIAL: "-urut"}[
            reader]
        """Scratch file suffix: a read again (``columnar.READERS``) must not find an earlier attempt's files."""
        self.width = len(columns)
        names = columnar.column_names(self.width)
        descriptor = frictionless_schema(rows.descriptor, columns)
        schema = load_schema_descriptor(descriptor)
        self.fields = list(schema.fields)
        self.readers = [CachedReader(item.create_cell_reader()) for item in self.fields]
        self.names = [item.name for item in self.fields]
        self.cell_judges = [CellJudge(item, reader, rows.judge) for item, reader in zip(self.fields, self.readers,
                                                                                        strict=True)]
        self.rules: list[columnar.FieldRule] = []
        for name, spec, item in zip(names, descriptor["fields"], self.fields, strict=True):
            missing = item.missing_values if item.has_defined("missing_values") else schema.missing_values
            self.rules.append(columnar.field_rule(
                name, spec, missing, item.create_value_reader(),
                item.supported_constraints))
        self.by_name = {item.name: rule for item, rule in zip(self.fields, self.rules, strict=True)}
        self.finder = rows.duplicate_finder(f"kunci{self.scratch}.duckdb")
        labels = rows.sniffed.labels
        self.untitled = [index for index, name in enumerate(columns) if name is None and not labels[index]]
        self.untitled_seen: dict[int, tuple[int, str]] = {}
        self.known_codes: dict[str, dict[str, bool]] = {name: {} for name in rows.judge.references}
        """Per region-code field, whether a reference other than a ``CodeList`` has each code (asked once per code)."""
        self.seen_names: dict[str, dict[str, bool]] = {name: {} for name in rows.judge.region_names}
        """Per region-name field: "code\x1fname" → whether the name is the code's (each distinct pair judged once)."""
        self.formula_check = self._vectorised_formulas()
        self.by_value: list[int] | None = None
        """Columns checked per distinct value (``_distinct``), decided on the first batch of ``_DECIDING_ROWS``."""
        self.typed_fields = set(rows.judge.references) | {name for formula in rows.judge.formulas
                                                          for name in formula_names(formula.formula)}
        self.typed_fields |= set(rows.judge.region_names) | set(rows.judge.region_names.values())
        """Fields whose typed value a later check needs (codes, formulas, keys): a cell only frictionless's reader
        clears in one of them sends its row to be read alone."""
        if self.finder is not None:
            self.typed_fields |= self.finder.fields
        self.keys_vectorised = self.finder is None or all(
            self.by_name[name].key is not None for fields in self.finder.groups.values() for name in fields)
        """False when a key field has no vectorised spelling (datetime, time …): every row with a finding is then
        read alone, and no row is fast."""

    # -- per table ---------------------------------------------------------------------------------

    def batches(self) -> Iterator[columnar.Batch]:
        sniffed = self.rows.sniffed
        if sniffed.format == FileFormat.CSV:
            options = {"encoding": sniffed.encoding or "utf-8", "delimiter": sniffed.delimiter or ",",
                       "header_row": sniffed.header_row, "width": self.width}
            if self.reader == columnar.READER_PLAIN:
                return columnar.plain_csv_batches(self.rows.path, **options)
            return columnar.csv_batches(self.rows.path, **options, serial=self.reader == columnar.READER_SERIAL)
        rows = workbook.iter_rows(self.rows.path, sniffed.format, sniffed.sheet)
        return columnar.row_batches(data_rows(rows, sniffed.header_row, self.width),
                                    first_number=sniffed.header_row + 1, width=self.width)

    def run(self) -> list[Path]:
        rows, table = self.rows, self.table
        table.engine, table.engine_reason = ENGINE_COLUMNAR, None
        log = RowLogWriter(rows.work / f"baris{self.scratch}.jsonl", keep=rows.keep_rows)
        self.log = log
        vector_path = rows.work / f"baris-kolom{self.scratch}.jsonl"
        self.vector_log = vector_path.open("ab") if rows.keep_rows else None
        self.pending_blank: list[int] = []
        last_row, stopped, readable = rows.sniffed.header_row, False, True
        try:
            for batch in self.batches():
                stop_at = self._batch(batch)
                last_row = stop_at if stop_at is not None else self._last_number(batch, last_row)
                if rows.progress is not None:
                    rows.report_progress(bytes_read=batch.bytes_read)
                if stop_at is not None:
                    stopped = True
                    break
        except (workbook.UnreadableWorkbookError, UnicodeError, OSError) as error:
            readable = False
            rows.collector.add("unreadable", params={"detail": str(error), "row": last_row})
        except (columnar.ReadAgainError, columnar.UnreadableTableError):
            if self.finder is not None:
                self.finder.close()
            raise
        finally:
            log.close()
            if self.vector_log is not None:
                self.vector_log.close()
        self.last_row = last_row
        return rows.finish([log.path, vector_path], self.finder, self._reread, stopped=stopped,
                             readable=readable,
                             last_row=last_row, untitled_seen=self.untitled_seen)

    @staticmethod
    def _last_number(batch: columnar.Batch, previous: int) -> int:
        last = previous
        if batch.numbers.len():
            last = max(last, int(batch.numbers[-1]))
        if batch.odd:
            last = max(last, batch.odd[-1][0])
        return last

    def _vectorised_formulas(self) -> pl.Expr | None:
        """One expression true where every row formula certainly holds; None when a formula has no vectorised form."""
        if not self.rows.judge.formulas:
            return pl.lit(True)
        kinds = {"integer": "int", "year": "int", "number": "dec", "string": "str", "date": "date", "boolean": "bool"}
        typed = {name: (rule.typed, kinds[rule.kind]) for name, rule in self.by_name.items()
                 if rule.typed is not None and rule.kind in kinds}
        expressions = [vectorised(formula.formula, typed) for formula in self.rows.judge.formulas]
        if any(expression is None for expression in expressions):
            return None
        return pl.all_horizontal(expressions)

    # -- per batch ---------------------------------------------------------------------------------

    def _batch(self, batch: columnar.Batch) -> int | None:
        """Check one batch; returns the row number at which the error limit stopped validation, if it did.

        Rows fall in three sets: fast rows (every vectorised check clears them: only keys recorded),
        vectorised error rows (their cells' findings come from frictionless's reader per distinct value and
        are joined back to the rows as a table), and rows read one by one (wrong cell count, blank, a
        possible total row, a formula that could not be decided, a value only frictionless could read).
        """
        frame = batch.frame.with_columns(batch.numbers)
        flags = self._flags(frame)
        self._untitled(frame, batch.odd)
        rows = self.rows
        if rows.limit:
            return self._rows_one_by_one(frame, flags, batch)
        flagged = frame.hstack(flags)
        fast = flags.get_column("__fast")
        all_fast = bool(fast.all())  # the usual batch of a good file: no row to copy out, nothing to decide
        rest = flagged.clear() if all_fast else flagged.filter(~fast)
        verdicts = self._verdicts(rest) if rest.height else {}
        rest = rest.lazy().with_columns(self._shared(verdicts)).with_columns(
            self._python_rows(verdicts).alias("__python")).collect(engine=_ENGINE)
        vector_rows = rest.filter(~pl.col("__python"))
        alone = rest.filter(pl.col("__python")).select(*columnar.column_names(self.width), "__row")
        python_events = [(int(row[-1]), list(row[:-1])) for row in alone.iter_rows()]
        python_events = sorted(python_events + batch.odd, key=lambda event: event[0])

        fast_numbers = frame.get_column("__row") if all_fast else frame.get_column("__row").filter(fast)
        last_data = max([int(fast_numbers.max() or 0), int(vector_rows["__row"].max() or 0)])
        findings: list[tuple[int, list[str | None], list[RowFinding]]] = []
        blanks: list[int] = []
        last_text = 0  # the last blank row that ``holds_text``: reported with those before it
        for number, cells in python_events:
            found, errors, values, blank = self._read_row(cells)
            if blank:
                blanks.append(number)
                if holds_text(cells):
                    last_text = number
                continue
            last_data = max(last_data, number)
            text_cells = [None if cell is None else str(cell) for cell in cells]
            row_findings, broken = rows.judge.row_problems(values, number, text_cells, errors, found)
            if self.finder is not None:
                self.finder.add(number, values, broken)
            findings.append((number, text_cells, row_findings))
            self.table.rows_checked += 1
        self.pending_blank.extend(blanks)
        reported = [number for number in self.pending_blank if number < last_data or number <= last_text]
        self.pending_blank = self.pending_blank[len(reported):]
        findings.extend((number, [], [RowFinding("blank-row", None, None, {}, None)]) for number in reported)
        self.table.rows_checked += len(reported) + fast_numbers.len() + vector_rows.height
        findings.sort(key=lambda entry: entry[0])
        self._commit(findings, self._vector_findings(vector_rows, verdicts), vector_rows)
        if self.finder is not None and self.keys_vectorised:  # the fast rows not copied out of the batch first
            keyed = flagged.lazy() if all_fast else flagged.lazy().filter(pl.col("__fast"))
            self._record_keys(pl.concat([keyed, vector_rows.lazy().select(flagged.columns)]) if vector_rows.height
                              else keyed)
        return None

    def _rows_one_by_one(self, frame: pl.DataFrame, flags: pl.DataFrame, batch: columnar.Batch) -> int | None:
        """Every row that is not fast read alone and committed at once, so that an error limit stops on its row."""
        rows, table = self.rows, self.table
        fast = flags["__fast"]
        slow = frame.filter(~fast)
        fast_numbers = frame.filter(fast)["__row"]
        events = [(int(row[-1]), list(row[:-1])) for row in slow.iter_rows()]
        events = sorted(events + batch.odd, key=lambda event: event[0])
        for number, cells in events:
            found, errors, values, blank = self._read_row(cells)
            if blank:
                self.pending_blank.append(number)
                if holds_text(cells):
                    self._flush_blank(before=number + 1)
                continue
            self._flush_blank(before=number)
            table.rows_checked += 1
            text_cells = [None if cell is None else str(cell) for cell in cells]
            row_findings, broken = rows.judge.row_problems(values, number, text_cells, errors, found)
            if self.finder is not None:
                self.finder.add(number, values, broken)
            rows.commit_row(self.log, number, text_cells, row_findings)
            if rows.collector.error_count >= rows.limit:
                table.rows_checked += int((fast_numbers < number).sum())
                return number
        if fast_numbers.len():
            self._flush_blank(before=int(fast_numbers[-1]))
        table.rows_checked += fast_numbers.len()
        if self.finder is not None and self.keys_vectorised and fast_numbers.len():
            self._record_keys(frame.hstack(flags).lazy().filter(pl.col("__fast")))
        return None

    def _flags(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Per row: each column's vectorised verdict (``__ok_i``), each reference lookup (``__code_name``), and
        ``__fast``, true where all of them, the formulas and the key shapes clear the row."""
        good = self._distinct(frame)
        oks = [self._column_ok(rule, frame, good.get(index)).fill_null(False).alias(f"__ok_{index}")
               for index, rule in enumerate(self.rules)]
        names = [self._names_ok(name, frame).fill_null(True).alias(f"__name_{name}")
                 for name in self.rows.judge.region_names]
        flags = frame.select(*oks, *names,
                             pl.all_horizontal([rule.missing for rule in self.rules]).alias("__blank"),
                             (self.formula_check if self.formula_check is not None else pl.lit(False))
                             .fill_null(False).alias("__formula"))
        if self.rows.judge.references:  # looked up after the checks: only valid codes are worth looking up
            flags = flags.hstack(frame.select(
                self._codes_ok(name, frame, flags.get_column(f"__ok_{self._index(name)}"), good.get(self._index(name)))
                .fill_null(False).alias(f"__code_{name}") for name in self.rows.judge.references))
        conditions = [pl.col(f"__ok_{index}") for index in range(len(self.rules))]
        conditions += [pl.col(f"__code_{name}") for name in self.rows.judge.references]
        conditions += [pl.col(f"__name_{name}") for name in self.rows.judge.region_names]
        conditions += [~pl.col("__blank"), pl.col("__formula"), pl.lit(self.keys_vectorised)]
        return flags.with_columns(pl.all_horizontal(conditions).alias("__fast"))

    def _verdicts(self, rest: pl.DataFrame) -> dict[int, Verdicts]:
        """Per column, frictionless's findings on each distinct value the vectorised check did not clear, classified
        by the column's ``CellJudge``; in a column its ``pattern`` alone judges, the codes written ``3201.0`` (found
        by polars, confirmed by ``CellJudge.float_code``) share one finding instead of being judged one by one."""
        verdicts: dict[int, Verdicts] = {}
        for index, rule in enumerate(self.rules):
            ok = rest.get_column(f"__ok_{index}")
            if ok.all():
                continue
            values = rest.get_column(rule.column).filter(~ok).unique()  # the column alone, not the batch and its flags
            judge = self.cell_judges[index]
            shared, template = None, None
            if judge.pattern_only:
                written = pl.col(rule.column).str.contains(FLOAT_INTEGER_ASCII) & ~rule.missing
                floats = values.to_frame().select(written.fill_null(False)).to_series()
                shared = values.filter(floats)
                template = judge.float_code(shared.to_list())
                if template is None:
                    shared = None
                else:
                    values = values.filter(~floats)
            verdicts[index] = Verdicts({value: judge(value)[1] for value in values.to_list()}, shared, template)
        return verdicts

    @staticmethod
    def _shared(verdicts: dict[int, Verdicts]) -> list[pl.Expr]:
        """``__shared_i``: the row's cell of column i is one of the values sharing one finding (``Verdicts.shared``),
        looked up once for both ``_python_rows`` and ``_vector_findings``."""
        return [pl.col(f"c{index}").is_in(verdict.shared.implode()).alias(f"__shared_{index}")
                for index, verdict in verdicts.items() if verdict.shared is not None]

    def _python_rows(self, verdicts: dict[int, Verdicts]) -> pl.Expr:
        """Which of the remaining rows must be read one by one."""
        bad = {index: [value for value, found in verdict.judged.items() if found]
               for index, verdict in verdicts.items()}
        valid = {index: [value for value, found in verdict.judged.items() if not found]
                 for index, verdict in verdicts.items()}
        has_error = [_member(pl.col(f"c{index}"), values) for index, values in bad.items() if values]
        has_error += [pl.col(f"__shared_{index}") for index, verdict in verdicts.items() if verdict.shared is not None]
        codes_failed = [pl.col(f"__ok_{self._index(name)}") & ~pl.col(f"__code_{name}")
                        for name in self.rows.judge.references]
        read_alone = [_member(pl.col(f"c{index}"), values) for index, values in valid.items()
                      if values and self.fields[index].name in self.typed_fields]
        cell_finding = pl.any_horizontal([*has_error, *codes_failed]) if has_error or codes_failed else pl.lit(False)
        names_failed = [self._name_failed(name) for name in self.rows.judge.region_names]
        any_finding = cell_finding | pl.any_horizontal(names_failed) if names_failed else cell_finding
        formula_unsure = ~cell_finding & ~pl.col("__formula")  # a row with only a name finding still has formulas
        alone = pl.any_horizontal([*read_alone, formula_unsure]) if read_alone else formula_unsure
        total = pl.any_horizontal([pl.col(f"c{index}").str.contains_any(_TOTAL_HINTS, ascii_case_insensitive=True)
                                   .fill_null(False) for index in range(self.width)])
        return pl.col("__blank") | total | alone | ~any_finding | pl.lit(not self.keys_vectorised)

    def _name_failed(self, name: str) -> pl.Expr:
        """A region name that is not its code's name, both cells valid and the code listed: the ``Judge``'s
        ``name_finding`` for this row, decided in columns."""
        code = self.rows.judge.region_names[name]
        return (~pl.col(f"__name_{name}") & pl.col(f"__ok_{self._index(name)}") & pl.col(f"__ok_{self._index(code)}")
                & pl.col(f"__code_{code}"))

    def _index(self, name: str) -> int:
        return next(index for index, item in enumerate(self.fields) if item.name == name)

    def _vector_findings(self, rows: pl.DataFrame, verdicts: dict[int, Verdicts]) -> tuple[
            pl.DataFrame, list[RowFinding]]:
        """The findings of the vectorised error rows as a table (row, seq, fid, cell) and the findings it points at;
        ``cell`` is the row's own cell for a finding shared by many values (``Verdicts.template``), else null.

        Every column's part is a lazy query, collected together: one polars query a batch rather than three a
        column (b's 13 batches ran 300 small queries, 0.04 s of their set-up alone)."""
        table: list[RowFinding] = []
        if not rows.height:
            return pl.DataFrame(schema=_FOUND), table
        parts: list[pl.LazyFrame] = []
        lazy = rows.lazy()
        no_cell = pl.lit(None, pl.String).alias("cell")
        judged: list[tuple[int, Any, int, int]] = []  # (column, value, seq, fid) of every finding judged per value
        for index, verdict in verdicts.items():
            if verdict.template is not None:
                parts.append(lazy.filter(pl.col(f"__shared_{index}")).select(
                    pl.col("__row").alias("row"), pl.lit(index * 16, pl.Int32).alias("seq"),
                    pl.lit(len(table), pl.Int32).alias("fid"), pl.col(f"c{index}").alias("cell")))
                table.append(verdict.template)
            for value, found in verdict.judged.items():
                for position, finding in enumerate(found):
                    judged.append((index, value, index * 16 + position, len(table)))
                    table.append(finding)
        if judged:
            mapping = pl.DataFrame(judged, schema={"col": pl.Int32, "v": pl.String, "seq": pl.Int32, "fid": pl.Int32},
                                   orient="row").lazy()
            columns = sorted({index for index, *_ in judged})
            cells = pl.concat([lazy.select(pl.col("__row").alias("row"), pl.lit(index, pl.Int32).alias("col"),
                                           pl.col(f"c{index}").alias("v")) for index in columns])
            parts.append(cells.join(mapping, on=["col", "v"], how="inner", nulls_equal=True)
                         .select("row", "seq", "fid", no_cell))
        for position, name in enumerate(self.rows.judge.references):
            index = self._index(name)
            failed = rows.filter(pl.col(f"__ok_{index}") & ~pl.col(f"__code_{name}")).select(
                pl.col("__row").alias("row"), self.by_name[name].key.alias("v"))
            if not failed.height:
                continue
            pairs = []
            for value in failed["v"].unique().to_list():
                pairs.append((value, 100_000 + position, len(table)))
                table.append(self.rows.judge.code_finding(name, value))
            mapping = pl.DataFrame(pairs, schema={"v": pl.String, "seq": pl.Int32, "fid": pl.Int32}, orient="row")
            parts.append(failed.lazy().join(mapping.lazy(), on="v", how="inner").select("row", "seq", "fid", no_cell))
        for position, (name, code) in enumerate(self.rows.judge.region_names.items()):
            failed = rows.filter(self._name_failed(name)).select(
                pl.col("__row").alias("row"), self.by_name[code].key.alias("c"),
                self.by_name[name].typed.cast(pl.String).alias("v"))
            if not failed.height:
                continue
            pairs = []
            for code_value, value, first_row in failed.group_by("c", "v").agg(pl.col("row").min()).iter_rows():
                finding = self.rows.judge.name_finding(name, value, code, code_value, first_row, set())
                pairs.append((code_value, value, 200_000 + position, len(table)))
                table.append(finding)
            mapping = pl.DataFrame(pairs, schema={"c": pl.String, "v": pl.String, "seq": pl.Int32, "fid": pl.Int32},
                                   orient="row")
            parts.append(failed.lazy().join(mapping.lazy(), on=["c", "v"], how="inner")
                         .select("row", "seq", "fid", no_cell))
        if not parts:
            return pl.DataFrame(schema=_FOUND), table
        return pl.concat(parts).sort(_IN_ORDER).collect(engine=_ENGINE), table

    def _commit(self, python: list[tuple[int, list[str | None], list[RowFinding]]],
                vector: tuple[pl.DataFrame, list[RowFinding]], vector_rows: pl.DataFrame) -> None:
        """Count the batch's findings in their groups, group by group in the order first met, and log their rows."""
        found, table = vector
        extra: list[tuple[int, int, int, None]] = []
        for number, cells, row_findings in python:
            for position, finding in enumerate(row_findings):
                extra.append((number, position, len(table), None))
                table.append(finding)
            if row_findings:
                self.log.write(number, cells, [Note(f.code, f.column, f.note_value) for f in row_findings])
        if extra:
            found = pl.concat([found, pl.DataFrame(extra, schema=_FOUND, orient="row")]).sort(_IN_ORDER)
        if not found.height:
            return
        groups = pl.DataFrame({"fid": range(len(table)), "grp": [f"{f.code}\x1f{f.column}" for f in table]},
                              schema={"fid": pl.Int32, "grp": pl.String})
        collector = self.rows.collector
        gap = pl.col("row").diff()
        grouped = (found.join(groups, on="fid").group_by("grp", maintain_order=True)
                   .agg(pl.len().alias("count"), pl.col("fid").first().alias("first"),
                        pl.col("row").filter(gap.fill_null(2) > 1).alias("firsts"),
                        pl.col("row").filter(gap.shift(-1).fill_null(2) > 1).alias("lasts"),
                        pl.col("row", "fid", "cell").head(collector.max_examples)))
        for count, first_fid, firsts, lasts, rows, fids, cells in grouped.select(
                "count", "first", "firsts", "lasts", "row", "fid", "cell").iter_rows():
            first = table[first_fid]
            examples = [(row, table[fid].value if cell is None else cell)
                        for row, fid, cell in zip(rows, fids, cells, strict=True)]
            collector.add_bulk(first.code, first.column, count=count, runs=list(zip(firsts, lasts, strict=True)),
                               examples=examples, params=first.params)
        self._log_vector_rows(found, table, vector_rows)

    def _log_vector_rows(self, found: pl.DataFrame, table: list[RowFinding], rows: pl.DataFrame) -> None:
        """The vectorised error rows, with their notes, appended to their own row log (merged by row when read)."""
        if self.vector_log is None:
            return
        vector = found.join(rows.select(pl.col("__row").alias("row")), on="row", how="semi")
        if not vector.height:
            return
        notes = pl.DataFrame({"fid": range(len(table)),
                              "code": [f.code for f in table], "column": [f.column for f in table],
                              "value": [f.note_value for f in table]},
                             schema={"fid": pl.Int32, "code": pl.String, "column": pl.String, "value": pl.String})
        per_row = (vector.join(notes, on="fid").sort(_IN_ORDER)
                   .with_columns(pl.coalesce("cell", "value").alias("value"))
                   .group_by("row", maintain_order=True)
                   .agg(pl.struct("code", "column", "value").alias("notes")))
        names = columnar.column_names(self.width)
        lines = per_row.join(rows.select(pl.col("__row").alias("row"), pl.concat_list(names).alias("cells")),
                             on="row").sort("row").select("row", "cells", "notes")
        lines.write_ndjson(self.vector_log)

    def _distinct(self, frame: pl.DataFrame) -> dict[int, pl.Series]:
        """Per column checked per distinct value, the batch's distinct cells that its rule clears.

        A rule's ``ok`` reads its own cell only, so clearing each distinct cell once clears the same rows as the
        rule would. The first batch of ``_DECIDING_ROWS`` rows decides the columns: those worth it
        (``FieldRule.per_value``, or holding region codes, looked up per distinct code anyway) whose values repeat
        (``_DISTINCT_SHARE``)."""
        deciding = self.by_value is None
        if deciding and frame.height < _DECIDING_ROWS:
            return {}
        references = self.rows.judge.references
        indices = self.by_value if self.by_value is not None else [
            index for index, rule in enumerate(self.rules)
            if rule.ok is not None and (rule.per_value or self.fields[index].name in references)]
        if not indices:
            self.by_value = []
            return {}
        distinct = frame.select(pl.col(self.rules[index].column).unique().implode() for index in indices)
        good: dict[int, pl.Series] = {}
        for index in indices:
            rule = self.rules[index]
            values: pl.Series = distinct.get_column(rule.column)[0]
            if deciding and values.len() * _DISTINCT_SHARE > frame.height:
                continue
            values = values.alias(rule.column)
            good[index] = values.filter(values.to_frame().select(rule.ok.fill_null(False)).to_series())
        if deciding:
            self.by_value = list(good)
        return good

    def _column_ok(self, rule: columnar.FieldRule, frame: pl.DataFrame, good: pl.Series | None) -> pl.Expr:
        """The rule's vectorised check (or whether the cell is among the ``good`` distinct cells ``_distinct`` found),
        or for a field without one, the distinct values frictionless rejects."""
        if good is not None:
            return _among(pl.col(rule.column), good)
        if rule.ok is not None:
            return rule.ok
        reader = self.readers[int(rule.column[1:])]
        distinct = frame.get_column(rule.column).unique().to_list()
        bad = [value for value in distinct if reader(value)[1]]
        cell = pl.col(rule.column)
        ok = ~cell.is_in([value for value in bad if value is not None])
        return ok & cell.is_not_null() if None in bad else ok

    def _codes_ok(self, name: str, frame: pl.DataFrame, valid: pl.Series, good: pl.Series | None) -> pl.Expr:
        """Cells whose code is in the reference list, among the ``valid`` ones (the others have a finding of their
        own, and ``__code_`` is only read where ``__ok_`` holds); each batch's distinct codes looked up at once, from
        the ``good`` distinct cells when ``_distinct`` found them."""
        rule = self.by_name[name]
        if rule.key is None:
            return pl.lit(False)
        if good is not None:
            pairs = good.to_frame().select(pl.col(rule.column).alias("cell"), rule.key.alias("k")).drop_nulls("k")
            listed = pairs.filter(self._listed(name, pairs.get_column("k"))).get_column("cell")
            return _among(pl.col(rule.column), listed) | rule.missing
        codes = frame.select(rule.key.filter(valid).alias("k"))["k"].unique().drop_nulls()
        return rule.key.is_in(codes.filter(self._listed(name, codes)).implode()) | rule.missing

    def _listed(self, name: str, codes: pl.Series) -> pl.Series:
        """Whether each of ``codes`` (no nulls) is in the reference: a ``CodeList`` in columns, any other reference
        asked once per code."""
        reference = self.rows.judge.reference
        if isinstance(reference, CodeList):
            return reference.listed(codes)
        known = self.known_codes[name]
        for code in codes.unique().to_list():
            if code not in known:
                known[code] = reference.exists(code)
        return codes.replace_strict(known, return_dtype=pl.Boolean)

    def _names_ok(self, name: str, frame: pl.DataFrame) -> pl.Expr:
        """False where a region name is not its code's name (each distinct code and name judged once by the ``Judge``);
        ``_name_failed`` says where that is a finding, and ``_vector_findings`` makes it the ``Judge``'s."""
        name_rule, code_rule = self.by_name[name], self.by_name[self.rows.judge.region_names[name]]
        if name_rule.typed is None or code_rule.key is None:
            return pl.lit(False)
        pair = pl.concat_str([code_rule.key, pl.lit("\x1f"), name_rule.typed.cast(pl.String)])
        seen = self.seen_names[name]
        judge = self.rows.judge
        for text in frame.select(pair.alias("p"))["p"].unique().drop_nulls().to_list():
            if text not in seen:
                code, value = text.split("\x1f", 1)
                official = judge.official_name(code)
                seen[text] = official is None or judge.names_match(value, official)
        return ~pair.is_in([text for text, same in seen.items() if not same])

    def _record_keys(self, rows: pl.LazyFrame) -> None:
        """Record the keys of rows checked in columns (with their ``__ok_i`` and ``__code_name`` flags): a group's key
        only where every one of its cells is valid, present and a known code, as for a row read alone.

        A valid cell that is present always has a key part (``FieldRule.hashed``), so "present" is asked of
        ``missing``; and lazily, so that only the kept rows' hashes and numbers are made, not a filtered copy of the
        batch (73 → 19 ms on b)."""
        parts = []
        for group, fields in self.finder.groups.items():
            rules = [self.by_name[name] for name in fields]
            valid = [pl.col(f"__ok_{self._index(name)}") for name in fields] + [~rule.missing for rule in rules]
            valid += [pl.col(f"__code_{name}") for name in fields if name in self.rows.judge.references]
            hashed = [rule.hashed for rule in rules if rule.hashed is not None]  # all of them (``keys_vectorised``)
            parts.append(rows.filter(pl.all_horizontal(valid)).select(
                key_hash(hashed, self.finder.group_ids[group]).alias("h"), pl.col("__row").alias("r")))
        self.finder.add_hashes(pl.concat(parts).collect(engine=_ENGINE))

    def _untitled(self, frame: pl.DataFrame, odd: list[tuple[int, list[str | None]]]) -> None:
        for index in self.untitled:
            if index in self.untitled_seen:
                continue
            column = f"c{index}"
            found = frame.filter(pl.col(column).str.strip_chars() != "").select(column, "__row").head(1)
            candidates = [(int(found["__row"][0]), found[column][0])] if found.height else []
            candidates += [(number, cells[index]) for number, cells in odd
                           if index < len(cells) and (cells[index] or "").strip()][:1]
            if candidates:
                self.untitled_seen[index] = min(candidates)

    def _flush_blank(self, *, before: int) -> None:
        """Report the blank rows met before a data row (blank rows at the very end of a table are not reported)."""
        while self.pending_blank and self.pending_blank[0] < before:
            number = self.pending_blank.pop(0)
            self.rows.collector.add("blank-row", row=number)
            self.log.write(number, [], [Note("blank-row", None)])
            self.table.rows_checked += 1

    def _read_row(self, cells: list[str | None]) -> tuple[list[RowFinding], list[CellError], dict[str, Any], bool]:
        """One row as frictionless's ``Row`` reads it (``row_by_row.read_row``)."""
        return read_row(self.names, self.cell_judges, cells)

    def _key_values(self, cells: list[str | None]) -> dict[str, Any]:
        """A candidate row's values of the key fields, read as ``_read_row`` reads them: all that the exact check
        needs (reading every cell, a date's ``strptime`` above all, took 0.1 s for b's 2,002 candidates)."""
        return {name: reader(cells[index] if index < len(cells) else None)[0]
                for index, (name, reader) in enumerate(zip(self.names, self.readers, strict=True))
                if name in self.finder.fields}

    def _reread(self, candidates: Iterator[int]) -> Iterator[tuple[int, Mapping[str, Any], list[str | None]]]:
        """The candidate duplicate rows read again, in one pass merged with the candidates (both in row order).

        A CSV whose every row is one line gives them straight from their lines: the plain reader proved it already,
        else it is checked in the same pass when there are at most ``_LINE_ROWS_HELD`` of them (b's 2,002 in
        65 ms, 0.11 s in two passes, against 0.45 s to parse it again); any other table is parsed again."""
        sniffed = self.rows.sniffed
        if sniffed.format == FileFormat.CSV:
            held = list(itertools.islice(candidates, _LINE_ROWS_HELD + 1))
            if not held:  # no repeated key hash: nothing to read
                return
            candidates = itertools.chain(held, candidates)
            path, encoding, delimiter = self.rows.path, sniffed.encoding or "utf-8", sniffed.delimiter or ","
            lines = (columnar.lines_at(path, candidates, encoding=encoding, delimiter=delimiter)
                     if self.reader == columnar.READER_PLAIN else
                     columnar.rows_on_lines(path, held, encoding=encoding, delimiter=delimiter, records=self.last_row)
                     if len(held) <= _LINE_ROWS_HELD else
                     columnar.lines_at(path, candidates, encoding=encoding, delimiter=delimiter)
                     if columnar.one_line_per_record(path, encoding=encoding, records=self.last_row) else None)
            if lines is not None:
                for number, cells in lines:
                    yield number, self._key_values(cells), cells
                return
        wanted = next(candidates, None)
        if wanted is None:
            return
        for batch in self.batches():
            last = self._last_number(batch, 0)
            group: list[int] = []
            while wanted is not None and wanted <= last:
                group.append(wanted)
                wanted = next(candidates, None)
            if group:
                rows = batch.cells(group)
                for number in group:
                    cells = rows.get(number, [])
                    yield number, self._key_values(cells), cells
            if wanted is None:
                return


def _among(cell: pl.Expr, values: pl.Series) -> pl.Expr:
    """``cell`` is one of ``values``, null included."""
    found = cell.is_in(values.drop_nulls().implode())
    return found | cell.is_null() if values.null_count() else found.fill_null(False)


def _member(cell: pl.Expr, values: list[Any]) -> pl.Expr:
    """``cell`` is one of ``values``, None included."""
    found = cell.is_in([value for value in values if value is not None])
    return found | cell.is_null() if None in values else found.fill_null(False)
