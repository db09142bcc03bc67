"""Test kit for OrderHub deciders: given/when/then specs and hypothesis strategies.

Exported so that users can test their own rules against the real model::

    import hypothesis
    from domain.order.commands import AdvanceStage
    from domain.order.rules import StageSkipped
    from domain.testing import order_histories, order_spec, place_order_commands

    given = order_spec  # or spec(decide, evolve, initial) for any other decider

    def test_design_is_never_skipped():
        placed_and_signed = order_spec.run(place_order, sign_order)
        given(*placed_and_signed).when(
            AdvanceStage(to_stage=Stage.TESTING, at=now)
        ).raises(StageSkipped, field="to_stage")

    @hypothesis.given(order_histories())
    def test_every_history_replays(history): ...

The strategies produce only what the model accepts: money in a currency's minor
units, lines whose discount fits their gross, orders routed and priced by the
default rulebook, and histories the decider itself emitted, whose business
times never go backwards. `structs` builds any msgspec Struct its decoder
accepts, for encode/decode round trips.
"""

from domain.testing.histories import business_time, order_histories, valid_commands
from domain.testing.spec import (
    Given,
    Spec,
    When,
    default_rulebook,
    order_spec,
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
    "aware_datetimes",
    "business_time",
    "default_rulebook",
    "money",
    "order_histories",
    "order_lines",
    "order_spec",
    "place_order_commands",
    "rulebook_spec",
    "spec",
    "structs",
    "valid_commands",
]
