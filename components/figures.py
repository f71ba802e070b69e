"""Plotly figures from plain nested dicts, handed to go.Figure unvalidated: validating every property was most of a
small figure's cost on every new filter state."""
from __future__ import annotations

import plotly.graph_objects as go


def make_plain_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure of traces and layout already in plotly's nested form (marker=dict(color=...), never marker_color;
    title=dict(text=...)), not checked again property by property. The builders' tests validate each such figure and
    compare it with the same figure built through go.Figure/add_trace/update_layout."""
    return go.Figure(dict(data=data, layout=layout), _validate=False)
