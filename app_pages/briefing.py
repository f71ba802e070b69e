"""Briefing mode: the current filters as full-width slides in large type, one key message each, stepped with
← / → and kept in the URL (?slide=, ?project=); the same slides as a PPTX or PDF pack, built on a click."""
import streamlit as st

from briefing.pack import MIME_TYPES, build_pack, renderer_note
from briefing.slides import build_deck
from components.briefing import render_navigation, render_pack_downloads, render_slide, select_projects, slide_number
from components.exports import render_exports
from components.filters import render_filter_notes
from components.i18n import t
from components.images import base_map_available
from components.state import active_dataset
from components.view import load_view
from data.storage import SAMPLE_ID

# Settings (drawn under the slide: the slide comes first on a projector's screen)
view = load_view()
lang = view.lang
slide_area, preparation = st.container(), st.container()
with preparation:
    st.divider()
    st.caption(t("briefing.caption", lang))
    render_filter_notes(view.result, len(view.full.projects), lang)
    project_ids = select_projects(list(view.portfolio.projects["project_id"]), lang)



# Load → compute (cached per dataset version, filters, language, currency, day and projects: stepping from one
# slide to the next reruns the page without recomputing the deck)
@st.cache_resource(max_entries=16, show_spinner=False)
def compute_deck(version: str, state, today, project_ids: tuple[str, ...], base: bool, _view):
    return build_deck(_view.portfolio, _view.full.locations, _view.funding, state, today,
                      t("briefing.version.sample", state.lang) if version == SAMPLE_ID else version, project_ids, base)


deck = compute_deck(active_dataset()[0], view.state, view.today, project_ids, base_map_available(), view)
number = slide_number(len(deck.slides))

# Render
with slide_area:
    render_navigation(number, len(deck.slides), lang)
    render_slide(deck.slides[number - 1], f"{deck.footer} · {number}/{len(deck.slides)}", lang)
with preparation:
    st.subheader(t("briefing.pack", lang))
    render_pack_downloads(lambda fmt: build_pack(deck, fmt), MIME_TYPES, f"briefing-{view.today.isoformat()}",
                          renderer_note(lang), lang)
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
