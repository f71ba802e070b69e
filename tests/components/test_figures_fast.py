"""The charts built as plain dicts (components.figures.make_plain_figure) against the same charts built through
plotly's validated API (the builders as they were, kept here as the reference): once validated, every trace and
layout property is the same."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.charts import OKABE_ITO, make_bar_label, make_donor_figure, money_ticks
from components.escape import escape_all
from components.i18n import format_households, format_money, format_partial_date, status_label, t, theme_label
from components.profiles import make_breakdown_figure
from components.status_views import make_burn_figure, make_households_figure
from components.timeline import PATTERNS, STATUS_COLOURS, _status, make_timeline_figure
from data.metrics import FLOW_MEASURES
from data.organisations import organisation_label
from data.status import compute_timeline
from tests.components.test_maps_fast import same_figure
from tests.components.test_timeline import projects

# ---------------------------------------------------------------- the reference: the builders before they used dicts

def plain_breakdown_figure(frame: pd.DataFrame, by: str, currency: str, lang: str) -> go.Figure:
    """Grouped bars per year, theme or partner: one bar per money measure (committed, received, disbursed, spent)."""
    figure = go.Figure()
    for i, measure in enumerate(FLOW_MEASURES):
        part = frame[frame["measure"] == measure]
        if part.empty:
            continue
        labels = escape_all([theme_label(v, lang) if by == "theme" else organisation_label(v, lang) if by == "partner"
                             else str(v) for v in part[by]], "html")
        figure.add_trace(go.Bar(x=labels, y=part["amount"], name=t(f"measure.{measure}", lang),
                                marker_color=OKABE_ITO[i],
                                text=[format_money(v, currency, lang) for v in part["amount"]],
                                textposition="auto", hovertemplate="%{x}<br>%{text}<extra></extra>"))
    figure.update_layout(title=t(f"donor.by.{by}", lang), barmode="group", height=340,
                         margin=dict(l=10, r=10, t=50, b=10),
                         yaxis=dict(title=t("chart.amount", lang, currency=currency),
                                    **money_ticks(float(frame["amount"].max()) if len(frame) else 0.0, currency,
                                                  lang)),
                         xaxis=dict(type="category"), separators=".," if lang == "en" else ", ")
    return figure


def plain_donor_figure(by_donor: pd.DataFrame, currency: str, lang: str) -> go.Figure:
    """Horizontal bars of published amounts per donor; donors with nothing published are not drawn as 0."""
    drawn = by_donor[by_donor["amount"].notna()].sort_values("amount")
    figure = go.Figure(go.Bar(
        x=drawn["amount"], y=[make_bar_label(organisation_label(d, lang)) for d in drawn["donor"]], orientation="h",
        marker_color=OKABE_ITO[0],
        text=[format_money(v, currency, lang) for v in drawn["amount"]], textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    figure.update_layout(
        title=t("chart.by_donor", lang), height=120 + 48 * max(len(drawn), 1),
        margin=dict(l=10, r=10, t=50, b=10), font=dict(size=16),
        xaxis=dict(title=t("chart.amount", lang, currency=currency),
                   **money_ticks(float(drawn["amount"].max()) if len(drawn) else 0.0, currency, lang)),
        yaxis_title=None,
        separators=",." if lang == "en" else ", ",
    )
    return figure


def plain_burn_figure(burn: pd.DataFrame, lang: str) -> go.Figure:
    """Elapsed share (x) against used share (y); close to the diagonal in blue, far in orange, the 12 farthest under
    the top edge named; over 200 %, triangles on the top edge, their own shares in their hover."""
    over = burn["burn"] > 2.0
    far_rows = burn[burn["far"] & ~over]
    named = set(far_rows.assign(gap=(far_rows["burn"] - far_rows["elapsed"]).abs())
                .sort_values("gap", ascending=False, kind="stable").index[:12])
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#999999", dash="dot"),
                                hoverinfo="skip", showlegend=False))
    near = burn[~burn["far"] & ~over]
    figure.add_trace(go.Scatter(x=near["elapsed"], y=near["burn"], mode="markers",
                                text=escape_all(near["project_id"], "html"), name=t("burn.near", lang),
                                marker=dict(size=14, color=OKABE_ITO[0], symbol="circle"),
                                hovertemplate="%{text}<br>%{x:.0%} / %{y:.0%}<extra></extra>"))
    ids = escape_all(far_rows["project_id"], "html")
    figure.add_trace(go.Scatter(x=far_rows["elapsed"], y=far_rows["burn"], mode="markers+text",
                                text=[i if label in named else "" for i, label in zip(ids, far_rows.index)],
                                customdata=ids, textposition="top center", name=t("burn.far", lang),
                                marker=dict(size=14, color=OKABE_ITO[5], symbol="diamond"),
                                hovertemplate="%{customdata}<br>%{x:.0%} / %{y:.0%}<extra></extra>"))
    if over.any():
        high = burn[over]
        figure.add_trace(go.Scatter(x=high["elapsed"], y=[2.0] * len(high), mode="markers",
                                    customdata=[[i, b] for i, b in zip(escape_all(high["project_id"], "html"),
                                                                       high["burn"])],
                                    name=t("burn.over", lang, cap=200), cliponaxis=False,
                                    marker=dict(size=14, color=OKABE_ITO[5], symbol="triangle-up"),
                                    hovertemplate="%{customdata[0]}<br>%{x:.0%} / %{customdata[1]:.0%}<extra></extra>"))
    figure.update_layout(title=t("burn.title", lang), height=420, margin=dict(l=10, r=10, t=50, b=10),
                         xaxis=dict(title=t("burn.x", lang), tickformat=".0%", range=[0, 1.05]),
                         yaxis=dict(title=t("burn.y", lang), tickformat=".0%",
                                    **(dict(range=[0, 2.16]) if over.any() else dict(rangemode="tozero"))),
                         separators=".," if lang == "en" else ", ")
    return figure


def plain_households_figure(households: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped bars: targeted and reached per project (only projects publishing both)."""
    figure = go.Figure()
    for column, colour in (("targeted", OKABE_ITO[4]), ("reached", OKABE_ITO[2])):
        figure.add_trace(go.Bar(x=escape_all(households["project_id"], "html"), y=households[column],
                                marker_color=colour,
                                name=t(f"fact.households_{column}", lang),
                                # targeted bars carry their qualifier ('more than 3,000'), as everywhere
                                text=[format_households(v, m and column == "targeted", lang)
                                      for v, m in zip(households[column], households["minimum"])],
                                textposition="auto"))
    figure.update_layout(title=t("households.title", lang), barmode="group", height=360,
                         margin=dict(l=10, r=10, t=50, b=10), separators=".," if lang == "en" else ", ")
    return figure


