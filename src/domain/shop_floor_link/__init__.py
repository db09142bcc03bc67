"""ShopFloorLink: a signed, read-only, expiring, revocable link to the current
confirmed version of one document, for a tablet on the shop floor with no login.

A scan opens `GET /shop-floor/{token}`: the token names the link and carries the
installation's MAC; the link's stream says for which document, until when, and
whether it was revoked; each use is recorded (`LinkUsed`, with the version handed
out), so an auditor sees who got which drawing when.
"""

from domain.decider import Decider
from domain.shop_floor_link.commands import IssueLink, LinkCommand, RevokeLink, UseLink
from domain.shop_floor_link.decide import InvalidLink, LinkGone, LinkNotFound, decide
from domain.shop_floor_link.events import LinkEvent, LinkIssued, LinkRevoked, LinkUsed
from domain.shop_floor_link.state import INITIAL, LinkState, evolve

__all__ = [
    "DECIDER",
    "InvalidLink",
    "IssueLink",
    "LinkCommand",
    "LinkEvent",
    "LinkGone",
    "LinkIssued",
    "LinkNotFound",
    "LinkRevoked",
    "LinkState",
    "LinkUsed",
    "RevokeLink",
    "UseLink",
]

DECIDER: Decider[LinkCommand, LinkState, LinkEvent] = Decider(
    name="ShopFloorLink",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=LinkEvent,
    commands=LinkCommand,
)
