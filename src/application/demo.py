"""Demo data: nine months of a machinery maker's order book, through the real domain.

Every order is driven by ordinary commands through the application service, so
whatever the demo shows, the rules allowed. This module sets the scene (the
rulebook, the stock ledger, the customer master, the catalogue and a few quotes);
`demo_life` lives each order through. Each order has its own generator
seeded from (seed, n): the set is deterministic, order n does not depend on how
many orders are loaded, and every command id is fixed, so loading twice writes
nothing new. Business times stop before `today`: an order whose next step would
fall later stays where it is, which spreads recent orders over every stage.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import msgspec

from application import demo_data as data
from application import demo_habits as habits
from application.capture import CaptureRules, capture_accepted
from application.demo_data import CST
from application.demo_life import NotYet, Run, live, step_command_id
from application.service import ApplicationService, CommandMeta
from domain.cpq.catalogue import CATALOGUE_ID, SetCustomerTier
from domain.cpq.example import example_catalogue
from domain.cpq.pricing import LineRequest, QuoteRequest, price
from domain.cpq.quote import (
    AcceptQuote,
    DraftQuote,
    QuoteCommand,
    Terms,
    WithdrawQuote,
    order_id_for_quote,
    quote_id_for,
)
from domain.customer import CustomerDetails, RecordCustomer, customer_id_for
from domain.deciders import CATALOGUE, CUSTOMER, ORDER, QUOTE, RULEBOOK, STOCK
from domain.order.events import Channel
from domain.receivable.terms import CreditRating
from domain.rulebook import (
    RULEBOOK_ID,
    PositionHolder,
    PublishPositions,
    RulebookState,
    missing_publications,
)
from domain.stock import (
    DefineComponent,
    ExpectReceipt,
    ReceiveStock,
    StockCommand,
    stock_item_id,
)


class DemoSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What the demo set holds. Cancelled orders count under the stage "cancelled"."""

    orders: int
    quotes: int
    orders_from_quotes: int  # software orders captured from the accepted quotes
    events: int  # the orders' events
    by_stage: dict[str, int]
    by_channel: dict[str, int]
    by_order_type: dict[str, int]


