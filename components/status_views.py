"""Programme-status building blocks: burn and households figures, checks, ending-soon and data-quality tables."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.chart_png import render_chart
from components.charts import OKABE_ITO
from components.escape import escape_all
from components.facts import fact_label, fact_value
from components.figures import make_plain_figure
from components.i18n import format_each, format_households, format_partial_date, status_label, t
from components.printing import render_folded
from components.tables import render_paged_table, render_table
from components.timeline import limit_kept_timeline, limit_timeline
from components.view import PLOT_CONFIG, View
from data.metrics import compute_project_money
from data.status import (
    FLOW_FACTS,
    SEVERITIES,
    compute_burn,
    compute_data_quality,
    compute_fact_gaps,
    compute_households,
    compute_status_checks,
    compute_timeline,
    compute_unmatched_provinces,
    kept_rows,
    rank_latest_started,
    unmatched_of,
)


def left_out_text(left_out: dict[str, str], prefix: str, lang: str) -> str | None:
    """'n project(s) not drawn: reason (k), …' or None when nothing is left out."""
    if not left_out:
        return None
    reasons = ", ".join(t(f"{prefix}.reason.{r}", lang, n=n) for r, n in sorted(Counter(left_out.values()).items()))
    return t(f"{prefix}.left_out", lang, n=len(left_out), reasons=reasons)


def render_gap_chart(frame: pd.DataFrame, make_figure, prefix: str, left_out: dict[str, str], lang: str) -> None:
    """A chart (or just its title when nothing can be drawn) and how many projects it leaves out and why."""
    note = left_out_text(left_out, prefix, lang)
    if frame.empty:  # one quiet line, not a heading over nothing
        st.caption(t("gap.nothing", lang, title=t(f"{prefix}.title", lang), note=note or ""))
        return
    render_chart(make_figure(frame, lang), prefix, t(f"export.chart.{prefix}", lang), lang, PLOT_CONFIG)
    if note:
        st.caption(note)


BURN_LABELS = 12  # far points named on the chart, the farthest from the diagonal: thousands of names overlap
BURN_AXIS_MAX = 2.0  # 200 %: above it a point is drawn on the top edge (one project having used 1,000x its
# commitment, a unit or currency slip in its source, squeezed every other point onto the axis)


def make_burn_figure(burn: pd.DataFrame, lang: str) -> go.Figure:
    """Elapsed share (x) against used share (y); points close to the diagonal in blue, far from it in orange, the
    BURN_LABELS farthest of those named (any point's project is in its hover). Over BURN_AXIS_MAX, a point is
    drawn on the top edge as a triangle, a trace of its own whose hover gives each one's share."""
    traces = [dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#999999", dash="dot"),
                   hoverinfo="skip", showlegend=False)]
    # the columns' arrays and a mask per group: two frame selections cost more than the points (thousands)
    is_far = burn["far"].to_numpy(dtype=bool)
    elapsed, used = burn["elapsed"].to_numpy(dtype="float64"), burn["burn"].to_numpy(dtype="float64")
    ids = np.asarray(escape_all(burn["project_id"].to_numpy(dtype=object), "html"), dtype=object)
    over = used > BURN_AXIS_MAX
    named = np.zeros(len(burn), dtype=bool)
    # of the far points under the top edge (names there would overlap; a caption counts those), the farthest
    # first, ties in row order (a stable sort)
    far_at = np.flatnonzero(is_far & ~over)
    named[far_at[np.argsort(-np.abs(used[far_at] - elapsed[far_at]), kind="stable")[:BURN_LABELS]]] = True
    near, far = ~is_far & ~over, is_far & ~over
    traces.append(dict(type="scatter", x=elapsed[near].tolist(), y=used[near].tolist(), mode="markers",
                       text=ids[near].tolist(), name=t("burn.near", lang),
                       marker=dict(size=14, color=OKABE_ITO[0], symbol="circle"),
                       hovertemplate="%{text}<br>%{x:.0%} / %{y:.0%}<extra></extra>"))
    traces.append(dict(type="scatter", x=elapsed[far].tolist(), y=used[far].tolist(), mode="markers+text",
                       text=np.where(named, ids, "")[far].tolist(), customdata=ids[far].tolist(),
                       textposition="top center", name=t("burn.far", lang),
                       marker=dict(size=14, color=OKABE_ITO[5], symbol="diamond"),
                       hovertemplate="%{customdata}<br>%{x:.0%} / %{y:.0%}<extra></extra>"))
    if over.any():  # drawn on the edge: the hover gives each one's own share
        traces.append(dict(type="scatter", x=elapsed[over].tolist(), y=[BURN_AXIS_MAX] * int(over.sum()),
                           mode="markers", customdata=[[i, u] for i, u in zip(ids[over].tolist(),
                                                                              used[over].tolist())],
                           name=t("burn.over", lang, cap=round(BURN_AXIS_MAX * 100)),
                           marker=dict(size=14, color=OKABE_ITO[5], symbol="triangle-up"), cliponaxis=False,
                           hovertemplate="%{customdata[0]}<br>%{x:.0%} / %{customdata[1]:.0%}<extra></extra>"))
    top = dict(range=[0, BURN_AXIS_MAX * 1.08]) if over.any() else dict(rangemode="tozero")
    return make_plain_figure(traces, dict(
        title=dict(text=t("burn.title", lang)), height=420, margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(title=dict(text=t("burn.x", lang)), tickformat=".0%", range=[0, 1.05]),
        yaxis=dict(title=dict(text=t("burn.y", lang)), tickformat=".0%", **top),
        separators=".," if lang == "en" else ", "))


