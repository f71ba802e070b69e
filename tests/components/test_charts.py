"""Bar labels: long names wrapped, every line escaped."""
from __future__ import annotations

import html

import pandas as pd
import pytest

from components.charts import LABEL_WIDTH, make_bar_label, make_donor_figure


@pytest.mark.parametrize("text, expected", [
    ("Pays-Bas", "Pays-Bas"),
    ("Fonds de l'OIM pour le développement (IDF)", "Fonds de l&#x27;OIM pour le<br>développement (IDF)"),
    ("<b>Evil</b> & sons, a very long organisation name",
     "&lt;b&gt;Evil&lt;/b&gt; &amp; sons, a<br>very long organisation<br>name"),
    ("Onewordlongerthantwentyfourcharacters", "Onewordlongerthantwentyfourcharacters"),
    ("", ""),
])
def test_a_bar_label_is_escaped_and_wrapped(text, expected):
    assert make_bar_label(text) == expected
    lines = [html.unescape(line) for line in make_bar_label(text).split("<br>")]
    assert all(len(line) <= LABEL_WIDTH or " " not in line for line in lines) and " ".join(lines) == text


def test_the_donor_chart_wraps_long_donor_names():
    by_donor = pd.DataFrame({"donor": ["Netherlands", "IOM Development Fund (IDF) of the International Organization"],
                             "amount": [14e6, 2e5]})
    figure = make_donor_figure(by_donor, "USD", "en")
    assert list(figure.data[0].y) == ["IOM Development Fund<br>(IDF) of the<br>International<br>Organization",
                                      "Netherlands"]
