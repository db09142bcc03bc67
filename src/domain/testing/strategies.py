"""Hypothesis strategies for values the model accepts, and for any msgspec Struct."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal
from typing import Any, TypeVar

import msgspec.inspect as mi
from hypothesis import strategies as st

from domain.order.commands import PlaceOrder
from domain.order.events import TIME_BASED_KINDS, Channel, LineKind, OrderLine
from domain.shared import Money, minor_units, quantum
from domain.testing.spec import default_rulebook

T = TypeVar("T")

CURRENCIES = ("CNY", "USD", "EUR", "JPY", "KWD")
_EPOCH = datetime(2000, 1, 1)  # noqa: DTZ001 - hypothesis takes naive bounds
_END = datetime(2099, 12, 31)  # noqa: DTZ001
# The widest range whose UTC instant stays inside datetime's range in any offset.
_FIRST, _LAST = datetime(1, 1, 2), datetime(9999, 12, 30)  # noqa: DTZ001
# Whole quarter hours cover every UTC offset in use; RFC 3339 cannot write seconds.
OFFSETS = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 -]{0,11}", fullmatch=True)


def aware_datetimes(
    min_value: datetime = _EPOCH, max_value: datetime = _END
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes, in fixed UTC offsets of whole quarter hours.

    `min_value`/`max_value` are naive, read in each drawn offset."""
    return st.datetimes(min_value, max_value, timezones=OFFSETS)


def money(
    currency: str, *, min_value: Decimal | int = 0, max_value: Decimal | int = 1_000_000
) -> st.SearchStrategy[Money]:
    """Money in `currency`, with exactly the currency's minor units."""
    amounts = st.decimals(min_value, max_value, places=minor_units(currency))
    return amounts.map(lambda a: Money(amount=a, currency=currency))


def percent_off(gross: Money, percent: int) -> Money:
    share = (gross.amount * percent / 100).quantize(quantum(gross.currency), ROUND_DOWN)
    return Money(amount=share, currency=gross.currency)


@st.composite
def _order_line(draw: st.DrawFn, currency: str, line_id: str) -> OrderLine:
    kind = draw(st.sampled_from(LineKind))
    quantity = draw(st.integers(1, 20).map(Decimal) | st.decimals("0.5", 20, places=1))
    unit_price = draw(money(currency, max_value=200_000))
    gross = unit_price.times(quantity).rounded()
    timed = kind in TIME_BASED_KINDS
    return OrderLine(
        line_id=line_id,
        product_code=draw(names),
        kind=kind,
        quantity=quantity,
        unit_price=unit_price,
        discount=percent_off(gross, draw(st.sampled_from((0, 5, 10, 100)))),
        standalone_selling_price=draw(money(currency, max_value=gross.amount + 1)),
        term_start=draw(st.dates(date(2000, 1, 1), date(2099, 1, 1))) if timed else None,
        term_months=draw(st.integers(1, 60)) if timed else None,
    )


@st.composite
def order_lines(
    draw: st.DrawFn, currency: str, *, min_size: int = 1, max_size: int = 4, prefix: str = "L"
) -> tuple[OrderLine, ...]:
    """Valid lines in `currency`, with unique ids `{prefix}1`, `{prefix}2`, ..."""
    size = draw(st.integers(min_size, max_size))
    return tuple(draw(_order_line(currency, f"{prefix}{i}")) for i in range(1, size + 1))


@st.composite
def place_order_commands(
    draw: st.DrawFn, placed_at: st.SearchStrategy[datetime] | None = None
) -> PlaceOrder:
    """A PlaceOrder the default rulebook accepts: any order type, channel and
    currency (mostly CNY, so the approval thresholds are reached)."""
    book = default_rulebook()
    assert book.approval is not None
    order_type = draw(st.sampled_from(sorted(book.routes)))
    currency = draw(st.just("CNY") | st.sampled_from(CURRENCIES))
    at = draw(placed_at or aware_datetimes())
    return PlaceOrder(
        order_type=order_type,
        channel=draw(st.sampled_from(Channel)),
        external_ref=draw(names),
        customer_id=draw(names),
        customer_name=draw(names),
        region=draw(names),
        salesperson=draw(names),
        currency=currency,
        promised_delivery=at.date() + timedelta(days=draw(st.integers(0, 365))),
        lines=draw(order_lines(currency)),
        placed_at=at,
        route=book.routes[order_type],
        approval_rules=book.approval,
    )


def structs(cls: type[T]) -> st.SearchStrategy[T]:
    """Any instance of the msgspec Struct `cls` that its decoder accepts: lengths,
    patterns, bounds and `tz=True` are honoured. For encode/decode round trips;
    the values need not make business sense."""
    return _from_info(mi.type_info(cls))


def _from_info(t: mi.Type) -> st.SearchStrategy[Any]:
    match t:
        case mi.Metadata():  # a described type: its description does not constrain it
            return _from_info(t.type)
        case mi.StructType():
            return st.builds(t.cls, **{f.name: _from_info(f.type) for f in t.fields})
        case mi.StrType(pattern=str(pattern)):
            return st.from_regex(pattern)
        case mi.StrType():
            return st.text(min_size=t.min_length or 0, max_size=min(t.max_length or 30, 30))
        case mi.IntType():
            low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else None)
            high = t.le if t.le is not None else (t.lt - 1 if t.lt is not None else None)
            return st.integers(min_value=low, max_value=high)
        case mi.DecimalType():
            return st.decimals(allow_nan=False, allow_infinity=False)
        case mi.DateTimeType():
            return aware_datetimes(_FIRST, _LAST)
        case mi.DateType():
            return st.dates()
        case mi.UUIDType():
            return st.uuids()
        case mi.EnumType():
            return st.sampled_from(t.cls)
        case mi.BoolType():
            return st.booleans()
        case mi.NoneType():
            return st.none()
        case mi.UnionType():
            return st.one_of([_from_info(u) for u in t.types])
        case mi.VarTupleType() | mi.ListType():
            items = st.lists(_from_info(t.item_type), min_size=t.min_length or 0, max_size=3)
            return items.map(tuple) if isinstance(t, mi.VarTupleType) else items
        case mi.DictType():
            return st.dictionaries(_from_info(t.key_type), _from_info(t.value_type), max_size=3)
    raise TypeError(f"no strategy for {t!r}")
