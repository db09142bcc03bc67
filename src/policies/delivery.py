"""Delivering the notification outbox: e-mail by SMTP, webhooks as JSON, WeCom or DingTalk.

A deliverer claims a due message by moving its next attempt a lease ahead (a
conditional update only one process wins), sends it, and marks it sent. A
failure is recorded with the error and retried with exponential backoff; after
the last attempt the message is `failed`, visible over the API, and can be
retried by hand. A crash between sending and marking sends once more when the
lease runs out, so every message carries its id (e-mail `Message-ID`, webhook
`Idempotency-Key`) for the receiver to recognise a repeat; the business event is
never blocked or undone by delivery.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import msgspec

from domain.directory import WebhookFormat
from infrastructure.read_store import ReadStore, Row, utc_text
from policies.notifications import SEALED_EMAIL, TABLE

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


class SmtpSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: str = ""  # empty: e-mail is not configured and every e-mail fails visibly
    port: int = 25
    sender: str = "orderhub@localhost"
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0


class DeliveryError(Exception):
    pass


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return min(timedelta(seconds=30 * 2 ** (attempts - 1)), timedelta(hours=1))


def webhook_body(row: Row) -> dict[str, Any]:
    subject, body = row["subject"], row["body"]
    match WebhookFormat(row["format"]):
        case WebhookFormat.WECOM:
            return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}
        case WebhookFormat.DINGTALK:
            return {"msgtype": "markdown",
                    "markdown": {"title": subject, "text": f"### {subject}\n\n{body}"}}  # fmt: skip
        case WebhookFormat.JSON:
            keys = ("message_id", "kind", "recipient", "subject", "body", "correlation_id")
            return {k: row[k] for k in keys} | {"caused_at": row["caused_at"]}


class Unsendable(Exception):
    """Sending again cannot help: settled at once with `status` (withheld, failed)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status


# A sealed contact's e-mail address in clear: None once its subject was erased, "" if
# the contact has none.
OpenEmail = Callable[[str], str | None]


def _never_open(_: str) -> str | None:
    return None


class Deliverer:
    def __init__(
        self,
        store: ReadStore,
        smtp: SmtpSettings,
        clock: Callable[[], datetime],
        open_email: OpenEmail = _never_open,
    ) -> None:
        self.store = store
        self.smtp = smtp
        self.clock = clock
        self.open_email = open_email

    def deliver_once(self, limit: int = 50) -> int:
        """Send up to `limit` due messages; returns how many were attempted."""
        now = utc_text(self.clock())
        with self.store.transaction(commit=False) as tx:
            tx.execute(
                f"SELECT * FROM {TABLE} WHERE status = 'pending' AND next_attempt_at <= ? "  # noqa: S608
                "ORDER BY next_attempt_at, message_id LIMIT ?",
                (now, limit),
            )
            due = tx.fetchall()
        attempted = 0
        for row in due:
            if self._claim(row):
                attempted += 1
                self._deliver(row)
        return attempted

    def _claim(self, row: Row) -> bool:
        until = utc_text(self.clock() + LEASE)
        with self.store.transaction(commit=True) as tx:
            tx.execute(
                f"UPDATE {TABLE} SET next_attempt_at = ? WHERE message_id = ? "  # noqa: S608
                "AND status = 'pending' AND next_attempt_at = ?",
                (until, row["message_id"], row["next_attempt_at"]),
            )
            return bool(tx.rowcount)

    def _deliver(self, row: Row) -> None:
        try:
            if row["channel"] == "email":
                self._email(row, row["target"])
            elif row["channel"] == SEALED_EMAIL:
                self._email(row, self._opened(row))
            else:
                self._webhook(row)
        except Unsendable as unsendable:
            self._settle(row, unsendable.status, error=str(unsendable))
            return
        except Exception as error:  # any failure is recorded and retried, never raised
            self._failed(row, f"{type(error).__name__}: {error}")
            return
        self._settle(row, "sent", sent_at=utc_text(self.clock()), error="")

    def _opened(self, row: Row) -> str:
        address = self.open_email(row["target"])
        if address is None:
            raise Unsendable("withheld", "the contact's personal data was erased: not sent")
        if not address:
            raise Unsendable("failed", "the customer's contact has no e-mail address")
        return address

    def _email(self, row: Row, to: str) -> None:
        if not self.smtp.host:
            raise DeliveryError("no SMTP server configured (ORDERHUB_SMTP_HOST)")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.smtp.sender, to, row["subject"]
        mail["Message-ID"] = f"<{row['message_id'].replace(':', '.')}@orderhub>"
        mail["X-OrderHub-Message-Id"] = row["message_id"]
        mail.set_content(row["body"])
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as smtp:
            if self.smtp.starttls:
                smtp.starttls()
            if self.smtp.username:
                smtp.login(self.smtp.username, self.smtp.password)
            smtp.send_message(mail)

    def _webhook(self, row: Row) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL is an http(s) one from the directory
            row["target"],
            data=json.dumps(webhook_body(row), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Idempotency-Key": row["message_id"]},
            method="POST",
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=self.smtp.timeout) as response:  # noqa: S310
            answer = response.read()
        # The chat robots answer 200 with an error code in the body.
        if row["format"] != WebhookFormat.JSON.value and answer:
            code = json.loads(answer).get("errcode", 0)
            if code:
                raise DeliveryError(f"the robot answered errcode {code}: {answer[:200]!r}")

    def _failed(self, row: Row, error: str) -> None:
        attempts = row["attempts"] + 1
        log.warning("notification %s failed (attempt %d): %s", row["message_id"], attempts, error)
        if attempts >= MAX_ATTEMPTS:
            self._settle(row, "failed", error=error)
        else:
            later = utc_text(self.clock() + backoff(attempts))
            self._settle(row, "pending", error=error, next_attempt_at=later)

    def _settle(self, row: Row, status: str, *, error: str, **changes: str) -> None:
        fields = {"status": status, "last_error": error, **changes}
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.store.transaction(commit=True) as tx:
            tx.execute(
                f"UPDATE {TABLE} SET {sets}, attempts = attempts + 1 "  # noqa: S608
                "WHERE message_id = ?",
                (*fields.values(), row["message_id"]),
            )
