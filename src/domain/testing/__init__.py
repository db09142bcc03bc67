"""Test kit for OrderHub deciders: given/when/then specs and hypothesis strategies.

Exported so that users can test their own rules against the real model::

    import hypothesis
    from domain.order.commands import AdvanceStage
    from domain.order.rules import InvalidTransition, OrderClosed
    from domain.stages import Stage
    from domain.testing import order_histories, order_spec, place_order_commands

    given = order_spec  # spec(decide, evolve, initial) makes one for any decider

    @hypothesis.given(place_order_commands())
    def test_an_unsigned_order_does_not_advance(place):
        advance = AdvanceStage(to_stage=Stage.SIGNED, at=place.placed_at)
        given(*order_spec.run(place)).when(advance).raises(InvalidTransition)

    @hypothesis.given(order_histories())
    def test_a_cancelled_order_stays_where_it_was(history):
        if order_spec.fold(history).cancelled:
            advance = AdvanceStage(to_stage=Stage.COMPLETED, at=...)
            given(*history).when(advance).raises(OrderClosed)

The strategies produce only what the model accepts: money in a currency's minor
units, lines whose discount fits their gross, orders routed and priced by the
default rulebook, and histories the decider itself emitted, whose business
times never go backwards. `structs` builds any msgspec Struct its decoder
accepts, for encode/decode round trips.
"""

from domain.testing.histories import business_time, later_than, order_histories, valid_commands
from domain.testing.spec import (
    Given,
    Spec,
    When,
    alert_spec,
    credit_spec,
    default_rulebook,
    document_spec,
    dunning_spec,
    order_spec,
    periods_spec,
    receivable_spec,
    revenue_spec,
    rulebook_spec,
    spec,
)
from domain.testing.strategies import (
    CURRENCIES,
    aware_datetimes,
    money,
    order_lines,
    place_order_commands,
    structs,
)

__all__ = [
    "CURRENCIES",
    "Given",
    "Spec",
    "When",
    "alert_spec",
    "aware_datetimes",
    "business_time",
    "credit_spec",
    "default_rulebook",
    "document_spec",
    "dunning_spec",
    "later_than",
    "money",
    "order_histories",
    "order_lines",
    "order_spec",
    "periods_spec",
    "place_order_commands",
    "receivable_spec",
    "revenue_spec",
    "rulebook_spec",
    "spec",
    "structs",
    "valid_commands",
]
