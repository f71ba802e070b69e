"""Lenient parsers for single cells as people type them (amounts, dates, counts, code labels), in French or English."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from cells import fold_text, fold_words, is_missing
from data.schema import ACTIVITY_STATUS, COVERAGE, ORG_ROLES, THEMES, TRANSACTION_TYPES, PartialDate, parse_partial_date


class ValueParseError(ValueError):
    """A cell the lenient parsers cannot read; `generic` is True when the reason adds nothing to the schema's own."""

    def __init__(self, reason: str, generic: bool = False):
        super().__init__(reason)
        self.generic = generic


@dataclass(frozen=True)
class ParsedAmount:
    """A non-negative amount, the currency the cell names (if any), and a note when the reading was a guess."""

    value: float
    currency: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ParsedDate:
    """A partial date and a note when the reading was a guess (month-first day/month order)."""

    date: PartialDate
    note: str | None = None


@dataclass(frozen=True)
class ParsedCount:
    """A whole non-negative count; is_minimum when the cell says 'more than'."""

    value: int
    is_minimum: bool = False


def _show(text: object) -> str:
    """Quote a cell in a reason, cut so that a pasted paragraph does not flood the report."""
    shown = str(text).strip()
    return shown if len(shown) <= 60 else shown[:57] + "…"


# --- numbers --------------------------------------------------------------------------------------------

# Digit groups joined by one separator each; NFKC has already turned NBSP and narrow NBSP into plain spaces.
_NUMBER = re.compile(r"[0-9]+(?:[ .,'’][0-9]+)*", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]+)?e[+-]?[0-9]+", re.ASCII)


def _parse_number(digits: str) -> tuple[Decimal, str | None]:
    """Read one run of digit groups with thousands and decimal separators; note when the reading was a guess."""
    groups = re.split(r"[ .,'’]", digits)
    seps = re.findall(r"[ .,'’]", digits)
    if not seps:
        return Decimal(digits), None
    marks = [s for s in seps if s in ".,"]
    decimal_mark: str | None = None
    note = None
    if len(set(marks)) == 2:
        # Both marks: the last one is the decimal separator and may appear only once.
        decimal_mark = marks[-1]
        if marks.count(decimal_mark) != 1:
            raise ValueParseError(f"'{digits}' mixes '.' and ',' in a way that is not a number")
    elif len(marks) == 1:
        after, first = groups[seps.index(marks[0]) + 1], groups[0]
        grouped_otherwise = any(s not in ".," for s in seps)
        if seps[-1] != marks[0] or grouped_otherwise or len(after) != 3 or first == "0" or len(first) > 3:
            decimal_mark = marks[0]
        else:
            # One '.' or ',' before exactly three digits: thousands in most exports, decimals in some.
            note = f"read '{digits}' as {first}{after}: the '{marks[0]}' taken as a thousands separator"
    if decimal_mark is not None:
        if seps[-1] != decimal_mark:
            raise ValueParseError(f"'{digits}' has digits grouped after its decimal separator")
        integer_groups, fraction = groups[:-1], groups[-1]
    else:
        integer_groups, fraction = groups, ""
    if len(integer_groups) > 1 and (len(integer_groups[0]) > 3 or any(len(g) != 3 for g in integer_groups[1:])):
        raise ValueParseError(f"'{digits}' is not grouped in thousands")
    return Decimal("".join(integer_groups) + ("." + fraction if fraction else "")), note


# --- amounts --------------------------------------------------------------------------------------------

_MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(("k", "mille", "thousand", "thousands"), 10**3),
    **dict.fromkeys(("m", "mn", "mln", "mio", "million", "millions"), 10**6),
    # "billion" is 10^9 here (English usage); French documents write "milliard" for 10^9.
    **dict.fromkeys(("b", "bn", "md", "mds", "mrd", "mrds", "milliard", "milliards", "billion", "billions"), 10**9),
}

# Folded currency words and symbols. "$" alone is read as USD: the dollar of DRC aid reporting.
_CURRENCY_WORDS: dict[str, str] = {
    **dict.fromkeys(("€", "eur", "euro", "euros"), "EUR"),
    **dict.fromkeys(("$", "us$", "$us", "usd", "us dollar", "us dollars", "dollar", "dollars", "dollar us",
                     "dollars us", "dollars americains", "dollar americain", "usd$"), "USD"),
    **dict.fromkeys(("£", "£gb", "gbp", "pound", "pounds", "pounds sterling", "livre sterling", "livres sterling"),
                    "GBP"),
    **dict.fromkeys(("fc", "cdf", "franc congolais", "francs congolais"), "CDF"),
    **dict.fromkeys(("chf", "franc suisse", "francs suisses", "swiss francs"), "CHF"),
    **dict.fromkeys(("sek", "couronnes suedoises", "swedish kronor"), "SEK"),
}

