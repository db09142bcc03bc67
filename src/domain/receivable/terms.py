"""Payment terms: milestone templates, the rules that choose them per order, dunning.

The standard template has three collection points: prepayment 30% on signing,
60% on shipment, 10% retention that may be collected only once the acceptance
report is uploaded and twelve months have passed. A subscription is billed per
period of its service term instead (100% annual in advance, or monthly in
arrears). Each order's template is the one it states, else the first plan rule
its type, lines and credit rating match, else the one its credit rating names: a
customer who pays late prepays more. All of it is data the business publishes in
the rulebook.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec

from domain.dunning import DEFAULT_DUNNING_RULES, DunningRules, check_rules
from domain.shared import DomainError, Name

Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]


class Trigger(StrEnum):
    """What makes a milestone billable."""

    SIGNING = "signing"
    SHIPMENT = "shipment"  # everything shippable shipped (or, with nothing to ship, go-live)
    ACCEPTANCE = "acceptance"
    DATE = "date"  # a calendar date agreed in the contract
    AFTER_ACCEPTANCE = "after_acceptance"  # acceptance + N months
    # Periodic: the milestone's share is split over the order's service term, one
    # milestone per period (in proportion to the months each period covers).
    MONTHLY_IN_ARREARS = "monthly_in_arrears"  # billable on each service month's last day
    ANNUAL_IN_ADVANCE = "annual_in_advance"  # year one at signing, the others as they begin


PERIODIC = frozenset({Trigger.MONTHLY_IN_ARREARS, Trigger.ANNUAL_IN_ADVANCE})


class MilestoneTerm(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    percent: Decimal  # of the contract amount: 0 < percent <= 100 (msgspec cannot bound Decimals)
    trigger: Trigger
    due_days: Days = 30  # payment is due this many days after the milestone is billable
    on_date: date | None = None  # for Trigger.DATE; for a period of a periodic term, its day
    months_after: Annotated[int, msgspec.Meta(ge=0, le=120)] = 0  # for AFTER_ACCEPTANCE
    needs_acceptance_report: bool = False


class MilestoneTemplate(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    milestones: tuple[MilestoneTerm, ...]


class CreditRating(StrEnum):
    PRIORITY = "priority"  # paid on time repeatedly: scheduled first
    STANDARD = "standard"
    WATCH = "watch"  # paid late: prepays more on the next order


Conditions = Annotated[tuple[Name, ...], msgspec.Meta(max_length=100)]


class PlanRule(msgspec.Struct, frozen=True, kw_only=True):
    """Orders matching every condition given are billed by `template`; an empty
    condition matches any order."""

    template: Name
    order_types: Conditions = ()  # the order is of one of these types
    line_kinds: Conditions = ()  # every line is of one of these kinds
    product_lines: Conditions = ()  # some line belongs to one of these product lines
    credit_ratings: tuple[CreditRating, ...] = ()


class CreditRules(msgspec.Struct, frozen=True, kw_only=True):
    on_time_streak_for_priority: Annotated[int, msgspec.Meta(ge=1)] = 3
    grace_days: Days = 0  # settled this many days after the due date still counts as on time
    template_for: dict[CreditRating, Name] = msgspec.field(
        default_factory=lambda: {
            CreditRating.PRIORITY: "standard",
            CreditRating.STANDARD: "standard",
            CreditRating.WATCH: "higher_prepayment",
        }
    )


class PaymentTerms(msgspec.Struct, frozen=True, kw_only=True):
    templates: tuple[MilestoneTemplate, ...]
    plans: Annotated[tuple[PlanRule, ...], msgspec.Meta(max_length=200)] = ()  # first match wins
    credit: CreditRules = msgspec.field(default_factory=CreditRules)
    dunning: DunningRules = DEFAULT_DUNNING_RULES

    def template(self, rating: CreditRating) -> MilestoneTemplate:
        name = self.credit.template_for.get(rating, "standard")
        return next(t for t in self.templates if t.name == name)

    def named(self, name: str) -> MilestoneTemplate | None:
        return next((t for t in self.templates if t.name == name), None)


def _retention(percent: int) -> MilestoneTerm:
    return MilestoneTerm(
        name="质保金 retention",
        percent=Decimal(percent),
        trigger=Trigger.AFTER_ACCEPTANCE,
        months_after=12,
        needs_acceptance_report=True,
    )


DEFAULT_PAYMENT_TERMS = PaymentTerms(
    templates=(
        MilestoneTemplate(
            name="standard",
            milestones=(
                MilestoneTerm(
                    name="预付款 prepayment", percent=Decimal(30), trigger=Trigger.SIGNING
                ),
                MilestoneTerm(
                    name="发货款 shipment", percent=Decimal(60), trigger=Trigger.SHIPMENT
                ),
                _retention(10),
            ),
        ),
        MilestoneTemplate(
            name="higher_prepayment",
            milestones=(
                MilestoneTerm(
                    name="预付款 prepayment", percent=Decimal(50), trigger=Trigger.SIGNING
                ),
                MilestoneTerm(
                    name="发货款 shipment", percent=Decimal(40), trigger=Trigger.SHIPMENT
                ),
                _retention(10),
            ),
        ),
        MilestoneTemplate(
            name="saas_annual_in_advance",
            milestones=(
                MilestoneTerm(
                    name="年费 annual fee", percent=Decimal(100), trigger=Trigger.ANNUAL_IN_ADVANCE
                ),
            ),
        ),
        MilestoneTemplate(
            name="monthly_in_arrears",
            milestones=(
                MilestoneTerm(
                    name="月费 monthly fee",
                    percent=Decimal(100),
                    trigger=Trigger.MONTHLY_IN_ARREARS,
                ),
            ),
        ),
    ),
    plans=(
        PlanRule(template="saas_annual_in_advance", line_kinds=("subscription",)),
        PlanRule(
            template="standard",
            order_types=("equipment",),
            credit_ratings=(CreditRating.PRIORITY, CreditRating.STANDARD),
        ),
    ),
)


class InvalidTerms(DomainError):
    rule = "invalid_payment_terms"


def check_template(template: MilestoneTemplate) -> None:
    where = f"template {template.name!r}"
    if not template.milestones:
        raise InvalidTerms(f"{where} has no milestones", field="milestones")
    if any(not 0 < m.percent <= 100 for m in template.milestones):
        raise InvalidTerms(f"{where}: each percentage is above 0 and at most 100", field="percent")
    if sum(m.percent for m in template.milestones) != 100:
        raise InvalidTerms(f"{where}: milestone percentages must sum to 100", field="percent")
    for m in template.milestones:
        if m.trigger in PERIODIC and m.needs_acceptance_report:
            raise InvalidTerms(
                f"{where}: {m.name!r} is billed per period, not on the acceptance report",
                field="needs_acceptance_report",
            )
        if (m.trigger is Trigger.DATE) != (m.on_date is not None):
            raise InvalidTerms(
                f"{where}: {m.name!r} needs on_date exactly when its trigger is a date",
                field="on_date",
            )


def check_terms(terms: PaymentTerms) -> None:
    names = [t.name for t in terms.templates]
    if len(set(names)) != len(names):
        raise InvalidTerms("two templates share a name", field="templates")
    for template in terms.templates:
        check_template(template)
    for rating in CreditRating:
        if terms.credit.template_for.get(rating, "standard") not in names:
            raise InvalidTerms(
                f"credit rating {rating.value!r} points at a template that does not exist",
                field="template_for",
            )
    for n, plan in enumerate(terms.plans, 1):
        if plan.template not in names:
            raise InvalidTerms(
                f"plan rule {n} names template {plan.template!r}, which does not exist",
                field="plans",
            )
    check_rules(terms.dunning)
