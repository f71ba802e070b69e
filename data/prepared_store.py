"""The prepared model's per-dataset pieces (integer indexes, share table, years, dates) kept as one .npz beside a
version's parquet copy, so a restart reads arrays instead of re-deriving them (~4 s at 100,000 projects).

A cache, never the record: the file name carries a key of the code that derives the pieces (the folder is already
keyed on data/'s fingerprint), and a file that is absent, stale, truncated or of the wrong shape is ignored (then
derived again and rewritten). Only plain arrays are stored (np.load with allow_pickle=False): text as fixed-width
unicode with a mask of the missing values, so loading one never runs code from the data directory."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.filters import FilterIndex, FilterOptions
from data.portfolio import Portfolio
from files import atomic_write
from geo.allocation import AllocationIndex, ShareTable, TerritorySplit

FORMAT = 2  # raise when what is stored changes shape
SEPARATOR = "\0"  # between the texts of one column; a column holding it is not stored
ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


class _NotStorable(ValueError):
    """A value outside what the format keeps (e.g. an object column holding numbers): the pieces are not saved."""


@functools.lru_cache(maxsize=1)
def prepared_key() -> str:
    """sha256 (first 16 hex digits) of the format, the library versions and the code outside data/ that derives the
    pieces (geo/allocation.py): data/ is in the folder's own fingerprint."""
    digest = hashlib.sha256(f"{FORMAT}\0{pd.__version__}\0{np.__version__}\0".encode())
    digest.update((ROOT / "geo" / "allocation.py").read_bytes())
    return digest.hexdigest()[:16]


def prepared_file(folder: Path) -> Path:
    """Where the pieces of the version whose parquet copy is in `folder` are kept."""
    return folder / f"prepared-{prepared_key()}.npz"


def is_current_file(name: str) -> bool:
    """Whether a file of a parquet folder named `name` is one this code reads (pieces, allocation indexes and
    converted flows of the current key and rate file); the others are left by older code or older rates."""
    stem = f"prepared-{prepared_key()}"
    return name == f"{stem}.npz" or name.startswith((f"{stem}-allocation-{_rates_key()}-",
                                                     f"{stem}-converted-{_rates_key()}-",
                                                     f"{stem}-result-{_rates_key()}-"))


