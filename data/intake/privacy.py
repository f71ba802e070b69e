"""Personal contact details (e-mail addresses, phone numbers) found in the text cells of a table."""
from __future__ import annotations

import re

import pandas as pd

from data.schema import ROW_COLUMN, TABLES, Problem, is_missing

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers (+243 81 234 5678, +32 2 555 12 34) and Congolese mobiles written locally (0812345678,
# 081 234 56 78). Amounts and years never start with '+' or '08'/'09' followed by exactly nine digits.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}(?:[\s.()-]*\d){7,12}|0[89]\d(?:[\s.-]?\d){7})(?![\w])")
TEXT_KINDS = ("text", "list")


def find_contact_details(table: str, frame: pd.DataFrame, file: str) -> list[Problem]:
    """One error per cell holding an e-mail address or a phone number: such rows are refused, so the portfolio
    shown to everyone never carries them (the uploaded original, kept byte for byte, is not published)."""
    columns = [c.name for c in TABLES[table].columns if c.kind in TEXT_KINDS and c.name in frame.columns]
    problems = []
    for row in frame.to_dict("records"):  # dicts: iterrows builds a Series per row
        for column in columns:
            value = row[column]
            if is_missing(value):
                continue
            text = str(value)
            found = "an e-mail address" if EMAIL.search(text) else "a phone number" if PHONE.search(text) else None
            if found:
                problems.append(Problem(file, int(row[ROW_COLUMN]) if ROW_COLUMN in row else None, column,
                                        f"contains {found}: personal contact details are not kept in the "
                                        "portfolio (remove them and upload again)"))
    return problems
