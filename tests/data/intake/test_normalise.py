"""normalise_table: cells as people type them become canonical text that validate_table accepts."""
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.intake.normalise import normalise_table
from data.schema import PCODE_RE, validate_table
from geo.provinces import PROVINCE_PCODES, provinces


def table(*rows, start=2):
    return pd.DataFrame([{**row, "_row": start + i} for i, row in enumerate(rows)])


def funding(**cells):
    return table({"flow_id": "F1", "project_id": "P1", "transaction_type": "11", **cells})


def locations(**cells):
    return table({"project_id": "P1", **cells})


def projects(**cells):
    return table({"project_id": "P1", "title_fr": "Titre", **cells})


def cell(result, column):
    return result.frame[column].iloc[0]


def reasons(result, severity):
    return [p.reason for p in result.problems if p.severity == severity]


# --- amounts and currencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, amount, currency", [
    ("12,5 M€", "12500000", "EUR"),
    ("EUR 12.5M", "12500000", "EUR"),
    ("US$ 200 000", "200000", "USD"),
    ("12 500 000", "12500000", ""),
    ("12.500.000,50", "12500000.5", ""),
    ("1,2 Md FC", "1200000000", "CDF"),
])
def test_amounts_become_plain_decimals_and_fill_an_empty_currency(typed, amount, currency):
    result = normalise_table("funding", funding(amount=typed, currency=""), "f.csv")
    assert (cell(result, "amount"), cell(result, "currency")) == (amount, currency)


def test_a_currency_column_is_added_when_the_amount_names_one():
    result = normalise_table("funding", funding(amount="€5"), "f.csv")
    assert cell(result, "currency") == "EUR"


@pytest.mark.parametrize("typed, code", [("euros", "EUR"), ("usd", "USD"), ("$", "USD"), ("FC", "CDF")])
def test_currency_cells_become_iso_codes(typed, code):
    result = normalise_table("funding", funding(amount="5", currency=typed), "f.csv")
    assert cell(result, "currency") == code


def test_an_amount_agreeing_with_its_currency_is_accepted():
    result = normalise_table("funding", funding(amount="€5", currency="eur"), "f.csv")
    assert (cell(result, "amount"), result.problems) == ("5", [])


def test_an_amount_disagreeing_with_its_currency_is_an_error_and_stays_as_typed():
    result = normalise_table("funding", funding(amount="EUR 12.5M", currency="USD"), "f.csv")
    assert reasons(result, "error") == ["amount says EUR but currency says USD"]
    assert (result.problems[0].row, result.problems[0].column) == (2, "amount")
    assert cell(result, "amount") == "EUR 12.5M"


def test_an_ambiguous_thousands_separator_is_a_warning():
    result = normalise_table("funding", funding(amount="1,234", currency="USD"), "f.csv")
    assert cell(result, "amount") == "1234"
    assert reasons(result, "warning") == ["read '1,234' as 1234: the ',' taken as a thousands separator"]


def test_an_unreadable_amount_is_left_for_validate_table():
    result = normalise_table("funding", funding(amount="beaucoup", currency="USD"), "f.csv")
    assert (cell(result, "amount"), result.problems) == ("beaucoup", [])


def test_a_clearer_reason_is_given_for_an_ambiguous_currency_symbol():
    result = normalise_table("funding", funding(amount="kr 100"), "f.csv")
    assert cell(result, "amount") == "kr 100"
    assert reasons(result, "error") == ["'kr' may be SEK, NOK, DKK or ISK: write the ISO 4217 code"]


def test_a_row_refused_here_lists_every_unreadable_cell():
    result = normalise_table("funding", funding(amount="beaucoup", transaction_type="99"), "f.csv")
    assert sorted((p.column, p.severity) for p in result.problems) == [("amount", "error"),
                                                                       ("transaction_type", "error")]


def test_a_spaced_number_the_schema_reads_is_left_to_the_schema():
    result = normalise_table("funding", funding(amount="12 5", currency="USD"), "f.csv")
    assert (cell(result, "amount"), result.problems) == ("12 5", [])


