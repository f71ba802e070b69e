"""The prepared pieces kept beside a version's parquet copy read back exactly as derived, and a copy that is
truncated, garbage, of another format or of another portfolio is derived again (and rewritten), never trusted."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from data import prepared as prepared_module
from data import prepared_store
from data.columnar import prepared_path
from data.metrics import compute_funding
from data.prepared import prepare_portfolio
from data.prepared_store import (
    allocation_file,
    converted_file,
    load_allocation_index,
    load_converted,
    load_prepared,
    result_file,
    save_converted,
    save_prepared,
    save_result,
)

PIECES = ("years", "members", "options", "shares", "dates", "index", "missing_facts")


SYNTHETIC = (60, 3)  # projects, seed of the synthetic `portfolio` (tests/data/conftest.py)


def _same(left, right, where: str) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=where)
        assert left.columns.dtype == right.columns.dtype, where
    elif isinstance(left, pd.Series):
        pd.testing.assert_series_equal(left, right, check_exact=True, obj=where)
    elif isinstance(left, np.ndarray):
        assert left.dtype == right.dtype, where
        assert np.array_equal(left, right, equal_nan=left.dtype.kind == "f"), where
    elif isinstance(left, dict):
        assert list(left) == list(right), where
        for key in left:
            _same(left[key], right[key], f"{where}[{key!r}]")
    elif dataclasses.is_dataclass(left):
        for item in dataclasses.fields(left):
            _same(getattr(left, item.name), getattr(right, item.name), f"{where}.{item.name}")
    else:
        assert (type(left), left) == (type(right), right), where


def _derive_fails(monkeypatch) -> None:
    monkeypatch.setattr(prepared_module, "compute_filter_index", lambda *_: pytest.fail("derived again"))


def _counting(monkeypatch) -> list:
    calls = []
    real = prepared_module.compute_filter_index
    monkeypatch.setattr(prepared_module, "compute_filter_index", lambda *a: calls.append(1) or real(*a))
    return calls


def test_pieces_read_back_exactly_as_derived(portfolio, tmp_path, monkeypatch):
    store = tmp_path / "prepared.npz"
    derived = prepare_portfolio(portfolio, store)
    assert store.is_file()
    _derive_fails(monkeypatch)
    loaded = prepare_portfolio(portfolio, store)
    for name in PIECES:
        _same(getattr(derived, name), getattr(loaded, name), name)
    _same(derived.value_dates, loaded.value_dates, "value_dates")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_copy_is_derived_again_and_rewritten(portfolio, tmp_path, monkeypatch, damage):
    store = tmp_path / "prepared.npz"
    expected = prepare_portfolio(portfolio, store)
    content = store.read_bytes()
    store.write_bytes({"truncated": content[: len(content) // 2], "garbage": b"not a zip" * 100,
                       "empty": b""}[damage])
    calls = _counting(monkeypatch)
    again = prepare_portfolio(portfolio, store)
    assert calls == [1]
    for name in PIECES:
        _same(getattr(expected, name), getattr(again, name), name)
    assert store.read_bytes() == content  # rewritten whole
    assert load_prepared(store, portfolio) is not None


def test_a_copy_of_another_portfolio_is_not_trusted(portfolio, tmp_path, monkeypatch):
    store = tmp_path / "prepared.npz"
    prepare_portfolio(portfolio, store)
    fewer = dataclasses.replace(portfolio, projects=portfolio.projects.iloc[1:].reset_index(drop=True))
    assert load_prepared(store, fewer) is None
    renamed = dataclasses.replace(portfolio, projects=portfolio.projects.assign(
        project_id=portfolio.projects["project_id"].astype(str) + "-x"))
    assert load_prepared(store, renamed) is None


def test_a_copy_of_another_format_is_not_read(portfolio, tmp_path, monkeypatch):
    store = tmp_path / "prepared.npz"
    prepare_portfolio(portfolio, store)
    with np.load(store, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    meta = json.loads(str(arrays.pop("meta")))
    np.savez(store, meta=np.array(json.dumps({**meta, "format": prepared_store.FORMAT + 1})), **arrays)
    assert load_prepared(store, portfolio) is None


def test_text_outside_the_format_is_not_saved(portfolio, tmp_path):
    store = tmp_path / "prepared.npz"
    model = prepare_portfolio(portfolio)
    pieces = {name: getattr(model, name) for name in PIECES}
    odd = pieces["members"].astype(object)
    odd.iloc[0, 1] = 12.5  # a number among the texts: pickled, it would run code on load; not kept at all
    assert not save_prepared(store, {**pieces, "members": odd})
    assert not store.exists()
    holding = pieces["members"].astype(object)
    holding.iloc[0, 1] = "a\0b"  # the separator inside a text
    assert not save_prepared(store, {**pieces, "members": holding})
    assert not store.exists()


def test_converted_flows_outside_the_format_are_not_saved(tmp_path):
    path = tmp_path / "converted.npz"
    assert not save_converted(path, {"donor": pd.Series(["Sweden", 12.5], dtype=object)})  # a number among texts
    assert not path.exists()
    assert save_converted(path, {"donor": pd.Series(["Sweden", None], dtype=object)})
    assert load_converted(path, 2)["donor"].tolist() == ["Sweden", None]


def test_a_stored_versions_pieces_sit_beside_its_parquet_copy():
    assert prepared_path("../elsewhere") is None
    path = prepared_path("v0001-20260101T000000Z")
    assert path.parent.parent.name == "columnar" and path.name == f"prepared-{prepared_store.prepared_key()}.npz"


@pytest.mark.parametrize("currency, measure", [("USD", "committed"), ("EUR", "disbursed")])
def test_an_allocation_index_reads_back_exactly_as_computed(portfolio, tmp_path, monkeypatch, currency, measure):
    store = tmp_path / "prepared.npz"
    computed = prepare_portfolio(portfolio, store)._allocation_index(currency, measure)
    assert prepare_portfolio(portfolio)._allocation_index(currency, measure) is not None
    assert allocation_file(store, currency, measure).is_file()
    monkeypatch.setattr(prepared_module, "compute_allocation_index", lambda *_: pytest.fail("computed again"))
    monkeypatch.setattr(prepared_module, "compute_funding", lambda *_: pytest.fail("converted again"))
    _same(computed, prepare_portfolio(portfolio, store)._allocation_index(currency, measure), "index")


@pytest.mark.parametrize("damage", ["truncated", "other portfolio"])
def test_a_damaged_allocation_index_is_computed_again(portfolio, tmp_path, monkeypatch, damage):
    store = tmp_path / "prepared.npz"
    computed = prepare_portfolio(portfolio, store)._allocation_index("USD", "committed")
    path = allocation_file(store, "USD", "committed")
    content = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(content[: len(content) * 2 // 3])
        assert load_allocation_index(path, portfolio) is None
    else:
        fewer = dataclasses.replace(portfolio, projects=portfolio.projects.iloc[1:].reset_index(drop=True))
        assert load_allocation_index(path, fewer) is None
        path.write_bytes(b"PK\x03\x04" + content[4:100])
    calls = []
    real = prepared_module.compute_allocation_index
    monkeypatch.setattr(prepared_module, "compute_allocation_index", lambda *a: calls.append(1) or real(*a))
    _same(computed, prepare_portfolio(portfolio, store)._allocation_index("USD", "committed"), "index")
    assert calls == [1]
    assert path.read_bytes() == content


def test_only_plain_codes_name_an_allocation_file(tmp_path):
    assert allocation_file(tmp_path / "prepared.npz", "../x", "committed") is None
    assert allocation_file(tmp_path / "prepared.npz", "USD", "a/b") is None
    assert allocation_file(tmp_path / "prepared.npz", "USD", "committed").parent == tmp_path


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_converted_flows_read_back_exactly_as_converted(portfolio, tmp_path, monkeypatch, currency):
    store = tmp_path / "prepared.npz"
    expected = compute_funding(portfolio.funding, currency)
    _same(expected, prepare_portfolio(portfolio, store).converted(currency), "computed")
    assert converted_file(store, currency).is_file()
    monkeypatch.setattr(prepared_module, "compute_funding", lambda *_: pytest.fail("converted again"))
    model = prepare_portfolio(portfolio, store)
    read = model.converted(currency)
    _same(expected, read, "read")
    for column in [c for c in expected.columns if expected[c].dtype == object]:  # None stays None, dates dates
        assert [type(v) for v in read[column].tolist()] == [type(v) for v in expected[column].tolist()], column
    assert model._conversion(currency)[1]
    before = portfolio.funding["amount"].copy()
    read.loc[read.index[0], "amount"] = -12345.0  # copy on write: the portfolio's own flows are not touched
    pd.testing.assert_series_equal(portfolio.funding["amount"], before)


def test_damaged_converted_flows_are_converted_again(portfolio, tmp_path, monkeypatch):
    store = tmp_path / "prepared.npz"
    prepare_portfolio(portfolio, store).converted("EUR")
    path = converted_file(store, "EUR")
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    calls = []
    real = prepared_module.compute_funding
    monkeypatch.setattr(prepared_module, "compute_funding", lambda *a: calls.append(1) or real(*a))
    _same(compute_funding(portfolio.funding, "EUR"), prepare_portfolio(portfolio, store).converted("EUR"), "again")
    assert calls == [1] and path.read_bytes() == content
    assert load_converted(path, len(portfolio.funding) + 1) is None


def _whole_dataset_results(model, currency: str) -> dict:
    """name → compute() of the unfiltered view's results the Overview and the Funding map keep (View.kept)."""
    from data.filters import FilterState
    from data.metrics import compute_by_donor, compute_kpis, compute_project_donors
    from geo.allocation import by_unit, compute_territory_places, split_territories

    state = FilterState(currency=currency)
    funding, locations = model.view(state).funding, model.portfolio.locations
    return {"kpis": lambda: compute_kpis(model.portfolio, currency, funding, model.missing_facts, model.flow_facts(),
                                         model.project_facts()),
            "by_donor": lambda: compute_by_donor(funding, "disbursed", model.flow_facts(), donor_flows_only=True),
            "project_donors": lambda: compute_project_donors(funding),
            "by_province": lambda: by_unit(model.allocation(state, "committed"), with_donors=False),
            "territory_split": lambda: split_territories(model.allocation(state, "committed"), locations,
                                                        compute_territory_places(locations))}


