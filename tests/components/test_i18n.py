"""Every UI string exists in English and French; no page or component shows a literal string; locale formats."""
import ast
import datetime as dt
import re
import string
import tomllib
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_decimal

from components.i18n import (
    CATALOGUE_DIR,
    LANGUAGES,
    catalogue,
    format_money,
    format_number,
    format_partial_date,
    has_key,
    locale_of,
    t,
)
from data.filters import ROLES
from data.metrics import FLOW_MEASURES
from data.profiles import BREAKDOWNS
from data.status import NOT_PUBLISHED_FACTS, SEVERITIES, STATUS_CHECKS

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted([*ROOT.glob("app_pages/*.py"), *ROOT.glob("components/*.py"), ROOT / "dashboard.py"])
TEXT_CALLS = {"title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error", "success",
              "text", "metric", "button", "radio", "selectbox", "multiselect", "slider", "segmented_control",
              "expander", "tabs", "toggle", "checkbox", "text_input", "number_input", "date_input", "Page"}


@pytest.mark.parametrize("path", sorted(CATALOGUE_DIR.glob("*/*.toml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_catalogue_file_parses_and_has_its_twin_in_the_other_language(path):
    """TOML refuses a repeated key within a file; catalogue() refuses one repeated across files."""
    with path.open("rb") as handle:
        assert tomllib.load(handle)
    assert {p.parent.name for p in CATALOGUE_DIR.glob(f"*/{path.name}")} == set(LANGUAGES)


def test_a_key_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    import components.i18n as i18n

    for lang in LANGUAGES:
        (tmp_path / lang).mkdir()
        for name in ("a.toml", "b.toml"):
            (tmp_path / lang / name).write_text('"x" = "y"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n.catalogue()
    finally:
        i18n.catalogue.cache_clear()


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def forms(entry):
    return list(entry.values()) if isinstance(entry, dict) else [entry]


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_key_is_translated_in_both_languages_with_the_same_placeholders(key):
    entry = catalogue()[key]
    assert set(entry) == {"en", "fr"}
    texts = [text for lang in ("en", "fr") for text in forms(entry[lang])]
    assert all(text.strip() for text in texts)
    assert len({frozenset(placeholders(text)) for text in texts}) == 1


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 1, "1 project"), ("en", 2, "2 projects"), ("en", 0, "0 projects"),
    ("fr", 0, "0 projet"), ("fr", 1, "1 projet"), ("fr", 2, "2 projets"),
])
def test_plural_forms_follow_the_language_rule(lang, n, expected):
    assert t("map.hover.projects", lang, n=n) == expected


def literal_keys(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                and isinstance(node.args[0], ast.Constant):
            yield node.args[0].value


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_literal_key_used_exists(path):
    missing = [k for k in literal_keys(path) if not has_key(k)]
    assert not missing, missing


@pytest.mark.parametrize("key", [
    *(f"check.{k}" for k in STATUS_CHECKS), *(f"severity.{s}" for s in SEVERITIES),
    *(f"measure.{m}" for m in FLOW_MEASURES), *(f"filters.role.{r}" for r in ROLES),
    *(f"fact.{f}" for f in NOT_PUBLISHED_FACTS), *(f"fact.{f}" for f in ("donor", "amount", "value_date")),
    *(f"donor.by.{b}" for b in BREAKDOWNS), *(f"donor.word.{b}" for b in BREAKDOWNS),
    *(f"burn.reason.{r}" for r in ("dates", "committed", "disbursed")),
    *(f"households.reason.{r}" for r in ("both", "reached", "targeted")),
    *(f"reason.{r}" for r in ("name_mismatch", "no_province")),
    *(f"role.{r}" for r in ("funding", "lead", "implementing", "partner")),
    *(f"timeline.{k}" for k in ("planned", "actual")),
])
def test_keys_built_from_registries_exist(key):
    assert has_key(key)


LOGGERS = {"log", "logger", "LOG", "LOGGER", "logging"}  # server logs are for operators, not UI text


def literal_ui_strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TEXT_CALLS \
                and getattr(node.func.value, "id", "") not in LOGGERS:
            for arg in node.args[:1] if node.func.attr != "Page" else ():  # st.Page's first argument is a path
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.search(r"[A-Za-z]", arg.value):
                    yield f"{node.lineno}: {arg.value}"
            for kw in node.keywords:
                if kw.arg in ("title", "label", "help", "placeholder") and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, str):
                    yield f"{node.lineno}: {kw.value.value}"


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_untranslated_literal_in_ui_calls(path):
    found = list(literal_ui_strings(path))
    assert not found, found


def spaces(text):
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("lang, expected", [("en", "€12.5M"), ("fr", "12,5 M €")])
def test_money_is_formatted_per_locale(lang, expected):
    assert spaces(format_money(12_500_000, "EUR", lang)) == expected


@pytest.mark.parametrize("lang, value, expected", [
    ("en", "2021-12-14", "14 Dec 2021"), ("fr", "2021-12-14", "14 déc. 2021"), ("fr", "2019", "2019"),
    ("en", None, "not published"), ("fr", None, "non publié"),
])
def test_dates_are_formatted_per_locale(lang, value, expected):
    assert format_partial_date(value, lang) == expected


def test_missing_key_raises_rather_than_showing_a_raw_key():
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_the_literal_scan_catches_an_untranslated_call(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nst.subheader("Top donors")\nst.caption(t("empty", lang))\n')
    assert list(literal_ui_strings(page)) == ["2: Top donors"]


def test_column_labels_have_one_home_the_schema():
    """Pages, the template and the reports name a column the same way (they had drifted: 'Fin effective')."""
    from data.schema import COLUMN_LABELS

    for column, labels in COLUMN_LABELS.items():
        assert {lang: t(f"fact.{column}", lang) for lang in ("en", "fr")} == labels
    assert t("fact.actual_end", "fr") == "Fin réelle" and t("fact.actual_start", "fr") == "Début réel"


@pytest.mark.parametrize("lang, expected", [("en", "10,000 of 12,500 projects match the filters."),
                                            ("fr", "10 000 projets sur 12 500 correspondent aux filtres.")])
def test_counts_in_sentences_are_grouped_the_languages_way(lang, expected):
    from components.i18n import t

    assert t("filters.active", lang, n=10_000, total=12_500).replace("\u202f", " ") == expected


MONEY_VALUES = [0, 1, -1, 0.04, 999, 999.95, 1000, -1000, 1049, 1050, 1051, 1150, 1250, -1250, 9950, 9999, 99_950,
                999_949, 999_950, 999_999.9, 1e6, 12.5e6, -12.5e6, 123_456_789, 987_654_321.5, 1e12, 9.99e14, 1e15,
                1.23e18, 1234.5678, 0.001, 5e-7, 2_500_000_000]
# Pseudo-random amounts of every magnitude and sign (a fixed generator, so a failure names its value)
MONEY_VALUES += [sign * (k * 7919 % 10_007) * 10 ** e / 97 for e in range(-2, 15) for k in range(1, 12)
                 for sign in (1, -1)]


@pytest.mark.parametrize("currency", ["EUR", "USD", "GBP", "CDF", "JPY", "CHF", "XAF", "SEK"])
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_money_is_babels_compact_currency_text(lang, currency):
    """format_money keeps babel's patterns per (language, magnitude, currency) and does the arithmetic itself:
    the text must be babel's own format_compact_currency for every value, sign and magnitude."""
    for value in MONEY_VALUES:
        for amount in (value, float(value)):
            expected = format_compact_currency(amount, currency, locale=locale_of(lang), fraction_digits=1)
            assert format_money(amount, currency, lang) == expected, amount


@pytest.mark.parametrize("lang, expected", [("en", "€0"), ("fr", "0 €")])
def test_negative_zero_money_reads_zero(lang, expected):
    assert spaces(format_money(-0.0, "EUR", lang)) == expected


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_dates_are_babels_format_date_text(lang):
    """Dates keep babel's parsed pattern: the text must be babel.dates.format_date's for every month and many days
    and years, at day and month precision."""
    days = [dt.date(year, month, day) for year in (1999, 2000, 2021, 2024, 2030) for month in range(1, 13)
            for day in (1, 9, 10, 28)] + [dt.date(2024, 2, 29)]
    for day in days:
        assert format_partial_date(day.isoformat(), lang) == format_date(day, "medium", locale=locale_of(lang))
        assert format_partial_date(day.isoformat()[:7], lang) == format_date(day, "MMM y", locale=locale_of(lang))


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("count", [0, 1, 7, 999, 1000, 10_000, 123_456, 1_234_567, -1, -4_500])
def test_counts_in_strings_are_babels_grouped_integers(lang, count):
    """t() groups a count placeholder the way babel's format_decimal writes an integer."""
    expected = format_decimal(count, locale=locale_of(lang))
    assert t("table.rows_shown", lang, first=count, last=count, n=count).count(expected) == 3


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_whole_counts_are_babels_decimal_text(lang):
    """format_number words a whole number as format_whole does: the text must be babel's format_decimal's (its
    default pattern) for every sign and size."""
    for value in [0, 1, -1, 7, 999, 1000, -1000, 1200, 15_000, 999_999, 1_000_000, -13_965_000, 9_876_543_210_123]:
        assert format_number(value, lang) == format_decimal(value, locale=locale_of(lang)), value


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_day_and_far_years_are_babels_format_date_text(lang):
    """The day, month and year fields are worded once each: every day of a month and years of 1 to 4 digits."""
    days = [dt.date(2023, 1, day) for day in range(1, 32)] + [dt.date(year, 12, 31) for year in (1, 99, 999, 9999)]
    for day in days:
        assert format_partial_date(day.isoformat(), lang) == format_date(day, "medium", locale=locale_of(lang))
