"""A version's label carries the day of its upload in the company's time zone.

Reported: an upload at 02:30 Shanghai time was labelled the day before (the date
was taken in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import signed_in
from tests.api.test_documents import place


def label(runtime: Runtime, uploaded_at: str | None) -> str:
    with signed_in(runtime) as client:
        order_id = place(client)
        form = {"kind": "design_drawing", "title": "Frame"}
        if uploaded_at is not None:
            form["uploaded_at"] = uploaded_at
        answer = client.post(f"/orders/{order_id}/documents", data=form,
                             files={"file": ("frame.pdf", b"%PDF-1.4 frame", "application/pdf")})
        assert answer.status_code in (200, 201), answer.text
        return str(answer.json()["label"])


@pytest.mark.parametrize(("zone", "day"), [("Asia/Shanghai", "20251221"),
                                           ("Europe/Berlin", "20251220")])  # fmt: skip
def test_the_label_is_dated_in_the_company_time_zone(
    runtime: Runtime, zone: str, day: str
) -> None:
    runtime.settings = msgspec.structs.replace(runtime.settings, time_zone=zone)
    runtime.zone = runtime.settings.zone
    # 02:30 in Shanghai on the 21st is 18:30 UTC on the 20th, 19:30 in Berlin.
    assert label(runtime, "2025-12-20T18:30:00Z") == f"V1.0_{day}"


def test_without_a_time_the_label_is_dated_by_the_clock_in_the_company_zone(
    runtime: Runtime,
) -> None:
    runtime.clock = lambda: datetime(2025, 12, 20, 18, 30, tzinfo=UTC)  # type: ignore[method-assign]
    assert label(runtime, None) == "V1.0_20251221"


def test_a_time_zone_that_does_not_exist_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(sqlite_path=str(tmp_path / "o.db"), data_dir=str(tmp_path),
                        time_zone="Mars/Olympus")  # fmt: skip
    with pytest.raises(ValueError, match="ORDERHUB_TIME_ZONE='Mars/Olympus'"):
        Runtime(settings)
