"""Exports finance opens in Excel: CSV with a BOM, XLSX with exact numbers and real dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from api.exports import csv_bytes, xlsx_bytes
from application.imports import Upload
from application.imports.engine import read_rows

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


FORMULAS = ['=HYPERLINK("http://evil.example","点这里")', "+1+1", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1", "=cmd|' /C calc'!A0"]  # fmt: skip


def test_csv_cells_that_would_run_as_formulas_are_escaped() -> None:
    """OWASP, CSV Injection: a cell starting with =, +, -, @, tab or carriage return is
    prefixed with a single quote so a spreadsheet reads it as text; numbers stay numbers."""
    rows = [(text, Decimal("-12.50"), "-3") for text in FORMULAS]
    read = list(csv.reader(io.StringIO(csv_bytes(HEADER, rows).decode("utf-8-sig"))))
    for text, row in zip(FORMULAS, read[1:], strict=True):
        assert row == ["'" + text, "-12.50", "-3"]


def test_xlsx_keeps_formula_like_text_as_text() -> None:
    rows = [(text, Decimal(1), None) for text in FORMULAS]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("x", HEADER, rows))).active
    assert sheet is not None
    for text, (cell,) in zip(FORMULAS, sheet.iter_rows(min_row=2, max_col=1), strict=True):
        assert cell.data_type == "s"
        assert cell.value == text.replace("\r", "\n")  # XML reads a bare CR as LF
        assert cell.quotePrefix


def test_an_escaped_csv_imports_back_as_it_was() -> None:
    """A phone number such as +86 573 ... is escaped on export and read back whole."""
    texts = ["+86 573 8888 0000", "=1+1", "'quoted already", "-"]
    data = csv_bytes(("phone",), [(t,) for t in texts])
    _header, rows = read_rows(Upload(data, "customers.csv"))
    assert [row["phone"] for _n, row in rows] == texts
