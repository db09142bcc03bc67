"""Configure-price-quote properties over arbitrary catalogues, rule sets and requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st
from msgspec.structs import replace

from domain.cpq.catalogue import (
    CatalogueState,
    Excludes,
    Matches,
    PricingMode,
    PublishProduct,
    QuantityLimit,
    Requires,
    RetireProduct,
    Selector,
    TierTable,
    ValidationRule,
)
from domain.cpq.pricing import LineRequest, PricedQuote, QuoteRequest, price
from domain.cpq.quote import INITIAL as QUOTE_INITIAL
from domain.cpq.quote import (
    AcceptQuote,
    DraftQuote,
    QuoteAccepted,
    QuoteClosed,
    QuoteRevised,
    QuoteWithdrawn,
    ReviseQuote,
    Terms,
    WithdrawQuote,
    order_from_quote,
)
from domain.cpq.quote import decide as quote_decide
from domain.cpq.quote import evolve as quote_evolve
from domain.cpq.validation import ConfigurationRefused
from domain.order.events import TIME_BASED_KINDS
from domain.receivable.terms import CreditRating
from domain.shared import DomainError, Money, minor_units, quantum, total
from domain.testing import default_rulebook, order_spec
from domain.testing.cpq import (
    catalogue_spec,
    catalogues,
    example_catalogue,
    quote_requests,
    tiered_catalogues,
)
from domain.testing.spec import spec

ON = date(2026, 3, 1)
AT = datetime(2026, 3, 1, 10, tzinfo=UTC)
quote_spec = spec(quote_decide, quote_evolve, QUOTE_INITIAL)


@st.composite
def priced_or_refused(
    draw: st.DrawFn,
) -> tuple[CatalogueState, QuoteRequest, PricedQuote | ConfigurationRefused]:
    state = draw(catalogues())
    request = draw(quote_requests(state))
    try:
        return state, request, price(state.on(ON), request)
    except ConfigurationRefused as refused:
        return state, request, refused


def _matches(selector: Selector, code: str, state: CatalogueState) -> bool:
    kind = state.on(ON).products[code].product.kind
    return (not selector.product_code or selector.product_code == code) and (
        selector.kind is None or selector.kind == kind
    )


def _attribute(code: str, name: str, state: CatalogueState) -> str | None:
    return state.on(ON).products[code].product.attributes.get(name)


def _configured(request: QuoteRequest, state: CatalogueState) -> list[tuple[str, Decimal]]:
    """The (product, units) the rules judge: known products, and the components of the
    bundles sold in the request's currency and region."""
    view, lines = state.on(ON), []
    for wanted in request.lines:
        if wanted.code in view.bundles:
            bundle = view.bundles[wanted.code].bundle
            if request.currency in bundle.prices and (
                not bundle.regions or request.region in bundle.regions
            ):
                lines += [(c.product_code, c.quantity * wanted.quantity)
                          for c in bundle.components
                          if c.product_code in view.products]  # fmt: skip
        elif wanted.code in view.products:
            lines.append((wanted.code, wanted.quantity))
    return lines


def _broken(rule: ValidationRule, lines: list[tuple[str, Decimal]], state: CatalogueState) -> bool:
    """Whether the configuration breaks `rule`, worked out apart from the validator."""
    chosen = [i for i, (code, _) in enumerate(lines) if _matches(rule.line, code, state)]
    if not chosen:
        return False
    match rule:
        case Requires(needs=needs):
            return not any(_matches(needs, code, state) for code, _ in lines)
        case Excludes(other=other):
            return any(j != i and _matches(other, lines[j][0], state)
                       for i in chosen for j in range(len(lines)))  # fmt: skip
        case Matches():
            wanted = {_attribute(code, rule.other_attribute, state) for code, _ in lines
                      if _matches(rule.other, code, state)} - {None}  # fmt: skip
            return any(_attribute(lines[i][0], rule.attribute, state) not in wanted
                       for i in chosen)  # fmt: skip
        case QuantityLimit(minimum=low, maximum=high):
            units = sum((lines[i][1] for i in chosen), Decimal(0))
            return units < low or (high is not None and units > high)
    return False


@given(priced_or_refused())
def test_a_priced_quotes_total_is_the_sum_of_its_lines(case: tuple) -> None:  # type: ignore[type-arg]
    _, request, result = case
    assume(isinstance(result, PricedQuote))
    assert isinstance(result, PricedQuote)
    assert result.total == total([ln.net for ln in result.lines], request.currency)
    for line in result.lines:
        rounding = line.rounding or Money.zero(request.currency)
        assert line.gross == line.unit_price.times(line.quantity).rounded() + rounding
        assert _decimals(line.unit_price.amount) <= 2  # the example prices are in cents
        assert 0 <= line.discount.amount <= line.gross.amount
        if line.years:
            assert line.gross == total([y.charged for y in line.years], request.currency)


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _unit_by_unit(table: TierTable, list_price: Decimal, units: int, currency: str) -> Decimal:
    """The table's price of `units`, one unit at a time: unit k costs the price of the last
    band it lies above (graduated), or every unit that of the band `units` reaches (volume);
    below the first band, the list price."""
    bands = sorted(table.bands, key=lambda b: b.from_quantity)

    def at(k: int) -> Decimal:
        above = [b for b in bands if k > b.from_quantity]
        return above[-1].prices[currency] if above else list_price

    if table.mode is PricingMode.VOLUME:
        return units * at(units)
    return sum((at(k) for k in range(1, units + 1)), Decimal(0))


