"""UI strings in English and French, and locale-aware number, money and date formatting (babel)."""
from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import DateTimeFormat, DateTimePattern, get_date_format
from babel.dates import parse_pattern as parse_date_pattern
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

from data.schema import ACTIVITY_STATUS, COLUMN_LABELS, COVERAGE, THEMES, TRANSACTION_TYPES, date_period

LANGUAGES = {"en": "English", "fr": "Français"}
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


@cache
def locale_of(lang: str) -> Locale:
    """The parsed babel Locale of a language, kept: babel re-reads a locale named by a string on every call (5x the
    cost of a number formatted with the Locale object)."""
    return Locale.parse(LOCALES[lang])

CATALOGUE_DIR = Path(__file__).resolve().parent / "locales"
Entry = str | dict[str, str]  # a plain string, or plural forms keyed by CLDR category ("one", "other"…)


@cache
def catalogue() -> dict[str, dict[str, Entry]]:
    """Every UI string: key -> {language: text or plural forms}, read once from `locales/<lang>/*.toml`.

    One file per feature and language, so features add strings without touching each other's files; a key
    defined in two files of one language is an error, never a silent override. Column labels (`fact.<column>`)
    come from the schema's registry, their one home (pages, template and reports say the same), so a TOML file
    that defines one again is an error too."""
    merged: dict[str, dict[str, Entry]] = {f"fact.{column}": dict(labels) for column, labels in COLUMN_LABELS.items()}
    for lang in LANGUAGES:
        for path in sorted((CATALOGUE_DIR / lang).glob("*.toml")):
            with path.open("rb") as handle:
                for key, text in tomllib.load(handle).items():
                    if lang in merged.get(key, {}):
                        raise ValueError(f"UI string {key!r} is defined twice for {lang!r} ({path.name})")
                    merged.setdefault(key, {})[lang] = text
    return merged


def has_key(key: str) -> bool:
    return key in catalogue()


