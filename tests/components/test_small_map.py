"""The funding map in small: the maps builder, committed funding per province, projects when no amount is
published, and never a trace that would fetch topojson without a local file."""
import pandas as pd
import pytest

from components.small_map import make_small_map
from data.metrics import compute_funding

PROJECTS = pd.DataFrame([
    {"project_id": "A", "coverage": "provincial", "households_targeted": None, "households_reached": None},
    {"project_id": "B", "coverage": "provincial", "households_targeted": None, "households_reached": None},
    {"project_id": "N", "coverage": "national", "households_targeted": None, "households_reached": None},
])
LOCATIONS = pd.DataFrame([
    {"project_id": "A", "province_pcode": "CD61", "budget_share": None, "households_targeted": None,
     "split_known": False, "territory_pcode": None},
    {"project_id": "A", "province_pcode": "CD54", "budget_share": None, "households_targeted": None,
     "split_known": False, "territory_pcode": None},
    {"project_id": "B", "province_pcode": "CD74", "budget_share": None, "households_targeted": None,
     "split_known": False, "territory_pcode": None},
])


def funding(amount):
    frame = pd.DataFrame([{"flow_id": "f", "project_id": "A", "donor": "D", "org_role": 1, "recipient": "IOM",
                           "transaction_type": 11, "amount": amount, "currency": "USD" if amount else None,
                           "value_date": None}])
    frame["transaction_type"] = frame["transaction_type"].astype("Int64")
    return compute_funding(frame, "USD")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_small_map_draws_committed_funding_offline(lang):
    small = make_small_map(PROJECTS, LOCATIONS, funding(1_000_000.0), "USD", lang, None, base=False)
    assert small.metric == "funding" and not small.fell_back
    assert all(getattr(trace, "locations", None) is None for trace in small.figure.data)
    geo = small.figure.layout.geo
    assert not any([geo.showland, geo.showcountries, geo.showlakes, geo.showrivers])


def test_small_map_counts_projects_when_no_amount_is_published():
    small = make_small_map(PROJECTS, LOCATIONS, funding(None), "USD", "en", None, base=False)
    assert small.metric == "projects" and small.fell_back


def test_small_map_keeps_national_projects_off_the_map():
    small = make_small_map(PROJECTS, LOCATIONS, funding(1.0), "USD", "en", None, base=False)
    assert small.allocation.national_projects == ("N",)


def test_small_map_has_a_short_translated_title():
    small = make_small_map(PROJECTS, LOCATIONS, funding(None), "USD", "fr", None, base=False)
    assert small.figure.layout.title.text == "Nombre de projets"


def test_small_map_given_the_datasets_minimum_projects_draws_the_same_map():
    # the Overview passes minimum_projects of every project (found once per dataset): a unit is marked by its own
    # projects only, so a project of another view ("C") changes nothing, and a given set is what is read
    flagged = PROJECTS.assign(households_targeted=[1200.0, 3000.0, None],
                              households_targeted_is_minimum=[False, True, None])
    kwargs = dict(metric="households_targeted")
    own = make_small_map(flagged, LOCATIONS, funding(1.0), "USD", "en", None, False, **kwargs)
    given = make_small_map(flagged, LOCATIONS, funding(1.0), "USD", "en", None, False, minimum=frozenset({"B", "C"}),
                           **kwargs)
    assert given.figure.to_plotly_json() == own.figure.to_plotly_json()
    other = make_small_map(flagged, LOCATIONS, funding(1.0), "USD", "en", None, False, minimum=frozenset({"A"}),
                           **kwargs)
    assert other.figure.to_plotly_json() != own.figure.to_plotly_json()
