"""Who may approve: the positions list (who holds which position, by region and
product line where it matters) read from the rulebook, handed to the order's rules.

An approval or rejection is given by the user whose token the request carries, in
the position named (or the one the order waits for next); the order's own rules
refuse it from anyone not holding that position for the order's region and
product lines, from the order's salesperson and from someone who approved it
already - so no token of any role signs an order past its approvals by naming
a position it does not hold.
"""

from __future__ import annotations

from uuid import UUID

from litestar.exceptions import NotFoundException

from api.commanding import Req, acting_user
from api.order_dto import ApproveIn, RejectIn
from api.runtime import Runtime
from domain.deciders import ORDER, RULEBOOK
from domain.order.commands import ApproveOrder, RejectOrder
from domain.order.rules import ApprovalNotExpected, NotAuthorised
from domain.rulebook import RULEBOOK_ID, Authority


def authority(runtime: Runtime, user: str, position: str) -> Authority | None:
    """The user's holdings of `position` in the positions list in force."""
    positions = runtime.service.load(RULEBOOK, RULEBOOK_ID).positions
    if positions is None:
        return None
    return Authority(positions_version=positions.version,
                     holdings=positions.holding(user, position))  # fmt: skip


def _position(runtime: Runtime, order_id: UUID, named: str | None) -> str:
    """The position named, or the one the order waits for next."""
    if named is not None:
        return named
    state = runtime.service.load(ORDER, order_id)
    if not state.exists:
        raise NotFoundException(f"no order {order_id}")
    if not state.pending_approvals:
        raise ApprovalNotExpected("no approval is pending", field="role")
    return state.pending_approvals[0]


def _approver(request: Req, named: str | None) -> str:
    user = acting_user(request)
    if named is not None and named != user:
        raise NotAuthorised(f"you approve as yourself ({user}), not as {named}; ask {named} "
                            "to approve", field="approver")  # fmt: skip
    return user


def approval(request: Req, runtime: Runtime, order_id: UUID, data: ApproveIn) -> ApproveOrder:
    role = _position(runtime, order_id, data.role)
    user = _approver(request, data.approver)
    return ApproveOrder(role=role, approver=user, at=data.at,
                        authority=authority(runtime, user, role))  # fmt: skip


def rejection(request: Req, runtime: Runtime, order_id: UUID, data: RejectIn) -> RejectOrder:
    role = _position(runtime, order_id, data.role)
    user = _approver(request, data.approver)
    return RejectOrder(role=role, approver=user, reason=data.reason, at=data.at,
                       authority=authority(runtime, user, role))  # fmt: skip
