"""Spreadsheet import of historical orders (XLSX or CSV), checked whole before anything is written.

Users come from Excel (seed 004, FAQ 3). A file has one row per order line; the
rows of one order share its channel and reference. Every cell is checked first,
then every order as the API would check it (the same request type, the rulebook
in force, the order's own rules on a blank order): the report names each bad
cell by row, column and what was expected. A file with any problem imports
nothing unless `valid_only` is asked for, and then only the orders without one.
An order is identified by its channel and reference, so importing the same file
again finds its orders there and writes nothing. Orders are imported as
captured; their later history (signing, stages, invoices) is not in the template.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple
from zipfile import BadZipFile

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from openpyxl import load_workbook

from api.exports import table_file
from api.order_dto import Aware, PlaceOrderIn
from api.orders import acting_user, capture_rules
from api.runtime import Runtime, RuntimeDep
from domain.order import OrderState, order_id_for
from domain.order.commands import PlaceOrder
from domain.order.events import Channel, LineKind
from domain.service import ORDER, CommandMeta
from domain.shared import CurrencyCode, DomainError


class Column(NamedTuple):
    name: str
    expected: str  # what a cell must hold, as the report and the template say it
    required: bool = True


ORDER_COLUMNS = (
    Column("channel", f"one of {', '.join(c.value for c in Channel)}"),
    Column("external_ref", "the channel's order reference (rows of one order share it)"),
    Column("order_type", "a route in the rulebook: equipment, standard_parts, software"),
    Column("customer_id", "the customer's code"),
    Column("customer_name", "the customer's name"),
    Column("region", "the sales region"),
    Column("salesperson", "the salesperson's id"),
    Column("currency", "an ISO currency code such as CNY"),
    Column("placed_at", "a date and time with its UTC offset, e.g. 2025-06-01T09:00:00+08:00"),
    Column("promised_delivery", "a date, YYYY-MM-DD"),
    Column("line_id", "the line's id within the order, e.g. L1"),
    Column("product_code", "the product's code"),
    Column("kind", f"one of {', '.join(k.value for k in LineKind)}"),
    Column("quantity", "a number above 0"),
    Column("unit_price", "a number, 0 or more"),
    Column("discount", "a number, 0 or more (empty: none)", required=False),
)
EXPECTED = {c.name: c.expected for c in ORDER_COLUMNS}
_EXAMPLE = ("direct", "HIST-2025-001", "equipment", "C-JX-001", "嘉兴恒力输送设备有限公司", "浙江",
            "wang.fang", "CNY", "2025-06-01T09:00:00+08:00", "2025-08-15", "L1", "CONV-800",
            "hardware", "2", "30000.00", "1000.00")  # fmt: skip
_ORDER_FIELDS = ("order_type", "channel", "external_ref", "customer_id", "customer_name",
                 "region", "salesperson", "currency", "promised_delivery", "placed_at")  # fmt: skip
_LINE_FIELDS = ("line_id", "product_code", "kind", "quantity", "unit_price", "discount")
Rows = list[tuple[int, dict[str, str]]]
_CELL_TYPES: dict[str, Any] = {
    "channel": Channel, "kind": LineKind, "currency": CurrencyCode, "placed_at": Aware,
    "promised_delivery": date, "quantity": Decimal, "unit_price": Decimal, "discount": Decimal,
}  # fmt: skip


def _fits(cell: str, kind: Any) -> bool:
    """Whether a cell reads as its column's type (a number: finite, sane, not negative)."""
    try:
        value = msgspec.convert(cell, kind, strict=False)
    except msgspec.ValidationError:
        return False
    return not isinstance(value, Decimal) or (value.is_finite() and 0 <= value < Decimal("1e15"))


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


class Parsed(NamedTuple):
    rows: list[int]
    place: PlaceOrderIn


class ImportReport(msgspec.Struct, kw_only=True):
    rows: int
    orders: int
    imported: int  # orders written now
    existing: int  # orders already there (the same file imported before)
    skipped: int  # orders not imported for their problems (or all, without valid_only)
    problems: list[Problem]


