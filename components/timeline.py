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


def _end_text(open_end: bool, derived: bool, end: dt.date, text: object, lang: str) -> str:
    """How a bar's end reads on hover: open, derived (from the duration) or as published."""
    return (t("timeline.open", lang) if open_end
            else f"{format_partial_date(end.isoformat(), lang)} ({t('timeline.derived', lang)})" if derived
            else format_partial_date(text, lang))


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


def limit_kept_timeline(bars: pd.DataFrame, positions: np.ndarray, ranked: np.ndarray, keep: np.ndarray,
                        limit: int = TIMELINE_MAX_PROJECTS) -> tuple[pd.DataFrame, int]:
    """limit_timeline(bars) for a filter state's bars (`positions`: each bar's project position; `keep`: the
    state's projects, a mask by position) from the dataset's order (data.status.rank_latest_started): its first
    `limit` kept projects, with no date converted or grouped again."""
    kept = ranked[keep[ranked]]
    if bars.empty or len(kept) <= limit:
        return bars, len(kept)
    chosen = np.zeros(len(keep), dtype=bool)
    chosen[kept[:limit]] = True
    return bars[chosen[positions]], len(kept)


def make_timeline_figure(bars: pd.DataFrame, today: dt.date, lang: str) -> go.Figure:
    """Horizontal bars from start to end per (project, planned|actual); a bar with only an end is a marker.

    Hatched = planned, solid = actual; a derived or unpublished end is drawn faded and says so on hover. The bars
    are read as plain lists and grouped by (kind, status) in Python: at most 60 projects, where a pandas group and
    its selections cost more than the rows."""
    traces = []
    order = list(dict.fromkeys(bars.sort_values("start", na_position="last")["project_id"])) if not bars.empty else []
    ids, kinds, starts, ends, start_texts, end_texts, derived, open_end = (bars[c].tolist() for c in (
        "project_id", "kind", "start", "end", "start_text", "end_text", "derived", "open_end"))
    # every bar's length in ms at once (datetime64 of the dates; NaT where a date is missing, as pd.Timestamp gives)
    length = np.array(ends, dtype="datetime64[ms]") - np.array(starts, dtype="datetime64[ms]")
    lengths = np.where(np.isnat(length), np.nan, length.astype("int64").astype("float64")).tolist()
    groups: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(zip(kinds, (_status(v) or 0 for v in bars["status"].tolist()))):
        groups.setdefault(key, []).append(i)
    for kind, status in sorted(groups):  # as a sorted groupby on (kind, status): actual before planned
        rows = groups[kind, status]
        code = status or None
        status_name = status_label(code, lang) if code else t("status.not_published", lang)
        name = f"{t(f'timeline.{kind}', lang)} — {status_name}"
        label = t(f"timeline.{kind}", lang)
        colour = STATUS_COLOURS[code]
        spans = [i for i in rows if not pd.isna(starts[i])]
        if spans:
            traces.append(dict(
                type="bar", y=escape_all([ids[i] for i in spans], "html"), base=[starts[i].isoformat() for i in spans],
                x=[lengths[i] for i in spans],
                orientation="h", name=name, legendgroup=name, offsetgroup=kind,
                customdata=[t("timeline.hover", lang, kind=label, start=format_partial_date(start_texts[i], lang),
                              end=_end_text(open_end[i], derived[i], ends[i], end_texts[i], lang)) for i in spans],
                marker=dict(color=colour, opacity=[0.45 if (derived[i] or open_end[i]) else 1.0 for i in spans],
                            pattern=dict(shape=[PATTERNS[kind]] * len(spans)), line=dict(color=colour, width=1)),
                hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
        only_end = [i for i in rows if pd.isna(starts[i])]
        if only_end:
            traces.append(dict(
                type="scatter", y=escape_all([ids[i] for i in only_end], "html"),
                x=[ends[i].isoformat() for i in only_end], mode="markers", name=name, legendgroup=name,
                showlegend=not spans,
                marker=dict(color=colour, symbol="line-ns-open", size=18, line=dict(width=3, color=colour)),
                customdata=[t("timeline.hover", lang, kind=label, start=t("not_published", lang),
                              end=format_partial_date(end_texts[i], lang)) for i in only_end],
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
