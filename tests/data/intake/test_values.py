"""Lenient cell parsers: amounts, dates, counts and code labels as people type them, in French or English."""
import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from data.intake.values import (
    ParsedAmount,
    ParsedCount,
    ValueParseError,
    format_amount,
    parse_amount_text,
    parse_code_label,
    parse_currency_text,
    parse_date_detail,
    parse_households_text,
    parse_share_text,
)

# --- amounts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, currency", [
    ("12500000", 12_500_000, None),
    ("12 500 000", 12_500_000, None),
    ("12\u00a0500\u00a0000", 12_500_000, None),
    ("12\u202f500\u202f000", 12_500_000, None),
    ("12.500.000,00", 12_500_000, None),
    ("12'500'000", 12_500_000, None),
    ("1,234.5", 1234.5, None),
    ("1 234,5", 1234.5, None),
    ("12,5", 12.5, None),
    ("0,500", 0.5, None),
    ("EUR 12.5M", 12_500_000, "EUR"),
    ("12,5 M€", 12_500_000, "EUR"),
    ("€12.5M", 12_500_000, "EUR"),
    ("$200,000.00", 200_000, "USD"),
    ("US$ 200 000", 200_000, "USD"),
    ("200 000 $US", 200_000, "USD"),
    ("USD 200 000", 200_000, "USD"),
    ("12.5 million", 12_500_000, None),
    ("12.5 millions", 12_500_000, None),
    ("12,5 millions d'euros", 12_500_000, "EUR"),
    ("3 millions de dollars", 3_000_000, "USD"),
    ("1.2bn", 1_200_000_000, None),
    ("1,2 Md", 1_200_000_000, None),
    ("1,2 Md€", 1_200_000_000, "EUR"),
    ("2 milliards", 2_000_000_000, None),
    ("1 milliard", 1_000_000_000, None),
    ("5k", 5000, None),
    ("5K", 5000, None),
    ("5 mille", 5000, None),
    ("1000 FC", 1000, "CDF"),
    ("CDF 1000", 1000, "CDF"),
    ("£5", 5, "GBP"),
    ("12,00 £GB", 12, "GBP"),
    ("CHF 100", 100, "CHF"),
    ("CHF12,500,000.25", 12_500_000.25, "CHF"),
    ("SEK 100", 100, "SEK"),
    ("JPY 100", 100, "JPY"),
    ("1.25E+07", 12_500_000, None),
    ("0", 0, None),
])
def test_amounts_are_read_as_typed(text, value, currency):
    parsed = parse_amount_text(text)
    assert (parsed.value, parsed.currency) == (pytest.approx(value), currency)


@pytest.mark.parametrize("text", ["12 500 000", "12.500.000,00", "1,234.5", "12,5 M€", "1 234,5"])
def test_unambiguous_amounts_carry_no_note(text):
    assert parse_amount_text(text).note is None


@pytest.mark.parametrize("text, value", [("1,234", 1234), ("1.234", 1234), ("USD 200,000", 200_000)])
def test_one_separator_before_three_digits_is_thousands_with_a_note(text, value):
    parsed = parse_amount_text(text)
    assert parsed.value == value
    assert "thousands separator" in parsed.note


@pytest.mark.parametrize("text", ["", "   ", None, float("nan")])
def test_an_empty_amount_is_not_published(text):
    assert parse_amount_text(text) is None


