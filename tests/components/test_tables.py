"""Display tables: provinces by their official names from the P-codes, gaps as 'not published'."""
import pandas as pd
import pytest

from components.tables import PAGE_ROWS, make_projects_table
from data.intake import parse_uploads

PROJECTS = b"project_id,title_en\nP-1,One\n"


def test_provinces_are_named_from_their_p_codes_when_the_file_gives_codes_only():
    locations = b"project_id,province_pcode,split_known\nP-1,CD61,false\nP-1,CD54,false\n"
    portfolio = parse_uploads([("p.csv", PROJECTS), ("l.csv", locations)]).portfolio
    assert portfolio.locations["province_name"].isna().all()
    table = make_projects_table(portfolio, "en")
    assert table.loc[0, "Provinces"] == "Nord-Kivu, Ituri"


def test_a_project_without_place_shows_a_dash():
    portfolio = parse_uploads([("p.csv", PROJECTS)]).portfolio
    assert make_projects_table(portfolio, "en").loc[0, "Provinces"] == "—"


def test_rendered_tables_neutralise_formulas_for_the_toolbar_csv_download():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from components.tables import render_table

        render_table(pd.DataFrame({"Title": ["=HYPERLINK(\"http://x\")", "Durable solutions"], "Amount": ["-12", "3"]}))

    app = AppTest.from_function(page).run()
    shown = app.dataframe[0].value
    assert shown["Title"].tolist() == ["'=HYPERLINK(\"http://x\")", "Durable solutions"]
    assert shown["Amount"].tolist() == ["-12", "3"]


def _paged_app():
    import pandas as pd

    from components.tables import render_paged_table

    rows = pd.DataFrame({"n": range(450), "label": [f"=cmd{i}" for i in range(450)]})
    render_paged_table(rows, lambda page: page.assign(label=page["label"].str.upper()), "en", key="big")