# --- dates, counts, codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, iso", [("14/12/2021", "2021-12-14"), ("14 décembre 2021", "2021-12-14"),
                                        ("décembre 2021", "2021-12"), ("44544", "2021-12-14"), ("2024", "2024")])
def test_dates_become_iso_partial_dates(typed, iso):
    assert cell(normalise_table("projects", projects(planned_start=typed), "p.csv"), "planned_start") == iso


def test_a_month_first_date_is_a_warning():
    result = normalise_table("funding", funding(value_date="12/25/2021"), "f.csv")
    assert cell(result, "value_date") == "2021-12-25"
    assert [(p.column, p.severity) for p in result.problems] == [("value_date", "warning")]


def test_a_two_digit_year_is_an_error_with_the_reason():
    result = normalise_table("funding", funding(value_date="14/12/21"), "f.csv")
    assert reasons(result, "error") == ["'14/12/21' has a 2-digit year: write the year in full"]


@pytest.mark.parametrize("typed, count", [("3 000", "3000"), ("3,000", "3000"), ("3000.0", "3000")])
def test_counts_become_integer_text(typed, count):
    assert cell(normalise_table("projects", projects(households_targeted=typed), "p.csv"),
                "households_targeted") == count


def test_more_than_sets_the_minimum_flag_adding_the_column():
    result = normalise_table("projects", projects(households_targeted="plus de 3 000"), "p.csv")
    assert (cell(result, "households_targeted"), cell(result, "households_targeted_is_minimum")) == ("3000", "true")


def test_more_than_fills_an_empty_minimum_flag():
    result = normalise_table("projects", projects(households_targeted="3000+", households_targeted_is_minimum=""),
                             "p.csv")
    assert cell(result, "households_targeted_is_minimum") == "true"


def test_more_than_never_overrides_an_explicit_false_flag():
    result = normalise_table("projects", projects(households_targeted="more than 3,000",
                                                  households_targeted_is_minimum="non"), "p.csv")
    assert cell(result, "households_targeted_is_minimum") == "non"
    assert len(reasons(result, "warning")) == 1


def test_more_than_in_a_table_without_the_flag_is_a_warning():
    result = normalise_table("locations", locations(province_pcode="CD61", households_targeted="plus de 500"),
                             "l.csv")
    assert cell(result, "households_targeted") == "500"
    assert [p.column for p in result.problems if p.severity == "warning"] == ["households_targeted"]


@pytest.mark.parametrize("column, typed, code", [
    ("activity_status", "en cours", "2"), ("activity_status", "Terminé", "4"), ("coverage", "Nationale", "national"),
    ("theme", "Solutions durables", "durable-solutions"),
])
def test_code_labels_become_codes(column, typed, code):
    assert cell(normalise_table("projects", projects(**{column: typed}), "p.csv"), column) == code


@pytest.mark.parametrize("column, typed, code", [("transaction_type", "Décaissement", "3"),
                                                 ("org_role", "Bailleur", "1")])
def test_funding_code_labels_become_codes(column, typed, code):
    assert cell(normalise_table("funding", funding(**{column: typed}), "f.csv"), column) == code


def test_an_unknown_label_is_an_error_naming_the_choices():
    result = normalise_table("projects", projects(activity_status="en attente"), "p.csv")
    assert cell(result, "activity_status") == "en attente"
    assert "is not an activity status" in reasons(result, "error")[0]


@pytest.mark.parametrize("typed, share", [("50 %", "0.5"), ("0,25", "0.25")])
def test_shares_become_decimals(typed, share):
    result = normalise_table("locations", locations(province_pcode="CD61", budget_share=typed), "l.csv")
    assert cell(result, "budget_share") == share


# --- provinces --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, pcode", [("Nord-Kivu", "CD61"), ("Nord Kivu", "CD61"), ("north kivu", "CD61"),
                                         ("CD54", "CD54"), ("Kasai", "CD92")])
def test_province_names_resolve_silently(name, pcode):
    result = normalise_table("locations", locations(province_name=name), "l.csv")
    assert (cell(result, "province_pcode"), result.problems) == (pcode, [])