@pytest.mark.parametrize("text, reason", [
    ("-5", "negative"),
    ("−5 000", "negative"),
    ("EUR -5", "negative"),
    ("(1 000)", "negative"),
    ("NaN", "not a finite number"),
    ("inf", "not a finite number"),
    ("1e999", "not a finite number"),
    ("abc", "not a number"),
    ("kr 100", "SEK, NOK, DKK"),
    ("100 francs", "CHF, CDF"),
    ("EUR 100 USD", "two currencies"),
    ("12 5", "not grouped in thousands"),
    ("1.234.56", "not grouped in thousands"),
    ("1,234.567,8", "not a number"),
    ("1-2 millions", "more than one number"),
    ("12 ménages", "not a currency"),
    ("5 M k", "two multipliers"),
])
def test_bad_amounts_raise_with_a_reason(text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_amount_text(text)


@pytest.mark.parametrize("value, text", [(12_500_000.0, "12500000"), (0.5, "0.5"), (1e20, "100000000000000000000"),
                                         (1234.25, "1234.25")])
def test_amounts_are_written_as_plain_decimals(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize("text, code", [("€", "EUR"), ("euros", "EUR"), ("usd", "USD"), ("$", "USD"), ("FC", "CDF"),
                                        ("Francs congolais", "CDF"), ("xof", "XOF"), ("", None)])
def test_currency_cells_become_iso_codes(text, code):
    assert parse_currency_text(text) == code


@pytest.mark.parametrize("text", ["kr", "12", "euro dollars", "millions"])
def test_unreadable_currency_cells_raise(text):
    with pytest.raises(ValueParseError):
        parse_currency_text(text)


@pytest.mark.parametrize("text, share", [("0,5", 0.5), ("0.25", 0.25), ("50 %", 0.5), ("50%", 0.5), ("1", 1.0)])
def test_shares_accept_decimal_commas_and_percentages(text, share):
    assert parse_share_text(text) == pytest.approx(share)


# --- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, iso, precision", [
    ("2021", "2021", "year"),
    ("2014-01", "2014-01", "month"),
    ("2021-12-14", "2021-12-14", "day"),
    ("2021-12-14T00:00:00", "2021-12-14", "day"),
    ("2021-12-14 10:30:00", "2021-12-14", "day"),
    ("2021/12/14", "2021-12-14", "day"),
    ("14/12/2021", "2021-12-14", "day"),
    ("4/1/2014", "2014-01-04", "day"),
    ("05/06/2021", "2021-06-05", "day"),
    ("14-12-2021", "2021-12-14", "day"),
    ("14.12.2021", "2021-12-14", "day"),
    ("12/2021", "2021-12", "month"),
    ("3/2014", "2014-03", "month"),
    ("14 décembre 2021", "2021-12-14", "day"),
    ("14 decembre 2021", "2021-12-14", "day"),
    ("1er janvier 2014", "2014-01-01", "day"),
    ("mardi 14 décembre 2021", "2021-12-14", "day"),
    ("décembre 2021", "2021-12", "month"),
    ("Dec 14, 2021", "2021-12-14", "day"),
    ("Mar 14, 2021", "2021-03-14", "day"),
    ("14 Dec 2021", "2021-12-14", "day"),
    ("14-Dec-2021", "2021-12-14", "day"),
    ("December 2021", "2021-12", "month"),
    ("janv. 2014", "2014-01", "month"),
    ("14 févr. 2021", "2021-02-14", "day"),
    ("14 Sept 2021", "2021-09-14", "day"),
    ("1st August 2020", "2020-08-01", "day"),
    ("44544", "2021-12-14", "day"),
    ("44544.75", "2021-12-14", "day"),
    (44544, "2021-12-14", "day"),
    (2021, "2021", "year"),
    ("2021.0", "2021", "year"),
    (dt.date(2021, 12, 14), "2021-12-14", "day"),
])
def test_dates_are_read_as_typed_with_their_precision(text, iso, precision):
    parsed = parse_date_detail(text).date
    assert (parsed.text, parsed.precision) == (iso, precision)


def test_day_first_is_the_convention_without_a_note():
    assert parse_date_detail("05/06/2021").note is None


def test_a_second_number_above_12_can_only_be_month_first_and_says_so():
    parsed = parse_date_detail("12/25/2021")
    assert parsed.date.text == "2021-12-25"
    assert "month-first" in parsed.note


@pytest.mark.parametrize("text", ["", "  ", None])
def test_an_empty_date_is_none(text):
    assert parse_date_detail(text) is None


