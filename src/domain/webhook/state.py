"""Webhook subscription state and `evolve`."""

from __future__ import annotations

from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.webhook.events import SubscriptionRegistered, SubscriptionRemoved, WebhookEvent


class WebhookState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    name: str = ""
    url: str = ""
    kinds: tuple[str, ...] = ()
    removed: bool = False

    @property
    def active(self) -> bool:
        return self.version > 0 and not self.removed


INITIAL = WebhookState()


def evolve(state: WebhookState, event: WebhookEvent) -> WebhookState:
    match event:
        case SubscriptionRegistered(name=name, url=url, kinds=kinds):
            new = replace(state, name=name, url=url, kinds=kinds, removed=False)
        case SubscriptionRemoved():
            new = replace(state, removed=True)
        case _:
            assert_never(event)
    return replace(new, version=state.version + 1)
