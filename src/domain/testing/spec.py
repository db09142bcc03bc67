"""Given/when/then for any pure decider (after Emmett's DeciderSpecification)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import msgspec

from domain import deciders, rulebook
from domain.decider import Decider
from domain.rulebook import RulebookState
from domain.shared import DomainError

C = TypeVar("C")
S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E")
X = TypeVar("X", bound=DomainError)


@dataclass(frozen=True)
class Spec(Generic[C, S, E]):
    """A decider under test. Call it with past events: `spec(e1, e2).when(cmd)...`."""

    decide: Callable[[C, S], list[E]]
    evolve: Callable[[S, E], S]
    initial: S

    def __call__(self, *history: E) -> Given[C, S, E]:
        return Given(self, history)

    def fold(self, events: Iterable[E]) -> S:
        """The state after `events`, starting from the initial state."""
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return state

    def run(self, *commands: C) -> list[E]:
        """The events the decider emits for `commands`, each decided on the state
        the previous ones left. Handy for building `given` histories."""
        state, events = self.initial, []
        for command in commands:
            for event in self.decide(command, state):
                state = self.evolve(state, event)
                events.append(event)
        return events


@dataclass(frozen=True)
class Given(Generic[C, S, E]):
    spec: Spec[C, S, E]
    history: tuple[E, ...]

    @property
    def state(self) -> S:
        return self.spec.fold(self.history)

    def when(self, command: C) -> When[C, S, E]:
        return When(self, command)


@dataclass(frozen=True)
class When(Generic[C, S, E]):
    given: Given[C, S, E]
    command: C

    def events(self) -> list[E]:
        """What the decider emits (or the domain error it raises)."""
        return self.given.spec.decide(self.command, self.given.state)

    def then(self, *expected: E) -> S:
        """Assert exactly `expected` is emitted; return the state afterwards."""
        actual = self.events()
        assert actual == list(expected), f"expected {list(expected)!r}\n     got {actual!r}"
        return self.given.spec.fold((*self.given.history, *actual))

    def state(self) -> S:
        """The state after the command's events, for assertions on derived facts."""
        return self.given.spec.fold((*self.given.history, *self.events()))

    def raises(self, error: type[X], *, field: str | None = None) -> X:
        """Assert the command is refused with `error` (and `field`, if given)."""
        try:
            emitted = self.events()
        except DomainError as e:
            if not isinstance(e, error):
                msg = f"expected {error.__name__}, got {type(e).__name__}: {e}"
                raise AssertionError(msg) from e
            if field is not None and e.field != field:
                raise AssertionError(f"{error.__name__} on field {e.field!r}, not {field!r}") from e
            return e
        raise AssertionError(f"expected {error.__name__}, but the decider emitted {emitted!r}")


def spec(
    decide: Callable[[C, S], list[E]], evolve: Callable[[S, E], S], initial: S
) -> Spec[C, S, E]:
    """A given/when/then helper for any pure decider."""
    return Spec(decide, evolve, initial)


def spec_of(decider: Decider[C, S, E]) -> Spec[C, S, E]:
    """The given/when/then helper of an aggregate type."""
    return Spec(decider.decide, decider.evolve, decider.initial)


order_spec = spec_of(deciders.ORDER)
document_spec = spec_of(deciders.DOCUMENT)
rulebook_spec = spec_of(deciders.RULEBOOK)
receivable_spec = spec_of(deciders.RECEIVABLE)
credit_spec = spec_of(deciders.CUSTOMER_CREDIT)
dunning_spec = spec_of(deciders.DUNNING)
alert_spec = spec_of(deciders.ORDER_ALERT)
revenue_spec = spec_of(deciders.REVENUE_CONTRACT)
periods_spec = spec_of(deciders.REVENUE_PERIODS)


def default_rulebook() -> RulebookState:
    """The rulebook a new installation starts with (`default_publications`, folded)."""
    return rulebook_spec.fold(rulebook_spec.run(*rulebook.default_publications()))