def t(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang`, formatted with `values`; plural forms follow babel's rule for `n`; whole
    numbers in COUNT_PLACEHOLDERS are grouped the language's way."""
    text = catalogue()[key][lang]
    if isinstance(text, dict):
        count = values.get("n", 0)
        form = locale_of(lang).plural_form(abs(count) if isinstance(count, (int, float)) else 0)
        text = text.get(form, text["other"])
    if not values:
        return text
    counted = {k: format_whole(v, lang) if k in COUNT_PLACEHOLDERS and type(v) is int else v
               for k, v in values.items()}
    return text.format(**counted)


# Placeholders that only ever hold a count or a row number: shown with the language's grouping ("10 000 projets sur
# 10 000" / "10,000 of 10,000 projects"), where str() wrote "10000". Years never go through these names.
COUNT_PLACEHOLDERS = frozenset({"n", "total", "shown", "count", "first", "last"})


def code_label(codes: dict, code: object, lang: str) -> str:
    """Label of an IATI or project code list entry, or 'not published'."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("not_published", lang)
    try:
        return codes[code][lang]
    except (KeyError, TypeError):
        return str(code)


def status_label(code: object, lang: str) -> str:
    return code_label(ACTIVITY_STATUS, None if code is None or code != code else int(code), lang)


def theme_label(code: object, lang: str) -> str:
    return code_label(THEMES, code, lang)


def coverage_label(code: object, lang: str) -> str:
    return code_label(COVERAGE, code, lang)


def transaction_label(code: object, lang: str) -> str:
    return code_label(TRANSACTION_TYPES, None if code is None or code != code else int(code), lang)


def format_each(values: pd.Series | list, label: Callable[[object], str]) -> list[str]:
    """label(cell) for every cell, computed once per distinct value: a page of rows repeats the same statuses,
    themes, dates and donors, and each label is a babel or catalogue call. Missing cells (NaN, NA) reach label
    as None."""
    done: dict = {}
    out = []
    for value in (values.tolist() if isinstance(values, pd.Series) else values):
        key = None if value is None or value is pd.NA or value != value else value
        if key not in done:
            done[key] = label(key)
        out.append(done[key])
    return out


def format_money(amount: float | None, currency: str, lang: str) -> str:
    """Compact money ('€12.5M' / '12,5 M€'); None → 'not published', never 0."""
    if amount is None or amount != amount:
        return t("not_published", lang)
    # + 0.0: a negative zero (a sum of nothing negative) reads "€0", never "-€0"; the cache below holds one of them
    # for both, since -0.0 == 0.0
    return _compact_money(amount + 0.0, currency, lang)


# Pure functions of hashable values, kept across reruns and sessions: a new filter state shows amounts and dates
# already formatted for another (babel costs 20-150 µs a value; a page of 100 rows formats hundreds).
@lru_cache(maxsize=1 << 16, typed=True)
def _compact_money(amount: float, currency: str, lang: str) -> str:
    number = Decimal(str(amount))
    if not number.is_finite():
        return format_compact_currency(amount, currency, locale=locale_of(lang), fraction_digits=1)
    number, pattern = _compact_number(number, lang)
    return _Affixes.of(pattern, currency, lang).apply(number)


# babel's format_compact_currency (fraction_digits=1) asks the locale data, parses its pattern and substitutes the
# currency symbol on every call (~230 µs); these keep that per (language, pattern, currency) and repeat its
# arithmetic on Decimal, so the text is babel's (tests/components/test_i18n.py compares them value by value).
_COMPACT_DIGITS = 1


@cache
def _magnitudes(lang: str) -> tuple[tuple[int, NumberPattern], ...]:
    """The locale's short compact currency patterns ("other" form), largest magnitude first."""
    other = locale_of(lang).compact_currency_formats["short"]["other"]
    return tuple(sorted(((int(m), parse_pattern(p)) for m, p in other.items()), key=lambda mp: -mp[0]))


@cache
def _fallback_pattern(lang: str) -> NumberPattern:
    """babel's pattern for an amount below every compact magnitude: the first currency pattern reduced to its
    symbol, zeros and spaces."""
    for pattern in locale_of(lang).compact_currency_formats["short"]["other"].values():
        if "¤" in pattern.pattern:
            reduced = re.sub(r"(\s)\s+", r"\1", re.sub(r"[^0\s\¤]", "", pattern.pattern)).strip()
            return parse_pattern(reduced)
    raise ValueError(f"no compact currency pattern for {lang!r}")


def _compact_number(number: Decimal, lang: str) -> tuple[Decimal, NumberPattern]:
    """babel.numbers._get_compact_format for the short currency formats: the amount divided and rounded for its
    magnitude, and that magnitude's pattern."""
    formats = locale_of(lang).compact_currency_formats["short"]
    for magnitude, pattern in _magnitudes(lang):
        if abs(number) < magnitude:
            continue
        if pattern.pattern == "0":
            return number, _fallback_pattern(lang)
        number = number / (magnitude // (10 ** (pattern.pattern.count("0") - 1)))
        rounded = round(number, _COMPACT_DIGITS)
        form = "other" if _forms_agree(lang, magnitude) else locale_of(lang).plural_form(abs(number))
        if form not in formats:
            form = "other"
        if number == 1 and "1" in formats:
            form = "1"
        if str(magnitude) not in formats[form]:
            form = "other"
        chosen = parse_pattern(formats[form][str(magnitude)])
        return rounded, chosen if "¤" in chosen.pattern else _fallback_pattern(lang)
    return number, _fallback_pattern(lang)


@cache
def _forms_agree(lang: str, magnitude: int) -> bool:
    """Whether every plural form (and "1") gives `magnitude` the same pattern, as in English and French: then the
    amount's plural form (babel's plural rules, ~100 µs) cannot change the text and is not asked."""
    formats = locale_of(lang).compact_currency_formats["short"]
    key = str(magnitude)
    chosen = {str(getattr(p, "pattern", p)) for p in
              ((formats[form] if key in formats[form] else formats["other"])[key] for form in formats)}
    return len(chosen) == 1


class _Affixes:
    """A parsed pattern's prefixes and suffixes with the currency symbol put in, and the locale's symbols."""

    def __init__(self, pattern: NumberPattern, currency: str, lang: str) -> None:
        if "¤¤¤" in pattern.pattern or pattern.scale or pattern.exp_prec or "@" in pattern.pattern:
            raise ValueError(f"pattern {pattern.pattern!r} is not a plain currency pattern")
        symbol = get_currency_symbol(currency, locale_of(lang))

        def put(text: str) -> str:
            text = text.replace("¤¤", currency.upper()).replace("¤", symbol)
            return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)
        self.prefix = tuple(put(p) for p in pattern.prefix)
        self.suffix = tuple(put(s) for s in pattern.suffix)
        self.int_min = pattern.int_prec[0]
        self.grouping = pattern.grouping
        self.group = _group(lang)
        self.decimal = get_decimal_symbol(locale_of(lang))
        self.frac_min = pattern.frac_prec[0]

    @staticmethod
    @cache
    def of(pattern: NumberPattern, currency: str, lang: str) -> _Affixes:
        return _Affixes(pattern, currency, lang)

    def apply(self, value: Decimal) -> str:
        """NumberPattern.apply without decimal quantization: every digit of the value, the integer part grouped."""
        negative = int(value.is_signed())
        whole, _, fraction = f"{abs(value).normalize():f}".partition(".")
        whole = "0" * (self.int_min - len(whole)) + whole
        size, grouped = self.grouping[0], ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.grouping[1]
        fraction = fraction or "0"
        fraction += "0" * (self.frac_min - len(fraction))
        if int(fraction) == 0 and self.frac_min == 0:
            fraction = ""
        else:
            while len(fraction) > self.frac_min and fraction[-1] == "0":
                fraction = fraction[:-1]
        number = whole + grouped + (self.decimal + fraction if fraction else "")
        return self.prefix[negative] + number + self.suffix[negative]


def format_number(value: float | None, lang: str) -> str:
    if value is None or value != value:
        return t("not_published", lang)
    if type(value) is int:  # babel's default pattern gives a whole number its grouped digits: format_whole's text
        return format_whole(value, lang)
    return _decimal(value, lang)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: 3 and 3.0 (or a numpy number) are formatted each on its own
def _decimal(value: float, lang: str) -> str:
    return format_decimal(value, locale=locale_of(lang))


def format_whole(value: float, lang: str) -> str:
    """A number rounded to a whole one and grouped the language's way ('13,965,000' / '13 965 000'): babel's
    format_decimal(round(value), '#,##0') without its per-call pattern parsing (tests compare the two)."""
    whole = round(value)
    return ("-" if whole < 0 else "") + f"{abs(whole):,}".replace(",", _group(lang))


@cache
def _group(lang: str) -> str:
    return get_group_symbol(locale_of(lang))


def format_households(value: float | None, minimum: object, lang: str) -> str:
    """A count of households with its sources' qualifier, worded one way per language everywhere (tiles, tables,
    hovers, slides): 'more than 3,000' / 'plus de 3 000'; 'not published' when missing."""
    missing = value is None or value is pd.NA or value != value
    text = format_number(None if missing else int(value), lang)
    qualified = minimum is True or (minimum is not None and minimum is not pd.NA and minimum == minimum
                                    and bool(minimum))  # pd.isna without its cost per cell
    return t("map.more_than", lang, value=text) if qualified and not missing else text


def format_partial_date(value: object, lang: str) -> str:
    """'14 Dec 2021' / '14 déc. 2021'; a year or month alone stays a year or month (data.schema.date_period)."""
    if type(value) is str or type(value) is dt.date:  # kept per text or day, as amounts are, across filter states
        return _date_of_text(value, lang)
    return _partial_date(value, lang)


@lru_cache(maxsize=1 << 15)
def _date_of_text(value: str | dt.date, lang: str) -> str:
    return _partial_date(value, lang)


def _partial_date(value: object, lang: str) -> str:
    parsed = date_period(value)
    if parsed is None:
        return t("not_published", lang)
    return _date_text(parsed.first, parsed.precision, lang)


@lru_cache(maxsize=1 << 14)
def _date_text(first: dt.date, precision: str, lang: str) -> str:
    if precision == "year":
        return str(first.year)
    return _date_pattern(precision, lang).format % _DateFields(first, lang)  # DateTimePattern.apply's substitution


class _DateFields:
    """babel's DateTimeFormat of a date for a pattern's fields, its day, month and year fields each worded once per
    (field, number, language): babel's field machinery (~60 µs a date) runs once per month name, not per date."""

    __slots__ = ("date", "lang")

    def __init__(self, date: dt.date, lang: str) -> None:
        self.date, self.lang = date, lang

    def __getitem__(self, name: str) -> str:
        char = name[0]
        # lowercase y only: the calendar year ('Y' is the week's year, which reads the whole date)
        part = {"d": self.date.day, "M": self.date.month, "L": self.date.month, "y": self.date.year}.get(char)
        if part is None:
            return DateTimeFormat(self.date, locale_of(self.lang))[name]
        return _date_field(name, part, self.lang)


@lru_cache(maxsize=1 << 12)
def _date_field(name: str, part: int, lang: str) -> str:
    """DateTimeFormat's text of a day ('d'), month ('M', 'L') or year ('y') field, which reads that number only."""
    char = name[0]
    day = dt.date(part if char == "y" else 2000, part if char in "ML" else 1, part if char == "d" else 1)
    return DateTimeFormat(day, locale_of(lang))[name]


@cache
def _date_pattern(precision: str, lang: str) -> DateTimePattern:
    """babel.dates.format_date's pattern ('MMM y', or the locale's medium date), parsed once, not per date."""
    return parse_date_pattern("MMM y") if precision == "month" else get_date_format("medium", locale=locale_of(lang))
