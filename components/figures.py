"""Plotly figures from plain nested dicts, handed to go.Figure unvalidated: validating every property was most of a
small figure's cost on every new filter state."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

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


def _shape(value: object) -> object:
    """The keys of every dict below `value`, in order (lists of dicts item by item): what plotly orders."""
    if isinstance(value, dict):
        return tuple((key, None if key in _SKIPPED else _shape(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
        return tuple(_shape(item) for item in value)
    return None


class _Unlike(Exception):
    """A figure whose dict is not its plain input reordered."""


def _ordered_like(value: object, model: object, added: frozenset = frozenset()) -> object:
    """`value` with every dict's keys in `model`'s order (the same keys; `added`: keys plotly adds at the top,
    taken from `model`); anything else as it is."""
    if isinstance(model, dict):
        if not isinstance(value, dict) or len(value) + len(added & model.keys()) != len(model) \
                or any(key not in model for key in value):
            raise _Unlike
        return {key: (value[key] if key in _SKIPPED else _ordered_like(value[key], item)) if key in value else item
                for key, item in model.items()}
    if isinstance(model, list) and model and isinstance(model[0], dict):
        if not isinstance(value, (list, tuple)) or len(value) != len(model):
            raise _Unlike
        return [_ordered_like(item, like) for item, like in zip(value, model)]
    return value


_MODELS: dict[tuple, dict | None] = {}  # a trace's or layout's shape and the template → plotly's dict of one
_MODELS_MAX = 2048
_TEMPLATE = frozenset({"template"})  # what plotly adds to a layout


class PlainFigure(go.Figure):
    """A figure of plain dicts and lists (make_plain_figure), made into a plotly figure only when something other
    than to_dict reads it. st.plotly_chart calls to_dict on every rerun and only serialises the result: plotly's
    dict of the figure is its input with each dict's keys in plotly's order and the layout's template added, so
    that order is learnt once per trace and layout shape (the keys at every level) from a figure plotly made,
    checked against it, and the next traces and layouts of a known shape are reordered instead of built (go.Figure
    deep-copied every trace and the template: more than the chart's JSON cost). Arrays anywhere: go.Figure's
    to_dict, which encodes them."""

    def __init__(self, figure: dict, *args, **kwargs) -> None:
        if args or kwargs or set(figure) != {"data", "layout"}:  # a copy (__reduce__) or plotly's own arguments
            super().__init__(figure, *args, **kwargs)
            return
        self.__dict__["_plain_input"] = figure

    def _built(self) -> None:
        self.__dict__.pop("_plain_dict", None)  # read or changed through plotly from now on: its own dict
        plain = self.__dict__.pop("_plain_input", None)
        if plain is not None:
            super().__init__(plain, _validate=False)

    def __getattr__(self, name: str) -> object:  # only for what the instance lacks: the plotly figure, built now
        if "_plain_input" not in self.__dict__:
            raise AttributeError(name)
        self._built()
        return getattr(self, name)

    def _plotly_dict(self) -> dict:
        figure = {"data": [dict(trace) for trace in self._data], "layout": dict(self._layout)}
        return figure if not self._frame_objs and _plain(figure) else super().to_dict()

    def to_dict(self) -> dict:
        made = self.__dict__.get("_plain_dict")
        if made is not None:  # made before (a figure is kept across reruns): its dicts copied one level, as below
            return {"data": [dict(trace) for trace in made["data"]], "layout": dict(made["layout"])}
        figure = self._ordered_dict()
        if "_plain_input" in self.__dict__:
            self.__dict__["_plain_dict"] = figure
            return {"data": [dict(trace) for trace in figure["data"]], "layout": dict(figure["layout"])}
        return figure

    def _ordered_dict(self) -> dict:
        plain = self.__dict__.get("_plain_input")
        if plain is None or not isinstance(plain["data"], (list, tuple)) or not _plain(plain):
            self._built()
            return self._plotly_dict()
        template = pio.templates.default
        parts = [(plain["layout"], _TEMPLATE), *((trace, frozenset()) for trace in plain["data"])]
        keys = [(_shape(part), template) for part, _ in parts]
        if any(key not in _MODELS for key in keys):
            made = PlainFigure(plain)
            made._built()
            model = made._plotly_dict()
            if len(_MODELS) + len(keys) > _MODELS_MAX:
                _MODELS.clear()
            if len(model["data"]) == len(parts) - 1:
                for key, (part, added), like in zip(keys, parts, [model["layout"], *model["data"]]):
                    try:  # learnt only when reordering this very part gives plotly's dict of it, byte for byte
                        same = json.dumps(_ordered_like(part, like, added)) == json.dumps(like)
                    except (_Unlike, TypeError, ValueError):
                        same = False
                    _MODELS[key] = like if same else None
        try:
            likes = [_MODELS.get(key) for key in keys]
            if None not in likes:
                ordered = [_ordered_like(part, like, added) for (part, added), like in zip(parts, likes)]
                return {"data": ordered[1:], "layout": ordered[0]}
        except _Unlike:  # (the same shape has the same keys: not expected)
            pass
        self._built()
        return self._plotly_dict()


def make_plain_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure of traces and layout already in plotly's nested form (marker=dict(color=...), never marker_color;
    title=dict(text=...)), not checked again property by property. The builders' tests validate each such figure and
    compare it with the same figure built through go.Figure/add_trace/update_layout."""
    return PlainFigure(dict(data=data, layout=layout))