def _text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def read_rows(content: bytes, filename: str) -> tuple[list[str], Rows]:
    """The header and the non-empty rows, numbered as the sheet numbers them."""
    table: Iterable[list[str]]
    if filename.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        if sheet is None:
            raise ValueError("the workbook has no sheet")
        table = ([_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    else:
        table = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    lines: Iterator[list[str]] = iter(table)
    header = [h.strip() for h in next(lines, [])]
    rows = []
    for n, values in enumerate(lines, start=2):
        if any(v.strip() for v in values):
            rows.append((n, dict(zip(header, (v.strip() for v in values), strict=False))))
    return header, rows


def parse_orders(header: list[str], rows: Rows) -> tuple[list[Parsed], list[Problem]]:
    """The orders the rows make, and every problem of a cell or of an order's rows."""
    problems = [Problem(row=1, column=c.name, message=f"missing column: {c.expected}")
                for c in ORDER_COLUMNS if c.required and c.name not in header]  # fmt: skip
    if problems:
        return [], problems
    grouped: dict[tuple[str, str], Rows] = {}
    for n, row in rows:
        problems += [Problem(row=n, column=c.name, message=c.expected)
                     for c in ORDER_COLUMNS if c.required and not row.get(c.name)]  # fmt: skip
        problems += [Problem(row=n, column=column, message=EXPECTED[column])
                     for column, kind in _CELL_TYPES.items()
                     if row.get(column) and not _fits(row[column], kind)]  # fmt: skip
        grouped.setdefault((row["channel"], row["external_ref"]), []).append((n, row))
    blank = {p.row for p in problems}
    parsed = []
    for order_rows in grouped.values():
        if blank.isdisjoint(n for n, _ in order_rows):
            order = _order(order_rows, problems)
            parsed += [order] if order else []
    return parsed, problems


def _order(order_rows: Rows, problems: list[Problem]) -> Parsed | None:
    first_n, first = order_rows[0]
    same = "the rows of one order share its header fields"
    differing = [Problem(row=n, column=f, message=f"{first[f]!r} as on row {first_n}: {same}")
                 for n, row in order_rows[1:] for f in _ORDER_FIELDS
                 if row[f] != first[f]]  # fmt: skip
    if differing:
        problems += differing
        return None
    body: dict[str, Any] = {f: first[f] for f in _ORDER_FIELDS}
    body["lines"] = [{f: row[f] for f in _LINE_FIELDS if row.get(f)} for _, row in order_rows]
    try:
        place = msgspec.convert(body, PlaceOrderIn, strict=False)
    except msgspec.ValidationError as bad:
        problems.append(_located(str(bad), order_rows))
        return None
    return Parsed(rows=[n for n, _ in order_rows], place=place)


def _located(said: str, order_rows: Rows) -> Problem:
    """A path such as `lines[1].quantity` (msgspec's `$.` or a domain field) as a cell."""
    path = said.rsplit("at `$.", 1)[-1].rstrip("`") if "at `$." in said else ""
    return _at(path, said.split(" - at ", 1)[0], order_rows)


def _at(path: str, said: str, order_rows: Rows) -> Problem:
    row, column = order_rows[0][0], path or "order"
    if path.startswith("lines[") and "]" in path:
        index = int(path[6 : path.index("]")])
        row = order_rows[min(index, len(order_rows) - 1)][0]
        column = path.split(".", 1)[1] if "." in path else "line_id"
    column = column.split(".", 1)[0]
    expected = EXPECTED.get(column)
    return Problem(row=row, column=column, message=f"{expected} ({said})" if expected else said)


def check_orders(
    runtime: Runtime, parsed: list[Parsed], problems: list[Problem], rows: Rows
) -> list[PlaceOrder]:
    """Each order's command, checked by the order's own rules on a blank order."""
    by_row = dict(rows)
    rules_for = functools.cache(functools.partial(capture_rules, runtime))  # per file
    ready = []
    for order in parsed:
        order_rows = [(n, by_row[n]) for n in order.rows]
        try:
            route, approval, rating = rules_for(order.place.order_type, order.place.customer_id)
            command = order.place.to_command(route, approval, rating, None)
            ORDER.decide(command, ORDER.initial)
        except (DomainError, ValueError) as refused:
            field = getattr(refused, "field", None) or ""
            problems.append(_at(field, str(refused), order_rows))
            continue
        ready.append(command)
    return ready


class Upload(NamedTuple):
    content: bytes
    filename: str  # .xlsx is read as a workbook, anything else as CSV (UTF-8)


def import_orders(
    runtime: Runtime,
    upload: Upload,
    *,
    valid_only: bool,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check the whole file; then, if it is clean or `valid_only`, capture its orders."""
    try:
        header, rows = read_rows(upload.content, upload.filename)
    except (UnicodeDecodeError, ValueError, OSError, KeyError, BadZipFile, csv.Error) as unreadable:
        unread = Problem(row=0, column="", message=f"not a readable CSV or XLSX file: {unreadable}")
        return ImportReport(rows=0, orders=0, imported=0, existing=0, skipped=0,
                            problems=[unread])  # fmt: skip
    parsed, problems = parse_orders(header, rows)
    checked = check_orders(runtime, parsed, problems, rows)
    ready = checked if valid_only or not problems else []
    orders = len({(r.get("channel"), r.get("external_ref")) for _, r in rows})
    report = ImportReport(rows=len(rows), orders=orders, imported=0, existing=0,
                          skipped=orders - len(ready),
                          problems=sorted(problems, key=lambda p: (p.row, p.column)))  # fmt: skip
    for done, command in enumerate(ready, start=1):
        order_id = order_id_for(command.channel, command.external_ref)
        state: OrderState = runtime.service.load(ORDER, order_id)
        if state.exists:
            report.existing += 1
        else:
            key = f"import:{command.channel.value}:{command.external_ref}"
            runtime.service.execute(ORDER, order_id, command, CommandMeta(command_id=key,
                                                                          actor=actor))  # fmt: skip
            report.imported += 1
        if progress is not None:
            progress(done, len(ready))
    runtime.notify_written()
    return report


@dataclass
class ImportForm:
    """multipart/form-data: the spreadsheet, and whether to import only the good orders."""

    file: UploadFile
    valid_only: bool = False


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]  # noqa: RUF012

    @get("/orders/template", sync_to_thread=True)
    def orders_template(
        self, format: FromQuery[Literal["csv", "xlsx"]] = "xlsx"
    ) -> Response[bytes]:
        """The column template for historical orders, with one example row."""
        header = [c.name for c in ORDER_COLUMNS]
        return table_file(format, "orders-template", header, [list(_EXAMPLE)], sheet="orders")

    @post("/orders", sync_to_thread=True, status_code=200)
    def import_orders_file(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        runtime: RuntimeDep,
    ) -> Response[ImportReport]:
        """Import historical orders from XLSX or CSV (one row per order line, columns as in
        the template). Every cell is checked first; with any problem nothing is imported
        (422 with the report) unless `valid_only`. Importing a file again adds nothing."""
        upload = Upload(data.file.file.read(), data.file.filename or "upload.csv")
        report = import_orders(runtime, upload, valid_only=data.valid_only,
                               actor=acting_user(request))  # fmt: skip
        status = 422 if report.problems and not data.valid_only else 200
        return Response(report, status_code=status)
