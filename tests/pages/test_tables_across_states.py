"""A table's rows kept from earlier filter states (View.rows_made) show what a fresh server shows for the state."""
import pandas as pd
import pytest
import streamlit as st

from tests.pages.apptest import run_page

# places filtered (a project's Provinces cell names only those), back to none, a donor, another currency
STATES = [{}, {"province": "CD61"}, {}, {"donor": "Netherlands"}, {"status": "4"},
          {"province": "CD61", "cur": "EUR"}, {"cur": "EUR"}, {}]


def _tables(page: str, query: dict, session: dict) -> list[pd.DataFrame]:
    return [d.value for d in run_page(page, query, **session).dataframe]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("page", "session"), [("app_pages/overview.py", {}),
                                               ("app_pages/overview.py", {"overview_table": "flows"}),
                                               ("app_pages/overview.py", {"overview_table": "sources"}),
                                               ("app_pages/donor.py", {}),
                                               ("app_pages/donor.py", {"donor_table": "projects"})])
def test_tables_after_other_filter_states_are_the_tables_made_afresh(page, session, lang):
    fresh = []
    for query in STATES:
        st.cache_resource.clear()  # a new prepared model: every row formatted for this state alone
        fresh.append(_tables(page, {**query, "lang": lang}, session))
    st.cache_resource.clear()
    for query, expected in zip(STATES, fresh):  # one model: rows kept from the states before
        shown = _tables(page, {**query, "lang": lang}, session)
        assert len(shown) == len(expected) > 0, query
        for got, want in zip(shown, expected):
            pd.testing.assert_frame_equal(got, want, check_exact=True)
