"""Slide figures (plotly, never Streamlit): large type, high contrast, Okabe–Ito colours, no plotly title.

Each builder draws a frame that BriefingFacts holds, i.e. the output of the function the dashboard's own chart
uses; the donor slide reuses the dashboard's donor chart itself."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import OKABE_ITO, make_donor_figure
from components.i18n import format_number, status_label, t
from data.schema import ACTIVITY_STATUS
from geo.embedded import capital_units

SLIDE_FONT = 22  # px at 1280 px wide: readable from the back of a meeting room
INK, GRID = "#111111", "#BBBBBB"
DRC_LON, DRC_LAT = (11.4, 34.0), (-14.0, 6.0)  # the country plus room for its eastern-border symbols
MAX_SYMBOL_PX = 60


def style_for_slide(figure: go.Figure, lang: str) -> go.Figure:
    """The projector look: no title (the slide has one), large dark type, axes that make room for long labels."""
    figure.update_layout(
        title=None, font=dict(size=SLIDE_FONT, color=INK), paper_bgcolor="white", plot_bgcolor="white",
        margin=dict(l=10, r=30, t=20, b=10), height=None, separators=",." if lang == "en" else ", ",
        legend=dict(font=dict(size=SLIDE_FONT), orientation="h", yanchor="bottom", y=1.02, x=0, title=None))
    figure.update_xaxes(automargin=True, gridcolor=GRID, tickfont=dict(size=SLIDE_FONT, color=INK),
                        title_font=dict(size=SLIDE_FONT, color=INK))
    figure.update_yaxes(automargin=True, gridcolor=GRID, tickfont=dict(size=SLIDE_FONT, color=INK),
                        title_font=dict(size=SLIDE_FONT, color=INK))
    return figure


def make_donors_slide_figure(by_donor: pd.DataFrame, currency: str, lang: str, top: int = 8) -> go.Figure:
    """The dashboard's donor chart (data.metrics.compute_by_donor), restyled for a slide."""
    figure = style_for_slide(make_donor_figure(by_donor.head(top), currency, lang), lang)
    figure.update_traces(textfont=dict(size=SLIDE_FONT), insidetextfont=dict(color="white"),
                         outsidetextfont=dict(color=INK))
    return figure


def make_map_slide_figure(provinces: pd.DataFrame, currency: str, lang: str, base: bool) -> go.Figure:
    """Committed funding per province (geo.allocation.by_unit) as proportional symbols at the provincial
    capitals; `base`: the local Natural Earth topojson may be drawn."""
    units = capital_units().merge(provinces[["pcode", "funding"]], on="pcode", how="left") if not provinces.empty \
        else capital_units().assign(funding=float("nan"))
    values = pd.to_numeric(units["funding"], errors="coerce")
    shown = units[values.notna() & (values > 0)]
    figure = go.Figure(go.Scattergeo(lon=units["lon"], lat=units["lat"], mode="markers", hoverinfo="skip",
                                     marker=dict(size=7, color="#888888"), showlegend=False))
    if not shown.empty:
        # No names on the map: at slide size they would cover each other; the slide lists the largest beside it.
        figure.add_trace(go.Scattergeo(
            lon=shown["lon"], lat=shown["lat"], mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(size=values[shown.index], sizemode="area", sizemin=6,
                        sizeref=2.0 * float(values.max()) / MAX_SYMBOL_PX ** 2, color=OKABE_ITO[0], opacity=0.8,
                        line=dict(width=2, color="white"))))
    geo = dict(showframe=False, showcoastlines=False, showocean=False, showsubunits=False,
               projection_type="equirectangular", bgcolor="white", lonaxis_range=list(DRC_LON),
               lataxis_range=list(DRC_LAT))
    if base:
        geo.update(scope="africa", resolution=50, showland=True, landcolor="#F2F2EE", showcountries=True,
                   countrycolor="#777777", countrywidth=1.5, showlakes=True, lakecolor="#CFE3F2")
    else:
        geo.update(showland=False, showcountries=False, showlakes=False, showrivers=False)
    figure.update_geos(**geo)
    figure.update_layout(margin=dict(l=0, r=0, t=0, b=0), paper_bgcolor="white", font=dict(size=SLIDE_FONT),
                         separators=",." if lang == "en" else ", ")
    return figure


def make_status_slide_figure(kpis: dict, lang: str) -> go.Figure:
    """Projects per IATI status (data.metrics.compute_kpis, the Overview's 'Projects' tile), unpublished last."""
    unpublished = t("status.not_published", lang)
    labels = [status_label(code, lang) for code in ACTIVITY_STATUS] + [unpublished[:1].upper() + unpublished[1:]]
    counts = [kpis["projects_by_status"].get(code, 0) for code in ACTIVITY_STATUS] + \
        [kpis["projects_status_not_published"]]
    keep = [i for i, n in enumerate(counts) if n]
    colours = [*OKABE_ITO[:len(ACTIVITY_STATUS)], "#999999"]
    figure = go.Figure(go.Bar(
        y=[labels[i] for i in keep][::-1], x=[counts[i] for i in keep][::-1], orientation="h",
        marker_color=[colours[i] for i in keep][::-1], text=[format_number(counts[i], lang) for i in keep][::-1],
        textposition="outside", cliponaxis=False))
    figure.update_xaxes(title=t("col.projects", lang), rangemode="tozero")
    return style_for_slide(figure, lang)


def make_households_slide_figure(households: pd.DataFrame, lang: str, top: int = 6) -> go.Figure:
    """Targeted against reached for the largest projects (data.status.compute_households: projects publishing
    both), as horizontal bars so project ids read without turning the head."""
    drawn = households.sort_values("targeted", ascending=False).head(top).iloc[::-1]
    figure = go.Figure()
    for column, colour in (("reached", OKABE_ITO[2]), ("targeted", OKABE_ITO[4])):
        figure.add_trace(go.Bar(y=drawn["project_id"], x=drawn[column], orientation="h", marker_color=colour,
                                name=t(f"fact.households_{column}", lang),
                                text=[format_number(v, lang) for v in drawn[column]], textposition="outside",
                                textfont=dict(size=SLIDE_FONT - 4), cliponaxis=False,
                                constraintext="none"))  # thin grouped bars must not shrink the numbers
    figure.update_layout(barmode="group", legend=dict(traceorder="reversed"))
    return style_for_slide(figure, lang)
