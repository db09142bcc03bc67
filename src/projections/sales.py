"""Sales: quotes, bookings by purpose (new, expansion, renewal), and renewals coming due.

Sales wants the customers' buying pattern: renewal rate and upsell. Every
quote and every order is classified when it appears, from what the log held
before it, so a rebuild classifies alike:

- a quote that renews an order's lines is a *renewal*; any other quote, or an
  order captured without a quote, is *expansion* (upsell) when the customer had
  booked before, else *new*; an order captured from a quote takes its purpose;
- a change order books the change in the order's net total (`change`), a
  cancellation takes the order's total back (`cancellation`), and usage charged
  above a usage-based line's commitment books as `usage`.

Subscription and maintenance lines that renew by themselves are tracked from
signing to the renewal quote the clock drafts (policies/
every_morning_draft_renewal_quotes). The price a renewal starts from is the
line's last year, net of its discount: from the accepted quote's yearly prices
when there was one, else the line's net spread evenly over its term.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import msgspec

from domain.cpq.pricing import PricedQuote
from domain.cpq.quote import QuoteAccepted, QuoteDrafted, QuoteRevised, QuoteWithdrawn
from domain.decider import topic_of
from domain.envelope import Recorded
from domain.order.events import (
    OrderCancelled,
    OrderChanged,
    OrderLine,
    OrderPlaced,
    OrderSigned,
    UsageRecorded,
)
from domain.order.state import changed_lines
from domain.shared import Money, total
from infrastructure.read_store import Row, Tx
from projections.rows import KeyedRows, encode

NAME = "sales"
_lines = msgspec.json.Decoder(tuple[OrderLine, ...])
_priced = msgspec.json.Decoder(PricedQuote)

QUOTE_COLUMNS = (
    "quote_id", "number", "customer_id", "customer_name", "salesperson", "region", "currency",
    "revision", "status", "total", "purpose", "drafted_on", "valid_until", "closed_on",
    "order_id", "renews_order_id", "priced",
)  # fmt: skip
ORDER_COLUMNS = (
    "order_id", "customer_id", "customer_name", "salesperson", "region", "order_type",
    "external_ref", "currency", "purpose", "lines", "signed", "cancelled",
)  # fmt: skip
RENEWAL_COLUMNS = (
    "order_id", "line_id", "customer_id", "term_end", "product_code", "name", "kind",
    "quantity", "currency", "basis", "status",
)  # fmt: skip
BOOKING_COLUMNS = (
    "booking_id", "order_id", "customer_id", "salesperson", "month", "currency", "amount",
    "purpose",
)  # fmt: skip
_INTEGERS = {"revision", "signed", "cancelled"}


def _schema(table: str, columns: Sequence[str], key: str) -> str:
    cols = ", ".join(f"{c} {'BIGINT' if c in _INTEGERS else 'TEXT'} NOT NULL" for c in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols}, PRIMARY KEY ({key}))"


def term_end(start: date, months: int) -> date:
    """The day after the term's last day: where a renewal starts."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, _days_in(year, month))
    return date(year, month, day)


