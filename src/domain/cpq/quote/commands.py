"""Quote commands: intentions, checked by `decide`.

The application service prices the request against the catalogue in force and
puts the result on the command, so `decide` stays pure.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.cpq.pricing import PricedQuote, QuoteRequest
from domain.cpq.quote.events import Renews, Terms
from domain.shared import AwareDatetime, Name, Text

_QUOTES_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:quotes")


def quote_id_for(number: str) -> UUID:
    return uuid5(_QUOTES_NAMESPACE, number)


class DraftQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    number: Name
    customer_name: Name
    salesperson: Name
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    drafted_at: AwareDatetime
    renews: Renews | None = None


class ReviseQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    reason: Text
    revised_at: AwareDatetime


class AcceptQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    accepted_by: Name
    accepted_at: AwareDatetime


class WithdrawQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


QuoteCommand = DraftQuote | ReviseQuote | AcceptQuote | WithdrawQuote
