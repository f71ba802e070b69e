"""The intake's shortcuts for plain amounts and shares read and type each cell exactly as the general parser does."""
from hypothesis import example, given, settings
from hypothesis import strategies as st

from data.intake.normalise import _KEEP, _PLAIN_AMOUNT, _PLAIN_SHARE, _read_amount, _read_share
from data.schema import _PLAIN_NUMBER, Column, _check_column, check_cell

AMOUNT = Column("amount", "amount", "")
SHARE = Column("share", "share", "")


class _Typed(str):
    """A cell whose class is not exactly str: the shortcut passes it over and the general parser reads it."""


def shown(reading, value):
    return (value if reading.text is _KEEP else reading.text), reading.problems, reading.pending


@settings(max_examples=400, deadline=None)
@given(st.from_regex(_PLAIN_AMOUNT, fullmatch=True))
@example("0")
@example("007")
@example("0.10")
@example("12.5")
@example("999999999999999.99")
@example("100000000000000")
@example("0.05")
@example("123456789012345.67")
@example("10.00")
def test_a_plain_amount_reads_as_the_general_parser_reads_it(value):
    general = _read_amount(AMOUNT, _Typed(value))
    assert shown(_read_amount(AMOUNT, value), value) == shown(general, value)
    assert general.parsed is None or not general.parsed.currency  # so nothing is applied row by row either


@settings(max_examples=400, deadline=None)
@given(st.from_regex(_PLAIN_SHARE, fullmatch=True))
@example("0")
@example("100")
@example("33.333333333333333333")
@example("0.5")
@example("007.50")
@example("1e3")
def test_a_plain_share_reads_as_the_general_parser_reads_it(value):
    assert shown(_read_share(SHARE, value), value) == shown(_read_share(SHARE, _Typed(value)), value)


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