def burn_notes(burn: pd.DataFrame, lang: str) -> list[str]:
    """What the burn chart's reader should know that the chart cannot say: how many points are drawn on its top
    edge (over BURN_AXIS_MAX) and, when not every far point is named, which are."""
    notes = []
    over = burn["burn"].to_numpy(dtype="float64") > BURN_AXIS_MAX
    if over.any():
        notes.append(t("burn.capped", lang, n=int(over.sum()), cap=round(BURN_AXIS_MAX * 100)))
    if int((burn["far"].to_numpy(dtype=bool) & ~over).sum()) > BURN_LABELS:
        notes.append(t("burn.named", lang, n=BURN_LABELS))
    return notes


HOUSEHOLDS_MAX_PROJECTS = 40  # a bar pair per project: thousands of projects would be an unreadable, heavy chart


def limit_households(households: pd.DataFrame, limit: int = HOUSEHOLDS_MAX_PROJECTS) -> pd.DataFrame:
    """The `limit` projects with the most households targeted (compute_households), largest first; the others are
    reached by filtering (the page says so)."""
    if len(households) <= limit:
        return households
    return households.sort_values(["targeted", "project_id"], ascending=[False, True], kind="stable").head(limit)


def limit_kept_households(households: pd.DataFrame, rows: np.ndarray, ranked: np.ndarray,
                          limit: int = HOUSEHOLDS_MAX_PROJECTS) -> pd.DataFrame:
    """limit_households(households) for a filter state's rows of the dataset's (`rows`: which of the dataset's rows
    it holds, in order, data.status.kept_rows) from the dataset's rows in limit_households' order (`ranked`, a
    stable sort: the state's rows keep it among themselves): the same rows, labels and order, with no sort."""
    if len(households) <= limit:
        return households
    return households.take((np.cumsum(rows) - 1)[ranked[rows[ranked]][:limit]])


def rank_households(households: pd.DataFrame) -> np.ndarray:
    """The rows' positions in limit_households' order (its sort)."""
    return households.reset_index(drop=True).sort_values(["targeted", "project_id"], ascending=[False, True],
                                                         kind="stable").index.to_numpy()


