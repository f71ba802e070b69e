"""Sidebar filters shared by every page, kept in the URL query string (the source of truth).

Each run: read the URL → validate against the loaded portfolio (invalid or stale values are dropped with a
visible notice) → seed the widgets → draw them. A widget change writes the URL back (on_change), so a view
can be bookmarked, e-mailed and reopened exactly. Parameters absent from the URL (page switches) keep the
session's last state."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.escape import escape_text, format_id_list
from components.i18n import LANGUAGES, status_label, t, theme_label
from data.currency import REPORTING_CURRENCIES
from data.filters import (
    MULTI_PARAMS,
    SINGLE_PARAMS,
    STATUS_NOT_PUBLISHED,
    FilterOptions,
    FilterResult,
    FilterState,
    filter_options,
    parse_query_params,
    to_query_params,
)
from data.organisations import organisation_label
from data.portfolio import Portfolio
from geo.provinces import PROVINCE_PCODES, province_name

STATE_KEY = "_filters"
OPTIONS_KEY = "_filter_options"
MULTI_WIDGETS = {name: f"f_{key}" for name, key in MULTI_PARAMS.items()}
ROLE_WIDGET, YEARS_WIDGET, LANG_WIDGET, CURRENCY_WIDGET = "f_role", "f_years", "lang", "currency"
PAGE_PARAMS = ("project", "profile", "slide", "print")  # page-level selections, kept when the filters rewrite the URL
STREAMLIT_PARAMS = ("embed", "embed_options")  # reserved by Streamlit: left alone


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _write_url(params: dict[str, list[str]]) -> None:
    current = _url_params()
    if current != params:
        st.query_params.from_dict(params)


def _fallback() -> FilterState:
    """The session's last state; on a first run, whatever language/currency the session already holds."""
    if STATE_KEY in st.session_state:
        return st.session_state[STATE_KEY]
    lang = st.session_state.get(LANG_WIDGET, "en")
    currency = st.session_state.get(CURRENCY_WIDGET, "USD")
    return FilterState(lang=lang if lang in LANGUAGES else "en",
                       currency=currency if currency in REPORTING_CURRENCIES else "USD")


def _state_from_widgets(options: FilterOptions) -> FilterState:
    values = {name: tuple(st.session_state.get(key) or ()) for name, key in MULTI_WIDGETS.items()}
    year_from = year_to = None
    years = st.session_state.get(YEARS_WIDGET)
    if years and options.years:
        year_from = years[0] if years[0] != options.years[0] else None
        year_to = years[1] if years[1] != options.years[1] else None
    return FilterState(**values, role=st.session_state.get(ROLE_WIDGET, "any"), year_from=year_from,
                       year_to=year_to, lang=st.session_state.get(LANG_WIDGET, "en"),
                       currency=st.session_state.get(CURRENCY_WIDGET, "USD"))


def _page_params() -> dict[str, list[str]]:
    return {k: v for k, v in _url_params().items() if k in (*PAGE_PARAMS, *STREAMLIT_PARAMS)}


def _on_change() -> None:
    state = _state_from_widgets(st.session_state[OPTIONS_KEY])
    st.session_state[STATE_KEY] = state
    _write_url({**to_query_params(state), **_page_params()})


def _on_reset() -> None:
    state = st.session_state.get(STATE_KEY, FilterState())
    state = FilterState(lang=state.lang, currency=state.currency)
    st.session_state[STATE_KEY] = state
    _write_url({**to_query_params(state), **_page_params()})


def _seed(state: FilterState, options: FilterOptions) -> None:
    for name, key in MULTI_WIDGETS.items():
        st.session_state[key] = list(getattr(state, name))
    st.session_state[ROLE_WIDGET] = state.role
    st.session_state[LANG_WIDGET] = state.lang
    st.session_state[CURRENCY_WIDGET] = state.currency
    if options.years:
        low, high = options.years
        start = min(max(state.year_from if state.year_from is not None else low, low), high)
        end = max(min(state.year_to if state.year_to is not None else high, high), low)
        st.session_state[YEARS_WIDGET] = (start, max(start, end))


