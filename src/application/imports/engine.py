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
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import NamedTuple
from zipfile import BadZipFile

import msgspec
from openpyxl import load_workbook

from application.imports.sheet import (
    CellError,
    ImportContext,
    ImportReport,
    Problem,
    Row,
    Rows,
    Sheet,
    Upload,
    Write,
    fits,
)
from application.imports.staging import Staging
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


def read_rows(upload: Upload, limit: int = 0) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    """The header, and the non-empty rows as they are read, numbered as the sheet numbers
    them; more than `limit` rows (if set) are refused as they are met, before anything
    is written."""
    stream = upload.open()
    table: Iterator[list[str]]
    if upload.filename.lower().endswith(".xlsx"):
        sheet = load_workbook(stream, read_only=True, data_only=True).active
        if sheet is None:
            raise ValueError("the workbook has no sheet")
        table = ([_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    else:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        table = _detaching(text, ([_unescaped(v) for v in row] for row in csv.reader(text)))
    header = [h.strip() for h in next(table, [])]
    return header, _numbered(header, table, limit)


def _detaching(text: io.TextIOWrapper, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """`rows`, then `text` let go of the upload's stream (which its owner closes)."""
    yield from rows
    text.detach()


def _numbered(
    header: list[str], table: Iterator[list[str]], limit: int
) -> Iterator[tuple[int, Row]]:
    count = 0
    for n, values in enumerate(table, start=2):
        if any(v.strip() for v in values):
            if limit and count >= limit:
                raise TooManyRows(
                    f"an import takes at most {limit:,} rows; split the file (row {n} is over)",
                    field="file",
                )
            count += 1
            yield n, dict(zip(header, (v.strip() for v in values), strict=False))


class Checked(NamedTuple):
    """What the first pass learnt: each item's number by key, which are good, the problems."""

    rows: int
    items: int
    good: set[int]
    problems: list[Problem]


def _check_cells(sheet: Sheet, header: list[str], rows: Iterator[tuple[int, Row]],
                 staging: Staging) -> Checked:  # fmt: skip
    """Every cell, every item's rows against each other; each row staged by its item."""
    problems = [
        Problem(row=1, column=c.name, message=f"missing column: {c.expected}")
        for c in sheet.columns
        if c.required and c.name not in header
    ]
    if problems:
        return Checked(rows=0, items=0, good=set(), problems=problems)
    index: dict[tuple[str, ...], tuple[int, int, tuple[str, ...]]] = {}  # item, first row, shared
    bad: set[int] = set()  # items with a bad cell
    mismatched: dict[int, list[Problem]] = {}  # rows of an item that disagree with its first
    same = "the rows of one item repeat its fields"
    count = 0
    for n, row in rows:
        count += 1
        cells_bad = False
        for c in sheet.columns:
            cell = row.get(c.name, "")
            if (c.required and not cell) or (cell and c.type is not str and not fits(cell, c.type)):
                problems.append(Problem(row=n, column=c.name, message=c.expected))
                cells_bad = True
        key = tuple(row.get(k, "") for k in sheet.key)
        shared = tuple(row.get(f, "") for f in sheet.shared)
        found = index.get(key)
        if found is None:
            index[key] = found = (len(index), n, shared)
        elif not sheet.shared:
            said = f"{' '.join(row[k] for k in sheet.key)!r} is on row {found[1]} already"
            problems.append(Problem(row=n, column=sheet.key[0], message=said))
            cells_bad = True
        else:
            first_n, first = found[1], found[2]
            mismatched.setdefault(found[0], []).extend(
                Problem(row=n, column=f, message=f"{first[i]!r} as on row {first_n}: {same}")
                for i, f in enumerate(sheet.shared)
                if shared[i] != first[i]
            )  # fmt: skip
        item = found[0]
        if cells_bad:
            bad.add(item)
        staging.add(item, n, row)
    staging.sealed()
    # An item's rows are compared only once its cells are good (a bad cell says enough).
    for item, disagreeing in mismatched.items():
        if disagreeing and item not in bad:
            problems += disagreeing
            bad.add(item)
    return Checked(rows=count, items=len(index), good=set(range(len(index))) - bad,
                   problems=problems)  # fmt: skip


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


# Items whose writes are kept from the check to the write: a file of up to this many
# is built once; the items of a longer one past it are built again from the scratch
# file (bounded memory costs a second build of those: bench/imports.py --memory).
KEEP_BUILT = 5_000


def import_file(  # noqa: PLR0913 - what to import, how, and who asks
    context: ImportContext,
    sheet: Sheet,
    upload: Upload,
    *,
    valid_only: bool,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check the whole file; then, if it is clean or `valid_only`, write its items.

    The rows go to a scratch file as they are read, so memory stays bounded however
    long the file: one pass reads and checks the cells, the next builds each item as
    the API would (and, with `valid_only`, writes it at once); then a clean file's
    items are written, the first `KEEP_BUILT` as built, the rest built again.
    """
    with Staging() as staging:
        try:
            header, rows = read_rows(upload, context.row_limit)
            checked = _check_cells(sheet, header, rows, staging)
        except (UnicodeDecodeError, ValueError, OSError, KeyError, BadZipFile,
                csv.Error) as unreadable:  # fmt: skip
            unread = Problem(row=0, column="", message=f"not a readable CSV or XLSX file: "
                                                       f"{unreadable}")  # fmt: skip
            return ImportReport(kind=sheet.name, rows=0, items=0, imported=0, existing=0,
                                skipped=0, problems=[unread])  # fmt: skip
        report = ImportReport(kind=sheet.name, rows=checked.rows, items=checked.items,
                              imported=0, existing=0, skipped=checked.items,
                              problems=[])  # fmt: skip
        problems, writer = checked.problems, _Writer(context, sheet, actor, report)
        build = sheet.builder(context, upload)
        kept: list[list[Write]] = []  # the first items' writes, not built twice
        ready: set[int] = set()  # the later ones, built again to be written
        for item, rows_of in staging.items(checked.good):
            try:
                writes = build(rows_of)
            except (CellError, DomainError, ValueError) as refused:  # msgspec's are ValueErrors
                problems.append(_located(sheet, refused, rows_of))
                continue
            if valid_only:
                writer.write(writes)
                _tell(progress, writer.done, len(checked.good))
            elif len(kept) < KEEP_BUILT:
                kept.append(writes)
            else:
                ready.add(item)
        if not valid_only and not problems:
            total = len(kept) + len(ready)
            for writes in kept:
                writer.write(writes)
                _tell(progress, writer.done, total)
            kept.clear()
            for _item, rows_of in staging.items(ready):
                writer.write(build(rows_of))
                _tell(progress, writer.done, total)
    report.skipped = checked.items - writer.done
    report.problems = _reported(problems)
    context.written()
    return report


def _tell(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


# Enough to fix a file by; a file of a hundred thousand bad rows is not listed whole.
MAX_PROBLEMS = 1_000


def _reported(problems: list[Problem]) -> list[Problem]:
    ordered = sorted(problems, key=lambda p: (p.row, p.column))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    more = len(ordered) - MAX_PROBLEMS
    return [*ordered[:MAX_PROBLEMS], Problem(row=ordered[MAX_PROBLEMS].row, column="",
            message=f"and {more:,} more problems from this row on (the first "
                    f"{MAX_PROBLEMS:,} are listed)")]  # fmt: skip


class _Writer:
    """Writes items through the service, counting what changed and what was there."""

    def __init__(self, context: ImportContext, sheet: Sheet, actor: str,
                 report: ImportReport) -> None:  # fmt: skip
        self.context, self.sheet, self.actor, self.report = context, sheet, actor, report
        self.done = 0

    def write(self, writes: list[Write]) -> None:
        changed = False
        for write in writes:
            command = write.command()
            key = command_digest(write.decider.name, write.aggregate_id, command)
            meta = CommandMeta(command_id=f"import:{self.sheet.name}:{key}", actor=self.actor)
            outcome = self.context.service.execute(write.decider, write.aggregate_id, command,
                                                   meta)  # fmt: skip
            changed = changed or (bool(outcome.events) and not outcome.replayed)
        self.report.imported += changed
        self.report.existing += not changed
        self.done += 1