def test_a_large_table_sends_one_page_and_offers_every_row():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_paged_app).run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert len(shown) == PAGE_ROWS and list(shown["n"])[:2] == [0, 1]
    assert shown["label"].iloc[0] == "'=CMD0"  # made by `make`, neutralised like every table
    assert f"Rows 1–{PAGE_ROWS} of 450." in [c.value for c in app.caption]
    pages = -(-450 // PAGE_ROWS)
    app.number_input(key="big_page").set_value(pages).run()
    first = (pages - 1) * PAGE_ROWS
    last = app.dataframe[0].value
    assert list(last["n"]) == list(range(first, 450))
    assert f"Rows {first + 1}–450 of 450." in [c.value for c in app.caption]


def test_a_small_table_is_shown_whole_without_paging():
    from streamlit.testing.v1 import AppTest

    def small():
        import pandas as pd

        from components.tables import render_paged_table

        render_paged_table(pd.DataFrame({"n": range(5)}), lambda page: page, "fr", key="small")

    app = AppTest.from_function(small).run()
    assert len(app.dataframe[0].value) == 5 and not app.number_input


def _flows():
    import pandas as pd

    from data.metrics import compute_funding

    frame = pd.DataFrame([
        {"flow_id": "a", "project_id": "P", "donor": "Netherlands", "org_role": 1, "recipient": "IOM",
         "transaction_type": 11, "amount": 12_500_000.0, "currency": "EUR", "value_date": "2021-12-14"},
        {"flow_id": "b", "project_id": "Q", "donor": "IDF", "org_role": 1, "recipient": "IOM",
         "transaction_type": 11, "amount": 200_000.0, "currency": "EUR", "value_date": "2021-12-14"},
        {"flow_id": "c", "project_id": "R", "donor": "Sweden", "org_role": 1, "recipient": "IOM",
         "transaction_type": 11, "amount": None, "currency": None, "value_date": None}])
    frame["transaction_type"] = frame["transaction_type"].astype("Int64")
    return compute_funding(frame, "EUR")


def test_money_columns_are_numbers_that_sort_by_value():
    from components.tables import make_flows_table, money_columns

    table = make_flows_table(_flows(), "en")
    assert money_columns(table) == ["Amount (EUR)"]
    ordered = table.sort_values("Amount (EUR)", ascending=False)["Project"].tolist()
    assert ordered == ["P", "Q", "R"]  # as text, "€200K" sorted above "€12.5M"; not published (empty) last
    assert table.loc[2, "Amount (EUR)"] != table.loc[2, "Amount (EUR)"]  # NaN: not published, never 0


def test_rendered_money_columns_stay_numbers_shown_in_the_pages_language():
    import pyarrow as pa
    from streamlit.testing.v1 import AppTest

    def page():
        from components.tables import make_flows_table, render_table
        from tests.components.test_tables import _flows

        render_table(make_flows_table(_flows(), "fr"), "fr")

    app = AppTest.from_function(page, default_timeout=60).run()
    assert not app.exception
    shown = app.dataframe[0]
    assert shown.value["Montant (EUR)"].tolist()[:2] == [12_500_000.0, 200_000.0]  # sorted as numbers
    display = pa.ipc.open_stream(shown.proto.arrow_data.styler.display_values).read_all().to_pandas()
    column = list(shown.value.columns).index("Montant (EUR)")
    assert [v.replace("\u202f", " ") for v in display.iloc[:, column]] == ["12 500 000", "200 000", "non publié"]
    assert shown.proto.placeholder == "non publié"  # what the grid draws for the missing number


def test_rates_and_donors_follow_the_language():
    from components.tables import make_flows_table

    flows = _flows()
    flows["rate"], flows["rate_basis"], flows["rate_date"] = 1.11726, "value-date", "2021-12-14"
    table = make_flows_table(flows, "fr")
    assert table.loc[0, "Taux utilisé"].startswith("1,1173 au 14 déc. 2021")
    assert table.loc[0, "Bailleur"] == "Pays-Bas"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_table_text_is_pandas_styler_text(lang):
    """render_table's Styler lists its cells' text itself: Streamlit's message must be the one pandas' own
    Styler.format (babel's '#,##0', 'not published' for a gap) gives, cell for cell."""
    import pyarrow as pa
    from babel.numbers import format_decimal
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from components.i18n import locale_of, t
    from components.tables import _styled, money_columns

    frame = pd.DataFrame({
        "Project": ["P-1", None, "P-3", float("nan"), "P-5"],
        "Amount (EUR)": [12_500_000.4, -1_234_567.5, float("nan"), 0.5, 999.5],
        "Count": [1, 2, 3, 4, 5],
        "Share": [0.5, 1 / 3, float("nan"), 2.0, -0.25],
        "Households": pd.array([10, None, 3_000, 4, 5], dtype="Int64"),
        "Flag": [True, False, True, False, True],
        "Mixed": ["a", 1.5, 2, None, "b"],
    })
    money = money_columns(frame)
    assert money == ["Amount (EUR)"]
    not_published = t("not_published", lang)
    reference = frame.style.format(
        {c: lambda v: format_decimal(round(v), "#,##0", locale=locale_of(lang)) for c in money},
        na_rep=not_published)

    def message(styler):
        proto = ArrowData()
        reference.set_uuid("uuid")
        styler.set_uuid("uuid")
        marshall_styler(proto, styler, "uuid")
        shown = pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()
        return shown, proto.SerializeToString()

    expected, got = message(reference), message(_styled(frame, money, lang))
    pd.testing.assert_frame_equal(got[0], expected[0])
    assert got[1] == expected[1]  # the whole message, byte for byte
    from streamlit import dataframe_util  # and the table's own data, as the frame's
    data = dataframe_util.convert_anything_to_pandas_df(_styled(frame, money, lang), ensure_copy=False)
    assert dataframe_util.convert_pandas_df_to_arrow_bytes(data) \
        == dataframe_util.convert_pandas_df_to_arrow_bytes(frame)
    assert expected[0]["Amount (EUR)"].tolist()[2] == not_published  # the reference does say it


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("value", [0, 0.4, -0.4, 0.5, 1.5, 2.5, -2.5, 999.5, 1000, 12_345.5, -13_965_000.2,
                                   9_876_543_210_123.0, 7])
def test_whole_numbers_are_babels_grouped_text(lang, value):
    from babel.numbers import format_decimal

    from components.i18n import format_whole, locale_of
    assert format_whole(value, lang) == format_decimal(round(value), "#,##0", locale=locale_of(lang))


@pytest.mark.parametrize("rows", [slice(None), slice(1, None), slice(0, 0)], ids=["all", "filtered", "empty"])
def test_sources_table_names_documents_and_keeps_the_rows(rows):
    from types import SimpleNamespace

    from components.tables import make_sources_table

    sources = pd.DataFrame({
        "table": ["projects", "flows", "projects"], "record_id": ["P-1", "P-1|f2", None],
        "column": ["theme", "amount", "title_en"], "value": ["peace", "12", None],
        "document_id": ["D1", "D9", "D1"], "paragraph": pd.array([3, None, 7], dtype="Int64"),
        "evidence": ["«x»", None, "=cmd"]}).iloc[rows]
    documents = pd.DataFrame({"document_id": ["D1", "D2"], "title": ["Report one", "Report two"]})
    table = make_sources_table(SimpleNamespace(sources=sources, documents=documents), "en")
    assert list(table.index) == list(sources.index)  # the sources' own rows, in their order
    expected = {"Project": ["P-1", "P-1 · f2", None], "Document": ["Report one [D1]", "D9 [D9]", "Report one [D1]"],
                "Paragraph": [3, None, 7], "Evidence": ["«x»", None, "=cmd"]}
    for column, values in expected.items():
        assert [None if pd.isna(v) else v for v in table[column].tolist()] == values[rows], column
    assert pd.api.types.is_string_dtype(table["Project"]) and pd.api.types.is_string_dtype(table["Document"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rates_are_babels_decimal_text(lang):
    """The rate's pattern is parsed once: its text must be babel's format_decimal(rate, '0.0000') for rounding ties,
    large, tiny and negative rates."""
    from babel.numbers import format_decimal

    from components.i18n import locale_of
    from components.tables import _rate_number

    for rate in [1.0, 1.11726, 0.00005, 0.00015, 1.00005, 2.50005, 0.9999949, 1234.56789, 1_000_000.12345, 1e-9,
                 -0.5, 3, 655.957, 0.0001, 12.3]:
        assert _rate_number(rate, lang) == format_decimal(rate, "0.0000", locale=locale_of(lang)), rate


@pytest.mark.parametrize(("frame", "built"), [
    (pd.DataFrame({"Project": ["P-1", "P-2"], "Title": ["Un", "Deux"]}, dtype=object), True),
    (pd.DataFrame({"Project": ["P-1", "P-2", "P-3"], "Days left": [3, -1, 0]}).astype({"Project": object}), True),
    (pd.DataFrame({"Amount (USD)": [1.5, float("nan")], "Type": ["a", "b"]}).astype({"Type": object}), True),
    (pd.DataFrame({"Project": pd.Series([], dtype=object), "Amount (EUR)": pd.Series([], dtype="float64")}), False),
    (pd.DataFrame({"Project": ["P-1", None]}, dtype=object), False),  # a gap: Streamlit's own conversion
    (pd.DataFrame({"Project": ["P-1", 2]}, dtype=object), False),
    (pd.DataFrame({"Project": ["P-1", "P-2"]}), False),  # pandas' text dtype
    (pd.DataFrame({"Count": pd.array([1, None], dtype="Int64")}), False),
    (pd.DataFrame({"Project": ["P-1", "P-2"], "Days left": [4, 2]}, index=[3, 7]).astype({"Project": object}), True),
    (pd.DataFrame({"Project": ["P-1", "P-2"]}, dtype=object, index=pd.RangeIndex(5, 7)), False),
    (pd.DataFrame({"Project": ["P-1", "P-2"]}, dtype=object, index=["a", "b"]), False),
], ids=["text", "int", "float-gap", "empty", "none", "mixed", "str-dtype", "Int64", "labels", "range-from-5",
        "text-index"])
def test_arrow_tables_are_the_bytes_streamlit_makes_of_the_frame(frame, built):
    """render_table's pyarrow table (built from the columns' values with a schema kept per shape) is sent as the
    very bytes st.dataframe makes of the frame, on its first use of that shape and after."""
    from streamlit import dataframe_util

    from components.tables import _arrow_table

    expected = dataframe_util.convert_pandas_df_to_arrow_bytes(frame)
    for _ in range(2):
        table = _arrow_table(frame)
        sent = dataframe_util.convert_arrow_table_to_arrow_bytes(table) if not isinstance(table, pd.DataFrame) \
            else dataframe_util.convert_pandas_df_to_arrow_bytes(table)
        assert sent == expected
    assert isinstance(table, pd.DataFrame) is not built  # text of str and numbers: built; anything else: the frame
