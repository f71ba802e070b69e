"""Every viewer page, in both languages and three filter states, shows no internal column or table name and no
raw code value: whatever a user reads (titles, captions, tiles, table headers and cells, chart titles, axes,
legends and hovers) is a label."""
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.schema import COVERAGE, TABLES, THEMES
from tests.pages.test_pages_apptest import PAGES, ROOT

FILTER_STATES = {
    "none": {},
    "donor": {"donor": "Netherlands", "cur": "EUR"},
    "theme-status": {"theme": "durable-solutions", "status": "none"},
}
# Internal names: every schema column with an underscore (project_id, duration_months, title_fr…), and any
# "table.column" pair (projects.duration_months, funding.donor).
COLUMNS = sorted({c for table in TABLES.values() for c in table.column_names if "_" in c}, key=len, reverse=True)
TABLE_COLUMN = "|".join(rf"{table}\.{column}" for table, spec in TABLES.items() for column in spec.column_names)
INTERNAL = re.compile(rf"\b({'|'.join(COLUMNS)}|{TABLE_COLUMN})\b")
# Raw code values, as a whole text or cell: theme keys, coverage codes, booleans.
RAW_VALUES = {*THEMES, *COVERAGE, "true", "false", "True", "False", "nan", "None", "<NA>", "NaT"}


def _plotly_texts(spec: dict) -> list[str]:
    """Strings a reader can see in a plotly figure: titles, axis titles and tick labels, legend entries, text and
    hover text (plotly's own %{…} templates and colours excluded)."""
    out: list[str] = []
    layout = spec.get("layout", {})

    def title(node) -> None:
        text = node.get("text") if isinstance(node, dict) else node
        if isinstance(text, str):
            out.append(text)

    title(layout.get("title", {}))
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            title(axis.get("title", {}))
            out += [str(v) for v in axis.get("ticktext", [])]
    title(layout.get("legend", {}).get("title", {}))
    for trace in spec.get("data", []):
        if trace.get("showlegend") is not False and trace.get("name"):
            out.append(str(trace["name"]))
        for field in ("text", "hovertext"):
            value = trace.get(field)
            out += [str(v) for v in value if v is not None] if isinstance(value, list) else \
                [value] if isinstance(value, str) else []
        colorbar = trace.get("colorbar") or trace.get("marker", {}).get("colorbar")
        if colorbar:
            title(colorbar.get("title", {}))
        if isinstance(trace.get("y"), list) and trace.get("orientation") == "h":
            out += [str(v) for v in trace["y"]]  # category labels of horizontal bars
        if isinstance(trace.get("x"), list) and trace.get("type") == "bar" and trace.get("orientation") != "h":
            out += [str(v) for v in trace["x"] if isinstance(v, str)]
    return out


def visible_texts(app: AppTest) -> list[tuple[str, str]]:
    """(where, text) for everything a page shows."""
    texts: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [(kind, e.value) for e in getattr(app, kind)]
    for m in app.metric:
        texts += [("metric", m.label), ("metric", m.value), ("metric help", m.proto.help or "")]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(app, kind):
            texts += [(kind, widget.label)] + [(kind, str(o)) for o in widget.options]
    texts += [("tab", tab.label) for tab in app.tabs]
    texts += [("expander", e.label) for e in app.expander]
    for frame in app.dataframe:
        value = frame.value
        texts += [("column", str(c)) for c in value.columns]
        for column in value.columns:  # an empty number cell shows blank (typed money: not published), not "nan"
            cells = value[column].dropna() if pd.api.types.is_float_dtype(value[column]) else value[column]
            texts += [("cell", str(v)) for v in cells.tolist()]
    for chart in app.get("plotly_chart"):
        texts += [("chart", s) for s in _plotly_texts(json.loads(chart.proto.spec))]
    return texts


def leaks(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(where, text) for where, text in texts
            if INTERNAL.search(text) or text.strip() in RAW_VALUES]


@pytest.mark.parametrize("text, leaked", [
    ("projects.duration_months", True), ("title_fr", True), ("durable-solutions", True), ("true", True),
    ("provincial", True), ("Planned duration (months)", False), ("Provinciale", False),
    ("Households targeted", False), ("Funding: US$12.5M", False)])
def test_the_detector_knows_an_internal_name_from_a_label(text, leaked):
    assert bool(leaks([("cell", text)])) is leaked


@pytest.mark.parametrize("state", sorted(FILTER_STATES))
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", [p for p in PAGES if not p.endswith(("/data.py", "/__init__.py"))])
def test_no_internal_name_or_raw_code_reaches_a_viewer_page(page, lang, state):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {**FILTER_STATES[state], "lang": lang}.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    texts = visible_texts(app)
    assert len(texts) > 20  # the walker reads the page, not an error screen
    assert leaks(texts) == []
