"""Tables of projects, flows and sources, built as frames and rendered read-only."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st
from babel.numbers import parse_pattern
from pandas.io.formats.style import Styler

from cells import is_missing
from components.facts import fact_label, fact_values
from components.i18n import (
    coverage_label,
    format_each,
    format_households,
    format_money,
    format_number,
    format_partial_date,
    format_whole,
    locale_of,
    status_label,
    t,
    theme_label,
    transaction_label,
)
from components.printing import PRINT_ROWS, is_print_view, render_print_cap
from data.export import FORMULA_STARTS, neutralise_frame, to_csv_bytes
from data.metrics import END_COLUMNS, START_COLUMNS
from data.organisations import organisation_label
from data.portfolio import Portfolio
from data.schema import compute_project_titles
from geo.provinces import province_name


def _first_given(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[object]:
    """Per row, the first of `columns` that is not empty (project_start / project_end for a whole frame)."""
    given = [frame[c].tolist() for c in columns]
    return [next((v for v in row if not is_missing(v)), None) for row in zip(*given)]


def _project_titles(projects: pd.DataFrame, lang: str) -> list[str]:
    """compute_project_titles(projects, lang) on plain lists (its pandas steps cost more than a page's rows): a
    title counts unless it is missing or blank, and Python's str.strip strips what pandas' (Arrow's) does, character
    for character (tests/components/test_tables_rows.py); a cell neither text nor missing goes through pandas."""
    first, second = ("title_en", "title_fr") if lang == "en" else ("title_fr", "title_en")
    titles: list = []
    odd = []
    for at, (title, other) in enumerate(zip(projects[first].tolist(), projects[second].tolist())):
        if type(title) is str and title.strip():
            titles.append(title)
        elif (type(title) is str or is_missing(title)) and (type(other) is str or is_missing(other)):
            titles.append(other if type(other) is str else "")
        else:
            odd.append(at)
            titles.append(None)
    for at, title in zip(odd, compute_project_titles(projects.iloc[odd], lang).tolist() if odd else []):
        titles[at] = title
    return titles


def make_projects_table(portfolio: Portfolio, lang: str) -> pd.DataFrame:
    """One display row per project; every empty fact reads 'not published'."""
    # Official names from the P-codes (the join key): a file may give the code alone. Only these projects' rows
    # are read, in plain lists (a pandas group per project cost more than the page): a page of a large portfolio
    # costs a page.
    projects = portfolio.projects
    pids = projects["project_id"].tolist()
    ids = set(pids)
    # a mask and two columns' arrays: a frame of these rows (every column taken) cost as much again
    where = portfolio.locations
    mine = where["project_id"].isin(ids).to_numpy()
    codes: dict[str, list] = {}
    for pid, code in zip(where["project_id"].to_numpy()[mine].tolist(),
                         where["province_pcode"].to_numpy()[mine].tolist()):
        codes.setdefault(pid, []).append(code)
    locations = {pid: ", ".join(province_name(c) for c in dict.fromkeys(found)) for pid, found in codes.items()}
    src = portfolio.sources
    cited = ((src["table"] == "projects") & src["record_id"].isin(ids)).to_numpy()
    found_docs: dict[str, set] = {}
    for pid, doc in zip(src["record_id"].to_numpy()[cited].tolist(), src["document_id"].to_numpy()[cited].tolist()):
        found_docs.setdefault(pid, set()).add(doc)
    docs = {pid: ", ".join(sorted(found)) for pid, found in found_docs.items()}
    not_published = t("not_published", lang)
    # (count, is-minimum) pairs: each distinct one worded once
    households = format_each(list(zip(projects["households_targeted"].tolist(),
                                      projects["households_targeted_is_minimum"].tolist())),
                             lambda pair: format_households(*pair, lang))
    columns = {
        t("col.project", lang): pids,
        t("col.title", lang): _project_titles(projects, lang),
        t("col.implementing", lang): [v or not_published for v in projects["implementing_orgs"].tolist()],
        t("col.theme", lang): format_each(projects["theme"], lambda v: theme_label(v, lang)),
        t("col.status", lang): format_each(projects["activity_status"], lambda v: status_label(v, lang)),
        t("col.start", lang): format_each(_first_given(projects, START_COLUMNS),
                                          lambda v: format_partial_date(v, lang)),
        t("col.end", lang): format_each(_first_given(projects, END_COLUMNS), lambda v: format_partial_date(v, lang)),
        t("col.duration", lang): format_each(projects["duration_months"], lambda v: format_number(v, lang)),
        t("col.coverage", lang): format_each(projects["coverage"], lambda v: coverage_label(v, lang)),
        t("col.provinces", lang): [locations.get(pid, "—") for pid in pids],
        t("col.households", lang): households,
        t("col.sources", lang): [docs.get(pid, "—") for pid in pids],
    }
    # object columns: pandas' inferred string columns cost ~3x to build, neutralise and send, the same text
    return pd.DataFrame(columns, dtype=object) if pids else pd.DataFrame()


def _rate_text(basis: object, rate: object, rate_date: object, lang: str) -> str:
    if basis == "identity":
        return t("basis.identity", lang)
    if rate is not None and rate == rate:
        return t("table.rate", lang, rate=_rate_number(rate, lang),
                 date=format_partial_date(rate_date, lang), basis=t(f"basis.{basis}", lang))
    return t("not_published", lang)


_RATE_PATTERN = parse_pattern("0.0000")  # parsed once: babel's format_decimal parses its pattern on every call


@lru_cache(maxsize=1 << 12)  # a few rates per currency and date, repeated across filter states
def _rate_number(rate: float, lang: str) -> str:
    return _RATE_PATTERN.apply(rate, locale_of(lang))  # format_decimal(rate, "0.0000", locale=…)'s text


def make_flows_table(converted: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Flows in original and reporting currency with the rate and rate date used."""
    not_published = t("not_published", lang)
    rates = list(zip(converted["rate_basis"].tolist(), converted["rate"].tolist(), converted["rate_date"].tolist()))
    amounts = list(zip(converted["amount"].tolist(), converted["currency"].tolist()))
    names = flows_columns(converted, lang)
    if converted.empty:
        return pd.DataFrame(columns=names).astype({names[4]: "float64"})
    # object columns: pandas' inferred string columns cost ~3x to build, neutralise and send, the same text
    frame = pd.DataFrame({
        names[0]: converted["project_id"].tolist(),
        names[1]: format_each(converted["donor"], lambda d: organisation_label(d, lang) if d else not_published),
        names[2]: format_each(converted["transaction_type"], lambda v: transaction_label(v, lang)),
        # (amount, currency) and (basis, rate, date) are hashable tuples: each distinct one is formatted once
        names[3]: format_each(amounts, lambda a: format_money(a[0], a[1], lang) if a[0] == a[0] and a[0] is not None
                        else not_published),
        names[5]: format_each(rates, lambda r: _rate_text(*r, lang)),
        names[6]: format_each(converted["value_date"], lambda v: format_partial_date(v, lang)),
    }, dtype=object)
    # A number, not text: the column sorts by value (€200K below €12.5M); empty = not published.
    frame.insert(4, names[4], converted["amount_reporting"].to_numpy(dtype="float64"))
    return frame


def reporting_currency(converted: pd.DataFrame) -> str:
    return str(converted["reporting_currency"].dropna().iloc[0]) if converted["reporting_currency"].notna().any() \
        else "USD"


def flows_columns(converted: pd.DataFrame, lang: str) -> list[str]:
    return [t("col.project", lang), t("col.donor", lang), t("col.type", lang), t("col.amount", lang),
            t("col.amount_reporting", lang, currency=reporting_currency(converted)), t("col.rate", lang),
            t("col.value_date", lang)]


def money_columns(frame: pd.DataFrame) -> list[str]:
    """The typed money columns of a display frame: numbers (float) whose header names a currency."""
    return [c for c, dtype in frame.dtypes.items() if pd.api.types.is_float_dtype(dtype) and "(" in str(c)]


def make_sources_table(portfolio: Portfolio, lang: str) -> pd.DataFrame:
    """Each cited fact with its document's title and id; a document not in the register is named by its id."""
    # plain lists and a dict of titles: an indexed Series of titles and Series.map cost ~5 ms a new filter state
    documents = portfolio.documents
    titles = dict(zip(documents["document_id"].tolist(), documents["title"].tolist()))
    src = portfolio.sources
    # no row to infer a type from: the text columns stay text columns, as the sources' own columns are
    empty = pd.array([], dtype="str") if src.empty else None
    return pd.DataFrame({
        t("col.project", lang): empty if src.empty else [r.replace("|", " · ") if isinstance(r, str) else r
                                                         for r in src["record_id"].tolist()],
        t("col.fact", lang): [fact_label(c, lang) for c in src["column"].tolist()],
        t("col.value", lang): fact_values(src["column"], src["value"], lang),
        t("col.document", lang): empty if src.empty else [f"{titles.get(d, d)} [{d}]"
                                                          for d in src["document_id"].tolist()],
        t("col.paragraph", lang): src["paragraph"].array,
        t("col.evidence", lang): empty if src.empty else src["evidence"].tolist(),
    }, index=src.index)


class _ShownFrame(pd.DataFrame):
    """A display frame whose astype(str) is the text its Styler shows (`shown`), made by _styled: Streamlit
    marshals a Styler's text as `styler.data.astype(str)` with the cells its _translate lists written over, and
    both steps cost more than making the text. Anything derived from it is a plain frame."""

    _metadata = ["shown"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def astype(self, dtype, *args, **kwargs):  # pandas' signature
        shown = getattr(self, "shown", None)
        return shown if dtype is str and shown is not None and not args and not kwargs \
            else pd.DataFrame(self).astype(dtype, *args, **kwargs)


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # what astype(str) gives a column


def _styled(frame: pd.DataFrame, money: list[str], lang: str) -> Styler:
    """`frame.style.format({money column: format_whole}, na_rep='not published')`, its text made per column.

    Streamlit marshals a Styler through pandas' private _compute/_translate, whose generic body (HTML attributes
    for every cell, ~0.3 ms a row) was most of a table's cost; this Styler's two give Streamlit no cell to write
    over, and its frame's astype(str) is the text pandas' Styler gives each cell (_ShownFrame): text cells as they
    are, money in the page's language, other values as pandas formats them, gaps 'not published'. Streamlit
    accepts the Styler class itself only, hence methods set on the instance. tests/components/test_tables.py
    compares the message with pandas' own Styler.format's, byte for byte."""
    not_published = t("not_published", lang)
    precision = pd.get_option("styler.format.precision")

    def default(value: object) -> str:  # pandas' _default_formatter (floats to `precision` digits)
        if isinstance(value, (float, complex, np.floating, np.complexfloating)):
            return f"{value:.{precision}f}"
        return str(value)

    texts = {}
    for name, values in frame.items():
        if name in money:
            texts[name] = format_each(values, lambda v: not_published if v is None else format_whole(v, lang))
            continue
        is_text = values.dtype == object or isinstance(values.dtype, pd.StringDtype)
        texts[name] = [value if is_text and type(value) is str
                       else not_published if pd.isna(value) is True else default(value) for value in values.tolist()]
    data = _ShownFrame(frame)
    data.shown = pd.DataFrame({name: pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(column, pa.large_string())]),
                                                                dtype=_TEXT)
                               for name, column in texts.items()}, index=frame.index)
    styler = Styler(data)
    styler._compute = lambda: styler
    styler._translate = lambda *_args, **_kwargs: {"body": [[]], "table_styles": [], "cellstyle": []}
    return styler


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """neutralise_frame(frame), or `frame` itself when that changes nothing (the usual page: no cell or header
    starts like a formula, the headers are already text): one scan of the cells instead of a copy and a pandas
    step per column."""
    columns = frame.columns
    if not (isinstance(columns.dtype, pd.StringDtype) and columns.dtype.na_value is np.nan) or columns.hasnans \
            or any(c.startswith(FORMULA_STARTS) for c in columns.tolist()) \
            or any(type(v) is str and v.startswith(FORMULA_STARTS) for v in frame.to_numpy().ravel().tolist()):
        return neutralise_frame(frame)
    return frame