@pytest.mark.parametrize("currency", ["USD", "EUR"])
@pytest.mark.parametrize("name", ["kpis", "by_donor", "project_donors", "by_province", "territory_split"])
def test_a_whole_dataset_result_reads_back_exactly_as_computed(portfolio, tmp_path, name, currency):
    store = tmp_path / "prepared.npz"
    key = (currency, "2026-12-01")
    computed = prepare_portfolio(portfolio, store).kept(name, key, _whole_dataset_results(
        prepare_portfolio(portfolio), currency)[name])
    assert result_file(store, name).is_file()
    read = prepare_portfolio(portfolio, store).kept(name, key, lambda: pytest.fail("computed again"))
    _same(computed, read, name)
    frames = [(computed, read)] if isinstance(computed, pd.DataFrame) else [
        (getattr(computed, f.name), getattr(read, f.name)) for f in dataclasses.fields(computed) if f.compare
        ] if dataclasses.is_dataclass(computed) else []
    for left, right in frames:  # None stays None, tuples tuples of texts
        for column in [c for c in left.columns if left[c].dtype == object]:
            assert [type(v) for v in left[column].tolist()] == [type(v) for v in right[column].tolist()], column
            assert ([type(v) for t in left[column] if type(t) is tuple for v in t]
                    == [type(v) for t in right[column] if type(t) is tuple for v in t]), column


