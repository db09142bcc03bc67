"""Whether an order can become a revenue contract, asked before it must.

A signed order is a contract (ASC 606 step 1), and signing must not leave it
without one: terms whose residual approach leaves nothing for a line, a discount
rule worth more than its group, or a ratable line without a service term would
have the identification refused. Capture asks first (and refuses such an order,
naming the field of its terms); the revenue policy asks again at signing, since
finance may have changed the patterns in between, and hands finance a task when
the answer is no.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain.contract_terms import ContractTerms, Satisfaction
from domain.order.events import LineKind, OrderLine
from domain.revenue.commands import IdentifyContract
from domain.revenue.decide import decide
from domain.revenue.state import INITIAL
from domain.shared import DomainError


def contract_of(  # noqa: PLR0913 - what an identification is made of
    *,
    order_id: UUID,
    customer_id: str,
    contract_number: str,
    currency: str,
    signed_on: date,
    lines: Sequence[OrderLine],
    terms: ContractTerms,
    by_kind: dict[LineKind, Satisfaction],
    rules_version: int,
) -> IdentifyContract:
    """The identification an order's signing asks for, with the patterns in force."""
    return IdentifyContract(
        order_id=order_id, customer_id=customer_id, contract_number=contract_number,
        currency=currency, signed_on=signed_on, lines=tuple(lines), by_kind=by_kind,
        rules_version=rules_version, bundles=terms.bundles, residual=terms.residual,
        discounts=terms.discounts,
    )  # fmt: skip


def why_not(identify: IdentifyContract) -> DomainError | None:
    """What would refuse the identification, or None if a contract can be made."""
    try:
        decide(identify, INITIAL)
    except DomainError as error:
        return error
    return None


def terms_field(error: DomainError, terms: ContractTerms) -> str:
    """Where in an order's capture the refusal points: its revenue terms or its lines."""
    field = error.field or "revenue_terms"
    if field.startswith(("discounts", "bundles")):
        return f"revenue_terms.{field}"
    if field.startswith("obligations") and terms.residual:
        return "revenue_terms.residual"
    if field.startswith("lines"):
        return field
    return f"revenue_terms.{field}" if terms != ContractTerms() else "lines"
