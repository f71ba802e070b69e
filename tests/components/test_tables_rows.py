"""make_page: a page assembled from rows formatted for earlier filter states is the slice of the whole table."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from components.tables import make_flows_table, make_page, make_projects_table
from data.intake import parse_uploads
from data.metrics import compute_funding

# ties (same title, dates, households, theme), gaps (no English title, dates, status, households), a formula-like title,
# a project in two provinces and one in none
PROJECTS = """project_id,title_en,title_fr,theme,activity_status,planned_start,planned_end,duration_months,\
households_targeted,households_targeted_is_minimum
P-1,Same title,Même titre,stabilisation,2,2021-12-14,2024-06,36,3000,true
P-2,Same title,Même titre,stabilisation,2,2021-12-14,2024-06,36,3000,true
P-3,,Trois,durable-solutions,,2022,,,,
P-4,=cmd(),=cmd(),stabilisation,3,2020-01-05,2023-01-05,12,1200,false
P-5,Five,Cinq,,4,,,,,
P-6,Six,Six,durable-solutions,2,2021-12-14,2024-06,36,3000,true
P-7,Seven,Sept,stabilisation,5,2019-07,2021-07-31,24,15000,
"""
LOCATIONS = """project_id,province_pcode,split_known
P-1,CD61,false
P-1,CD54,false
P-2,CD61,false
P-4,CD74,false
P-6,CD54,false
P-7,CD61,false
"""
SOURCES = """table,record_id,column,value,document_id,paragraph,evidence
projects,P-1,theme,stabilisation,D2,1,x
projects,P-1,title_en,Same title,D1,2,y
projects,P-4,theme,stabilisation,D1,3,z
"""
DOCUMENTS = """document_id,publisher,title,kind,language,published
D1,IOM,Report one,report,en,
D2,IOM,Report two,report,fr,
"""
VIEWS = [[0, 1, 2, 3, 4, 5, 6], [1, 3, 5], [0, 2, 4, 6], [5, 6], [2], [0, 1, 5, 6]]  # kept rows, in order


@pytest.fixture(scope="module")
def portfolio():
    files = [("projects.csv", PROJECTS), ("locations.csv", LOCATIONS), ("sources.csv", SOURCES),
             ("documents.csv", DOCUMENTS)]
    return parse_uploads([(name, text.encode()) for name, text in files]).portfolio


def _flows() -> pd.DataFrame:
    rows = [("a", "P-1", "Netherlands", 12_500_000.0, "EUR", "2021-12-14"),
            ("b", "P-1", "Sweden", None, None, None),
            ("c", "P-2", "Netherlands", 12_500_000.0, "EUR", "2021-12-14"),  # a tie with a
            ("d", "P-4", "IDF", 200_000.0, "USD", "2022-03"),
            ("e", "P-5", "", 0.0, "EUR", "2020"),
            ("f", "P-6", "Sweden", -1_500.5, "EUR", "2023-01-05")]
    frame = pd.DataFrame(rows, columns=["flow_id", "project_id", "donor", "amount", "currency", "value_date"])
    frame["org_role"], frame["recipient"] = 1, "IOM"
    frame["transaction_type"] = pd.array([11, 11, 3, 11, None, 4], dtype="Int64")
    return compute_funding(frame, "EUR")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_project_pages_are_slices_of_the_whole_table(portfolio, lang, size):
    whole = make_projects_table(portfolio, lang)
    rows: dict = {}
    for kept in VIEWS:  # one store across filter states, as View.rows_made keeps it
        view = portfolio.projects.iloc[kept]
        for first in range(0, len(view), size):
            made = make_page(view.iloc[first:first + size],
                             lambda part: make_projects_table(replace(portfolio, projects=part), lang), rows)
            expected = whole.iloc[kept[first:first + size]].reset_index(drop=True)
            pd.testing.assert_frame_equal(made, expected, check_exact=True)
    assert len(rows) == len(portfolio.projects) + 1  # every row once, and the columns' names and dtypes


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [1, 4, 100])
def test_flow_pages_are_slices_of_the_whole_table(lang, size):
    flows = _flows()
    whole = make_flows_table(flows, lang)
    rows: dict = {}
    for kept in ([0, 1, 2, 3, 4, 5], [2, 3], [0, 5], [1, 2, 4], [5]):
        view = flows.iloc[kept]
        for first in range(0, len(view), size):
            made = make_page(view.iloc[first:first + size], lambda part: make_flows_table(part, lang), rows)
            expected = whole.iloc[kept[first:first + size]].reset_index(drop=True)
            pd.testing.assert_frame_equal(made, expected, check_exact=True)
    assert whole.dtypes.iloc[4] == np.dtype("float64")  # the money column stays a number when assembled


def test_a_row_is_formatted_once_across_filter_states(portfolio):
    made: list[list[str]] = []

    def make(part: pd.DataFrame) -> pd.DataFrame:
        made.append(part["project_id"].tolist())
        return make_projects_table(replace(portfolio, projects=part), "en")

    rows: dict = {}
    make_page(portfolio.projects.iloc[[0, 1, 2]], make, rows)
    make_page(portfolio.projects.iloc[[1, 2, 3]], make, rows)
    make_page(portfolio.projects.iloc[[0, 3]], make, rows)
    assert made == [["P-1", "P-2", "P-3"], ["P-4"]]


def test_a_table_keeping_its_rows_labels_is_made_whole():
    def make(part: pd.DataFrame) -> pd.DataFrame:
        return part.assign(label=part["n"] * 2)  # the rows' own labels, not 0, 1, …: make_page cannot keep them

    rows: dict = {}
    frame = pd.DataFrame({"n": range(6)}, index=range(10, 16))
    for part in (frame.iloc[:3], frame.iloc[1:4], frame.iloc[2:6]):
        pd.testing.assert_frame_equal(make_page(part, make, rows), make(part))


def test_empty_and_repeated_labels_are_made_whole():
    rows: dict = {}
    empty = pd.DataFrame({"project_id": pd.Series([], dtype=object)})
    assert make_page(empty, lambda part: pd.DataFrame(), rows).empty
    twice = pd.DataFrame({"n": [1, 2]}, index=[7, 7])
    pd.testing.assert_frame_equal(make_page(twice, lambda part: part.reset_index(drop=True), rows),
                                  pd.DataFrame({"n": [1, 2]}))
    assert not rows


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_titles_are_compute_project_titles(lang):
    from components.tables import _project_titles
    from data.schema import compute_project_titles

    values = ["Title", " padded ", "", "   ", "\u3000", "\x1c", "\u200b", None, float("nan"), pd.NA, 12, "x\u00a0"]
    pairs = [(a, b) for a in values for b in values]
    for dtype in (object, "str"):
        projects = pd.DataFrame({"title_en": [a for a, _ in pairs], "title_fr": [b for _, b in pairs]}, dtype=object)
        if dtype == "str":  # as a parquet copy reads them back: no number, NaN for missing
            projects = projects.map(lambda v: v if isinstance(v, str) else None).astype("str")
        assert _project_titles(projects, lang) == compute_project_titles(projects, lang).tolist()


def test_python_strips_what_pandas_strips():
    """The premise of _project_titles: a one-character text is blank to str.strip exactly when it is to pandas'."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    blank = (pd.Series(chars, dtype=object).astype("string").str.strip() == "").to_numpy()
    assert blank.tolist() == [c.strip() == "" for c in chars]


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"Project": ["P-1", "P-2"], "Amount (EUR)": [1.5, float("nan")], "Note": ["a", None]}),
    pd.DataFrame({"Project": ["P-1", "=cmd()"], "Amount (EUR)": [1.5, 2.0]}),  # a formula cell
    pd.DataFrame({"Project": pd.array(["-x", "y"], dtype="str"), "n": [1, 2]}),  # in a str column
    pd.DataFrame({"+Header": ["a", "b"]}),  # a formula header
    pd.DataFrame({0: ["a", "b"], 1: ["@x", "c"]}),  # headers not text
    pd.DataFrame({"Project": ["P-1"]}, dtype=object).set_axis(pd.Index(["Project"], dtype=object), axis=1),
    pd.DataFrame({"Days": pd.array([3, None], dtype="Int64"), "Flag": pd.array([True, None], dtype="boolean")}),
    pd.DataFrame({"Kind": pd.Categorical(["=a", "b"])}),  # a category's text is left as it is
    pd.DataFrame({"Count": [-12, 3], "Text": ["-12", "+3.5"]}),  # plain numbers as text stay
    pd.DataFrame(),
], ids=["plain", "formula cell", "str column", "formula header", "number headers", "object headers", "typed",
        "category", "numbers as text", "empty"])
def test_shown_tables_are_neutralised_as_neutralise_frame_does(frame):
    from components.tables import _neutralised
    from data.export import neutralise_frame

    shown, expected = _neutralised(frame), neutralise_frame(frame)
    pd.testing.assert_frame_equal(shown, expected, check_exact=True)
    assert shown.columns.dtype == expected.columns.dtype