@pytest.mark.parametrize("text, reason", [
    ("14/12/21", "write the year in full"),
    ("13/13/2021", "neither 13 nor 13 is a month"),
    ("31/02/2021", "'31/02/2021' is not a valid calendar date"),
    ("2021-13", "month 13"),
    ("99999", "outside 1950–2100"),
    ("12345", "outside 1950–2100"),
    ("soon", "not a date"),
    ("14 smarch 2021", "not a date"),
    ("14 15 décembre 2021", "not a date"),
])
def test_bad_dates_raise_with_a_reason(text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_date_detail(text)


# --- counts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, count", [
    ("3000", ParsedCount(3000, False)),
    ("3 000", ParsedCount(3000, False)),
    ("3\u202f000", ParsedCount(3000, False)),
    ("3,000", ParsedCount(3000, False)),
    ("3.000", ParsedCount(3000, False)),
    ("3000.0", ParsedCount(3000, False)),
    ("3 000 ménages", ParsedCount(3000, False)),
    ("plus de 3 000", ParsedCount(3000, True)),
    ("Plus de 3 000 ménages", ParsedCount(3000, True)),
    ("more than 3,000", ParsedCount(3000, True)),
    ("over 3000", ParsedCount(3000, True)),
    ("au moins 3000", ParsedCount(3000, True)),
    ("> 3000", ParsedCount(3000, True)),
    ("3000+", ParsedCount(3000, True)),
    (3000.0, ParsedCount(3000, False)),
])
def test_counts_are_read_with_their_minimum_flag(text, count):
    assert parse_households_text(text) == count


@pytest.mark.parametrize("text, reason", [("3000.5", "not a whole number"), ("1,5", "not a whole number"),
                                          ("-3", "negative"), ("many", "not a whole number")])
def test_bad_counts_raise_with_a_reason(text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_households_text(text)


# --- code labels ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, text, code", [
    ("activity_status", "2", 2),
    ("activity_status", "2.0", 2),
    ("activity_status", "Implementation", 2),
    ("activity_status", "Mise en œuvre", 2),
    ("activity_status", "mise en oeuvre", 2),
    ("activity_status", "ongoing", 2),
    ("activity_status", "Planifié", 1),
    ("activity_status", "planifiée", 1),
    ("activity_status", "En cours", 2),
    ("activity_status", "2 - Implementation", 2),
    ("activity_status", "completed", 4),
    ("activity_status", "Terminé", 4),
    ("activity_status", "achevé", 4),
    ("activity_status", "Clôturé", 4),
    ("activity_status", "closed", 4),
    ("activity_status", "pipeline", 1),
    ("activity_status", "Pipeline/identification", 1),
    ("activity_status", "planned", 1),
    ("activity_status", "prévu", 1),
    ("activity_status", "Planification", 1),
    ("activity_status", "cancelled", 5),
    ("activity_status", "ANNULÉ", 5),
    ("activity_status", "suspended", 6),
    ("activity_status", "suspendu", 6),
    ("activity_status", "finalisation", 3),
    ("transaction_type", "11", 11),
    ("transaction_type", "commitment", 2),
    ("transaction_type", "Engagement", 2),
    ("transaction_type", "Outgoing commitment", 2),
    ("transaction_type", "incoming commitment", 11),
    ("transaction_type", "engagement reçu", 11),
    ("transaction_type", "Incoming funds", 1),
    ("transaction_type", "fonds reçus", 1),
    ("transaction_type", "disbursement", 3),
    ("transaction_type", "Décaissement", 3),
    ("transaction_type", "expenditure", 4),
    ("transaction_type", "dépense", 4),
    ("org_role", "1", 1),
    ("org_role", "funding", 1),
    ("org_role", "Bailleur", 1),
    ("org_role", "donor", 1),
    ("org_role", "accountable", 2),
    ("org_role", "extending", 3),
    ("org_role", "implementing", 4),
    ("org_role", "Mise en œuvre", 4),
    ("coverage", "national", "national"),
    ("coverage", "Nationale", "national"),
    ("coverage", "national-level", "national"),
    ("coverage", "provincial", "provincial"),
    ("coverage", "PROVINCIALE", "provincial"),
    ("theme", "stabilisation", "stabilisation"),
    ("theme", "durable-solutions", "durable-solutions"),
    ("theme", "Durable solutions", "durable-solutions"),
    ("theme", "Solutions durables", "durable-solutions"),
    ("theme", "  lutte contre la TRAITE ", "counter-trafficking"),
    ("theme", "Police et autorité de l'État", "police-infrastructure"),
])
def test_code_labels_map_to_codes(kind, text, code):
    assert parse_code_label(kind, text) == code


