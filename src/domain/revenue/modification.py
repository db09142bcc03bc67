"""Contract changes: which of the three treatments ASC 606 gives a change order.

606-10-25-12: distinct goods added at their standalone selling prices are a
separate contract. 606-10-25-13(a): otherwise, if what remains to deliver is
distinct from what was delivered, the change is prospective (the old contract
ends, a new one begins). 606-10-25-13(b): if not, it is part of the existing
contract and caught up at once. The rule decides; finance may override it with
a recorded reason (the contract aggregate keeps both).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec

from domain.contract_terms import Treatment
from domain.shared import Money


class AddedGoods(msgspec.Struct, frozen=True, kw_only=True):
    obligation_id: str
    ssp: Money
    price: Money
    distinct: bool = True


def classify(
    added: Sequence[AddedGoods],
    price_change_on_existing: Money,
    remaining_distinct: bool,
    ssp_tolerance: Decimal = Decimal(0),
) -> Treatment:
    """The treatment the rules give a change (`ssp_tolerance`: a fraction of SSP)."""
    at_ssp = all(abs(g.price.amount - g.ssp.amount) <= g.ssp.amount * ssp_tolerance for g in added)
    if added and all(g.distinct for g in added) and at_ssp and price_change_on_existing.amount == 0:
        return Treatment.SEPARATE_CONTRACT
    if remaining_distinct:
        return Treatment.PROSPECTIVE
    return Treatment.CUMULATIVE_CATCH_UP
