"""The "data as of" line every page shows: which data is in use, when it was confirmed, and how recent its sources
are."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.i18n import format_partial_date, t
from data.portfolio import Portfolio
from data.storage import Version, active_version

Memo = Callable[..., object]  # View.memo(name, compute, *key)


def _newest(values: pd.Series, first: pd.Series, today: dt.date) -> tuple[pd.Timestamp, str] | None:
    """The latest date of a column not after today: its first day (`first`, the column typed) and its text as
    given; None when there is none (a malformed date never blocks the page: validation reports it)."""
    usable = first.reset_index(drop=True)
    usable = usable[usable.notna() & (usable <= pd.Timestamp(today))]
    if usable.empty:
        return None
    return usable.max(), str(values.iloc[usable.idxmax()])  # idxmax: the first row holding the latest date


def compute_newest_source(portfolio: Portfolio, today: dt.date) -> tuple[str, str | None]:
    """('document', date) — the newest publication date of a source document; when no document is dated,
    ('fact', date) — the newest published date among the facts themselves (value dates, actual starts and ends)."""
    def newest(table: str, column: str) -> tuple[pd.Timestamp, str] | None:
        frame = portfolio.table(table)
        if column not in frame:
            return None
        return _newest(frame[column], portfolio.date_bounds(table)[f"{column}_first"], today)

    document = newest("documents", "published")
    if document:
        return "document", document[1]
    dates = [d for d in (newest("funding", "value_date"), newest("projects", "actual_start"),
                         newest("projects", "actual_end")) if d]
    return "fact", max(dates, key=lambda d: d[0])[1] if dates else None


def as_of_text(version: Version | None, portfolio: Portfolio, today: dt.date, lang: str,
               newest_source: tuple[str, str | None] | None = None) -> str:
    kind, newest = newest_source or compute_newest_source(portfolio, today)
    in_use = t("asof.sample", lang) if version is None else t(
        "asof.version", lang, version=version.id.split("-")[0], date=format_partial_date(version.time[:10], lang))
    source = t(f"asof.newest.{kind}", lang, date=format_partial_date(newest, lang)) if newest else \
        t("asof.newest.none", lang)
    return t("asof.line", lang, in_use=in_use, source=source)


def render_as_of(portfolio: Portfolio, today: dt.date, lang: str, memo: Memo | None = None) -> None:
    """`memo` (View.dataset_memo): the newest source date is found once per dataset and day, whatever the filters."""
    newest = memo("newest_source", lambda: compute_newest_source(portfolio, today)) if memo else None
    st.caption(as_of_text(active_version(), portfolio, today, lang, newest))
