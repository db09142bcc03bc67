"""The directory over HTTP: who is reached how; a contact nobody can reach is refused."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient


def test_contacts_are_set_listed_and_removed(client: TestClient[Any]) -> None:
    wecom = {"name": "采购部 Purchasing", "email": "caigou@example.com",
             "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
             "webhook_format": "wecom"}  # fmt: skip
    assert client.put("/directory/purchasing_manager", json=wecom).status_code == 200
    listed = client.get("/directory").json()
    assert listed["contacts"]["purchasing_manager"]["webhook_format"] == "wecom"
    assert client.delete("/directory/purchasing_manager").status_code == 200
    assert client.get("/directory").json()["contacts"] == {}
    assert client.delete("/directory/purchasing_manager").status_code == 422


def test_bad_contacts_are_refused_with_the_field(client: TestClient[Any]) -> None:
    nobody = client.put("/directory/vp", json={"name": "VP"})
    assert nobody.status_code == 422
    assert nobody.json()["field"] == "contact"
    bad_mail = client.put("/directory/vp", json={"name": "VP", "email": "not an address"})
    assert bad_mail.status_code == 400
    assert client.get("/notifications", params={"status": "failed"}).json() == []
    assert client.post("/notifications/nope/retry").status_code == 404
