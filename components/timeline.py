"""Gantt figure of project durations: planned against actual, coloured by IATI status, with today's line."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.escape import escape_all
from components.figures import make_plain_figure
from components.i18n import format_partial_date, status_label, t

# Okabe–Ito per IATI status; grey for "not published".
STATUS_COLOURS: dict[int | None, str] = {1: "#56B4E9", 2: "#009E73", 3: "#E69F00", 4: "#0072B2", 5: "#D55E00",
                                         6: "#CC79A7", None: "#999999"}
PATTERNS = {"planned": "/", "actual": ""}


def _status(value: object) -> int | None:
    return None if value is None or value != value else int(value)


def _end_texts(bars: pd.DataFrame, lang: str) -> list[str]:
    """How each bar's end reads on hover: open, derived (from the duration) or as published."""
    return [t("timeline.open", lang) if open_end
            else f"{format_partial_date(end.isoformat(), lang)} ({t('timeline.derived', lang)})" if derived
            else format_partial_date(text, lang)
            for open_end, derived, end, text in zip(bars["open_end"], bars["derived"], bars["end"], bars["end_text"])]


TIMELINE_MAX_PROJECTS = 60  # 44 px a project: 10,000 projects would be a 440,000 px tall chart


def limit_timeline(bars: pd.DataFrame, limit: int = TIMELINE_MAX_PROJECTS) -> tuple[pd.DataFrame, int]:
    """The bars of at most `limit` projects, the most recently started first (undated starts last), and the number
    of projects with bars. The rest are reached by filtering (the caption says so), never drawn off-screen."""
    if bars.empty:
        return bars, 0
    # the bars' dates (date objects) as datetime64 once: a group max over Python dates compares them one by one
    days = pd.Series(np.array(bars["start"].tolist(), dtype="datetime64[D]"), index=bars.index)
    starts = days.groupby(bars["project_id"].to_numpy(), sort=False).max()
    if len(starts) <= limit:
        return bars, len(starts)
    latest = starts.sort_values(ascending=False, na_position="last", kind="stable")
    return bars[bars["project_id"].isin(set(latest.index[:limit]))], len(starts)


def make_timeline_figure(bars: pd.DataFrame, today: dt.date, lang: str) -> go.Figure:
    """Horizontal bars from start to end per (project, planned|actual); a bar with only an end is a marker.

    Hatched = planned, solid = actual; a derived or unpublished end is drawn faded and says so on hover."""
    traces = []
    order = list(dict.fromkeys(bars.sort_values("start", na_position="last")["project_id"])) if not bars.empty else []
    for (kind, status), group in bars.groupby([bars["kind"], bars["status"].map(_status).fillna(0).astype(int)],
                                              sort=True) if not bars.empty else []:
        code = status or None
        status_name = status_label(code, lang) if code else t("status.not_published", lang)
        name = f"{t(f'timeline.{kind}', lang)} — {status_name}"
        colour = STATUS_COLOURS[code]
        spans = group[group["start"].notna()]
        hover = [t("timeline.hover", lang, kind=t(f"timeline.{kind}", lang), start=format_partial_date(start, lang),
                   end=end) for start, end in zip(spans["start_text"], _end_texts(spans, lang))]
        if not spans.empty:
            traces.append(dict(
                type="bar", y=escape_all(spans["project_id"], "html"), base=[d.isoformat() for d in spans["start"]],
                x=[(pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000 for s, e in zip(spans["start"],
                                                                                            spans["end"])],
                orientation="h", name=name, legendgroup=name, offsetgroup=kind, customdata=hover,
                marker=dict(color=colour, opacity=[0.45 if (d or o) else 1.0 for d, o in
                                                   zip(spans["derived"], spans["open_end"])],
                            pattern=dict(shape=[PATTERNS[kind]] * len(spans)), line=dict(color=colour, width=1)),
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
        ends = group[group["start"].isna()]
        if not ends.empty:
            traces.append(dict(
                type="scatter", y=escape_all(ends["project_id"], "html"), x=[d.isoformat() for d in ends["end"]],
                mode="markers", name=name, legendgroup=name, showlegend=spans.empty,
                marker=dict(color=colour, symbol="line-ns-open", size=18, line=dict(width=3, color=colour)),
                customdata=[t("timeline.hover", lang, kind=t(f"timeline.{kind}", lang), start=t("not_published", lang),
                              end=format_partial_date(text, lang)) for text in ends["end_text"]],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    return make_plain_figure(traces, dict(
        shapes=[dict(type="line", x0=today.isoformat(), x1=today.isoformat(), y0=0, y1=1, xref="x", yref="paper",
                     line=dict(color="#000000", width=2, dash="dash"))],
        annotations=[dict(x=today.isoformat(), y=1, xref="x", yref="paper", text=t("timeline.today", lang),
                          showarrow=False, yanchor="bottom")],
        title=dict(text=t("timeline.title", lang)), barmode="group", height=160 + 44 * max(len(order), 1),
        margin=dict(l=10, r=10, t=60, b=10), font=dict(size=15), legend=dict(orientation="h", y=-0.15),
        xaxis=dict(type="date", tickformat="%Y"),
        yaxis=dict(categoryorder="array", categoryarray=order[::-1], title={})))
