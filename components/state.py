"""Cached loading at the edge and the sidebar settings shared by every page.

The data in use is the ACTIVE stored version (data.storage: chosen on the Data page, kept on disk across
restarts), else the embedded sample. The cache key is the version id plus every file's path and modification
time, so a confirmed upload or a restore is seen on the next rerun of every session."""
from __future__ import annotations

import gc
import os
from pathlib import Path

import streamlit as st

from components.filters import render_language_currency
from data.columnar import collect_stale_copies, load_intake, load_version_portfolio, prepared_path
from data.portfolio import SAMPLE_FILES, Portfolio
from data.prepared import PreparedPortfolio, prepare_portfolio
from data.storage import SAMPLE_ID, active_version, collect_garbage, datasets_dir, version_paths

FileKeys = tuple[str, tuple[tuple[str, float], ...]]


def _file_keys(paths: tuple[Path, ...], version_id: str = SAMPLE_ID) -> FileKeys:
    # Keyed on path and modification time so an edited file is re-read.
    return version_id, tuple((str(p), os.path.getmtime(p) if os.path.exists(p) else 0.0) for p in paths)


def active_dataset() -> tuple[str, tuple[Path, ...]]:
    """(version id or "sample", the files to load) of the data in use."""
    version = active_version()
    if version is None:
        return SAMPLE_ID, tuple(SAMPLE_FILES)
    return version.id, tuple(version_paths(version))


def _keys(paths: tuple[Path, ...] | None) -> FileKeys:
    if paths is None:
        version_id, paths = active_dataset()
        return _file_keys(paths, version_id)
    return _file_keys(tuple(paths), "paths")


@st.cache_resource(show_spinner=False, max_entries=4)
def _prepared(file_keys: FileKeys) -> PreparedPortfolio:
    # cache_resource: one read-only model per dataset version shared by every session (cache_data would unpickle
    # a full copy of the portfolio for each call).
    paths = [Path(p) for p, _ in file_keys[1]]
    if file_keys[0] in (SAMPLE_ID, "paths"):
        prepared = prepare_portfolio(load_intake(paths).portfolio)
    else:  # parquet and the prepared pieces after the first parse
        prepared = prepare_portfolio(load_version_portfolio(file_keys[0], paths), prepared_path(file_keys[0]))
    # The model lives as long as the process and is never mutated: out of the cyclic collector's reach, a full
    # collection no longer walks it in the middle of a page's render (0.5 s of a first render at 10,000 projects).
    # No collection first: loading leaves no garbage cycles to free (gc.collect() found none), only its cost.
    gc.freeze()
    return prepared


def get_prepared(paths: tuple[Path, ...] | None = None) -> PreparedPortfolio:
    """The prepared model (data.prepared) of the data in use, or of the given files."""
    return _prepared(_keys(paths))


def get_portfolio(paths: tuple[Path, ...] | None = None) -> Portfolio:
    """The validated portfolio in use (the active stored version, else the sample), or of the given files.
    Shared by every session: read it, never modify it."""
    return get_prepared(paths).portfolio


@st.cache_resource(show_spinner=False)
def _housekeeping(store: str) -> None:
    collect_garbage()  # what saves killed before this start left: .tmp-* files, unreferenced blobs
    collect_stale_copies()  # parquet copies and prepared files older code made (~100 MB per 100k version)


def run_housekeeping() -> None:
    """Clean the version store once per server process (and per store: tests switch DASHBOARD_DATA_DIR)."""
    _housekeeping(str(datasets_dir()))


def clear_cache() -> None:
    """Forget every loaded dataset (after a new version is confirmed or an older one restored)."""
    _prepared.clear()


def render_settings() -> tuple[str, str]:
    """Language and reporting-currency selectors in the sidebar, kept in the URL (?lang=, ?cur=); returns
    (lang, currency). Pages with the shared filters use components.filters.render_filters instead."""
    return render_language_currency()
