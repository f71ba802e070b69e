"""The "data as of" line every page shows: which data is in use, when it was confirmed, and how recent its sources
are."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.i18n import format_partial_date, t
from data.portfolio import Portfolio
from data.schema import partial_date_bounds
from data.storage import Version, active_version

Memo = Callable[..., object]  # View.memo(name, compute, *key)


def _newest(values: pd.Series, today: dt.date) -> tuple[pd.Timestamp, str] | None:
    """The latest date of a column that is not after today (its first day, and its text as given), or None; a
    malformed date never blocks the page (validation reports it on the Data page)."""
    values = values.reset_index(drop=True)
    first = partial_date_bounds(values)["first"]
    usable = first[first.notna() & (first <= pd.Timestamp(today))]
    if usable.empty:
        return None
    return usable.max(), str(values[usable.idxmax()])  # idxmax: the first row holding the latest date


def compute_newest_source(portfolio: Portfolio, today: dt.date) -> tuple[str, str | None]:
    """('document', date) — the newest publication date of a source document; when no document is dated,
    ('fact', date) — the newest published date among the facts themselves (value dates, actual starts and ends)."""
    newest = _newest(portfolio.documents["published"], today) if "published" in portfolio.documents else None
    if newest:
        return "document", newest[1]
    facts = [portfolio.funding.get("value_date"), portfolio.projects.get("actual_start"),
             portfolio.projects.get("actual_end")]
    dates = [d for d in (_newest(c, today) for c in facts if c is not None) if d]
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