@pytest.mark.parametrize("kind, text, reason", [
    ("activity_status", "7", "not an activity status"),
    ("activity_status", "en attente", "not an activity status"),
    ("activity_status", "2 - Closed", "gives code 2 but the label of code 4"),
    ("transaction_type", "5", "not a transaction type"),
    ("org_role", "sponsor", "not an organisation role"),
    ("coverage", "regional", "not a coverage"),
    ("theme", "health", "not a theme"),
])
def test_unknown_labels_raise_with_a_reason(kind, text, reason):
    with pytest.raises(ValueParseError, match=reason):
        parse_code_label(kind, text)


def test_an_empty_label_is_none():
    assert parse_code_label("activity_status", " ") is None


# --- properties -------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.text())
@pytest.mark.parametrize("parser", [parse_amount_text, parse_date_detail, parse_households_text, parse_currency_text,
                                    parse_share_text], ids=lambda f: f.__name__)
def test_arbitrary_text_raises_nothing_but_value_error(parser, text):
    try:
        parser(text)
    except ValueError:
        pass


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["activity_status", "transaction_type", "org_role", "coverage", "theme"]),
       text=st.text())
def test_arbitrary_labels_raise_nothing_but_value_error(kind, text):
    try:
        parse_code_label(kind, text)
    except ValueError:
        pass


CENTS = st.integers(min_value=0, max_value=10**14)  # up to 1e12 in whole units


@settings(max_examples=300, deadline=None)
@given(cents=CENTS, locale=st.sampled_from(["en_GB", "fr_FR"]))
def test_locale_formatted_numbers_read_back(cents, locale):
    amount = Decimal(cents) / 100
    parsed = parse_amount_text(format_decimal(amount, locale=locale))
    assert parsed.value == pytest.approx(float(amount), abs=0.005)


@settings(max_examples=300, deadline=None)
@given(cents=CENTS, locale=st.sampled_from(["en_GB", "fr_FR"]),
       currency=st.sampled_from(["EUR", "USD", "GBP", "CHF", "CDF", "SEK"]))
def test_locale_formatted_currency_amounts_read_back(cents, locale, currency):
    amount = Decimal(cents) / 100
    parsed = parse_amount_text(format_currency(amount, currency, locale=locale))
    assert (parsed.value, parsed.currency) == (pytest.approx(float(amount), abs=0.005), currency)


DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
EXCEL_EPOCH = dt.date(1899, 12, 30)


@settings(max_examples=300, deadline=None)
@given(day=DATES, form=st.sampled_from(["iso", "dd/mm/yyyy", "fr long", "en short", "fr short", "excel"]))
def test_formatted_dates_read_back(day, form):
    text = {
        "iso": day.isoformat(),
        "dd/mm/yyyy": day.strftime("%d/%m/%Y"),
        "fr long": format_date(day, "d MMMM y", locale="fr_FR"),
        "en short": format_date(day, "d MMM y", locale="en_GB"),
        "fr short": format_date(day, "d MMM y", locale="fr_FR"),
        "excel": str((day - EXCEL_EPOCH).days),
    }[form]
    parsed = parse_date_detail(text).date
    assert (parsed.first, parsed.precision) == (day, "day")


def test_parsed_amount_is_a_plain_value_object():
    assert parse_amount_text("EUR 5") == ParsedAmount(5.0, "EUR", None)