@given(tiered_catalogues(), st.integers(1, 400))
def test_a_tiered_line_totals_its_tiers_rounded_once_at_a_unit_price_of_catalogue_precision(
    case: tuple[CatalogueState, str], units: int
) -> None:
    state, currency = case
    view = state.on(ON)
    product, table = view.products["T"].product, view.pricing_rules.table("T")
    assert table is not None
    wanted = LineRequest(code="T", quantity=Decimal(units))
    request = QuoteRequest(customer_id="C1", region="north", currency=currency, lines=(wanted,))
    priced = price(view, request)
    (line,) = priced.lines
    exact = _unit_by_unit(table, product.list_prices[currency], units, currency)
    assert line.gross == Money(amount=exact, currency=currency).rounded()
    assert sum((t.price.amount * t.units for t in line.tiers), Decimal(0)) == exact
    prices = [product.list_prices[currency], *(b.prices[currency] for b in table.bands)]
    catalogue = max(minor_units(currency), *(_decimals(p.normalize()) for p in prices))
    assert _decimals(line.unit_price.amount) <= catalogue
    rounding = line.rounding or Money.zero(currency)
    assert line.gross == line.unit_price.times(line.quantity).rounded() + rounding
    assert abs(rounding.amount) <= (units + 1) * quantum(currency) / 2
    # The order captured from it charges exactly what the quote says.
    terms = Terms(order_type="software", promised_delivery=date(2026, 6, 1),
                  valid_until=date(2026, 3, 31))  # fmt: skip
    accept = AcceptQuote(revision=1, accepted_by="buyer", accepted_at=AT)
    quote = quote_spec.fold(quote_spec.run(DraftQuote(
        number="Q-1", customer_name="c", salesperson="s", terms=terms, request=request,
        priced=priced, drafted_at=AT), accept))  # fmt: skip
    book = default_rulebook()
    assert book.approval is not None
    place = order_from_quote(
        quote,
        accept,
        route=book.routes["software"],
        approval_rules=book.approval,
        credit_rating=CreditRating.STANDARD,
    )
    assert order_spec.fold(order_spec.run(place)).total == priced.total == line.gross


@given(priced_or_refused())
def test_any_quote_the_validator_accepts_satisfies_every_rule(case: tuple) -> None:  # type: ignore[type-arg]
    state, request, result = case
    assume(isinstance(result, PricedQuote))
    assert isinstance(result, PricedQuote)
    view, lines = state.on(ON), result.lines
    for line in lines:
        product = view.products[line.product_code].product
        assert request.currency in product.list_prices
        assert not product.regions or request.region in product.regions
        assert (line.term_months is not None) == (product.kind in TIME_BASED_KINDS)
    for rule in view.validation_rules.rules:
        chosen = [ln for ln in lines if _matches(rule.line, ln.product_code, state)]
        match rule:
            case Requires(needs=needs):
                assert not chosen or any(_matches(needs, ln.product_code, state) for ln in lines)
            case Excludes(other=other):
                assert not any(
                    b.line_id != a.line_id and _matches(other, b.product_code, state)
                    for a in chosen
                    for b in lines
                )
            case Matches():
                wanted = {_attribute(ln.product_code, rule.other_attribute, state) for ln in lines
                          if _matches(rule.other, ln.product_code, state)}  # fmt: skip
                assert all(_attribute(ln.product_code, rule.attribute, state) in wanted - {None}
                           for ln in chosen)  # fmt: skip
            case QuantityLimit(minimum=low, maximum=high):
                units = sum((ln.quantity for ln in chosen), Decimal(0))
                assert not chosen or (low <= units and (high is None or units <= high))
    limits = view.pricing_rules
    for wanted in request.lines:
        limit = limits.limit(view.tier_of(request.customer_id))
        assert limit is None or wanted.discount_percent <= limit.ceiling


@given(priced_or_refused())
def test_a_refusal_names_exactly_the_rules_that_are_broken(case: tuple) -> None:  # type: ignore[type-arg]
    state, request, result = case
    assume(isinstance(result, ConfigurationRefused))
    assert isinstance(result, ConfigurationRefused)
    rules = {r.name: r for r in state.on(ON).validation_rules.rules}
    for violation in result.violations:
        assert violation.field.startswith("lines[")
        assert violation.rule in rules or violation.rule in {
            "unknown_product", "currency_unavailable", "region_unavailable", "usage_unpriced",
            "term_required", "term_not_applicable", "discount_ceiling", "bundle_above_parts",
        }  # fmt: skip
    lines = _configured(request, state)
    named = {v.rule for v in result.violations if v.rule in rules}
    assert named == {name for name, rule in rules.items() if _broken(rule, lines, state)}


