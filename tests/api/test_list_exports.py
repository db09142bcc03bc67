"""Every list route exports its rows, under the same filters, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook

from api.runtime import Runtime
from policies import outbox
from tests.api.conftest import order_body

Client = TestClient[Any]
LISTS = [
    ("/orders", {"customer_id": "C-JX-001"}, "items"),
    ("/tasks", {"status": "todo"}, None),
    ("/receivables", {"open_only": "true"}, None),
    ("/exceptions", {"open_only": "false"}, None),
    ("/stock", {}, None),
    ("/quotes", {"status": "open"}, "items"),
]


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def quiet(runtime: Runtime) -> int:
    """Wait until every read model and policy has covered the head, the policies' commands
    are all executed and nothing new was written; the head."""
    store = runtime.storage.read_store
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        head = store.head()
        covered = all(live.wait_for(head, timeout=1) for live in runtime.projections.values())
        if covered and not outbox.commands(store, status="pending") and store.head() == head:
            return head
        time.sleep(0.05)
    raise AssertionError("the runtime did not settle")


@pytest.fixture
def listed(client: Client, runtime: Runtime) -> int:
    """Two orders of one customer and one of another, signed: tasks and receivables too."""
    for ref, customer in (("X-1", "C-JX-001"), ("X-2", "C-JX-001"), ("X-3", "C-OTHER")):
        placed = ok(client.post("/orders", json=order_body(ref, customer_id=customer)))
        signed = ok(client.post(f"/orders/{placed['aggregate_id']}/sign", json={
            "contract_number": f"HT-{ref}", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
        assert signed["position"]
    ok(
        client.put(
            "/stock/SERVO-1",
            json={
                "name": "伺服电机 servo",
                "unit": "pcs",
                "safety_level": "5",
                "at": "2025-12-01T08:00:00+08:00",
            },
        )
    )
    return quiet(runtime)


@pytest.mark.parametrize(("path", "filters", "items"), LISTS)
def test_a_list_exports_the_rows_it_lists(
    client: Client, listed: int, path: str, filters: dict[str, str], items: str | None
) -> None:
    params = {**filters, "wait_for_position": str(listed)}
    shown = ok(client.get(path, params=params))
    as_csv = client.get(path, params={**params, "format": "csv"})
    as_xlsx = client.get(path, params={**params, "format": "xlsx"})
    rows = shown[items] if items else shown
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert f"{path.strip('/')}.csv" in as_csv.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(table) == (len(rows) + 1 if rows else 1), (table, rows)
    assert as_xlsx.status_code == 200, as_xlsx.text
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == len(rows) + 1  # an empty sheet counts one row
    if rows:
        assert [c.value for c in sheet[1]] == table[0]
        first = rows[0]
        key = next(iter(first))
        assert table[1][table[0].index(key)] == str(first[key])


def test_the_filters_apply_to_the_file(client: Client, listed: int) -> None:
    wanted = {"customer_id": "C-JX-001", "wait_for_position": str(listed), "format": "csv"}
    table = list(csv.reader(io.StringIO(client.get("/orders", params=wanted).content
                                        .decode("utf-8-sig"))))  # fmt: skip
    column = table[0].index("customer_id")
    assert sorted(row[column] for row in table[1:]) == ["C-JX-001", "C-JX-001"]
    bad = client.get("/orders", params={"format": "pdf"})
    assert bad.status_code == 400
