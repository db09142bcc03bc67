"""Management dashboards over the order read model.

The order list keeps one row per order and one per stage visit, tracked like any
read model. Dashboards filter, count and group those rows in SQL, reading only
the columns they use; money is added up here with Decimal arithmetic, so sums
are exact and figures in different currencies are never added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from domain.order.events import OrderLine
from domain.stages import Stage
from infrastructure.read_store import Row, Tx

_lines = msgspec.json.Decoder(tuple[OrderLine, ...])
ACTIVE = "status IN ('open', 'on_hold')"  # in progress: neither completed nor cancelled
NOT_CANCELLED = "status <> 'cancelled'"

DAY = Decimal(86400)


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive
    region: str | None = None
    customer_id: str | None = None
    channel: str | None = None
    salesperson: str | None = None
    order_type: str | None = None
    product_line: str | None = None

    def where(self, backend: str, alias: str = "") -> tuple[str, list[Any]]:
        """The SQL condition on the order list's rows (`alias` if joined) and its values."""
        p = f"{alias}." if alias else ""
        clauses, params = [], []
        for column in ("region", "customer_id", "channel", "salesperson", "order_type"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{p}{column} = ?")
                params.append(value)
        if self.placed_from is not None:
            clauses.append(f"{p}placed_at >= ?")
            params.append(self.placed_from.isoformat())
        if self.placed_to is not None:
            clauses.append(f"{p}placed_at < ?")
            params.append((self.placed_to + timedelta(days=1)).isoformat())
        if self.product_line is not None:
            clauses.append(_HAS_PRODUCT_LINE[backend].format(lines=f"{p}lines"))
            params.append(self.product_line)
        return " AND ".join(clauses) or "1 = 1", params


# An order with a line of the product line: its lines are a JSON array of OrderLine.
_HAS_PRODUCT_LINE = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each({lines}) "
    "WHERE json_extract(json_each.value, '$.product_line') = ?)",
    "postgresql": "EXISTS (SELECT 1 FROM jsonb_array_elements({lines}::jsonb) AS line "
    "WHERE line ->> 'product_line' = ?)",
}


def select(  # noqa: PLR0913 - a query's parts
    tx: Tx,
    table: str,
    filters: Filters,
    columns: str,
    condition: str = "1 = 1",
    *,
    params: Sequence[Any] = (),
    tail: str = "ORDER BY order_id",
) -> list[Row]:
    """`SELECT columns` of the filtered orders meeting `condition`, then `tail`
    (an order or a grouping). Boards read only the columns they use and let the
    database count and group: the order list's rows are wide (their lines as
    JSON), and reading every column of every order cost a board several times
    its arithmetic."""
    where, values = filters.where(tx.backend)
    tx.execute(
        f"SELECT {columns} FROM {table} WHERE {condition} AND {where} {tail}",  # noqa: S608
        [*params, *values],
    )
    return tx.fetchall()


def select_visits(
    tx: Tx, table: str, filters: Filters, columns: str, tail: str = "ORDER BY s.order_id, s.seq"
) -> list[Row]:
    """`SELECT columns` of the filtered orders' stage visits that have ended (`s`)."""
    where, values = filters.where(tx.backend, "o")
    tx.execute(
        f"SELECT {columns} FROM {table}_stages s JOIN {table} o ON o.order_id = s.order_id "  # noqa: S608
        f"WHERE s.exited_at <> '' AND {where} {tail}",
        values,
    )
    return tx.fetchall()


def lines(row: Row) -> tuple[OrderLine, ...]:
    return _lines.decode(row["lines"])


