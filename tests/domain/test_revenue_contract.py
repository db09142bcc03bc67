"""The revenue contract: identification, fulfilment facts, re-estimates and change orders.

The bundle is a tech vendor's order: hardware, a licence, implementation,
training, two years of maintenance and a year of SaaS, sold at a bundle discount.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from domain.contract_terms import Bundle, Pattern, Satisfaction, Treatment, Trigger
from domain.order.events import LineKind, OrderLine
from domain.revenue import (
    DEFAULT_SATISFACTION,
    ContractState,
    Fulfilment,
    IdentifyContract,
    LineQuantity,
    ModifyContract,
    ProgressRecorded,
    RecordFulfilment,
    ReestimateVariable,
    RevenueRefused,
    TerminateContract,
)
from domain.revenue.progress import steps
from domain.revenue.recognition import Component, ObligationRevenue, RecognitionRefused, by_month
from domain.revenue.variable import Method, Outcome, VariableConsideration
from domain.shared import Money
from domain.testing import revenue_spec as given

ORDER = UUID("00000000-0000-4000-8000-00000000a606")
SIGNED = date(2026, 1, 15)
D = Decimal


def cny(amount: str | int) -> Money:
    return Money.of(amount, "CNY")


def line(
    line_id: str,
    kind: LineKind,
    price: int,
    ssp: int | None = None,
    quantity: int = 1,
    **term: object,
) -> OrderLine:
    return OrderLine(
        line_id=line_id,
        product_code=line_id,
        kind=kind,
        quantity=D(quantity),
        unit_price=cny(price),
        discount=cny(0),
        standalone_selling_price=cny(price if ssp is None else ssp),
        **term,
    )  # type: ignore[arg-type]


LINES = (
    line("HW", LineKind.HARDWARE, 100_000, 120_000, quantity=2),
    line("LIC", LineKind.SOFTWARE_LICENCE, 60_000, 80_000),
    line("IMP", LineKind.IMPLEMENTATION, 50_000, 50_000),
    line("TRN", LineKind.TRAINING, 10_000, 10_000),
    line("MNT", LineKind.MAINTENANCE, 24_000, 24_000, term_start=date(2026, 2, 1), term_months=24),
    line("SAAS", LineKind.SUBSCRIPTION, 36_000, 36_000, term_months=12),
)


def identify(**overrides: object) -> IdentifyContract:
    fields: dict[str, object] = {
        "order_id": ORDER,
        "customer_id": "C-SZ-9",
        "contract_number": "HT-606",
        "currency": "CNY",
        "signed_on": SIGNED,
        "lines": LINES,
        "by_kind": DEFAULT_SATISFACTION,
    }
    return IdentifyContract(**{**fields, **overrides})  # type: ignore[arg-type]


def fulfil(fact: Fulfilment, on: date, **fields: object) -> RecordFulfilment:
    return RecordFulfilment(fact=fact, on=on, **fields)  # type: ignore[arg-type]


def deliver(fact: Fulfilment, on: date, line_id: str, quantity: int = 1) -> RecordFulfilment:
    return fulfil(fact, on, lines=(LineQuantity(line_id=line_id, quantity=D(quantity)),))


def revenue_in(state: ContractState, month: date) -> dict[str, Money]:
    return {r.obligation_id: by_month(r, month, month)[0][1] for r in state.revenues()}


def test_a_signed_bundle_is_allocated_by_ssp_and_sums_to_the_price() -> None:
    [identified] = given.run(identify())
    # Price 380,000 over SSPs summing to 440,000: every obligation gets 380/440 of its SSP.
    assert identified.transaction_price == cny(380_000)
    amounts = {a.obligation_id: a.amount for a in identified.allocation}
    assert amounts == {
        "HW": cny("207272.73"),
        "LIC": cny("69090.91"),
        "IMP": cny("43181.82"),
        "TRN": cny("8636.36"),
        "MNT": cny("20727.27"),
        "SAAS": cny("31090.91"),
    }
    assert sum(a.amount for a in amounts.values()) == D(380_000)
    patterns = {o.obligation_id: o.satisfaction.pattern for o in identified.obligations}
    assert patterns["MNT"] is Pattern.RATABLE
    assert patterns["IMP"] is Pattern.INPUT_METHOD


def test_each_fact_recognises_its_obligations_at_its_date() -> None:
    history = given.run(
        identify(),
        deliver(Fulfilment.SHIPMENT, date(2026, 2, 10), "HW"),
        fulfil(Fulfilment.LICENCE_AVAILABLE, date(2026, 2, 12)),
        fulfil(
            Fulfilment.COSTS_REPORTED,
            date(2026, 2, 28),
            obligation_id="IMP",
            incurred=D(8_000),
            estimated_total=D(32_000),
        ),
        fulfil(Fulfilment.SERVICE_STARTED, date(2026, 3, 1), obligation_id="SAAS"),
        deliver(Fulfilment.TRAINING_DELIVERED, date(2026, 3, 5), "TRN"),
    )
    state = given.fold(history)
    february = revenue_in(state, date(2026, 2, 1))
    assert february["HW"] == cny("103636.37")  # one of two units shipped: half, half up
    assert february["LIC"] == cny("69090.91")
    assert february["IMP"] == cny("10795.46")  # a quarter of the costs
    assert february["MNT"] == cny("795.02")  # by day: 28 of the 730 days of two years
    assert february["SAAS"] == cny(0)
    march = revenue_in(state, date(2026, 3, 1))
    assert march["TRN"] == cny("8636.36")
    assert march["SAAS"] == cny("2640.60")  # 31/365 of a year from 1 March


def test_facts_are_counted_from_their_own_dates_whatever_the_recording_order() -> None:
    first, second = date(2026, 3, 10), date(2026, 2, 10)
    recorded = given.run(
        identify(),
        deliver(Fulfilment.SHIPMENT, first, "HW"),
        deliver(Fulfilment.SHIPMENT, second, "HW"),
    )
    late = given.fold(recorded)
    hw = next(r for r in late.revenues() if r.obligation_id == "HW")
    assert hw.progress.at(date(2026, 2, 28)) == D("0.5")
    assert hw.progress.at(date(2026, 3, 31)) == 1


def test_a_fact_that_moves_nothing_records_nothing() -> None:
    accepted_only = identify(
        patterns={"HW": Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.ACCEPTANCE)}
    )
    history = given.run(accepted_only)
    ship = deliver(Fulfilment.SHIPMENT, date(2026, 2, 10), "HW", quantity=2)
    given(*history).when(ship).then()
    [recorded] = given(*history).when(fulfil(Fulfilment.ACCEPTANCE, date(2026, 3, 1))).events()
    assert isinstance(recorded, ProgressRecorded)
    assert recorded.obligations == ("HW",)


def test_lines_that_are_not_distinct_are_one_obligation() -> None:
    bundle = Bundle(
        obligation_id="SOLUTION",
        line_ids=("HW", "IMP"),
        satisfaction=Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.ACCEPTANCE),
    )
    [identified] = given.run(identify(bundles=(bundle,)))
    solution = next(o for o in identified.obligations if o.obligation_id == "SOLUTION")
    assert solution.line_ids == ("HW", "IMP")
    assert solution.ssp == cny(290_000)
    assert len(identified.obligations) == 5


def test_a_re_estimate_is_spread_on_the_original_basis_and_caught_up() -> None:
    bonus = VariableConsideration(
        name="go-live bonus",
        method=Method.MOST_LIKELY_AMOUNT,
        outcomes=(
            Outcome(amount=cny(44_000), probability=D("0.8")),
            Outcome(amount=cny(0), probability=D("0.2")),
        ),
        constraint=cny(0),
        reason="go-live date not yet agreed",
    )
    history = given.run(
        identify(variable=(bonus,)),
        fulfil(Fulfilment.LICENCE_AVAILABLE, date(2026, 2, 12)),
    )
    freed = VariableConsideration(name=bonus.name, method=bonus.method, outcomes=bonus.outcomes)
    reestimate = ReestimateVariable(consideration=freed, on=date(2026, 4, 2))
    state = given(*history).when(reestimate).state()
    assert state.transaction_price() == cny(424_000)
    # The licence was delivered: its share of the bonus (80/440 of 44,000) is April revenue.
    assert revenue_in(state, date(2026, 4, 1))["LIC"] == cny(8000)


BONUS = VariableConsideration(
    name="go-live bonus",
    method=Method.MOST_LIKELY_AMOUNT,
    outcomes=(Outcome(amount=cny(44_000), probability=D(1)),),
)


def test_a_re_estimate_dated_before_signing_says_so() -> None:
    early = ReestimateVariable(consideration=BONUS, on=date(2020, 1, 1))
    refused = given(*given.run(identify())).when(early).raises(RevenueRefused, field="on")
    assert refused.message == (
        "a change dated 2020-01-01 is before the contract was signed, on 2026-01-15"
    )


def test_a_re_estimate_dated_before_the_last_change_names_both_dates_in_order() -> None:
    history = given.run(identify(), ReestimateVariable(consideration=BONUS, on=date(2026, 5, 1)))
    late = ReestimateVariable(consideration=BONUS, on=date(2026, 2, 1))
    refused = given(*history).when(late).raises(RevenueRefused, field="on")
    assert refused.message == (
        "a change dated 2026-02-01 is before the last one, dated 2026-05-01; "
        "changes come in date order"
    )


def test_changes_reach_an_obligations_revenue_in_date_order() -> None:
    changes = (Component(amount=cny(100), since=SIGNED, cause="allocation"),
               Component(amount=cny(5), since=date(2026, 5, 1)))  # fmt: skip
    revenue = ObligationRevenue(obligation_id="HW", currency="CNY", progress=steps(()),
                                components=changes)  # fmt: skip
    with pytest.raises(RecognitionRefused) as refused:
        revenue.with_component(Component(amount=cny(1), since=date(2020, 1, 1)))
    assert refused.value.field == "on"
    assert refused.value.message == (
        "HW: a change dated 2020-01-01 is before the obligation began, on 2026-01-15"
    )
    with pytest.raises(RecognitionRefused) as refused:
        revenue.with_component(Component(amount=cny(1), since=date(2026, 2, 1)))
    assert refused.value.message == (
        "HW: a change dated 2026-02-01 is before the last one, dated 2026-05-01; "
        "changes come in date order"
    )


def test_change_orders_are_classified_by_the_rules() -> None:
    history = given.run(
        identify(),
        fulfil(
            Fulfilment.COSTS_REPORTED,
            date(2026, 2, 28),
            obligation_id="IMP",
            incurred=D(8_000),
            estimated_total=D(32_000),
        ),
    )
    at_ssp = ModifyContract(
        revision=1, on=date(2026, 3, 2), added=(line("TRN2", LineKind.TRAINING, 5_000, 5_000),)
    )
    separate = given(*history).when(at_ssp).events()[0]
    assert (separate.treatment, separate.by_rule) == (Treatment.SEPARATE_CONTRACT,) * 2
    discounted = ModifyContract(
        revision=1, on=date(2026, 3, 2), added=(line("TRN2", LineKind.TRAINING, 3_000, 5_000),)
    )
    # Added below its SSP: not a separate contract; what remains is distinct, so prospective.
    prospective = given(*history[:1]).when(discounted).events()[0]
    assert prospective.treatment is Treatment.PROSPECTIVE
    assert prospective.change == cny(3_000)
    # The implementation is a quarter done and not distinct: a new price for it is caught up.
    repriced = ModifyContract(
        revision=1,
        on=date(2026, 3, 2),
        repriced=(line("IMP", LineKind.IMPLEMENTATION, 62_000, 50_000),),
    )
    caught_up = given(*history).when(repriced).events()[0]
    assert caught_up.treatment is Treatment.CUMULATIVE_CATCH_UP
    [change] = caught_up.components
    assert (change.obligation_id, change.component.amount) == ("IMP", cny(12_000))
    state = given(*history).when(repriced).state()
    assert revenue_in(state, date(2026, 3, 1))["IMP"] == cny(3000)  # a quarter, at once


def test_finance_may_override_the_rule_but_must_say_why() -> None:
    history = given.run(identify())
    added = (line("TRN2", LineKind.TRAINING, 5_000, 5_000),)
    blind = ModifyContract(
        revision=1, on=date(2026, 3, 2), added=added, override=Treatment.PROSPECTIVE
    )
    given(*history).when(blind).raises(RevenueRefused, field="reason")
    said = ModifyContract(
        revision=1,
        on=date(2026, 3, 2),
        added=added,
        override=Treatment.PROSPECTIVE,
        reason="sold with the SaaS renewal",
    )
    [modified] = given(*history).when(said).events()
    assert (modified.treatment, modified.by_rule) == (
        Treatment.PROSPECTIVE,
        Treatment.SEPARATE_CONTRACT,
    )
    assert modified.reason == "sold with the SaaS renewal"


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (deliver(Fulfilment.SHIPMENT, SIGNED, "NOPE"), "lines"),
        (fulfil(Fulfilment.COSTS_REPORTED, SIGNED, obligation_id="IMP", incurred=D(1)), "incurred"),
        (fulfil(Fulfilment.MILESTONE_REACHED, SIGNED, obligation_id="HW"), "fact"),
        (fulfil(Fulfilment.MILESTONE_REACHED, SIGNED, obligation_id="GHOST"), "obligation_id"),
        (ModifyContract(revision=0, on=SIGNED), "revision"),
        (ModifyContract(revision=1, on=SIGNED, removed=("NOPE",)), "removed"),
        (ModifyContract(revision=1, on=SIGNED, added=(line("HW", LineKind.HARDWARE, 1),)), "added"),
        (identify(), "order_id"),
        (TerminateContract(last_day=SIGNED - timedelta(days=1), reason="cancelled"), "last_day"),
    ],
)
def test_bad_commands_are_refused_by_field(command: object, field: str) -> None:
    given(*given.run(identify())).when(command).raises(RevenueRefused, field=field)  # type: ignore[arg-type]


def test_a_ratable_line_needs_its_term_and_facts_need_a_contract() -> None:
    bare = identify(lines=(line("SAAS", LineKind.SUBSCRIPTION, 36_000),))
    given().when(bare).raises(RevenueRefused, field="obligations.SAAS")
    given().when(fulfil(Fulfilment.ACCEPTANCE, SIGNED)).raises(RevenueRefused, field="order_id")


@pytest.mark.parametrize(
    ("on", "words"),
    [
        (date(2019, 6, 1), "before the contract began on 2026-01-15"),
        (SIGNED - timedelta(days=1), "before the contract began"),
        (date(9999, 12, 31), "outside 2026-01-15 to 2086-12-31"),
    ],
)
def test_a_fact_outside_the_contracts_life_is_refused_naming_the_day(on: date, words: str) -> None:
    """A fact years before the signing booked everything at once; one dated 9999-12-31
    parked every revenue report. Both are typing errors, refused by field."""
    history = given.run(identify())
    for command in (deliver(Fulfilment.SHIPMENT, on, "HW"),
                    fulfil(Fulfilment.LICENCE_AVAILABLE, on)):  # fmt: skip
        error = given(*history).when(command).raises(RevenueRefused, field="on")
        assert words in str(error)
    # The signing day itself is the contract's first.
    given(*history).when(deliver(Fulfilment.SHIPMENT, SIGNED, "HW")).events()
