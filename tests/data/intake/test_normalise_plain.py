"""The intake's shortcuts for plain amounts and shares read, type and write each cell as the general path does."""
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from data.intake.normalise import (
    _KEEP,
    _PLAIN_AMOUNT,
    _PLAIN_SHARE,
    _read_amount,
    _read_amounts,
    _read_share,
    _strip_currency,
)
from data.intake.values import format_amount
from data.schema import _PLAIN_NUMBER, Column, _check_column, check_cell

AMOUNT = Column("amount", "amount", "")
SHARE = Column("share", "share", "")


class _Typed(str):
    """A cell whose class is not exactly str: the shortcut passes it over and the general parser reads it."""


def shown(reading, value):
    return (value if reading.text is _KEEP else reading.text), reading.problems, reading.pending


# Each reader with the cells its shortcut takes, and cells where a wrong shortcut would show: leading and trailing
# zeros, 15-digit amounts, shares with many decimals.
SHORTCUTS = [
    (_read_amount, AMOUNT, _PLAIN_AMOUNT, ["0", "007", "0.10", "12.5", "999999999999999.99", "100000000000000", "0.05",
                                           "123456789012345.67", "10.00"]),
    (_read_share, SHARE, _PLAIN_SHARE, ["0", "100", "33.333333333333333333", "0.5", "007.50"]),
]


@pytest.mark.parametrize(("read", "col", "pattern", "examples"), SHORTCUTS, ids=["amount", "share"])
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_a_plain_cell_reads_as_the_general_parser_reads_it(read, col, pattern, examples, data):
    value = data.draw(st.one_of(st.sampled_from(examples), st.from_regex(pattern, fullmatch=True)))
    general = read(col, _Typed(value))
    assert shown(read(col, value), value) == shown(general, value)
    assert general.parsed is None or not general.parsed.currency  # so nothing is applied row by row either


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_PLAIN_NUMBER, fullmatch=True), st.sampled_from([AMOUNT, SHARE]))
@example("1", SHARE)
@example("1.0000000000000000001", SHARE)
@example("0.99999999999999999999", SHARE)
@example("999999999999999.99999999999999999999", AMOUNT)
def test_validation_types_a_plain_number_as_check_cell_does(value, col):
    reasons = [None]
    typed = _check_column(col, [value], frozenset(), reasons)
    number, reason = check_cell(col, value, frozenset())
    assert (list(typed), reasons) == ([number], [None if reason is None else [(col.name, reason)]])


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
@example(1e16)
@example(9999999999999998.0)
@example(1e-05)
@example(0.0001)
@example(-0.0)
@example(100.0)
def test_an_amount_is_written_as_the_decimal_of_its_repr(value):
    text = format(Decimal(repr(value)), "f")  # format_amount before its shortcut for reprs without an exponent
    assert format_amount(value) == (text[:-2] if text.endswith(".0") else text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SHORTCUTS[0][3] + ["", " ", None, "€12.5M", "12,5", "1e3", "-5", "abc", "１２"])
                | st.from_regex(_PLAIN_AMOUNT, fullmatch=True), max_size=20))
def test_a_column_of_amounts_reads_as_each_cell_would(values):
    from data.intake.normalise import _UNCHANGED, is_missing  # as _read_column leaves a missing cell

    general = [_UNCHANGED if is_missing(value) else _strip_currency(_read_amount(AMOUNT, _Typed(value)))
               for value in values]
    assert [(shown(r, v), r.parsed) for r, v in zip(_read_amounts(AMOUNT, values), values)] \
        == [(shown(r, v), r.parsed) for r, v in zip(general, values)]