class _Packer:
    """Values turned into a JSON description and numbered arrays (and back, with `arrays` read from the file)."""

    def __init__(self, arrays: dict[str, np.ndarray] | None = None):
        self.arrays: dict[str, np.ndarray] = {} if arrays is None else arrays

    def _put(self, array: np.ndarray) -> str:
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return name

    def pack_values(self, values: np.ndarray) -> dict:
        if values.dtype == object and len(values) and all(type(v) is tuple for v in values.tolist()):
            # e.g. by_unit's project ids per province: every item's texts in one column, with the counts
            flat = [v for items in values.tolist() for v in items]
            return {"t": "tuples", "v": self.pack_values(np.fromiter(flat, dtype=object, count=len(flat))),
                    "n": self.pack_values(np.array([len(items) for items in values.tolist()], dtype=np.int64))}
        if values.dtype == object:
            # by distinct value (ids once each, names and dates a few times over many rows): codes and the values
            codes, uniques = pd.factorize(values)
            missing = codes < 0
            if not all(v is None for v in values[missing].tolist()):
                raise _NotStorable("an object array holding NaN or another missing marker than None")
            distinct = uniques.tolist()
            at = self._put(codes.astype(np.int32))
            if distinct and all(type(v) is dt.date for v in distinct):  # e.g. the rate dates of converted flows
                return {"t": "dates", "a": self._put(np.array(distinct, dtype="datetime64[D]")), "c": at}
            if not all(type(v) is str for v in distinct):
                raise _NotStorable("an object array holding more than text and None")
            joined = SEPARATOR.join(distinct)
            if joined.count(SEPARATOR) != max(len(distinct) - 1, 0):
                raise _NotStorable("text holding the separator")
            # one UTF-8 buffer split on load (a fixed-width unicode array was 4 bytes × the longest text per item)
            return {"t": "text", "a": self._put(np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)),
                    "n": len(distinct), "c": at}
        if values.dtype.hasobject or values.dtype.kind not in "biufmM":
            raise _NotStorable(f"dtype {values.dtype}")
        if values.dtype == np.int64 and (not len(values) or -2**31 <= values.min() and values.max() < 2**31):
            # codes and positions: half the file as int32, widened again on load (~1 ms per million)
            return {"t": "int32", "a": self._put(values.astype(np.int32))}
        return {"t": "array", "a": self._put(values)}

    def unpack_values(self, spec: dict) -> np.ndarray:
        if spec["t"] == "tuples":
            flat, counts = self.unpack_values(spec["v"]).tolist(), self.unpack_values(spec["n"])
            if len(flat) != counts.sum() or (counts < 0).any():
                raise ValueError("tuples of another length than stored")
            ends = np.cumsum(counts).tolist()
            tuples = np.empty(len(ends), dtype=object)
            tuples[:] = [tuple(flat[a:b]) for a, b in zip([0, *ends[:-1]], ends)]
            return tuples
        if spec["t"] == "array":
            return self.arrays[spec["a"]]
        if spec["t"] == "int32":
            return self.arrays[spec["a"]].astype(np.int64)
        distinct, codes = self._distinct(spec)
        table = np.empty(len(distinct) + 1, dtype=object)  # the last slot: None, which code −1 reads
        table[:-1] = distinct
        return table[codes]

    def _distinct(self, spec: dict) -> tuple[list, np.ndarray]:
        """(the distinct values, each row's code: −1 for None) of a "dates" or "text" spec."""
        if spec["t"] == "dates":  # datetime.date, as stored
            distinct = self.arrays[spec["a"]].tolist()
        else:
            distinct = self.arrays[spec["a"]].tobytes().decode("utf-8").split(SEPARATOR) if spec["n"] else []
            if len(distinct) != spec["n"]:
                raise ValueError("text of another length than stored")
        codes = self.arrays[spec["c"]]
        if len(codes) and (codes.min() < -1 or codes.max() >= len(distinct)):
            raise ValueError("codes outside the stored values")
        return distinct, codes

    def pack_column(self, column: pd.Series | pd.Index) -> dict:
        dtype = column.dtype
        if isinstance(dtype, pd.StringDtype):  # e.g. dates' *_text columns: missing as the dtype's own NA
            values = column.to_numpy(dtype=object, na_value=None)
            return {"t": "string", "v": self.pack_values(values), "storage": dtype.storage,
                    "nan": dtype.na_value is np.nan}
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            raise _NotStorable(f"dtype {dtype}")
        return self.pack_values(column.to_numpy())

    def unpack_column(self, spec: dict) -> np.ndarray | pd.api.extensions.ExtensionArray:
        if spec["t"] == "string":
            dtype = pd.StringDtype(spec["storage"], na_value=np.nan if spec["nan"] else pd.NA)
            if spec["storage"] == "pyarrow" and spec["v"]["t"] == "text":
                # the distinct texts taken by their codes in Arrow: no Python text per row (the dates' *_text
                # columns were ~0.2 s of a 100k restart)
                distinct, codes = self._distinct(spec["v"])
                taken = pc.take(pa.array(distinct, type=pa.large_string()), pa.array(codes, mask=codes < 0))
                return dtype.construct_array_type()(taken, dtype=dtype)
            return pd.array(self.unpack_values(spec["v"]), dtype=dtype)
        return self.unpack_values(spec)

    def pack_index(self, index: pd.Index) -> dict:
        if isinstance(index, pd.RangeIndex):
            return {"t": "range", "start": index.start, "stop": index.stop, "step": index.step, "name": index.name}
        if isinstance(index.dtype, pd.StringDtype):  # e.g. a groupby's keys: pandas' str dtype
            return {"t": "text index", "v": self.pack_column(index), "name": index.name}
        if not isinstance(index, pd.MultiIndex) and index.dtype == np.int64:  # e.g. a sorted frame's row labels
            return {"t": "ints", "v": self.pack_values(index.to_numpy()), "name": index.name}
        if isinstance(index, pd.MultiIndex) or index.dtype != object:
            raise _NotStorable(f"index {type(index).__name__} {index.dtype}")
        return {"t": "index", "v": self.pack_values(index.to_numpy()), "name": index.name}

    def unpack_index(self, spec: dict) -> pd.Index:
        if spec["t"] == "range":
            return pd.RangeIndex(spec["start"], spec["stop"], spec["step"], name=spec["name"])
        if spec["t"] == "text index":
            return pd.Index(self.unpack_column(spec["v"]), name=spec["name"])
        if spec["t"] == "ints":
            return pd.Index(self.unpack_values(spec["v"]), dtype=np.int64, name=spec["name"])
        return pd.Index(self.unpack_values(spec["v"]), dtype=object, name=spec["name"])

    def pack_frame(self, frame: pd.DataFrame) -> dict:
        names = list(frame.columns)
        if not all(type(n) is str for n in names):
            raise _NotStorable("column names that are not text")
        return {"t": "frame", "names": names, "columns_dtype": str(frame.columns.dtype),
                "cols": [self.pack_column(frame.iloc[:, k]) for k in range(len(names))],
                "index": self.pack_index(frame.index)}

    def unpack_frame(self, spec: dict) -> pd.DataFrame:
        index = self.unpack_index(spec["index"])
        frame = pd.DataFrame(dict(zip(spec["names"], (_series(self.unpack_column(c), index) for c in spec["cols"]))),
                             index=index)
        frame.columns = pd.Index(spec["names"], dtype=spec["columns_dtype"])
        return frame

    def pack_series(self, series: pd.Series) -> dict:
        if series.name is not None and type(series.name) is not str:
            raise _NotStorable("a series name that is not text")
        return {"t": "series", "v": self.pack_column(series), "index": self.pack_index(series.index),
                "name": series.name}

    def unpack_series(self, spec: dict) -> pd.Series:
        return _series(self.unpack_column(spec["v"]), self.unpack_index(spec["index"]), spec["name"])

    def pack_codes(self, codes: dict) -> dict:
        """A value → code dict whose codes are 0, 1, … in insertion order (as data.filters._factorize makes)."""
        if list(codes.values()) != list(range(len(codes))):
            raise _NotStorable("codes out of order")
        return self.pack_values(np.array(list(codes), dtype=object))

    def unpack_codes(self, spec: dict) -> dict:
        keys = self.unpack_values(spec).tolist()
        return dict(zip(keys, range(len(keys))))


    def pack_value(self, value: object) -> dict:
        """A result of data/ code (PreparedPortfolio.kept): a frame, a series, a TerritorySplit, a frozenset of texts,
        a dict of these by text or number keys, or a JSON scalar (numpy's scalars keep their type)."""
        if isinstance(value, pd.DataFrame):
            return self.pack_frame(value)
        if isinstance(value, pd.Series):
            return self.pack_series(value)
        if type(value) is TerritorySplit:  # the Funding map's territories of every province
            return {"t": "territories", "rows": self.pack_frame(value.rows),
                    "remainders": self.pack_frame(value.remainders)}
        if type(value) is frozenset:
            return {"t": "frozenset", "v": self.pack_values(np.fromiter(value, dtype=object, count=len(value)))}
        if type(value) is dict:  # keys as JSON keeps them: text or whole numbers (e.g. status codes)
            if not all(type(k) in (str, int) for k in value):
                raise _NotStorable("a dict with keys that are not text or whole numbers")
            return {"t": "dict", "keys": list(value), "values": [self.pack_value(v) for v in value.values()]}
        if value is None or type(value) in (bool, int, float, str):
            return {"t": "json", "v": value}
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {"t": "scalar", "dtype": value.dtype.str, "v": value.item()}
        raise _NotStorable(f"a {type(value).__name__}")

    def unpack_value(self, spec: dict) -> object:
        kind = spec["t"]
        if kind == "frame":
            return self.unpack_frame(spec)
        if kind == "series":
            return self.unpack_series(spec)
        if kind == "territories":
            return TerritorySplit(self.unpack_frame(spec["rows"]), self.unpack_frame(spec["remainders"]))
        if kind == "frozenset":
            return frozenset(self.unpack_values(spec["v"]).tolist())
        if kind == "dict":
            return dict(zip(spec["keys"], (self.unpack_value(v) for v in spec["values"]), strict=True))
        if kind == "json":
            return spec["v"]
        if kind == "scalar":
            return np.dtype(spec["dtype"]).type(spec["v"])
        raise ValueError(f"a value of kind {kind!r}")


