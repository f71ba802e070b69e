"""The one escaping helper: Markdown and plotly show data and URL text literally, never as links or markup."""
import html
import re

import pytest
from markdown_it import MarkdownIt

from components.escape import escape_all, escape_text, hide_paths
from tests.hostile import STRINGS

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def tokens(markdown: str) -> list[str]:
    out = []
    for block in MD.parse(markdown):
        out.append(block.type)
        out += [child.type for child in block.children or ()]
    return out


def rendered_text(markdown: str) -> str:
    """The text markdown-it renders (tags removed, entities decoded), where GFM looks for autolink literals."""
    return html.unescape(re.sub(r"<[^>]+>", "", MD.render(markdown))).strip()


def shown(markdown: str) -> str:
    """What a reader sees: the rendered text without the zero-width spaces."""
    return rendered_text(markdown).replace("\u200b", "")


# GFM's autolink literals (mdast-util-gfm-autolink-literal): found in the parsed text, escapes resolved.
AUTOLINK = re.compile(r"(?<![^\W_])(https?://|www\.)|[-.\w+]@[-\w]+\.", re.I)


@pytest.mark.parametrize("name", sorted(STRINGS))
@pytest.mark.parametrize("template", ["{}", "Ignored values: {}.", "{} — title", "- {}", "# {}"])
def test_markdown_shows_the_value_literally(name, template):
    value = STRINGS[name]
    source = template.replace("{}", escape_text(value))
    found = tokens(source)
    assert not {"image", "link_open", "html_inline", "html_block", "code_inline"} & set(found), found
    if template.startswith(("{}", "Ignored")):
        assert value in shown(source)
    assert not AUTOLINK.search(rendered_text(source))  # nothing a GFM autolink would pick up


@pytest.mark.parametrize("value, block", [("- item", "bullet_list_open"), ("+ item", "bullet_list_open"),
                                           ("1. item", "ordered_list_open"), ("12) item", "ordered_list_open"),
                                           ("# Big", "heading_open"), ("> quoted", "blockquote_open"),
                                           ("line\n# heading", "heading_open"), ("a\n\n- b", "bullet_list_open"),
                                           ("    code", "code_block"), ("a | b\n--|--\nc | d", "table_open")])
def test_a_value_never_starts_a_block(value, block):
    assert block in tokens(value)  # the raw value would
    assert block not in tokens(escape_text(value))
    assert shown(escape_text(value)) == " ".join(value.split()) if "\n" in value else value.strip()


@pytest.mark.parametrize("value", ["CE.0276", "donor=Nobody, from=abc", "Kasaï-Central", "12,5 M€",
                                   "v0001-20261201T000000Z"])
def test_ordinary_text_is_unchanged(value):
    assert escape_text(value) == value


def test_plotly_text_is_html_escaped():
    assert escape_text(STRINGS["anchor"], "html") == "&lt;a href=&#x27;http://evil.example/x&#x27;&gt;click&lt;/a&gt;"
    assert escape_all(["<b>x</b>", None, 3], "html") == ["&lt;b&gt;x&lt;/b&gt;", "", "3"]
    with pytest.raises(ValueError):
        escape_text("x", "latex")


@pytest.mark.parametrize("text, shown", [
    ("/srv/app/var/datasets/versions/v0001-20261201T000000Z/files/p.csv: cannot be read", "p.csv: cannot be read"),
    ("reason (/srv/data/boundaries/adm1.geojson: no such file)", "reason (adm1.geojson: no such file)"),
    ("C:\\data\\b.xlsx: damaged", "b.xlsx: damaged"),
    ("2019/2020 and n/a stay", "2019/2020 and n/a stay"),
])
def test_server_paths_are_shortened_to_file_names(text, shown):
    assert hide_paths(text) == shown


def test_a_value_of_another_type_is_escaped_as_its_text_even_when_that_text_was_escaped_before():
    # escaped texts are memoised per text: a value that is not exactly a str is first turned into its text
    class Shown(str):
        def __str__(self) -> str:
            return "<b>shown</b>"

    assert escape_text("<b>shown</b>", "html") == "&lt;b&gt;shown&lt;/b&gt;"
    assert escape_text(Shown("plain"), "html") == "&lt;b&gt;shown&lt;/b&gt;"
    assert escape_text(12, "html") == escape_text("12", "html") == "12"