_OBJECT = np.dtype(object)
_SCHEMAS: dict[tuple, pa.Schema | None] = {}  # pa.Table.from_pandas's schema per display frame's columns and length
_SCHEMAS_MAX = 256


def _arrow_table(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """pa.Table.from_pandas(frame), which st.dataframe makes of a frame, built from the columns' values with the
    schema (types and pandas metadata) from_pandas gave a frame of the same column names, dtypes and length: its
    generic per-column steps cost ~2 ms a 50-row table on every new filter state. Only for text columns of str
    (from_pandas: string) and int64/float64 columns (NaN: null) under a 0, 1, … index or int64 labels; anything else
    (or a schema that differs from those types) is returned as the frame, for Streamlit to convert. Same bytes either
    way (tests/components/test_tables.py)."""
    index, columns = frame.index, frame.columns
    ranged = type(index) is pd.RangeIndex and index.start == 0 and index.step == 1
    if not (ranged or (type(index) is pd.Index and index.dtype == np.int64)) or index.name is not None \
            or not columns.is_unique or columns.nlevels != 1:
        return frame
    dtypes = frame.dtypes.tolist()
    cells = frame.to_numpy(dtype=object).T.tolist() if len(frame) else [[] for _ in dtypes]  # one step, not a
    # Series per column
    arrays = []
    for at, (dtype, values) in enumerate(zip(dtypes, cells)):
        if dtype == _OBJECT and set(map(type, values)) <= {str}:
            arrays.append(pa.array(values, type=pa.string()))
        elif dtype in (np.float64, np.int64):
            arrays.append(pa.array(frame.iloc[:, at].to_numpy(), from_pandas=True))
        else:
            return frame
    if not ranged:  # the labels of rows taken from a larger frame: from_pandas sends them as a last column
        arrays.append(pa.array(index.to_numpy()))
    key = (tuple(columns.tolist()), str(columns.dtype), columns.name, tuple(map(str, dtypes)), len(frame), ranged)
    if key not in _SCHEMAS:
        table = pa.Table.from_pandas(frame)
        if len(_SCHEMAS) >= _SCHEMAS_MAX:
            _SCHEMAS.clear()
        _SCHEMAS[key] = table.schema if table.schema.types == [a.type for a in arrays] else None
        return table
    schema = _SCHEMAS[key]
    return frame if schema is None else pa.Table.from_arrays(arrays, schema=schema)


def render_table(frame: pd.DataFrame, lang: str | None = None) -> None:
    """Read-only table (plain text cells: no HTML is ever rendered from data). The table's toolbar can download
    it as CSV, so text a spreadsheet would run as a formula is shown behind a `'`, as in every other export.
    Money columns (money_columns) stay numbers, so they sort by value, shown in the page's language (babel:
    '13,965,000' / '13 965 000') and 'not published' where the value is missing, never 0."""
    printing = is_print_view()
    shown = _neutralised(frame.head(PRINT_ROWS) if printing else frame)
    money = money_columns(frame)
    if printing:  # a static table: every row is in the page, so every row is printed (a grid prints what it shows)
        st.table(_styled(shown, money, lang) if money and lang else shown, hide_index=True)
        render_print_cap(len(shown), len(frame), lang or "en")
        return
    if money and lang:
        config = {column: st.column_config.Column(column, help=t("table.money.help", lang)) for column in money}
        # placeholder: the grid draws a missing number itself ("None" by default), whatever the Styler says.
        st.dataframe(_styled(shown, money, lang), hide_index=True, width="stretch", column_config=config,
                     placeholder=t("not_published", lang))
        return
    st.dataframe(_arrow_table(shown), hide_index=True, width="stretch")


ROW_MEMO_LIMIT = 50_000  # formatted rows kept per store (one language, currency, …): a user paging through a
# 100,000-row table starts it again rather than holding every row twice
_SHAPE = object()  # a store's key for the columns and dtypes its rows were made with


def make_page(part: pd.DataFrame, make: Callable[[pd.DataFrame], pd.DataFrame], rows: dict) -> pd.DataFrame:
    """make(part), assembled from the rows `make` formatted before (kept in `rows` under their index label) and
    making only the rows not seen yet: a new filter state's page mostly shows rows an earlier one formatted.
    `make` must give one row per row of its input, in order, numbered 0, 1, … (make_projects_table,
    make_flows_table), and `rows` must be kept per dataset and whatever else `make` reads (language, currency,
    the places filtered): a label then always names the same row. Anything else: make(part) itself."""
    labels = part.index.tolist()
    if not labels or len(set(labels)) < len(labels):  # (a set: the index's own check builds a hash table per page)
        return make(part)
    found = [rows.get(label) for label in labels]
    missing = [i for i, cells in enumerate(found) if cells is None]
    shape = rows.get(_SHAPE)
    if missing:
        made = make(part if len(missing) == len(labels) else part.iloc[missing])  # a new page: no copy of its rows
        names = list(made.columns)
        if not (isinstance(made.index, pd.RangeIndex) and made.index.equals(pd.RangeIndex(len(missing)))
                and len(set(names)) == len(names)):
            return made if len(missing) == len(labels) else make(part)
        made_shape = (tuple(names), tuple(made.dtypes))
        if shape is not None and shape != made_shape:  # not the rows stored: this part made whole
            return made if len(missing) == len(labels) else make(part)
        if len(rows) > ROW_MEMO_LIMIT:
            rows.clear()
        shape = rows.setdefault(_SHAPE, made_shape)
        for i, cells in zip(missing, zip(*(made[name].tolist() for name in names))):
            found[i] = rows[labels[i]] = cells
        if len(missing) == len(labels):
            return made
    if shape is None:
        return make(part)
    names, dtypes = shape
    return _frame_of_rows(found, names, dtypes)


def _frame_of_rows(found: list[tuple], names: tuple, dtypes: tuple) -> pd.DataFrame:
    """`found` (rows of cells, each a scalar) as a frame of `names` (distinct) and `dtypes`: the cells in one object
    array, the other dtypes set column by column (a Series per column cost ~3x as much)."""
    cells = np.empty((len(found), len(names)), dtype=object)
    cells[:] = found
    frame = pd.DataFrame(cells, columns=list(names), dtype=object, copy=False)
    for at, dtype in enumerate(dtypes):
        if dtype != _OBJECT:
            frame[names[at]] = pd.Series(cells[:, at], dtype=dtype)
    return frame


PAGE_ROWS = 25  # rows formatted and sent per table page (the grid shows about 10 at a time; DataTables' default
# page is 10): 10,000 formatted rows would be megabytes per rerun, and a new filter state formats the first page of
# each table (50 rows cost ~15 ms more than 25 on the Overview's two paged tables, of the 150 ms a rerun may take)


def render_one_table(tables: dict[str, Callable[[], None]], heading: str, lang: str, key: str) -> None:
    """Tables of one subject (each `render`s its own, headed t("table.<name>")): on screen one at a time under a
    switch headed `heading` (a reader reads one; each table drawn is ~25 ms of a new filter state's rerun at 10,000
    projects), on paper every one under its own heading."""
    if is_print_view():
        for name, render in tables.items():
            st.subheader(t(f"table.{name}", lang))
            render()
        return
    st.subheader(heading)
    names = list(tables)
    shown = st.segmented_control(t("table.shown", lang), names, format_func=lambda name: t(f"table.{name}", lang),
                                 default=names[0], required=True, key=key, label_visibility="collapsed")
    tables[shown or names[0]]()


@st.fragment
def render_paged_table(rows: pd.DataFrame, make: Callable[[pd.DataFrame], pd.DataFrame], lang: str, key: str,
                       export: pd.DataFrame | None = None, memo: Callable[..., pd.DataFrame] | None = None,
                       made: dict | None = None) -> None:
    """A table of many rows: one page of `make(rows)` on screen (a fragment: turning the page reruns only the table)
    and every row in the download, as typed values (`export`, default `rows`), built only when clicked. `memo`
    (View.memo): each page is formatted once per filter state, not on every rerun. `made` (make_page's store):
    each row is formatted once, whichever filter states show it."""
    def page_of(first: int, part: pd.DataFrame) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            return make(part) if made is None else make_page(part, make, made)

        return memo(f"table:{key}", compute, first, len(part)) if memo else compute()

    if is_print_view():  # every row up to the paper's cap, formatted only for those rows
        render_table(page_of(0, rows.head(PRINT_ROWS)), lang)
        render_print_cap(min(len(rows), PRINT_ROWS), len(rows), lang)
        return
    if len(rows) <= PAGE_ROWS:
        render_table(page_of(0, rows), lang)
        return
    pages = -(-len(rows) // PAGE_ROWS)
    page = int(st.number_input(t("table.page", lang, n=pages), min_value=1, max_value=pages, value=1, step=1,
                               key=f"{key}_page"))
    first = (page - 1) * PAGE_ROWS
    render_table(page_of(first, rows.iloc[first:first + PAGE_ROWS]), lang)
    st.caption(t("table.rows_shown", lang, first=first + 1, last=min(first + PAGE_ROWS, len(rows)), n=len(rows)))
    everything = rows if export is None else export
    st.download_button(t("table.download_all", lang, n=len(everything)), data=lambda: to_csv_bytes(everything),
                       file_name=f"{key}.csv", mime="text/csv", key=f"{key}_download", on_click="ignore")