@given(priced_or_refused(), st.lists(st.integers(0, 10**6), max_size=4), st.data())
def test_repricing_an_accepted_quote_after_catalogue_changes_never_changes_the_order(
    case: tuple,  # type: ignore[type-arg]
    seeds: list[int],
    data: st.DataObject,
) -> None:
    state, request, result = case
    assume(isinstance(result, PricedQuote))
    assert isinstance(result, PricedQuote)
    terms = Terms(order_type="software", promised_delivery=date(2026, 6, 1),
                  valid_until=date(2026, 3, 31))  # fmt: skip
    draft = DraftQuote(number="Q-1", customer_name="c", salesperson="s", terms=terms,
                       request=request, priced=result, drafted_at=AT)  # fmt: skip
    accept = AcceptQuote(revision=1, accepted_by="buyer", accepted_at=AT)
    history = quote_spec.run(draft, accept)
    book = default_rulebook()
    assert book.approval is not None

    def the_order() -> object:
        place = order_from_quote(quote_spec.fold(history), accept, route=book.routes["software"],
                                 approval_rules=book.approval,  # type: ignore[arg-type]
                                 credit_rating=CreditRating.STANDARD)  # fmt: skip
        try:
            return order_spec.fold(order_spec.run(place))
        except DomainError as refused:  # the default rulebook's own checks
            return type(refused)

    before = the_order()
    # The catalogue moves on: prices change, products retire, from the quote's day on.
    changed = state
    for seed in seeds:
        code = data.draw(st.sampled_from(sorted(changed.products)))
        published = changed.on(ON).products.get(code)
        command: PublishProduct | RetireProduct = RetireProduct(code=code, effective_from=ON)
        if published is not None and seed % 2:
            dearer = {c: p + seed % 1000 for c, p in published.product.list_prices.items()}
            product = replace(published.product, list_prices=dearer)
            command = PublishProduct(product=product, effective_from=ON)
        for event in catalogue_spec.decide(command, changed):
            changed = catalogue_spec.evolve(changed, event)
    try:
        repriced = price(changed.on(ON), request)
    except ConfigurationRefused:
        repriced = None
    if repriced is not None:
        revise = ReviseQuote(terms=terms, request=request, priced=repriced, reason="re-price",
                             revised_at=AT)  # fmt: skip
        try:
            quote_spec(*history).when(revise).events()
        except QuoteClosed:
            pass
        else:  # pragma: no cover - an accepted quote is never revised
            raise AssertionError("an accepted quote was revised")
    assert the_order() == before


@given(st.lists(st.sampled_from(("revise", "accept", "accept_stale", "withdraw", "late")),
                max_size=12))  # fmt: skip
def test_a_quote_is_accepted_at_most_once_and_only_its_current_revision(
    steps: list[str],
) -> None:
    state = catalogue_spec.fold(catalogue_spec.run(*example_catalogue()))
    request = QuoteRequest(customer_id="C-1", region="华东", currency="CNY",
                           lines=(LineRequest(code="HW-G3", quantity=Decimal(1)),))  # fmt: skip
    priced = price(state.on(ON), request)
    terms = Terms(order_type="software", promised_delivery=date(2026, 6, 1),
                  valid_until=date(2026, 3, 31))  # fmt: skip
    history = quote_spec.run(DraftQuote(number="Q-1", customer_name="c", salesperson="s",
                                        terms=terms, request=request, priced=priced,
                                        drafted_at=AT))  # fmt: skip
    for n, step in enumerate(steps):
        quote = quote_spec.fold(history)
        at = AT + timedelta(hours=n + 1)
        command = {
            "revise": ReviseQuote(terms=terms, request=request, priced=priced, reason="r",
                                  revised_at=at),
            "accept": AcceptQuote(revision=quote.revision, accepted_by="b", accepted_at=at),
            "accept_stale": AcceptQuote(revision=quote.revision - 1, accepted_by="b",
                                        accepted_at=at),
            "withdraw": WithdrawQuote(reason="lost", at=at),
            "late": AcceptQuote(revision=quote.revision, accepted_by="b",
                                accepted_at=datetime(2026, 4, 1, tzinfo=UTC)),
        }[step]  # fmt: skip
        try:
            history = [*history, *quote_spec.decide(command, quote)]
        except DomainError:
            continue
    accepted = [e for e in history if isinstance(e, QuoteAccepted)]
    closing = [e for e in history if isinstance(e, QuoteAccepted | QuoteWithdrawn)]
    assert len(closing) <= 1
    assert closing == history[len(history) - len(closing) :]  # nothing after it closes
    revisions = [e.revision for e in history if isinstance(e, QuoteRevised)]
    for event in accepted:
        assert event.revision == (revisions[-1] if revisions else 1)
        assert event.accepted_at.date() <= terms.valid_until
