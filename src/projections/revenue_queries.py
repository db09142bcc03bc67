"""Queries over the revenue read model: a contract's obligations, and bookings by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from domain.revenue.ledger import roll_forward
from domain.shared import quantum
from infrastructure.read_store import Row, Tx


class _Ended(msgspec.Struct):
    terminated_on: date | None = None  # the one field of the contract's state read here


_ended = msgspec.json.Decoder(_Ended)


def terminated_on(tx: Tx, copy: str, contract_id: str) -> date | None:
    """The contract's last day, if it was terminated."""
    tx.execute(f"SELECT state FROM {copy}_contracts WHERE contract_id = ?",  # noqa: S608
               (contract_id,))  # fmt: skip
    row = tx.fetchone()
    return None if row is None else _ended.decode(row["state"]).terminated_on


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
        row["recognised"] = _cents(recognised, row["currency"])
        row["remaining"] = _cents(Decimal(row["allocated"]) - recognised, row["currency"])
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
        amount = Decimal(row["regular"]) + Decimal(row["adjustment"])
        row["amount"] = _cents(amount, row["currency"])
    return rows


def _per_order_month(tx: Tx, copy: str, order_id: str | None) -> tuple[
    dict[str, str], dict[tuple[str, str], Decimal], dict[tuple[str, str], Decimal]
]:  # fmt: skip
    """Currencies by order, revenue booked and amounts billed by (order, YYYY-MM-01)."""
    where, params = ("WHERE o.order_id = ?", [order_id]) if order_id else ("", [])
    tx.execute(
        f"SELECT o.order_id, o.currency, b.month, b.regular, b.adjustment FROM "  # noqa: S608
        f"{copy}_bookings b JOIN {copy}_obligations o ON o.contract_id = b.contract_id "
        f"AND o.obligation_id = b.obligation_id {where}",
        params,
    )
    currencies: dict[str, str] = {}
    revenue: dict[tuple[str, str], Decimal] = {}
    for r in tx.fetchall():
        currencies[r["order_id"]] = r["currency"]
        key = (r["order_id"], r["month"])
        revenue[key] = (
            revenue.get(key, Decimal(0)) + Decimal(r["regular"]) + Decimal(r["adjustment"])
        )
    where = "WHERE order_id = ?" if order_id else ""
    tx.execute(f"SELECT * FROM {copy}_billings {where}", params)  # noqa: S608
    billed: dict[tuple[str, str], Decimal] = {}
    for r in tx.fetchall():
        currencies.setdefault(r["order_id"], r["currency"])
        billed[(r["order_id"], r["month"])] = Decimal(r["amount"])
    return currencies, revenue, billed


_BALANCE = ("opening", "billed", "recognised", "closing", "liability", "asset")


def balances(tx: Tx, copy: str, months: list[date], order_id: str | None) -> list[Row]:
    """Contract balances by month and currency, as a roll-forward:
    opening + billed - recognised = closing. Each contract's closing position is a
    contract liability (deferred revenue: billed ahead) or a contract asset (unbilled:
    earned ahead); contracts are netted one by one, never across each other."""
    currencies, revenue, billed = _per_order_month(tx, copy, order_id)
    totals: dict[tuple[date, str], dict[str, Decimal]] = {}
    for o, currency in sorted(currencies.items()):
        mine = {date.fromisoformat(m): v for (oo, m), v in billed.items() if oo == o}
        earned = {date.fromisoformat(m): v for (oo, m), v in revenue.items() if oo == o}
        for b in roll_forward(mine, earned, months):
            t = totals.setdefault((b.month, currency), dict.fromkeys(_BALANCE, Decimal(0)))
            for name in _BALANCE:
                t[name] += getattr(b, name)
    return [
        {"month": f"{month:%Y-%m}", "currency": currency,
         **{k: _cents(v, currency) for k, v in t.items()}}
        for (month, currency), t in sorted(totals.items())
    ]  # fmt: skip


def remaining_obligations(tx: Tx, copy: str, as_of: date) -> list[Row]:
    """Remaining performance obligations by contract: the price not yet recognised, split
    into what the schedule expects within 12 months, later, and what waits on a fact
    (a shipment, an acceptance, costs) whose date nobody knows yet."""
    this_month = as_of.replace(day=1).isoformat()
    year_on = date(as_of.year + 1, as_of.month, 1).isoformat()
    tx.execute(f"SELECT * FROM {copy}_obligations WHERE removed = '0' "  # noqa: S608
               "ORDER BY order_id, obligation_id")  # fmt: skip
    obligations = tx.fetchall()
    tx.execute(f"SELECT contract_id, obligation_id, month, regular, adjustment "  # noqa: S608
               f"FROM {copy}_bookings")  # fmt: skip
    split: dict[tuple[str, str], dict[str, Decimal]] = {}
    for b in tx.fetchall():
        amount = Decimal(b["regular"]) + Decimal(b["adjustment"])
        part = ("recognised" if b["month"] <= this_month
                else "within_12_months" if b["month"] <= year_on else "later")  # fmt: skip
        slot = split.setdefault((b["contract_id"], b["obligation_id"]), {})
        slot[part] = slot.get(part, Decimal(0)) + amount
    rows: dict[str, Row] = {}
    for o in obligations:
        slot = split.get((o["contract_id"], o["obligation_id"]), {})
        remaining = Decimal(o["allocated"]) - slot.get("recognised", Decimal(0))
        within, later = slot.get("within_12_months", Decimal(0)), slot.get("later", Decimal(0))
        row = rows.setdefault(o["order_id"], {
            "order_id": o["order_id"], "contract_number": o["contract_number"],
            "customer_id": o["customer_id"], "currency": o["currency"],
            "remaining": Decimal(0), "within_12_months": Decimal(0), "later": Decimal(0),
            "awaiting_fulfilment": Decimal(0)})  # fmt: skip
        row["remaining"] += remaining
        row["within_12_months"] += within
        row["later"] += later
        row["awaiting_fulfilment"] += remaining - within - later
    return [{k: _cents(v, r["currency"]) if isinstance(v, Decimal) else v for k, v in r.items()}
            for r in rows.values() if r["remaining"] != 0]  # fmt: skip


def waterfall(tx: Tx, copy: str, from_month: date) -> list[Row]:
    """Revenue the backlog will earn, by month from `from_month`, by currency."""
    tx.execute(
        f"SELECT o.currency, b.month, b.regular, b.adjustment FROM {copy}_bookings b "  # noqa: S608
        f"JOIN {copy}_obligations o ON o.contract_id = b.contract_id "
        "AND o.obligation_id = b.obligation_id WHERE b.month >= ?",
        (from_month.replace(day=1).isoformat(),),
    )
    sums: dict[tuple[str, str], Decimal] = {}
    for r in tx.fetchall():
        key = (r["month"][:7], r["currency"])
        sums[key] = sums.get(key, Decimal(0)) + Decimal(r["regular"]) + Decimal(r["adjustment"])
    return [{"month": m, "currency": c, "amount": _cents(v, c)}
            for (m, c), v in sorted(sums.items()) if v]  # fmt: skip


def _cents(amount: Decimal, currency: str) -> str:
    """An amount as text in the currency's minor units (0.00, never 0)."""
    return str(amount.quantize(quantum(currency)))
