"""What a cell holds, judged one way everywhere: missing or not, and its text folded for comparison (pandas only)."""
from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, NA, NaT and blank strings: the canonical 'not published'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # a list or an array is a value, not a missing one


def fold_text(text: object) -> str:
    """Compatibility-normalise, casefold and strip accents; NBSP and narrow NBSP become plain spaces."""
    text = unicodedata.normalize("NFKC", str(text)).replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def fold_words(text: object) -> str:
    """Fold a label, a header or a name for lookup: accents, case, ligatures, punctuation and spacing do not
    matter ('Date de début :' → 'date de debut', 'Mise en Œuvre' → 'mise en oeuvre', 'SE-0' → 'se 0'). Letters
    of other scripts are kept, so two names in Arabic or Chinese do not fold to the same empty key."""
    if text.__class__ is str and len(text) <= FOLDS_KEPT_CHARS:
        return _fold_words_kept(text)  # the same organisations, sectors and places on every row of an upload
    return _fold_words(text)


FOLDS_KEPT = 4096  # distinct short texts whose folded form is remembered
FOLDS_KEPT_CHARS = 200


def _fold_words(text: object) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold_text(text)).split())


_fold_words_kept = functools.lru_cache(maxsize=FOLDS_KEPT)(_fold_words)


_ONE_TYPE = ("string", "empty", "integer", "floating", "boolean")  # columns pandas factorizes (missing cells apart)


def distinct_cells(values: list) -> tuple[np.ndarray, list]:
    """(index of each cell's distinct value, the distinct values), so that a column's cells are each read or checked
    once. Columns of strings (or of ints, floats, bools) are factorized by pandas; other cells (missing ones
    included: None and NaN stay apart) are keyed by type and value (1, 1.0 and True read differently), and an
    unhashable cell is its own value."""
    array = np.fromiter(values, dtype=object, count=len(values))  # a list or a tuple in a cell stays one cell
    if values and pd.api.types.infer_dtype(array, skipna=True) in _ONE_TYPE:
        codes, found = pd.factorize(array)
        uniques = list(found)
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            cells = [values[i] for i in missing.tolist()]
            if cells.count(None) == len(cells):  # the usual missing cell, or a column the table does not have
                codes[missing] = len(uniques)
                uniques.append(None)
            else:
                others, other_uniques = _keyed(cells)
                codes[missing] = others + len(uniques)
                uniques += other_uniques
        return codes, uniques
    return _keyed(values)


def _keyed(values: list) -> tuple[np.ndarray, list]:
    index: dict[object, int] = {}
    uniques: list = []
    codes: list[int] = []
    for value in values:
        try:
            code = index.setdefault(value if value.__class__ is str else (value.__class__, value), len(uniques))
        except TypeError:
            code = len(uniques)
        if code == len(uniques):
            uniques.append(value)
        codes.append(code)
    return np.asarray(codes, dtype=np.intp), uniques


def distinct_rows(columns: list[list]) -> tuple[np.ndarray, list[int]]:
    """(index of each row's distinct combination of cells, the first position holding each combination), the
    cells compared as distinct_cells compares them."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = distinct_cells(values)
        key = pd.factorize(key * len(uniques) + codes)[0]
    return key, np.unique(key, return_index=True)[1].tolist()


def positions_of(codes: np.ndarray, wanted: list[int]) -> list[int]:
    """The positions whose code (as given by distinct_cells) is one of `wanted`, in order."""
    if not wanted:
        return []
    chosen = np.zeros(int(codes.max()) + 1, dtype=bool)
    chosen[wanted] = True
    return np.flatnonzero(chosen[codes]).tolist()


def column_cells(frame: pd.DataFrame, name: str) -> list:
    """The cells of one column as a list of native values; under a repeated header, the last column's (as a row
    read into a dict would have them)."""
    column = frame[name]
    if isinstance(column, pd.DataFrame):
        column = column.iloc[:, -1]
    return column.tolist()