def _series(values: np.ndarray | pd.api.extensions.ExtensionArray, index: pd.Index, name: str | None = None
            ) -> pd.Series:
    """A Series of exactly these values' dtype: pandas would make text held in an object array its str dtype."""
    return pd.Series(values, index=index, name=name, dtype=values.dtype, copy=False)


def _pack_pieces(packer: _Packer, pieces: dict) -> dict:
    index: FilterIndex = pieces["index"]
    index_spec = {}
    for item in dataclasses.fields(index):
        value = getattr(index, item.name)
        if isinstance(value, dict):
            index_spec[item.name] = {"codes": packer.pack_codes(value)}
        elif isinstance(value, np.ndarray):
            index_spec[item.name] = {"values": packer.pack_values(value)}
        else:
            index_spec[item.name] = {"int": int(value)}
    shares: ShareTable = pieces["shares"]
    meta = {"format": FORMAT,
            "years": packer.pack_frame(pieces["years"]), "members": packer.pack_frame(pieces["members"]),
            "dates": packer.pack_frame(pieces["dates"]), "missing_facts": packer.pack_series(pieces["missing_facts"]),
            "options": dataclasses.asdict(pieces["options"]),
            "shares": {"rows": packer.pack_frame(shares.rows), "placed": packer.pack_series(shares.placed),
                       "hh_placed": packer.pack_series(shares.hh_placed),
                       "explicit_households": packer.pack_series(shares.explicit_households)},
            "index": index_spec}
    return meta


