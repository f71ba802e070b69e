"""The print view: every table drawn whole as a static table (capped, with a note), set by a sidebar toggle and
?print=1, kept in the URL."""

import pytest
from streamlit.testing.v1 import AppTest

from components.tables import PAGE_ROWS
from tests.pages.apptest import run_page
from tests.pages.test_pages_apptest import plotly_specs


def _paged(rows: int):
    import pandas as pd

    from components.tables import render_paged_table

    frame = pd.DataFrame({"n": range(rows), "label": [f"=cmd{i}" for i in range(rows)]})
    render_paged_table(frame, lambda part: part.assign(label=part["label"].str.upper()), "fr", key="big")


@pytest.mark.parametrize(("rows", "shown", "note"), [
    (450, 450, None),  # more than a screen page (200), all on paper
    (1200, 1000, "1 000 lignes imprimées sur 1 200. Toutes les lignes sont dans le menu Télécharger (CSV, Excel)."),
])
def test_in_the_print_view_a_paged_table_is_one_static_table_of_every_row_up_to_the_cap(rows, shown, note):
    app = AppTest.from_function(_paged, args=(rows,))
    app.session_state["print_view"] = True
    app.run()
    assert not app.exception
    assert not app.dataframe and not app.number_input  # no grid, no pager: nothing to scroll on paper
    table = app.table[0].value
    assert list(table["n"]) == list(range(shown))
    assert table["label"].iloc[-1] == f"'=CMD{shown - 1}"  # neutralised like every table
    captions = [c.value.replace("\u202f", " ") for c in app.caption]
    assert (note in captions) if note else not captions


def test_without_the_print_view_the_same_table_is_a_paged_grid():
    app = AppTest.from_function(_paged, args=(450,)).run()
    assert not app.table and len(app.dataframe[0].value) == PAGE_ROWS


def test_printed_money_columns_read_in_the_pages_language():
    import pyarrow as pa

    def page():
        from components.tables import make_flows_table, render_table
        from tests.components.test_tables import _flows

        render_table(make_flows_table(_flows(), "fr"), "fr")

    app = AppTest.from_function(page, default_timeout=60)
    app.session_state["print_view"] = True
    app.run()
    assert not app.exception
    table = app.table[0]
    display = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()
    column = list(table.value.columns).index("Montant (EUR)")
    assert [v.replace("\u202f", " ") for v in display.iloc[:, column]] == ["12 500 000", "200 000", "non publié"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_print_in_the_url_turns_the_view_on_and_the_toggle_turns_it_off(lang):
    from components.i18n import t

    app = run_page("app_pages/overview.py", {"lang": lang, "print": "1"})
    toggle = app.toggle(key="print_view")
    assert toggle.value is True and toggle.label == t("print.toggle", lang)
    assert app.table and not app.dataframe  # every table of the Overview static
    assert any(i.value.startswith(t("print.on", lang, rows="")[:20]) for i in app.info)
    toggle.set_value(False).run()
    assert "print" not in app.query_params
    assert app.dataframe and not app.table


def test_without_print_in_the_url_tables_are_grids():
    app = run_page("app_pages/overview.py", {"lang": "en"})
    assert app.toggle(key="print_view").value is False
    assert app.dataframe and not app.table


def chart_titles(app) -> list[str]:
    return [spec["layout"].get("title", {}).get("text") for spec in plotly_specs(app)]


@pytest.mark.parametrize(("print_view", "opened"), [("1", None), ("0", None), ("0", 2)])
def test_the_donor_breakdowns_are_tabs_drawn_when_open_on_screen_and_headed_sections_in_the_print_view(print_view,
                                                                                                        opened):
    from components.i18n import t
    from data.profiles import BREAKDOWNS

    labels = [t(f"donor.by.{by}", "fr") for by in BREAKDOWNS]
    session = {} if opened is None else {"donor_by": labels[opened]}
    app = run_page("app_pages/donor.py", {"print": print_view, "lang": "fr", "profile": "Netherlands"}, **session)
    titles, captions = chart_titles(app), [c.value for c in app.caption]
    # a breakdown is drawn as its chart, or as the caption saying nothing can be drawn (the sample's Netherlands
    # flows publish no year)
    drawn = [by for by, label in zip(BREAKDOWNS, labels) if label in titles
             or t("donor.by.empty", "fr", by=t(f"donor.word.{by}", "fr")) in captions]
    if print_view == "1":  # a browser keeps only the open tab in the page: the others could not be printed
        assert not app.tabs and [h.value for h in app.subheader if h.value in labels] == labels
        assert drawn == list(BREAKDOWNS)
    else:  # only the open tab's breakdown is made and sent (a tab switch reruns the page)
        assert [tab.label for tab in app.tabs] == labels
        assert drawn == [BREAKDOWNS[opened or 0]]


@pytest.mark.parametrize(("print_view", "unfolded", "drawn"), [("0", False, False), ("0", True, True),
                                                                ("1", False, True)])
def test_the_other_checks_are_drawn_once_unfolded_and_always_in_the_print_view(print_view, unfolded, drawn):
    from components.i18n import t

    session = {"checks_others_shown": True} if unfolded else {}
    app = run_page("app_pages/status.py", {"print": print_view, "lang": "en"}, **session)
    prefix = t("checks.others", "en", n=0).split("0")[0]
    section = next(e for e in app.expander if e.label.startswith(prefix))
    tables = len(section.dataframe) + len(section.table)
    assert (tables == 2) if drawn else tables == 0  # the counts by check, then the checks themselves
