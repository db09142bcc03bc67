"""Quote policies on a real runtime: renewal quotes drafted by the clock, and an acceptance
finished when the API stopped between capturing the order and accepting the quote."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from api.runtime import Runtime
from application.service import CommandMeta
from domain.cpq.quote import AcceptQuote, QuoteStatus, order_from_quote, quote_id_for
from domain.deciders import ORDER, QUOTE
from domain.receivable.terms import CreditRating
from domain.testing import default_rulebook
from domain.testing.cpq import EXAMPLE_PRICING
from infrastructure.daemon.rebuild import compare
from policies.every_morning_draft_renewal_quotes import DraftRenewals, renewal_number
from tests.api.test_quotes_api import publish_example, quote_body
from tests.policies.conftest import Client, ok, settle

HW = {"code": "HW-G3", "quantity": "1"}
MAINT = {"code": "MAINT-HW", "quantity": "2", "term_start": "2026-04-01", "term_months": 12}


def accepted_order(client: Client, number: str, *lines: dict[str, str | int]) -> str:
    quote_id = ok(client.post("/quotes", json=quote_body(number, *lines)))["aggregate_id"]
    accepted = ok(client.post(f"/quotes/{quote_id}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"}))  # fmt: skip
    return str(accepted["order"]["aggregate_id"])


def renewals(runtime: Runtime) -> DraftRenewals:
    store = runtime.storage.read_store
    return DraftRenewals(runtime.service, store, lambda: runtime.projections["sales"].copy)


def test_a_renewal_quote_is_drafted_within_the_lead_time_with_the_uplift(
    client: Client, runtime: Runtime
) -> None:
    publish_example(client)
    order_id = accepted_order(client, "Q-R", HW, MAINT)
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-R", "signed_at": "2026-03-06T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    clock = renewals(runtime)
    # The term ends 2027-04-01; with 60 days' lead the renewal is due from 2027-01-31.
    assert clock.run(datetime(2027, 1, 30, 9, tzinfo=UTC)) == []
    drafted = clock.run(datetime(2027, 1, 31, 9, tzinfo=UTC))
    number = renewal_number("quote:Q-R", date(2027, 4, 1))
    assert drafted == [quote_id_for(number)]
    assert clock.run(datetime(2027, 1, 31, 10, tzinfo=UTC)) == drafted  # the same firing again
    renewal = runtime.service.load(QUOTE, quote_id_for(number))
    assert renewal.priced is not None
    assert renewal.renews is not None
    (line,) = renewal.priced.lines
    assert (line.product_code, line.quantity) == ("MAINT-HW", Decimal(2))
    assert line.term_start == date(2027, 4, 1)
    assert line.net.amount == Decimal("16480.00")  # 2 x 8,000 raised by the 3 % uplift
    settle(runtime)
    assert clock.run(datetime(2027, 2, 1, 9, tzinfo=UTC)) == []  # quoted already
    # The customer renews: the booking is a renewal, and the renewal rate counts it.
    accepted = ok(client.post(f"/quotes/{quote_id_for(number)}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2027-02-10T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    report = ok(client.get("/sales/analysis", params={
        "from_month": "2027-01", "to_month": "2027-02", "as_of": "2027-02-28",
        "wait_for_position": accepted["quote"]["position"]}))  # fmt: skip
    assert report["renewal_rate"] == "1.0000"
    assert report["bookings"][0]["by_purpose"]["renewal"] == "16480.00"
    assert compare(runtime.projections["sales"]) == []  # rebuilt from the log: the same


def test_a_cancelled_order_is_not_renewed(client: Client, runtime: Runtime) -> None:
    publish_example(client)
    order_id = accepted_order(client, "Q-X", HW, MAINT)
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-X", "signed_at": "2026-03-06T10:00:00+08:00"}))  # fmt: skip
    ok(client.post(f"/orders/{order_id}/cancel", json={
        "reason": "customer went bankrupt", "at": "2026-03-07T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    assert renewals(runtime).run(datetime(2027, 3, 1, 9, tzinfo=UTC)) == []


def test_an_order_captured_from_a_quote_accepts_the_quote_if_the_api_stopped_there(
    client: Client, runtime: Runtime
) -> None:
    publish_example(client)
    quote_id = UUID(ok(client.post("/quotes", json=quote_body("Q-Z", HW)))["aggregate_id"])
    state = runtime.service.load(QUOTE, quote_id)
    accept = AcceptQuote(revision=1, accepted_by="王总",
                         accepted_at=datetime(2026, 3, 5, 2, tzinfo=UTC))  # fmt: skip
    book = default_rulebook()
    assert book.approval is not None
    place = order_from_quote(state, accept, route=book.routes["software"],
                             approval_rules=book.approval,
                             credit_rating=CreditRating.STANDARD)  # fmt: skip
    assert state.order_id is None
    order_id = QUOTE.decide(accept, state)[0].order_id  # type: ignore[union-attr]
    runtime.service.execute(ORDER, order_id, place, CommandMeta(command_id="k:order", actor="li"))
    settle(runtime)  # ... and the process died before accepting the quote
    after = runtime.service.load(QUOTE, quote_id)
    assert after.status is QuoteStatus.ACCEPTED
    assert after.order_id == order_id


def test_the_renewal_lead_time_is_the_pricing_rules(client: Client, runtime: Runtime) -> None:
    publish_example(client)
    rules = msgspec.to_builtins(EXAMPLE_PRICING)
    rules["renewal_lead_days"] = 30
    ok(
        client.post(
            "/catalogue/pricing-rules", json={"rules": rules, "effective_from": "2026-01-01"}
        )
    )
    order_id = accepted_order(client, "Q-L", HW, MAINT)
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-L", "signed_at": "2026-03-06T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    clock = renewals(runtime)
    assert clock.run(datetime(2027, 2, 28, 9, tzinfo=UTC)) == []  # 32 days before the end
    assert len(clock.run(datetime(2027, 3, 2, 9, tzinfo=UTC))) == 1  # 30 days before