def load_demo(
    service: ApplicationService,
    *,
    orders: int = 300,
    seed: int = 20251220,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Load (or top up) the demo order book; safe to run again on the same database.

    Without `today`, a database that already holds this seed's set keeps the date
    it was first loaded on, so a later run adds nothing instead of a second set.
    """
    book = _ensure_rulebook(service)
    anchor = _anchor(service, seed, today)
    cutoff = datetime.combine(anchor, time(0), CST)
    _stock_ledger(service, seed, anchor)
    _customer_master(service, seed, anchor)
    quoted = _quotes(service, book, seed, anchor)
    stages: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    events = sum(service.load(ORDER, order_id).version for order_id in quoted)
    for n in range(orders):
        rng = random.Random(f"{seed}:{n}")  # noqa: S311 - demo data, not secrets
        run = Run(service, data.plan_order(rng, n, anchor), rng, book, cutoff, seed)
        with suppress(NotYet):
            live(run)
        state = run.state()
        stages["cancelled" if state.cancelled else state.stage.value] += 1
        channels[state.channel] += 1
        types[state.order_type] += 1
        events += state.version
        if progress is not None:
            progress(n + 1, orders)
    return DemoSummary(
        orders=orders,
        quotes=len(_QUOTED),
        orders_from_quotes=len(quoted),
        events=events,
        by_stage=dict(sorted(stages.items())),
        by_channel=dict(sorted(channels.items())),
        by_order_type=dict(sorted(types.items())),
    )


def _ensure_rulebook(service: ApplicationService) -> RulebookState:
    """Publish whatever part of the default rulebook is missing (bootstrap may have run)."""
    for i, command in missing_publications(service.load(RULEBOOK, RULEBOOK_ID)):
        meta = CommandMeta(command_id=f"demo-rulebook-{i}", actor="system")
        service.execute(RULEBOOK, RULEBOOK_ID, command, meta)
    if service.load(RULEBOOK, RULEBOOK_ID).positions is None:
        holders = tuple(PositionHolder(position=role, user=user, name=name)
                        for role, (user, name) in data.APPROVERS.items())  # fmt: skip
        meta = CommandMeta(command_id="demo-rulebook-positions", actor="system")
        service.execute(RULEBOOK, RULEBOOK_ID, PublishPositions(holders=holders), meta)
    return service.load(RULEBOOK, RULEBOOK_ID)


def _stock_ledger(service: ApplicationService, seed: int, anchor: date) -> None:
    """The key components on hand before the first order of the set, and what is coming."""
    opened = datetime.combine(anchor - timedelta(days=400), time(8), CST)
    for part, name, on_hand, safety, alternatives in habits.STOCK:
        commands: list[StockCommand] = [
            DefineComponent(part=part, name=name, safety_level=Decimal(safety),
                            alternatives=alternatives, at=opened),
            ReceiveStock(part=part, reference=f"GR-OPENING-{part}", quantity=Decimal(on_hand),
                         at=opened),
            ExpectReceipt(part=part, reference=f"PO-{anchor:%Y%m}-{part}",
                          quantity=Decimal(2 * safety), due_on=anchor + timedelta(days=14),
                          at=opened),
        ]  # fmt: skip
        for i, command in enumerate(commands):
            meta = CommandMeta(command_id=f"demo-{seed}-stock-{part}-{i}", actor="system")
            service.execute(STOCK, stock_item_id(part), command, meta)


def _customer_master(service: ApplicationService, seed: int, anchor: date) -> None:
    """The customers' records, as a company moving off spreadsheets brings them in."""
    recorded = datetime.combine(anchor - timedelta(days=400), time(9), CST)
    for customer in data.CUSTOMERS:
        online = customer.channel is Channel.ECOMMERCE
        details = CustomerDetails(
            name=customer.name, region=customer.region,
            salesperson=data.ECOMMERCE_DESK if online
            else data.SALESPEOPLE_BY_REGION[customer.region],
            payment_days=None if online else 60,
        )  # fmt: skip
        command = RecordCustomer(customer_id=customer.code, details=details, at=recorded)
        meta = CommandMeta(command_id=f"demo-{seed}-customer-{customer.code}", actor="system")
        service.execute(CUSTOMER, customer_id_for(customer.code), command, meta)


_QUOTED = (  # what six customers asked for, and how it ended
    ((("STARTER", 1, None),), "accepted"),
    ((("HW-G3", 2, None), ("MAINT-HW", 2, 36), ("LIC-V3", 2, None)), "withdrawn"),
    ((("SAAS-USER", 120, 12), ("IMPL", 1, None)), "open"),
    ((("HW-G3", 1, None), ("LIC-V3", 1, None), ("MAINT-HW", 1, 12)), "accepted"),
    ((("SAAS-USER", 60, 24),), "withdrawn"),
    ((("HW-G3", 4, None), ("TRAIN", 6, None)), "open"),
)


def _quotes(
    service: ApplicationService, book: RulebookState, seed: int, anchor: date
) -> list[UUID]:
    """The software side: the example catalogue in force since the set's first day, and
    a few quotes drafted over the last two months, accepted, withdrawn or open; returns
    the orders captured from the accepted ones."""
    effective = anchor - timedelta(days=data.HISTORY_DAYS)
    for i, published in enumerate(example_catalogue()):
        dated = (published if isinstance(published, SetCustomerTier)
                 else msgspec.structs.replace(published, effective_from=effective))  # fmt: skip
        meta = CommandMeta(command_id=f"demo-{seed}-catalogue-{i}", actor="system")
        service.execute(CATALOGUE, CATALOGUE_ID, dated, meta)
    catalogue = service.load(CATALOGUE, CATALOGUE_ID)
    captured = []
    for n, (customer, (lines, outcome)) in enumerate(zip(data.CUSTOMERS, _QUOTED, strict=False)):
        at = datetime.combine(anchor - timedelta(days=60 - 9 * n), time(10), CST)
        request = QuoteRequest(
            customer_id=customer.code,
            region=customer.region,
            currency="CNY",
            lines=tuple(
                LineRequest(
                    code=code,
                    quantity=Decimal(quantity),
                    term_start=at.date() + timedelta(days=30) if months else None,
                    term_months=months,
                )
                for code, quantity, months in lines
            ),
        )
        number = f"Q-{at:%Y%m}-{n + 1:03d}"
        terms = Terms(
            order_type="software",
            promised_delivery=at.date() + timedelta(days=45),
            valid_until=at.date() + timedelta(days=30),
        )
        commands: list[QuoteCommand] = [
            DraftQuote(
                number=number,
                customer_name=customer.name,
                salesperson="李娜",
                terms=terms,
                request=request,
                priced=price(catalogue.on(at.date()), request),
                drafted_at=at,
            )
        ]
        later = at + timedelta(days=5)
        if outcome == "withdrawn":
            commands.append(
                WithdrawQuote(reason="客户选择了其他供应商 lost to a competitor", at=later)
            )
        for step, quoted in enumerate(commands):
            meta = CommandMeta(command_id=f"demo-{seed}-quote-{n}-{step}", actor="李娜")
            service.execute(QUOTE, quote_id_for(number), quoted, meta)
        if outcome == "accepted":
            _accept_quote(service, book, f"demo-{seed}-quote-{n}", number,
                    AcceptQuote(revision=1, accepted_by=f"{customer.name} 采购部",
                                accepted_at=later))  # fmt: skip
            captured.append(order_id_for_quote(number))
    return captured


def _accept_quote(
    service: ApplicationService,
    book: RulebookState,
    command_id: str,
    number: str,
    accept: AcceptQuote,
) -> None:
    """What `POST /quotes/{id}/accept` does."""
    assert book.approval is not None
    rules = CaptureRules(book.routes["software"], book.approval, CreditRating.STANDARD,
                         book.workflow)  # fmt: skip
    meta = CommandMeta(command_id=command_id, actor="李娜")
    capture_accepted(service, service.load(QUOTE, quote_id_for(number)), accept, rules, meta)


def _anchor(service: ApplicationService, seed: int, today: date | None) -> date:
    """The day the set ends: `today`, or the day this seed's set was first loaded on."""
    first = service.previous_outcome(step_command_id(seed, 0, 0, "place"))
    if first is None:
        return today or datetime.now(CST).date()
    placed = service.load(ORDER, first.aggregate_id).placed_at
    assert placed is not None
    days_back = data.draw_days_back(random.Random(f"{seed}:0"))  # noqa: S311
    loaded_on = placed.astimezone(CST).date() + timedelta(days=days_back)
    if today is not None and today != loaded_on:
        raise ValueError(
            f"this database holds demo set {seed} as of {loaded_on}; "
            f"load it again with today={loaded_on} or use another seed"
        )
    return loaded_on
