"""Status views: translated check tables, 'left out' notes with reasons, burn highlights, profile tables."""

import pandas as pd
import pytest

from components.i18n import format_partial_date, status_label, t
from components.profiles import make_breakdown_figure, make_dates_table, make_measures_table, make_parties_table
from components.status_views import (
    left_out_text,
    limit_households,
    make_burn_figure,
    make_check_counts_table,
    make_checks_table,
    make_households_figure,
)
from data.status import SEVERITIES


@pytest.mark.parametrize("lang, expected", [
    ("en", "End date passed but still in implementation or pipeline"),
    ("fr", "Date de fin dépassée mais toujours en cours ou en planification"),
])
def test_checks_table_is_translated_and_conflicts_come_first(lang, expected):
    checks = pd.DataFrame([{"project_id": "B", "check": "no_end_date", "severity": "gap", "status": None,
                            "start": "2020", "end": None, "end_derived": False},
                           {"project_id": "A", "check": "end_passed_still_active", "severity": "conflict",
                            "status": 2, "start": "2020", "end": "2024-12-14", "end_derived": True}])
    table = make_checks_table(checks, lang)
    assert table.iloc[0, 2] == expected


def _old_checks_table(checks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """components.status_views.make_checks_table as it was: a frame assigned, mapped and sorted, each row worded."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows = checks.assign(_o=checks["severity"].map(order)).sort_values(["_o", "project_id"])
    return pd.DataFrame({
        t("col.project", lang): rows["project_id"],
        t("col.severity", lang): [t(f"severity.{s}", lang) for s in rows["severity"]],
        t("col.check", lang): [t(f"check.{c}", lang) for c in rows["check"]],
        t("col.status", lang): [status_label(s, lang) for s in rows["status"]],
        t("col.start", lang): [format_partial_date(s, lang) for s in rows["start"]],
        t("col.end", lang): [format_partial_date(e, lang) + (f" ({t('col.derived', lang)})" if d else "")
                             for e, d in zip(rows["end"], rows["end_derived"])],
    })


def _check(pid, check, severity, status=None, start=None, end=None, derived=False):
    return {"project_id": pid, "check": check, "severity": severity, "status": status, "start": start, "end": end,
            "end_derived": derived}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("rows", [
    [_check("B", "no_end_date", "gap", None, "2020"), _check("A", "end_before_start", "conflict", 2, "2021-03",
                                                             "2020-12-14", True),
     _check("A", "end_passed_still_active", "conflict", 2, "2021-03", "2020-12-14", True),  # a tie: kept in order
     _check("A", "end_derived", "info", 2, "2021-03", "2020-12-14", True),
     _check("C", "status_not_published", "gap", float("nan"), None, "2024"),
     _check("B", "end_before_start", "conflict", 5, "2022-01-31", "2019")],
    [_check(None, "no_start_date", "gap"), _check("Y", "no_end_date", "gap", 1, "2020-02-29")],  # no id: last
    [],
])
def test_checks_table_equals_the_per_row_table(rows, lang):
    checks = pd.DataFrame(rows, columns=["project_id", "check", "severity", "status", "start", "end", "end_derived"])
    checks.index = checks.index * 3 + 7  # a page of a larger frame keeps its labels
    # the same text in object columns (as the projects and flows tables: cheaper to build and send)
    pd.testing.assert_frame_equal(make_checks_table(checks, lang), _old_checks_table(checks, lang).astype(object))


def test_checks_table_says_when_the_end_is_derived():
    checks = pd.DataFrame([{"project_id": "A", "check": "end_passed_still_active", "severity": "conflict",
                            "status": 2, "start": "2021-12-14", "end": "2024-12-14", "end_derived": True}])
    assert make_checks_table(checks, "en").iloc[0]["End"] == "14 Dec 2024 (derived from the duration)"


def test_left_out_text_counts_each_reason():
    text = left_out_text({"A": "dates", "B": "dates", "C": "committed"}, "burn", "en")
    assert text == "3 projects not drawn: no published commitment amount (1), start or end not published (2)."


def test_nothing_left_out_means_no_note():
    assert left_out_text({}, "burn", "en") is None


def test_burn_figure_labels_only_the_projects_far_from_the_diagonal():
    burn = pd.DataFrame({"project_id": ["A", "B"], "elapsed": [0.5, 0.5], "burn": [0.95, 0.5], "far": [True, False],
                         "basis": ["disbursed", "spent"]})
    figure = make_burn_figure(burn, "en")
    far = next(tr for tr in figure.data if tr.name == "far from the diagonal")
    assert list(far.text) == ["A"] and far.mode == "markers+text"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_burn_figure_names_the_farthest_points_and_draws_overspending_on_the_top_edge(lang):
    from components.i18n import t
    from components.status_views import BURN_LABELS, burn_notes

    # 20 projects half-way through, P0 having used 1,000 % of its commitment (a slip in its source), P1…P19 used
    # 80 %, 81 %… 98 %: all far from the diagonal (> 25 points), the farthest named; Q close to it
    burn = pd.DataFrame({"project_id": ["P0", *[f"P{i}" for i in range(1, 20)], "Q"],
                         "elapsed": [0.5] * 21, "burn": [10.0, *[0.79 + i / 100 for i in range(1, 20)], 0.55]})
    burn["far"] = (burn["burn"] - burn["elapsed"]).abs() > 0.25
    figure = make_burn_figure(burn, lang)
    far = next(tr for tr in figure.data if tr.name == t("burn.far", lang))
    named = [text for text in far.text if text]
    # P19 (98 %) … P8 (87 %); P0 is on the top edge, counted by a caption, not named over the others there
    assert named == [f"P{i}" for i in range(8, 20)] and len(named) == BURN_LABELS
    edge = next(tr for tr in figure.data if tr.name == t("burn.over", lang, cap=200))
    assert list(edge.y) == [2.0] and edge.marker.symbol == "triangle-up" and "P0" not in far.customdata
    assert list(edge.customdata[0]) == ["P0", 10.0]  # its own share, in its hover
    assert figure.layout.yaxis.range == (0, 2.16)
    notes = burn_notes(burn, lang)
    assert notes == [t("burn.capped", lang, n=1, cap=200), t("burn.named", lang, n=BURN_LABELS)]
    assert ("200%" if lang == "en" else "200 %") in notes[0]
    calm = burn[burn["project_id"] != "P0"].head(5)
    assert burn_notes(calm, lang) == [] and make_burn_figure(calm, lang).layout.yaxis.rangemode == "tozero"


def test_dates_table_flags_the_derived_end():
    project = pd.Series({"activity_status": None, "planned_start": "2021-12-14", "actual_start": None,
                         "planned_end": None, "actual_end": None, "duration_months": 36})
    table = make_dates_table(project, "en")
    rows = dict(zip(table["Fact"], table["Date"]))
    assert rows["Planned end"] == "not published"
    assert rows["Planned end (derived from the duration)"] == "14 Dec 2024"


def test_parties_table_translates_roles():
    table = make_parties_table(pd.DataFrame({"organisation": ["IOM"], "role": ["lead"]}), "fr")
    assert table.iloc[0].tolist() == ["OIM", "Chef de file"]  # the organisation reference: IOM is OIM in French


def test_breakdown_figure_has_one_trace_per_measure_present():
    frame = pd.DataFrame({"year": [2021, 2021], "measure": ["committed", "disbursed"], "amount": [5.0, 2.0],
                          "flows": [1, 1]})
    figure = make_breakdown_figure(frame, "year", "USD", "en")
    assert [tr.name for tr in figure.data] == ["Committed", "Disbursed"]


def test_check_counts_table_counts_projects_per_check():
    checks = pd.DataFrame({"project_id": ["A", "B", "B"], "check": ["no_end_date", "no_end_date", "no_start_date"],
                           "severity": ["gap", "gap", "gap"]})
    table = make_check_counts_table(checks, "en")
    assert dict(zip(table["Check"], table["Projects"])) == {"No end date": 2, "No start date": 1}


@pytest.mark.parametrize("rows", [
    [("A", "no_end_date", "gap"), ("B", "no_end_date", "gap"), ("B", "no_end_date", "gap")],
    [("B", "no_start_date", "gap"), ("A", "end_before_start", "conflict"), ("A", "no_end_date", "gap"),
     ("C", "end_derived", "info"), ("A", "no_start_date", "gap"), (None, "no_end_date", "gap")],
    [("A", None, "gap"), ("A", "no_end_date", None)], []])
def test_check_counts_are_a_groupbys_projects_per_severity_and_check(rows):
    checks = pd.DataFrame(rows, columns=["project_id", "check", "severity"], dtype=object)
    # the reference: pandas' groupby on both keys (sorted, missing keys dropped) and its count of distinct ids
    reference = checks.groupby(["severity", "check"])["project_id"].nunique().reset_index()
    table = make_check_counts_table(checks, "en")
    assert list(zip(*(table[t(c, "en")] for c in ("col.severity", "col.check", "col.projects")))) == [
        (t(f"severity.{s}", "en"), t(f"check.{c}", "en"), n)
        for s, c, n in zip(reference["severity"], reference["check"], reference["project_id"])]


def test_measures_table_tells_no_flow_from_not_published():
    measures = pd.DataFrame({"measure": ["committed", "disbursed", "spent"],
                             "amount": [5e6, float("nan"), float("nan")], "flows": [1, 2, 0],
                             "not_published": [0, 2, 0]})
    column = make_measures_table(measures, "EUR", "en")["Amount (EUR)"].tolist()
    assert column == ["€5M", "not published", "no flow"]


@pytest.mark.parametrize(("lang", "expected"), [("en", "more than 3,000"), ("fr", "plus de 3\u202f000")])
def test_households_bars_keep_the_qualifier_of_a_minimum(lang, expected):
    households = pd.DataFrame({"project_id": ["P"], "targeted": [3000], "reached": [1200], "minimum": [True]})
    targeted, reached = make_households_figure(households, lang).data
    assert list(targeted.text) == [expected]  # viewer.toml map.more_than, babel's French grouping (narrow space)
    assert list(reached.text) == ["1,200" if lang == "en" else "1\u202f200"]  # reached is no minimum


@pytest.mark.parametrize("count, limit, drawn", [(3, 5, ["P0", "P1", "P2"]), (6, 3, ["P5", "P3", "P4"])])
def test_households_chart_draws_the_largest_targets_when_there_are_too_many(count, limit, drawn):
    # targeted 0, 10, 20, 30, 30, 50: the largest first, a tie by project id
    targeted = [0, 10, 20, 30, 30, 50][:count]
    frame = pd.DataFrame({"project_id": [f"P{i}" for i in range(count)], "targeted": targeted,
                          "reached": [1] * count, "minimum": [False] * count})
    assert list(limit_households(frame, limit)["project_id"]) == drawn


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_project_summary_sums_each_measures_published_amounts_and_tells_no_flow_from_not_published(lang):
    from components.i18n import format_money, t
    from components.profiles import compute_project_summary
    from data.schema import TABLES

    project = pd.Series({**dict.fromkeys(TABLES["projects"].column_names), "project_id": "P"})
    flows = pd.DataFrame({"project_id": "P", "transaction_type": [11, 11, 2, 3, 3],
                          "amount_reporting": [5.0, 2.5, 9.0, None, None]})
    summary = compute_project_summary(project, flows, pd.DataFrame(), {}, "USD", lang)
    # incoming commitments (11) with an amount hide the outgoing one (2); both disbursements publish no amount
    assert summary[1:4] == [(t("measure.committed", lang), format_money(7.5, "USD", lang), None),
                            (t("measure.disbursed", lang), format_money(None, "USD", lang), None),
                            (t("measure.spent", lang), t("donor.no_flow", lang), None)]
