"""Configuration rules, checked over a quote's lines: every broken rule is named.

The lines checked are the quote's lines as they will be ordered: a bundle counts
as its components. A rule is broken by the configuration as a whole (`Requires`,
`Excludes`, `QuantityLimit`) or by one line (`Matches`); the violation says which
rule, where in the request, and what would put it right.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import assert_never

import msgspec

from domain.cpq.catalogue import (
    Excludes,
    Matches,
    QuantityLimit,
    Requires,
    Selector,
    ValidationRule,
)
from domain.order.events import LineKind
from domain.shared import DomainError


class Violation(msgspec.Struct, frozen=True, kw_only=True):
    rule: str  # a validation rule's name, or a built-in check
    field: str  # where in the request
    message: str


class Configured(msgspec.Struct, frozen=True, kw_only=True):
    """A line as the rules see it: its product, kind, units and attributes, and where
    it came from in the request."""

    field: str
    product_code: str
    kind: LineKind
    quantity: Decimal
    attributes: dict[str, str]


class ConfigurationRefused(DomainError):
    rule = "configuration_refused"

    def __init__(self, violations: Sequence[Violation]) -> None:
        names = "; ".join(f"{v.field}: {v.message}" for v in violations)
        super().__init__(
            f"the quote breaks {len(violations)} rule(s): {names}",
            field=violations[0].field,
            violations=[msgspec.to_builtins(v) for v in violations],
        )
        self.violations = tuple(violations)


def selects(selector: Selector, line: Configured) -> bool:
    """A selector matches a line by product code, by kind, or (both given) by both."""
    by_code = not selector.product_code or selector.product_code == line.product_code
    by_kind = selector.kind is None or selector.kind == line.kind
    return by_code and by_kind


def check(rules: Sequence[ValidationRule], lines: Sequence[Configured]) -> list[Violation]:
    found: list[Violation] = []
    for rule in rules:
        chosen = [ln for ln in lines if selects(rule.line, ln)]
        if not chosen:
            continue
        match rule:
            case Requires(name=name, needs=needs):
                if not any(selects(needs, ln) for ln in lines):
                    found.append(Violation(
                        rule=name, field=chosen[0].field,
                        message=f"{chosen[0].product_code} needs {needs.describe()} "
                                "on the same quote",
                    ))  # fmt: skip
            case Excludes(name=name, other=other):
                pairs = [(a, b) for a in chosen for b in lines
                         if b.field != a.field and selects(other, b)]  # fmt: skip
                if pairs:
                    a, b = pairs[0]
                    found.append(Violation(
                        rule=name, field=b.field,
                        message=f"{a.product_code} cannot be sold with {b.product_code}",
                    ))  # fmt: skip
            case Matches():
                found += _mismatches(rule, chosen, lines)
            case QuantityLimit(name=name, minimum=low, maximum=high):
                units = sum((ln.quantity for ln in chosen), Decimal(0))
                if units < low or (high is not None and units > high):
                    most = "" if high is None else f" and at most {high}"
                    found.append(Violation(
                        rule=name, field=f"{chosen[0].field}.quantity",
                        message=f"{rule.line.describe()}: {units} units; "
                                f"at least {low}{most} may be ordered",
                    ))  # fmt: skip
            case _:
                assert_never(rule)
    return found


def _mismatches(
    rule: Matches, chosen: Sequence[Configured], lines: Sequence[Configured]
) -> list[Violation]:
    wanted = {
        ln.attributes[rule.other_attribute]
        for ln in lines
        if selects(rule.other, ln) and rule.other_attribute in ln.attributes
    }
    found = []
    for line in chosen:
        value = line.attributes.get(rule.attribute)
        if value is None or value not in wanted:
            choices = ", ".join(sorted(wanted)) or "none on this quote"
            found.append(Violation(
                rule=rule.name, field=line.field,
                message=f"{line.product_code} has {rule.attribute}={value or '(unset)'}; "
                        f"it must match {rule.other.describe()}'s {rule.other_attribute} "
                        f"({choices})",
            ))  # fmt: skip
    return found
