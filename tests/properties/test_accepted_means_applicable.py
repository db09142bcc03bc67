"""Whatever the command layer accepts, every projection can apply, on both stores.

Hypothesis throws orders, customers and document uploads at the API with hostile
text (NUL and other control characters, long and odd Unicode) and times and dates
from anywhere in the calendar. Each request is either refused with a 4xx that
names the field (and writes nothing) or accepted; afterwards every read model and
policy has caught up to the head of the log without holding back a single
aggregate."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import bearer, order_body
from tests.pg import fresh_database

# Text that likes the characters stores choke on: NUL, other controls, surrogates' kin.
TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(["\x00", "\x1f", "\u2028"]),
               min_size=1, max_size=250)  # fmt: skip
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
EARLIEST, LATEST = datetime(1, 1, 1), datetime(9999, 12, 31)  # noqa: DTZ001 - bounds, naive
# Anywhere in the calendar, and often at its very ends in a far-off offset.
TIMES = (st.datetimes(EARLIEST, LATEST, timezones=OFFSETS)
         | st.builds(EARLIEST.replace, tzinfo=OFFSETS)
         | st.builds(LATEST.replace, tzinfo=OFFSETS))  # fmt: skip
DATES = st.dates(date(1, 1, 1), date(9999, 12, 31))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[TestClient[Any], Runtime]]:  # fmt: skip
    home: Path = tmp_path_factory.mktemp("accepted")
    with fresh_database() if request.param == "postgres" else nullcontext("") as url:
        settings = Settings(database_url=url, sqlite_path=str(home / "log.db"),
                            data_dir=str(home), run_clock=False, run_projections=False)  # fmt: skip
        runtime = Runtime(settings)
        with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
            client.headers.update(bearer(runtime))
            yield client, runtime


def _answered(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        problem = response.json()
        assert problem["detail"], problem


@given(name=TEXT, region=TEXT, ref=TEXT, placed=TIMES, promised=DATES, note=TEXT,
       filename=TEXT, customer=TEXT, at=TIMES)  # fmt: skip
# The reproductions: a time at year 1 in +14:00 (year 0 in UTC), a NUL in a
# customer's name (PostgreSQL text cannot hold it), a 254-character file name.
@example(name="嘉兴\x00恒力", region="浙江", ref="EC-NUL", note="x", customer="c",
         placed=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
         promised=date(2026, 3, 1), filename="x" * 250 + ".pdf",
         at=datetime(2025, 12, 21, tzinfo=timezone(timedelta(hours=8))))  # fmt: skip
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_what_is_accepted_every_projection_applies(
    live: tuple[TestClient[Any], Runtime], name: str, region: str, ref: str, placed: datetime,
    promised: date, note: str, filename: str, customer: str, at: datetime,
) -> None:  # fmt: skip
    client, runtime = live
    order = client.post("/orders", json=order_body(
        ref, customer_name=name, region=region, placed_at=placed.isoformat(),
        promised_delivery=promised.isoformat()))  # fmt: skip
    _answered(order)
    if order.status_code < 300:
        order_id = order.json()["aggregate_id"]
        _answered(client.post(f"/orders/{order_id}/hold",
                              json={"reason": note, "at": at.isoformat()}))  # fmt: skip
        _answered(client.post(f"/orders/{order_id}/documents",
                              files={"file": (filename, b"%PDF-1.7", "application/pdf")},
                              data={"kind": "design_drawing", "title": note,
                                    "uploaded_at": at.isoformat()}))  # fmt: skip
    record = {"name": customer, "region": region, "at": at.isoformat()}
    _answered(client.put(f"/customers/C-{zlib.crc32(customer.encode()) % 10_000}", json=record))
    head = runtime.storage.read_store.head()
    for name_, projection in runtime.projections.items():
        projection.catch_up()
        assert projection.held() == [], (name_, projection.held())
        assert projection.position() >= head, name_
    runtime.dispatcher.dispatch_once()
