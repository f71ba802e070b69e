"""A stored version parsed once is read back from its Arrow copy exactly as parsed (tables, dtypes, reports), re-parsed
when the copy is missing, damaged or made by other code, and never blocks loading."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import files
from data import columnar, storage
from data.columnar import code_fingerprint, load_columnar, load_version_portfolio, save_columnar
from data.intake import parse_uploads
from data.portfolio import SAMPLE_FILES
from data.synth import make_synthetic_files, make_synthetic_portfolio

BAD_ROW = b"flow_id,project_id,transaction_type,amount,currency\nF1,NOPE,11,abc,EUR\n"


def _files(kind: str) -> list[tuple[str, bytes]]:
    if kind == "sample":
        return [(p.name, p.read_bytes()) for p in SAMPLE_FILES] + [("bad.csv", BAD_ROW)]
    return make_synthetic_files(make_synthetic_portfolio(60, seed=2))


@pytest.fixture(params=["sample", "synthetic"])
def version(request, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    files = _files(request.param)
    stored = storage.save_version(files, {})
    return stored, storage.version_paths(stored), parse_uploads(files).portfolio


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with None for every empty cell: the parser's own form (a concat can leave NaN instead)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].where(out[column].notna(), None)
    return out


def test_round_trip_is_exact(version, tmp_path):
    _, _, parsed = version
    save_columnar(tmp_path / "copy", parsed)
    loaded = load_columnar(tmp_path / "copy")
    for name in columnar.TABLES:
        pd.testing.assert_frame_equal(loaded.table(name), _canonical(parsed.table(name)))
    assert [r.as_dict() for r in loaded.reports] == [r.as_dict() for r in parsed.reports]
    assert [r.rejected + r.warnings for r in loaded.reports] == [r.rejected + r.warnings for r in parsed.reports]
    assert [r.rejected_rows is None for r in loaded.reports] == [r.rejected_rows is None for r in parsed.reports]
    assert loaded.unreadable == parsed.unreadable


def test_second_load_reads_parquet_not_the_files(version, monkeypatch):
    stored, paths, parsed = version
    first = load_version_portfolio(stored.id, paths)
    assert (storage.columnar_dir(stored.id, code_fingerprint()) / "projects.arrow").is_file()
    monkeypatch.setattr(columnar, "load_intake", lambda *_: pytest.fail("parsed again"))
    again = load_version_portfolio(stored.id, paths)
    pd.testing.assert_frame_equal(again.projects, _canonical(first.projects))
    pd.testing.assert_frame_equal(again.funding, _canonical(first.funding))
    assert len(again.funding) == len(parsed.funding)


def test_a_restart_reads_the_typed_dates_and_parses_no_date(version, monkeypatch):
    """The dates typed when the files were parsed come back from parquet: preparing the model after a restart
    calls no date parser (data.schema.partial_date_bounds is the only one that types a column)."""
    from data import schema
    from data.prepared import prepare_portfolio

    stored, paths, parsed = version
    first = load_version_portfolio(stored.id, paths)
    expected = prepare_portfolio(first)
    monkeypatch.setattr(columnar, "load_intake", lambda *_: pytest.fail("parsed again"))
    monkeypatch.setattr(schema, "partial_date_bounds", lambda *_: pytest.fail("a date column parsed again"))
    again = load_version_portfolio(stored.id, paths)
    for name in ("projects", "funding", "documents"):
        pd.testing.assert_frame_equal(again.date_bounds(name), parsed.typed_dates[name], check_dtype=False)
    prepared = prepare_portfolio(again)
    pd.testing.assert_frame_equal(prepared.dates, expected.dates, check_dtype=False)
    pd.testing.assert_series_equal(prepared.value_dates, expected.value_dates, check_dtype=False)
    assert prepared.dates["start_first"].notna().any()  # the sample and synthetic projects have dates


def test_a_damaged_copy_is_parsed_again_and_rewritten(version, caplog):
    stored, paths, parsed = version
    load_version_portfolio(stored.id, paths)
    folder = storage.columnar_dir(stored.id, code_fingerprint())
    (folder / "funding.arrow").write_bytes(b"not arrow")
    again = load_version_portfolio(stored.id, paths)
    assert again.funding["flow_id"].tolist() == parsed.funding["flow_id"].tolist()
    assert "unreadable" in caplog.text
    assert load_columnar(folder) is not None  # rewritten


def test_other_code_does_not_reuse_the_copy(version, monkeypatch):
    stored, paths, _ = version
    load_version_portfolio(stored.id, paths)
    monkeypatch.setattr(columnar, "code_fingerprint", lambda: "0123456789abcdef")
    calls = []
    real = columnar.load_intake
    monkeypatch.setattr(columnar, "load_intake", lambda p: calls.append(p) or real(p))
    load_version_portfolio(stored.id, paths)
    assert len(calls) == 1


def test_garbage_collection_keeps_the_copy(version):
    stored, paths, _ = version
    load_version_portfolio(stored.id, paths)
    storage.collect_garbage()
    assert load_columnar(storage.columnar_dir(stored.id, code_fingerprint())) is not None


def test_a_saved_mapping_profile_does_not_reuse_the_copy(version, monkeypatch):
    from data.intake.mapping import MappingProfile, save_profile

    stored, paths, _ = version
    load_version_portfolio(stored.id, paths)
    save_profile(MappingProfile("partner-x", columns={"Ref": "project_id"}), files.data_dir())
    calls = []
    real = columnar.load_intake
    monkeypatch.setattr(columnar, "load_intake", lambda p: calls.append(p) or real(p))
    load_version_portfolio(stored.id, paths)  # the files may read differently now: parsed again
    load_version_portfolio(stored.id, paths)  # and that parse is reused while the profiles stay the same
    assert len(calls) == 1


def test_parse_kept_at_confirm_is_what_the_files_give(version, monkeypatch):
    # The copy written from the upload's parse must equal the stored files' own parse (file names become the
    # stored paths), and the first load then reads it without parsing.
    stored, paths, parsed = version
    from data.intake import load_intake

    from_files = load_intake(paths).portfolio
    columnar.save_parsed(stored.id, paths, parsed, columnar.parse_fingerprint())
    monkeypatch.setattr(columnar, "load_intake", lambda *_: pytest.fail("parsed again"))
    loaded = load_version_portfolio(stored.id, paths)
    for name in columnar.TABLES:
        pd.testing.assert_frame_equal(loaded.table(name), _canonical(from_files.table(name)))
    assert [r.as_dict() for r in loaded.reports] == [r.as_dict() for r in from_files.reports]


def test_parse_from_other_profiles_is_not_kept(version):
    stored, paths, parsed = version
    columnar.save_parsed(stored.id, paths, parsed, "0" * 16)  # parsed before a profile was saved
    assert not storage.columnar_dir(stored.id, columnar.parse_fingerprint()).exists()


def test_text_columns_read_back_as_str_or_none(version, tmp_path):
    _, _, parsed = version
    save_columnar(tmp_path / "copy", parsed)
    loaded = load_columnar(tmp_path / "copy")
    for name in columnar.TABLES:
        frame, expected = loaded.table(name), _canonical(parsed.table(name))
        for column in [c for c in expected.columns if expected[c].dtype == object]:
            assert frame[column].dtype == object, (name, column)
            assert [None if v is None else type(v) for v in frame[column].tolist()] == [
                None if v is None else type(v) for v in expected[column].tolist()], (name, column)


def test_copies_older_code_made_are_removed_and_the_current_ones_kept(version, monkeypatch):
    """Each change to data/ parses into a new folder (~100 MB per 100,000-project version): the old ones go."""
    from data import prepared_store

    stored, paths, _ = version
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "code_fingerprint", lambda: "0123456789abcdef")
        load_version_portfolio(stored.id, paths)  # a copy made by other code
    old = storage.columnar_dir(stored.id, "0123456789abcdef")
    load_version_portfolio(stored.id, paths)
    current = storage.columnar_dir(stored.id, code_fingerprint())
    pieces = prepared_store.prepared_file(current)
    kept = [pieces, pieces.with_name(f"{pieces.stem}-converted-{prepared_store._rates_key()}-EUR.npz")]
    stale = [current / "prepared-00000000deadbeef.npz",  # another format or pandas
             pieces.with_name(f"{pieces.stem}-converted-0000000000000000-EUR.npz")]  # another rate file
    for path in kept + stale:
        path.write_bytes(b"x")
    assert old.is_dir() and current.is_dir()

    removed = columnar.collect_stale_copies()

    assert sorted(removed) == sorted(str(p) for p in [old, *stale])
    assert not old.exists() and all(p.exists() for p in kept) and not any(p.exists() for p in stale)
    assert load_columnar(current) is not None
    assert columnar.collect_stale_copies() == []


def test_store_gc_reports_the_stale_copies_it_removed(version, monkeypatch, capsys):
    from data.__main__ import main

    stored, paths, _ = version
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "code_fingerprint", lambda: "0123456789abcdef")
        load_version_portfolio(stored.id, paths)
    assert main(["store", "gc", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stale_copies"] == 1


@pytest.mark.parametrize("rows", [0, 1, 40])
def test_repeated_text_is_read_by_distinct_value_exactly(version, tmp_path, rows):
    _, _, parsed = version
    flows = parsed.funding.iloc[:0] if rows == 0 else pd.concat([parsed.funding] * (1 + rows // len(parsed.funding)))
    flows = flows.iloc[:rows].reset_index(drop=True)
    # a donor column of two names and empty cells: read as a dictionary (>= 10 rows per name), None kept None
    donors = pd.Series([("Sweden", None, "Sweden", "Norway")[k % 4] for k in range(rows)], dtype=object)
    portfolio = parsed.__class__(**{**{name: parsed.table(name) for name in columnar.TABLES},
                                    "funding": flows.assign(donor=donors)}, reports=parsed.reports,
                                 unreadable=parsed.unreadable)
    save_columnar(tmp_path / "copy", portfolio)
    stored = feather.read_table(tmp_path / "copy" / f"funding{columnar.SUFFIX}").schema.field("donor").type
    assert pa.types.is_dictionary(stored) is (rows == 40)
    loaded = load_columnar(tmp_path / "copy").funding
    pd.testing.assert_frame_equal(loaded, _canonical(portfolio.funding), check_exact=True)
    assert [type(v) for v in loaded["donor"]] == [type(v) for v in donors]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "", None]) | st.text(max_size=3), max_size=60))
@example(["a"] * 10)
@example(["a"] * 9)
@example(["a"] * 10 + ["b"])
@example([f"id{i}" for i in range(30)])
@example([None] * 12)
def test_a_repeated_column_is_found_as_nunique_finds_it(values):
    from data.columnar import _repeats

    column = pd.Series(values, dtype=object)
    third = len(values) // 3  # two chunks: the first tenth may end in either
    chunks = [pa.array(part, type=pa.string()) for part in (values[:third], values[third:])]
    assert _repeats(pa.chunked_array(chunks)) \
        is (len(column) >= 10 * max(column.nunique(dropna=True), 1))