def test_a_name_in_the_pcode_column_resolves():
    assert cell(normalise_table("locations", locations(province_pcode="Ituri"), "l.csv"), "province_pcode") == "CD54"


def test_a_lowercase_pcode_is_uppercased():
    assert cell(normalise_table("locations", locations(province_pcode=" cd61 "), "l.csv"), "province_pcode") == "CD61"


def test_a_fuzzy_province_is_a_warning_naming_the_reading():
    result = normalise_table("locations", locations(province_name="Nord Kivvu"), "l.csv")
    assert cell(result, "province_pcode") == "CD61"
    assert reasons(result, "warning")[0].startswith("read 'Nord Kivvu' as CD61 Nord-Kivu")


def test_a_renamed_pre_2015_province_resolves_with_a_warning():
    result = normalise_table("locations", locations(province_name="Bas-Congo"), "l.csv")
    assert cell(result, "province_pcode") == "CD20"
    assert "pre-2015" in reasons(result, "warning")[0]


def test_a_split_pre_2015_province_is_an_error_never_assigned():
    result = normalise_table("locations", locations(province_name="Katanga"), "l.csv")
    assert cell(result, "province_pcode") == ""
    assert reasons(result, "error") == [
        "'Katanga' is a pre-2015 province now split into Haut-Katanga (CD71), Lualaba (CD72), Haut-Lomami (CD73), "
        "Tanganyika (CD74): give the successor province"]


@pytest.mark.parametrize("name, fragment", [("Xyzzyville", "unknown province 'Xyzzyville'"),
                                            ("Nord", "did you mean"), ("CD6101", "did you mean Nord-Kivu?"),
                                            ("RDC", "Country-level label")])
def test_an_unknown_province_is_an_error_with_suggestions(name, fragment):
    result = normalise_table("locations", locations(province_name=name), "l.csv")
    assert fragment in reasons(result, "error")[0]


def test_a_name_disagreeing_with_a_valid_pcode_is_a_warning_and_the_pcode_stays():
    result = normalise_table("locations", locations(province_pcode="CD61", province_name="Ituri"), "l.csv")
    assert cell(result, "province_pcode") == "CD61"
    assert [p.column for p in result.problems if p.severity == "warning"] == ["province_name"]


# --- the table as a whole ---------------------------------------------------------------------------------


def test_rows_and_row_numbers_are_kept_and_problems_carry_the_row_number():
    frame = table({"project_id": "P1", "province_name": "Ituri"}, {"project_id": "P2", "province_name": "Katanga"},
                  start=7)
    result = normalise_table("locations", frame, "l.csv")
    assert result.frame["_row"].tolist() == [7, 8]
    assert [(p.file, p.row, p.column) for p in result.problems] == [("l.csv", 8, "province_name")]


def test_a_french_export_validates_after_normalising():
    frame = table({"flow_id": "F1", "project_id": "P1", "donor": "Suède", "org_role": "Bailleur",
                   "transaction_type": "Engagement reçu", "amount": "12,5 millions d'euros",
                   "value_date": "14 décembre 2021"})
    result = validate_table("funding", normalise_table("funding", frame, "f.csv").frame, "f.csv")
    assert (len(result.accepted), result.errors) == (1, [])
    assert result.accepted.iloc[0][["amount", "currency", "value_date"]].tolist() == [12_500_000, "EUR",
                                                                                      "2021-12-14"]


def test_canonical_cells_pass_through_unchanged():
    frame = funding(donor="Sweden", org_role="1", amount="12500000", currency="EUR", value_date="2021-12-14")
    result = normalise_table("funding", frame, "f.csv")
    assert (result.frame.to_dict("records"), result.problems) == (frame.to_dict("records"), [])


@settings(max_examples=300, deadline=None)
@given(cells=st.dictionaries(st.sampled_from(["amount", "currency", "value_date", "org_role", "transaction_type"]),
                             st.text(), min_size=1))
def test_arbitrary_cells_never_raise(cells):
    result = normalise_table("funding", funding(**cells), "f.csv")
    assert len(result.frame) == 1


