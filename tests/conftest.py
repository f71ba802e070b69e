"""Fixtures shared across test packages."""
from __future__ import annotations

import io

import openpyxl
import pytest

from data.schema import TABLES
from data.template import TEMPLATE_TABLES, example_rows, make_template_xlsx


@pytest.fixture(scope="session")
def filled_template_xlsx() -> bytes:
    """The workbook template with one example row in each data sheet, as a user sends it back."""
    book = openpyxl.load_workbook(io.BytesIO(make_template_xlsx()))
    rows = example_rows()
    for table in TEMPLATE_TABLES:
        book[table].append([rows[table][c] for c in TABLES[table].column_names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
