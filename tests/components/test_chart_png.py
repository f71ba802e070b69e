"""Each chart of the app has its own PNG button, labelled in the page's language; the picture is drawn when clicked
(kaleido on the machine's Chromium, offline) and is a real picture; without Chromium the button says why."""
import io

import pandas as pd
import pytest
from PIL import Image

from components.i18n import t
from components.images import renderer_problem
from tests.pages.apptest import run_page
from tests.pages.test_pages_apptest import plotly_specs

# Every page with charts, with a query that draws them (the sample: data/sample/); the project page's map is
# NL-CISPE's (Nord-Kivu and Ituri, data/sample/locations.csv).
PAGES_WITH_CHARTS = [
    ("app_pages/overview.py", {}),
    ("app_pages/status.py", {}),
    ("app_pages/donor.py", {"profile": "Netherlands"}),
    ("app_pages/funding_map.py", {}),
    ("app_pages/project.py", {"project": "NL-CISPE"}),
    ("app_pages/briefing.py", {"slide": "2"}),
]


def png_buttons(app, lang: str) -> list:
    return [b for b in app.get("download_button") if b.label == t("chart.png", lang)]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("page", "query"), PAGES_WITH_CHARTS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_chart_has_its_own_png_button_in_the_pages_language(page, query, lang):
    app = run_page(page, {**query, "lang": lang})
    charts = plotly_specs(app)
    assert charts  # the query draws at least one chart on this page
    assert len(png_buttons(app, lang)) == len(charts)


def test_without_chromium_each_button_is_disabled_with_a_note_and_the_page_still_works(monkeypatch):
    monkeypatch.setenv("BRIEFING_BROWSER", "/nonexistent/chromium")
    app = run_page("app_pages/overview.py", {"lang": "fr"})
    assert not app.exception
    buttons = png_buttons(app, "fr")
    assert buttons and all(b.proto.disabled for b in buttons)
    note = t("chart.png.unavailable", "fr", reason=t("briefing.renderer.no_browser", "fr"))
    assert [c.value for c in app.caption].count(note) == len(buttons)


def is_blank(image: Image.Image) -> bool:
    """Fewer than 0.2 % of the pixels differ visibly from white."""
    grey = image.convert("L")
    return sum(n for value, n in enumerate(grey.histogram()) if value < 200) < 0.002 * grey.width * grey.height


def donor_figure():
    from components.charts import make_donor_figure

    by_donor = pd.DataFrame({"donor": ["Netherlands", "Sweden"], "amount": [13_965_000.0, 200_000.0],
                             "flows": [1, 1], "not_published": [0, 0]})
    return make_donor_figure(by_donor, "USD", "fr")


def small_map_figure():
    """The sample's provinces on the embedded map, as the Overview draws them."""
    from briefing.pack import load_dataset
    from components.small_map import make_small_map
    from data.metrics import compute_funding

    full, _ = load_dataset()
    funding = compute_funding(full.funding, "USD")
    return make_small_map(full.projects, full.locations, funding, "USD", "en", None, True).figure


@pytest.mark.parametrize("make", [donor_figure, small_map_figure], ids=["bars", "map"])
def test_the_png_is_a_real_picture_of_the_chart(make):
    if renderer_problem():
        pytest.skip(f"no renderer here: {renderer_problem()}")
    from components.chart_png import MIN_HEIGHT, PNG_SCALE, PNG_SIZE, make_chart_png

    png = make_chart_png(make())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.width == round(PNG_SIZE[0] * PNG_SCALE) and image.height >= round(MIN_HEIGHT * PNG_SCALE)
    assert not is_blank(image)
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 10  # drawn, not a flat fill


def test_a_chart_that_cannot_be_drawn_fails_the_download_rather_than_saving_an_empty_file(monkeypatch):
    import components.chart_png as chart_png

    monkeypatch.setattr(chart_png, "render_pngs", lambda figures, scale: [None])
    with pytest.raises(RuntimeError):
        chart_png.make_chart_png(donor_figure())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_timeline_png_carries_the_key_the_page_gives_as_a_caption(monkeypatch, lang):
    """The page explains faded and hatched bars in a caption, which a downloaded picture would lose."""
    from components import chart_png

    notes = {}
    real = chart_png.render_png_button
    monkeypatch.setattr(chart_png, "render_png_button",
                        lambda figure, key, name, lang, container=None, note=None:
                        (notes.__setitem__(key, note), real(figure, key, name, lang, note=note)))
    app = run_page("app_pages/status.py", {"lang": lang})
    assert notes["timeline"] == t("timeline.legend", lang)
    assert t("timeline.legend", lang) in [c.value for c in app.caption]


def test_a_noted_figure_has_the_note_escaped_under_its_title_and_the_chart_is_unchanged():
    from components.chart_png import make_noted_figure

    figure = donor_figure()
    noted = make_noted_figure(figure, "Faded: <b>derived</b> end")
    assert noted.layout.title.subtitle.text == "Faded: &lt;b&gt;derived&lt;/b&gt; end"
    assert noted.layout.title.text == figure.layout.title.text
    assert noted.data == figure.data
    assert figure.layout.title.subtitle.text is None  # the page's own figure is not touched
