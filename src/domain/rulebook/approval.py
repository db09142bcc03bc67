"""Approval thresholds: which roles approve an order of a given total."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from domain.rulebook.routes import NonEmpty
from domain.shared import Money


class ApprovalStep(msgspec.Struct, frozen=True, kw_only=True):
    """Orders whose total is strictly above `above` need `role` to approve."""

    above: Decimal
    role: NonEmpty


class ApprovalRules(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    steps_by_currency: dict[str, tuple[ApprovalStep, ...]]

    def required_roles(self, amount: Money) -> tuple[str, ...]:
        """Roles that must approve, in the order they approve.

        A currency without thresholds needs every role any currency knows:
        an unknown amount gets the strictest review, never none.
        """
        steps = self.steps_by_currency.get(amount.currency)
        if steps is None:
            roles: list[str] = []
            for currency_steps in self.steps_by_currency.values():
                for step in sorted(currency_steps, key=lambda s: s.above):
                    if step.role not in roles:
                        roles.append(step.role)
            return tuple(roles)
        ordered = sorted(steps, key=lambda s: s.above)
        return tuple(s.role for s in ordered if amount.amount > s.above)
