"""What an order says about its own revenue: bundles, residual lines, discounts, and
finance's classification of a change order. Captured with the order, used by its
revenue contract."""

from __future__ import annotations

from collections.abc import Collection

import msgspec

from domain.revenue.allocation import DiscountRule
from domain.revenue.modification import Treatment
from domain.revenue.progress import Satisfaction
from domain.shared import Name, Text


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


class Classification(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Finance's treatment of a change order, overriding the rules, and why."""

    treatment: Treatment
    reason: Text
