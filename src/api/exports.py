"""Tabular exports for finance: CSV that Excel opens correctly, and real XLSX.

CSV is UTF-8 with a byte-order mark, because Excel reads BOM-less CSV in the
local code page and garbles Chinese names. XLSX keeps decimals exact (written
as Decimal, shown with two places) and dates as dates. The same rows give the
same bytes: the workbook's timestamps are fixed.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font

_FIXED = datetime(2000, 1, 1)  # noqa: DTZ001 - openpyxl keeps naive UTC stamps; fixed for stable output
_MAX_WIDTH = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


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
    writer.writerows([_text(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = Workbook()
    book.properties.created = book.properties.modified = _FIXED
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]  # Excel's limit
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [len(h) for h in header]
    for row in rows:
        ws.append(list(row))
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(_text(value)))
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
    for column, width in zip(ws.columns, widths, strict=False):
        ws.column_dimensions[column[0].column_letter].width = min(width + 2, _MAX_WIDTH)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def safe_filename(raw: str | None, default: str = "file") -> str:
    """A client's file name without its folders, control characters or excess length."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:255] if name not in ("", ".", "..") else default


def attachment(name: str) -> dict[str, str]:
    """A download's file name: ASCII for old clients, UTF-8 (RFC 6266) for the rest."""
    name = safe_filename(name, default="download")
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {"content-disposition": f"attachment; filename=\"{fallback}\"; "
                                   f"filename*=UTF-8''{quote(name)}"}  # fmt: skip
