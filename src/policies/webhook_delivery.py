"""Delivering the webhook outbox: each subscription's messages POSTed in log order,
signed, at least once, with retries and back-off, replayable from a position.

Per subscription a cursor (`webhook_cursors`, outside any read model, so a rebuild
of the outbox sends nothing again) says how far delivery has come. A deliverer
claims a subscription's cursor with a lease (a conditional update only one process
wins), posts the next messages in position order and moves the cursor past each one
the receiver answered 2xx, extending its lease as it goes. A failure keeps the
message at the head: it is retried after a back-off (30 s doubling to an hour, never
given up), so the facts of one order always arrive in the order they happened. A
deliverer killed between a POST and moving the cursor posts that message again once
its lease runs out: every message has a stable id (`X-OrderHub-Message-Id`, also the
body's `id`) for the receiver to drop a repeat.

Each POST carries `X-OrderHub-Timestamp` and `X-OrderHub-Signature:
sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` under the subscription's
secret (see `docs/operators.md` for checking it).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta

from infrastructure.read_store import ReadStore, Row, Tx, utc_text
from policies.delivery import backoff
from projections.webhook_outbox import CURSORS, messages_after, subscriptions

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
Post = Callable[[str, bytes, dict[str, str]], int]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - an http(s) URL the subscription was checked to have
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return int(response.status)


class WebhookDeliverer:
    def __init__(  # noqa: PLR0913 - what a deliverer is made of
        self,
        store: ReadStore,
        outbox: Callable[[], str],
        secret: Callable[[str], str],
        clock: Callable[[], datetime],
        *,
        owner: str,
        post: Post = http_post,
        batch: int = 50,
        lease: timedelta = LEASE,
    ) -> None:
        """`outbox()` is the webhook outbox's active copy; `secret(id)` a subscription's."""
        self.store, self.outbox, self.secret, self.clock = store, outbox, secret, clock
        self.owner, self.post, self.batch, self.lease = owner, post, batch, lease

    def deliver_once(self) -> int:
        """Deliver what is due for every active subscription; how many were delivered."""
        with self.store.transaction(commit=False) as tx:
            found = [s for s in subscriptions(tx, self.outbox()) if s["active"]]
        return sum(self._subscription(s) for s in found)

    def _subscription(self, subscription: Row) -> int:
        sid = subscription["subscription_id"]
        through = self._claim(sid, int(subscription["since"]))
        if through is None:
            return 0
        with self.store.transaction(commit=False) as tx:
            due = messages_after(tx, self.outbox(), sid, through, self.batch)
        delivered = 0
        for message in due:
            body = message["body"].encode()
            timestamp = utc_text(self.clock())
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "X-OrderHub-Message-Id": f"{sid}:{message['position']}",
                "X-OrderHub-Timestamp": timestamp,
                "X-OrderHub-Signature": signature(self.secret(sid), timestamp, body),
            }
            try:
                status = self.post(subscription["url"], body, headers)
                if not 200 <= status < 300:
                    raise ValueError(f"the receiver answered {status}")
            except Exception as error:  # recorded and retried, never raised
                self._failed(sid, f"{type(error).__name__}: {error}")
                return delivered
            if not self._advance(sid, int(message["position"])):
                return delivered  # the lease was lost, or a replay moved the cursor back
            delivered += 1
        self._release(sid)
        return delivered

    def _claim(self, sid: str, since: int) -> int | None:
        """The cursor's position if this deliverer now holds the subscription."""
        now, until = utc_text(self.clock()), utc_text(self.clock() + self.lease)
        with self.store.transaction(commit=True) as tx:
            tx.execute(f"INSERT INTO {CURSORS} VALUES (?, ?, 0, '', '', '', '') "  # noqa: S608
                       "ON CONFLICT (subscription_id) DO NOTHING", (sid, since))  # fmt: skip
            tx.execute(
                f"UPDATE {CURSORS} SET claimed_by = ?, claimed_until = ? "  # noqa: S608
                "WHERE subscription_id = ? AND next_at <= ? "
                "AND (claimed_by = ? OR claimed_by = '' OR claimed_until < ?)",
                (self.owner, until, sid, now, self.owner, now),
            )
            if not tx.rowcount:
                return None
            return _through(tx, sid)

    def _advance(self, sid: str, position: int) -> bool:
        until = utc_text(self.clock() + self.lease)
        with self.store.transaction(commit=True) as tx:
            tx.execute(
                f"UPDATE {CURSORS} SET delivered_through = ?, attempts = 0, last_error = '', "  # noqa: S608
                "claimed_until = ? WHERE subscription_id = ? AND claimed_by = ? "
                "AND delivered_through < ?",
                (position, until, sid, self.owner, position),
            )
            return bool(tx.rowcount)

    def _failed(self, sid: str, error: str) -> None:
        log.warning("webhook subscription %s: delivery failed: %s", sid, error)
        with self.store.transaction(commit=True) as tx:
            tx.execute(f"SELECT attempts FROM {CURSORS} WHERE subscription_id = ?", (sid,))  # noqa: S608
            row = tx.fetchone()
            attempts = (int(row["attempts"]) if row else 0) + 1
            later = utc_text(self.clock() + backoff(attempts))
            tx.execute(
                f"UPDATE {CURSORS} SET attempts = ?, next_at = ?, last_error = ?, "  # noqa: S608
                "claimed_by = '' WHERE subscription_id = ? AND claimed_by = ?",
                (attempts, later, error[:2000], sid, self.owner),
            )

    def _release(self, sid: str) -> None:
        with self.store.transaction(commit=True) as tx:
            tx.execute(f"UPDATE {CURSORS} SET claimed_by = '' WHERE subscription_id = ? "  # noqa: S608
                       "AND claimed_by = ?", (sid, self.owner))  # fmt: skip


def _through(tx: Tx, sid: str) -> int:
    tx.execute(f"SELECT delivered_through FROM {CURSORS} WHERE subscription_id = ?", (sid,))  # noqa: S608
    row = tx.fetchone()
    return int(row["delivered_through"]) if row else 0


def replay(store: ReadStore, sid: str, from_position: int) -> None:
    """Deliver the subscription's messages again from `from_position` on (a deliverer
    in the middle of a batch loses its claim and stops)."""
    columns = ("subscription_id", "delivered_through", "attempts", "next_at", "last_error",
               "claimed_by", "claimed_until")  # fmt: skip
    with store.transaction(commit=True) as tx:
        tx.upsert(CURSORS, columns, "subscription_id",
                  [(sid, max(from_position - 1, 0), 0, "", "", "", "")])  # fmt: skip


def cursor(tx: Tx, sid: str) -> Row | None:
    tx.execute(f"SELECT * FROM {CURSORS} WHERE subscription_id = ?", (sid,))  # noqa: S608
    return tx.fetchone()
