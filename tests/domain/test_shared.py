"""Money and allocation: exact decimal arithmetic in one currency, splits to the cent."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared import CurrencyMismatch, Money, allocate, minor_units, quantum, total
from domain.testing import CURRENCIES, money


def test_money_adds_and_subtracts_in_one_currency() -> None:
    assert Money.of("10.50", "CNY") + Money.of("0.25", "CNY") == Money.of("10.75", "CNY")
    assert Money.of("10.50", "CNY") - Money.of("11", "CNY") == Money.of("-0.50", "CNY")


@pytest.mark.parametrize("combine", [Money.__add__, Money.__sub__])
def test_money_in_different_currencies_does_not_combine(
    combine: Callable[[Money, Money], Money],
) -> None:
    with pytest.raises(CurrencyMismatch) as raised:
        combine(Money.of(1, "CNY"), Money.of(1, "USD"))
    assert raised.value.field == "currency"
    assert raised.value.rule == "currency_mismatch"


def test_money_multiplies_exactly_and_rounds_half_up_to_the_minor_unit() -> None:
    assert Money.of("33.335", "CNY").times(Decimal(3)) == Money.of("100.005", "CNY")
    assert Money.of("100.005", "CNY").rounded() == Money.of("100.01", "CNY")
    assert Money.of("-100.005", "CNY").rounded() == Money.of("-100.01", "CNY")


@pytest.mark.parametrize(("currency", "places"), [("CNY", 2), ("JPY", 0), ("KWD", 3), ("XYZ", 2)])
def test_each_currency_rounds_to_its_own_minor_unit(currency: str, places: int) -> None:
    assert minor_units(currency) == places
    assert quantum(currency) == Decimal(1).scaleb(-places)
    assert Money.of("2.5005", currency).rounded().amount.as_tuple().exponent == -places


def test_total_sums_in_the_given_currency() -> None:
    assert total([], "CNY") == Money.zero("CNY")
    assert total([Money.of(1, "CNY"), Money.of("2.5", "CNY")], "CNY") == Money.of("3.5", "CNY")
    with pytest.raises(CurrencyMismatch):
        total([Money.of(1, "USD")], "CNY")


def test_money_reads_as_amount_and_currency() -> None:
    assert str(Money.of("12.30", "CNY")) == "12.30 CNY"


# --- allocation -----------------------------------------------------------------------


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def test_a_contract_splits_thirty_sixty_ten() -> None:
    parts = allocate(cny("999.99"), [Decimal(30), Decimal(60), Decimal(10)])
    assert parts == [cny("300.00"), cny("599.99"), cny("100.00")]


def test_leftover_cents_go_to_the_largest_remainders_ties_to_the_earliest() -> None:
    assert allocate(cny("100"), [Decimal(1)] * 3) == [cny("33.34"), cny("33.33"), cny("33.33")]
    assert allocate(cny("0.05"), [Decimal(1)] * 3) == [cny("0.02"), cny("0.02"), cny("0.01")]


def test_the_whole_is_rounded_before_it_is_split() -> None:
    assert allocate(cny("10.005"), [Decimal(1), Decimal(1)]) == [cny("5.01"), cny("5.00")]


def test_all_zero_weights_split_evenly() -> None:
    assert allocate(cny("1"), [Decimal(0), Decimal(0)]) == [cny("0.50"), cny("0.50")]


def test_allocation_needs_weights_that_are_not_negative() -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        allocate(cny("1"), [])
    with pytest.raises(ValueError, match="not be negative"):
        allocate(cny("1"), [Decimal(1), Decimal(-1)])


weights = st.lists(
    st.decimals(0, 1_000_000, places=4) | st.integers(0, 100).map(Decimal), min_size=1, max_size=12
)


@st.composite
def wholes(draw: st.DrawFn) -> Money:
    currency = draw(st.sampled_from(CURRENCIES))
    amount = draw(money(currency, min_value=-(10**12), max_value=10**12))
    return draw(st.sampled_from([amount, amount.times(Decimal("1.0001"))]))  # off the grid too


@given(wholes(), weights)
def test_parts_sum_to_the_rounded_whole_each_within_a_minor_unit_of_its_share(
    whole: Money, shares: list[Decimal]
) -> None:
    parts = allocate(whole, shares)
    rounded = whole.rounded()
    assert len(parts) == len(shares)
    assert total(parts, whole.currency) == rounded
    if sum(shares) == 0:
        shares = [Decimal(1)] * len(shares)
    unit = quantum(whole.currency)
    with localcontext() as exact:
        exact.prec = 80
        for part, weight in zip(parts, shares, strict=True):
            assert part.currency == whole.currency
            assert part.amount == part.amount.quantize(unit)
            assert abs(part.amount - rounded.amount * weight / sum(shares)) < unit
