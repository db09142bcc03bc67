"""`decide` for shop-floor links: issued once for a bounded time, usable until it
expires or is revoked, each use a fact."""

from __future__ import annotations

from datetime import timedelta
from typing import assert_never

from domain.shared import DomainError
from domain.shop_floor_link.commands import IssueLink, LinkCommand, RevokeLink, UseLink
from domain.shop_floor_link.events import LinkEvent, LinkIssued, LinkRevoked, LinkUsed
from domain.shop_floor_link.state import LinkState

LONGEST = timedelta(days=366)


class InvalidLink(DomainError):
    rule = "invalid_link"


class LinkNotFound(DomainError):
    rule = "not_found"


class LinkGone(DomainError):
    """Revoked or expired: the tablet is told so, and gets nothing."""

    rule = "link_gone"


def decide(command: LinkCommand, state: LinkState) -> list[LinkEvent]:
    match command:
        case IssueLink(document_id=document_id, expires_at=expires, at=at):
            if state.version:
                raise InvalidLink("this link was issued already", field="link_id")
            if not at < expires <= at + LONGEST:
                raise InvalidLink("a link expires after it is issued and within a year",
                                  field="valid_days")  # fmt: skip
            return [LinkIssued(document_id=document_id, expires_at=expires,
                               issued_by=command.issued_by, note=command.note, at=at)]  # fmt: skip
        case UseLink(document_id=document_id, label=label, client=client, at=at):
            _usable(state, document_id)
            assert state.expires_at is not None
            if at >= state.expires_at:
                raise LinkGone(f"this link expired at {state.expires_at.isoformat()}")
            return [LinkUsed(label=label, client=client, at=at)]
        case RevokeLink(by=by, reason=reason, at=at):
            if not state.version:
                raise LinkNotFound("no such link")
            if state.revoked:
                return []
            return [LinkRevoked(by=by, reason=reason, at=at)]
        case _:
            assert_never(command)


def _usable(state: LinkState, document_id: object) -> None:
    if not state.version or state.document_id != document_id:
        raise LinkNotFound("no such link")
    if state.revoked:
        raise LinkGone("this link was revoked")