def _unpack_pieces(meta: dict, arrays: dict[str, np.ndarray]) -> dict:
    packer = _Packer(arrays)
    index = {}
    for name, spec in meta["index"].items():
        if "codes" in spec:
            index[name] = packer.unpack_codes(spec["codes"])
        elif "values" in spec:
            index[name] = packer.unpack_values(spec["values"])
        else:
            index[name] = int(spec["int"])
    options = {name: (tuple(value) if isinstance(value, list) else value) for name, value in meta["options"].items()}
    shares = meta["shares"]
    return {"years": packer.unpack_frame(meta["years"]), "members": packer.unpack_frame(meta["members"]),
            "dates": packer.unpack_frame(meta["dates"]), "missing_facts": packer.unpack_series(meta["missing_facts"]),
            "options": FilterOptions(**options),
            "shares": ShareTable(packer.unpack_frame(shares["rows"]), packer.unpack_series(shares["placed"]),
                                 packer.unpack_series(shares["hh_placed"]),
                                 packer.unpack_series(shares["explicit_households"])),
            "index": FilterIndex(**index)}


def _fits(pieces: dict, portfolio: Portfolio) -> bool:
    """Whether the pieces read are of this portfolio's shape (a copy of another version's, or a damaged one, is
    not): every per-row array as long as its table."""
    projects, ix = len(portfolio.projects), pieces["index"]
    lengths = [(pieces["years"], projects), (pieces["dates"], projects), (pieces["missing_facts"], projects),
               (ix.project_id, projects), (ix.ids, projects), (ix.theme, projects), (ix.status, projects),
               (ix.first, projects), (ix.last, projects), (ix.flow_project, len(portfolio.funding)),
               (ix.flow_id, len(portfolio.funding)), (ix.donor, len(portfolio.funding)),
               (ix.recipient, len(portfolio.funding)), (ix.donor_implements, len(portfolio.funding)),
               (ix.place_project, len(portfolio.locations)), (ix.province, len(portfolio.locations)),
               (ix.territory, len(portfolio.locations)), (ix.source_project, len(portfolio.sources)),
               (ix.source_flow, len(portfolio.sources)), (ix.source_always, len(portfolio.sources)),
               (ix.member_org, len(pieces["members"]))]
    return all(len(value) == length for value, length in lengths) and np.array_equal(
        ix.ids, portfolio.projects["project_id"].to_numpy(dtype=object))