# Symbols shared by several currencies: refused rather than guessed.
_AMBIGUOUS_CURRENCIES: dict[str, str] = {
    "kr": "SEK, NOK, DKK or ISK", "fr": "CHF, CDF or another franc", "francs": "CHF, CDF or another franc",
    "franc": "CHF, CDF or another franc",
}

_FILLER_TOKENS = frozenset({"d", "de", "des", "of", "en", "'", "’", ".", ":", "="})
_TOKEN = re.compile(r"us\$|\$us|£gb|[a-z]+|[^\sa-z0-9]", re.ASCII)


def _read_words(text: str, where: str) -> tuple[str | None, int | None]:
    """Currency and multiplier named by the words around the number (prefix or suffix)."""
    tokens = [t for t in _TOKEN.findall(text) if t not in _FILLER_TOKENS]
    currency: str | None = None
    multiplier: int | None = None
    i = 0
    while i < len(tokens):
        for width in (3, 2, 1):
            phrase = " ".join(tokens[i:i + width])
            if len(tokens[i:i + width]) != width:
                continue
            if phrase in _CURRENCY_WORDS or (phrase in _MULTIPLIERS and where == "after"):
                break
        else:
            phrase, width = tokens[i], 1
        if phrase in _MULTIPLIERS and where == "after":
            if multiplier is not None:
                raise ValueParseError(f"'{text.strip()}' names two multipliers")
            multiplier = _MULTIPLIERS[phrase]
        elif phrase in _CURRENCY_WORDS or phrase in _AMBIGUOUS_CURRENCIES or re.fullmatch(r"[a-z]{3}", phrase):
            if phrase in _AMBIGUOUS_CURRENCIES:
                raise ValueParseError(f"'{phrase}' may be {_AMBIGUOUS_CURRENCIES[phrase]}: write the ISO 4217 code")
            code = _CURRENCY_WORDS.get(phrase) or phrase.upper()
            if currency is not None and currency != code:
                raise ValueParseError(f"the amount names two currencies, {currency} and {code}")
            currency = code
        else:
            raise ValueParseError(f"'{phrase}' is not a currency or a multiplier such as k, M or Md")
        i += width
    return currency, multiplier


def parse_currency_text(text: object) -> str | None:
    """'€', 'euros', 'usd', 'FC' → ISO 4217 code; empty → None; a code must look like three letters."""
    if is_missing(text):
        return None
    folded = fold_text(text)
    if not folded:
        return None
    currency, multiplier = _read_words(folded, "before")
    if currency is None or multiplier is not None:
        raise ValueParseError(f"'{_show(text)}' is not a currency (expected an ISO 4217 code such as EUR or USD)")
    return currency


def parse_amount_text(text: object) -> ParsedAmount | None:
    """Read an amount as typed ('12,5 M€', 'US$ 200 000', '12.500.000,00'); empty → None (not published)."""
    if is_missing(text):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return _checked_amount(Decimal(repr(float(text))) if math.isfinite(text) else None, text, None, None)
    if isinstance(text, str) and _DIGITS.fullmatch(text):  # most cells: what follows reads them the same way
        return _checked_amount(Decimal(text), text, None, None)
    folded = fold_text(text)
    if not folded:
        return None
    # A minus before the digits (not a range's hyphen), accounting brackets, or a trailing minus.
    negative = (folded.startswith("(") or re.search(r"(?:^|[^0-9a-z])[-−]\s*[0-9]", folded) is not None
                or re.search(r"[0-9]\s*[-−]$", folded) is not None)
    if negative:
        raise ValueParseError(f"'{_show(text)}' is negative: an amount is never below zero")
    if re.search(r"\b(nan|inf|infinity)\b", folded):
        raise ValueParseError(f"'{_show(text)}' is not a finite number")
    if _SCIENTIFIC.fullmatch(folded):
        # Spreadsheets export large numbers as 1.25E+07.
        return _checked_amount(Decimal(folded), text, None, None)
    numbers = list(_NUMBER.finditer(folded))
    if not numbers:
        raise ValueParseError(f"'{_show(text)}' is not a number", generic=True)
    if len(numbers) > 1:
        raise ValueParseError(f"'{_show(text)}' holds more than one number")
    match = numbers[0]
    value, note = _parse_number(match.group())
    before, _ = _read_words(folded[:match.start()], "before")
    after, multiplier = _read_words(folded[match.end():], "after")
    if before and after and before != after:
        raise ValueParseError(f"the amount names two currencies, {before} and {after}")
    return _checked_amount(value * (multiplier or 1), text, before or after, note)


