"""What the customer hears as their order moves: short bilingual status messages.

Customers asked again and again where their order stood (seed 000); the order hub
tells them itself (seed 004): at signing, at each stage change they should see, at
shipment and at acceptance. Which moments are told and the words are rulebook
data the business edits; the text takes a few named placeholders and nothing
else (no attribute access, no format specs: a template can only say what it is
given).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Formatter
from typing import Annotated

import msgspec

from domain.shared import DomainError
from domain.stages import STAGE_LABELS, Stage

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]

SIGNED = "signed"  # the contract is signed
SHIPPED = "shipped"  # a shipment left
ACCEPTED = "accepted"  # the customer accepted the delivery
MOMENTS = frozenset({SIGNED, SHIPPED, ACCEPTED, *(s.value for s in Stage)})

PLACEHOLDERS: dict[str, str] = {
    "order": "the order's reference (external_ref)",
    "customer": "the customer's name",
    "stage": "the stage or moment in Chinese, e.g. 生产中",
    "stage_en": "the stage or moment in English, e.g. in production",
    "date": "the day it happened, in the company's time zone (YYYY-MM-DD)",
    "promised": "the promised delivery date",
    "contract": "the contract number (after signing)",
    "tracking": "carrier and tracking number (shipment only)",
}

STAGE_NAMES_EN: dict[str, str] = {
    **{s.value: s.value.replace("_", " ") for s in Stage},
    SIGNED: "contract signed",
    SHIPPED: "shipped",
    ACCEPTED: "accepted",
}
STAGE_NAMES_ZH: dict[str, str] = {
    **{s.value: label for s, label in STAGE_LABELS.items()},
    SIGNED: "合同已签订",
    SHIPPED: "已发货",
    ACCEPTED: "已验收",
}


class StatusTemplate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    moment: str  # SIGNED, SHIPPED, ACCEPTED or a stage entered
    subject: Subject
    body: Body


class StatusMessages(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    templates: tuple[StatusTemplate, ...]


def template_for(templates: Sequence[StatusTemplate], moment: str) -> StatusTemplate | None:
    """The template of `moment`, or None: that moment is not told."""
    return next((t for t in templates if t.moment == moment), None)


class InvalidTemplate(DomainError):
    rule = "invalid_status_template"


def _fields(text: str, where: str) -> set[str]:
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:
        raise InvalidTemplate(f"{where}: {error} (write a literal brace as {{{{ }}}})",
                              field=where) from error  # fmt: skip
    names: set[str] = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise InvalidTemplate(
                f"{where}: {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} is not a placeholder; use one of {known}",
                field=where,
            )
        names.add(name)
    return names


def check_messages(templates: tuple[StatusTemplate, ...]) -> None:
    """Each moment known and told once; every placeholder one of PLACEHOLDERS."""
    seen: set[str] = set()
    for i, template in enumerate(templates):
        where = f"templates[{i}]"
        if template.moment not in MOMENTS:
            raise InvalidTemplate(
                f"{where}.moment: {template.moment!r} is not a moment; use one of "
                f"{', '.join(sorted(MOMENTS))}",
                field=f"{where}.moment",
            )
        if template.moment in seen:
            raise InvalidTemplate(f"{where}.moment: {template.moment!r} has a template already",
                                  field=f"{where}.moment")  # fmt: skip
        seen.add(template.moment)
        _fields(template.subject, f"{where}.subject")
        _fields(template.body, f"{where}.body")


def render(template: StatusTemplate, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body with the placeholders filled (an absent value as '-')."""
    filled = {name: values.get(name) or "-" for name in PLACEHOLDERS}
    return template.subject.format_map(filled), template.body.format_map(filled)


def _default(moment: str, zh: str, en: str) -> StatusTemplate:
    return StatusTemplate(
        moment=moment,
        subject="订单 {order} {stage} / Order {order}: {stage_en}",
        body=(
            f"尊敬的 {{customer}}:\n{zh}\n日期:{{date}};约定交期:{{promised}}。\n\n"
            f"Dear {{customer}},\n{en}\nDate: {{date}}; promised delivery: {{promised}}.\n\n"
            "此邮件由 OrderHub 自动发送。如不希望再收到进度通知,请联系您的销售代表。\n"
            "Sent by OrderHub. To stop these updates, tell your sales contact."
        ),
    )


DEFAULT_STATUS_MESSAGES: tuple[StatusTemplate, ...] = (
    _default(SIGNED, "您的订单 {order} 已签订合同(合同号 {contract})。",
             "your order {order} is signed (contract {contract})."),
    _default(Stage.DESIGNING.value, "您的订单 {order} 已进入设计阶段。",
             "your order {order} is now in design."),
    _default(Stage.IN_PRODUCTION.value, "您的订单 {order} 已开始生产。",
             "your order {order} is now in production."),
    _default(Stage.TESTING.value, "您的订单 {order} 已进入出厂测试。",
             "your order {order} is now in factory testing."),
    _default(Stage.LIVE.value, "您的订单 {order} 已开通上线。",
             "your order {order} is live."),
    _default(SHIPPED, "您的订单 {order} 已发货:{tracking}。",
             "your order {order} has shipped: {tracking}."),
    _default(ACCEPTED, "您的订单 {order} 已完成验收,感谢您的信任。",
             "your order {order} is accepted. Thank you for your trust."),
)  # fmt: skip