def _status_label(code: str, lang: str) -> str:
    return t("status.not_published", lang) if code == STATUS_NOT_PUBLISHED else status_label(int(code), lang)


def _province_label(pcode: str) -> str:
    return province_name(pcode) if pcode in PROVINCE_PCODES else pcode


def render_filters(portfolio: Portfolio, options: FilterOptions | None = None) -> FilterState:
    """Draw the sidebar filters, synchronised with the URL; return the validated state (`options`: the prepared
    model's, so they are not recomputed on every rerun)."""
    options = filter_options(portfolio) if options is None else options
    # The session's last state fills what the URL lacks, and is validated like the URL (the dataset may change).
    url = _url_params()
    state, dropped = parse_query_params({**to_query_params(_fallback()), **url}, options)
    known = {*MULTI_PARAMS.values(), *SINGLE_PARAMS.values(), *PAGE_PARAMS, *STREAMLIT_PARAMS}
    dropped += [f"{key}={value}" for key, values in url.items() if key not in known for value in values]
    st.session_state[STATE_KEY] = state
    st.session_state[OPTIONS_KEY] = options
    _seed(state, options)
    _write_url({**to_query_params(state), **_page_params()})
    lang = state.lang
    side = st.sidebar
    side.radio(t("sidebar.language", lang), list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True,
               key=LANG_WIDGET, on_change=_on_change)
    side.selectbox(t("sidebar.currency", lang), options.currencies, key=CURRENCY_WIDGET, on_change=_on_change)
    side.header(t("filters.title", lang))
    labels: dict[str, Callable[[str], str]] = {
        "donors": lambda d: organisation_label(d, lang), "orgs": str, "themes": lambda c: theme_label(c, lang),
        "statuses": lambda c: _status_label(c, lang), "provinces": _province_label, "territories": str}
    for name, key in MULTI_WIDGETS.items():
        choices: Sequence[str] = getattr(options, name)
        if name == "territories" and not choices:
            continue  # territory appears only when the data has territories
        side.multiselect(t(f"filters.{MULTI_PARAMS[name]}", lang), list(choices), format_func=labels[name],
                         key=key, on_change=_on_change, placeholder=t("filters.placeholder", lang))
        if name == "orgs":
            side.radio(t("filters.role", lang), list(options.roles), key=ROLE_WIDGET, horizontal=True,
                       format_func=lambda r: t(f"filters.role.{r}", lang), on_change=_on_change)
    if options.years and options.years[0] < options.years[1]:
        side.slider(t("filters.years", lang), options.years[0], options.years[1], key=YEARS_WIDGET,
                    on_change=_on_change)
    elif not options.years:
        side.caption(t("filters.years.none", lang))
    side.button(t("filters.reset", lang), on_click=_on_reset, disabled=not state.narrows)
    side.caption(t("filters.link", lang))
    if dropped:
        st.warning(t("filters.dropped", lang, items=escape_text(", ".join(dropped))), icon=":material/warning:")
    return state


def render_filter_notes(result: FilterResult, total: int, lang: str) -> None:
    """How many projects match, and which ones a filter had to leave out because a value is not published."""
    st.caption(t("filters.active", lang, n=result.project_count, total=total))  # counted without a slice
    if result.undated_left_out:
        st.caption(t("filters.undated", lang, n=len(result.undated_left_out),
                     ids=escape_text(format_id_list(result.undated_left_out))))
    if result.unlocated_left_out:
        st.caption(t("filters.unlocated", lang, n=len(result.unlocated_left_out),
                     ids=escape_text(format_id_list(result.unlocated_left_out))))


CHOICES_MAX = 200  # options sent with a selectbox: 10,000 project titles would be a megabyte on every rerun


