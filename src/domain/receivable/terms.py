"""Payment terms: milestone templates, the credit rules that choose them, dunning.

The standard template has three collection points: prepayment 30% on signing,
60% on shipment, 10% retention that may be collected only once the acceptance
report is uploaded and twelve months have passed. A customer with three on-time
payments in a row earns priority scheduling; one who pays late prepays more on
the next order. All of it is data the business publishes in the rulebook.
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


class MilestoneTerm(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    percent: Decimal  # of the contract amount: 0 < percent <= 100 (msgspec cannot bound Decimals)
    trigger: Trigger
    due_days: Days = 30  # payment is due this many days after the milestone is billable
    on_date: date | None = None  # for Trigger.DATE
    months_after: Annotated[int, msgspec.Meta(ge=0, le=120)] = 0  # for AFTER_ACCEPTANCE
    needs_acceptance_report: bool = False


class MilestoneTemplate(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    milestones: tuple[MilestoneTerm, ...]


class CreditRating(StrEnum):
    PRIORITY = "priority"  # paid on time repeatedly: scheduled first
    STANDARD = "standard"
    WATCH = "watch"  # paid late: prepays more on the next order


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
    credit: CreditRules = msgspec.field(default_factory=CreditRules)
    dunning: DunningRules = DEFAULT_DUNNING_RULES

    def template(self, rating: CreditRating) -> MilestoneTemplate:
        name = self.credit.template_for.get(rating, "standard")
        return next(t for t in self.templates if t.name == name)


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
    )
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
    check_rules(terms.dunning)