def _checked_amount(value: Decimal | None, text: object, currency: str | None, note: str | None) -> ParsedAmount:
    number = float(value) if value is not None else math.inf
    if not math.isfinite(number):
        raise ValueParseError(f"'{_show(text)}' is not a finite number")
    if number < 0:
        raise ValueParseError(f"'{_show(text)}' is negative: an amount is never below zero")
    return ParsedAmount(number, currency, note)


def format_amount(value: float) -> str:
    """Plain decimal text for the canonical cell: no exponent, no trailing '.0'. A repr without an exponent (nor
    inf, nan) already is that text: the Decimal of a repr prints its own digits."""
    text = repr(float(value))
    if "e" in text or "n" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def parse_share_text(text: object) -> float | None:
    """A share of 0–1 as typed: '0,5', '50 %' (→ 0.5); empty → None."""
    if is_missing(text):
        return None
    folded = fold_text(text)
    percent = folded.endswith("%")
    digits = folded.rstrip("%").strip()
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", digits, re.ASCII):
        raise ValueParseError(f"'{_show(text)}' is not a share (expected 0–1 or a percentage)", generic=True)
    value = Decimal(digits.replace(",", "."))
    return float(value / 100 if percent else value)


# --- counts ---------------------------------------------------------------------------------------------

_MINIMUM_PREFIX = re.compile(r"^(?:plus\s+de|more\s+than|over|au\s+moins|at\s+least|>=|≥|>)\s*")
_COUNT_UNITS = re.compile(r"\s*(?:menages|menage|households|household|hh|foyers|mois|months|month)$")


def parse_households_text(text: object) -> ParsedCount | None:
    """A whole count as typed ('3 000', 'plus de 3 000', '3000+'); 'more than' sets is_minimum; empty → None."""
    if text.__class__ is str and _DIGITS.fullmatch(text):  # most cells: what follows reads them the same way
        return ParsedCount(int(text))
    if is_missing(text):
        return None
    if isinstance(text, float) and math.isfinite(text) and text.is_integer():
        text = str(int(text))
    folded = fold_text(text)
    if not folded:
        return None
    rest = _MINIMUM_PREFIX.sub("", folded)
    is_minimum = rest != folded
    if rest.endswith("+"):
        rest, is_minimum = rest[:-1].strip(), True
    rest = _COUNT_UNITS.sub("", rest).strip()
    if rest.startswith(("-", "−")):
        raise ValueParseError(f"'{_show(text)}' is negative: a count is never below zero")
    if not _NUMBER.fullmatch(rest):
        raise ValueParseError(f"'{_show(text)}' is not a whole number", generic=True)
    value, _ = _parse_number(rest)
    # A lone '.'/',' before three digits is thousands either way: 3.000 households is 3000, never 3.
    if value != value.to_integral_value():
        raise ValueParseError(f"'{_show(text)}' is not a whole number")
    return ParsedCount(int(value), is_minimum)


parse_count_text = parse_households_text  # every int column reads the same way; the name says the main use


