"""A long file is read as a stream, its rows kept in a scratch file, not in memory.

What memory it takes is measured by `bench/imports.py --memory`; these tests hold
what the streaming must not change: an order's rows anywhere in the file make one
order, a bad item found late still stops the whole file, items past those kept
from the check are built again and written the same, a flood of bad rows is
reported in part, and the scratch file is gone afterwards.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from api.exports import csv_bytes
from api.runtime import Runtime
from application.imports import engine
from tests.api.test_imports import HEADER, Client, row, upload, xlsx


def orders(count: int) -> list[list[str]]:
    """`count` orders of two lines, each order's second line at the end of the file."""
    firsts = [row(f"S-{n}", "L1") for n in range(count)]
    seconds = [row(f"S-{n}", "L2", kind="training", quantity="1", unit_price="5000")
               for n in range(count)]  # fmt: skip
    return [*firsts, *seconds]


@pytest.fixture
def keep_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "KEEP_BUILT", 3)


@pytest.mark.usefixtures("keep_three")
def test_items_past_those_kept_are_built_again_and_written_alike(
    client: Client, runtime: Runtime
) -> None:
    report = upload(client, csv_bytes(HEADER, orders(8)), "long.csv")
    assert report.status_code == 200, report.text
    assert report.json() | {"problems": []} == {"kind": "orders", "rows": 16, "items": 8,
                                                "imported": 8, "existing": 0, "skipped": 0,
                                                "problems": []}  # fmt: skip
    head = runtime.storage.read_store.head()
    page = client.get("/orders", params={"customer_id": "C-HIST-1", "limit": 20,
                                         "wait_for_position": head}).json()  # fmt: skip
    assert sorted(o["total"] for o in page["items"]) == ["65000.00"] * 8  # both lines each
    again = upload(client, xlsx(orders(8)), "long.xlsx").json()
    assert (again["imported"], again["existing"]) == (0, 8)


@pytest.mark.usefixtures("keep_three")
def test_a_bad_item_near_the_end_stops_the_whole_file(client: Client, runtime: Runtime) -> None:
    rows = orders(8)
    rows[-1] = row("S-7", "L2", kind="training", quantity="1", unit_price="5000",
                   discount="90000")  # more than the line's gross: the order's own rule
    head = runtime.storage.read_store.head()
    refused = upload(client, csv_bytes(HEADER, rows), "late.csv")
    assert refused.status_code == 422, refused.text
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [(17, "discount")]
    assert runtime.storage.read_store.head() == head
    partial = upload(client, csv_bytes(HEADER, rows), "late.csv", valid_only="true").json()
    assert (partial["imported"], partial["skipped"]) == (7, 1)


def test_a_flood_of_bad_rows_is_reported_in_part(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_PROBLEMS", 5)
    rows = [row(f"B-{n}", "L1", quantity="lots") for n in range(12)]
    problems = upload(client, csv_bytes(HEADER, rows), "bad.csv").json()["problems"]
    assert len(problems) == 6
    assert [p["row"] for p in problems[:5]] == [2, 3, 4, 5, 6]
    assert problems[5] == {"row": 7, "column": "",
                           "message": "and 7 more problems from this row on (the first 5 are "
                                      "listed)"}  # fmt: skip


def test_the_scratch_file_is_gone_afterwards(client: Client) -> None:
    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("orderhub-import-*"))
    assert upload(client, csv_bytes(HEADER, orders(2)), "two.csv").status_code == 200
    assert upload(client, b"\xff\xfe not text", "broken.csv").status_code == 422
    assert set(scratch.glob("orderhub-import-*")) == before
