"""What a kind of spreadsheet is: its columns, how its items become writes, the report.

A `Sheet` names its columns (what each cell must hold, as the template and the
report say it), the columns that identify one item and a builder that turns an
item's rows into the commands to write. The builder is made once per file from
an `ImportContext`: what an import is handed, never the HTTP layer.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any, NamedTuple
from uuid import UUID

import msgspec

from application.intake import Seal
from application.service import ApplicationService
from domain.decider import Decider

Row = dict[str, str]  # a row's cells by column
Rows = list[tuple[int, Row]]  # (row number as the sheet numbers it, cells)
FLAGS = {
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "是": True,
    "否": False,
}


class Column(NamedTuple):
    name: str
    expected: str  # what a cell must hold, as the report and the template say it
    type: Any = str  # what a cell reads as (bool: one of FLAGS)
    required: bool = True


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


class ImportReport(msgspec.Struct, kw_only=True):
    kind: str
    rows: int
    items: int  # orders, customers, product publications or components in the file
    imported: int  # items that changed something now
    existing: int  # items already there as the file has them (the same file imported before)
    skipped: int  # items not imported for their problems (or all, without valid_only)
    problems: list[Problem]


class CellError(Exception):
    """A builder's finding about one cell of an item's `index`-th row."""

    def __init__(self, column: str, message: str, index: int = 0) -> None:
        super().__init__(message)
        self.column, self.message, self.index = column, message, index


class Write(NamedTuple):
    decider: Decider[Any, Any, Any]
    aggregate_id: UUID
    command: Callable[[], Any]  # made when written: sealing personal data stores a key

    @classmethod
    def of(cls, decider: Decider[Any, Any, Any], aggregate_id: UUID, command: Any) -> Write:
        """A write whose command is made already."""
        return cls(decider, aggregate_id, functools.partial(_same, command))


def _same(command: Any) -> Any:
    return command


class Upload:
    """An uploaded file: its bytes, or a seekable binary file (read as a stream, from
    its start, on each pass); .xlsx is read as a workbook, anything else as CSV (UTF-8)."""

    def __init__(self, content: bytes | IO[bytes], filename: str) -> None:
        self._file = io.BytesIO(content) if isinstance(content, bytes) else content
        self.filename = filename

    def open(self) -> IO[bytes]:
        self._file.seek(0)
        return self._file

    @functools.cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        stream = self.open()
        while chunk := stream.read(2**20):
            digest.update(chunk)
        return digest.hexdigest()


@dataclass(frozen=True)
class ImportContext:
    """What an import is handed: the service it writes through, the keyring's sealing of
    personal data, the clock (for records without a time) and who to tell it wrote."""

    service: ApplicationService
    seal: Seal
    clock: Callable[[], datetime]
    written: Callable[[], None]
    row_limit: int = 100_000  # rows one import takes (0: no limit)


Builder = Callable[[Rows], list[Write]]  # an item's rows -> its writes (none: already there)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    example: tuple[tuple[str, ...], ...]  # the template's example rows
    key: tuple[str, ...]  # the columns that identify an item
    shared: tuple[str, ...]  # columns the rows of one item repeat; () = one row per item
    builder: Callable[[ImportContext, Upload], Builder]  # per file: reads the rules in force once
    aliases: tuple[tuple[str, str], ...] = ()  # request fields named otherwise than columns

    @functools.cached_property
    def expected(self) -> dict[str, str]:
        return {c.name: c.expected for c in self.columns}


def one_of(choices: type[StrEnum]) -> str:
    """What a cell naming one of `choices` must hold, as the report says it."""
    return f"one of {', '.join(c.value for c in choices)}"


def fits(cell: str, kind: Any) -> bool:
    """Whether a cell reads as its column's type (a number: finite, sane, not negative)."""
    if kind is bool:
        return cell.lower() in FLAGS
    try:
        value = msgspec.convert(cell, kind, strict=False)
    except msgspec.ValidationError:
        return False
    return not isinstance(value, Decimal) or (value.is_finite() and 0 <= value < Decimal("1e15"))
