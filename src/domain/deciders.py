"""Every aggregate type of the domain, in one list.

A new aggregate is added here and nowhere else: the application service, the
mapper (which event types may be stored), the outbox and the specs all read
`DECIDERS`.
"""

from __future__ import annotations

from typing import Any

from domain import (
    customer,
    customer_credit,
    directory,
    document_version,
    dunning,
    order,
    order_alert,
    personal,
    receivable,
    revenue,
    revenue_periods,
    rulebook,
    shop_floor_link,
    stock,
    task,
    webhook,
)
from domain.cpq import catalogue, quote
from domain.decider import Decider, topic_of
from domain.envelope import CommandHandled

ORDER = order.DECIDER
DOCUMENT = document_version.DECIDER
TASK = task.DECIDER
RECEIVABLE = receivable.DECIDER
CUSTOMER_CREDIT = customer_credit.DECIDER
CUSTOMER = customer.DECIDER
DUNNING = dunning.DECIDER
DIRECTORY = directory.DECIDER
ORDER_ALERT = order_alert.DECIDER
STOCK = stock.DECIDER
DATA_SUBJECT = personal.DECIDER
REVENUE_CONTRACT = revenue.DECIDER
REVENUE_PERIODS = revenue_periods.DECIDER
CATALOGUE = catalogue.DECIDER
QUOTE = quote.DECIDER
RULEBOOK = rulebook.DECIDER
WEBHOOK = webhook.DECIDER
SHOP_FLOOR_LINK = shop_floor_link.DECIDER

DECIDERS: tuple[Decider[Any, Any, Any], ...] = (
    ORDER, DOCUMENT, TASK, RECEIVABLE, CUSTOMER_CREDIT, CUSTOMER, DUNNING, DIRECTORY,
    ORDER_ALERT, STOCK, DATA_SUBJECT, REVENUE_CONTRACT, REVENUE_PERIODS, CATALOGUE, QUOTE,
    RULEBOOK, WEBHOOK, SHOP_FLOOR_LINK,
)  # fmt: skip


def _by_topic() -> dict[str, Decider[Any, Any, Any]]:
    found: dict[str, Decider[Any, Any, Any]] = {}
    for decider in DECIDERS:
        for event_type in decider.event_types():
            topic = topic_of(event_type)
            if topic in found:
                raise TypeError(f"two event types share the topic {topic!r}")
            found[topic] = decider
    return found


# Which aggregate type a stream is, by the topic of any of its events.
DECIDER_BY_TOPIC: dict[str, Decider[Any, Any, Any]] = _by_topic()

# Every type the log may hold, by topic: the aggregates' events and command records.
EVENT_TYPES: dict[str, type[Any]] = {
    **{topic_of(t): t for decider in DECIDERS for t in decider.event_types()},
    topic_of(CommandHandled): CommandHandled,
}
