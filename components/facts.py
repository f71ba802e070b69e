"""Readers' names for facts and their values: a source row's table.column and raw code become labels."""
from __future__ import annotations

import pandas as pd

from cells import is_missing
from components.i18n import (
    code_label,
    coverage_label,
    format_number,
    format_partial_date,
    has_key,
    status_label,
    t,
    theme_label,
    transaction_label,
)
from data.schema import ORG_ROLES, TABLES, parse_bool
from geo.provinces import PROVINCE_PCODES, province_name

_CODES = {"theme": theme_label, "coverage": coverage_label, "activity_status": status_label,
          "transaction_type": transaction_label, "org_role": lambda code, lang: code_label(ORG_ROLES, code, lang)}
_KINDS = {column.name: column.kind for table in TABLES.values() for column in table.columns}


def fact_label(column: str, lang: str) -> str:
    """'Planned duration (months)' for duration_months; an unknown column keeps its name without underscores."""
    key = f"fact.{column}"
    return t(key, lang) if has_key(key) else column.replace("_", " ")


def fact_value(column: str, value: object, lang: str) -> str:
    """A fact's value as a reader reads it: code lists by label, booleans as yes/no, provinces by name, dates and
    numbers in the locale; text as stated."""
    if is_missing(value):
        return t("not_published", lang)
    text = str(value).strip()
    kind = _KINDS.get(column)
    try:
        if column in _CODES:
            code = int(float(text)) if column != "theme" and column != "coverage" else text
            return _CODES[column](code, lang)
        if kind == "bool":
            parsed = parse_bool(text)
            return text if parsed is None else t("fact.yes" if parsed else "fact.no", lang)
        if kind == "pcode" and text in PROVINCE_PCODES:
            return province_name(text)
        if kind == "date":
            return format_partial_date(text, lang)
        if kind in ("int", "amount"):
            return format_number(float(text), lang)
        if kind == "share":
            return f"{format_number(round(100 * float(text), 1), lang)} %"
    except ValueError:  # a source states the value in words: show it as stated
        return text
    return text


def fact_values(columns: pd.Series, values: pd.Series, lang: str) -> list[str]:
    return [fact_value(c, v, lang) for c, v in zip(columns, values)]
