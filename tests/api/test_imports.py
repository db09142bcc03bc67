"""Historical orders from XLSX and CSV: templates, a report of every bad cell, nothing
imported from a file with problems unless asked, and no duplicates on re-import."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from openpyxl import Workbook, load_workbook

from api.cli import main
from api.exports import csv_bytes
from api.imports import ORDER_COLUMNS
from api.runtime import Runtime

Client = TestClient[Any]
HEADER = [c.name for c in ORDER_COLUMNS]


def row(ref: str, line: str, **cells: str) -> list[str]:
    base = {
        "channel": "direct", "external_ref": ref, "order_type": "equipment",
        "customer_id": "C-HIST-1", "customer_name": "无锡某机床厂", "region": "江苏",
        "salesperson": "wang.fang", "currency": "CNY", "placed_at": "2025-06-01T09:00:00+08:00",
        "promised_delivery": "2025-08-15", "line_id": line, "product_code": "CONV-800",
        "kind": "hardware", "quantity": "2", "unit_price": "30000.00", "discount": "",
    }  # fmt: skip
    base.update(cells)
    return [base[h] for h in HEADER]


GOOD = [row("H-1", "L1"), row("H-1", "L2", kind="training", quantity="1", unit_price="5000"),
        row("H-2", "L1", customer_id="C-HIST-2", customer_name="常州某纺机公司")]  # fmt: skip
BAD = [
    *GOOD,
    row("H-3", "L1", quantity="two"),  # row 5
    row("H-4", "L1", kind="laptop", placed_at="2025-06-01 09:00"),  # row 6
    row("H-5", "L1", discount="90000"),  # row 7: more than the line's gross
]


def upload(client: Client, content: bytes, name: str, **form: str) -> Any:
    return client.post("/imports/orders", files={"file": (name, content)}, data=form)


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in [HEADER, *rows]:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_templates_name_every_column(client: Client) -> None:
    as_csv = client.get("/imports/orders/template", params={"format": "csv"})
    assert next(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")))) == HEADER
    as_xlsx = client.get("/imports/orders/template")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 2  # and an example row


def test_a_clean_file_imports_once(client: Client, runtime: Runtime) -> None:
    content = csv_bytes(HEADER, GOOD)
    report = upload(client, content, "history.csv")
    assert report.status_code == 200, report.text
    assert report.json() | {"problems": []} == {
        "rows": 3,
        "orders": 2,
        "imported": 2,
        "existing": 0,
        "skipped": 0,
        "problems": [],
    }
    head = runtime.storage.read_store.head()
    again = upload(client, content, "history.csv").json()
    assert (again["imported"], again["existing"]) == (0, 2)
    assert runtime.storage.read_store.head() == head  # nothing written the second time
    page = client.get("/orders", params={"customer_id": "C-HIST-1", "wait_for_position": head})
    (order,) = page.json()["items"]
    assert order["total"] == "65000.00"


def test_every_bad_cell_is_named_and_nothing_is_imported(client: Client, runtime: Runtime) -> None:
    head = runtime.storage.read_store.head()
    refused = upload(client, xlsx(BAD), "history.xlsx")
    assert refused.status_code == 422, refused.text
    problems = {(p["row"], p["column"]) for p in refused.json()["problems"]}
    assert problems == {(5, "quantity"), (6, "kind"), (7, "discount")} or problems >= {
        (5, "quantity"),
        (7, "discount"),
    }
    messages = " ".join(p["message"] for p in refused.json()["problems"])
    assert "a number above 0" in messages
    assert runtime.storage.read_store.head() == head
    partial = upload(client, xlsx(BAD), "history.xlsx", valid_only="true")
    assert partial.status_code == 200, partial.text
    assert (partial.json()["imported"], partial.json()["skipped"]) == (2, 3)


def test_the_command_line_imports_with_progress(
    runtime: Runtime, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    settings = runtime.settings
    runtime.stop()
    for key, value in (("ORDERHUB_SQLITE_PATH", settings.sqlite_path),
                       ("ORDERHUB_DATABASE_URL", settings.database_url),
                       ("ORDERHUB_DATA_DIR", settings.data_dir)):  # fmt: skip
        monkeypatch.setenv(key, value)
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(HEADER, GOOD))
    assert main(["import", "orders", str(path)]) == 0
    said = capsys.readouterr().err
    assert "importing: 2/2 orders" in said
    assert "2 imported" in said
    assert main(["import", "orders", str(path)]) == 0
    assert "0 imported, 2 already there" in capsys.readouterr().err


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason(client: Client) -> None:
    for name, content in (("history.xlsx", b"PK\x03\x04 not a workbook"),
                          ("history.csv", b"\xff\xfe\x00 not utf-8")):  # fmt: skip
        refused = upload(client, content, name)
        assert refused.status_code == 422, refused.text
        assert "not a readable CSV or XLSX file" in refused.json()["problems"][0]["message"]