@settings(max_examples=300, deadline=None)
@given(name=st.text().filter(lambda t: t.strip()))
def test_any_province_text_yields_a_pcode_or_an_error(name):
    result = normalise_table("locations", locations(province_name=name), "l.csv")
    pcode = cell(result, "province_pcode")
    assert (PCODE_RE.match(pcode) and pcode in PROVINCE_PCODES) or reasons(result, "error")


SPELLINGS = sorted({(spelling, p.pcode) for p in provinces() for spelling in (p.pcode, p.name_fr, p.name_en,
                                                                              *p.variants)})


@pytest.mark.parametrize("spelling, pcode", SPELLINGS)
def test_every_official_name_code_and_variant_round_trips(spelling, pcode):
    result = normalise_table("locations", locations(province_name=spelling), "l.csv")
    assert (cell(result, "province_pcode"), reasons(result, "error")) == (pcode, [])


# --- column by column == cell by cell ---------------------------------------------------------------------
# normalise_table reads each distinct cell of a column once; what every row gets must be what the per-value
# parsers of data.intake.values say about its own cell (the canonical text, or the cell kept and its reason).

def _per_value(parse, kind, column, value):
    """(canonical text, problems) for one cell, straight from the per-value parser, as normalise's rules say."""
    from data.intake.values import ValueParseError
    from data.schema import COLUMN_KINDS, Column

    if _blank(value):
        return value, []
    try:
        text, note = parse(value)
    except _Refused as exc:
        return value, [(column, str(exc), "error")]
    except ValueParseError as exc:
        try:
            COLUMN_KINDS[kind].check(value, Column("_", "text", ""), frozenset())
            return value, []  # the schema reads it its own way
        except ValueError:
            return value, [] if exc.generic else [(column, str(exc), "error")]
    return text, [(column, note, "warning")] if note else []


class _Refused(Exception):
    """The cell is read but disagrees with another cell of its row: kept as typed, the row refused."""


def _date(value):
    from data.intake.values import parse_date_detail

    parsed = parse_date_detail(value)
    return parsed.date.text, parsed.note


def _share(value):
    from data.intake.values import format_amount, parse_share_text

    return format_amount(parse_share_text(value)), None


def _amount(value):
    from data.intake.values import format_amount, parse_amount_text

    parsed = parse_amount_text(value)
    if parsed.currency not in (None, "EUR"):  # the table's currency column says EUR
        raise _Refused(f"amount says {parsed.currency} but currency says EUR")
    return format_amount(parsed.value), parsed.note


_COLUMN_CASES = {
    "date": ("projects", "planned_start", _date,
             ["2021-12-14", "14/12/2021", "12/31/2021", "31 décembre 2024", "2021", "Q1 2024", "21/12/21", "bad",
              "2021-02-30", "", " ", None]),
    "share": ("locations", "budget_share", _share, ["0,5", "50 %", "0.25", "1.5", "120%", "abc", "", None]),
    "amount": ("funding", "amount", _amount, ["12 500 000", "12.500.000,50", "1,250", "1.250", "5", "-5", "12 5",
                                              "1 et 2", "abc", "inf", "", None]),
}


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(_COLUMN_CASES)), data=st.data())
def test_a_column_is_read_as_each_of_its_cells_would_be(kind, data):
    table_name, column, parse, pool = _COLUMN_CASES[kind]
    cells = data.draw(st.lists(st.sampled_from(pool) | st.text(alphabet="0123456789 ,./-%Mk€$abé", max_size=8),
                               max_size=25))
    frame = pd.DataFrame({"project_id": [f"P{i}" for i in range(len(cells))], column: pd.Series(cells, dtype=object),
                          "_row": range(2, len(cells) + 2)})
    if table_name == "funding":
        frame["currency"] = "EUR"
    result = normalise_table(table_name, frame, "f.csv")
    expected = [_per_value(parse, kind, column, value) for value in cells]
    assert result.frame[column].tolist() == [text for text, _ in expected]
    assert [(p.row, p.column, p.reason, p.severity) for p in result.problems] == \
        [(row, *problem) for row, (_, problems) in enumerate(expected, start=2) for problem in problems]
