"""Entry point: page config and navigation only."""
import streamlit as st

st.set_page_config(page_title="DRC stabilisation portfolio", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="📊", default=True, url_path="overview"),
]

st.navigation(PAGES).run()
