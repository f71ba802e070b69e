"""Column mapping on the Data page: tell the app once what a sheet's columns mean, saved as a mapping profile.

Pure `make_*` helpers build the column table, the value choices and the profile; `render_*` draw the editor and
the list of profiles (list, edit as text, export, import, delete). Every action re-checks the editor role, so the
page can also show these only to editors."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.i18n import t
from components.state import clear_cache
from components.tables import render_table
from data.currency import supported_currencies
from data.intake.aliases import canonical_headers
from data.intake.mapping import (
    IGNORE,
    TARGETS,
    MappingProfile,
    ProfileError,
    ProfileSet,
    delete_profile,
    format_profile,
    header_key,
    match_profile,
    parse_profile,
    profiles_dir,
    save_profile,
)
from data.intake.readers import UnreadableFileError, parse_table_bytes
from data.intake.values import ValueParseError, parse_code_label
from data.schema import ACTIVITY_STATUS, COLUMN_LABELS, TRANSACTION_TYPES
from files import data_dir

logger = logging.getLogger(__name__)

SAMPLES = 3
MAX_VALUES = 15  # distinct codes offered for a value map; more means the column is not a code list
CODED = {"activity_status": ACTIVITY_STATUS, "transaction_type": TRANSACTION_TYPES}
FLASH_KEY, PENDING_KEY = "_mapping_flash", "_data_pending"  # the upload report is prepared again after a save
PREFIX = "map"


# ------------------------------------------------------------------ pure helpers

def make_sheets(uploads: Sequence[tuple[str, bytes]]) -> dict[str, pd.DataFrame]:
    """Table sheets of the uploaded CSV and XLSX files (source → raw frame); IATI XML and unreadable files skipped."""
    sheets = {}
    for name, data in uploads:
        if name.lower().endswith(".xml"):
            continue
        try:
            tables = parse_table_bytes(data, name)
        except UnreadableFileError:
            continue  # the upload report already says why
        sheets.update({table.source: table.frame for table in tables})
    return sheets


def make_column_table(frame: pd.DataFrame, profile: MappingProfile | None = None) -> pd.DataFrame:
    """One row per source column: its header, sample values and the best guess (the profile's, else the alias
    table's, else ignore)."""
    headers = [c for c in frame.columns if not str(c).startswith("_")]
    known = {header_key(h): target for h, target in (profile.columns.items() if profile else ())}
    aliases = canonical_headers([str(h) for h in headers]).mapping
    rows = []
    for header in headers:
        values = [str(v).strip() for v in frame[header] if str(v).strip()]
        samples = list(dict.fromkeys(values))[:SAMPLES]
        guess = known.get(header_key(header)) or aliases.get(str(header)) or IGNORE
        rows.append({"column": str(header), "samples": " | ".join(samples), "guess": guess})
    return pd.DataFrame(rows, columns=["column", "samples", "guess"])


def make_value_choices(frame: pd.DataFrame, column: str, target: str) -> list[tuple[str, str]]:
    """(value, guessed code or '') for the distinct values of a coded column the app does not read by itself."""
    values = list(dict.fromkeys(str(v).strip() for v in frame[column] if str(v).strip()))
    if target not in CODED or len(values) > MAX_VALUES:
        return []
    out = []
    for value in values:
        try:
            parse_code_label(target, value)
        except ValueParseError:
            out.append((value, ""))
    return out


def make_profile(name: str, label: str, choices: dict[str, str], facts: dict[str, str], group_key: Sequence[str],
                 values: dict[str, dict[str, str]]) -> MappingProfile:
    """The profile an editor's choices describe; ProfileError when it cannot work."""
    mapped = {h: c for h, c in choices.items() if c != IGNORE}
    if not mapped:
        raise ProfileError("map at least one column")
    if "amount" in mapped.values() and "currency" not in mapped.values() and not facts.get("currency"):
        raise ProfileError("amounts need a currency: choose the currency column or the file's currency")
    if "project_id" not in mapped.values() and not group_key:
        raise ProfileError("choose the project id column or the columns that together identify a project")
    text = format_profile(MappingProfile(
        name=name.strip(), label=label.strip() or name.strip(), columns=dict(choices),
        signature=tuple(mapped), facts={k: v for k, v in facts.items() if v}, group_key=tuple(group_key),
        values={c: {k: v for k, v in m.items() if v} for c, m in values.items() if any(m.values())}))
    return parse_profile(text, name)  # the same checks as an imported file


def make_profiles_table(profiles: dict[str, MappingProfile], saved: set[str], lang: str) -> pd.DataFrame:
    return pd.DataFrame([{
        t("mapping.col.name", lang): p.name, t("mapping.col.label", lang): p.label,
        t("mapping.col.origin", lang): t("mapping.origin.saved" if p.name in saved else "mapping.origin.shipped",
                                         lang),
        t("mapping.col.columns", lang): sum(target != IGNORE for target in p.columns.values()),
    } for p in profiles.values()])


def target_label(target: str, lang: str) -> str:
    if target == IGNORE:
        return t("mapping.ignore", lang)
    if target == "country":
        return t("mapping.country_column", lang)
    return f"{COLUMN_LABELS.get(target, {}).get(lang, target)} ({target})"


def code_label(target: str, code: str, lang: str) -> str:
    if not code:
        return t("mapping.value.as_is", lang)
    return f"{code} — {CODED[target][int(code)][lang]}"


# ------------------------------------------------------------------ actions

def _flash(kind: str, message: str) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def _editor(lang: str) -> bool:
    if current_user().is_editor:
        return True
    _flash("error", t("auth.editors_only", lang))
    return False


def _saved(profile: MappingProfile, lang: str) -> None:
    path = save_profile(profile, data_dir())
    st.session_state.pop(PENDING_KEY, None)  # the upload is read again, now with this profile
    clear_cache()  # stored versions are read with the profiles too
    _flash("success", t("mapping.saved", lang, name=profile.name, path=str(path)))


def _on_save(source: str, headers: list[str], lang: str) -> None:
    if not _editor(lang):
        return
    key = _key(source)
    choices = {h: st.session_state.get(f"{key}_col_{i}") or IGNORE for i, h in enumerate(headers)}
    values = {}
    for i, h in enumerate(headers):
        target = choices[h]
        prefix = f"{key}_val_{i}_"
        picked = {k[len(prefix):]: v for k, v in st.session_state.items() if str(k).startswith(prefix)}
        if target in CODED and picked:
            values[target] = {st.session_state.get(f"{key}_valname_{i}_{n}", ""): v or "" for n, v in picked.items()}
    facts = {"currency": st.session_state.get(f"{key}_currency") or "",
             "transaction_type": st.session_state.get(f"{key}_tt") or "", "country": "CD"}
    try:
        profile = make_profile(st.session_state.get(f"{key}_name") or "", st.session_state.get(f"{key}_label") or "",
                               choices, facts, st.session_state.get(f"{key}_group") or [], values)
        _saved(profile, lang)
    except (ProfileError, OSError) as exc:
        _flash("error", t("mapping.save_failed", lang, reason=str(exc)))


def _on_import(lang: str) -> None:
    if not _editor(lang):
        return
    upload = st.session_state.get("map_import")
    if upload is None:
        return
    try:
        _saved(parse_profile(upload.getvalue().decode("utf-8"), upload.name), lang)
    except (ProfileError, UnicodeDecodeError, OSError) as exc:
        _flash("error", t("mapping.save_failed", lang, reason=str(exc)))


def _on_edit(name: str, lang: str) -> None:
    if not _editor(lang):
        return
    try:
        profile = parse_profile(st.session_state.get(f"map_text_{name}") or "", name)
        _saved(profile, lang)
    except (ProfileError, OSError) as exc:
        _flash("error", t("mapping.save_failed", lang, reason=str(exc)))


def _on_delete(name: str, lang: str) -> None:
    if not _editor(lang):
        return
    if delete_profile(name, data_dir()):
        st.session_state.pop(PENDING_KEY, None)
        clear_cache()
        _flash("success", t("mapping.deleted", lang, name=name))


def _key(source: str) -> str:
    return f"{PREFIX}_{hashlib.sha1(source.encode()).hexdigest()[:8]}"


# ------------------------------------------------------------------ rendering

def render_mapping_flash() -> None:
    held = st.session_state.pop(FLASH_KEY, None)
    if held:
        getattr(st, held[0])(held[1])


def render_mapping(uploads: Sequence[tuple[str, bytes]] | None, lang: str) -> None:
    """For each uploaded sheet: its columns with samples and the best guess, the editor's choices, save."""
    if not uploads:
        return
    profiles = ProfileSet.load(data_dir()).profiles
    st.markdown(f"**{t('mapping.title', lang)}**")
    st.caption(t("mapping.caption", lang))
    for source, frame in make_sheets(uploads).items():
        profile = match_profile(frame, profiles)
        title = t("mapping.sheet.known", lang, sheet=source.split("/")[-1], profile=profile.name) if profile \
            else t("mapping.sheet", lang, sheet=source.split("/")[-1])
        with st.expander(title, expanded=profile is None):
            render_sheet_mapping(source, frame, profile, lang)


def render_sheet_mapping(source: str, frame: pd.DataFrame, profile: MappingProfile | None, lang: str) -> None:
    key = _key(source)
    table = make_column_table(frame, profile)
    headers = list(table["column"])
    options = [IGNORE, *TARGETS]
    for i, row in enumerate(table.itertuples(index=False)):
        left, right = st.columns([2, 3])
        left.selectbox(row.column, options, index=options.index(row.guess) if row.guess in options else 0,
                       format_func=lambda c: target_label(c, lang), key=f"{key}_col_{i}")
        right.caption(t("mapping.samples", lang, values=row.samples or "—"))
        target = st.session_state.get(f"{key}_col_{i}") or row.guess
        for n, (value, guess) in enumerate(make_value_choices(frame, row.column, target)):
            codes = ["", *map(str, CODED[target])]
            st.session_state[f"{key}_valname_{i}_{n}"] = value
            st.selectbox(t("mapping.value", lang, value=value), codes, index=codes.index(guess),
                         format_func=lambda c, target=target: code_label(target, c, lang), key=f"{key}_val_{i}_{n}")
    st.markdown(f"**{t('mapping.facts', lang)}**")
    currencies = ["", *sorted(supported_currencies())]
    known = profile.facts if profile else {}
    st.selectbox(t("mapping.currency", lang), currencies, key=f"{key}_currency",
                 index=currencies.index(known.get("currency", "")) if known.get("currency", "") in currencies else 0,
                 format_func=lambda c: c or t("mapping.currency.none", lang), help=t("mapping.currency.help", lang))
    types = ["", *map(str, TRANSACTION_TYPES)]
    stated = known.get("transaction_type", "")
    st.selectbox(t("mapping.transaction_type", lang), types, key=f"{key}_tt",
                 index=types.index(stated) if stated in types else 0,
                 format_func=lambda c: code_label("transaction_type", c, lang) if c else t("mapping.tt.none", lang))
    st.multiselect(t("mapping.group", lang), headers, key=f"{key}_group", help=t("mapping.group.help", lang),
                   default=[h for h in (profile.group_key if profile else ()) if h in headers])
    st.text_input(t("mapping.name", lang), key=f"{key}_name", value=profile.name if profile else "",
                  help=t("mapping.name.help", lang))
    st.text_input(t("mapping.label", lang), key=f"{key}_label", value=profile.label if profile else "")
    st.button(t("mapping.save", lang), key=f"{key}_save", type="primary", on_click=_on_save,
              args=(source, headers, lang))


def render_profiles(lang: str) -> None:
    """Every profile: listed; saved ones editable as text and deletable; each exportable; a file importable."""
    st.subheader(t("mapping.profiles", lang))
    st.caption(t("mapping.profiles.caption", lang))
    profiles = ProfileSet.load(data_dir()).profiles
    saved = {p.stem for p in profiles_dir(data_dir()).glob("*.toml")}
    render_table(make_profiles_table(profiles, saved, lang))
    for name, profile in profiles.items():
        with st.expander(t("mapping.profile", lang, name=name)):
            text = format_profile(profile)
            st.download_button(t("mapping.export", lang), data=text.encode("utf-8"), file_name=f"{name}.toml",
                               mime="application/toml", key=f"map_export_{name}")
            st.text_area(t("mapping.edit", lang), value=text, key=f"map_text_{name}", height=240)
            st.button(t("mapping.edit.save", lang), key=f"map_edit_{name}", on_click=_on_edit, args=(name, lang))
            if name in saved:
                st.button(t("mapping.delete", lang), key=f"map_delete_{name}", on_click=_on_delete,
                          args=(name, lang))
    st.file_uploader(t("mapping.import", lang), type=["toml"], key="map_import", on_change=_on_import,
                     args=(lang,))


__all__ = ["make_column_table", "make_profile", "make_sheets", "make_value_choices", "render_mapping",
           "render_mapping_flash", "render_profiles"]