def test_a_result_kept_for_another_key_is_computed_again_and_rewritten(portfolio, tmp_path):
    store = tmp_path / "prepared.npz"
    compute = _whole_dataset_results(prepare_portfolio(portfolio), "USD")["project_donors"]
    prepare_portfolio(portfolio, store).kept("project_donors", ("USD", "2026-12-01"), compute)
    calls = []
    for key in [("USD", "2026-12-02"), ("EUR", "2026-12-01"), ("USD", "2026-12-01", "disbursed")]:  # day, currency
        value = prepare_portfolio(portfolio, store).kept("project_donors", key,
                                                         lambda: calls.append(1) or compute().head(3))
        assert len(value) == min(3, len(compute()))
        _same(value, prepare_portfolio(portfolio, store).kept("project_donors", key, pytest.fail), "rewritten")
    assert calls == [1, 1, 1]


@pytest.mark.parametrize("change", ["rates", "pieces key"])
def test_a_result_kept_by_other_code_or_rates_is_never_read(portfolio, tmp_path, monkeypatch, change):
    store = prepared_store.prepared_file(tmp_path)
    key = ("USD", "2026-12-01")
    compute = _whole_dataset_results(prepare_portfolio(portfolio), "USD")["kpis"]
    prepare_portfolio(portfolio, store).kept("kpis", key, compute)
    kept = result_file(store, "kpis")
    assert prepared_store.is_current_file(kept.name)
    if change == "rates":  # another ECB rate file: the converted amounts summed differ
        monkeypatch.setattr(prepared_store, "_rates_key", lambda: "0" * 16)
        path = result_file(store, "kpis")
    else:  # other geo/allocation.py, library versions or format: another pieces file, and its results
        monkeypatch.setattr(prepared_store, "prepared_key", lambda: "0" * 16)
        store = prepared_store.prepared_file(tmp_path)
        path = result_file(store, "kpis")
    assert path != kept and not prepared_store.is_current_file(kept.name)  # housekeeping removes the old one
    calls = []
    _same(compute(), prepare_portfolio(portfolio, store).kept("kpis", key, lambda: calls.append(1) or compute()),
          "computed")
    assert calls == [1]


