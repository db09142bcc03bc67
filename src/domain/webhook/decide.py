"""`decide` for webhook subscriptions: a URL that can be posted to, kinds that exist."""

from __future__ import annotations

from typing import assert_never
from urllib.parse import urlsplit

from domain.shared import DomainError
from domain.webhook.commands import RegisterSubscription, RemoveSubscription, WebhookCommand
from domain.webhook.events import SubscriptionRegistered, SubscriptionRemoved, WebhookEvent
from domain.webhook.state import WebhookState


class InvalidSubscription(DomainError):
    rule = "invalid_subscription"


class SubscriptionNotFound(DomainError):
    rule = "not_found"


def decide(command: WebhookCommand, state: WebhookState) -> list[WebhookEvent]:
    match command:
        case RegisterSubscription(name=name, url=url, kinds=kinds, at=at):
            check_url(url)
            check_kinds(kinds, command.known_kinds)
            if state.active and (state.url, state.kinds) == (url, kinds):
                return []
            return [SubscriptionRegistered(name=name, url=url, kinds=kinds, at=at)]
        case RemoveSubscription(at=at):
            if not state.active:
                raise SubscriptionNotFound("no such subscription")
            return [SubscriptionRemoved(at=at)]
        case _:
            assert_never(command)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 2000:
        raise InvalidSubscription(f"{url!r} is not an http(s) URL", field="url")


def check_kinds(kinds: tuple[str, ...], known: frozenset[str]) -> None:
    if not kinds:
        raise InvalidSubscription("name at least one kind of fact", field="kinds")
    for i, kind in enumerate(kinds):
        if kind not in known:
            raise InvalidSubscription(
                f"{kind!r} is neither a kind of fact (e.g. OrderSigned) nor an aggregate "
                "(e.g. Order)", field=f"kinds[{i}]",
            )  # fmt: skip