# --- dates ----------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "february", "feb"), 2),
    **dict.fromkeys(("mars", "march", "mar"), 3),
    **dict.fromkeys(("avril", "avr", "april", "apr"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june", "jun"), 6),
    **dict.fromkeys(("juillet", "juil", "july", "jul"), 7),
    **dict.fromkeys(("aout", "august", "aug"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
_WEEKDAYS = frozenset({"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday", "tuesday",
                       "wednesday", "thursday", "friday", "saturday", "sunday", "lun", "mar", "mer", "jeu", "ven",
                       "sam", "dim", "mon", "tue", "wed", "thu", "fri", "sat", "sun"})

_ISO_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                           r"(?:z|[+-][0-9]{2}:?[0-9]{2})?", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_YEAR_FIRST = re.compile(r"([0-9]{4})(?:[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?)?", re.ASCII)
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{2,4})", re.ASCII)
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[-/.]([0-9]{4})", re.ASCII)
_EXCEL_SERIAL = re.compile(r"([0-9]{5})(?:\.[0-9]+)?", re.ASCII)
_DAY_WORD = re.compile(r"([0-9]{1,2})(?:er|st|nd|rd|th)?", re.ASCII)

# Excel's 1900 date system counts from 1899-12-30 for every serial after 1900-02-28 (its fake 29 Feb 1900).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_FIRST, _EXCEL_LAST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)


def _partial(source: object, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    """The PartialDate of these parts, or a reason that quotes the cell as typed."""
    if month is not None and not 1 <= month <= 12:
        raise ValueParseError(f"'{_show(source)}' is not a date: month {month} is not between 1 and 12")
    try:
        return parse_partial_date(f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else ""))
    except ValueError as exc:
        reason = str(exc).split("(", 1)[-1].rstrip(")") if "(" in str(exc) else str(exc)
        raise ValueParseError(f"'{_show(source)}' is not a valid calendar date ({reason})") from None


def _excel_serial(serial: float, text: object) -> PartialDate:
    first, last = (d - _EXCEL_EPOCH for d in (_EXCEL_FIRST, _EXCEL_LAST))
    if not first.days <= serial <= last.days:
        raise ValueParseError(f"'{_show(text)}' is not a date: as an Excel serial number it falls outside "
                              f"{_EXCEL_FIRST.year}–{_EXCEL_LAST.year}")
    day = _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return _partial(text, day.year, day.month, day.day)


def parse_date_detail(text: object) -> ParsedDate | None:
    """Read a date as typed, saying when day and month had to be read month-first; empty → None."""
    if text.__class__ is str and (m := _ISO_DATE.fullmatch(text)):  # most cells: read as _YEAR_FIRST reads them
        return ParsedDate(_partial(text, int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])))
    if is_missing(text):
        return None
    if isinstance(text, (dt.date, dt.datetime)):
        return ParsedDate(_partial(text, text.year, text.month, text.day))
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(int(text)) if isinstance(text, int) or (math.isfinite(text) and text.is_integer()) else repr(text)
    folded = fold_text(text)
    if not folded:
        return None
    if m := _ISO_DATETIME.fullmatch(folded):
        return ParsedDate(_partial(text, int(m[1]), int(m[2]), int(m[3])))
    if re.fullmatch(r"[0-9]{4}\.0+", folded, re.ASCII):
        folded = folded.split(".")[0]  # a year column exported as floats: 2021.0
    if m := _YEAR_FIRST.fullmatch(folded):
        return ParsedDate(_partial(text, int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])))
    if m := _DAY_FIRST.fullmatch(folded):
        return _day_month_year(int(m[1]), int(m[2]), m[3], text)
    if m := _MONTH_YEAR.fullmatch(folded):
        return ParsedDate(_partial(text, int(m[2]), int(m[1])))
    if m := _EXCEL_SERIAL.fullmatch(folded):
        return ParsedDate(_excel_serial(float(folded), text))
    return _named_month(folded, text)


def _day_month_year(first: int, second: int, year: str, text: object) -> ParsedDate:
    if len(year) != 4:
        raise ValueParseError(f"'{_show(text)}' has a {len(year)}-digit year: write the year in full")
    if second > 12 and first <= 12:
        note = f"read '{_show(text)}' month-first ({year}-{first:02d}-{second:02d}): the second number is above 12"
        return ParsedDate(_partial(text, int(year), first, second), note)
    if first > 12 and second > 12:
        raise ValueParseError(f"'{_show(text)}' is not a date: neither {first} nor {second} is a month")
    # Day first: the DRC (and French) convention.
    return ParsedDate(_partial(text, int(year), second, first))


def _named_month(folded: str, text: object) -> ParsedDate:
    """'14 décembre 2021', '1er janvier 2014', 'Dec 14, 2021', 'janv. 2014', 'December 2021'."""
    words = re.sub(r"[\s,./-]+", " ", folded).split()
    # A weekday may lead ("mardi 14 décembre 2021"); "mar" is also March, so only when a month follows.
    if words and words[0] in _WEEKDAYS and any(w in _MONTHS for w in words[1:]):
        words = words[1:]
    if words and words[0] == "le":
        words = words[1:]
    months = [i for i, w in enumerate(words) if w in _MONTHS and not w.isdigit()]
    if len(months) != 1 or not words or not re.fullmatch(r"[0-9]{4}", words[-1], re.ASCII):
        raise ValueParseError(f"'{_show(text)}' is not a date (expected a form such as 2021-12-14, 14/12/2021 "
                              "or 14 décembre 2021)", generic=True)
    at = months[0]
    month, year = _MONTHS[words[at]], int(words[-1])
    rest = words[:at] + words[at + 1:-1]
    if not rest:
        return ParsedDate(_partial(text, year, month))
    if len(rest) == 1 and (m := _DAY_WORD.fullmatch(rest[0])):
        return ParsedDate(_partial(text, year, month, int(m[1])))
    raise ValueParseError(f"'{_show(text)}' is not a date (expected a form such as 14 décembre 2021)", generic=True)


