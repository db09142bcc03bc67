"""Spreadsheet imports (XLSX or CSV) of historical orders, customers, products and stock,
each file checked whole before anything is written.

Users come from Excel. Each kind of file is a `Sheet` (`sheet`): its columns,
the columns that identify one item (an order, a customer, a product's
publication, a component) and how an item's rows become commands. `engine`
reads a file, checks every cell and every item as the API would check it, and
writes the items: a file with any problem imports nothing unless `valid_only`
is asked for, and then only the items without one.

Importing the same file again writes nothing: orders are known by channel and
reference, a record equal to the one there changes nothing, and each command's
id is the digest of the command itself, so a retried import is answered from
the log.
"""

from application.imports.catalogue import PRODUCTS
from application.imports.customers import CUSTOMERS
from application.imports.engine import import_file, read_rows
from application.imports.orders import ORDERS
from application.imports.sheet import (
    CellError,
    Column,
    ImportContext,
    ImportReport,
    Problem,
    Sheet,
    Upload,
    Write,
)
from application.imports.stock import STOCK_SHEET

SHEETS = {s.name: s for s in (ORDERS, CUSTOMERS, PRODUCTS, STOCK_SHEET)}

__all__ = [
    "CUSTOMERS",
    "ORDERS",
    "PRODUCTS",
    "SHEETS",
    "STOCK_SHEET",
    "CellError",
    "Column",
    "ImportContext",
    "ImportReport",
    "Problem",
    "Sheet",
    "Upload",
    "Write",
    "import_file",
    "read_rows",
]
