"""Funding map: funding and households by province (territories with an ADM2 file), offline; settings → load →
compute → render."""
import streamlit as st

from components.as_of import render_as_of
from components.escape import escape_text, hide_paths
from components.exports import render_exports
from components.filters import render_filter_notes
from components.i18n import t
from components.maps import (
    TERRITORY_SPLIT,
    boundary_key,
    boundary_source,
    compute_titles_by_id,
    get_prepared,
    map_units,
    minimum_projects,
    render_map_section,
    served_url,
    topojson_available,
)
from components.view import load_view
from data.metrics import FLOW_MEASURES
from geo.allocation import (
    MAP_METRICS,
    allocate_all_territories,
    by_unit,
    compute_territory_places,
    split_index_territories,
)

# Settings
view = load_view()
lang, currency, portfolio = view.lang, view.currency, view.portfolio
st.title(t("map.page.title", lang))
render_as_of(view.full, view.today, lang, view.dataset_memo)
st.caption(t("map.page.caption", lang))
render_filter_notes(view.result, len(view.full.projects), lang)
sources = {level: boundary_source(level) for level in (1, 2)}  # chosen on the Data page
left, right, third = st.columns([2, 2, 1.4])  # one row of settings: the map starts higher on a small screen
metric = MAP_METRICS[left.selectbox(t("map.metric", lang), list(MAP_METRICS), key="map_metric",
                                    format_func=lambda k: t(f"map.metric.{k}", lang))]
measure = right.selectbox(t("map.measure", lang), list(FLOW_MEASURES), key="map_measure",
                          format_func=lambda k: t(f"measure.{k}", lang))

# Load (cached prepared geometry; None → the embedded default)
(adm1, problem), (adm2, problem2) = get_prepared(sources[1]), get_prepared(sources[2])
for reason in filter(None, (problem, problem2)):
    st.warning(t("map.unreadable", lang, reason=escape_text(hide_paths(reason))))
urls = {1: served_url(sources[1], adm1), 2: served_url(sources[2], adm2)}  # boundaries sent once, not per figure
base = topojson_available()
level = third.radio(t("map.level", lang), [1, 2], key="map_level",
                    format_func=lambda v: t(f"map.level.{v}", lang)) if adm2 is not None else 1

# Compute (memoised per dataset, filters, measure and boundary files: a rerun with nothing changed reuses it all)
geometry = (boundary_key(sources[1]), boundary_key(sources[2]), base, urls[1], urls[2])


def memo(name, compute, *key):
    if name == TERRITORY_SPLIT:  # every province's territories (geo.allocation): read back on a restart
        return view.kept(name, compute, measure, *key)
    return view.memo(name, compute, measure, geometry, *key)


# Every project's territories found once per dataset; a view takes its projects' rows by position.
locations = view.full.locations
all_places = view.dataset_kept("territory_places", lambda: compute_territory_places(locations))  # kept: restarts
places = memo("territory_places", lambda: view.of_view(all_places, "territory_places"))
allocation = view.allocation(measure)


def whole_split():
    # every row of the allocation's index split once per dataset, currency and measure: a view takes its rows'
    return view.dataset_memo("territory_split_index", lambda: split_index_territories(
        allocation, locations, all_places), view.currency, measure, id(allocation.row_source))


# map_units orders the donors; kept: read back on a restart when no filter is set
provinces = view.kept("by_province", lambda: by_unit(allocation, with_donors=False), measure)
# Every project's (a unit or a total reads only its projects'): once per dataset and currency, not per state.
extra = dict(donors=view.project_donors(),
             minimum=view.dataset_memo("minimum_projects", lambda: minimum_projects(view.full.projects)))


def make_units():
    if level == 2:
        territory_rows, remainder = allocate_all_territories(allocation, locations, places)
        return map_units(by_unit(allocation, territory_rows, key="territory", with_donors=False), adm2,
                         key="territory", url=urls[2], **extra), remainder
    return map_units(provinces, adm1, url=urls[1], **extra), None


units, all_remainder = memo("map_units", make_units, level)
# Every project's title once per dataset and language, for the filter states after the first (a restart's first
# render, unfiltered, reads only its first page's titles).
titles_by_id = view.dataset_memo("titles_by_id", lambda: compute_titles_by_id(view.full.projects, lang), lang) \
    if view.state.narrows else None

# Render (a click on the map or another province reruns only this section: a fragment)
render_map_section(units, metric, currency, lang, level=level, base=base, all_remainder=all_remainder,
                   allocation=allocation, provinces=provinces, memo=memo,
                   projects=portfolio.projects if titles_by_id is None else view.full.projects,  # titles only
                   minimum=extra["minimum"], embedded=adm1 is None,
                   territories=dict(locations=locations, places=places, adm2=adm2, metric=metric, base=base,
                                    extra=dict(extra, url=urls[2]),
                                    # unfiltered: the view's own split, kept for restarts (the first render of a new
                                    # version does not wait for the whole index's, ~1.5x the view's at 100k)
                                    whole=whole_split if view.state.narrows else None),
                   titles=titles_by_id)
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
