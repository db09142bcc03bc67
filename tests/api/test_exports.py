"""Exports finance opens in Excel: CSV with a BOM, XLSX with exact numbers and real dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from api.exports import csv_bytes, xlsx_bytes

HEADER = ("customer", "amount", "due_on")
ROWS = [("苏州精工机械有限公司", Decimal("1234567.89"), date(2026, 3, 1)),
        ('say "hi", ok', Decimal("0.10"), None)]  # fmt: skip


def test_csv_keeps_chinese_and_decimals_exact_with_a_bom() -> None:
    data = csv_bytes(HEADER, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [list(HEADER), ["苏州精工机械有限公司", "1234567.89", "2026-03-01"],
                    ['say "hi", ok', "0.10", ""]]  # fmt: skip
    assert b"\r\n" in data


def test_xlsx_has_a_bold_header_numbers_and_dates() -> None:
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes("dunning 2026-03-02", HEADER, ROWS))
    ).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert Decimal(str(sheet["B2"].value)) == Decimal("1234567.89")
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].value == datetime(2026, 3, 1)  # noqa: DTZ001 - Excel dates are naive
    assert sheet["A2"].value == "苏州精工机械有限公司"


def test_the_same_rows_give_the_same_bytes_and_long_titles_fit() -> None:
    assert xlsx_bytes("x" * 40, HEADER, ROWS) == xlsx_bytes("x" * 40, HEADER, ROWS)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("x" * 40, HEADER, ROWS))).active
    assert sheet is not None
    assert sheet.title == "x" * 31


def test_control_characters_reach_the_sheet_escaped_not_as_a_failure() -> None:
    book = xlsx_bytes("parts", ["part"], [["valve\x1b-7\x00"]])
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    assert sheet["A2"].value == "valve\\x1b-7\\x00"