# --- code lists -----------------------------------------------------------------------------------------

# Words people use besides the official labels (folded as _fold_label does).
_EXTRA_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "activity_status": {
        1: ("pipeline", "identification", "planned", "planning", "prevu", "prevue", "planifie", "planifiee",
            "en preparation", "in preparation", "pipeline identification", "a venir", "upcoming"),
        2: ("ongoing", "en cours", "active", "actif", "in progress", "implementation", "mise en oeuvre",
            "en execution", "execution"),
        3: ("finalisation", "finalization", "en finalisation", "closing"),
        4: ("completed", "complete", "termine", "terminee", "acheve", "achevee", "cloture", "cloturee", "closed",
            "clos", "finished", "ended", "fini"),
        5: ("cancelled", "canceled", "annule", "annulee"),
        6: ("suspended", "suspendu", "suspendue", "on hold"),
    },
    "transaction_type": {
        1: ("incoming funds", "incoming fund", "fonds recus", "if"),
        2: ("commitment", "outgoing commitment", "engagement", "engagement sortant", "c"),
        3: ("disbursement", "decaissement", "decaissements", "d"),
        4: ("expenditure", "expenditures", "expense", "depense", "depenses", "e"),
        11: ("incoming commitment", "engagement recu"),
    },
    "org_role": {
        1: ("funding", "funder", "donor", "donateur", "bailleur", "bailleur de fonds", "financeur"),
        2: ("accountable", "responsable"),
        3: ("extending", "intermediaire"),
        4: ("implementing", "implementer", "mise en oeuvre", "partenaire de mise en oeuvre", "executant"),
    },
    "coverage": {
        "national": ("national", "nationale", "national level", "niveau national", "nationwide", "countrywide"),
        "provincial": ("provincial", "provinciale", "provincial level", "niveau provincial", "province",
                       "provinces", "subnational", "sub national"),
    },
}

_CODE_LISTS: dict[str, dict] = {"activity_status": ACTIVITY_STATUS, "transaction_type": TRANSACTION_TYPES,
                                "org_role": ORG_ROLES, "coverage": COVERAGE, "theme": THEMES}
_KIND_NAMES = {"activity_status": "an activity status", "transaction_type": "a transaction type",
               "org_role": "an organisation role", "coverage": "a coverage", "theme": "a theme"}


def _label_index(kind: str) -> dict[str, int | str]:
    codes = _CODE_LISTS[kind]
    index: dict[str, int | str] = {}
    for code, labels in codes.items():
        for label in (str(code), *labels.values(), *_EXTRA_LABELS.get(kind, {}).get(code, ())):
            index.setdefault(fold_words(label), code)
    return index


_LABEL_INDEX = {kind: _label_index(kind) for kind in _CODE_LISTS}
_CODE_PREFIX = re.compile(r"([0-9]+)\s*(?:[-–—:.)]\s*|\s+)(.*)", re.ASCII)


def parse_code_label(kind: str, text: object) -> int | str | None:
    """Code or EN/FR label ('en cours', 'Décaissement', '2 - Implementation') → the schema's code; empty → None."""
    if kind not in _CODE_LISTS:
        raise ValueParseError(f"no code list for column '{kind}'")
    if is_missing(text):
        return None
    codes, index = _CODE_LISTS[kind], _LABEL_INDEX[kind]
    key = fold_words(text)
    if not key:
        return None
    if isinstance(next(iter(codes)), int) and re.fullmatch(r"[0-9]+(?:\.0+)?", fold_text(text), re.ASCII):
        key = str(int(float(fold_text(text))))
    if key in index:
        return index[key]
    # IATI exports write "2 - Implementation": the number decides, a label naming another code is refused.
    if (m := _CODE_PREFIX.fullmatch(key)) and isinstance(next(iter(codes)), int) and int(m[1]) in codes:
        code = int(m[1])
        if index.get(m[2], code) != code:
            raise ValueParseError(f"'{_show(text)}' gives code {code} but the label of code {index[m[2]]}")
        return code
    allowed = ", ".join(str(c) for c in codes)
    example = next(iter(codes.values()))
    raise ValueParseError(f"'{_show(text)}' is not {_KIND_NAMES[kind]} (use {allowed} or a label such as "
                          f"'{example['en']}' / '{example['fr']}')")
