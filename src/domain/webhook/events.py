"""Webhook subscription events: registered (what, where) and removed."""

from __future__ import annotations

import msgspec

from domain.shared import AwareDatetime, Name


class SubscriptionRegistered(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """An outward subscription: the facts of these kinds are posted to `url`, signed
    with the subscription's secret (derived from the installation's key, never stored)."""

    name: Name
    url: str
    kinds: tuple[str, ...]
    at: AwareDatetime


class SubscriptionRemoved(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    at: AwareDatetime


WebhookEvent = SubscriptionRegistered | SubscriptionRemoved
