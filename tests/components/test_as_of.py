"""The "data as of" line: the newest source date not after today, read from the typed dates, shown as given."""
import datetime as dt

import pandas as pd
import pytest

from components.as_of import as_of_text, compute_newest_source
from data.portfolio import Portfolio
from data.schema import TABLES

TODAY = dt.date(2026, 6, 15)


def portfolio(published=(), value_dates=(), actual_starts=(), actual_ends=()) -> Portfolio:
    def table(name, **columns):
        rows = max((len(v) for v in columns.values()), default=0)
        frame = pd.DataFrame({c: [None] * rows for c in TABLES[name].column_names}, dtype=object)
        for column, values in columns.items():
            frame[column] = list(values)
        return frame

    return Portfolio(table("projects", actual_start=list(actual_starts) + [None] * (len(actual_ends) -
                                                                                     len(actual_starts)),
                           actual_end=list(actual_ends) + [None] * (len(actual_starts) - len(actual_ends))),
                     table("funding", value_date=value_dates), table("locations"), table("sources"),
                     table("documents", published=published))


@pytest.mark.parametrize("data, expected", [
    # a document's date wins over the facts; a future date does not count; the text is kept as given
    (portfolio(published=["2024", "2026-05", "2027-01-02"], value_dates=["2026-06-01"]), ("document", "2026-05")),
    # the latest first day: 2026 (1 Jan) is before 2026-03 (1 Mar), whatever the period's end
    (portfolio(published=["2026", "2026-03"]), ("document", "2026-03")),
    # no dated document: the facts (value dates, actual starts and ends) together
    (portfolio(published=[None], value_dates=["2025-03", None], actual_starts=["2025-04-30"],
               actual_ends=["2027"]), ("fact", "2025-04-30")),
    # the same first day in two forms: the first one met (value dates come before starts)
    (portfolio(value_dates=["2025-03"], actual_starts=["2025-03-01"]), ("fact", "2025-03")),
    (portfolio(), ("fact", None)),
])
def test_newest_source_date(data, expected):
    assert compute_newest_source(data, TODAY) == expected


def test_the_newest_date_is_formatted_with_its_precision():
    text = as_of_text(None, portfolio(published=["2026-05"]), TODAY, "en")
    assert "May 2026" in text and "2026-05" not in text
