"""The disclosures a controller hands an auditor (ASC 606-10-50 / IFRS 15.114-122).

Read from the revenue read model's obligations and monthly bookings:

- disaggregation of revenue recognised in a period, by currency, product kind and
  timing of transfer: at a point in time (a shipment, an acceptance, a licence made
  available) or over time (ratable, input method, milestones) - 606-10-50-5;
- remaining performance obligations at the end of a period by time band: within 12
  months, in 13 to 24 months, later, and what waits on a fulfilment fact whose date
  nobody knows yet - 606-10-50-13.

The contract balances roll-forward (opening + billed - recognised = closing) is
`revenue_queries.balances`. Each report is asked as of a month; the API asks it of
closed months only, so the figures handed over do not move afterwards.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.shared import quantum
from infrastructure.read_store import Row, Tx

POINT_IN_TIME = "point in time"
OVER_TIME = "over time"
BANDS = ("within_12_months", "months_13_to_24", "later", "awaiting_fulfilment")


def _month(day: date, months: int) -> str:
    """The first of the month `months` after `day`'s month, as stored (YYYY-MM-01)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1).isoformat()


def _cents(amount: Decimal, currency: str) -> str:
    return str(amount.quantize(quantum(currency)))


def timing(pattern: str) -> str:
    return POINT_IN_TIME if pattern == "point_in_time" else OVER_TIME


def disaggregation(tx: Tx, copy: str, first: date, last: date) -> list[Row]:
    """Revenue recognised in the months `first` to `last` (bookings and the adjustments
    booked in them), by currency, kind and timing; a total row per currency."""
    tx.execute(
        f"SELECT o.currency, o.kind, o.pattern, b.regular, b.adjustment "  # noqa: S608
        f"FROM {copy}_bookings b JOIN {copy}_obligations o ON o.contract_id = b.contract_id "
        "AND o.obligation_id = b.obligation_id WHERE b.month >= ? AND b.month <= ?",
        (_month(first, 0), _month(last, 0)),
    )
    sums: dict[tuple[str, str, str], Decimal] = {}
    for r in tx.fetchall():
        amount = Decimal(r["regular"]) + Decimal(r["adjustment"])
        for key in ((r["currency"], r["kind"], timing(r["pattern"])),
                    (r["currency"], "total", "")):  # fmt: skip
            sums[key] = sums.get(key, Decimal(0)) + amount
    return [
        {"currency": c, "kind": k, "timing": t, "revenue": _cents(v, c)}
        for (c, k, t), v in sorted(sums.items(), key=lambda i: (i[0][0], i[0][1] == "total",
                                                                   i[0][1], i[0][2]))
        if v or k == "total"
    ]  # fmt: skip


def recognised_by_obligation(tx: Tx, copy: str, first: date, last: date) -> list[Row]:
    """Revenue recognised in the months `first` to `last` per obligation, with its order
    and lines (for grouping by what the order says: product line, region)."""
    tx.execute(
        f"SELECT o.order_id, o.obligation_id, o.line_ids, o.currency, "  # noqa: S608
        f"b.regular, b.adjustment FROM {copy}_bookings b JOIN {copy}_obligations o "
        "ON o.contract_id = b.contract_id AND o.obligation_id = b.obligation_id "
        "WHERE b.month >= ? AND b.month <= ?",
        (_month(first, 0), _month(last, 0)),
    )
    sums: dict[tuple[str, str, str, str], Decimal] = {}
    for r in tx.fetchall():
        key = (r["order_id"], r["obligation_id"], r["line_ids"], r["currency"])
        sums[key] = sums.get(key, Decimal(0)) + Decimal(r["regular"]) + Decimal(r["adjustment"])
    return [{"order_id": o, "obligation_id": ob, "line_ids": lines.split(","), "currency": c,
             "revenue": v} for (o, ob, lines, c), v in sorted(sums.items()) if v]  # fmt: skip


def grouped(rows: list[Row], label: str, key_of: dict[str, str]) -> list[Row]:
    """`rows` of recognised_by_obligation summed by currency and `key_of[order_id:obligation]`
    (e.g. its product line), named `label`, with a total per currency."""
    sums: dict[tuple[str, bool, str], Decimal] = {}
    for r in rows:
        name = key_of.get(f"{r['order_id']}:{r['obligation_id']}", "") or "(none)"
        for key in ((r["currency"], False, name), (r["currency"], True, "total")):
            sums[key] = sums.get(key, Decimal(0)) + r["revenue"]
    return [{"currency": c, label: n, "revenue": _cents(v, c)}
            for (c, _, n), v in sorted(sums.items())]  # fmt: skip


def rpo_bands(tx: Tx, copy: str, as_of: date) -> list[Row]:
    """Remaining performance obligations at the end of `as_of`'s month, by currency and
    time band; the bands and what awaits a fulfilment add up to the remaining total."""
    this_month, year_on, two_years_on = _month(as_of, 0), _month(as_of, 12), _month(as_of, 24)
    tx.execute(f"SELECT contract_id, obligation_id, currency, allocated FROM "  # noqa: S608
               f"{copy}_obligations WHERE removed = '0'")  # fmt: skip
    obligations = tx.fetchall()
    tx.execute(f"SELECT contract_id, obligation_id, month, regular, adjustment "  # noqa: S608
               f"FROM {copy}_bookings")  # fmt: skip
    booked: dict[tuple[str, str], dict[str, Decimal]] = {}
    for b in tx.fetchall():
        month = b["month"]
        band = ("recognised" if month <= this_month else "within_12_months" if month <= year_on
                else "months_13_to_24" if month <= two_years_on else "later")  # fmt: skip
        slot = booked.setdefault((b["contract_id"], b["obligation_id"]), {})
        slot[band] = slot.get(band, Decimal(0)) + Decimal(b["regular"]) + Decimal(b["adjustment"])
    totals: dict[str, dict[str, Decimal]] = {}
    for o in obligations:
        slot = booked.get((o["contract_id"], o["obligation_id"]), {})
        remaining = Decimal(o["allocated"]) - slot.get("recognised", Decimal(0))
        row = totals.setdefault(o["currency"], dict.fromkeys(("remaining", *BANDS), Decimal(0)))
        row["remaining"] += remaining
        scheduled = Decimal(0)
        for band in BANDS[:3]:
            row[band] += slot.get(band, Decimal(0))
            scheduled += slot.get(band, Decimal(0))
        row["awaiting_fulfilment"] += remaining - scheduled
    return [{"currency": c, "as_of": f"{as_of:%Y-%m}", **{k: _cents(v, c) for k, v in t.items()}}
            for c, t in sorted(totals.items())]  # fmt: skip