def search_choices(choices: Sequence[str], labels: Mapping[str, str] | pd.Series, query: str, keep: Sequence[str] = (),
                   limit: int = CHOICES_MAX) -> list[str]:
    """The first `limit` choices whose id or label contains `query` (ignoring case),
    plus the ones in `keep` (the project in the URL stays selectable whatever the search)."""
    if query.strip():
        text = pd.Series(list(choices), dtype=object).astype("string") + " " + pd.Series(
            [labels.get(c, "") for c in choices], dtype=object).astype("string")
        hits = text.str.contains(query.strip(), case=False, regex=False).fillna(False)
        found = [c for c, hit in zip(choices, hits) if hit][:limit]
    else:
        found = list(choices)[:limit]
    return [c for c in keep if c in set(choices) and c not in found] + found


def select_from_url(param: str, choices: Sequence[str], label: str, lang: str,
                    format_func: Callable[[str], str] = str, container: DeltaGenerator | None = None) -> str | None:
    """A page-level selectbox kept in the URL as ?param=value; an unknown value is dropped with a notice.

    `container` holds the selectbox (a popover, so the page shows the chosen title once, as its header); the notice
    stays on the page, where it is seen."""
    key = f"p_{param}"
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in choices:
        st.warning(t("filters.dropped", lang, items=escape_text(f"{param}={wanted}")), icon=":material/warning:")
        del st.query_params[param]
        wanted = None
    if not choices:
        return None
    current = st.session_state.get(key)
    st.session_state[key] = wanted if wanted is not None else (current if current in choices else choices[0])

    def write() -> None:
        st.query_params[param] = st.session_state[key]

    value = (container or st).selectbox(label, list(choices), key=key, format_func=format_func, on_change=write)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def _on_settings_change() -> None:
    state = replace(st.session_state.get(STATE_KEY, FilterState()), lang=st.session_state[LANG_WIDGET],
                    currency=st.session_state[CURRENCY_WIDGET])
    st.session_state[STATE_KEY] = state
    st.query_params.update({"lang": state.lang, "cur": state.currency})


def render_language_currency() -> tuple[str, str]:
    """Only the language and currency selectors, synchronised with ?lang= and ?cur= (for pages without filters).

    Other URL parameters are left as they are, so the shared filters survive a visit to such a page."""
    fallback = _fallback()
    wanted_lang = st.query_params.get("lang", fallback.lang)
    wanted_currency = st.query_params.get("cur", fallback.currency)
    lang = wanted_lang if wanted_lang in LANGUAGES else fallback.lang
    currency = wanted_currency if wanted_currency in REPORTING_CURRENCIES else fallback.currency
    dropped = [f"{key}={wanted}" for key, wanted, kept in (("lang", wanted_lang, lang),
                                                          ("cur", wanted_currency, currency)) if wanted != kept]
    if dropped:
        st.warning(t("filters.dropped", lang, items=escape_text(", ".join(dropped))), icon=":material/warning:")
    st.session_state[STATE_KEY] = replace(fallback, lang=lang, currency=currency)
    st.session_state[LANG_WIDGET], st.session_state[CURRENCY_WIDGET] = lang, currency
    if st.query_params.get("lang") != lang or st.query_params.get("cur") != currency:
        st.query_params.update({"lang": lang, "cur": currency})
    st.sidebar.radio(t("sidebar.language", lang), list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True,
                     key=LANG_WIDGET, on_change=_on_settings_change)
    st.sidebar.selectbox(t("sidebar.currency", lang), REPORTING_CURRENCIES, key=CURRENCY_WIDGET,
                         on_change=_on_settings_change)
    return lang, currency


def nav_language() -> str:
    """The language of the navigation titles (dashboard.py, before any page runs): ?lang=, else the session's."""
    for lang in (st.query_params.get("lang"), st.session_state.get(LANG_WIDGET)):
        if lang in LANGUAGES:
            return lang
    return "en"