def _days_in(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


def _net(lines: Sequence[OrderLine], currency: str) -> Money:
    return total([ln.net for ln in lines], currency)


def renewal_basis(line: OrderLine, quoted: PricedQuote | None) -> Decimal:
    """A unit's last-year price, net of its discount (see the module's docstring)."""
    assert line.term_months is not None
    gross = line.gross.amount
    share = (line.net.amount / gross) if gross else Decimal(1)
    found = next((q for q in (quoted.lines if quoted else ()) if q.line_id == line.line_id), None)
    if found is not None and found.years:
        return found.years[-1].annual.amount * share / line.quantity
    return line.net.amount / line.quantity * 12 / line.term_months


class Booking(NamedTuple):
    key: str
    on: date
    amount: Money
    purpose: str


class SalesProjection:
    topics = frozenset(
        topic_of(t)
        for t in (
            QuoteDrafted, QuoteRevised, QuoteAccepted, QuoteWithdrawn, OrderPlaced, OrderChanged,
            OrderSigned, OrderCancelled, UsageRecorded,
        )
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.quotes = KeyedRows(f"{name}_quotes", QUOTE_COLUMNS)
        self.orders = KeyedRows(f"{name}_orders", ORDER_COLUMNS)
        self.renewals, self.bookings = f"{name}_renewals", f"{name}_bookings"

    def tables(self) -> list[str]:
        return [self.quotes.table, self.orders.table, self.renewals, self.bookings]

    def schema(self) -> list[str]:
        return [
            _schema(self.quotes.table, QUOTE_COLUMNS, "quote_id"),
            _schema(self.orders.table, ORDER_COLUMNS, "order_id"),
            _schema(self.renewals, RENEWAL_COLUMNS, "order_id, line_id"),
            _schema(self.bookings, BOOKING_COLUMNS, "booking_id"),
            f"CREATE INDEX IF NOT EXISTS {self.bookings}_customer ON {self.bookings} (customer_id)",
            f"CREATE INDEX IF NOT EXISTS {self.renewals}_due ON {self.renewals} (status, term_end)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            if isinstance(recorded.event, QuoteDrafted | QuoteRevised | QuoteAccepted
                          | QuoteWithdrawn):  # fmt: skip
                self._quote(tx, recorded)
            else:
                self._order(tx, recorded)

    def _booked_before(self, tx: Tx, customer_id: str) -> bool:
        tx.execute(f"SELECT 1 FROM {self.bookings} WHERE customer_id = ? LIMIT 1", (customer_id,))  # noqa: S608
        return tx.fetchone() is not None

    def _quote(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event, quote_id = recorded.event, str(recorded.originator_id)
        if isinstance(event, QuoteDrafted):
            customer = event.request.customer_id
            purpose = ("renewal" if event.renews else
                       "expansion" if self._booked_before(tx, customer) else "new")  # fmt: skip
            row: Row = {
                "quote_id": quote_id, "number": event.number, "customer_id": customer,
                "customer_name": event.customer_name, "salesperson": event.salesperson,
                "region": event.request.region, "currency": event.priced.currency,
                "revision": 1, "status": "open", "total": str(event.priced.total.amount),
                "purpose": purpose, "drafted_on": event.drafted_at.date().isoformat(),
                "valid_until": event.terms.valid_until.isoformat(), "closed_on": "",
                "order_id": "", "priced": encode(event.priced),
                "renews_order_id": str(event.renews.order_id) if event.renews else "",
            }  # fmt: skip
            if event.renews:
                self._renewal_status(tx, str(event.renews.order_id), event.renews.line_ids,
                                     "quoted")  # fmt: skip
            self.quotes.save(tx, row)
            return
        found = self.quotes.load(tx, quote_id)
        if found is None:
            return
        match event:
            case QuoteRevised(revision=revision, priced=priced, terms=terms):
                found |= {"revision": revision, "total": str(priced.total.amount),
                          "valid_until": terms.valid_until.isoformat(),
                          "priced": encode(priced)}  # fmt: skip
            case QuoteAccepted(accepted_at=at, order_id=order_id):
                found |= {"status": "accepted", "closed_on": at.date().isoformat(),
                          "order_id": str(order_id)}  # fmt: skip
            case QuoteWithdrawn(at=at):
                found |= {"status": "withdrawn", "closed_on": at.date().isoformat()}
        self.quotes.save(tx, found)

    def _order(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event, order_id = recorded.event, str(recorded.originator_id)
        if isinstance(event, OrderPlaced):
            self._placed(tx, order_id, event)
            return
        found = self.orders.load(tx, order_id)
        if found is None:
            return
        lines = _lines.decode(found["lines"])
        match event:
            case OrderChanged(revision=revision, changed_at=at):
                now = changed_lines(lines, added=event.added, removed=event.removed,
                                    repriced=event.repriced)  # fmt: skip
                delta = _net(now, found["currency"]) - _net(lines, found["currency"])
                self._book(
                    tx, found, Booking(f"{order_id}:change:{revision}", at.date(), delta, "change")
                )
                found["lines"] = encode(now)
                status = "active" if found["signed"] else "pending"
                self._track_renewals(tx, found, now, quoted=None, status=status)
            case UsageRecorded(line_id=line_id, period=period, charge=charge, reported_at=at):
                used = Booking(f"{order_id}:usage:{line_id}:{period}", at.date(), charge, "usage")
                self._book(tx, found, used)
            case OrderSigned():
                found["signed"] = 1
                self._renewal_status(tx, order_id, [ln.line_id for ln in lines], "active",
                                     only="pending")  # fmt: skip
            case OrderCancelled(at=at):
                back = Money(amount=-_net(lines, found["currency"]).amount,
                             currency=found["currency"])  # fmt: skip
                self._book(
                    tx, found, Booking(f"{order_id}:cancelled", at.date(), back, "cancellation")
                )
                found["cancelled"] = 1
                self._renewal_status(tx, order_id, [ln.line_id for ln in lines], "cancelled")
        self.orders.save(tx, found)

    def _placed(self, tx: Tx, order_id: str, event: OrderPlaced) -> None:
        quoted: PricedQuote | None = None
        purpose = "expansion" if self._booked_before(tx, event.customer_id) else "new"
        if event.quote is not None:
            quote = self.quotes.load(tx, str(event.quote.quote_id))
            if quote is not None:
                purpose, quoted = quote["purpose"], _priced.decode(quote["priced"])
        row: Row = {
            "order_id": order_id, "customer_id": event.customer_id,
            "customer_name": event.customer_name, "salesperson": event.salesperson,
            "region": event.region, "order_type": event.order_type,
            "external_ref": event.external_ref, "currency": event.currency, "purpose": purpose,
            "lines": encode(event.lines), "signed": 0, "cancelled": 0,
        }  # fmt: skip
        amount = _net(event.lines, event.currency)
        self._book(tx, row, Booking(order_id, event.placed_at.date(), amount, purpose))
        self._track_renewals(tx, row, event.lines, quoted=quoted, status="pending")
        self.orders.save(tx, row)

    def _book(self, tx: Tx, order: Row, booking: Booking) -> None:
        key, on, amount, purpose = booking
        row = (key, order["order_id"], order["customer_id"], order["salesperson"],
               on.isoformat()[:7], amount.currency, str(amount.amount), purpose)  # fmt: skip
        tx.upsert(self.bookings, BOOKING_COLUMNS, "booking_id", [row])

    def _track_renewals(
        self,
        tx: Tx,
        order: Row,
        lines: Sequence[OrderLine],
        *,
        quoted: PricedQuote | None,
        status: str,
    ) -> None:
        """Track the lines that renew by themselves; a changed order re-tracks its lines
        (a line removed stops renewing; a line tracked before keeps its status)."""
        order_id = order["order_id"]
        tx.execute(f"SELECT line_id, status FROM {self.renewals} WHERE order_id = ?",  # noqa: S608
                   (order_id,))  # fmt: skip
        known = {r["line_id"]: r["status"] for r in tx.fetchall()}
        keep = {ln.line_id for ln in lines if ln.auto_renew}
        gone = [line_id for line_id in known if line_id not in keep]
        self._renewal_status(tx, order_id, gone, "removed")
        rows = []
        for line in lines:
            if not line.auto_renew or line.term_start is None or line.term_months is None:
                continue
            rows.append((
                order_id, line.line_id, order["customer_id"],
                term_end(line.term_start, line.term_months).isoformat(), line.product_code,
                line.description, line.kind.value, str(line.quantity), order["currency"],
                str(renewal_basis(line, quoted)), known.get(line.line_id, status),
            ))  # fmt: skip
        tx.upsert(self.renewals, RENEWAL_COLUMNS, "order_id, line_id", rows)

    def _renewal_status(
        self, tx: Tx, order_id: str, line_ids: Sequence[str], status: str, only: str = ""
    ) -> None:
        for line_id in line_ids:
            tx.execute(
                f"UPDATE {self.renewals} SET status = ? WHERE order_id = ? AND line_id = ?"  # noqa: S608
                + (" AND status = ?" if only else ""),
                (status, order_id, line_id, *((only,) if only else ())),
            )
