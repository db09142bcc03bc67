"""An approval comes from a holder of the awaited position, never from the order's
salesperson, one per person; each records who approved in which capacity.

The first case is the reported one: a `sales` token approved an order of 600,000
CNY as both sales_director and vp, the approver being the order's salesperson.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from api.runtime import Runtime
from domain.rulebook import PositionHolder
from tests.api.conftest import bearer, order_body, publish_positions
from tests.policies.conftest import Client, ok

BIG = [{"line_id": "L1", "product_code": "LINE-XL", "kind": "hardware", "quantity": "1",
        "unit_price": "600000", "product_line": "conveyors"}]  # fmt: skip
AT = "2025-12-21T10:00:00+08:00"
SIGN = {"contract_number": "HT-1", "signed_at": "2025-12-22T10:00:00+08:00"}


def place(client: Client, runtime: Runtime, **overrides: Any) -> str:
    sales = bearer(runtime, Role.SALES, "wang.fang")
    body = order_body(**{"lines": BIG, **overrides})
    return str(ok(client.post("/orders", json=body, headers=sales))["aggregate_id"])


def approve(client: Client, runtime: Runtime, order_id: str, user: str, role: str | None = None,
            **body: Any) -> Any:  # fmt: skip
    sent = {"at": AT, **({"role": role} if role else {}), **body}
    return client.post(f"/orders/{order_id}/approve", json=sent,
                       headers=bearer(runtime, Role.SALES, user))  # fmt: skip


def refused(answer: Any, words: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.json()["rule"] == "not_authorised"
    assert words in answer.json()["detail"], answer.json()["detail"]


def test_the_salesperson_cannot_approve_their_own_order_in_any_position(
    client: Client, runtime: Runtime
) -> None:
    publish_positions(runtime, [*(PositionHolder(position=p, user="wang.fang")
                                  for p in ("sales_director", "vp")),
                                PositionHolder(position="sales_director", user="li")])  # fmt: skip
    order_id = place(client, runtime)
    head = runtime.storage.read_store.head()
    refused(approve(client, runtime, order_id, "wang.fang", "sales_director"), "sells this order")
    assert runtime.storage.read_store.head() == head  # nothing written
    ok(approve(client, runtime, order_id, "li"))
    refused(approve(client, runtime, order_id, "wang.fang", "vp"), "sells this order")
    sales = bearer(runtime, Role.SALES, "wang.fang")
    answer = client.post(f"/orders/{order_id}/sign", json=SIGN, headers=sales)
    assert answer.json()["rule"] == "approval_required"


def test_only_a_holder_of_the_awaited_position_approves(client: Client, runtime: Runtime) -> None:
    order_id = place(client, runtime)
    refused(approve(client, runtime, order_id, "li"), "does not hold the position sales_director")
    publish_positions(runtime)  # li: sales_director, zhao: vp
    refused(approve(client, runtime, order_id, "zhao", "sales_director"), "does not hold")
    refused(approve(client, runtime, order_id, "li", approver="zhao"), "you approve as yourself")
    ok(approve(client, runtime, order_id, "li"))  # the position awaited next, by default
    ok(approve(client, runtime, order_id, "zhao"))
    sales = bearer(runtime, Role.SALES, "wang.fang")
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN, headers=sales))
    history = ok(client.get(f"/audit/aggregates/{order_id}/history"))["events"]
    approvals = [(e["event"]["role"], e["event"]["approver"], e["actor"],
                  e["event"]["positions_version"])
                 for e in history if e["topic"] == "OrderApproved"]  # fmt: skip
    assert [a[:3] for a in approvals] == [("sales_director", "li", "li"), ("vp", "zhao", "zhao")]
    assert all(version >= 1 for *_, version in approvals)


def test_one_person_gives_one_approval_even_holding_two_positions(
    client: Client, runtime: Runtime
) -> None:
    publish_positions(runtime, [
        PositionHolder(position="sales_director", user="li", name="李明"),
        PositionHolder(position="vp", user="li", name="李明"),
        PositionHolder(position="vp", user="zhao", name="赵刚")])  # fmt: skip
    order_id = place(client, runtime)
    ok(approve(client, runtime, order_id, "li"))
    refused(approve(client, runtime, order_id, "li", "vp"), "approved this order already")
    ok(approve(client, runtime, order_id, "zhao", "vp"))
    history = ok(client.get(f"/audit/aggregates/{order_id}/history"))["events"]
    names = [e["event"]["approver_name"] for e in history if e["topic"] == "OrderApproved"]
    assert names == ["李明", "赵刚"]


@pytest.mark.parametrize(("region", "lines", "answer"), [
    ("江苏", ("conveyors",), "for this order's region 浙江"),
    ("浙江", ("presses",), "product lines conveyors"),
    ("浙江", ("conveyors", "presses"), None),
])  # fmt: skip
def test_a_holding_reaches_the_regions_and_product_lines_it_names(
    client: Client, runtime: Runtime, region: str, lines: tuple[str, ...], answer: str | None
) -> None:
    publish_positions(runtime, [PositionHolder(position="sales_director", user="chen",
                                               regions=(region,), product_lines=lines)])
    order_id = place(client, runtime)  # 浙江, one line of conveyors
    given = approve(client, runtime, order_id, "chen")
    if answer is None:
        ok(given)
    else:
        refused(given, answer)


@pytest.mark.parametrize(("currency", "price", "raised"),
                         [("CNY", "90000", "120000"), ("USD", "12000", "15000"),
                          ("EUR", "12000", "14000")])  # fmt: skip
def test_a_change_past_a_threshold_asks_for_approval_again_in_every_currency(
    client: Client, runtime: Runtime, currency: str, price: str, raised: str
) -> None:
    publish_positions(runtime)
    lines = [{**BIG[0], "unit_price": price}]
    order_id = place(client, runtime, currency=currency, lines=lines)
    sales = bearer(runtime, Role.SALES, "wang.fang")
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN, headers=sales))  # under the threshold
    change = {"reason": "more capacity", "changed_at": "2025-12-23T10:00:00+08:00",
              "reprice": [{"line_id": "L1", "unit_price": raised}]}  # fmt: skip
    ok(client.post(f"/orders/{order_id}/changes", json=change, headers=sales))
    production = bearer(runtime, Role.PRODUCTION, "zhang.gong")
    advance = {"to_stage": "designing", "at": "2025-12-24T10:00:00+08:00"}
    blocked = client.post(f"/orders/{order_id}/advance", json=advance, headers=production)
    assert blocked.json()["rule"] == "approval_required", blocked.text
    ok(approve(client, runtime, order_id, "li", at="2025-12-23T11:00:00+08:00"))
    ok(client.post(f"/orders/{order_id}/advance", json=advance, headers=production))
