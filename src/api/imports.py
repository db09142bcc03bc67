"""Spreadsheet imports (XLSX or CSV) of historical orders, customers, products and stock,
each file checked whole before anything is written.

Users come from Excel (seed 004, FAQ 3). Each kind of file is a `Sheet`: its
columns (what each cell must hold, as the template and the report say it),
the columns that identify one item (an order, a customer, a product's
publication, a component) and how an item's rows become commands. Every cell
is checked first, then every item as the API would check it (the same request
types, the rules in force, the aggregate's own rules): the report names each
bad cell by row, column and what was expected. A file with any problem imports
nothing unless `valid_only` is asked for, and then only the items without one.

Importing the same file again writes nothing: orders are known by channel and
reference, a record equal to the one there changes nothing, and each command's
id is the digest of the command itself, so a retried import is answered from
the log. Orders are imported as captured; their later history (signing,
stages, invoices) is not in the template.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple
from uuid import UUID
from zipfile import BadZipFile

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from openpyxl import load_workbook

from api.customers import CustomerIn
from api.exports import table_file
from api.order_dto import Aware, PlaceOrderIn
from api.orders import acting_user, capture_rules
from api.runtime import Runtime, RuntimeDep
from domain.cpq.catalogue import (
    CATALOGUE_ID,
    Product,
    PublishProduct,
    SspMethod,
)
from domain.customer import customer_id_for
from domain.order import OrderState, order_id_for
from domain.order.events import Channel, LineKind
from domain.service import CATALOGUE, CUSTOMER, ORDER, STOCK, CommandMeta, Decider, command_digest
from domain.shared import CurrencyCode, DomainError, Name
from domain.stock import CountStock, DefineComponent, PartNo, StockCommand, stock_item_id

Rows = list[tuple[int, dict[str, str]]]  # (row number as the sheet numbers it, cells)
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


class Upload(NamedTuple):
    content: bytes
    filename: str  # .xlsx is read as a workbook, anything else as CSV (UTF-8)


Builder = Callable[[Rows], list[Write]]  # an item's rows -> its writes (none: already there)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    example: tuple[tuple[str, ...], ...]  # the template's example rows
    key: tuple[str, ...]  # the columns that identify an item
    shared: tuple[str, ...]  # columns the rows of one item repeat; () = one row per item
    builder: Callable[[Runtime, Upload], Builder]  # per file: reads the rules in force once
    aliases: tuple[tuple[str, str], ...] = ()  # request fields named otherwise than columns

    @functools.cached_property
    def expected(self) -> dict[str, str]:
        return {c.name: c.expected for c in self.columns}


_PART_NUMBER = "letters, digits and . _ / - (at most 64)"


def _one_of(choices: type[StrEnum]) -> str:
    return f"one of {', '.join(c.value for c in choices)}"


def _fits(cell: str, kind: Any) -> bool:
    """Whether a cell reads as its column's type (a number: finite, sane, not negative)."""
    if kind is bool:
        return cell.lower() in FLAGS
    try:
        value = msgspec.convert(cell, kind, strict=False)
    except msgspec.ValidationError:
        return False
    return not isinstance(value, Decimal) or (value.is_finite() and 0 <= value < Decimal("1e15"))


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
            if (c.required and not cell) or (
                cell and c.type is not str and not _fits(cell, c.type)
            ):
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
    runtime: Runtime,
    sheet: Sheet,
    upload: Upload,
    *,
    valid_only: bool,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check the whole file; then, if it is clean or `valid_only`, write its items."""
    try:
        header, rows = read_rows(upload.content, upload.filename)
    except (UnicodeDecodeError, ValueError, OSError, KeyError, BadZipFile, csv.Error) as unreadable:
        unread = Problem(row=0, column="", message=f"not a readable CSV or XLSX file: {unreadable}")
        return ImportReport(
            kind=sheet.name, rows=0, items=0, imported=0, existing=0, skipped=0, problems=[unread]
        )
    items, problems = _items(sheet, header, rows)
    build = sheet.builder(runtime, upload)
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
            outcome = runtime.service.execute(write.decider, write.aggregate_id, command, meta)
            changed = changed or (bool(outcome.events) and not outcome.replayed)
        report.imported += changed
        report.existing += not changed
        if progress is not None:
            progress(done, len(ready))
    runtime.notify_written()
    return report


# --- historical orders -------------------------------------------------------------

_ORDER_FIELDS = (
    "order_type",
    "channel",
    "external_ref",
    "customer_id",
    "customer_name",
    "region",
    "salesperson",
    "currency",
    "promised_delivery",
    "placed_at",
)
_LINE_FIELDS = ("line_id", "product_code", "kind", "quantity", "unit_price", "discount")


def _order_builder(runtime: Runtime, _: Upload) -> Builder:
    rules_for = functools.cache(functools.partial(capture_rules, runtime))  # per file

    def build(rows: Rows) -> list[Write]:
        first = rows[0][1]
        body: dict[str, Any] = {f: first[f] for f in _ORDER_FIELDS}
        body["lines"] = [{f: row[f] for f in _LINE_FIELDS if row.get(f)} for _, row in rows]
        place = msgspec.convert(body, PlaceOrderIn, strict=False)
        route, approval, rating = rules_for(place.order_type, place.customer_id)
        command = place.to_command(route, approval, rating, None)
        ORDER.decide(command, ORDER.initial)  # the order's own rules, on a blank order
        order_id = order_id_for(command.channel, command.external_ref)
        state: OrderState = runtime.service.load(ORDER, order_id)
        return [] if state.exists else [Write.of(ORDER, order_id, command)]

    return build


ORDERS = Sheet(
    name="orders",
    columns=(
        Column("channel", _one_of(Channel), Channel),
        Column("external_ref", "the channel's order reference (rows of one order share it)"),
        Column("order_type", "a route in the rulebook: equipment, standard_parts, software"),
        Column("customer_id", "the customer's code"),
        Column("customer_name", "the customer's name"),
        Column("region", "the sales region"),
        Column("salesperson", "the salesperson's id"),
        Column("currency", "an ISO currency code such as CNY", CurrencyCode),
        Column(
            "placed_at",
            "a date and time with its UTC offset, e.g. 2025-06-01T09:00:00+08:00",
            Aware,
        ),
        Column("promised_delivery", "a date, YYYY-MM-DD", date),
        Column("line_id", "the line's id within the order, e.g. L1"),
        Column("product_code", "the product's code"),
        Column("kind", _one_of(LineKind), LineKind),
        Column("quantity", "a number above 0", Decimal),
        Column("unit_price", "a number, 0 or more", Decimal),
        Column("discount", "a number, 0 or more (empty: none)", Decimal, required=False),
    ),
    example=(
        (
            "direct",
            "HIST-2025-001",
            "equipment",
            "C-JX-001",
            "嘉兴恒力输送设备有限公司",
            "浙江",
            "wang.fang",
            "CNY",
            "2025-06-01T09:00:00+08:00",
            "2025-08-15",
            "L1",
            "CONV-800",
            "hardware",
            "2",
            "30000.00",
            "1000.00",
        ),
    ),
    key=("channel", "external_ref"),
    shared=_ORDER_FIELDS,
    builder=_order_builder,
)

# --- customers ---------------------------------------------------------------------

_CUSTOMER_FIELDS = (
    "name",
    "region",
    "industry",
    "tax_id",
    "address",
    "salesperson",
    "payment_days",
)


def _customer_builder(runtime: Runtime, _: Upload) -> Builder:
    def build(rows: Rows) -> list[Write]:
        row = rows[0][1]
        body: dict[str, Any] = {f: row[f] for f in _CUSTOMER_FIELDS if row.get(f)}
        contact = {
            f: row[f"contact_{f}"] for f in ("name", "phone", "email") if row.get(f"contact_{f}")
        }
        body |= {"contact": contact} if contact else {}
        record = msgspec.convert(body, CustomerIn, strict=False)
        make = functools.partial(record.to_command, runtime, row["customer_id"])
        return [Write(CUSTOMER, customer_id_for(row["customer_id"]), make)]

    return build


CUSTOMERS = Sheet(
    name="customers",
    columns=(
        Column(
            "customer_id", "the customer's code, as orders name it (at most 200 characters)", Name
        ),
        Column("name", "the customer's name"),
        Column("region", "the sales region"),
        Column("industry", "the customer's industry", required=False),
        Column("tax_id", "the tax id, e.g. the unified social credit code", required=False),
        Column("address", "the address, at most 500 characters", required=False),
        Column("salesperson", "the salesperson's id", required=False),
        Column(
            "payment_days", "whole days from 0 to 365 (empty: none agreed)", int, required=False
        ),
        Column(
            "contact_name",
            "the contact person's name (needed with a phone or e-mail)",
            required=False,
        ),
        Column("contact_phone", "a phone number such as +86 573 8888 0000", required=False),
        Column("contact_email", "an e-mail address such as li.na@example.cn", required=False),
    ),
    example=(
        (
            "C-JX-001",
            "嘉兴恒力输送设备有限公司",
            "浙江",
            "输送设备",
            "91330400MA2B000001",
            "浙江省嘉兴市南湖区科技大道 1 号",
            "wang.fang",
            "60",
            "李娜",
            "+86 573 8888 0000",
            "li.na@example.cn",
        ),
    ),
    key=("customer_id",),
    shared=(),
    builder=_customer_builder,
    aliases=(("contact", "contact_name"),),
)

# --- products ----------------------------------------------------------------------

_PRODUCT_FIELDS = (
    "code",
    "name",
    "kind",
    "unit",
    "ssp_method",
    "regions",
    "attributes",
    "auto_renew",
    "usage_based",
    "product_line",
    "effective_from",
)


def _attributes(cell: str, index: int) -> dict[str, str]:
    pairs = [p.strip() for p in cell.split(";") if p.strip()]
    if any("=" not in p or not p.split("=", 1)[0].strip() for p in pairs):
        raise CellError("attributes", "name=value pairs separated by ;", index)
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}


def _product_builder(runtime: Runtime, _: Upload) -> Builder:
    catalogue = runtime.service.load(CATALOGUE, CATALOGUE_ID)

    def build(rows: Rows) -> list[Write]:
        first = rows[0][1]
        prices: dict[str, str] = {}
        ssp: dict[str, str] = {}
        for index, (_, row) in enumerate(rows):
            if row["currency"] in prices:
                said = f"{row['currency']} is priced on an earlier row of this product"
                raise CellError("currency", said, index)
            prices[row["currency"]], ssp[row["currency"]] = row["list_price"], row["ssp"]
        product = msgspec.convert(
            {
                "code": first["code"],
                "name": first["name"],
                "kind": first["kind"],
                "unit": first.get("unit") or "each",
                "list_prices": prices,
                "ssp": ssp,
                "ssp_method": first["ssp_method"],
                "regions": [r.strip() for r in first.get("regions", "").split(";") if r.strip()],
                "attributes": _attributes(first.get("attributes", ""), 0),
                "auto_renew": FLAGS[first.get("auto_renew", "").lower() or "no"],
                "usage_based": FLAGS[first.get("usage_based", "").lower() or "no"],
                "product_line": first.get("product_line", ""),
            },
            Product,
            strict=False,
        )
        command = PublishProduct(
            product=product, effective_from=date.fromisoformat(first["effective_from"])
        )
        if not CATALOGUE.decide(command, catalogue):
            return []  # published so already
        return [Write.of(CATALOGUE, CATALOGUE_ID, command)]

    return build


PRODUCTS = Sheet(
    name="products",
    columns=(
        Column("code", "the product code: letters, digits and . _ / - (at most 64)"),
        Column("name", "the product's name"),
        Column("kind", _one_of(LineKind), LineKind),
        Column("unit", "the unit sold, e.g. each, seat, day (empty: each)", required=False),
        Column("currency", "an ISO currency code such as CNY (one row per currency)", CurrencyCode),
        Column(
            "list_price",
            "the list price per unit (and year, for subscriptions and maintenance), 0 or more",
            Decimal,
        ),
        Column("ssp", "the standalone selling price per unit (and year), 0 or more", Decimal),
        Column("ssp_method", _one_of(SspMethod), SspMethod),
        Column(
            "regions",
            "the regions it is sold in, separated by ; (empty: everywhere)",
            required=False,
        ),
        Column(
            "attributes",
            "name=value pairs separated by ;, e.g. hardware_generation=G5",
            required=False,
        ),
        Column("auto_renew", "yes or no (empty: no)", bool, required=False),
        Column("usage_based", "yes or no (empty: no)", bool, required=False),
        Column("product_line", "the product line", required=False),
        Column("effective_from", "the first day the publication is in force, YYYY-MM-DD", date),
    ),
    example=(
        (
            "SRV-G5",
            "计算服务器 G5",
            "hardware",
            "each",
            "CNY",
            "120000.00",
            "110000.00",
            "observed",
            "",
            "hardware_generation=G5",
            "no",
            "no",
            "servers",
            "2026-01-01",
        ),
        (
            "SRV-G5",
            "计算服务器 G5",
            "hardware",
            "each",
            "USD",
            "17000.00",
            "15500.00",
            "observed",
            "",
            "hardware_generation=G5",
            "no",
            "no",
            "servers",
            "2026-01-01",
        ),
    ),
    key=("code", "effective_from"),
    shared=_PRODUCT_FIELDS,
    builder=_product_builder,
    aliases=(("list_prices", "list_price"), ("product", "code")),
)

# --- stock -------------------------------------------------------------------------


def _stock_builder(_: Runtime, upload: Upload) -> Builder:
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
    source = f"import {name} ({hashlib.sha256(upload.content).hexdigest()[:12]})"

    def build(rows: Rows) -> list[Write]:
        row = rows[0][1]
        counted_at = msgspec.convert(row["counted_at"], Aware, strict=False)
        part = row["part"]
        alternatives = tuple(a.strip() for a in row.get("alternatives", "").split(";") if a.strip())
        for code in alternatives:
            if not _fits(code, PartNo):
                raise CellError("alternatives", f"{code!r} is not a part number: {_PART_NUMBER}")
        commands: list[StockCommand] = []
        if row.get("name"):
            commands.append(
                msgspec.convert(
                    {
                        "part": part,
                        "name": row["name"],
                        "unit": row.get("unit") or "pcs",
                        "safety_level": row.get("safety_level") or "0",
                        "alternatives": alternatives,
                        "at": counted_at,
                    },
                    DefineComponent,
                    strict=False,
                )
            )
        commands.append(
            CountStock(part=part, on_hand=Decimal(row["on_hand"]), source=source, at=counted_at)
        )
        for command in commands:
            STOCK.decide(command, STOCK.initial)
        return [Write.of(STOCK, stock_item_id(part), c) for c in commands]

    return build


STOCK_SHEET = Sheet(
    name="stock",
    columns=(
        Column("part", f"the component's part number: {_PART_NUMBER}", PartNo),
        Column("name", "the component's name (empty: only the count)", required=False),
        Column("unit", "the unit counted (empty: pcs)", required=False),
        Column("on_hand", "the quantity counted, 0 or more", Decimal),
        Column(
            "safety_level", "the safety stock level, 0 or more (empty: 0)", Decimal, required=False
        ),
        Column("alternatives", "alternative part numbers separated by ;", required=False),
        Column(
            "counted_at",
            "when it was counted, with its UTC offset, e.g. 2026-01-05T08:00:00+08:00",
            Aware,
        ),
    ),
    example=(
        (
            "BRG-6205",
            "深沟球轴承 6205",
            "pcs",
            "120",
            "40",
            "BRG-6205-ZZ",
            "2026-01-05T08:00:00+08:00",
        ),
    ),
    key=("part",),
    shared=(),
    builder=_stock_builder,
)

SHEETS = {s.name: s for s in (ORDERS, CUSTOMERS, PRODUCTS, STOCK_SHEET)}


@dataclass
class ImportForm:
    """multipart/form-data: the spreadsheet, and whether to import only the good items."""

    file: UploadFile
    valid_only: bool = False


def _sheet(request: Request[Any, Any, Any]) -> Sheet:
    """The sheet a route is for: its path names it (/imports/<kind>[/template])."""
    return SHEETS[str(request.scope["path_template"]).split("/")[2]]


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]  # noqa: RUF012

    @get([f"/{kind}/template" for kind in SHEETS], sync_to_thread=False)  # a small table
    def column_template(
        self, request: Request[Any, Any, Any], format: FromQuery[Literal["csv", "xlsx"]] = "xlsx"
    ) -> Response[bytes]:
        """The column template of a kind of import (`format` xlsx or csv), with example rows;
        each column's meaning is in the operators' guide and in an import's report."""
        sheet = _sheet(request)
        header = [c.name for c in sheet.columns]
        return table_file(
            format,
            f"{sheet.name}-template",
            header,
            [list(r) for r in sheet.example],
            sheet=sheet.name,
        )

    # Not sync_to_thread: on a handler with several paths Litestar 2 wraps the function
    # twice and answers 500, so the import goes to a worker thread by hand.
    @post([f"/{kind}" for kind in SHEETS], status_code=200)
    async def import_upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        runtime: RuntimeDep,
    ) -> Response[ImportReport]:
        """Import historical orders (one row per order line), customers, products (one row
        per currency) or stock counts from XLSX or CSV, with the columns of the template.
        Every cell is checked first; with any problem nothing is imported (422 with the
        report) unless `valid_only`. Importing a file again adds nothing."""
        upload = Upload(await data.file.read(), data.file.filename or "upload.csv")
        run = functools.partial(
            import_file,
            runtime,
            _sheet(request),
            upload,
            valid_only=data.valid_only,
            actor=acting_user(request),
        )
        report = await anyio.to_thread.run_sync(run)
        status = 422 if report.problems and not data.valid_only else 200
        return Response(report, status_code=status)
