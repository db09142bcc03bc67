"""Customers hear from us: status e-mails at signing, stage changes, shipment, acceptance.

Seed 000: customers asked again and again where their order stood; seed 004: the
order hub sends status update e-mails. From templates the business edits, opt-out
per customer, through the outbox, never for an erased contact.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.runtime import Runtime
from policies.delivery import Deliverer, SmtpSettings
from policies.when_order_progresses_tell_the_customer import NAME, TellCustomerPolicy
from tests.policies.conftest import Client, ok, settle, signed_order
from tests.policies.test_notifications import Clock, Inbox, contact, decide, inbox, rows

__all__ = ["inbox"]  # the fixture, used by name

CUSTOMER = {"name": "嘉兴恒力输送设备有限公司", "region": "浙江",
            "contact": {"name": "陈工", "phone": "+86 573 8888 0000",
                        "email": "chen@hengli.example"}}  # fmt: skip


def told(runtime: Runtime) -> list[dict[str, Any]]:
    return [r for r in rows(runtime) if r["policy"] == NAME]


def deliverer(runtime: Runtime, port: int) -> Deliverer:
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="orderhub@example.com")
    return Deliverer(runtime.storage.read_store, smtp, Clock(), runtime._contact_email)  # noqa: SLF001


def advance(client: Client, order_id: str, stage: str, at: str) -> None:
    ok(client.post(f"/orders/{order_id}/advance", json={"to_stage": stage, "at": at}))


def test_signing_and_design_are_mailed_to_the_contact_in_both_languages(
    runtime: Runtime, client: Client, inbox: tuple[Inbox, int]
) -> None:
    ok(client.put("/customers/C-JX-001", json=CUSTOMER))
    order_id = signed_order(client)
    advance(client, order_id, "designing", "2025-12-22T01:30:00+08:00")
    settle(runtime)
    queued = told(runtime)
    assert [r["kind"] for r in queued] == ["customer_signed", "customer_designing"]
    # The outbox holds the contact sealed, never the address in clear.
    assert all(r["channel"] == "sealed_email" for r in queued)
    assert not any("chen@hengli.example" in r["target"] for r in queued)
    assert deliverer(runtime, inbox[1]).deliver_once() == 2
    signed, designing = inbox[0].mails
    assert signed["To"] == designing["To"] == "chen@hengli.example"
    assert "Order EC-1: contract signed" in signed["Subject"]
    assert "合同已签订" in signed["Subject"]
    text = designing.get_content()
    assert "已进入设计阶段" in text and "is now in design" in text
    # 01:30 in Shanghai is the 22nd there (the 21st in UTC): the company's day is told.
    assert "日期:2025-12-22" in text and "promised delivery: 2026-03-01" in text
    assert "HT-EC-1" in signed.get_content()
    # A rebuilt copy of the policy tells nobody again.
    decide(runtime, TellCustomerPolicy("a_rebuilt_copy"))
    assert len(told(runtime)) == 2


def test_a_customer_who_opted_out_hears_nothing(runtime: Runtime, client: Client) -> None:
    ok(client.put("/customers/C-JX-001", json={**CUSTOMER, "status_updates": False}))
    settle(runtime)
    assert ok(client.get("/customers/C-JX-001"))["status_updates"] is False
    order_id = signed_order(client)
    advance(client, order_id, "designing", "2025-12-22T09:00:00+08:00")
    settle(runtime)
    assert told(runtime) == []


def test_an_erased_contact_is_withheld_and_nothing_is_queued_for_it_after(
    runtime: Runtime, client: Client, inbox: tuple[Inbox, int]
) -> None:
    ok(client.put("/customers/C-JX-001", json=CUSTOMER))
    order_id = signed_order(client)
    settle(runtime)
    assert len(told(runtime)) == 1  # the signing, queued before the erasure
    ok(client.post("/customers/C-JX-001/erasure", json={"reason": "客户要求删除个人信息"}))
    advance(client, order_id, "designing", "2025-12-22T09:00:00+08:00")
    settle(runtime)
    assert deliverer(runtime, inbox[1]).deliver_once() == 1
    assert inbox[0].mails == []
    [signing] = told(runtime)
    assert signing["status"] == "withheld"
    assert "erased" in signing["last_error"]


def test_a_new_contact_after_an_erasure_is_told_again(runtime: Runtime, client: Client) -> None:
    ok(client.put("/customers/C-JX-001", json=CUSTOMER))
    order_id = signed_order(client)
    ok(client.post("/customers/C-JX-001/erasure", json={"reason": "联系人离职"}))
    new = {"name": "王工", "email": "wang@hengli.example"}
    ok(client.put(f"/orders/{order_id}/contact",
                  json={"contact": new, "at": "2025-12-22T08:00:00+08:00"}))  # fmt: skip
    advance(client, order_id, "designing", "2025-12-22T09:00:00+08:00")
    settle(runtime)
    kinds = [(r["kind"], r["channel"]) for r in told(runtime)]
    assert kinds == [("customer_signed", "sealed_email"), ("customer_designing", "sealed_email")]
    assert runtime._contact_email(told(runtime)[1]["target"]) == "wang@hengli.example"  # noqa: SLF001


def test_the_business_edits_the_words_and_a_moment_left_out_is_not_told(
    runtime: Runtime, client: Client
) -> None:
    templates = [{"moment": "designing", "subject": "{order}: 设计开始 design started",
                  "body": "{customer}, 设计自 {date} 开始。"}]  # fmt: skip
    ok(client.post("/rulebook/status-messages", json={"templates": templates}))
    ok(client.put("/customers/C-JX-001", json=CUSTOMER))
    order_id = signed_order(client)
    advance(client, order_id, "designing", "2025-12-22T09:00:00+08:00")
    settle(runtime)
    [designing] = told(runtime)
    assert designing["subject"] == "EC-1: 设计开始 design started"
    assert designing["body"] == "嘉兴恒力输送设备有限公司, 设计自 2025-12-22 开始。"


@pytest.mark.parametrize(
    ("template", "field", "words"),
    [
        ({"moment": "designing", "subject": "x", "body": "{order.__class__}"},
         "templates[0].body", "is not a placeholder"),
        ({"moment": "designing", "subject": "{amount}", "body": "x"},
         "templates[0].subject", "is not a placeholder"),
        ({"moment": "designing", "subject": "x", "body": "{order"},
         "templates[0].body", "brace"),
        ({"moment": "launched", "subject": "x", "body": "x"},
         "templates[0].moment", "is not a moment"),
    ],
)  # fmt: skip
def test_a_template_that_cannot_be_filled_is_refused_by_field(
    runtime: Runtime, client: Client, template: dict[str, str], field: str, words: str
) -> None:
    answer = client.post("/rulebook/status-messages", json={"templates": [template]})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["field"] == field, problem
    assert words in problem["detail"]


def test_the_customers_own_endpoint_in_the_directory_is_told_too(
    runtime: Runtime, client: Client
) -> None:
    """The issue's "(or webhook)": an entry `customer:<id>` in the directory (the
    customer's ERP, a robot) gets each message beside the contact's sealed e-mail."""
    contact(runtime, "customer:C-JX-001", webhook_url="https://erp.hengli.example/orderhub")
    ok(client.put("/customers/C-JX-001", json=CUSTOMER))
    signed_order(client)
    settle(runtime)
    channels = {r["channel"]: r["target"] for r in told(runtime)}
    assert sorted(channels) == ["sealed_email", "webhook"]
    assert channels["webhook"] == "https://erp.hengli.example/orderhub"
    assert "chen@hengli.example" not in channels["sealed_email"]
