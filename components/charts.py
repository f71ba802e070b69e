"""Figure builders (return go.Figure; never call streamlit)."""
from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from components.escape import escape_text
from components.figures import make_plain_figure
from components.i18n import format_money, t
from data.organisations import organisation_label

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Characters per line of a bar's name: plotly does not wrap, and one long donor name ("Fonds de l'OIM pour le
# développement (IDF)") took half a slide, squeezing the bars and tilting the axis labels.
LABEL_WIDTH = 24


def make_bar_label(text: str, width: int = LABEL_WIDTH) -> str:
    """`text` escaped for plotly's HTML-like labels and broken over lines of at most `width` characters (a
    longer word stays whole)."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(escape_text(line, "html") for line in lines) or escape_text(text, "html")


def money_ticks(top: float, currency: str, lang: str) -> dict:
    """Axis ticks from zero with labels in the reader's locale and currency ('US$5M', '5 M $US'), not plotly's
    '5M': a round step giving at most five ticks."""
    if not top or top != top or top <= 0:
        return {}
    magnitude = 10 ** math.floor(math.log10(top / 4))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if top / (m * magnitude) <= 5)
    values = [step * i for i in range(int(top // step) + 1)]
    return dict(tickmode="array", tickvals=values, ticktext=[format_money(v, currency, lang) for v in values])


def make_donor_figure(by_donor: pd.DataFrame, currency: str, lang: str) -> go.Figure:
    """Horizontal bars of published amounts per donor; donors with nothing published are not drawn as 0.
    A plain dict figure (components.figures): validating it property by property cost more than the rest."""
    drawn = by_donor[by_donor["amount"].notna()].sort_values("amount")
    amounts = drawn["amount"].tolist()
    return make_plain_figure([dict(
        type="bar", x=amounts, y=[make_bar_label(organisation_label(d, lang)) for d in drawn["donor"].tolist()],
        orientation="h", marker=dict(color=OKABE_ITO[0]), text=[format_money(v, currency, lang) for v in amounts],
        textposition="auto", hovertemplate="%{y}<br>%{text}<extra></extra>")], dict(
        title=dict(text=t("chart.by_donor", lang)), height=120 + 48 * max(len(drawn), 1),
        margin=dict(l=10, r=10, t=50, b=10), font=dict(size=16),
        xaxis=dict(title=dict(text=t("chart.amount", lang, currency=currency)),
                   **money_ticks(float(max(amounts)) if amounts else 0.0, currency, lang)),
        yaxis=dict(title={}), separators=",." if lang == "en" else ", "))
