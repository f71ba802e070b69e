"""Data: the data in use, upload → validation report → explicit confirm (a new stored version), versions to restore,
blank templates. The upload flow lives in st.session_state (components/intake.py): nothing changes until confirmed."""
import streamlit as st

from components.as_of import render_as_of
from components.auth import render_sign_in
from components.i18n import t
from components.intake import UPLOADS_KEY, render_flash, render_in_use, render_templates, render_upload, render_versions
from components.mapping import render_mapping, render_mapping_flash, render_profiles
from components.maps import render_boundary_settings
from components.state import get_portfolio, render_settings
from data.filters import today_utc

lang, currency = render_settings()
st.title(t("data.title", lang))
render_as_of(get_portfolio(), today_utc(), lang)
st.caption(t("data.caption", lang))
user = render_sign_in(lang)  # viewers: read only; every action below is for editors and re-checked on use
render_flash()
render_mapping_flash()
active = render_in_use(lang, show_by=user.is_editor)
if user.is_editor:
    render_upload(active, lang, currency)
    render_mapping(st.session_state.get(UPLOADS_KEY), lang)  # columns told once, saved as a mapping profile
render_versions(active, lang, editor=user.is_editor)
render_templates(lang)
with st.expander(t("data.rules", lang)):  # definitions for data managers, not a viewer page's subtitle
    st.caption(t("donor.caption", lang))
if user.is_editor:  # profiles and boundary files are admin matters: here, for editors, never on viewer pages
    render_profiles(lang)
    st.subheader(t("map.settings", lang))
    render_boundary_settings(lang)
