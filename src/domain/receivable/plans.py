"""Billing plans: which milestone template an order is billed by, and periodic milestones.

An order names its template (stated at capture), or the first plan rule it
matches chooses one, or its customer's credit rating does. A periodic term
(monthly in arrears, annual in advance) becomes one milestone per period of the
order's service term; its share of the contract is split over the periods by
`allocate`, so the milestones sum exactly to the cent.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

import msgspec
from msgspec.structs import replace

from domain.receivable.terms import (
    PERIODIC,
    CreditRating,
    InvalidTerms,
    MilestoneTemplate,
    MilestoneTerm,
    PaymentTerms,
    PlanRule,
    Trigger,
)
from domain.shared import Money, allocate

_PERCENT = Decimal("0.0001")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PlanReason(StrEnum):
    STATED = "stated_on_order"
    RULE = "rule_matched"
    CREDIT = "credit_fallback"


class PlanChoice(msgspec.Struct, frozen=True, kw_only=True):
    """Which template an order is billed by, and why."""

    template: str
    reason: PlanReason
    rule: int | None = None  # the plan rule matched, counted from 1
    detail: str = ""


class ServiceTerm(msgspec.Struct, frozen=True, kw_only=True):
    """The span a periodic plan bills over: from the first line's term start to the
    last line's term end."""

    start: date
    months: int


class OrderProfile(msgspec.Struct, frozen=True, kw_only=True):
    """What plan selection looks at on an order."""

    order_type: str
    line_kinds: frozenset[str]
    product_lines: frozenset[str]
    credit_rating: CreditRating
    stated: str = ""  # the template the order names, if any
    has_service_term: bool = False


def service_term(terms: Iterable[tuple[date, int]]) -> ServiceTerm | None:
    """The service term spanning the lines' (term start, months), if any line has one."""
    spans = list(terms)
    if not spans:
        return None
    start = min(s for s, _ in spans)
    end = max(add_months(s, m) for s, m in spans)
    months = (end.year - start.year) * 12 + end.month - start.month
    return ServiceTerm(start=start, months=max(1, months + (add_months(start, months) < end)))


def is_periodic(template: MilestoneTemplate) -> bool:
    return any(t.trigger in PERIODIC for t in template.milestones)


def matches(rule: PlanRule, order: OrderProfile) -> bool:
    return (
        (not rule.order_types or order.order_type in rule.order_types)
        and (not rule.line_kinds or order.line_kinds <= set(rule.line_kinds))
        and (not rule.product_lines or bool(order.product_lines & set(rule.product_lines)))
        and (not rule.credit_ratings or order.credit_rating in rule.credit_ratings)
    )


def choose(terms: PaymentTerms, order: OrderProfile) -> tuple[MilestoneTemplate, PlanChoice]:
    """The stated template, else the first rule matched, else the credit rating's.

    A periodic template needs a service term to bill over: a rule naming one passes
    over an order without one.
    """
    detail = ""
    if order.stated:
        stated = terms.named(order.stated)
        if stated is not None:
            return stated, PlanChoice(template=stated.name, reason=PlanReason.STATED)
        detail = f"the stated plan {order.stated!r} is no longer published; "
    for n, rule in enumerate(terms.plans, 1):
        template = terms.named(rule.template)
        if template is None or not matches(rule, order):
            continue
        if is_periodic(template) and not order.has_service_term:
            continue
        return template, PlanChoice(
            template=template.name, reason=PlanReason.RULE, rule=n, detail=detail
        )
    template = terms.template(order.credit_rating)
    detail += f"credit rating {order.credit_rating.value}"
    return template, PlanChoice(template=template.name, reason=PlanReason.CREDIT, detail=detail)


def periods(trigger: Trigger, term: ServiceTerm) -> list[tuple[date, int]]:
    """Each period's billing day and the months it covers."""
    if trigger is Trigger.MONTHLY_IN_ARREARS:
        ends = (add_months(term.start, k + 1) - timedelta(days=1) for k in range(term.months))
        return [(end, 1) for end in ends]
    years = range(0, term.months, 12)
    return [(add_months(term.start, k), min(12, term.months - k)) for k in years]


def expand(
    terms: Sequence[MilestoneTerm],
    shares: Sequence[Money],
    service: ServiceTerm | None,
    signed_on: date,
) -> list[tuple[MilestoneTerm, Money]]:
    """The milestones of a template whose terms got `shares`: a periodic term becomes
    one milestone per period of `service`, its share split in proportion to months.
    In advance, the first year is billed at the signing even if its term starts later."""
    out: list[tuple[MilestoneTerm, Money]] = []
    for term, share in zip(terms, shares, strict=True):
        if term.trigger not in PERIODIC:
            out.append((term, share))
            continue
        if service is None:
            raise InvalidTerms(
                f"{term.name!r} is billed per period, but the order has no service term",
                field="term_months",
            )
        dated = periods(term.trigger, service)
        parts = allocate(share, [Decimal(months) for _, months in dated])
        n = len(dated)
        for k, ((day, months), part) in enumerate(zip(dated, parts, strict=True), 1):
            percent = (term.percent * months / service.months).quantize(_PERCENT)
            first_in_advance = k == 1 and term.trigger is Trigger.ANNUAL_IN_ADVANCE
            on = min(day, signed_on) if first_in_advance else day
            name = f"{term.name[:180]} {k}/{n}"
            out.append((replace(term, name=name, percent=percent, on_date=on), part))
    return out
