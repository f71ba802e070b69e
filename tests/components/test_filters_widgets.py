"""Sidebar widgets and the URL: pages without the shared filters still keep ?lang= and ?cur= in step."""
from streamlit.testing.v1 import AppTest


def settings_script():
    import streamlit as st

    from components.state import render_settings

    lang, currency = render_settings()
    st.write(f"{lang}|{currency}")


def run(query):
    app = AppTest.from_function(settings_script, default_timeout=30)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_language_and_currency_come_from_the_url():
    app = run({"lang": "fr", "cur": "EUR", "donor": "Sweden"})
    assert app.markdown[0].value == "fr|EUR"
    assert app.query_params["donor"] == "Sweden"  # other filters are left for the pages that use them


def test_invalid_language_falls_back_and_the_url_is_corrected():
    app = run({"lang": "de", "cur": "CDF"})
    assert app.markdown[0].value == "en|USD"
    assert (app.query_params["lang"], app.query_params["cur"]) == ("en", "USD")
    assert app.warning[0].value == "Ignored invalid or outdated link values: lang=de, cur=CDF."


def test_changing_the_language_writes_the_url():
    app = run({})
    app.radio(key="lang").set_value("fr").run()
    assert app.query_params["lang"] == "fr" and app.markdown[0].value == "fr|USD"


def test_search_choices_lists_matches_and_keeps_the_project_in_the_url():
    import pandas as pd

    from components.filters import search_choices

    ids = [f"SYN-{i}" for i in range(500)]
    labels = pd.Series({pid: ("Water" if i % 7 == 0 else "Peace") + f" project {i}" for i, pid in enumerate(ids)})
    assert search_choices(ids, labels, "", limit=200) == ids[:200]
    water = search_choices(ids, labels, "wATer", limit=10)
    assert water == [ids[i] for i in range(0, 70, 7)]
    assert search_choices(ids, labels, "water", keep=["SYN-499"], limit=3) == ["SYN-499", "SYN-0", "SYN-7", "SYN-14"]
    assert search_choices(ids, labels, "no such thing", keep=["unknown"]) == []
