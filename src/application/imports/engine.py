"""Reading a spreadsheet, checking every cell and item, then writing the items once.

Every cell is checked first, then every item as the API would check it (the
same request types, the rules in force, the aggregate's own rules): the report
names each bad cell by row, column and what was expected. A file with any
problem imports nothing unless `valid_only` is asked for, and then only the
items without one. Each command's id is the digest of the command itself, so a
retried import is answered from the log.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from zipfile import BadZipFile

import msgspec
from openpyxl import load_workbook

from application.imports.sheet import (
    CellError,
    ImportContext,
    ImportReport,
    Problem,
    Rows,
    Sheet,
    Upload,
    Write,
    fits,
)
from application.service import CommandMeta, command_digest
from domain.shared import DomainError


def _text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else str(value).strip()


# The characters a spreadsheet reads as the start of a formula: an export writes a
# text cell that starts with one behind a "'" (OWASP, CSV Injection), which a CSV
# import takes off again, so an export imports back as it was.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unescaped(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_START else cell


class TooManyRows(DomainError):
    rule = "too_many_rows"


def read_rows(content: bytes, filename: str, limit: int = 0) -> tuple[list[str], Rows]:
    """The header and the non-empty rows, numbered as the sheet numbers them; more than
    `limit` rows (if set) are refused as they are met, before anything is written."""
    table: Iterable[list[str]]
    if filename.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        if sheet is None:
            raise ValueError("the workbook has no sheet")
        table = ([_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    else:
        cells = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        table = ([_unescaped(v) for v in row] for row in cells)
    lines: Iterator[list[str]] = iter(table)
    header = [h.strip() for h in next(lines, [])]
    rows: Rows = []
    for n, values in enumerate(lines, start=2):
        if any(v.strip() for v in values):
            if limit and len(rows) >= limit:
                raise TooManyRows(
                    f"an import takes at most {limit:,} rows; split the file (row {n} is over)",
                    field="file",
                )
            rows.append((n, dict(zip(header, (v.strip() for v in values), strict=False))))
    return header, rows


def _items(sheet: Sheet, header: list[str], rows: Rows) -> tuple[list[Rows], list[Problem]]:
    """The rows of each item whose cells are all good, and every bad cell."""
    problems = [
        Problem(row=1, column=c.name, message=f"missing column: {c.expected}")
        for c in sheet.columns
        if c.required and c.name not in header
    ]
    if problems:
        return [], problems
    grouped: dict[tuple[str, ...], Rows] = {}
    for n, row in rows:
        for c in sheet.columns:
            cell = row.get(c.name, "")
            if (c.required and not cell) or (cell and c.type is not str and not fits(cell, c.type)):
                problems.append(Problem(row=n, column=c.name, message=c.expected))
        item = grouped.setdefault(tuple(row.get(k, "") for k in sheet.key), [])
        if item and not sheet.shared:
            said = f"{' '.join(row[k] for k in sheet.key)!r} is on row {item[0][0]} already"
            problems.append(Problem(row=n, column=sheet.key[0], message=said))
        item.append((n, row))
    bad = {p.row for p in problems}
    good = [item for item in grouped.values() if bad.isdisjoint(n for n, _ in item)]
    same = "the rows of one item repeat its fields"
    for item in good:
        (first_n, first), rest = item[0], item[1:]
        problems += [
            Problem(row=n, column=f, message=f"{first[f]!r} as on row {first_n}: {same}")
            for n, row in rest
            for f in sheet.shared
            if row.get(f) != first.get(f)
        ]
    bad = {p.row for p in problems}
    return [item for item in good if bad.isdisjoint(n for n, _ in item)], problems


def _located(sheet: Sheet, error: Exception, item: Rows) -> Problem:
    """Where in the item a refusal points: a cell, by the request field it names."""
    if isinstance(error, CellError):
        return Problem(
            row=item[min(error.index, len(item) - 1)][0], column=error.column, message=error.message
        )
    said, path = str(error), getattr(error, "field", None) or ""
    if isinstance(error, msgspec.ValidationError) and "at `$." in said:
        said, path = said.split(" - at `$.", 1)[0], said.rsplit("at `$.", 1)[1].rstrip("`")
    index = 0
    if nested := re.fullmatch(r"\w+\[(\d+)\]\.?(.*)", path):
        index, path = int(nested[1]), nested[2]
    parts = [p for p in re.split(r"[.\[\]]+", path) if p]
    named = (dict(sheet.aliases).get(c, c) for c in ("_".join(parts), *reversed(parts)))
    column = next((c for c in named if c in sheet.expected), "")
    expected = sheet.expected.get(column)
    return Problem(
        row=item[min(index, len(item) - 1)][0],
        column=column,
        message=f"{expected} ({said})" if expected else said,
    )


def import_file(  # noqa: PLR0913 - what to import, how, and who asks
    context: ImportContext,
    sheet: Sheet,
    upload: Upload,
    *,
    valid_only: bool,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check the whole file; then, if it is clean or `valid_only`, write its items."""
    try:
        header, rows = read_rows(upload.content, upload.filename, context.row_limit)
    except (UnicodeDecodeError, ValueError, OSError, KeyError, BadZipFile, csv.Error) as unreadable:
        unread = Problem(row=0, column="", message=f"not a readable CSV or XLSX file: {unreadable}")
        return ImportReport(
            kind=sheet.name, rows=0, items=0, imported=0, existing=0, skipped=0, problems=[unread]
        )
    items, problems = _items(sheet, header, rows)
    build = sheet.builder(context, upload)
    ready: list[list[Write]] = []
    for item in items:
        try:
            ready.append(build(item))
        except (CellError, DomainError, ValueError) as refused:  # msgspec's errors are ValueErrors
            problems.append(_located(sheet, refused, item))
    ready = ready if valid_only or not problems else []
    count = len({tuple(r.get(k, "") for k in sheet.key) for _, r in rows})
    report = ImportReport(
        kind=sheet.name,
        rows=len(rows),
        items=count,
        imported=0,
        existing=0,
        skipped=count - len(ready),
        problems=sorted(problems, key=lambda p: (p.row, p.column)),
    )
    for done, writes in enumerate(ready, start=1):
        changed = False
        for write in writes:
            command = write.command()
            key = command_digest(write.decider.name, write.aggregate_id, command)
            meta = CommandMeta(command_id=f"import:{sheet.name}:{key}", actor=actor)
            outcome = context.service.execute(write.decider, write.aggregate_id, command, meta)
            changed = changed or (bool(outcome.events) and not outcome.replayed)
        report.imported += changed
        report.existing += not changed
        if progress is not None:
            progress(done, len(ready))
    context.written()
    return report
