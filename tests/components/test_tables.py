"""Display tables: provinces by their official names from the P-codes, gaps as 'not published'."""
from components.tables import make_projects_table
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
    assert len(shown) == 200 and list(shown["n"])[:2] == [0, 1]
    assert shown["label"].iloc[0] == "'=CMD0"  # made by `make`, neutralised like every table
    assert "Rows 1–200 of 450." in [c.value for c in app.caption]
    app.number_input(key="big_page").set_value(3).run()
    last = app.dataframe[0].value
    assert list(last["n"]) == list(range(400, 450))
    assert "Rows 401–450 of 450." in [c.value for c in app.caption]


def test_a_small_table_is_shown_whole_without_paging():
    from streamlit.testing.v1 import AppTest

    def small():
        import pandas as pd

        from components.tables import render_paged_table

        render_paged_table(pd.DataFrame({"n": range(5)}), lambda page: page, "fr", key="small")

    app = AppTest.from_function(small).run()
    assert len(app.dataframe[0].value) == 5 and not app.number_input
