"""Hypothesis strategies for the revenue maths: allocations, progress, contract lives.

`contract_lives()` draws a contract (obligations with SSPs and progress that
completes by a known day), allocates a price, and applies a sequence of dated
changes — re-estimates, prospective modifications adding obligations, price
concessions — through the real functions, so a property can check what must hold
after any such life.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import strategies as st

from domain.contract_terms import DiscountRule, Milestone, Pattern, Satisfaction, Treatment, Trigger
from domain.order.events import TIME_BASED_KINDS, LineKind, OrderLine
from domain.revenue import (
    DEFAULT_SATISFACTION,
    ContractState,
    Fulfilment,
    IdentifyContract,
    LineQuantity,
    ModifyContract,
    RecordFulfilment,
    ReestimateVariable,
    RevenueCommand,
    RevenueEvent,
    decide,
)
from domain.revenue.allocation import Candidate, allocate_price
from domain.revenue.calendar import add_months
from domain.revenue.progress import Progress, Ratable, Term, steps
from domain.revenue.recognition import (
    Component,
    ObligationRevenue,
    RecognitionRefused,
    concede,
    prospective,
    reestimate,
)
from domain.revenue.variable import Method, Outcome, VariableConsideration
from domain.shared import DomainError, Money, minor_units, total
from domain.testing.spec import revenue_spec

START = date(2025, 1, 1)
HORIZON = 900  # days: every drawn obligation is satisfied before START + HORIZON


def amounts(currency: str, low: int = 0, high: int = 1_000_000) -> st.SearchStrategy[Money]:
    places = minor_units(currency)
    return st.decimals(low, high, places=places).map(lambda a: Money(amount=a, currency=currency))


@st.composite
def allocation_problems(
    draw: st.DrawFn, currency: str = "CNY"
) -> tuple[Money, list[Candidate], list[DiscountRule]]:
    """A price, obligations (some valued by the residual approach) and discount rules."""
    n = draw(st.integers(1, 6))
    ids = [f"PO{i}" for i in range(n)]
    residual = set(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
    candidates = [
        Candidate(
            obligation_id=oid,
            ssp=None if oid in residual else draw(amounts(currency, 0, 500_000)),
            residual_weight=Decimal(draw(st.integers(0, 5))),
        )
        for oid in ids
    ]
    priced = [c.obligation_id for c in candidates if c.ssp is not None]
    rules: list[DiscountRule] = []
    wants_rule: bool = draw(st.booleans())
    if priced and wants_rule:
        group = tuple(draw(st.lists(st.sampled_from(priced), min_size=1, unique=True)))
        amount = None if not residual and draw(st.booleans()) else draw(amounts(currency, 0, 50))
        rules.append(DiscountRule(obligations=group, amount=amount))
    return draw(amounts(currency, 0, 2_000_000)), candidates, rules


@st.composite
def progress_functions(draw: st.DrawFn, start: date = START) -> Progress:
    """Progress that reaches 1 before `start + HORIZON`: dated steps, or a service term."""
    if draw(st.booleans()):
        begins = start + timedelta(days=draw(st.integers(0, 200)))
        months = draw(st.integers(1, 24))
        terms = [Term(known_from=start, start=begins, end=add_months(begins, months))]
        if draw(st.booleans()):  # the term changes once, from a later day
            known = begins + timedelta(days=draw(st.integers(0, 200)))
            end = known + timedelta(days=draw(st.integers(0, 150)))
            terms.append(Term(known_from=known, start=begins, end=end))
        return Ratable(terms=tuple(terms))
    days = draw(st.lists(st.integers(0, HORIZON - 2), min_size=0, max_size=4))
    fractions = draw(st.lists(st.decimals(0, 1, places=3), min_size=len(days), max_size=len(days)))
    points = [(start + timedelta(days=d), f) for d, f in zip(days, fractions, strict=True)]
    done = start + timedelta(days=draw(st.integers(max(days, default=0), HORIZON - 1)))
    return steps([*points, (done, Decimal(1))])


@dataclass(frozen=True)
class ContractLife:
    """A contract after a drawn life: its obligations and the SSPs they were sold at."""

    currency: str
    obligations: tuple[ObligationRevenue, ...]
    ssp: tuple[Decimal, ...]
    changes: tuple[str, ...]

    @property
    def price(self) -> Money:
        return total([o.allocated() for o in self.obligations], self.currency)


@st.composite
def contract_lives(draw: st.DrawFn, currency: str = "CNY") -> ContractLife:
    n = draw(st.integers(1, 4))
    ssp = [draw(amounts(currency, 1, 300_000)).amount for _ in range(n)]
    price = draw(amounts(currency, 0, 1_000_000))
    candidates = [Candidate(obligation_id=f"PO{i}", ssp=Money(amount=s, currency=currency))
                  for i, s in enumerate(ssp)]  # fmt: skip
    shares = allocate_price(price, candidates)
    obligations = [
        ObligationRevenue(
            obligation_id=c.obligation_id,
            currency=currency,
            progress=draw(progress_functions()),
            components=(Component(amount=a.amount, since=START, cause="allocation"),),
        )
        for c, a in zip(candidates, shares, strict=True)
    ]
    day, changes = START, []
    for step in range(draw(st.integers(0, 5))):
        day += timedelta(days=draw(st.integers(0, 120)))
        kind = draw(st.sampled_from(["re-estimate", "modification", "concession"]))
        try:
            if kind == "re-estimate":
                price_now = sum((o.allocated().amount for o in obligations), Decimal(0))
                change = draw(amounts(currency, -int(price_now), 200_000))
                obligations = list(reestimate(obligations, change, ssp, day, f"{kind} {step}"))
            elif kind == "modification":
                new_ssp = draw(amounts(currency, 1, 300_000))
                new = ObligationRevenue(
                    obligation_id=f"PO{len(obligations)}",
                    currency=currency,
                    progress=draw(progress_functions(start=day)),
                )
                change = draw(amounts(currency, 0, 300_000))
                kept, added = prospective(
                    obligations, remaining_ssp=ssp, added=[new], added_ssp=[new_ssp.amount],
                    change=change, on=day, cause=f"{kind} {step}")  # fmt: skip
                obligations = [*kept, *added]
                ssp = [*ssp, new_ssp.amount]
            else:
                i = draw(st.integers(0, len(obligations) - 1))
                cut = draw(amounts(currency, 0, 10_000))
                obligations[i] = concede(
                    obligations[i], Money.zero(currency) - cut, day, f"{kind} {step}"
                )
        except RecognitionRefused:
            continue  # a change the rules refuse leaves the contract as it was
        changes.append(f"{day} {kind}")
    return ContractLife(currency, tuple(obligations), tuple(ssp), tuple(changes))


def last_day(life: ContractLife) -> date:
    """A day by which every obligation of `life` is satisfied."""
    latest = max((c.since for o in life.obligations for c in o.components), default=START)
    return latest + timedelta(days=HORIZON + 31 * 25)


_KINDS = list(LineKind)


@st.composite
def _lines(draw: st.DrawFn, ids: Sequence[str], currency: str = "CNY") -> list[OrderLine]:
    lines = []
    for line_id in ids:
        kind = draw(st.sampled_from(_KINDS))
        timed = kind in TIME_BASED_KINDS
        price = draw(amounts(currency, 0, 200_000))
        lines.append(
            OrderLine(
                line_id=line_id, product_code=line_id, kind=kind,
                quantity=Decimal(draw(st.integers(1, 3))), unit_price=price,
                discount=Money.zero(currency),
                standalone_selling_price=draw(amounts(currency, 1, 200_000)),
                term_start=START + timedelta(days=draw(st.integers(0, 90))) if timed else None,
                term_months=draw(st.integers(1, 24)) if timed else None,
            )
        )  # fmt: skip
    return lines


_MILESTONES = Satisfaction(
    pattern=Pattern.MILESTONES,
    milestones=(Milestone(milestone_id="design", share=Decimal("0.4")),
                Milestone(milestone_id="go-live", share=Decimal("0.6"))),
)  # fmt: skip


def _fulfilment(draw: st.DrawFn, state: ContractState, on: date) -> RecordFulfilment:
    oid = draw(st.sampled_from(sorted(state.obligations)))
    terms = state.obligations[oid].terms
    quantities = tuple(LineQuantity(line_id=i, quantity=Decimal(1)) for i in terms.line_ids)
    fact = draw(st.sampled_from(list(Fulfilment)))
    return RecordFulfilment(
        fact=fact, on=on, lines=quantities, obligation_id=oid,
        incurred=Decimal(draw(st.integers(0, 120))), estimated_total=Decimal(100),
        milestone_id=draw(st.sampled_from(["design", "go-live"])),
    )  # fmt: skip


def _modification(draw: st.DrawFn, state: ContractState, on: date, n: int) -> ModifyContract:
    singles = sorted(o.terms.line_ids[0] for o in state.obligations.values()
                     if len(o.terms.line_ids) == 1 and not o.removed)  # fmt: skip
    what = draw(st.sampled_from(["add", "reprice", "remove"]))
    added = tuple(draw(_lines([f"X{n}"]))) if what == "add" or not singles else ()
    target = draw(st.sampled_from(singles)) if singles else ""
    repriced: tuple[OrderLine, ...] = ()
    if what == "reprice" and target:
        [fresh] = draw(_lines([target]))
        repriced = (fresh,)
    override = draw(st.none() | st.sampled_from(list(Treatment)))
    return ModifyContract(
        revision=state.revision + 1, on=on, added=added, repriced=repriced,
        removed=(target,) if what == "remove" and target else (),
        added_distinct=draw(st.booleans()), override=override,
        reason="finance's call" if override else "",
    )  # fmt: skip


def _reestimate(draw: st.DrawFn, state: ContractState, on: date) -> ReestimateVariable:
    amount = draw(amounts(state.currency, 0, 100_000))
    part = VariableConsideration(
        name=draw(st.sampled_from(["bonus", "penalty"])), method=Method.MOST_LIKELY_AMOUNT,
        outcomes=(Outcome(amount=amount, probability=Decimal(1)),))  # fmt: skip
    return ReestimateVariable(consideration=part, on=on)


def _completion(state: ContractState, on: date) -> list[RecordFulfilment]:
    """Facts that finish every obligation still open."""
    facts = []
    for oid, o in state.obligations.items():
        if o.removed:
            continue
        s = o.terms.satisfaction
        if s.pattern is not Pattern.POINT_IN_TIME:
            facts.append(RecordFulfilment(fact=Fulfilment.COMPLETED, on=on, obligation_id=oid))
        elif s.trigger in (Trigger.SHIPMENT, Trigger.TRAINING_DELIVERED):
            fact = Fulfilment.SHIPMENT if s.trigger is Trigger.SHIPMENT else (
                Fulfilment.TRAINING_DELIVERED)  # fmt: skip
            lines = tuple(LineQuantity(line_id=i, quantity=o.terms.quantity)
                          for i in o.terms.line_ids)  # fmt: skip
            facts.append(RecordFulfilment(fact=fact, on=on, lines=lines))
        else:
            fact = Fulfilment.ACCEPTANCE if s.trigger is Trigger.ACCEPTANCE else (
                Fulfilment.LICENCE_AVAILABLE)  # fmt: skip
            facts.append(RecordFulfilment(fact=fact, on=on, obligation_id=oid))
    return facts


@dataclass(frozen=True)
class RevenueHistory:
    events: tuple[RevenueEvent, ...]
    first: date
    last: date  # every obligation is done by then


@st.composite
def revenue_histories(draw: st.DrawFn, *, complete: bool = True) -> RevenueHistory:
    """A contract's events: identified, then any fulfilments, re-estimates and changes the
    rules accept (refused ones are skipped), then — if `complete` — every obligation done."""
    lines = draw(_lines([f"L{i}" for i in range(draw(st.integers(1, 5)))]))
    patterns = {ln.line_id: _MILESTONES for ln in lines
                if ln.kind is LineKind.IMPLEMENTATION and draw(st.booleans())}  # fmt: skip
    identify = IdentifyContract(
        order_id=UUID(int=draw(st.integers(1, 2**64))), customer_id="C-1",
        contract_number="HT-1", currency="CNY", signed_on=START, lines=tuple(lines),
        by_kind=DEFAULT_SATISFACTION, patterns=patterns,
    )  # fmt: skip
    events = list(revenue_spec.run(identify))
    state = revenue_spec.fold(events)
    day = START
    for n in range(draw(st.integers(0, 10))):
        day += timedelta(days=draw(st.integers(0, 60)))
        kind = draw(st.sampled_from(["fulfil", "fulfil", "re-estimate", "modify"]))
        command: RevenueCommand
        if kind == "fulfil":
            command = _fulfilment(draw, state, day)
        elif kind == "re-estimate":
            command = _reestimate(draw, state, day)
        else:
            command = _modification(draw, state, day, n)
        try:
            new = decide(command, state)
        except DomainError:
            continue
        events += new
        state = revenue_spec.fold(events)
    if complete:
        day += timedelta(days=1)
        for fact in _completion(state, day):
            events += decide(fact, state)
            state = revenue_spec.fold(events)
    return RevenueHistory(events=tuple(events), first=START, last=day)