def save_prepared(path: Path, pieces: dict) -> bool:
    """Write the pieces (a PreparedPortfolio's years, members, options, shares, dates, index, missing_facts) to
    `path` at once (atomic_write); False, and nothing written, when a value is outside what the format keeps."""
    return _save(path, "prepared pieces", lambda packer: _pack_pieces(packer, pieces))


def load_prepared(path: Path, portfolio: Portfolio) -> dict | None:
    """The pieces save_prepared wrote for `portfolio`, or None when the file is absent, unreadable or not of this
    portfolio's shape (the caller derives them again)."""
    read = _read(path)
    if read is None:
        return None
    meta, packer = read
    try:
        pieces = _unpack_pieces(meta, packer.arrays)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("prepared pieces at %s unreadable (%s): deriving them again", path, exc)
        return None
    return pieces if _fits(pieces, portfolio) else None


@functools.lru_cache(maxsize=1)
def _rates_key() -> str:
    """sha256 (first 16 hex digits) of the bundled ECB rate file: the converted flows an allocation index sums."""
    from currency_converter import CURRENCY_FILE

    return hashlib.sha256(Path(CURRENCY_FILE).read_bytes()).hexdigest()[:16]


def allocation_file(store: Path, currency: str, measure: str) -> Path | None:
    """Where the allocation index of (currency, measure) is kept beside the pieces file `store`; None for a
    currency or measure that is not a plain code (it is then never kept)."""
    if not (currency.isalnum() and measure.isidentifier()):
        return None
    return store.with_name(f"{store.stem}-allocation-{_rates_key()}-{currency}-{measure}.npz")


def save_allocation_index(path: Path, index: AllocationIndex) -> bool:
    """Write an AllocationIndex to `path` at once; False, and nothing written, when it holds what the format does
    not keep."""
    flat = [donor for donors in index.donors for donor in donors]

    def pack(packer: _Packer) -> dict:
        return {"format": FORMAT, "has_donors": bool(index.has_donors),
                "values": {q: packer.pack_values(v) for q, v in index.values.items()},
                "rows": packer.pack_frame(index.rows), "pairs": packer.pack_frame(index.pairs),
                "donors": packer.pack_values(np.array(flat, dtype=object)),
                "donor_counts": packer.pack_values(np.array([len(d) for d in index.donors], dtype=np.int64)),
                **{name: packer.pack_values(getattr(index, name)) for name in _ALLOCATION_ARRAYS}}

    return _save(path, "allocation index", pack)


def load_allocation_index(path: Path, portfolio: Portfolio) -> AllocationIndex | None:
    """The AllocationIndex save_allocation_index wrote for `portfolio`, or None when absent, unreadable or not of
    this portfolio's shape."""
    read = _read(path)
    if read is None:
        return None
    meta, packer = read
    try:
        arrays = {name: packer.unpack_values(meta[name]) for name in _ALLOCATION_ARRAYS}
        flat = packer.unpack_values(meta["donors"]).tolist()
        ends = np.cumsum(packer.unpack_values(meta["donor_counts"])).tolist()
        donors = [tuple(flat[a:b]) for a, b in zip([0, *ends[:-1]], ends)]
        index = AllocationIndex(values={q: packer.unpack_values(v) for q, v in meta["values"].items()},
                                rows=packer.unpack_frame(meta["rows"]), pairs=packer.unpack_frame(meta["pairs"]),
                                donors=donors, has_donors=bool(meta["has_donors"]), **arrays)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("allocation index at %s unreadable (%s): computing it again", path, exc)
        return None
    projects, rows = len(portfolio.projects), len(index.rows)
    lengths = [(index.ids, projects), (index.national, projects), (index.located, projects), (index.placed, projects),
               (index.hh_placed, projects), (index.donors, projects), (index.row_project, rows),
               (index.row_unit, rows), (index.row_id, rows), (index.pair_project, len(index.pairs)),
               *((values, projects) for values in index.values.values())]
    fits = all(len(value) == length for value, length in lengths) and np.array_equal(
        index.ids, portfolio.projects["project_id"].to_numpy(dtype=object))
    return index if fits else None


