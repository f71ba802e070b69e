"""Donor and project profiles: incoming funds count as donors; breakdowns keep unpublished amounts out, counted."""
import pandas as pd
import pytest

from data.intake import load_portfolio
from data.metrics import compute_funding, list_donors
from data.portfolio import Portfolio
from data.profiles import (
    compute_donor_breakdown,
    compute_donor_measures,
    compute_donor_provinces,
    compute_project_parties,
    donor_flows,
)
from data.schema import TABLES


def flows(rows):
    base = {"org_role": 1, "recipient": "IOM", "currency": "USD", "value_date": None, "amount": None}
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["transaction_type"] = out["transaction_type"].astype("Int64")
    return compute_funding(out, "USD")


PROJECTS = pd.DataFrame([{**dict.fromkeys(TABLES["projects"].column_names), "project_id": "P", "theme": "gbv",
                          "implementing_orgs": "IOM; PAX", "partners": "CPAP", "planned_start": "2020-05",
                          "actual_start": None}])


def test_providers_of_incoming_funds_and_commitments_are_donors():
    converted = flows([{"flow_id": "a", "project_id": "P", "donor": "Sweden", "transaction_type": 1},
                       {"flow_id": "b", "project_id": "P", "donor": "Norway", "transaction_type": 11},
                       {"flow_id": "c", "project_id": "P", "donor": None, "transaction_type": 3}])
    assert list_donors(converted) == ["Norway", "Sweden"]


def test_flow_year_comes_from_value_date_else_project_start():
    converted = flows([{"flow_id": "a", "project_id": "P", "donor": "D", "transaction_type": 11, "amount": 5.0,
                        "value_date": "2021-03-01"},
                       {"flow_id": "b", "project_id": "P", "donor": "D", "transaction_type": 3, "amount": 2.0}])
    assert list(donor_flows(converted, PROJECTS, "D")["year"]) == [2021, 2020]


@pytest.mark.parametrize("by, expected", [("year", {2021}), ("theme", {"gbv"}), ("partner", {"IOM"})])
def test_breakdown_sums_published_amounts_and_counts_the_rest(by, expected):
    converted = flows([{"flow_id": "a", "project_id": "P", "donor": "D", "transaction_type": 11, "amount": 5.0,
                        "value_date": "2021"},
                       {"flow_id": "b", "project_id": "P", "donor": "D", "transaction_type": 3}])
    frame, left_out = compute_donor_breakdown(donor_flows(converted, PROJECTS, "D"), by)
    assert set(frame[by]) == expected and list(frame["amount"]) == [5.0]
    assert left_out == 1  # the disbursement has no published amount: not drawn as 0


def test_project_parties_list_donors_lead_implementers_and_partners():
    funding = pd.DataFrame([{"flow_id": "a", "project_id": "P", "donor": "Sweden", "org_role": 1,
                             "transaction_type": 11},
                            {"flow_id": "b", "project_id": "P", "donor": "IOM", "org_role": 4, "transaction_type": 3}])
    empty = pd.DataFrame()
    parties = compute_project_parties(Portfolio(PROJECTS, funding, empty, empty, empty), "P")
    # IOM's own disbursement (role 4) does not make it a funder: it is listed once, as the lead implementer.
    assert list(zip(parties["organisation"], parties["role"])) == [
        ("Sweden", "funding"), ("IOM", "lead"), ("PAX", "implementing"), ("CPAP", "partner")]


def test_sample_donor_provinces_count_projects_and_say_the_split_is_unknown():
    provinces = compute_donor_provinces(load_portfolio(), "Sweden").set_index("province_pcode")
    assert provinces.loc["CD74", "projects"] == 2 and not provinces["split_known"].any()


def test_donor_measures_put_commitments_beside_disbursements_without_zeros():
    converted = flows([{"flow_id": "a", "project_id": "P", "donor": "D", "transaction_type": 11, "amount": 5.0},
                       {"flow_id": "b", "project_id": "P", "donor": "D", "transaction_type": 3}])
    measures = compute_donor_measures(donor_flows(converted, PROJECTS, "D")).set_index("measure")
    assert measures.loc["committed", "amount"] == 5.0
    assert pd.isna(measures.loc["disbursed", "amount"]) and measures.loc["disbursed", "not_published"] == 1
    assert measures.loc["spent", "flows"] == 0


@pytest.mark.parametrize("source", ["sample", "synthetic"])
def test_breakdowns_and_flows_with_the_prepared_dates_equal_the_naive_path(source, parse_synthetic):
    # the breakdown asks each measure with a row mask and one group-sum; bench/naive.py copies the flows per measure
    from bench.naive import naive_compute_donor_breakdown, naive_compute_donor_provinces
    from data.prepared import prepare_portfolio

    portfolio = load_portfolio() if source == "sample" else parse_synthetic(300, 6)
    prepared = prepare_portfolio(portfolio)
    converted = prepared.converted("EUR")
    for donor in list_donors(converted):
        mine = converted[converted["donor"] == donor]
        typed = donor_flows(mine, portfolio.projects, donor, prepared.dates, prepared.value_dates)
        pd.testing.assert_frame_equal(typed, donor_flows(mine, portfolio.projects, donor))
        for by in ("year", "theme", "partner"):
            fast, naive = compute_donor_breakdown(typed, by), naive_compute_donor_breakdown(typed, by)
            assert fast[1] == naive[1]
            pd.testing.assert_frame_equal(fast[0], naive[0], check_exact=True)
        pd.testing.assert_frame_equal(compute_donor_provinces(portfolio, donor),
                                      naive_compute_donor_provinces(portfolio, donor))


