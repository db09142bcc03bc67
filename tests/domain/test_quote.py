"""The catalogue's publications and the Quote aggregate, given/when/then."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from msgspec.structs import replace

from domain.cpq.catalogue import (
    Bundle,
    Component,
    CustomerTierSet,
    InvalidCatalogueEntry,
    PricingRules,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    QuantityLimit,
    RetireProduct,
    Selector,
    SetCustomerTier,
    UnknownProduct,
    ValidationRules,
)
from domain.cpq.pricing import LineRequest, QuoteRequest, price
from domain.cpq.quote import INITIAL as QUOTE_INITIAL
from domain.cpq.quote import (
    AcceptQuote,
    DraftQuote,
    InvalidQuote,
    QuoteAccepted,
    QuoteClosed,
    QuoteExpired,
    QuoteRevised,
    QuoteStatus,
    ReviseQuote,
    StaleRevision,
    Terms,
    WithdrawQuote,
    order_from_quote,
    order_id_for_quote,
)
from domain.cpq.quote import decide as quote_decide
from domain.cpq.quote import evolve as quote_evolve
from domain.order.commands import RecordUsage, SignOrder
from domain.order.events import LineKind
from domain.order.rules import DuplicateUsage, InvalidOrderLine, InvalidTransition
from domain.receivable.terms import CreditRating
from domain.shared import Money
from domain.testing import default_rulebook, order_spec
from domain.testing.cpq import EFFECTIVE, EXAMPLE_PRODUCTS, catalogue_spec, example_state
from domain.testing.spec import spec

given_catalogue = catalogue_spec
given = spec(quote_decide, quote_evolve, QUOTE_INITIAL)
CATALOGUE = example_state()
AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
TERMS = Terms(order_type="software", promised_delivery=date(2026, 4, 30),
              valid_until=date(2026, 3, 31))  # fmt: skip


def request(*codes_and_discounts: tuple[str, int]) -> QuoteRequest:
    lines = tuple(
        LineRequest(code=c, quantity=Decimal(1), discount_percent=Decimal(d))
        for c, d in codes_and_discounts
    )
    return QuoteRequest(customer_id="C-1", region="华东", currency="CNY", lines=lines)


def draft(req: QuoteRequest, at: datetime = AT) -> DraftQuote:
    return DraftQuote(
        number="Q-2026-001",
        customer_name="星海科技",
        salesperson="li",
        terms=TERMS,
        request=req,
        priced=price(CATALOGUE.on(at.date()), req),
        drafted_at=at,
    )


FIRST = draft(request(("HW-G3", 0), ("LIC-V3", 0)))
DRAFTED = given.run(FIRST)


# --- the catalogue --------------------------------------------------------------


def test_a_product_without_an_ssp_in_a_currency_it_is_sold_in_is_refused() -> None:
    product = replace(EXAMPLE_PRODUCTS[0], ssp={})
    given_catalogue().when(PublishProduct(product=product, effective_from=EFFECTIVE)).raises(
        InvalidCatalogueEntry, field="product.ssp"
    )


def test_only_subscriptions_and_maintenance_renew() -> None:
    product = replace(EXAMPLE_PRODUCTS[0], auto_renew=True)
    given_catalogue().when(PublishProduct(product=product, effective_from=EFFECTIVE)).raises(
        InvalidCatalogueEntry, field="product.auto_renew"
    )


def test_a_bundle_holds_products_sold_on_its_effective_day() -> None:
    bundle = Bundle(code="B", name="b", prices={"CNY": Decimal(1)}, components=(
        Component(product_code="HW-G3", quantity=Decimal(1)),
        Component(product_code="GHOST", quantity=Decimal(1))))  # fmt: skip
    history = catalogue_spec.run(
        *(PublishProduct(product=p, effective_from=EFFECTIVE) for p in EXAMPLE_PRODUCTS)
    )
    given_catalogue(*history).when(PublishBundle(bundle=bundle, effective_from=EFFECTIVE)).raises(
        UnknownProduct, field="bundle.components[1].product_code"
    )


def test_discount_limits_keep_approval_below_the_ceiling() -> None:
    limit = replace(CATALOGUE.on(EFFECTIVE).pricing_rules.discount_limits[0],
                    approve_above=Decimal(30))  # fmt: skip
    rules = PricingRules(discount_limits=(limit,))
    given_catalogue().when(PublishPricingRules(rules=rules, effective_from=EFFECTIVE)).raises(
        InvalidCatalogueEntry, field="rules.discount_limits[0]"
    )


def test_a_quantity_limit_has_its_maximum_above_its_minimum() -> None:
    rule = QuantityLimit(name="q", line=Selector(kind=LineKind.TRAINING),
                         minimum=Decimal(5), maximum=Decimal(2))  # fmt: skip
    command = PublishValidationRules(rules=ValidationRules(rules=(rule,)),
                                     effective_from=EFFECTIVE)  # fmt: skip
    given_catalogue().when(command).raises(InvalidCatalogueEntry, field="rules.rules[0]")


def test_setting_a_customers_tier_again_changes_nothing() -> None:
    set_tier = SetCustomerTier(customer_id="C-1", tier="key")
    given_catalogue().when(set_tier).then(
        CustomerTierSet(revision=1, customer_id="C-1", tier="key")
    )
    given_catalogue(*catalogue_spec.run(set_tier)).when(set_tier).then()


def test_publishing_a_product_as_it_stands_changes_nothing() -> None:
    product = EXAMPLE_PRODUCTS[0]
    publish = PublishProduct(product=product, effective_from=EFFECTIVE)
    published = catalogue_spec.run(publish)
    given_catalogue(*published).when(publish).then()
    later = PublishProduct(product=product, effective_from=date(2027, 1, 1))
    assert given_catalogue(*published).when(later).events()  # another day is a new publication
    dearer = replace(product, list_prices={c: p + 1 for c, p in product.list_prices.items()})
    assert given_catalogue(*published).when(replace(publish, product=dearer)).events()
    retire = RetireProduct(code=product.code, effective_from=EFFECTIVE)
    retired = catalogue_spec.run(publish, retire)
    assert given_catalogue(*retired).when(publish).events()  # published again after retiring


# --- quotes ---------------------------------------------------------------------


def test_a_revision_is_priced_afresh_and_numbered() -> None:
    req = request(("HW-G3", 5))
    revise = ReviseQuote(terms=TERMS, request=req, priced=price(CATALOGUE.on(AT.date()), req),
                         reason="customer dropped the licence", revised_at=AT)  # fmt: skip
    state = (
        given(*DRAFTED)
        .when(revise)
        .then(
            QuoteRevised(
                revision=2,
                terms=TERMS,
                request=req,
                priced=revise.priced,
                reason=revise.reason,
                revised_at=AT,
            )
        )
    )
    assert state.priced is not None
    assert state.priced.total == Money.of(76_000, "CNY")


def test_a_priced_total_that_is_not_the_sum_of_its_lines_is_refused() -> None:
    priced = replace(FIRST.priced, total=replace(FIRST.priced.total, amount=Decimal(1)))
    given().when(replace(FIRST, priced=priced)).raises(InvalidQuote, field="priced.total")


def test_the_customer_accepts_the_current_revision_before_it_expires() -> None:
    accept = AcceptQuote(revision=1, accepted_by="王总", accepted_at=AT)
    state = (
        given(*DRAFTED)
        .when(accept)
        .then(
            QuoteAccepted(
                revision=1,
                accepted_by="王总",
                accepted_at=AT,
                order_id=order_id_for_quote("Q-2026-001"),
            )
        )
    )
    assert state.status is QuoteStatus.ACCEPTED
    given(*DRAFTED).when(replace(accept, revision=2)).raises(StaleRevision, field="revision")
    late = replace(accept, accepted_at=datetime(2026, 4, 1, 9, tzinfo=UTC))
    given(*DRAFTED).when(late).raises(QuoteExpired, field="accepted_at")


def test_an_accepted_or_withdrawn_quote_is_closed() -> None:
    accepted = [*DRAFTED, *given.run(FIRST, AcceptQuote(revision=1, accepted_by="王总",
                                                         accepted_at=AT))[1:]]  # fmt: skip
    given(*accepted).when(WithdrawQuote(reason="lost", at=AT)).raises(QuoteClosed)
    withdrawn = given.run(FIRST, WithdrawQuote(reason="lost", at=AT))
    given(*withdrawn).when(AcceptQuote(revision=1, accepted_by="x", accepted_at=AT)).raises(
        QuoteClosed
    )


def test_the_order_is_the_accepted_revisions_priced_lines_exactly() -> None:
    req = request(("HW-G3", 15), ("LIC-V3", 0))  # 15 %: the sales director approves
    quote = given.fold(given.run(draft(req)))
    accept = AcceptQuote(revision=1, accepted_by="王总", accepted_at=AT)
    book = default_rulebook()
    assert book.approval is not None
    place = order_from_quote(
        quote,
        accept,
        route=book.routes["software"],
        approval_rules=book.approval,
        credit_rating=CreditRating.STANDARD,
    )
    assert quote.priced is not None
    assert place.lines == tuple(ln.order_line() for ln in quote.priced.lines)
    placed = order_spec.fold(order_spec.run(place))
    # 98,000 is below the amount thresholds; the discount alone calls for approval.
    assert placed.pending_approvals == ("sales_director",)
    assert place.quote is not None
    assert place.quote.catalogue_revision == CATALOGUE.version


def test_an_order_captured_from_graduated_seats_totals_the_quote_to_the_cent() -> None:
    seats = LineRequest(code="SAAS-USER", quantity=Decimal(120), term_start=date(2026, 4, 1),
                        term_months=12, discount_percent=Decimal(5))  # fmt: skip
    req = QuoteRequest(customer_id="C-1", region="华东", currency="CNY", lines=(seats,))
    quote = given.fold(given.run(draft(req)))
    accept = AcceptQuote(revision=1, accepted_by="王总", accepted_at=AT)
    book = default_rulebook()
    assert book.approval is not None
    assert quote.priced is not None
    place = order_from_quote(quote, accept, route=book.routes["software"],
                             approval_rules=book.approval,
                             credit_rating=CreditRating.STANDARD)  # fmt: skip
    placed = order_spec.fold(order_spec.run(place))
    (line,) = placed.lines
    assert (str(line.unit_price.amount), line.rounding) == ("1083.33", Money.of("0.40", "CNY"))
    assert line.net == Money.of(123_500, "CNY")  # 130,000 less 5 %
    assert placed.total == quote.priced.total == Money.of(123_500, "CNY")


def test_usage_is_reported_once_per_period_on_a_signed_order_and_accumulates() -> None:
    req = QuoteRequest(customer_id="C-1", region="华东", currency="CNY", lines=(
        LineRequest(code="HW-G3", quantity=Decimal(1)),
        LineRequest(code="API-CALLS", quantity=Decimal(500))))  # fmt: skip
    quote = given.fold(given.run(draft(req)))
    accept = AcceptQuote(revision=1, accepted_by="王总", accepted_at=AT)
    book = default_rulebook()
    assert book.approval is not None
    place = order_from_quote(quote, accept, route=book.routes["software"],
                             approval_rules=book.approval,
                             credit_rating=CreditRating.STANDARD)  # fmt: skip
    report = RecordUsage(line_id="L2", period="2026-04", quantity=Decimal(700),
                         charge=Money.of(400, "CNY"), pricing_revision=1,
                         reported_at=datetime(2026, 5, 1, tzinfo=UTC))  # fmt: skip
    placed = order_spec.run(place)
    order_spec(*placed).when(report).raises(InvalidTransition)  # not signed yet
    signed = order_spec.run(place, SignOrder(contract_number="HT-1", signed_at=AT))
    order_spec(*signed).when(replace(report, line_id="L1")).raises(
        InvalidOrderLine, field="line_id"
    )
    after = order_spec(*signed).when(report).state()
    assert after.usage == {"L2": Decimal(700)}
    reported = order_spec.run(place, SignOrder(contract_number="HT-1", signed_at=AT), report)
    order_spec(*reported).when(report).raises(DuplicateUsage, field="period")
    may = replace(report, period="2026-05", quantity=Decimal(100))
    assert order_spec(*reported).when(may).state().usage == {"L2": Decimal(800)}
