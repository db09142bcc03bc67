"""The stock sheet: one row per component, its count (and its definition, if named).

Each count names the file it came from (its name and digest), so importing the
same file again counts nothing twice.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from application.imports.sheet import (
    Builder,
    CellError,
    Column,
    ImportContext,
    Rows,
    Sheet,
    Upload,
    Write,
    fits,
)
from application.intake import Aware
from domain.deciders import STOCK
from domain.stock import CountStock, DefineComponent, PartNo, StockCommand, stock_item_id

_PART_NUMBER = "letters, digits and . _ / - (at most 64)"


def _stock_builder(_: ImportContext, upload: Upload) -> Builder:
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
    source = f"import {name} ({upload.sha256[:12]})"

    def build(rows: Rows) -> list[Write]:
        row = rows[0][1]
        counted_at = msgspec.convert(row["counted_at"], Aware, strict=False)
        part = row["part"]
        alternatives = tuple(a.strip() for a in row.get("alternatives", "").split(";") if a.strip())
        for code in alternatives:
            if not fits(code, PartNo):
                raise CellError("alternatives", f"{code!r} is not a part number: {_PART_NUMBER}")
        commands: list[StockCommand] = []
        if row.get("name"):
            commands.append(
                msgspec.convert(
                    {
                        "part": part,
                        "name": row["name"],
                        "unit": row.get("unit") or "pcs",
                        "safety_level": row.get("safety_level") or "0",
                        "alternatives": alternatives,
                        "at": counted_at,
                    },
                    DefineComponent,
                    strict=False,
                )
            )
        commands.append(
            CountStock(part=part, on_hand=Decimal(row["on_hand"]), source=source, at=counted_at)
        )
        for command in commands:
            STOCK.decide(command, STOCK.initial)
        return [Write.of(STOCK, stock_item_id(part), c) for c in commands]

    return build


STOCK_SHEET = Sheet(
    name="stock",
    columns=(
        Column("part", f"the component's part number: {_PART_NUMBER}", PartNo),
        Column("name", "the component's name (empty: only the count)", required=False),
        Column("unit", "the unit counted (empty: pcs)", required=False),
        Column("on_hand", "the quantity counted, 0 or more", Decimal),
        Column(
            "safety_level", "the safety stock level, 0 or more (empty: 0)", Decimal, required=False
        ),
        Column("alternatives", "alternative part numbers separated by ;", required=False),
        Column(
            "counted_at",
            "when it was counted, with its UTC offset, e.g. 2026-01-05T08:00:00+08:00",
            Aware,
        ),
    ),
    example=(
        (
            "BRG-6205",
            "深沟球轴承 6205",
            "pcs",
            "120",
            "40",
            "BRG-6205-ZZ",
            "2026-01-05T08:00:00+08:00",
        ),
    ),
    key=("part",),
    shared=(),
    builder=_stock_builder,
)
