"""Dashboards: known order lives in, the seed's figures out, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from api.runtime import service_over
from application.service import ApplicationService, CommandMeta
from domain.deciders import ORDER, RULEBOOK
from domain.order import commands as cmd
from domain.order import order_id_for
from domain.order.events import Channel, LineKind, OrderLine, ShippedQuantity
from domain.rulebook import DEFAULT_STAGE_DAYS, RULEBOOK_ID, HealthWeights
from domain.shared import Money
from domain.stages import Stage
from infrastructure.daemon.runner import ProjectionRunner
from infrastructure.storage import Storage, open_storage
from projections import dashboards as board
from projections import kpis
from projections.order_list import OrderListProjection
from tests.projections.scenario import write_scenario

EQUIPMENT = [
    Stage.DESIGNING,
    Stage.MATERIAL_PREP,
    Stage.IN_PRODUCTION,
    Stage.TESTING,
    Stage.AWAITING_SHIPMENT,
]


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


class Book:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service
        self.n = 0
        write_scenario(service, orders=0)  # the default rulebook
        self.rulebook = service.load(RULEBOOK, RULEBOOK_ID)

    def run(self, order_id: Any, command: Any) -> None:
        self.n += 1
        self.service.execute(
            ORDER, order_id, command, CommandMeta(command_id=f"d{self.n}", actor="t")
        )

    def order(
        self, ref: str, region: str, price: str, line: str, placed: str, promised: str
    ) -> Any:
        order_id = order_id_for(Channel.DIRECT, ref)
        item = OrderLine(
            line_id="L1", product_code="P", kind=LineKind.HARDWARE, quantity=Decimal(1),
            unit_price=Money.of(price, "CNY"), discount=Money.of(0, "CNY"),
            standalone_selling_price=Money.of(price, "CNY"), product_line=line,
        )  # fmt: skip
        assert self.rulebook.approval is not None
        self.run(order_id, cmd.PlaceOrder(
            order_type="equipment", channel=Channel.DIRECT, external_ref=ref, customer_id=ref,
            customer_name=ref, region=region, salesperson="wang", currency="CNY",
            promised_delivery=date.fromisoformat(promised), lines=(item,), placed_at=at(placed),
            route=self.rulebook.routes["equipment"], approval_rules=self.rulebook.approval,
        ))  # fmt: skip
        return order_id

    def through(self, order_id: Any, signed: str, days_per_stage: int, *, complete: bool) -> None:
        t = at(signed)
        self.run(order_id, cmd.SignOrder(contract_number="HT", signed_at=t))
        for stage in EQUIPMENT:
            t += timedelta(days=days_per_stage)
            self.run(order_id, cmd.AdvanceStage(to_stage=stage, at=t))
        if complete:
            shipped = (ShippedQuantity(line_id="L1", quantity=Decimal(1)),)
            self.run(order_id, cmd.RecordShipment(shipment_id="S", lines=shipped, shipped_at=t))
            self.run(order_id, cmd.AdvanceStage(to_stage=Stage.COMPLETED, at=t))

    def costs(self, order_id: Any, estimated: int, actual: int, when: str) -> None:
        self.run(order_id, cmd.EstimateCost(estimated_cost=Money.of(estimated, "CNY")))
        self.run(order_id, cmd.RecordActualCost(
            amount=Money.of(actual, "CNY"), category="材料", incurred_at=at(when),
        ))  # fmt: skip


@pytest.fixture
def rows(store_settings: tuple[str, str]) -> Iterator[tuple[Storage, str]]:
    database_url, sqlite_path = store_settings
    storage = open_storage(database_url, sqlite_path)
    book = Book(service_over(storage))
    a = book.order("A", "浙江", "60000", "输送线", "2025-09-28", "2025-10-25")
    book.through(a, "2025-10-01", 4, complete=True)  # 20 days, on time
    book.costs(a, 40000, 45000, "2025-10-10")
    b = book.order("B", "江苏", "20000", "PLC控制柜", "2025-10-01", "2025-10-30")
    book.through(b, "2025-10-05", 6, complete=True)  # 30 days, 5 days late
    book.costs(b, 10000, 10000, "2025-10-20")
    c = book.order("C", "江苏", "30000", "输送线", "2025-11-01", "2025-12-01")
    book.run(c, cmd.SignOrder(contract_number="HT-C", signed_at=at("2025-11-02")))
    book.run(c, cmd.AdvanceStage(to_stage=Stage.DESIGNING, at=at("2025-11-03")))
    ProjectionRunner(
        OrderListProjection(), storage.log, storage.mapper, storage.read_store
    ).catch_up()
    yield storage, "order_list"
    storage.close()


def read(
    rows: tuple[Storage, str], board_of: Any, *args: Any, filters: board.Filters | None = None
) -> Any:
    """`board_of` over the scenario's order list, as the dashboard routes read it."""
    storage, table = rows
    with storage.read_store.transaction(commit=False) as tx:
        return board_of(tx, table, filters or board.Filters(), *args)


def test_orders_in_progress_by_region_and_stage(rows: tuple[Storage, str]) -> None:
    assert read(rows, board.in_progress) == {
        "by_region": {"江苏": 1},
        "by_stage": {"designing": 1},
    }


