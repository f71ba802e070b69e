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
