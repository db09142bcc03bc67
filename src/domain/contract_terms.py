"""What an order says about how its revenue is earned: plain value types.

The order captures them with its lines; its revenue contract (`domain.revenue`)
applies them. Each line's satisfaction pattern (how control passes), the bundles
of lines that are not distinct, the lines valued by the residual approach, the
discounts that belong to some obligations only, and finance's treatment of a
change order. They hold no revenue maths, so the order needs nothing of it.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from enum import StrEnum

import msgspec

from domain.shared import Money, Name, Text

_ZERO = Decimal(0)
_ONE = Decimal(1)


# -- how an obligation is satisfied ----------------------------------------------


class Pattern(StrEnum):
    POINT_IN_TIME = "point_in_time"
    RATABLE = "ratable"
    INPUT_METHOD = "input_method"
    MILESTONES = "milestones"


class Trigger(StrEnum):
    """The fulfilment fact that transfers control, for point-in-time obligations."""

    SHIPMENT = "shipment"
    ACCEPTANCE = "acceptance"
    LICENCE_AVAILABLE = "licence_available"
    TRAINING_DELIVERED = "training_delivered"


class Milestone(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    milestone_id: str
    share: Decimal  # of the obligation; an obligation's milestones add up to 1


class Satisfaction(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pattern: Pattern
    trigger: Trigger | None = None  # point in time only
    milestones: tuple[Milestone, ...] = ()  # milestones only

    def problem(self, *, has_term: bool) -> str | None:
        """What makes this pattern unusable for a line (with a service term or not)."""
        if self.pattern is Pattern.POINT_IN_TIME and self.trigger is None:
            return "a point-in-time obligation needs its trigger"
        shares = [m.share for m in self.milestones]
        if self.pattern is Pattern.MILESTONES and (
            not shares or any(not _ZERO < s <= _ONE for s in shares) or sum(shares, _ZERO) != _ONE
        ):
            return "milestone shares must each be above 0 and add up to 1"
        if self.pattern is Pattern.RATABLE and not has_term:
            return "a ratable obligation needs a service term"
        return None


# -- what the order says about its obligations -----------------------------------


class DiscountRule(msgspec.Struct, frozen=True, kw_only=True):
    """A discount that belongs to `obligations` only (606-10-32-37).

    `amount` None: the whole discount of the contract. An amount: an observable
    discount (the group regularly sells together for its SSPs less `amount`),
    which is what lets the residual approach follow a discount rule.
    """

    obligations: tuple[str, ...]
    amount: Money | None = None
    reason: str = ""


class Bundle(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Lines that are not distinct in this contract: one obligation."""

    obligation_id: Name
    line_ids: tuple[Name, ...]
    satisfaction: Satisfaction


class ContractTerms(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    bundles: tuple[Bundle, ...] = ()
    residual: tuple[Name, ...] = ()  # lines whose SSP is highly variable (residual approach)
    discounts: tuple[DiscountRule, ...] = ()  # discounts that belong to some obligations

    def problem(self, line_ids: Collection[str]) -> tuple[str, str] | None:
        """(what is wrong, where) if the terms name what the order does not have."""
        bundled = [i for b in self.bundles for i in b.line_ids]
        for n, bundle in enumerate(self.bundles):
            unknown = sorted(set(bundle.line_ids) - set(line_ids))
            if unknown or len(bundle.line_ids) < 2:
                return (f"a bundle joins two or more of the order's lines; unknown: {unknown}",
                        f"revenue_terms.bundles[{n}]")  # fmt: skip
        if len(bundled) != len(set(bundled)):
            return "a line is in two bundles", "revenue_terms.bundles"
        unknown = sorted(set(self.residual) - set(line_ids))
        if unknown:
            return f"no such lines: {unknown}", "revenue_terms.residual"
        obligations = {*line_ids, *(b.obligation_id for b in self.bundles)} - set(bundled)
        for n, rule in enumerate(self.discounts):
            unknown = sorted(set(rule.obligations) - obligations)
            if unknown or not rule.obligations:
                return (f"a discount rule names lines or bundles of the order; unknown: {unknown}",
                        f"revenue_terms.discounts[{n}]")  # fmt: skip
        return None


# -- a change order ---------------------------------------------------------------


# The three treatments of a change order; `domain.revenue.modification.classify` gives the rule's.
class Treatment(StrEnum):
    SEPARATE_CONTRACT = "separate_contract"
    PROSPECTIVE = "prospective"
    CUMULATIVE_CATCH_UP = "cumulative_catch_up"


class Classification(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Finance's treatment of a change order, overriding the rules, and why."""

    treatment: Treatment
    reason: Text
