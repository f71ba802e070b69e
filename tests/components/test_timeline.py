"""Gantt figure: planned (hatched) and actual (solid) bars, status colours, today's line, derived ends flagged."""
import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.timeline import STATUS_COLOURS, make_timeline_figure
from data.status import compute_timeline

TODAY = dt.date(2026, 6, 15)


def projects(*rows):
    columns = ["project_id", "activity_status", "planned_start", "actual_start", "planned_end", "actual_end",
               "duration_months"]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows])
    for column in ("activity_status", "duration_months"):
        frame[column] = frame[column].astype("Int64")
    return frame


@pytest.fixture
def figure():
    bars, _ = compute_timeline(projects(
        {"project_id": "A", "activity_status": 2, "planned_start": "2020-01", "planned_end": "2022",
         "actual_start": "2020-03-02", "actual_end": "2023-01-31"},
        {"project_id": "B", "planned_start": "2024-01-01", "duration_months": 12},
        {"project_id": "C", "activity_status": 4, "actual_end": "2024"}), TODAY)
    return make_timeline_figure(bars, TODAY, "en")


def bars_of(figure, kind):
    return [tr for tr in figure.data if isinstance(tr, go.Bar) and tr.offsetgroup == kind]


def test_gantt_shows_planned_and_actual_bars(figure):
    planned, actual = bars_of(figure, "planned"), bars_of(figure, "actual")
    assert "A" in {y for tr in planned for y in tr.y} and "A" in {y for tr in actual for y in tr.y}
    assert all(set(tr.marker.pattern.shape) == {"/"} for tr in planned)
    assert all(set(tr.marker.pattern.shape) == {""} for tr in actual)


def test_bars_are_coloured_by_status(figure):
    actual = bars_of(figure, "actual")[0]
    assert actual.marker.color == STATUS_COLOURS[2]
    b = next(tr for tr in bars_of(figure, "planned") if "B" in tr.y)
    assert b.marker.color == STATUS_COLOURS[None]


def test_derived_end_is_faded_and_said_on_hover(figure):
    b = next(tr for tr in bars_of(figure, "planned") if "B" in tr.y)
    index = list(b.y).index("B")
    assert b.marker.opacity[index] < 1 and "derived" in b.customdata[index]


def test_a_project_with_only_an_end_is_a_marker(figure):
    markers = [tr for tr in figure.data if isinstance(tr, go.Scatter)]
    assert markers and "C" in markers[0].y


def test_today_line_is_drawn(figure):
    line = figure.layout.shapes[0]
    assert line.x0 == TODAY.isoformat() == line.x1
    assert figure.layout.annotations[0].text == "Today"


def test_french_figure_has_french_labels():
    bars, _ = compute_timeline(projects({"project_id": "A", "planned_start": "2021-12-14", "planned_end": "2024"}),
                               TODAY)
    figure = make_timeline_figure(bars, TODAY, "fr")
    assert figure.layout.annotations[0].text == "Aujourd'hui"
    assert figure.data[0].name.startswith("Prévu") and "14 déc. 2021" in figure.data[0].customdata[0]


def test_empty_timeline_still_builds():
    bars, _ = compute_timeline(projects({"project_id": "X"}), TODAY)
    assert isinstance(make_timeline_figure(bars, TODAY, "en"), go.Figure)


def test_a_long_timeline_is_capped_to_the_most_recently_started_projects():
    import pandas as pd

    from components.escape import format_id_list
    from components.timeline import limit_timeline

    bars = pd.DataFrame({"project_id": [f"P{i}" for i in range(5)] + ["P0"],
                         "start": [dt.date(2020 + i, 1, 1) for i in range(5)] + [None],
                         "kind": ["planned"] * 5 + ["actual"]})
    drawn, total = limit_timeline(bars, limit=2)
    assert total == 5 and set(drawn["project_id"]) == {"P4", "P3"}
    assert limit_timeline(bars, limit=5)[0] is bars
    assert format_id_list([f"P{i}" for i in range(25)], limit=3) == "P0, P1, P2, … (+22)"
