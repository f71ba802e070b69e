"""Hostile strings in the data and the URL, over every page and both languages (AppTest): no Markdown text the
app shows becomes a link, image, HTML or autolink, no plotly text carries a tag, and no server path is shown.
(tests/e2e/test_hostile_strings.py checks the same in a real browser: requests and DOM.)"""
import html
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from data import storage
from tests.hostile import EVIL, PROJECT_ID, URL, hostile_files

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKUP_TOKENS = {"image", "link_open", "html_inline", "html_block"}
TEXT_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")


@pytest.fixture()
def hostile_store(fresh_data_dir):
    version = storage.save_version(hostile_files(), {}, note="replace", by="test")
    storage.activate(version.id)
    return fresh_data_dir


def markdown_sources(app: AppTest) -> list[str]:
    """Every Markdown string the run sent: text elements, expander and metric labels, widget labels."""
    out = [e.value for kind in TEXT_ELEMENTS for e in getattr(app, kind)]
    out += [e.label for e in app.expander] + [m.label for m in app.metric] + [str(m.value) for m in app.metric]
    out += [w.label for kind in ("button", "selectbox", "multiselect", "radio", "text_input")
            for w in getattr(app, kind)]
    return out


def injected(source: str) -> list[str]:
    found = []
    for block in MD.parse(source):
        found += [t.type for t in [block, *(block.children or ())] if t.type in MARKUP_TOKENS]
    text = html.unescape(re.sub(r"<[^>]+>", "", MD.render(source)))  # GFM autolinks are found in this text
    if re.search(r"(?<![^\W_])(https?://|www\.)|[-.\w+]@[-\w]+\.", text, re.I):
        found.append("autolink")
    return found


def plotly_markup(app: AppTest) -> list[str]:
    """Strings in figure specs that plotly would render as tags (escaped ones read &lt;)."""
    out = []

    def walk(node):
        if isinstance(node, str):
            if re.search(r"<\s*/?\s*(a|img|span|iframe|script|svg|object|embed)\b", node, re.I):
                out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in app.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_no_injected_element_on_any_page(hostile_store, page, lang):
    queries = [dict(URL, lang=lang)]
    if page == "project":
        queries.append({"project": PROJECT_ID, "lang": lang})  # the hostile project itself: header, captions
    if page == "donor":
        queries.append({"profile": "<a href='http://evil.example/x'>click</a>", "lang": lang})  # a real donor now
    reached = False
    for query in queries:
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        for key, value in query.items():
            app.query_params[key] = value
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, [e.value for e in app.exception]
        sources = markdown_sources(app)
        reached |= any(EVIL in s for s in sources)
        bad = {s: injected(s) for s in sources if injected(s)}
        assert not bad, bad
        assert not plotly_markup(app)
        assert not [s for s in sources if str(storage.datasets_dir()) in s or "/versions/" in s]
    assert reached, "the hostile strings did not reach this page: the test would prove nothing"


def test_the_project_page_shows_the_hostile_title_as_text(hostile_store):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.query_params["project"] = PROJECT_ID
    app.switch_page("app_pages/project.py").run()
    shown = [re.sub(r"\\(.)", r"\1", h.value).replace("\u200b", "") for h in app.header]
    assert f"{PROJECT_ID} — **Session expired** [log in again](http://{EVIL}/login)" in shown, shown