def make_households_figure(households: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped bars: targeted and reached per project (only projects publishing both)."""
    traces = [dict(type="bar", x=escape_all(households["project_id"], "html"), y=households[column].tolist(),
                   marker=dict(color=colour), name=t(f"fact.households_{column}", lang),
                   # targeted bars carry their qualifier ('more than 3,000'), as everywhere
                   text=[format_households(v, m and column == "targeted", lang)
                         for v, m in zip(households[column], households["minimum"])],
                   textposition="auto")
              for column, colour in (("targeted", OKABE_ITO[4]), ("reached", OKABE_ITO[2]))]
    return make_plain_figure(traces, dict(title=dict(text=t("households.title", lang)), barmode="group", height=360,
                                          margin=dict(l=10, r=10, t=50, b=10),
                                          separators=".," if lang == "en" else ", "))


T = TypeVar("T")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}  # most serious first


def make_check_dates(checks: pd.DataFrame, lang: str) -> dict[str, dict]:
    """Every distinct start and (end, derived) of `checks` worded as make_checks_table words them, once (for the
    dataset's checks, once per language): a new filter state's page of checks then looks its dates up instead of
    parsing and formatting them (~50 µs each, most of the page's cost)."""
    derived = t("col.derived", lang)
    starts = {s: format_partial_date(s, lang) for s in set(checks["start"].dropna().tolist())}
    ends = {(e, d): format_partial_date(e, lang) + (f" ({derived})" if d else "")
            for e, d in set(zip(checks["end"].tolist(), checks["end_derived"].tolist())) if type(e) is str}
    return {"start": starts, "end": ends}


def make_checks_table(checks: pd.DataFrame, lang: str, dates: dict[str, dict] | None = None) -> pd.DataFrame:
    """The checks' display rows, most serious first, then by project (a stable sort: a project's checks keep their
    order). Sorted and worded on plain lists, each distinct severity, check, status and date once (format_each):
    a frame assigned, mapped and sorted cost more than the hundred rows of a page. `dates`: make_check_dates of
    these checks or more (the same words, looked up)."""
    severities, ids = checks["severity"].tolist(), checks["project_id"].tolist()
    if all(type(i) is str for i in ids):
        order = sorted(range(len(ids)), key=lambda i: (SEVERITY_ORDER[severities[i]], ids[i]))
    else:  # a missing id: pandas' order (missing last)
        keys = checks.assign(_o=checks["severity"].map(SEVERITY_ORDER), _at=np.arange(len(checks)))
        order = keys.sort_values(["_o", "project_id"])["_at"].tolist()
    derived = t("col.derived", lang)
    ends = [(e, d) for e, d in zip(checks["end"].tolist(), checks["end_derived"].tolist())]

    known_starts, known_ends = (dates["start"], dates["end"]) if dates else ({}, {})

    def start_text(start: object) -> str:
        return known_starts[start] if start in known_starts else format_partial_date(start, lang)

    def end_text(pair: tuple) -> str:
        if pair in known_ends:
            return known_ends[pair]
        return format_partial_date(pair[0], lang) + (f" ({derived})" if pair[1] else "")

    def take(values: list) -> list:
        return [values[i] for i in order]

    # object columns, as the projects and flows tables: pandas' inferred string columns cost ~3x to build,
    # neutralise and send, the same text
    return pd.DataFrame({
        t("col.project", lang): checks["project_id"].take(order),
        t("col.severity", lang): take(format_each(severities, lambda s: t(f"severity.{s}", lang))),
        t("col.check", lang): take(format_each(checks["check"], lambda c: t(f"check.{c}", lang))),
        t("col.status", lang): take(format_each(checks["status"], lambda s: status_label(s, lang))),
        t("col.start", lang): take(format_each(checks["start"], start_text)),
        t("col.end", lang): take(format_each(ends, end_text)),
    }, dtype=object)


def make_check_counts_table(checks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """How many projects each check flags, per (severity, check) in their sorted order (a groupby's): on integer
    codes, one unique over (check, project) pairs (a two-key groupby and nunique cost ~10x more)."""
    projects, project_ids = pd.factorize(checks["project_id"].to_numpy(dtype=object))
    return make_coded_counts_table(code_checks(checks), projects, len(project_ids), lang)


def code_checks(checks: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each check's severity and kind as codes into their sorted names: (severities, names, kinds, names)."""
    severities, severity_names = pd.factorize(checks["severity"].to_numpy(dtype=object), sort=True)
    kinds, kind_names = pd.factorize(checks["check"].to_numpy(dtype=object), sort=True)
    return severities, severity_names, kinds, kind_names


def make_coded_counts_table(codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], projects: np.ndarray,
                            project_count: int, lang: str, rows: np.ndarray | None = None) -> pd.DataFrame:
    """make_check_counts_table of checks coded by code_checks, each check's project a code among `project_count`
    (−1: none); `rows`: only these of them (a mask), e.g. a filter state's of the dataset's checks coded once (a
    name no row holds is not counted, so the table is the one its own rows give)."""
    severities, severity_names, kinds, kind_names = codes
    if rows is not None:
        severities, kinds, projects = severities[rows], kinds[rows], projects[rows]
    keyed = (severities >= 0) & (kinds >= 0)
    groups = severities[keyed].astype("int64") * len(kind_names) + kinds[keyed]
    present = np.flatnonzero(np.bincount(groups, minlength=len(severity_names) * len(kind_names)))
    named = projects[keyed] >= 0  # a missing id is not a project (nunique leaves it out)
    pairs = np.unique(groups[named] * max(project_count, 1) + projects[keyed][named])
    counts = np.bincount(pairs // max(project_count, 1), minlength=len(severity_names) * len(kind_names))
    return pd.DataFrame({t("col.severity", lang): [t(f"severity.{s}", lang)
                                                   for s in severity_names[present // len(kind_names)]],
                         t("col.check", lang): [t(f"check.{c}", lang) for c in kind_names[present % len(kind_names)]],
                         t("col.projects", lang): counts[present].astype("int64")})


def make_ending_table(ending: pd.DataFrame, lang: str) -> pd.DataFrame:
    # text in object columns (make_checks_table), the days left a number (it sorts as one)
    frame = pd.DataFrame({
        t("col.project", lang): ending["project_id"],
        t("col.end", lang): [format_partial_date(e.isoformat(), lang) + (f" ({t('col.derived', lang)})" if d else "")
                             for e, d in zip(ending["end"], ending["derived"])],
        t("col.status", lang): [status_label(s, lang) for s in ending["status"]],
    }, dtype=object)
    frame.insert(2, t("col.days_left", lang), ending["days_left"])
    return frame


def make_conflicts_table(conflicts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Facts the sources disagree on (data.metrics.compute_conflicts), with translated headers."""
    columns = conflicts["column"]
    return pd.DataFrame({
        t("col.project", lang): conflicts["record_id"].str.replace("|", " · ", regex=False),
        t("col.fact", lang): [fact_label(c, lang) for c in columns],
        t("col.values", lang): [" | ".join(fact_value(c, v, lang) for v in values)
                                for c, values in zip(columns, conflicts["value_list"])],
        t("col.documents", lang): [" | ".join(f"{fact_value(c, v, lang)}: {docs}" for v, docs in cited)
                                   for c, cited in zip(columns, conflicts["citations"])]})


def render_checks(checks: pd.DataFrame, lang: str, memo: Callable[..., pd.DataFrame] | None = None,
                  dates: dict[str, dict] | None = None, counts: Callable[[], pd.DataFrame] | None = None) -> None:
    """`memo` (View.memo, keyed on what `checks` depends on): the tables are formatted once, not on every rerun.
    `dates`: make_check_dates of these checks or more (make_checks_table); `counts`: make_check_counts_table of
    the checks other than conflicts, found another way (compute_view_check_counts)."""
    def once(name: str, compute: Callable[[], T]) -> T:
        return memo(name, compute) if memo else compute()

    def split() -> tuple[int, int, int, pd.DataFrame, pd.DataFrame]:  # once; compared in the column's own type
        # (an arrow text column turned into Python strings first cost ~4 ms at 5,000 checks)
        conflict = (checks["severity"] == "conflict").to_numpy(dtype=bool, na_value=False)
        gaps = int((checks["severity"] == "gap").to_numpy(dtype=bool, na_value=False).sum())
        return int(conflict.sum()), gaps, checks["project_id"].nunique(), checks[conflict], checks[~conflict]

    if checks.empty:
        st.success(t("checks.none", lang))
        return
    conflict_count, gap_count, project_count, conflicts, others = once("checks_split", split)
    st.caption(t("checks.caption", lang, conflicts=conflict_count, gaps=gap_count, n=project_count))
    if conflicts.empty:
        st.success(t("checks.no_conflict", lang))
    else:
        render_paged_table(conflicts, lambda rows: make_checks_table(rows, lang, dates), lang, key="checks_conflicts",
                           memo=memo)
    if not others.empty:
        section, unfolded = render_folded(t("checks.others", lang, n=len(others)), key="checks_others_shown")
        if not unfolded:
            return
        with section:
            render_table(once("check_counts", counts or (lambda: make_check_counts_table(others, lang))))
            render_paged_table(others, lambda rows: make_checks_table(rows, lang, dates), lang, key="checks_others",
                               memo=memo)


def render_ending(ending: pd.DataFrame, days: int, no_end: int, lang: str,
                  memo: Callable[..., pd.DataFrame] | None = None) -> None:
    """`memo` (View.memo, when `ending` is the view's): each page of the table is formatted once per window."""
    if ending.empty:  # a quiet line, not a box: nothing to act on
        st.caption(t("ending.none", lang, n=days))
    else:
        paged = (lambda name, compute, *key: memo(name, compute, days, *key)) if memo else None
        render_paged_table(ending, lambda rows: make_ending_table(rows, lang), lang, key="ending", memo=paged)
    if no_end:
        st.caption(t("ending.unknown", lang, n=no_end))


def render_quality(quality: dict[str, pd.DataFrame], lang: str) -> None:
    missing = quality["not_published"]
    missing = missing[missing["missing"] > 0]
    st.markdown(f"**{t('quality.not_published', lang)}**")
    render_table(pd.DataFrame({t("col.fact", lang): [t(f"fact.{f}", lang) for f in missing["fact"]],
                               t("col.missing", lang): missing["missing"], t("col.total", lang): missing["total"]}))
    unmatched = quality["unmatched"]
    st.markdown(f"**{t('quality.unmatched', lang)}**")
    if unmatched.empty:
        st.caption(t("quality.none", lang))
    else:
        render_table(pd.DataFrame({t("col.project", lang): unmatched["project_id"],
                                   t("col.provinces", lang): unmatched["province"].fillna("—"),
                                   t("col.reason", lang): [t(f"reason.{r}", lang) for r in unmatched["reason"]]}))
    conflicts = quality["conflicts"]
    st.markdown(f"**{t('quality.conflicts', lang)}**")
    if conflicts.empty:
        st.caption(t("quality.none", lang))
    else:
        render_table(make_conflicts_table(conflicts, lang))


def compute_view_check_counts(view: View) -> pd.DataFrame:
    """make_check_counts_table of the view's checks other than conflicts, from the dataset's checks coded once
    (code_checks, each check's project its position): a mask and a count, no text factorised per state."""
    every = compute_every_check(view)
    positions = view.positions(every, "all_status_checks")
    if positions is None:
        checks = view.of_view(every, "all_status_checks")
        return make_check_counts_table(checks[checks["severity"].to_numpy(dtype=object) != "conflict"], view.lang)
    codes = view.dataset_memo("check_codes", lambda: code_checks(every))
    severities, names = codes[0], codes[1].tolist()
    others = severities != names.index("conflict") if "conflict" in names else np.ones(len(every), dtype=bool)
    return make_coded_counts_table(codes, positions, len(view.keep), view.lang,
                                   kept_rows(positions, view.keep) & others)


def compute_check_dates(view: View) -> dict[str, dict]:
    """make_check_dates of every project's checks (compute_every_check), once per dataset, day and language."""
    return view.dataset_memo("check_dates", lambda: make_check_dates(compute_every_check(view), view.lang), view.lang)


def compute_every_check(view: View) -> pd.DataFrame:
    """Every project's status checks as of the view's day, found once per dataset and day: the Status page and the
    Project page take their projects' rows from it (data.status.of_projects)."""
    return view.dataset_memo("all_status_checks",
                             lambda: compute_status_checks(view.full.projects, view.today, view.dates))


def compute_view_timeline(view: View) -> tuple[pd.DataFrame, list[str], pd.DataFrame, int]:
    """The view's bars (the rows of compute_timeline of the dataset, found once per day), its projects with no
    date, the bars drawn and how many projects have bars (limit_timeline; on positions when the ids allow)."""
    every, every_undated = view.dataset_memo("all_timeline", lambda: compute_timeline(view.full.projects, view.today,
                                                                                      view.dates))
    bars, positions = view.of_view(every, "all_timeline"), view.positions(every, "all_timeline")
    if positions is None:
        ids = set(view.portfolio.projects["project_id"])
        return bars, [pid for pid in every_undated if pid in ids], *limit_timeline(bars)
    keep = view.keep
    at = view.dataset_memo("undated_positions", lambda: pd.Index(view.prepared.index.ids).get_indexer(
        pd.Index(every_undated, dtype=object)))  # the ids are unique (positions found): each is found
    undated = [every_undated[i] for i in np.flatnonzero(keep[at])]
    ranked = view.dataset_memo("timeline_ranked", lambda: rank_latest_started(every, positions, len(keep)))
    return bars, undated, *limit_kept_timeline(bars, positions[kept_rows(positions, keep)], ranked, keep)


def compute_view_burn(view: View) -> tuple[pd.DataFrame, dict[str, str]]:
    """compute_burn of the view's projects. Without a donor filter a project keeps all its flows: its sums are the
    dataset's (found once per currency), and its burn is then its own dates and sums, so the rows of the dataset's
    burn (found once per currency and day) are the view's."""
    if view.state.donors:
        return compute_burn(view.portfolio.projects, view.funding, view.today, dates=view.dates)
    sums = view.dataset_memo("all_project_money", lambda: compute_project_money(view.all_funding), view.currency)
    every, left_out = view.dataset_memo("all_burn", lambda: _left_out_rows(view, *compute_burn(
        view.full.projects, None, view.today, dates=view.dates, sums=sums)), view.currency)
    burn = None if left_out is None else view.of_view(every, "all_burn", view.currency)
    if burn is None or burn.empty:  # (no row: computed, for the empty frame's own column types)
        return compute_burn(view.portfolio.projects, None, view.today, dates=view.dates, sums=sums)
    return burn, _kept_left_out(left_out, view.keep)


def compute_view_households(view: View) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """compute_households of the view's projects (each project's row is its own: the rows of the dataset's, found
    once) and the rows drawn (limit_households)."""
    every, left_out = view.dataset_memo("all_households",
                                        lambda: _left_out_rows(view, *compute_households(view.full.projects)))
    households = None if left_out is None else view.of_view(every, "all_households")
    if households is None or households.empty:  # (no row: computed, for the empty frame's own column types)
        households, missing = compute_households(view.portfolio.projects)
        return households, missing, limit_households(households)
    positions = view.positions(every, "all_households")
    ranked = view.dataset_memo("households_ranked", lambda: rank_households(every))
    return (households, _kept_left_out(left_out, view.keep),
            limit_kept_households(households, kept_rows(positions, view.keep), ranked))


LeftOut = tuple[np.ndarray, np.ndarray, np.ndarray]  # the projects' positions, their ids, the reasons


def _left_out_rows(view: View, frame: pd.DataFrame, left_out: dict[str, str]
                   ) -> tuple[pd.DataFrame, LeftOut | None]:
    """`frame` and {project_id: reason} of the dataset's projects, the latter as arrays by project position, so a
    filter state's are a mask; None without a prepared model or when ids repeat (a dict then lost some)."""
    ids = None if view.prepared is None else pd.Index(view.prepared.index.ids)
    if ids is None or not ids.is_unique:
        return frame, None
    left = np.array(list(left_out), dtype=object)
    return frame, (ids.get_indexer(left), left, np.array(list(left_out.values()), dtype=object))


def _kept_left_out(left_out: LeftOut, keep: np.ndarray) -> dict[str, str]:
    """The {project_id: reason} of the projects `keep` holds, in the projects' order (as the state's own)."""
    positions, ids, reasons = left_out
    kept = keep[positions]
    return dict(zip(ids[kept].tolist(), reasons[kept].tolist()))


def compute_view_quality(view: View) -> dict[str, pd.DataFrame]:
    """compute_data_quality of the view: its projects' not-published counts summed over the dataset's fact gaps
    (found once); without a place filter, the unmatched places are the dataset's (found once) of these projects."""
    placed = view.state.provinces or view.state.territories
    every = None if placed else view.dataset_memo("all_unmatched", lambda: compute_unmatched_provinces(view.full))
    projects, unmatched = view.portfolio.projects, None
    if not placed:  # a state's rows of the dataset's by the projects' positions (unmatched_of compares the ids)
        unmatched = unmatched_of(every, projects, len(view.full.projects)) if view.positions(
            every, "all_unmatched") is None or len(projects) == len(view.full.projects) else view.of_view(
            every, "all_unmatched")
    if view.prepared is None:
        return compute_data_quality(view.portfolio, unmatched)
    gaps = view.dataset_memo("fact_gaps", lambda: compute_fact_gaps(view.full.projects))
    # a view's flows are rows of the dataset's, their labels kept: the dataset's gaps at those rows
    index = view.full.funding.index
    flows = view.rows("funding")  # read from the filter's masks: the view's flows are not sliced for a count
    if flows is None:
        flows = index.get_indexer(view.portfolio.funding.index) if index.is_unique else None
    flow_gaps = None if flows is None or (flows < 0).any() else view.dataset_memo(
        "flow_gaps", lambda: compute_fact_gaps(view.full.funding, FLOW_FACTS))[flows]
    return compute_data_quality(view.portfolio, unmatched, gaps[view.keep], flow_gaps)
