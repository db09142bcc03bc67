"""Value objects shared by every aggregate: money, allocation, domain errors.

Money is a Decimal amount with an ISO-4217 currency. Amounts that a rule splits
(milestones, revenue allocation) go through `allocate`, which distributes by the
largest-remainder method so the parts always sum to the whole, to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Annotated

import msgspec

CurrencyCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Email = Annotated[str, msgspec.Meta(pattern=r"^$|^[^@\s]+@[^@\s]+$", max_length=320)]

# ISO 4217 minor units for the currencies we trade in; anything else has cents.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "KWD": 3, "BHD": 3}


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


class DomainError(Exception):
    """A command broke a business rule. `rule` names it; `field` points at the input."""

    rule: str = "domain_rule"

    def __init__(self, message: str, *, field: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


# The days any business date may fall on: a date outside is a typing error (9999-12-31,
# 0001-01-01), never a fact, and date arithmetic near the ends of the calendar fails.
EARLIEST_DAY = date(1990, 1, 1)
LATEST_DAY = date(2199, 12, 31)


class OutOfWindow(DomainError):
    rule = "date_out_of_window"


def check_day(day: date, field: str, *, earliest: date = EARLIEST_DAY,
              latest: date = LATEST_DAY) -> None:  # fmt: skip
    """`day` within [earliest, latest], or refused naming `field` and the window."""
    if not earliest <= day <= latest:
        raise OutOfWindow(
            f"{field} {day.isoformat()} is outside {earliest.isoformat()} to {latest.isoformat()}",
            field=field,
        )


class CurrencyMismatch(DomainError):
    rule = "currency_mismatch"


class InvalidNumber(DomainError):
    rule = "invalid_number"


def check_number(
    value: Decimal, field: str, *, positive: bool = False, at_most: Decimal = Decimal("1e12")
) -> None:
    """Refuse a number that is not finite, is negative (or zero, if `positive`), exceeds
    `at_most` or is finer than a millionth: decimals decoded from requests are unbounded."""
    if not value.is_finite():
        raise InvalidNumber(f"{field} must be a finite number", field=field)
    if value < 0 or (positive and value == 0):
        raise InvalidNumber(f"{field} must be {'above' if positive else 'at least'} 0", field=field)
    if value > at_most or value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise InvalidNumber(f"{field} must be at most {at_most:f}, to a millionth", field=field)


class Money(msgspec.Struct, frozen=True, kw_only=True):
    amount: Decimal
    currency: CurrencyCode

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(amount=Decimal(amount), currency=currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal(0), currency=currency)

    def rounded(self) -> Money:
        return Money(
            amount=self.amount.quantize(quantum(self.currency), rounding=ROUND_HALF_UP),
            currency=self.currency,
        )

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} with {other.currency}", field="currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def times(self, factor: Decimal) -> Money:
        return Money(amount=self.amount * factor, currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def total(amounts: Sequence[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def allocate(whole: Money, weights: Sequence[Decimal]) -> list[Money]:
    """Split `whole` in proportion to `weights`, rounded to the currency's minor unit.

    Largest remainder: every share is first rounded down, then the leftover minor
    units go one each to the shares with the largest remainders (ties to the
    earlier share), so the parts sum exactly to `whole` (rounded).
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    whole = whole.rounded()
    q = quantum(whole.currency)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    exact = [whole.amount * w / weight_sum for w in weights]
    floors = [e.quantize(q, rounding=ROUND_DOWN) for e in exact]
    leftover = int((whole.amount - sum(floors, Decimal(0))) / q)
    sign = 1 if leftover >= 0 else -1
    order = sorted(range(len(exact)), key=lambda i: (-(abs(exact[i] - floors[i])), i))
    for i in order[: abs(leftover)]:
        floors[i] += q * sign
    return [Money(amount=f, currency=whole.currency) for f in floors]
