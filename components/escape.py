"""The one escaping helper for text that comes from data or the URL, before Markdown or plotly shows it.

Streamlit renders Markdown in st.markdown, captions, headings, notices (info/warning/error/success), expander,
metric and widget labels: a project title `![p](http://evil.example/p.png)` would load an image from another
host, `[log in](http://…)` would become a link, a bare `www.…` an autolink, `:red[…]` a colour, `$…$` maths.
Plotly renders a subset of HTML in hover text, labels and titles: `<a href=…>` would become a live link.

`escape_text(value)` backslash-escapes the characters Markdown gives a meaning (CommonMark shows an escaped
character as itself), breaks autolinks with a zero-width space (a browser test found that GFM links
an escaped `http://…` all the same) and folds line breaks into spaces (no block can start inside a value);
`escape_text(value, "html")` is for plotly text (entities, shown as the characters they stand for).
Wrap each VALUE at the call site, never a whole message: the app's own Markdown stays Markdown.
`hide_paths(text)` shortens server paths in a message (a reader's error) to their file names.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import PurePath

# What Markdown (CommonMark, GFM, Streamlit's directives) gives a meaning inside a line: escapes, code, emphasis,
# links and images, raw HTML and autolinks, tables, strike-through, :colour[...] and :icon:, $maths$, entities,
# e-mail autolinks. Other punctuation (",", "=", "-", ".") stays as it is, except where it could start a block
# (a value at the start of a line: "- x", "+ x", "1. x"). Leading spaces go (four would start a code block).
_SPECIAL = re.compile(r"([\\`*_\[\]()!<>#|~:$&@{}])")
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
# GFM autolink literals are found in the TEXT after Markdown is parsed (escapes do not stop them): a zero-width
# space after "http"/"www" and before "@" breaks "http://", "www." and "name@host.org" without changing the look.
_AUTOLINK = re.compile(r"(?<![^\W_])(https?|ftp|mailto|xmpp|www)(?=[:.])|(?=@)", re.I)
ZWSP = "\u200b"
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
MARKUPS = ("markdown", "html")
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\\/\s:'\"]+)+[\\/]([^\\/\s:'\"]+)")


def hide_paths(text: object) -> str:
    """Server paths in a message shortened to their file name: nobody sees where the server keeps files."""
    return _PATH.sub(r"\1", str(text))


def short_name(path: str) -> str:
    """The file name of a report path, keeping a workbook's '#sheet' (never the server's folders)."""
    name, hash_, sheet = str(path).partition("#")
    return PurePath(name).name + hash_ + sheet


def escape_text(value: object, markup: str = "markdown") -> str:
    """`value` as text that Markdown (default) or plotly ("html") shows literally; None → ""."""
    if markup not in MARKUPS:
        raise ValueError(f"markup is one of {MARKUPS}, not {markup!r}")
    return _escaped(value if type(value) is str else "" if value is None else str(value), markup)


@lru_cache(maxsize=1 << 16)
def _escaped(value: str, markup: str) -> str:
    # memoised per text: a new filter state escapes mostly ids and names an earlier state escaped already (a burn
    # chart's 3,000 project ids were ~12 ms under load); 65,536 short texts are a few MB
    text = _BREAKS.sub(" ", value)
    if markup == "html":
        return html.escape(text, quote=True)
    text = _SPECIAL.sub(r"\\\1", _AUTOLINK.sub(lambda m: (m.group(1) or "") + ZWSP, text.strip()))
    match = _LINE_START.match(text)
    if match and match.group(1)[0].isdigit():  # "1. x" / "1) x": an ordered list
        end = match.end()
        return text[:end] + "\\" + text[end:] if text[end:end + 1] == "." else text
    return "\\" + text if match else text


def escape_all(values, markup: str = "markdown") -> list[str]:
    """escape_text over an iterable (plotly category labels, joined id lists)."""
    return [escape_text(v, markup) for v in values]


def format_id_list(ids: Sequence[str], limit: int = 20) -> str:
    """Ids joined by commas, the first `limit` of them then '…' (a caption naming 3,000 projects helps nobody)."""
    ids = list(ids)
    return ", ".join(ids[:limit]) + (f", … (+{len(ids) - limit})" if len(ids) > limit else "")
