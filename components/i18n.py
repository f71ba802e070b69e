"""UI strings in English and French, and locale-aware number, money and date formatting (babel)."""
from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_compact_currency, format_decimal

from data.schema import ACTIVITY_STATUS, COLUMN_LABELS, COVERAGE, THEMES, TRANSACTION_TYPES, date_period

LANGUAGES = {"en": "English", "fr": "Français"}
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


@cache
def locale_of(lang: str) -> Locale:
    """The parsed babel Locale of a language, kept: babel re-reads a locale named by a string on every call (5x the
    cost of a number formatted with the Locale object)."""
    return Locale.parse(LOCALES[lang])

CATALOGUE_DIR = Path(__file__).resolve().parent / "locales"
Entry = str | dict[str, str]  # a plain string, or plural forms keyed by CLDR category ("one", "other"…)


@cache
def catalogue() -> dict[str, dict[str, Entry]]:
    """Every UI string: key -> {language: text or plural forms}, read once from `locales/<lang>/*.toml`.

    One file per feature and language, so features add strings without touching each other's files; a key
    defined in two files of one language is an error, never a silent override. Column labels (`fact.<column>`)
    come from the schema's registry, their one home (pages, template and reports say the same), so a TOML file
    that defines one again is an error too."""
    merged: dict[str, dict[str, Entry]] = {f"fact.{column}": dict(labels) for column, labels in COLUMN_LABELS.items()}
    for lang in LANGUAGES:
        for path in sorted((CATALOGUE_DIR / lang).glob("*.toml")):
            with path.open("rb") as handle:
                for key, text in tomllib.load(handle).items():
                    if lang in merged.get(key, {}):
                        raise ValueError(f"UI string {key!r} is defined twice for {lang!r} ({path.name})")
                    merged.setdefault(key, {})[lang] = text
    return merged


def has_key(key: str) -> bool:
    return key in catalogue()


def t(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang`, formatted with `values`; plural forms follow babel's rule for `n`; whole
    numbers in COUNT_PLACEHOLDERS are grouped the language's way."""
    text = catalogue()[key][lang]
    if isinstance(text, dict):
        count = values.get("n", 0)
        form = locale_of(lang).plural_form(abs(count) if isinstance(count, (int, float)) else 0)
        text = text.get(form, text["other"])
    if not values:
        return text
    counted = {k: format_decimal(v, locale=locale_of(lang)) if k in COUNT_PLACEHOLDERS and type(v) is int else v
               for k, v in values.items()}
    return text.format(**counted)


# Placeholders that only ever hold a count or a row number: shown with the language's grouping ("10 000 projets sur
# 10 000" / "10,000 of 10,000 projects"), where str() wrote "10000". Years never go through these names.
COUNT_PLACEHOLDERS = frozenset({"n", "total", "shown", "count", "first", "last"})


def code_label(codes: dict, code: object, lang: str) -> str:
    """Label of an IATI or project code list entry, or 'not published'."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("not_published", lang)
    try:
        return codes[code][lang]
    except (KeyError, TypeError):
        return str(code)


def status_label(code: object, lang: str) -> str:
    return code_label(ACTIVITY_STATUS, None if code is None or code != code else int(code), lang)


def theme_label(code: object, lang: str) -> str:
    return code_label(THEMES, code, lang)


def coverage_label(code: object, lang: str) -> str:
    return code_label(COVERAGE, code, lang)


def transaction_label(code: object, lang: str) -> str:
    return code_label(TRANSACTION_TYPES, None if code is None or code != code else int(code), lang)


def format_each(values: pd.Series | list, label: Callable[[object], str]) -> list[str]:
    """label(cell) for every cell, computed once per distinct value: a page of rows repeats the same statuses,
    themes, dates and donors, and each label is a babel or catalogue call. Missing cells (NaN, NA) reach label
    as None."""
    done: dict = {}
    out = []
    for value in (values.tolist() if isinstance(values, pd.Series) else values):
        key = None if value is None or value is pd.NA or value != value else value
        if key not in done:
            done[key] = label(key)
        out.append(done[key])
    return out


def format_money(amount: float | None, currency: str, lang: str) -> str:
    """Compact money ('€12.5M' / '12,5 M€'); None → 'not published', never 0."""
    if amount is None or amount != amount:
        return t("not_published", lang)
    return _compact_money(amount, currency, lang)


# Pure functions of hashable values, kept across reruns and sessions: a new filter state shows amounts and dates
# already formatted for another (babel costs 20-150 µs a value; a page of 100 rows formats hundreds).
@lru_cache(maxsize=1 << 16, typed=True)
def _compact_money(amount: float, currency: str, lang: str) -> str:
    return format_compact_currency(amount, currency, locale=locale_of(lang), fraction_digits=1)


def format_number(value: float | None, lang: str) -> str:
    if value is None or value != value:
        return t("not_published", lang)
    return _decimal(value, lang)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: 3 and 3.0 (or a numpy number) are formatted each on its own
def _decimal(value: float, lang: str) -> str:
    return format_decimal(value, locale=locale_of(lang))


def format_households(value: float | None, minimum: object, lang: str) -> str:
    """A count of households with its sources' qualifier, worded one way per language everywhere (tiles, tables,
    hovers, slides): 'more than 3,000' / 'plus de 3 000'; 'not published' when missing."""
    missing = value is None or value is pd.NA or value != value
    text = format_number(None if missing else int(value), lang)
    qualified = minimum is True or (minimum is not None and minimum is not pd.NA and minimum == minimum
                                    and bool(minimum))  # pd.isna without its cost per cell
    return t("map.more_than", lang, value=text) if qualified and not missing else text


def format_partial_date(value: object, lang: str) -> str:
    """'14 Dec 2021' / '14 déc. 2021'; a year or month alone stays a year or month (data.schema.date_period)."""
    parsed = date_period(value)
    if parsed is None:
        return t("not_published", lang)
    return _date_text(parsed.first, parsed.precision, lang)


@lru_cache(maxsize=1 << 14)
def _date_text(first: dt.date, precision: str, lang: str) -> str:
    if precision == "year":
        return str(first.year)
    if precision == "month":
        return babel_format_date(first, "MMM y", locale=locale_of(lang))
    return babel_format_date(first, "medium", locale=locale_of(lang))
