"""Webhook subscription commands. `known_kinds` (the stored fact kinds and aggregate
names the installation has) arrive on the command, so `decide` stays pure."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, Name


def subscription_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"orderhub:webhook-subscription:{name}")


class RegisterSubscription(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    name: Name
    url: str
    kinds: tuple[str, ...]
    at: AwareDatetime
    known_kinds: frozenset[str]


class RemoveSubscription(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    at: AwareDatetime


WebhookCommand = RegisterSubscription | RemoveSubscription
