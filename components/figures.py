"""Plotly figures from plain nested dicts, handed to go.Figure unvalidated: validating every property was most of a
small figure's cost on every new filter state."""
from __future__ import annotations

import plotly.graph_objects as go

# What plotly's own conversion to typed arrays (convert_to_base64) leaves alone, whatever they hold.
_SKIPPED = frozenset({"geojson", "layer", "layers", "range"})
_PLAIN = (str, int, float, bool, type(None))


def _plain(value: object) -> bool:
    """Only dicts, lists, tuples, text, numbers and None below `value` (no array for to_dict to encode)."""
    if isinstance(value, dict):
        return all(key in _SKIPPED or _plain(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return all(type(item) in _PLAIN or _plain(item) for item in value)
    return isinstance(value, _PLAIN)


class PlainFigure(go.Figure):
    """A figure of plain dicts and lists (make_plain_figure). st.plotly_chart calls to_dict on every rerun and only
    serialises the result: a copy of the top-level dicts is enough, where go.Figure deep-copied every trace and the
    layout's template (more than the chart's JSON cost). Arrays anywhere: go.Figure's to_dict, which encodes them."""

    def to_dict(self) -> dict:
        figure = {"data": [dict(trace) for trace in self._data], "layout": dict(self._layout)}
        return figure if not self._frame_objs and _plain(figure) else super().to_dict()


def make_plain_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure of traces and layout already in plotly's nested form (marker=dict(color=...), never marker_color;
    title=dict(text=...)), not checked again property by property. The builders' tests validate each such figure and
    compare it with the same figure built through go.Figure/add_trace/update_layout."""
    return PlainFigure(dict(data=data, layout=layout), _validate=False)
