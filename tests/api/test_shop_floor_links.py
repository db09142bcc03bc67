"""The shop-floor QR code opens by scanning it: a signed, read-only, expiring,
revocable link to the current confirmed version of one document, with no login, each
use recorded (issue 26, item 6: the old QR link needed a bearer header)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from api.auth import Role
from api.runtime import Runtime
from domain.deciders import SHOP_FLOOR_LINK
from domain.shop_floor_link import DECIDER as LINK
from domain.shop_floor_link import IssueLink, LinkGone, UseLink
from domain.testing.spec import spec_of
from tests.api.conftest import bearer
from tests.api.test_documents import DRAWING_V1, DRAWING_V2, confirm, place, upload
from tests.domain.order_examples import T0

Client = TestClient[Any]


def issued(client: Client, runtime: Runtime) -> tuple[str, dict[str, Any]]:
    order_id = place(client)
    document_id = upload(client, order_id, DRAWING_V1).json()["aggregate_id"]
    confirm(client, document_id, "V1.0_20251220", DRAWING_V1)
    engineer = bearer(runtime, Role.ENGINEER, "zhou.gong")
    link = client.post(f"/documents/{document_id}/shop-floor-links", headers=engineer,
                       json={"valid_days": 30, "note": "assembly bay 2"})  # fmt: skip
    assert link.status_code == 201, link.text
    return document_id, link.json()


@contextmanager
def tablet(client: Client) -> Iterator[Client]:
    """The same server, asked with no token at all."""
    token = client.headers.pop("Authorization")
    try:
        yield client
    finally:
        client.headers["Authorization"] = token


def scan(client: Client, url: str) -> Any:
    path = url[url.index("/shop-floor/") :]
    with tablet(client) as anonymous:
        return anonymous.get(path, headers={"User-Agent": "tablet-7"})


def test_a_tablet_opens_the_current_version_with_no_login_and_the_use_is_recorded(
    client: Client, runtime: Runtime
) -> None:
    document_id, link = issued(client, runtime)
    qr = client.get(link["qr_url"])
    assert (qr.status_code, qr.headers["content-type"]) == (200, "image/png")
    assert qr.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert qr.headers["x-link"] == link["url"]
    assert "/shop-floor/" in link["url"]
    opened = scan(client, link["url"])
    assert opened.status_code == 200, opened.text
    assert (opened.content, opened.headers["x-document-version"]) == (DRAWING_V1, "V1.0_20251220")
    second = upload(client, place_of(client, document_id), DRAWING_V2, note="14 mm bore", day="22")
    assert second.status_code == 201, second.text
    confirm(client, document_id, "V1.1_20251222", DRAWING_V2)
    assert scan(client, link["url"]).content == DRAWING_V2  # always the current one
    detail = client.get(f"/documents/{document_id}/shop-floor-links/{link['link_id']}").json()
    assert (detail["uses"], detail["issued_by"], detail["revoked"]) == (2, "zhou.gong", False)
    uses = [r.event for r in runtime.service.history(UUID(link["link_id"]))
            if type(r.event).__name__ == "LinkUsed"]  # fmt: skip
    assert [u.label for u in uses] == ["V1.0_20251220", "V1.1_20251222"]
    assert all("tablet-7" in u.client for u in uses)


def place_of(client: Client, document_id: str) -> str:
    return str(client.get(f"/documents/{document_id}").json()["order_id"])


def test_a_revoked_link_is_gone_and_a_forged_one_finds_nothing(
    client: Client, runtime: Runtime
) -> None:
    document_id, link = issued(client, runtime)
    revoked = client.post(f"/documents/{document_id}/shop-floor-links/{link['link_id']}/revoke",
                          json={"reason": "tablet lost"})  # fmt: skip
    assert revoked.status_code == 200, revoked.text
    gone = scan(client, link["url"])
    assert (gone.status_code, gone.json()["rule"]) == (410, "link_gone")
    token = link["url"].rsplit("/", 1)[1]
    raw, mac = token.split(".")
    forged = scan(client, f"/shop-floor/{raw}.{'0' * len(mac)}")
    assert forged.status_code == 404
    other = scan(client, f"/shop-floor/{UUID(int=5).hex}.{mac}")
    assert other.status_code == 404
    assert scan(client, f"/shop-floor/{raw}.ñ±").status_code == 404  # not a 500


def test_the_link_is_read_only_and_issued_only_by_staff(client: Client, runtime: Runtime) -> None:
    document_id, link = issued(client, runtime)
    path = link["url"][link["url"].index("/shop-floor/") :]
    with tablet(client) as anonymous:
        assert anonymous.post(path).status_code in {401, 405}
        assert anonymous.get(f"/documents/{document_id}/current").status_code == 401
    reader = bearer(runtime, Role.READER)
    refused = client.post(f"/documents/{document_id}/shop-floor-links", headers=reader, json={})
    assert refused.status_code == 403
    too_long = client.post(f"/documents/{document_id}/shop-floor-links", json={"valid_days": 400})
    assert too_long.status_code == 400
    assert client.get(f"/documents/{document_id}/shop-floor-links/{UUID(int=3)}").status_code == 404
    assert runtime.service.load(SHOP_FLOOR_LINK, UUID(link["link_id"])).uses == 0


def test_an_expired_link_hands_out_nothing() -> None:
    spec = spec_of(LINK)
    document_id = UUID(int=9)
    issue = IssueLink(document_id=document_id, expires_at=T0 + timedelta(days=1),
                      issued_by="zhou.gong", at=T0)  # fmt: skip
    late = UseLink(document_id=document_id, label="V1.0_20240301", client="tablet",
                   at=T0 + timedelta(days=1))  # fmt: skip
    spec(*spec.run(issue)).when(late).raises(LinkGone)
