"""WebhookSubscription: an outward subscription an admin registers, so ERP, WMS and
finance software hear the order hub's facts (seed 004's unified order hub).

Delivery (signed, in order, at least once, replayable) is the outbox's: see
`projections.webhook_outbox` and `policies.webhook_delivery`.
"""

from domain.decider import Decider
from domain.webhook.commands import (
    RegisterSubscription,
    RemoveSubscription,
    WebhookCommand,
    subscription_id,
)
from domain.webhook.decide import InvalidSubscription, SubscriptionNotFound, decide
from domain.webhook.events import SubscriptionRegistered, SubscriptionRemoved, WebhookEvent
from domain.webhook.state import INITIAL, WebhookState, evolve

__all__ = [
    "DECIDER",
    "InvalidSubscription",
    "RegisterSubscription",
    "RemoveSubscription",
    "SubscriptionNotFound",
    "SubscriptionRegistered",
    "SubscriptionRemoved",
    "WebhookCommand",
    "WebhookEvent",
    "WebhookState",
    "subscription_id",
]

DECIDER: Decider[WebhookCommand, WebhookState, WebhookEvent] = Decider(
    name="WebhookSubscription",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=WebhookEvent,
    commands=WebhookCommand,
)
