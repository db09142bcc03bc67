"""Limits checked before the work starts: rows per import, bytes per JSON body."""

from __future__ import annotations

from pathlib import Path

from api.exports import csv_bytes
from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import order_body, signed_in
from tests.api.test_hostile_input import log_end, problem_of
from tests.api.test_imports import CUSTOMER_ROWS


def small(tmp_path: Path) -> Runtime:
    return Runtime(Settings(sqlite_path=str(tmp_path / "log.db"), data_dir=str(tmp_path),
                            import_row_limit=3, json_limit=16 * 1024, run_clock=False))  # fmt: skip


def test_an_import_over_the_row_limit_is_413_and_writes_nothing(tmp_path: Path) -> None:
    runtime = small(tmp_path)
    header = list(CUSTOMER_ROWS[0])
    rows = [[f"C-{n}" if h == "customer_id" else CUSTOMER_ROWS[0][h] for h in header]
            for n in range(4)]  # fmt: skip
    with signed_in(runtime) as client:
        before = log_end(runtime)
        response = client.post("/imports/customers",
                               files={"file": ("c.csv", csv_bytes(header, rows))})  # fmt: skip
        problem = problem_of(response, 413)
        assert problem["rule"] == "too_many_rows"
        assert "3" in problem["detail"]
        assert log_end(runtime) == before
        fits = client.post("/imports/customers",
                           files={"file": ("c.csv", csv_bytes(header, rows[:3]))})  # fmt: skip
        assert fits.status_code == 200, fits.text


def test_a_json_body_over_the_limit_is_413_before_it_is_read(tmp_path: Path) -> None:
    runtime = small(tmp_path)
    with signed_in(runtime) as client:
        before = log_end(runtime)
        big = order_body(lines=[{**order_body()["lines"][1], "line_id": f"L{n}"}
                                for n in range(500)])  # fmt: skip
        response = client.post("/orders", json=big)
        assert problem_of(response, 413)["rule"] == "body_too_large"
        assert log_end(runtime) == before
        assert client.post("/orders", json=order_body()).status_code == 201
