"""Reading the receivables read model: lists, open items as of a day, aging, DSO.

Balances as of a past day are summed from the ledger entries up to that day, in
Python with Decimal (never SQL sums over text or floats).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from uuid import UUID

import msgspec

from domain.dunning import OverdueItem
from domain.shared import Money, quantum
from infrastructure.read_store import Row, Tx

BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


def receivables(  # noqa: PLR0913 - filters
    tx: Tx,
    table: str,
    *,
    customer_id: str | None = None,
    salesperson: str | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Row]:
    """One row per receivable (without its folded state), by contract number."""
    where = [(c, v) for c, v in (("customer_id", customer_id), ("salesperson", salesperson))
             if v is not None]  # fmt: skip
    clause = " AND ".join(f"{c} = ?" for c, _ in where)
    tx.execute(
        f"SELECT * FROM {table} WHERE {clause or '1 = 1'} "  # noqa: S608
        "ORDER BY contract_number, receivable_id",
        [v for _, v in where],
    )
    rows = [{k: v for k, v in r.items() if k != "state"} for r in tx.fetchall()]
    if open_only:
        rows = [r for r in rows if Decimal(r["outstanding"]) or Decimal(r["on_account"])]
    return rows[offset : offset + limit]


def open_items(tx: Tx, table: str, as_of: date) -> list[OverdueItem]:
    """Invoices with money outstanding at the end of `as_of`, as it stood that day."""
    day = as_of.isoformat()
    tx.execute(
        f"SELECT receivable_id, invoice_number, amount FROM {table}_entries "  # noqa: S608
        "WHERE invoice_number <> '' AND on_date <= ?",
        (day,),
    )
    owed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in tx.fetchall():
        owed[entry["receivable_id"], entry["invoice_number"]] += Decimal(entry["amount"])
    tx.execute(
        f"SELECT * FROM {table}_invoices WHERE issued_on <= ? "  # noqa: S608
        "ORDER BY due_on, contract_number, invoice_number",
        (day,),
    )
    return [
        OverdueItem(
            receivable_id=UUID(r["receivable_id"]), order_id=UUID(r["order_id"]),
            customer_id=r["customer_id"], customer_name=r["customer_name"],
            salesperson=r["salesperson"], contract_number=r["contract_number"],
            invoice_number=r["invoice_number"], milestone=r["milestone"],
            due_on=date.fromisoformat(r["due_on"]),
            outstanding=Money.of(amount, r["currency"]),
        )
        for r in tx.fetchall()
        if (amount := owed[r["receivable_id"], r["invoice_number"]]) > 0
    ]  # fmt: skip


def bucket(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "1_30"
    if days_overdue <= 60:
        return "31_60"
    return "61_90" if days_overdue <= 90 else "over_90"


def aging(
    tx: Tx, table: str, as_of: date, by: Literal["customer", "salesperson"]
) -> list[dict[str, str]]:
    """Outstanding per group and currency in the buckets current (not yet due), 1-30,
    31-60, 61-90 and over 90 days overdue, as of the end of `as_of`."""
    groups: dict[tuple[str, ...], dict[str, Decimal]] = {}
    for item in open_items(tx, table, as_of):
        key = ((item.customer_id, item.customer_name) if by == "customer"
               else (item.salesperson,)) + (item.outstanding.currency,)  # fmt: skip
        sums = groups.setdefault(key, dict.fromkeys(BUCKETS, Decimal(0)))
        sums[bucket((as_of - item.due_on).days)] += item.outstanding.amount
    names = ("customer_id", "customer_name") if by == "customer" else ("salesperson",)
    rows = []
    for key, sums in sorted(groups.items()):
        cents = quantum(key[-1])
        figures = {**sums, "total": sum(sums.values(), Decimal(0))}
        rows.append({**dict(zip((*names, "currency"), key, strict=True)),
                     **{b: str(v.quantize(cents)) for b, v in figures.items()}})  # fmt: skip
    return rows


class Dso(msgspec.Struct, kw_only=True):
    """Days sales outstanding over [start, end]: what customers owed at the end, in days of
    the window's average credit sales (None when nothing was invoiced in the window)."""

    currency: str
    start: date
    end: date
    days: int
    receivables_at_end: Decimal
    credit_sales: Decimal
    dso: Decimal | None


def dso(tx: Tx, table: str, start: date, end: date, currency: str) -> Dso:
    owed = sum(
        (i.outstanding.amount for i in open_items(tx, table, end)
         if i.outstanding.currency == currency),
        Decimal(0),
    )  # fmt: skip
    tx.execute(
        f"SELECT amount FROM {table}_entries WHERE kind IN ('invoice', 'credit_note') "  # noqa: S608
        "AND currency = ? AND on_date >= ? AND on_date <= ?",
        (currency, start.isoformat(), end.isoformat()),
    )
    sales = sum((Decimal(r["amount"]) for r in tx.fetchall()), Decimal(0))
    days = (end - start).days + 1
    value = (
        (owed / sales * days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if sales > 0
        else None
    )
    return Dso(currency=currency, start=start, end=end, days=days, receivables_at_end=owed,
               credit_sales=sales, dso=value)  # fmt: skip


def awaiting_the_calendar(tx: Tx, table: str) -> list[UUID]:
    """Receivables with a milestone still scheduled that waits for a date (a contract
    date, acceptance + N months such as the retention, a period of a periodic plan)."""
    tx.execute(
        f"SELECT DISTINCT receivable_id FROM {table}_milestones "  # noqa: S608
        "WHERE status = 'scheduled' AND trig IN ('date', 'after_acceptance', "
        "'monthly_in_arrears', 'annual_in_advance') "
        "ORDER BY receivable_id"
    )
    return [UUID(r["receivable_id"]) for r in tx.fetchall()]