def plain_end_texts(bars: pd.DataFrame, lang: str) -> list[str]:
    """How each bar's end reads on hover: open, derived (from the duration) or as published."""
    return [t("timeline.open", lang) if open_end
            else f"{format_partial_date(end.isoformat(), lang)} ({t('timeline.derived', lang)})" if derived
            else format_partial_date(text, lang)
            for open_end, derived, end, text in zip(bars["open_end"], bars["derived"], bars["end"], bars["end_text"])]


def plain_timeline_figure(bars: pd.DataFrame, today: dt.date, lang: str) -> go.Figure:
    """Horizontal bars from start to end per (project, planned|actual); a bar with only an end is a marker.

    Hatched = planned, solid = actual; a derived or unpublished end is drawn faded and says so on hover."""
    figure = go.Figure()
    order = list(dict.fromkeys(bars.sort_values("start", na_position="last")["project_id"])) if not bars.empty else []
    for (kind, status), group in bars.groupby([bars["kind"], bars["status"].map(_status).fillna(0).astype(int)],
                                              sort=True) if not bars.empty else []:
        code = status or None
        status_name = status_label(code, lang) if code else t("status.not_published", lang)
        name = f"{t(f'timeline.{kind}', lang)} — {status_name}"
        colour = STATUS_COLOURS[code]
        spans = group[group["start"].notna()]
        hover = [t("timeline.hover", lang, kind=t(f"timeline.{kind}", lang), start=format_partial_date(start, lang),
                   end=end) for start, end in zip(spans["start_text"], plain_end_texts(spans, lang))]
        if not spans.empty:
            figure.add_trace(go.Bar(
                y=escape_all(spans["project_id"], "html"), base=[d.isoformat() for d in spans["start"]],
                x=[(pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000 for s, e in zip(spans["start"],
                                                                                            spans["end"])],
                orientation="h", name=name, legendgroup=name, offsetgroup=kind, customdata=hover,
                marker=dict(color=colour, opacity=[0.45 if (d or o) else 1.0 for d, o in
                                                   zip(spans["derived"], spans["open_end"])],
                            pattern=dict(shape=[PATTERNS[kind]] * len(spans)), line=dict(color=colour, width=1)),
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
        ends = group[group["start"].isna()]
        if not ends.empty:
            figure.add_trace(go.Scatter(
                y=escape_all(ends["project_id"], "html"), x=[d.isoformat() for d in ends["end"]], mode="markers",
                name=name,
                legendgroup=name, showlegend=spans.empty, marker=dict(color=colour, symbol="line-ns-open", size=18,
                                                                      line=dict(width=3, color=colour)),
                customdata=[t("timeline.hover", lang, kind=t(f"timeline.{kind}", lang), start=t("not_published", lang),
                              end=format_partial_date(text, lang)) for text in ends["end_text"]],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    figure.add_shape(type="line", x0=today.isoformat(), x1=today.isoformat(), y0=0, y1=1, xref="x", yref="paper",
                     line=dict(color="#000000", width=2, dash="dash"))
    figure.add_annotation(x=today.isoformat(), y=1, xref="x", yref="paper", text=t("timeline.today", lang),
                          showarrow=False, yanchor="bottom")
    figure.update_layout(
        title=t("timeline.title", lang), barmode="group", height=160 + 44 * max(len(order), 1),
        margin=dict(l=10, r=10, t=60, b=10), font=dict(size=15), legend=dict(orientation="h", y=-0.15),
        xaxis=dict(type="date", tickformat="%Y"), yaxis=dict(categoryorder="array", categoryarray=order[::-1],
                                                             title=None),
    )
    return figure


# ---------------------------------------------------------------- the comparison

BREAKDOWN = pd.DataFrame([
    {"year": 2021, "theme": "social_cohesion", "partner": "Sweden", "measure": "committed", "amount": 2_500_000.0},
    {"year": 2021, "theme": "social_cohesion", "partner": "Sweden", "measure": "disbursed", "amount": 1_200_000.0},
    {"year": 2022, "theme": "governance", "partner": "Acme <b>NGO</b>", "measure": "committed", "amount": 13_965_000.0},
    {"year": 2022, "theme": None, "partner": "Acme <b>NGO</b>", "measure": "spent", "amount": float("nan")},
    {"year": 2023, "theme": "governance", "partner": "UNDP", "measure": "received", "amount": 400.0},
])


@pytest.mark.parametrize("by", ["year", "theme", "partner"])
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("rows", [slice(None), slice(0, 0)])
def test_the_breakdown_chart_is_the_validated_one(by, lang, rows):
    frame = BREAKDOWN.iloc[rows]
    same_figure(make_breakdown_figure(frame, by, "EUR", lang), plain_breakdown_figure(frame, by, "EUR", lang))


DONORS = pd.DataFrame({"donor": ["Netherlands", "IOM Development Fund (IDF) of the International Organization", "A<b>&",
                                  "Unpublished"], "amount": [14e6, 2e5, 3.0, float("nan")], "flows": [3, 1, 1, 2]})


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("rows", [slice(None), slice(0, 1), slice(3, 4), slice(0, 0)])
@pytest.mark.parametrize("amount", ["float64", "Float64"])
def test_the_donor_chart_is_the_validated_one(lang, rows, amount):
    by_donor = DONORS.iloc[rows].astype({"amount": amount})
    same_figure(make_donor_figure(by_donor, "EUR", lang), plain_donor_figure(by_donor, "EUR", lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_burn_chart_is_the_validated_one(lang):
    burn = pd.DataFrame({"project_id": ["A", "B<i>", "C"], "elapsed": [0.5, 0.25, 1.0], "burn": [0.95, 0.3, 0.2],
                         "far": [True, False, True]})
    same_figure(make_burn_figure(burn, lang), plain_burn_figure(burn, lang))
    same_figure(make_burn_figure(burn.iloc[:0], lang), plain_burn_figure(burn.iloc[:0], lang))
    # 30 points, 20 far from the diagonal (more than are named), 3 over 200 % (drawn on the top edge)
    many = pd.DataFrame({"project_id": [f"P{i}" for i in range(30)], "elapsed": [i / 30 for i in range(30)],
                         "burn": [i / 30 + (0.5 + i / 10 if i % 3 else 0.1) for i in range(30)]})
    many.loc[[4, 8, 29], "burn"] = [12.0, 3.5, 2.01]
    many["far"] = (many["burn"] - many["elapsed"]).abs() > 0.25
    assert many["far"].sum() > 12
    same_figure(make_burn_figure(many, lang), plain_burn_figure(many, lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_households_chart_is_the_validated_one(lang):
    households = pd.DataFrame({"project_id": ["P", "Q"], "targeted": [3000, 12_500], "reached": [1200, 0],
                               "minimum": [True, False]})
    same_figure(make_households_figure(households, lang), plain_households_figure(households, lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_timeline_is_the_validated_one(lang):
    today = dt.date(2026, 6, 15)
    bars, _ = compute_timeline(projects(
        {"project_id": "A", "activity_status": 2, "planned_start": "2020-01", "planned_end": "2022",
         "actual_start": "2020-03-02", "actual_end": "2023-01-31"},
        {"project_id": "B", "planned_start": "2024-01-01", "duration_months": 12},
        {"project_id": "C", "activity_status": 4, "actual_end": "2024"},
        {"project_id": "D&", "activity_status": 5, "planned_start": "2019", "actual_start": "2019-05"}), today)
    assert not bars.empty
    same_figure(make_timeline_figure(bars, today, lang), plain_timeline_figure(bars, today, lang))
    same_figure(make_timeline_figure(bars.iloc[:0], today, lang), plain_timeline_figure(bars.iloc[:0], today, lang))


def test_a_timeline_of_many_projects_is_the_validated_one():
    # every (kind, status) group, bars with and without a start, derived and open ends, in one figure
    today = dt.date(2026, 6, 15)
    rows = [{"project_id": f"P{i}", "activity_status": [1, 2, 3, 4, 5, 6, None][i % 7],
             "planned_start": f"{2015 + i % 8}-0{1 + i % 9}" if i % 5 else None,
             "planned_end": None if i % 6 == 1 else f"{2024 + i % 4}",
             "actual_start": f"{2016 + i % 7}-03-02" if i % 3 else None,
             "actual_end": "2025-01-31" if i % 4 == 0 else None, "duration_months": 18 if i % 6 == 1 else None}
            for i in range(40)]
    bars, _ = compute_timeline(projects(*rows), today)
    assert bars["start"].isna().any() and bars["derived"].any()
    same_figure(make_timeline_figure(bars, today, "fr"), plain_timeline_figure(bars, today, "fr"))


# ---------------------------------------------------------------- what st.plotly_chart serialises (PlainFigure.to_dict)

def _maps(synthetic_allocation, adm1) -> list[go.Figure]:
    from components.maps import make_funding_map_figure, map_units
    from geo.allocation import MAP_METRICS, by_unit

    _, allocation, donors = synthetic_allocation
    values = by_unit(allocation, with_donors=False)
    return [make_funding_map_figure(map_units(values, prepared, donors=donors, url=url), MAP_METRICS[key], "USD", "fr",
                                    base, labels=True)
            for prepared, url in ((None, None), (adm1, None), (adm1, "/app/static/boundaries/adm1-0123.json"))
            for key in ("funding", "funding_per_household") for base in (True, False)]


def test_what_streamlit_serialises_is_plotlys_own_dict(synthetic_allocation, adm1):
    import plotly.io as pio

    from components.figures import PlainFigure

    figures = [make_breakdown_figure(BREAKDOWN, by, "EUR", lang) for by in ("year", "partner") for lang in ("en", "fr")]
    # the same shape (keys at every level) with other values: its dict is reordered from the first one's, not built
    figures += [make_breakdown_figure(BREAKDOWN.assign(amount=BREAKDOWN["amount"] * 3, year=BREAKDOWN["year"] - 9),
                                      "year", "EUR", "en")]
    figures += [make_donor_figure(DONORS, "USD", "en"), *_maps(synthetic_allocation, adm1)]
    for figure in figures:
        assert isinstance(figure, PlainFigure)
        fast = figure.to_dict()
        assert "_plain_input" in figure.__dict__ or figure is not figures[4]  # to_dict did not build it
        deep = go.Figure.to_dict(figure)  # plotly's: deep copies, arrays encoded (the figure built for it)
        assert pio.to_json(fast, validate=False) == pio.to_json(deep, validate=False)
        assert fast["layout"]["template"] == deep["layout"]["template"]  # the theme's template, as go.Figure sets it
        fast["layout"]["height"], fast["data"][0]["name"] = 1, "changed"  # a reader's change at the top level
        assert pio.to_json(figure.to_dict(), validate=False) == pio.to_json(deep, validate=False)


def test_a_figure_holding_arrays_is_encoded_as_plotly_encodes_it():
    import numpy as np

    from components.figures import make_plain_figure

    figure = make_plain_figure([dict(type="bar", x=["a", "b"], y=np.array([1.5, 2.0]))], dict(height=300))
    assert figure.to_dict() == go.Figure.to_dict(figure) and "bdata" in figure.to_dict()["data"][0]["y"]
    assert isinstance(figure._data[0]["y"], np.ndarray)  # encoded in a copy, never in the figure
    scalar = make_plain_figure([dict(type="bar", x=["a"], y=[np.float64(1.5)])], {})
    assert scalar.to_dict() == go.Figure.to_dict(scalar)


def test_a_figure_changed_through_plotly_after_it_was_sent_sends_the_change():
    """to_dict keeps the dict it made for the next reruns; a figure read or changed through plotly after that is
    plotly's again."""
    from components.figures import make_plain_figure

    figure = make_plain_figure([dict(type="bar", x=["a"], y=[1.0])], dict(height=300))
    sent = figure.to_dict()
    sent["layout"]["height"] = 1  # a reader's change to what was sent stays there
    assert figure.to_dict()["layout"]["height"] == 300
    figure.update_layout(height=500)
    assert figure.to_dict()["layout"]["height"] == 500 == go.Figure.to_dict(figure)["layout"]["height"]
