"""Reads of the sales read model: the quote list, the sales analysis, renewals coming due."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from infrastructure.read_store import Row, Tx

PURPOSES = ("new", "expansion", "renewal", "change", "usage", "cancellation")
QUOTE_FILTERS = ("status", "customer_id", "salesperson", "purpose", "currency")


class Bookings(msgspec.Struct, kw_only=True):
    month: str
    currency: str
    by_purpose: dict[str, Decimal]
    total: Decimal


class Funnel(msgspec.Struct, kw_only=True):
    """Quotes drafted in the period, and how they ended (expired: open past validity)."""

    purpose: str
    drafted: int
    accepted: int
    withdrawn: int
    expired: int
    open: int
    win_rate: Decimal | None  # accepted / (accepted + withdrawn + expired)


class SalesAnalysis(msgspec.Struct, kw_only=True):
    from_month: str
    to_month: str
    as_of: date
    bookings: list[Bookings]
    quotes: list[Funnel]
    renewal_rate: Decimal | None  # renewal quotes accepted / renewal quotes decided
    expansion_share: dict[str, Decimal]  # per currency: (expansion + change + usage) / bookings


def quote_rows(
    tx: Tx, copy: str, filters: dict[str, str], limit: int, offset: int
) -> tuple[int, list[Row]]:
    where = " AND ".join(f"{k} = ?" for k in filters) or "1 = 1"
    table = f"{copy}_quotes"
    tx.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", list(filters.values()))  # noqa: S608
    found = tx.fetchone()
    tx.execute(
        f"SELECT * FROM {table} WHERE {where} ORDER BY drafted_on DESC, number "  # noqa: S608
        "LIMIT ? OFFSET ?",
        [*filters.values(), limit, offset],
    )
    return (int(found["n"]) if found else 0), tx.fetchall()


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def analysis(tx: Tx, copy: str, from_month: str, to_month: str, as_of: date) -> SalesAnalysis:
    """Bookings by month and purpose; the quote funnel of quotes drafted in the months."""
    tx.execute(
        f"SELECT month, currency, purpose, amount FROM {copy}_bookings "  # noqa: S608
        "WHERE month >= ? AND month <= ?",
        (from_month, to_month),
    )
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(PURPOSES, Decimal(0))
    )
    for row in tx.fetchall():
        sums[row["month"], row["currency"]][row["purpose"]] += Decimal(row["amount"])
    bookings = [
        Bookings(month=m, currency=c, by_purpose=p, total=sum(p.values(), Decimal(0)))
        for (m, c), p in sorted(sums.items())
    ]
    tx.execute(
        f"SELECT purpose, status, valid_until FROM {copy}_quotes "  # noqa: S608
        "WHERE drafted_on >= ? AND drafted_on < ?",
        (f"{from_month}-01", _after(to_month)),
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in tx.fetchall():
        status = row["status"]
        if status == "open" and row["valid_until"] < as_of.isoformat():
            status = "expired"
        counts[row["purpose"]][status] += 1
    funnels = [_funnel(purpose, counts[purpose]) for purpose in sorted(counts)]
    renewals = counts.get("renewal", {})
    decided = sum(renewals.get(s, 0) for s in ("accepted", "withdrawn", "expired"))
    growth: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for b in bookings:
        growth[b.currency][0] += sum(b.by_purpose[p] for p in ("expansion", "change", "usage"))
        growth[b.currency][1] += b.total - b.by_purpose["cancellation"]
    return SalesAnalysis(
        from_month=from_month, to_month=to_month, as_of=as_of, bookings=bookings,
        quotes=funnels, renewal_rate=_rate(renewals.get("accepted", 0), decided),
        expansion_share={c: (up / whole).quantize(Decimal("0.0001"))
                         for c, (up, whole) in sorted(growth.items()) if whole},
    )  # fmt: skip


def _funnel(purpose: str, counts: dict[str, int]) -> Funnel:
    accepted, withdrawn, expired = (counts.get(s, 0) for s in ("accepted", "withdrawn", "expired"))
    return Funnel(
        purpose=purpose, drafted=sum(counts.values()), accepted=accepted, withdrawn=withdrawn,
        expired=expired, open=counts.get("open", 0),
        win_rate=_rate(accepted, accepted + withdrawn + expired),
    )  # fmt: skip


def _after(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year + m // 12:04d}-{m % 12 + 1:02d}-01"


def renewals_due(tx: Tx, copy: str, until: date) -> dict[tuple[str, str], list[Row]]:
    """Signed lines that renew by themselves and end by `until`, not yet quoted: by order
    and term end (one renewal quote each)."""
    tx.execute(
        f"SELECT * FROM {copy}_renewals WHERE status = 'active' AND term_end <= ? "  # noqa: S608
        "ORDER BY order_id, term_end, line_id",
        (until.isoformat(),),
    )
    due: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in tx.fetchall():
        due[row["order_id"], row["term_end"]].append(row)
    return dict(due)


def order_row(tx: Tx, copy: str, order_id: str) -> dict[str, Any] | None:
    tx.execute(f"SELECT * FROM {copy}_orders WHERE order_id = ?", (order_id,))  # noqa: S608
    return tx.fetchone()