def test_a_result_outside_the_format_is_returned_but_not_kept(portfolio, tmp_path):
    store = tmp_path / "prepared.npz"
    odd = pd.DataFrame({"donor": pd.Series(["Sweden", 12.5], dtype=object)})  # a number among texts
    assert prepare_portfolio(portfolio, store).kept("odd", ("USD",), lambda: odd) is odd
    assert not result_file(store, "odd").exists()
    assert not save_result(result_file(store, "odd"), "key", {"when": dt.date(2026, 12, 1)})
    assert not save_result(result_file(store, "odd"), "key", {("a", "b"): 1})
    assert result_file(store, "../odd") is None


@pytest.mark.parametrize("storage, na_value", [("pyarrow", np.nan), ("pyarrow", pd.NA), ("python", np.nan)])
@pytest.mark.parametrize("values", [["2024", None, "mars 2025", "2024", "é"], [None, None], []])
def test_a_string_column_reads_back_with_its_dtype_and_missing_values(storage, na_value, values):
    # e.g. the dates' *_text columns: pandas' str dtype, rebuilt in Arrow from the distinct texts and their codes
    column = pd.Series(values, dtype=pd.StringDtype(storage, na_value=na_value), name="start_text")
    packer = prepared_store._Packer()
    spec = packer.pack_column(column)
    read = prepared_store._Packer(packer.arrays).unpack_column(spec)
    pd.testing.assert_series_equal(pd.Series(read, name="start_text"), column, check_exact=True)
    assert read.dtype == column.dtype
    assert [v if isinstance(v, str) else None for v in read.tolist()] == values