def test_donor_flows_look_each_flow_s_project_up_by_position():
    # a flow of a project not among `projects` keeps its value date's year and has no theme; a flow without a
    # recipient takes the project's lead implementer; another donor's flow is left out; order is the flows' order
    converted = flows([{"flow_id": "a", "project_id": "Q", "donor": "D", "transaction_type": 3, "value_date": "2019"},
                       {"flow_id": "b", "project_id": "P", "donor": "E", "transaction_type": 3},
                       {"flow_id": "c", "project_id": "P", "donor": "D", "transaction_type": 3, "recipient": None},
                       {"flow_id": "d", "project_id": "Q", "donor": "D", "transaction_type": 3}])
    mine = donor_flows(converted, PROJECTS, "D")
    assert list(mine["flow_id"]) == ["a", "c", "d"] and list(mine.index) == [0, 2, 3]
    assert mine["year"].tolist()[:2] == [2019, 2020] and pd.isna(mine["year"].iloc[2])
    assert mine["year_from_start"].tolist() == [False, True, False]
    assert pd.isna(mine["theme"].iloc[0]) and mine["theme"].iloc[1] == "gbv"
    assert mine["partner"].tolist() == ["IOM", "IOM", "IOM"]
    assert list(mine.columns[-4:]) == ["year", "year_from_start", "theme", "partner"]
    pd.testing.assert_frame_equal(mine[list(converted.columns)], converted.loc[[0, 2, 3]])


@pytest.mark.parametrize("python_up_to", [20_000, 0])  # one pass in Python, or pandas' groupby beyond the limit
@pytest.mark.parametrize("seed", range(4))
def test_group_sums_are_pandas_groupby_sums_to_the_last_digit(monkeypatch, python_up_to, seed):
    # pandas sums runs already in group order with np.add.reduceat and other groups with Kahan's compensation in
    # row order: the breakdown's sums must be its very numbers, infinities and negative zeros included
    import numpy as np

    from data import profiles

    monkeypatch.setattr(profiles, "SUMMED_IN_PYTHON", python_up_to)
    rng = np.random.default_rng(seed)
    for trial in range(150):
        n = int(rng.integers(1, 300))
        values = np.round(rng.standard_normal(n) * 10.0 ** rng.integers(0, 12), int(rng.integers(0, 4)))
        if trial % 7 == 0:
            values[rng.integers(0, n)] = np.inf
        if trial % 5 == 0:
            values[rng.integers(0, n)] = -0.0
        groups = rng.integers(0, int(rng.integers(1, 12)), n)
        if trial % 3 == 0:
            groups = np.sort(groups)  # rows in group order: pandas' other arithmetic
        with np.errstate(invalid="ignore"):
            expected = pd.Series(values).groupby(groups).sum()
            got = profiles._group_sums(groups, values, int(groups.max()) + 1)[expected.index.to_numpy()]
        assert np.array_equal(got, expected.to_numpy(), equal_nan=True), trial
        assert np.array_equal(np.signbit(got), np.signbit(expected.to_numpy())), trial


def _same_sources(portfolio, project_id, flows):
    from data.metrics import compute_project_sources
    from data.profiles import compute_project_sources_at, compute_source_index

    index = compute_source_index(portfolio.sources, portfolio.documents)
    pd.testing.assert_frame_equal(compute_project_sources_at(portfolio, index, project_id, flows),
                                  compute_project_sources(portfolio, project_id, flows), check_exact=True)


def test_a_projects_sources_read_from_the_index_are_the_scans_on_the_sample():
    sample = load_portfolio()
    for project_id in sample.projects["project_id"]:
        _same_sources(sample, project_id, sample.funding[sample.funding["project_id"] == project_id])


def test_a_projects_sources_read_from_the_index_are_the_scans_on_a_synthetic_portfolio(parse_synthetic):
    synthetic = parse_synthetic(120, 3)
    for project_id in synthetic.projects["project_id"].iloc[::7]:
        _same_sources(synthetic, project_id, synthetic.funding[synthetic.funding["project_id"] == project_id])


@pytest.mark.parametrize("record", ["A|B|CD10", None])
def test_a_projects_sources_read_from_the_index_keep_the_scans_edge_cases(record):
    # an id holding "|" is matched by the prefix test as startswith matches it; a missing record falls back to the
    # scan; a document listed twice joins twice, an unknown one (d3) joins nothing
    sources = pd.DataFrame({
        "table": ["projects", "locations", "locations", "funding", "funding", "documents", "projects"],
        "record_id": ["A|B", record, "A|CD20", "F1", "F9", "A|B", "A"],
        "document_id": ["d1", "d2", "d1", "d2", "d3", "d1", "d2"], "paragraph": [1, 2, 3, 4, 5, 6, 7]},
        index=[10, 11, 12, 13, 14, 15, 16])
    documents = pd.DataFrame({"document_id": ["d1", "d0", "d2", "d1"], "publisher": ["X", "W", "Y", "Z"],
                              "title": ["T1", "T0", "T2", "T1 again"], "published": ["2020", None, None, "2021"]})
    empty = pd.DataFrame()
    portfolio = Portfolio(empty, empty, empty, sources, documents)
    for project_id, flow_ids in (("A|B", ["F1", "F2"]), ("A", ["F9"]), ("A", []), ("Z", ["F9"]), ("Z", [])):
        _same_sources(portfolio, project_id, pd.DataFrame({"flow_id": flow_ids}, dtype=object))
