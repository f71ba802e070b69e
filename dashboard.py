"""Entry point: page config and navigation only."""
import streamlit as st

from components.filters import nav_language
from components.i18n import t

lang = nav_language()  # the page titles follow ?lang=
st.set_page_config(page_title=t("app.title", lang), page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), icon="📊", default=True, url_path="overview"),
    st.Page("pages/status.py", title=t("nav.status", lang), icon="⏱️", url_path="status"),
    st.Page("pages/donor.py", title=t("nav.donor", lang), icon="🤝", url_path="donor"),
    st.Page("pages/project.py", title=t("nav.project", lang), icon="📁", url_path="project"),
    st.Page("pages/funding_map.py", title=t("nav.funding_map", lang), icon="🗺️", url_path="funding_map"),
    st.Page("pages/data.py", title=t("nav.data", lang), icon="🗂️", url_path="data"),
]

st.navigation(PAGES).run()
