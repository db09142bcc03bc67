"""Tabular exports: CSV that Excel opens correctly, and real XLSX, of any list route.

A list route takes `format=csv|xlsx` and answers with the same rows it would list,
under the same filters, as a file (`exported`).

CSV is UTF-8 with a byte-order mark, because Excel reads BOM-less CSV in the
local code page and garbles Chinese names. XLSX keeps decimals exact (written
as Decimal, shown with two places) and dates as dates. The same rows give the
same bytes: the workbook's timestamps are fixed.

No exported cell runs as a formula (OWASP, "CSV Injection"): in CSV a text cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a
plain number, is written with a leading `'`; in XLSX such a cell is a string
with Excel's quote prefix, never a formula. What was recorded stays as it was.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import msgspec
from litestar import Response
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from application.imports.engine import FORMULA_START

_FIXED = datetime(2000, 1, 1)  # noqa: DTZ001 - openpyxl keeps naive UTC stamps; fixed for stable output
_MAX_WIDTH = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _runs_as_formula(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and _NUMBER.fullmatch(value) is None
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([("'" if _runs_as_formula(v) else "") + _text(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _sheet_value(value: object) -> object:
    """A value a worksheet can hold: control characters (which the XLSX format cannot
    carry) written as visible escapes, so nothing is dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m[0]):02x}", value)
    return value


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = Workbook()
    book.properties.created = book.properties.modified = _FIXED
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]  # Excel's limit
    if header:
        ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [len(h) for h in header]
    for row in rows:
        ws.append([_sheet_value(value) for value in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(_text(value)))
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
            elif _runs_as_formula(cell.value):
                cell.data_type = "s"  # openpyxl takes a leading "=" for a formula
                cell.quotePrefix = True  # and Excel keeps it text when edited
    for column, width in zip(ws.columns, widths, strict=False):
        ws.column_dimensions[column[0].column_letter].width = min(width + 2, _MAX_WIDTH)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILENAME_LIMIT = 200  # what a document version records


def safe_filename(raw: str | None, default: str = "file") -> str:
    """A client's file name without its folders, control characters or excess length
    (shortened to `FILENAME_LIMIT` characters, its extension kept)."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if name in ("", ".", ".."):
        return default
    if len(name) <= FILENAME_LIMIT:
        return name
    suffix = PurePosixPath(name).suffix
    suffix = suffix if len(suffix) <= 16 else ""
    return name[: FILENAME_LIMIT - len(suffix)] + suffix


def attachment(name: str) -> dict[str, str]:
    """A download's file name: ASCII for old clients, UTF-8 (RFC 6266) for the rest."""
    name = safe_filename(name, default="download")
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {"content-disposition": f"attachment; filename=\"{fallback}\"; "
                                   f"filename*=UTF-8''{quote(name)}"}  # fmt: skip


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


FormatParam = Annotated[
    Format,
    QueryParameter(name="format", description="json (default), or the same rows as csv or xlsx"),
]
T = TypeVar("T")


def _cell(value: object) -> object:
    """A value as a spreadsheet cell: decimals stay exact, aware times become text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()
    return value


def _flat(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        flat: dict[str, object] = {}
        for key, inner in value.items():
            flat.update(_flat(inner, f"{prefix}{key}."))
        return flat
    if isinstance(value, list):
        return {prefix[:-1]: ", ".join(str(_cell(v)) for v in value)}
    return {prefix[:-1]: _cell(value)}


def table(rows: Iterable[object]) -> tuple[list[str], list[list[object]]]:
    """Rows of any shape (structs, dicts) as a header and cells; nested fields become
    `a.b` columns, lists one cell."""
    flats = [_flat(msgspec.to_builtins(r, builtin_types=(Decimal, date, datetime))) for r in rows]
    header = list(dict.fromkeys(k for flat in flats for k in flat))
    return header, [[flat.get(k) for k in header] for flat in flats]


def table_file(
    fmt: str, name: str, header: Sequence[str], rows: Sequence[Sequence[object]], *, sheet: str = ""
) -> Response[bytes]:
    """`rows` under `header` as a `name`.csv or `name`.xlsx download."""
    if fmt == "xlsx":
        body, media_type = xlsx_bytes(sheet or name, header, rows), XLSX
    else:
        body, media_type = csv_bytes(header, rows), CSV
    return Response(body, media_type=media_type, headers=attachment(f"{name}.{fmt}"))


def listed(model: Any) -> dict[int, ResponseSpec]:
    """A list route's documented answer: `model` as JSON; the same rows as a file with
    `format=csv|xlsx` (without this the schema says "`model` or anything")."""
    return {200: ResponseSpec(data_container=model, generate_examples=False,
                              description="The rows; with format=csv or xlsx, the same "
                                          "rows as a file download")}  # fmt: skip


def exported(result: T, fmt: Format, name: str) -> T | Response[bytes]:
    """`result` itself for json; else its rows (a page's `items`) as a csv or xlsx file."""
    if fmt is Format.JSON:
        return result
    rows = getattr(result, "items", result)
    header, cells = table(rows if isinstance(rows, list) else [rows])
    return table_file(fmt.value, name, header, cells)
