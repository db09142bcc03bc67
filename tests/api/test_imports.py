"""Imports from XLSX and CSV (historical orders, customers, products, stock): templates, a
report of every bad cell, nothing imported from a file with problems unless asked, and no
duplicates on re-import."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from openpyxl import Workbook, load_workbook

from api.cli import main
from api.exports import csv_bytes
from api.runtime import Runtime
from application.imports import CUSTOMERS, ORDERS, PRODUCTS, STOCK_SHEET, Sheet, Upload
from application.imports.engine import read_rows
from infrastructure.daemon.rebuild import compare
from tests.api.conftest import quiet

Client = TestClient[Any]
HEADER = [c.name for c in ORDERS.columns]


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


def upload(client: Client, content: bytes, name: str, kind: str = "orders", **form: str) -> Any:
    return client.post(f"/imports/{kind}", files={"file": (name, content)}, data=form)


def xlsx(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in [header, *rows]:
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
        "kind": "orders",
        "rows": 3,
        "items": 2,
        "imported": 2,
        "existing": 0,
        "skipped": 0,
        "problems": [],
    }
    # The policies react to the new orders in the background (a prediction, the stock
    # reserved): wait for them, so only what the second upload writes is counted.
    quiet(runtime)
    head = runtime.storage.log.max_notification_id()
    again = upload(client, content, "history.csv").json()
    assert (again["imported"], again["existing"]) == (0, 2)
    assert quiet(runtime) == head  # nothing written the second time
    page = client.get("/orders", params={"customer_id": "C-HIST-1", "wait_for_position": head})
    (order,) = page.json()["items"]
    assert order["total"] == "65000.00"


def test_every_bad_cell_is_named_and_nothing_is_imported(client: Client, runtime: Runtime) -> None:
    head = runtime.storage.read_store.head()
    refused = upload(client, xlsx(BAD), "history.xlsx")
    assert refused.status_code == 422, refused.text
    problems = {(p["row"], p["column"]) for p in refused.json()["problems"]}
    assert problems == {(5, "quantity"), (6, "kind"), (6, "placed_at"), (7, "discount")}
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


def header_of(sheet: Sheet) -> list[str]:
    return [c.name for c in sheet.columns]


def table(sheet: Sheet, rows: list[dict[str, str]]) -> bytes:
    header = header_of(sheet)
    return csv_bytes(header, [[r.get(h, "") for h in header] for r in rows])


def settled(client: Client, runtime: Runtime, path: str, **params: Any) -> Any:
    head = runtime.storage.read_store.head()
    answer = client.get(path, params={**params, "wait_for_position": head})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_every_kind_has_a_template_with_its_example(client: Client) -> None:
    for sheet in (ORDERS, CUSTOMERS, PRODUCTS, STOCK_SHEET):
        got = client.get(f"/imports/{sheet.name}/template", params={"format": "csv"})
        assert got.status_code == 200, got.text
        header, rows = read_rows(Upload(got.content, "template.csv"))  # as an import reads it
        assert header == header_of(sheet)
        assert [[row[h] for h in header] for _n, row in rows] == list(map(list, sheet.example))


CUSTOMER_ROWS = [
    {"customer_id": "C-IMP-1", "name": "宁波某注塑机厂", "region": "浙江", "industry": "注塑",
     "salesperson": "wang.fang", "payment_days": "60", "contact_name": "李娜",
     "contact_phone": "+86 574 8888 0000", "contact_email": "li.na@example.cn"},
    {"customer_id": "C-IMP-2", "name": "苏州某电子公司", "region": "江苏"},
]  # fmt: skip


def test_customers_import_into_the_customer_master_once(client: Client, runtime: Runtime) -> None:
    content = table(CUSTOMERS, CUSTOMER_ROWS)
    report = upload(client, content, "customers.csv", "customers")
    assert report.status_code == 200, report.text
    assert (report.json()["items"], report.json()["imported"]) == (2, 2)
    listed = settled(client, runtime, "/customers", region="浙江")
    seen = [(c["customer_id"], c["name"], c["payment_days"], c["has_contact"], c["rating"])
            for c in listed]  # fmt: skip
    assert seen == [("C-IMP-1", "宁波某注塑机厂", "60", "yes", "standard")]
    one = client.get("/customers/C-IMP-1").json()
    assert one["contact"] == {"name": "李娜", "phone": "+86 574 8888 0000",
                              "email": "li.na@example.cn", "erased": False,
                              "withheld": False}  # fmt: skip
    head = runtime.storage.read_store.head()
    again = upload(client, content, "customers.csv", "customers").json()
    assert (again["imported"], again["existing"]) == (0, 2)
    assert runtime.storage.read_store.head() == head  # the same records again: nothing written
    moved = table(CUSTOMERS, [CUSTOMER_ROWS[0], {**CUSTOMER_ROWS[1], "region": "上海"}])
    changed = upload(client, moved, "customers.csv", "customers").json()
    assert (changed["imported"], changed["existing"]) == (1, 1)
    (record,) = settled(client, runtime, "/customers", region="上海")
    assert record["customer_id"] == "C-IMP-2"
    assert client.get("/customers/C-IMP-2").json()["version"] == 2
    tiered = client.put("/catalogue/customer-tiers/C-IMP-1", json={"tier": "key"})
    assert tiered.status_code == 200, tiered.text
    (key,) = settled(client, runtime, "/customers", tier="key")
    assert (key["customer_id"], key["name"]) == ("C-IMP-1", "宁波某注塑机厂")
    assert compare(runtime.projections["customers"]) == []  # rebuilt from the log: the same


def test_bad_customer_cells_are_named_and_nothing_is_written(
    client: Client, runtime: Runtime
) -> None:
    head = runtime.storage.read_store.head()
    rows = [*CUSTOMER_ROWS,
            {"customer_id": "C-IMP-3", "name": "", "region": "江苏", "payment_days": "sixty"},
            {"customer_id": "C-IMP-4", "name": "某厂", "region": "江苏",
             "contact_email": "not an address"},
            {"customer_id": "C-IMP-1", "name": "重复", "region": "浙江"},
            {"customer_id": "C" * 201, "name": "过长", "region": "浙江"}]  # fmt: skip
    refused = upload(client, xlsx([[r.get(h, "") for h in header_of(CUSTOMERS)] for r in rows],
                                  header_of(CUSTOMERS)), "customers.xlsx", "customers")  # fmt: skip
    assert refused.status_code == 422, refused.text
    cells = {(p["row"], p["column"]) for p in refused.json()["problems"]}
    assert cells == {(4, "name"), (4, "payment_days"), (5, "contact_email"), (6, "customer_id"),
                     (7, "customer_id")}  # fmt: skip
    assert runtime.storage.read_store.head() == head


PRODUCT_ROWS = [
    {"code": "SRV-G6", "name": "计算服务器 G6", "kind": "hardware", "currency": "CNY",
     "list_price": "150000", "ssp": "140000", "ssp_method": "observed",
     "attributes": "hardware_generation=G6; rack_units=2", "effective_from": "2026-01-01"},
    {"code": "SRV-G6", "name": "计算服务器 G6", "kind": "hardware", "currency": "USD",
     "list_price": "21000", "ssp": "19500", "ssp_method": "observed",
     "attributes": "hardware_generation=G6; rack_units=2", "effective_from": "2026-01-01"},
    {"code": "MON-SAAS", "name": "监控平台订阅", "kind": "subscription", "unit": "seat",
     "currency": "CNY", "list_price": "1200", "ssp": "1100", "ssp_method": "adjusted_market",
     "regions": "浙江;江苏", "auto_renew": "yes", "effective_from": "2026-01-01"},
]  # fmt: skip


def test_products_publish_into_the_catalogue_once(client: Client, runtime: Runtime) -> None:
    content = table(PRODUCTS, PRODUCT_ROWS)
    report = upload(client, content, "products.csv", "products")
    assert report.status_code == 200, report.text
    assert (report.json()["rows"], report.json()["items"], report.json()["imported"]) == (3, 2, 2)
    products = client.get("/catalogue", params={"on": "2026-02-01"}).json()["products"]
    server, saas = products["SRV-G6"]["product"], products["MON-SAAS"]["product"]
    assert server["list_prices"] == {"CNY": "150000", "USD": "21000"}
    assert server["attributes"] == {"hardware_generation": "G6", "rack_units": "2"}
    assert (saas["unit"], saas["regions"], saas["auto_renew"]) == ("seat", ["浙江", "江苏"], True)
    assert "SRV-G6" not in client.get("/catalogue", params={"on": "2025-12-31"}).json()["products"]
    head = runtime.storage.read_store.head()
    assert upload(client, content, "products.csv", "products").json()["existing"] == 2
    assert runtime.storage.read_store.head() == head
    dearer = table(PRODUCTS, [{**r, "list_price": "160000"} if r["currency"] == "CNY" and
                              r["code"] == "SRV-G6" else r for r in PRODUCT_ROWS])  # fmt: skip
    assert upload(client, dearer, "products.csv", "products").json()["imported"] == 1
    history = client.get("/catalogue/products/SRV-G6").json()["publications"]
    assert [p["product"]["list_prices"]["CNY"] for p in history] == ["150000", "160000"]


def test_bad_product_cells_are_named(client: Client, runtime: Runtime) -> None:
    head = runtime.storage.read_store.head()
    rows = [*PRODUCT_ROWS,
            {**PRODUCT_ROWS[2], "code": "X-1", "kind": "gadget", "auto_renew": "maybe"},
            {**PRODUCT_ROWS[0], "code": "X-2", "attributes": "generation"},
            {**PRODUCT_ROWS[0], "code": "X-3"}, {**PRODUCT_ROWS[0], "code": "X-3"},
            {**PRODUCT_ROWS[0], "code": "X-4", "name": "另一个名字"},
            {**PRODUCT_ROWS[1], "code": "X-4"}]  # fmt: skip
    refused = upload(client, table(PRODUCTS, rows), "products.csv", "products")
    assert refused.status_code == 422, refused.text
    cells = {(p["row"], p["column"]) for p in refused.json()["problems"]}
    assert cells == {(5, "kind"), (5, "auto_renew"), (6, "attributes"), (8, "currency"),
                     (10, "name")}  # fmt: skip
    assert runtime.storage.read_store.head() == head
    partial = upload(client, table(PRODUCTS, rows), "products.csv", "products", valid_only="true")
    assert (partial.json()["imported"], partial.json()["skipped"]) == (2, 4)


STOCK_ROWS = [
    {"part": "PLC-S7-1500", "name": "PLC", "unit": "pcs", "on_hand": "4", "safety_level": "2",
     "alternatives": "PLC-S7-1200", "counted_at": "2026-01-05T08:00:00+08:00"},
]  # fmt: skip


def test_stock_counts_check_every_cell_first_and_never_import_twice(
    client: Client, runtime: Runtime
) -> None:
    bad = [*STOCK_ROWS, {"part": "bad part!", "name": "X", "on_hand": "-1", "safety_level": "x",
                         "counted_at": "2026-01-05 08:00"}]  # fmt: skip
    refused = upload(client, table(STOCK_SHEET, bad), "erp.csv", "stock")
    assert refused.status_code == 422, refused.text
    cells = {(p["row"], p["column"]) for p in refused.json()["problems"]}
    assert cells == {(3, "part"), (3, "on_hand"), (3, "safety_level"), (3, "counted_at")}
    assert settled(client, runtime, "/stock") == []  # nothing imported
    partial = upload(client, table(STOCK_SHEET, bad), "erp.csv", "stock", valid_only="true")
    assert (partial.json()["imported"], partial.json()["skipped"]) == (1, 1)
    again = upload(client, table(STOCK_SHEET, STOCK_ROWS), "erp.csv", "stock").json()
    assert (again["imported"], again["existing"]) == (0, 1)
    [plc] = settled(client, runtime, "/stock")
    assert (plc["part"], plc["on_hand"], plc["safety_level"], plc["alternatives"]) == (
        "PLC-S7-1500", "4", "2", "PLC-S7-1200")  # fmt: skip
    recount = [{**STOCK_ROWS[0], "on_hand": "3", "counted_at": "2026-02-01T08:00:00+08:00"},
               {**STOCK_ROWS[0], "part": "bad part!"},
               {**STOCK_ROWS[0], "part": "PLC-X",
                "alternatives": "PLC-S7-1200; bad alt!"}]  # fmt: skip
    named = upload(client, table(STOCK_SHEET, recount), "erp.csv", "stock", valid_only="true")
    assert named.json()["problems"][0]["column"] == "part"
    assert [(p["row"], p["column"]) for p in named.json()["problems"]] == [
        (3, "part"), (4, "alternatives")]  # fmt: skip
    [plc] = settled(client, runtime, "/stock")
    assert plc["on_hand"] == "3"
