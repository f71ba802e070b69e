"""Project page: a summary first (status, money, provinces, dates), then partners and roles, provinces on a small
map, dates, money flows (original and reporting currency, rate and date), status checks and every source."""
import pandas as pd
import streamlit as st

from components.as_of import render_as_of
from components.escape import escape_text
from components.exports import render_exports
from components.filters import CHOICES_MAX, render_filter_notes, search_choices, select_from_url
from components.i18n import format_number, t
from components.profiles import (
    compute_project_summary,
    make_dates_table,
    make_parties_table,
    make_project_sources_table,
    project_conflicts,
)
from components.small_map import render_small_map
from components.status_views import compute_every_check, render_checks
from components.tables import make_flows_table, render_table
from components.view import load_view
from data.metrics import compute_conflicts
from data.profiles import compute_project_parties, compute_project_sources_at, compute_source_index
from data.status import of_projects

view = load_view()
lang = view.lang
# Only the list to choose from depends on the filters: the rows and titles are the dataset's, indexed once.
projects, titles = view.projects_by_id(), view.project_titles()


def title_of(project_id: str) -> str:
    return f"{project_id} — {titles[project_id]}"


st.title(t("project.title", lang))
render_as_of(view.full, view.today, lang, view.dataset_memo)
render_filter_notes(view.result, len(view.full.projects), lang)
choices = view.memo("project_choices", lambda: view.prepared.index.ids[view.keep].tolist())  # the view's, in order
# The chooser sits in a popover: the chosen project's title is shown once, as the header above its summary.
chooser = st.popover(t("project.another", lang), icon=":material/swap_horiz:")
if (count := len(choices)) > CHOICES_MAX:  # a search box rather than a 10,000-title dropdown
    query = chooser.text_input(t("project.search", lang), key="project_search")
    choices = search_choices(choices, titles, query, keep=[st.query_params.get("project") or ""])
    chooser.caption(t("project.search.shown", lang, shown=len(choices), n=count))
project_id = select_from_url("project", choices, t("project.choose", lang), lang, title_of, container=chooser)
if project_id is None:
    st.info(t("project.none", lang))
else:
    def memo(name, compute, *key):
        # What follows depends on the project, the language and the currency, not on the filters (all its flows
        # and places are shown): computed once per project for every filter state.
        return view.dataset_memo(name, compute, project_id, lang, view.currency, *key)

    project = projects.loc[project_id]
    at = view.full.projects.index[projects.index.get_loc(project_id)]  # its row in the prepared model's dates
    dates = view.dates.loc[at] if view.dates is not None else None
    flows, places, allocation = memo("flows_places", lambda: view.of_project(project_id))  # whatever the filters
    conflicts = project_conflicts(view.dataset_memo("all_conflicts", lambda: compute_conflicts(
        view.full.sources, view.full.documents)), project_id)
    st.header(escape_text(title_of(project_id)))
    # Summary first: status, money, provinces, dates (with what other sources say where they disagree).
    summary = memo("summary", lambda: compute_project_summary(project, flows, places, conflicts, view.currency, lang,
                                                                  dates))
    for row in (summary[:4], summary[4:]):
        for column, (label, value, help_text) in zip(st.columns(4), row):
            column.metric(label, value, help=help_text, border=True)

    left, right = st.columns(2)
    with left:
        st.subheader(t("project.parties", lang))
        render_table(memo("parties", lambda: make_parties_table(compute_project_parties(view.full, project_id, flows),
                                                                lang)))
        st.subheader(t("project.dates", lang))
        render_table(memo("dates_table", lambda: make_dates_table(project, lang, conflicts, dates)))
    with right:
        st.subheader(t("project.places", lang))
        if project["coverage"] == "national":
            st.caption(t("project.national", lang))
        elif places.empty:
            st.caption(t("project.no_place", lang))
        if not places.empty:
            render_small_map(projects.loc[[project_id]], view.full.locations, flows, view.currency, lang,  # its flows
                             key="project_map", metric="projects", height=280, shares=view.shares,
                             allocation=allocation, memo=memo, donors=view.every_project_donors())
        reached = project["households_reached"]
        st.metric(t("fact.households_reached", lang), format_number(None if pd.isna(reached) else int(reached),
                                                                      lang), border=True)
        people = project.get("people_targeted")
        if people is not None and pd.notna(people):  # a 3W counts people: shown as people, never as households
            st.metric(t("fact.people_targeted", lang), format_number(int(people), lang), border=True)
    if isinstance(project["notes"], str) and project["notes"]:
        st.expander(t("project.notes", lang)).text(project["notes"])

    st.subheader(t("project.money", lang))
    render_table(memo("flows_table", lambda: make_flows_table(flows, lang)), lang)

    st.subheader(t("checks.title", lang))
    render_checks(memo("project_checks", lambda: of_projects(compute_every_check(view), projects.loc[[project_id]])),
                  lang, memo)

    st.subheader(t("project.sources", lang))
    # where every project's sources are, found once per dataset: a project's are then a lookup, not a scan
    where = view.dataset_memo("source_index", lambda: compute_source_index(view.full.sources, view.full.documents))
    sources = memo("sources", lambda: compute_project_sources_at(view.full, where, project_id, flows))
    if sources.empty:  # uploaded data rarely cites documents: say so rather than draw an empty grid
        st.caption(t("project.sources.none", lang))
    else:
        render_table(make_project_sources_table(sources, lang))
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