def converted_file(store: Path, currency: str) -> Path | None:
    """Where the columns every flow gains converted to `currency` are kept beside the pieces file `store`."""
    if not currency.isalnum():
        return None
    return store.with_name(f"{store.stem}-converted-{_rates_key()}-{currency}.npz")


def save_converted(path: Path, columns: dict[str, pd.Series]) -> bool:
    """Write the added columns of converted flows (name → column) at once; False, and nothing written, when one
    holds what the format does not keep."""
    return _save(path, "converted flows", lambda packer: {
        "format": FORMAT, "columns": {name: packer.pack_column(column) for name, column in columns.items()}})


def load_converted(path: Path, rows: int) -> dict | None:
    """The columns save_converted wrote (name → values), or None when absent, unreadable or not `rows` long."""
    read = _read(path)
    if read is None:
        return None
    meta, packer = read
    try:
        columns = {name: packer.unpack_column(spec) for name, spec in meta["columns"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("converted flows at %s unreadable (%s): converting again", path, exc)
        return None
    return columns if columns and all(len(values) == rows for values in columns.values()) else None


def result_file(store: Path, name: str) -> Path | None:
    """Where the whole dataset's result `name` (PreparedPortfolio.kept) is kept beside the pieces file `store`:
    one file per name, holding the key it was computed for; None for a name that is not a plain word."""
    if not name.isidentifier():
        return None
    return store.with_name(f"{store.stem}-result-{_rates_key()}-{name}.npz")


def save_result(path: Path, key: str, value: object) -> bool:
    """Write a result (pack_value) and the key it answers at once; False, and nothing written, when it holds
    what the format does not keep."""
    return _save(path, "result", lambda packer: {"format": FORMAT, "key": key, "value": packer.pack_value(value)})


def load_result(path: Path, key: str) -> tuple[object] | None:
    """(the result save_result wrote for `key`,), or None when absent, unreadable or written for another key
    (another day, currency or measure: the caller computes it again)."""
    read = _read(path)
    if read is None or read[0].get("key") != key:
        return None
    meta, packer = read
    try:
        return (packer.unpack_value(meta["value"]),)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("result at %s unreadable (%s): computing it again", path, exc)
        return None


_ALLOCATION_ARRAYS = ("ids", "national", "located", "placed", "hh_placed", "row_project", "row_unit", "units",
                      "row_id", "row_ids", "pair_project", "donor_order")


def _save(path: Path, what: str, pack: Callable[[_Packer], dict]) -> bool:
    """Write the description `pack` builds into a fresh packer, with the packer's arrays, to `path` at once; False,
    logged, and nothing written when `pack` meets a value the format does not keep."""
    packer = _Packer()
    try:
        meta = pack(packer)
    except _NotStorable as exc:
        log.info("%s not kept (%s)", what, exc)
        return False
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **packer.arrays)
    atomic_write(path, buffer.getvalue())
    return True


def _read(path: Path) -> tuple[dict, _Packer] | None:
    """(description, packer holding the arrays) of a file _save made in this FORMAT, else None."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("prepared file %s unreadable (%s): deriving it again", path, exc)
        return None
    return (meta, _Packer(arrays)) if isinstance(meta, dict) and meta.get("format") == FORMAT else None
