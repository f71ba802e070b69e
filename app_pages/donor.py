"""Donor profile: one donor's portfolio across years, themes, partners and provinces; commitments against
disbursements; the map filtered to that donor."""
from functools import partial

import streamlit as st

from components.as_of import render_as_of
from components.chart_png import render_chart
from components.exports import render_exports
from components.filters import render_filter_notes, select_from_url
from components.i18n import t
from components.kpis import render_kpis
from components.printing import render_sections
from components.profiles import make_breakdown_figure, make_donor_provinces_table, make_measures_table
from components.small_map import render_small_map
from components.tables import (
    make_flows_table,
    make_projects_table,
    render_one_table,
    render_paged_table,
    render_table,
)
from components.view import PLOT_CONFIG, load_view
from data.metrics import compute_kpis
from data.organisations import organisation_label
from data.profiles import (
    BREAKDOWNS,
    compute_donor_breakdown,
    compute_donor_measures,
    compute_donor_provinces,
    rank_donors,
)

view = load_view()
lang, currency = view.lang, view.currency

st.title(t("donor.title", lang))
render_as_of(view.full, view.today, lang, view.dataset_memo)
st.caption(t("donor.subtitle", lang))
render_filter_notes(view.result, len(view.full.projects), lang)

# Largest committed amount first: the default profile is the largest donor, not the first by name.
donor = select_from_url("profile", view.memo("donors_ranked", lambda: rank_donors(  # the view's flows by position
    *view.flows_at(), flow_facts=view.prepared.flow_facts())),
                        t("donor.choose", lang), lang, lambda name: organisation_label(name, lang))
if donor is None:
    st.info(t("donor.none", lang))
else:
    def memo(name, compute, *key):  # everything below depends on the donor too
        return view.memo(name, compute, donor, *key)

    mine, funding, allocation = memo("donor_view", lambda: view.of_donor(donor))
    render_kpis(memo("donor_kpis", lambda: compute_kpis(mine, currency, funding, view.prepared.missing_facts,
                                                        view.prepared.flow_facts(), view.prepared.project_facts())),
                lang, donors=False)

    flows = memo("donor_flows", lambda: view.donor_flows(donor, funding, mine.projects))
    st.subheader(t("donor.measures", lang))
    render_table(memo("donor_measures", lambda: make_measures_table(compute_donor_measures(flows), currency, lang)),
                 lang)
    sections = render_sections([t(f"donor.by.{by}", lang) for by in BREAKDOWNS], key="donor_by")  # tabs: the
    for (tab, shown), by in zip(sections, BREAKDOWNS):  # open one drawn; on paper one after another, all drawn
        if not shown:
            continue
        with tab:
            frame, left_out = memo("donor_breakdown", partial(compute_donor_breakdown, flows, by), by)
            if not frame.empty:
                render_chart(memo("donor_breakdown_figure", partial(make_breakdown_figure, frame, by, currency, lang),
                                  by), f"donor_{by}", t("export.chart.donor_by", lang, by=t(f"donor.word.{by}", lang)),
                             lang, PLOT_CONFIG)
            if frame.empty:
                st.caption(t("donor.by.empty", lang, by=t(f"donor.word.{by}", lang)))
            elif by == "year" and flows["year_from_start"].any():
                st.caption(t("donor.year_from_start", lang, n=int(flows["year_from_start"].sum())))
            if left_out and not frame.empty:
                st.caption(t("donor.left_out", lang, n=left_out, by=t(f"donor.word.{by}", lang)))

    st.subheader(t("donor.provinces", lang))
    left, right = st.columns([3, 2])
    with left:
        render_small_map(mine.projects, view.full.locations, funding, currency, lang, key="donor_map",
                         shares=view.shares, allocation=allocation, memo=memo, donors=view.project_donors(donor))
    with right:
        provinces = memo("donor_provinces", lambda: compute_donor_provinces(mine, donor))
        if not provinces.empty:
            render_table(memo("donor_provinces_table", lambda: make_donor_provinces_table(provinces, lang)))
            if not provinces["split_known"].all():
                st.caption(t("donor.split_unknown", lang))

    render_one_table({  # one at a time, as on the Overview (both on paper)
        "flows": lambda: render_paged_table(funding, lambda rows: make_flows_table(rows, lang), lang,
                                            key="donor_flows", memo=memo, made=view.rows_made("flows", currency)),
        "projects": lambda: render_paged_table(
            mine.projects, lambda rows: make_projects_table(view.page_portfolio(mine, rows), lang), lang,
            key="donor_projects", memo=memo,
            made=view.rows_made("projects", view.state.provinces, view.state.territories)),  # their places
    }, t("donor.tables", lang), lang, key="donor_table")
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
