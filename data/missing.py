"""The one test for 'not published': None, NaN, NA and blank strings (a leaf module: imports only pandas)."""
from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and blank strings: the canonical 'not published'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
