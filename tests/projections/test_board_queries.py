"""The dashboards count and filter in SQL: on any order list, on each backend, their
figures are the definitions' (seed 000 六) applied to every row one by one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.order.events import LineKind, OrderLine
from domain.shared import Money
from infrastructure.read_store import utc_text
from infrastructure.storage import Storage
from projections import dashboards as board
from projections import kpis
from tests.projections.order_rows import order_list, replace_rows

PRODUCT_LINES = ["输送线", "输送", "PLC控制柜", "x_y%"]  # a prefix of another; LIKE's wildcards
DECOY = '"product_line":"输送线"'  # in a description, must not count as the product line
START = date(2025, 10, 1)
late = st.integers(min_value=-2, max_value=2)  # promised: days around the completion
days = st.integers(min_value=0, max_value=120).map(lambda n: START + timedelta(days=n))


def line(product_line: str, description: str) -> OrderLine:
    price = Money.of(100, "CNY")
    return OrderLine(
        line_id="L", product_code="P", kind=LineKind.HARDWARE, quantity=Decimal(1),
        unit_price=price, discount=Money.of(0, "CNY"), standalone_selling_price=price,
        product_line=product_line, description=description,
    )  # fmt: skip


@st.composite
def order_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for n in range(draw(st.integers(min_value=0, max_value=25))):
        status = draw(st.sampled_from(["open", "on_hold", "completed", "cancelled"]))
        placed = datetime.combine(draw(days), datetime.min.time(), UTC) + timedelta(
            hours=draw(st.integers(0, 23))
        )
        closed = placed + timedelta(days=draw(st.integers(0, 60)), hours=draw(st.integers(0, 23)))
        a_line = st.builds(line, st.sampled_from(PRODUCT_LINES), st.sampled_from(["", DECOY]))
        lines = draw(st.lists(a_line, min_size=1, max_size=3))
        rows.append({
            "order_id": f"o{n:02d}",
            "status": status,
            "region": draw(st.sampled_from(["浙江", "江苏"])),
            "stage": draw(st.sampled_from(["designing", "testing"])),
            "salesperson": draw(st.sampled_from(["wang", "li", "zhao"])),
            "placed_at": utc_text(placed),
            "closed_at": utc_text(closed) if status in ("completed", "cancelled") else "",
            "promised_delivery": (closed + timedelta(days=draw(late))).date().isoformat(),
            "lines": msgspec.json.encode(tuple(lines)).decode(),
        })  # fmt: skip
    return rows


filters = st.builds(
    board.Filters,
    placed_from=st.none() | days,
    placed_to=st.none() | days,
    region=st.none() | st.sampled_from(["浙江", "江苏"]),
    product_line=st.none() | st.sampled_from(PRODUCT_LINES),
)


def chosen(row: dict[str, Any], f: board.Filters) -> bool:
    placed = row["placed_at"][:10]
    lines = board.lines(row)
    return (
        (f.region is None or row["region"] == f.region)
        and (f.placed_from is None or placed >= f.placed_from.isoformat())
        and (f.placed_to is None or placed <= f.placed_to.isoformat())
        and (f.product_line is None or any(x.product_line == f.product_line for x in lines))
    )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=order_rows(), f=filters, month=st.sampled_from(["2025-10", "2025-12", "2026-01"]))
def test_counts_are_the_definitions_row_by_row(
    storage: Storage, rows: list[dict[str, Any]], f: board.Filters, month: str
) -> None:
    table = order_list(storage)
    replace_rows(storage, rows)
    mine = [r for r in rows if chosen(r, f)]
    active = [r for r in mine if r["status"] in ("open", "on_hold")]
    completed = [r for r in mine if r["status"] == "completed" and r["closed_at"][:7] == month]
    placed = [r for r in mine if r["placed_at"][:7] == month]
    with storage.read_store.transaction(commit=False) as tx:
        progress = board.in_progress(tx, table, f)
        figures = kpis.kpis(tx, table, f, month, None)
    assert progress == {
        "by_region": dict(sorted(Counter(r["region"] for r in active).items())),
        "by_stage": dict(sorted(Counter(r["stage"] for r in active).items())),
    }
    assert figures["completed"] == len(completed)
    assert figures["on_time"] == sum(
        r["closed_at"][:10] <= r["promised_delivery"] for r in completed
    )
    assert figures["orders_placed"] == len(placed)
    assert figures["staff"] == (len({r["salesperson"] for r in placed}) or None)


def test_the_last_month_of_the_calendar_is_a_month_like_any(storage: Storage) -> None:
    table = order_list(storage)
    end = "9999-12-31T09:00:00+00:00"
    replace_rows(storage, [{"order_id": "o", "status": "completed", "placed_at": end,
                            "closed_at": end, "promised_delivery": "9999-12-31"}])  # fmt: skip
    with storage.read_store.reading() as tx:
        figures = kpis.kpis(tx, table, board.Filters(), "9999-12", None)
    assert (figures["completed"], figures["on_time"], figures["orders_placed"]) == (1, 1, 1)
