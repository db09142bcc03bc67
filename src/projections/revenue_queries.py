"""Queries over the revenue read model: a contract's obligations, and bookings by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from projections.store import Row, Tx


def obligations(tx: Tx, copy: str, order_id: str, through: date) -> list[Row]:
    """Each obligation of the order's contract with its SSP, allocated price, what was
    booked through the month of `through`, and what remains."""
    tx.execute(f"SELECT * FROM {copy}_obligations WHERE order_id = ? "  # noqa: S608
               "ORDER BY obligation_id", (order_id,))  # fmt: skip
    rows = tx.fetchall()
    if not rows:
        return []
    tx.execute(f"SELECT obligation_id, regular, adjustment FROM {copy}_bookings "  # noqa: S608
               "WHERE contract_id = ? AND month <= ?",
               (rows[0]["contract_id"], through.replace(day=1).isoformat()))  # fmt: skip
    booked: dict[str, Decimal] = {}
    for b in tx.fetchall():
        amount = Decimal(b["regular"]) + Decimal(b["adjustment"])
        booked[b["obligation_id"]] = booked.get(b["obligation_id"], Decimal(0)) + amount
    for row in rows:
        recognised = booked.get(row["obligation_id"], Decimal(0))
        row["recognised"] = str(recognised)
        row["remaining"] = str(Decimal(row["allocated"]) - recognised)
    return rows


def bookings(
    tx: Tx, copy: str, *, order_id: str | None, first: date | None, last: date | None
) -> list[Row]:
    """Bookings by obligation and month, oldest first, with the events behind each."""
    where, params = ["1 = 1"], []
    if order_id is not None:
        where.append("o.order_id = ?")
        params.append(order_id)
    if first is not None:
        where.append("b.month >= ?")
        params.append(first.replace(day=1).isoformat())
    if last is not None:
        where.append("b.month <= ?")
        params.append(last.replace(day=1).isoformat())
    tx.execute(
        f"SELECT o.order_id, o.contract_number, o.customer_id, b.contract_id, b.obligation_id, "  # noqa: S608
        f"b.month, b.currency, b.regular, b.adjustment, b.versions FROM {copy}_bookings b "
        f"JOIN {copy}_obligations o ON o.contract_id = b.contract_id "
        f"AND o.obligation_id = b.obligation_id WHERE {' AND '.join(where)} "
        "ORDER BY b.month, o.order_id, b.obligation_id",
        params,
    )
    rows: list[dict[str, Any]] = tx.fetchall()
    for row in rows:
        row["month"] = row["month"][:7]
        row["amount"] = str(Decimal(row["regular"]) + Decimal(row["adjustment"]))
    return rows