def test_delivery_cycle_trend_by_month_and_week(rows: tuple[Storage, str]) -> None:
    monthly = read(rows, board.delivery_cycle, "month")
    assert [(m["period"], m["orders"], m["average_days"]) for m in monthly] == [
        ("2025-10", 1, Decimal("20.0")),
        ("2025-11", 1, Decimal("30.0")),
    ]
    assert [w["period"] for w in read(rows, board.delivery_cycle, "week")] == [
        "2025-W43",
        "2025-W45",
    ]


def test_margin_ranking_estimated_and_actual(rows: tuple[Storage, str]) -> None:
    ranking = {r["customer_id"]: r for r in read(rows, board.margin_ranking, "customer_id")}
    assert ranking["A"]["estimated_margin"] == Decimal("0.3333")
    assert ranking["A"]["actual_margin"] == Decimal("0.2500")
    assert ranking["B"]["actual_margin"] == Decimal("0.5000")
    assert ranking["C"]["actual_margin"] is None
    lines = read(rows, board.margin_ranking, "product_line")
    assert [r["product_line"] for r in lines] == [
        "PLC控制柜",
        "输送线",
    ]


def test_kpis_follow_the_seed_definitions(rows: tuple[Storage, str]) -> None:
    october = read(rows, kpis.kpis, "2025-10", None)
    assert (october["completed"], october["on_time"], october["on_time_delivery_rate"]) == (
        1,
        1,
        Decimal(1),
    )
    assert october["orders_placed"] == 1  # B; A was placed in September
    # A: |40,000 - 45,000| / (60,000 - 40,000) = 0.25
    assert october["profit_margin_deviation"] == Decimal("0.2500")
    november = read(rows, kpis.kpis, "2025-11", 2)
    assert november["on_time_delivery_rate"] == Decimal(0)  # B finished 5 days late
    assert november["orders_per_staff"] == Decimal("0.5")
    december = read(rows, kpis.kpis, "2025-12", None)
    assert (december["completed"], december["orders_placed"], december["staff"]) == (0, 0, None)


def test_filters_narrow_every_dashboard(rows: tuple[Storage, str]) -> None:
    conveyors = board.Filters(product_line="输送线")
    assert read(rows, board.in_progress, filters=conveyors)["by_region"] == {"江苏": 1}  # C
    assert [r["customer_id"] for r in read(rows, kpis.sales, "customer_id", filters=conveyors)] == [
        "A",
        "C",
    ]
    october = board.Filters(placed_from=date(2025, 10, 1), placed_to=date(2025, 10, 31))
    assert [r["customer_id"] for r in read(rows, kpis.sales, "customer_id", filters=october)] == [
        "B"
    ]
    jiangsu = board.Filters(region="江苏")
    assert [r["region"] for r in read(rows, kpis.sales, "region", filters=jiangsu)] == ["江苏"]
    assert read(rows, board.in_progress, filters=board.Filters(product_line="输送")) == {
        "by_region": {},
        "by_stage": {},
    }  # a product line is matched whole


def test_bottlenecks_and_operations(rows: tuple[Storage, str]) -> None:
    heat = {(c["week"], c["stage"]): c for c in read(rows, board.bottlenecks)}
    assert heat[("2025-W40", "designing")]["average_days"] == Decimal("4.0")
    ops = read(rows, board.operations, DEFAULT_STAGE_DAYS, at("2025-11-20"))
    assert ops["past_stage_deadline"][0]["stage"] == "designing"  # 17 days in a 5-day stage
    assert ops["past_stage_deadline"][0]["days_over"] == Decimal("12.0")
    assert ops["average_days_per_stage"]["designing"] == Decimal("5.0")  # (4 + 6) / 2


def test_health_lights_orders_in_progress(rows: tuple[Storage, str]) -> None:
    lights = read(rows, kpis.health, at("2025-11-20"), HealthWeights())
    assert [(x["light"], x["score"]) for x in lights] == [("green", Decimal(0))]
    strict = HealthWeights(yellow_from=Decimal(0), red_from=Decimal(1))
    assert read(rows, kpis.health, at("2025-11-20"), strict)[0]["light"] == "yellow"


def test_health_is_never_better_than_the_open_exception(rows: tuple[Storage, str]) -> None:
    """Reported: an order with an open L3 showed green (its lateness divided by its
    planned length was small). An open L3/L4 is red, an L2 at least yellow."""
    [order] = read(rows, kpis.health, at("2025-11-20"), HealthWeights())
    oid = order["order_id"]
    assert order["light"] == "green"
    assert order["why"][0].startswith("score 0.00 (delivery 0.5 x 0.00")
    for level, light in (("L1", "green"), ("L2", "yellow"), ("L3", "red"), ("L4", "red")):
        [seen] = read(rows, kpis.health, at("2025-11-20"), HealthWeights(), {oid: level})
        assert (seen["light"], seen["exception_level"]) == (light, level)
        assert seen["why"][-1] == f"open {level} exception: at least {light}"
    lenient = HealthWeights(yellow_at_level="L3", red_at_level="L4")  # the floors are data
    [seen] = read(rows, kpis.health, at("2025-11-20"), lenient, {oid: "L3"})
    assert seen["light"] == "yellow"