def parse_at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _days(seconds: Decimal) -> Decimal:
    return (seconds / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ratio(part: Decimal, whole: Decimal, places: str = "0.0001") -> Decimal | None:
    return None if whole == 0 else (part / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def in_progress(tx: Tx, table: str, filters: Filters) -> dict[str, dict[str, int]]:
    """Orders neither completed nor cancelled, by region (for the map) and by stage."""
    by_region: dict[str, int] = defaultdict(int)
    by_stage: dict[str, int] = defaultdict(int)
    counted = "region, stage, COUNT(*) AS n"
    for row in select(tx, table, filters, counted, ACTIVE, tail="GROUP BY region, stage"):
        by_region[row["region"]] += row["n"]
        by_stage[row["stage"]] += row["n"]
    return {
        "by_region": dict(sorted(by_region.items())),
        "by_stage": dict(sorted(by_stage.items())),
    }


def period_of(day: date, granularity: str) -> str:
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def delivery_cycle(tx: Tx, table: str, filters: Filters, granularity: str) -> list[dict[str, Any]]:
    """Average days from signing to completion, by the week or month of completion."""
    totals: dict[str, list[Decimal]] = defaultdict(list)
    signed_and_completed = "status = 'completed' AND signed_at <> ''"
    for row in select(tx, table, filters, "signed_at, closed_at", signed_and_completed):
        closed, signed = parse_at(row["closed_at"]), parse_at(row["signed_at"])
        totals[period_of(closed, granularity)].append(Decimal((closed - signed).total_seconds()))
    return [
        {"period": period, "orders": len(xs), "average_days": _days(sum(xs, Decimal(0)) / len(xs))}
        for period, xs in sorted(totals.items())
    ]


def breakdown(by: str) -> str:
    """The columns `allocated` reads to break an order down `by` a key."""
    return "currency, total, " + ("lines" if by == "product_line" else by)


def allocated(row: Row, by: str) -> list[tuple[str, Decimal, Decimal]]:
    """(key, revenue, share of the order's revenue) for margin and sales breakdowns."""
    revenue = Decimal(row["total"])
    if by != "product_line":
        return [(row[by], revenue, Decimal(1))]
    per_line: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines(row):
        per_line[line.product_line or "(none)"] += line.net.amount
    return [(k, v, v / revenue if revenue else Decimal(0)) for k, v in per_line.items()]


def margin_ranking(tx: Tx, table: str, filters: Filters, by: str) -> list[dict[str, Any]]:
    """Gross margin, estimated and actual, by customer or product line, best first.

    An order's costs are spread over its product lines in proportion to their revenue.
    """
    acc: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    columns = f"{breakdown(by)}, estimated_cost, actual_cost"
    for row in select(tx, table, filters, columns, NOT_CANCELLED):
        for key, revenue, share in allocated(row, by):
            a = acc[(key, row["currency"])]
            a["revenue"] += revenue
            if row["estimated_cost"]:
                a["estimated_revenue"] += revenue
                a["estimated_cost"] += Decimal(row["estimated_cost"]) * share
            if row["actual_cost"]:
                a["actual_revenue"] += revenue
                a["actual_cost"] += Decimal(row["actual_cost"]) * share
    result = []
    for (key, currency), a in acc.items():
        est = ratio(a["estimated_revenue"] - a["estimated_cost"], a["estimated_revenue"])
        act = ratio(a["actual_revenue"] - a["actual_cost"], a["actual_revenue"])
        result.append(
            {
                by: key,
                "currency": currency,
                "revenue": a["revenue"].quantize(Decimal("0.01")),
                "estimated_margin": est,
                "actual_margin": act,
            }
        )
    return sorted(
        result, key=lambda r: (r["currency"], -(r["actual_margin"] or Decimal(-9)), r[by])
    )


def bottlenecks(tx: Tx, table: str, filters: Filters) -> list[dict[str, Any]]:
    """Time spent in each stage, by the week the stage was entered (finished visits)."""
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # seconds, visits
    by_day = (
        "substr(s.entered_at, 1, 10) AS entered_on, s.stage, SUM(s.seconds) AS seconds, "
        "COUNT(*) AS n"
    )  # summed by the database a day at a time, then by ISO week here
    for group in select_visits(tx, table, filters, by_day, tail="GROUP BY entered_on, s.stage"):
        week = period_of(date.fromisoformat(group["entered_on"]), "week")
        cell = cells[(week, group["stage"])]
        cell[0] += int(group["seconds"])
        cell[1] += int(group["n"])
    return [
        {
            "week": week,
            "stage": stage,
            "visits": n,
            "total_days": _days(Decimal(seconds)),
            "average_days": _days(Decimal(seconds) / n),
        }
        for (week, stage), (seconds, n) in sorted(cells.items())
    ]


def stage_averages(tx: Tx, table: str, filters: Filters) -> dict[str, Decimal]:
    """Average days of a finished visit to each stage."""
    spent = select_visits(tx, table, filters, "s.stage, SUM(s.seconds) AS seconds, "
                          "COUNT(*) AS n", tail="GROUP BY s.stage")  # fmt: skip
    return {
        v["stage"]: _days(Decimal(v["seconds"]) / v["n"])
        for v in sorted(spent, key=lambda v: str(v["stage"]))
    }


def operations(
    tx: Tx, table: str, filters: Filters, deadlines: dict[Stage, int], as_of: datetime
) -> dict[str, Any]:
    """Average time per stage, orders past their stage deadline, approvals waiting."""
    columns = "order_id, stage, stage_entered_at, pending_approvals, rejection, placed_at"
    rows = select(tx, table, filters, columns, ACTIVE)
    late = []
    for row in rows:
        allowed = deadlines.get(Stage(row["stage"]))
        if allowed is None:
            continue
        due = parse_at(row["stage_entered_at"]) + timedelta(days=allowed)
        if due < as_of:
            over = _days(Decimal((as_of - due).total_seconds()))
            late.append({"order_id": row["order_id"], "stage": row["stage"], "days_over": over})
    waiting = [
        {
            "order_id": row["order_id"],
            "pending": row["pending_approvals"].split(","),
            "waiting_days": _days(Decimal((as_of - parse_at(row["placed_at"])).total_seconds())),
        }
        for row in rows
        if row["pending_approvals"] and not row["rejection"]
    ]
    return {
        "average_days_per_stage": stage_averages(tx, table, filters),
        "past_stage_deadline": sorted(late, key=lambda x: -x["days_over"]),
        "approvals_waiting": sorted(waiting, key=lambda x: -x["waiting_days"]),
    }
