"""Mapping profiles: what a sheet's columns and codes mean, told once, recognised again from the header signature.

A profile is a small TOML file (shipped in `data/mapping_profiles/`, saved in `$DASHBOARD_DATA_DIR/profiles/`):

- `columns`: source header → canonical column, or "ignore". Headers are compared folded (accents, case,
  punctuation, and anything after a line break such as "(Choisir dans la liste déroulante)"), so the order of
  the columns and their spelling do not matter.
- `signature`: the headers that identify the layout (default: every mapped header); a sheet whose headers include
  them all uses the profile without a question.
- `values.<column>`: source value → canonical value (OCHA statuses → IATI codes, "Autre" → empty).
- `empty.<column>`: values that mean "not filled" (a budget of 0).
- `refuse.<column>`: values whose rows are refused, with the reason given.
- `facts`: what the file does not state: currency, transaction_type, org_role, country (ISO alpha-2). A
  currency from the profile is reported on every file it applies to: it is never assumed silently.
- `grouping.key`: source headers whose values together identify a project (organisation + project id);
  `amount = "once"`: a budget repeated on a project's rows is one flow; `counts = "sum"`: rows finer than a
  territory (health zones) are summed per place; `dates = "widest"`: a project runs from its earliest start to
  its latest end.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cells import fold_words, is_missing
from data.intake.readers import Derived
from data.schema import FUNDING, LOCATIONS, PROJECTS, ROW_COLUMN, Problem

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "mapping_profiles"
IGNORE = "ignore"
COUNTRY = "country"  # a column naming the country the rows are about (not a schema column: checked, then dropped)
TARGETS = tuple(dict.fromkeys([*PROJECTS.column_names, *FUNDING.column_names, *LOCATIONS.column_names, COUNTRY]))
FACTS = ("currency", "transaction_type", "org_role", "country")
COUNT_COLUMNS = ("households_targeted", "households_reached", "people_targeted", "people_reached")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HEADER_ROWS_SEARCHED = 10  # a title block above the header row: the signature is looked for in the first rows


class ProfileError(ValueError):
    """A profile file that cannot be used, with the reason."""


def header_key(header: object) -> str:
    """A header as compared: its first line, accents, case and punctuation folded ('ETAT PROJET\\n(Choisir…)')."""
    return fold_words(str(header).strip().split("\n")[0])


value_key = header_key  # values compare the same way ("Mise en oeuvre & rapportage", "mise en œuvre")


@dataclass
class MappingProfile:
    """One sheet layout: column meanings, value maps, file facts and how rows group into projects."""

    name: str
    label: str = ""
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # source header (as written) → target or IGNORE
    signature: tuple[str, ...] = ()  # source headers; empty: every mapped header
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    empty: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refuse: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → reason
    facts: dict[str, str] = field(default_factory=dict)
    fact_notes: dict[str, str] = field(default_factory=dict)
    group_key: tuple[str, ...] = ()
    amount: str = ""  # "once" or ""
    counts: str = ""  # "sum" or ""
    dates: str = ""  # "widest" or ""

    @property
    def signature_keys(self) -> frozenset[str]:
        headers = self.signature or tuple(h for h, t in self.columns.items() if t != IGNORE)
        return frozenset(header_key(h) for h in headers)

    def _targets(self) -> dict[str, str]:
        return {header_key(h): t for h, t in self.columns.items()}


# --- reading and writing profile files -----------------------------------------------------------------------

def parse_profile(text: str, origin: str = "<profile>") -> MappingProfile:
    """A profile from its TOML text; ProfileError naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{origin}: not a readable TOML profile ({exc})") from None
    name = str(data.get("name", "")).strip()
    if not NAME_RE.match(name):
        raise ProfileError(f"{origin}: the profile needs a name of lower-case letters, digits, '-' or '_'")
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    wrong = sorted({v for v in columns.values() if v not in TARGETS and v != IGNORE})
    if wrong:
        raise ProfileError(f"{origin}: unknown target column(s) {', '.join(wrong)}")
    if not columns:
        raise ProfileError(f"{origin}: the profile maps no column")
    facts = {str(k): str(v) for k, v in data.get("facts", {}).items() if k in FACTS}
    grouping = data.get("grouping", {})
    return MappingProfile(
        name=name, label=str(data.get("label", name)), description=str(data.get("description", "")),
        columns=columns, signature=tuple(map(str, data.get("signature", ()))),
        values={c: {value_key(k): str(v) for k, v in m.items()} for c, m in data.get("values", {}).items()},
        empty={c: tuple(value_key(v) for v in vs) for c, vs in data.get("empty", {}).items()},
        refuse={c: {value_key(k): str(v) for k, v in m.items()} for c, m in data.get("refuse", {}).items()},
        facts=facts, fact_notes={str(k): str(v) for k, v in data.get("fact_notes", {}).items()},
        group_key=tuple(map(str, grouping.get("key", ()))), amount=str(grouping.get("amount", "")),
        counts=str(grouping.get("counts", "")), dates=str(grouping.get("dates", "")))


def _toml_value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # JSON string escapes are valid TOML basic strings


def _toml_table(name: str, mapping: dict) -> list[str]:
    if not mapping:
        return []
    return ["", f"[{name}]", *(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in mapping.items())]


def format_profile(profile: MappingProfile) -> str:
    """The profile as TOML text (what is saved, exported and imported)."""
    lines = [f"name = {_toml_value(profile.name)}", f"label = {_toml_value(profile.label)}"]
    if profile.description:
        lines.append(f"description = {_toml_value(profile.description)}")
    if profile.signature:
        lines.append(f"signature = {_toml_value(profile.signature)}")
    lines += _toml_table("columns", profile.columns)
    lines += _toml_table("facts", profile.facts)
    lines += _toml_table("fact_notes", profile.fact_notes)
    grouping = {k: v for k, v in (("key", profile.group_key), ("amount", profile.amount),
                                  ("counts", profile.counts), ("dates", profile.dates)) if v}
    lines += _toml_table("grouping", grouping)
    for column, mapping in profile.values.items():
        lines += _toml_table(f"values.{column}", mapping)
    for column, values in profile.empty.items():
        lines += ["", "[empty]", f"{column} = {_toml_value(values)}"] if column == next(iter(profile.empty)) \
            else [f"{column} = {_toml_value(values)}"]
    for column, mapping in profile.refuse.items():
        lines += _toml_table(f"refuse.{column}", mapping)
    return "\n".join(lines) + "\n"


def profiles_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "profiles"


def load_profiles(data_dir: Path | None) -> dict[str, MappingProfile]:
    """Shipped profiles, then the saved ones (a saved profile with a shipped name replaces it); bad files logged."""
    profiles: dict[str, MappingProfile] = {}
    folders = [SHIPPED_DIR] + ([profiles_dir(data_dir)] if data_dir is not None else [])
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                profile = parse_profile(path.read_text(encoding="utf-8"), str(path))
            except (ProfileError, OSError, UnicodeDecodeError) as exc:
                log.warning("mapping profile skipped: %s", exc)
                continue
            profiles[profile.name] = profile
    return profiles


def save_profile(profile: MappingProfile, data_dir: Path) -> Path:
    """Write the profile atomically as <data dir>/profiles/<name>.toml."""
    folder = profiles_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{profile.name}.toml"
    text = format_profile(profile)
    parse_profile(text, str(path))  # never write a file we could not read back
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def delete_profile(name: str, data_dir: Path) -> bool:
    path = profiles_dir(data_dir) / f"{name}.toml"
    if NAME_RE.match(name) and path.is_file():
        path.unlink()
        return True
    return False


@dataclass
class ProfileSet:
    """The profiles the intake may use, and the one forced for every sheet (`--profile NAME`), if any."""

    profiles: dict[str, MappingProfile] = field(default_factory=dict)
    forced: str | None = None

    @classmethod
    def load(cls, data_dir: Path | None, forced: str | None = None) -> ProfileSet:
        profiles = load_profiles(data_dir)
        if forced is not None and forced not in profiles:
            raise ProfileError(f"no mapping profile named '{forced}' (known: {', '.join(sorted(profiles))})")
        return cls(profiles, forced)

    def choose(self, frame: pd.DataFrame) -> MappingProfile | None:
        if self.forced is not None:
            return self.profiles[self.forced]
        return match_profile(frame, self.profiles)


# --- recognising a sheet -----------------------------------------------------------------------------------

def _data_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not str(c).startswith("_")]


def find_header(frame: pd.DataFrame, profile: MappingProfile) -> int | None:
    """Where the profile's signature is: -1 for the frame's own header, n for its n-th data row, else None."""
    wanted = profile.signature_keys
    if not wanted:
        return None
    if wanted <= {header_key(c) for c in _data_columns(frame)}:
        return -1
    columns = _data_columns(frame)
    for n, row in enumerate(frame[columns].head(HEADER_ROWS_SEARCHED).itertuples(index=False)):
        if wanted <= {header_key(c) for c in row if not is_missing(c)}:
            return n
    return None


def match_profile(frame: pd.DataFrame, profiles: dict[str, MappingProfile]) -> MappingProfile | None:
    """The profile whose signature the sheet carries (the most specific when several do)."""
    found = [p for p in profiles.values() if find_header(frame, p) is not None]
    return max(found, key=lambda p: (len(p.signature_keys), p.name)) if found else None


def _with_header(frame: pd.DataFrame, at: int) -> pd.DataFrame:
    """The frame re-read with its n-th data row as the header (a title block above it is dropped)."""
    if at < 0:
        return frame
    columns = _data_columns(frame)
    header = [str(c).strip() if not is_missing(c) else f"column {i + 1}"
              for i, c in enumerate(frame.iloc[at][columns])]
    body = frame.iloc[at + 1:].copy()
    body.columns = [*header, *[c for c in frame.columns if str(c).startswith("_")]]
    return body.reset_index(drop=True)


# --- which country a sheet is about -------------------------------------------------------------------------

PCODE_LIKE = re.compile(r"^([A-Z]{2})\d{1,6}(?:[A-Z]{2}\d{1,4})?$")
PLACE_HEADER = re.compile(r"pcode|p code|code|adm|admin|location|country|pays|province|region|iso")
HOME = "CD"


def _country_name(alpha2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return getattr(country, "name", alpha2)


def _alpha2(value: str) -> str | None:
    import pycountry

    text = value.strip().upper()
    if len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text)
        return country.alpha_2 if country else None
    return None


def _column_country(values: list[str], share: float) -> list[str] | None:
    """The country codes a column's values carry when at least `share` of them are P-codes or ISO alpha-3."""
    codes = []
    for value in values:
        first = re.split(r"[,;| ]+", value.upper())[0]
        match = PCODE_LIKE.match(first)
        codes.append(match[1] if match else _alpha2(first))
    found = [c for c in codes if c]
    return found if len(found) >= share * len(values) else None


def detect_country(frame: pd.DataFrame, sample: int = 500) -> tuple[str, str] | None:
    """(ISO alpha-2, the column that says so) when the sheet's place codes point to one country, else None.

    Read first from columns whose header (or HXL tag) names a place code or a country: P-codes start with the
    country's alpha-2 code (CD61, AF01, LB63, TD19), FTS locations are ISO alpha-3 (COD, AFG). When no such column
    says anything, any column made almost only of P-codes (≥ 90 %, three distinct values at least) is read. The
    DRC wins whenever one column points to it: a DRC file is never refused for another code column."""
    head = frame.head(sample)
    tags = head.iloc[0] if len(head) else pd.Series(dtype=object)
    named, other = [], []
    for column in _data_columns(head):
        values = [str(v).strip() for v in head[column] if not is_missing(v) and not str(v).startswith("#")]
        if len(values) < 3:
            continue
        label = f"{header_key(column)} {str(tags.get(column, '')).casefold()}"
        (named if PLACE_HEADER.search(label) else other).append((column, values))
    import pycountry

    for candidates, share in ((named, 0.8), (other, 0.9)):
        counts: dict[str, int] = {}
        where: dict[str, str] = {}
        for column, values in candidates:
            if share > 0.8 and len(set(values)) < 3:
                continue
            found = _column_country(values, share)
            for code in found or ():
                counts[code] = counts.get(code, 0) + 1
                where.setdefault(code, str(column).split("\n")[0])
        counts = {c: n for c, n in counts.items() if pycountry.countries.get(alpha_2=c) is not None}
        if HOME in counts:
            return HOME, where[HOME]
        if counts:
            code = max(counts, key=counts.get)
            return code, where[code]
    return None


def foreign_country_reason(frame: pd.DataFrame, source: str) -> str | None:
    """One line when the sheet is about another country than the DRC; None when it is (or cannot tell)."""
    found = detect_country(frame)
    if found is None or found[0] == HOME:
        return None
    code, column = found
    return (f"{source}: the file seems to be about {_country_name(code)} ({code}, from column '{column}'), "
            f"not the DRC: nothing from it enters the portfolio")


def refuse_whole(frame: pd.DataFrame, source: str, reason: str, fmt: str) -> Derived:
    """Every row refused for one file-level reason (one problem, not one per row)."""
    return Derived(source, fmt, len(frame), problems=[Problem(source, None, None, reason)], rejected_rows=frame)


# --- applying a profile -----------------------------------------------------------------------------------

def _cells(frame: pd.DataFrame, profile: MappingProfile, problems: list[Problem], source: str) -> pd.DataFrame:
    """Canonical text columns (+ _row) from the mapped source columns; lists join, others take the first."""
    targets = profile._targets()
    chosen: dict[str, list[str]] = {}
    unmapped = []
    for column in _data_columns(frame):
        target = targets.get(header_key(column))
        if target is None:
            unmapped.append(str(column).split("\n")[0])
        elif target != IGNORE:
            chosen.setdefault(target, []).append(column)
    if unmapped:
        problems.append(Problem(source, None, None, f"profile '{profile.name}': columns it does not map, ignored: "
                                                    f"{', '.join(unmapped)}", "warning"))
    out = pd.DataFrame({ROW_COLUMN: frame[ROW_COLUMN].to_numpy()} if ROW_COLUMN in frame
                       else {ROW_COLUMN: range(2, len(frame) + 2)})
    for target, columns in chosen.items():
        texts = [frame[c].map(lambda v: "" if is_missing(v) else str(v).strip()).to_numpy() for c in columns]
        if target in ("implementing_orgs", "partners") and len(texts) > 1:
            out[target] = ["; ".join(dict.fromkeys(p for p in parts if p)) for parts in zip(*texts)]
        else:
            out[target] = texts[0]
    return out


def _map_values(cells: pd.DataFrame, profile: MappingProfile) -> None:
    for column, values in profile.empty.items():
        if column in cells:
            cells[column] = cells[column].where(~cells[column].map(value_key).isin(values), "")
    for column, mapping in profile.values.items():
        if column in cells:
            keys = cells[column].map(value_key)
            cells[column] = keys.map(mapping).where(keys.isin(mapping.keys()), cells[column])


def _refusals(cells: pd.DataFrame, profile: MappingProfile) -> pd.Series:
    """Per row, the reason it is refused by the profile ('' when kept)."""
    reasons = pd.Series("", index=cells.index)
    for column, mapping in profile.refuse.items():
        if column in cells:
            keys = cells[column].map(value_key)
            hit = keys.isin(mapping.keys()) & (reasons == "")
            reasons[hit] = [f"{column} '{v}': {mapping[k]}" for v, k in zip(cells.loc[hit, column], keys[hit])]
    return reasons


def _apply_facts(cells: pd.DataFrame, profile: MappingProfile, problems: list[Problem], source: str) -> None:
    has_amount = "amount" in cells and cells["amount"].ne("").any()
    for fact in ("currency", "transaction_type", "org_role"):
        value = profile.facts.get(fact, "")
        if not value or (fact == "currency" and not has_amount):
            continue
        if fact not in cells:
            cells[fact] = ""
        blank = cells[fact] == ""
        if fact == "currency":
            blank &= cells["amount"] != ""
        if blank.any():
            cells.loc[blank, fact] = value
            note = profile.fact_notes.get(fact, "the file does not say")
            problems.append(Problem(source, None, fact, f"{fact} {value} from profile '{profile.name}' for "
                                                        f"{int(blank.sum())} rows ({note})", "warning"))
    if has_amount and "currency" not in cells:
        problems.append(Problem(source, None, "currency", f"profile '{profile.name}' maps amounts but states no "
                                                          "currency: amounts are refused until it does"))


def _project_ids(frame: pd.DataFrame, cells: pd.DataFrame, profile: MappingProfile, problems: list[Problem],
                 source: str) -> None:
    """project_id from the grouping key's source columns; rows missing a part get a stable generated id."""
    if not profile.group_key:
        return
    by_key = {header_key(c): c for c in _data_columns(frame)}
    parts = [frame[by_key[header_key(k)]].map(lambda v: "" if is_missing(v) else str(v).strip()).to_numpy()
             for k in profile.group_key if header_key(k) in by_key]
    if not parts:
        return
    ids = []
    generated = 0
    for row in zip(*parts):
        if row[0]:
            ids.append("/".join(p for p in row if p))
            continue
        generated += 1
        ids.append("")
    cells["project_id"] = ids
    missing = cells["project_id"] == ""
    if missing.any():
        basis = [c for c in ("implementing_orgs", "title_fr", "title_en") if c in cells]
        keys = cells.loc[missing, basis].agg("|".join, axis=1).map(value_key)
        cells.loc[missing, "project_id"] = [f"{profile.name}-{hashlib.sha1(k.encode()).hexdigest()[:8]}"
                                            for k in keys]
        problems.append(Problem(source, None, "project_id",
                                f"{generated} rows without '{profile.group_key[0]}': project ids generated from "
                                f"organisation and title ({profile.name}-xxxxxxxx)", "warning"))


def _fill_titles(cells: pd.DataFrame, problems: list[Problem], source: str) -> None:
    """A project without a title is named after its organisation and id (the schema needs a title)."""
    titles = [cells[c] for c in ("title_fr", "title_en") if c in cells]
    untitled = pd.Series(True, index=cells.index)
    for title in titles:
        untitled &= title == ""
    if not untitled.any():
        return
    org = cells["implementing_orgs"] if "implementing_orgs" in cells else pd.Series("", index=cells.index)
    column = "title_en" if "title_en" in cells and "title_fr" not in cells else "title_fr"
    if column not in cells:
        cells[column] = ""
    cells.loc[untitled, column] = [f"{o} — {p}" if o and o != p else p
                                   for o, p in zip(org[untitled], cells.loc[untitled, "project_id"])]
    problems.append(Problem(source, None, column, f"{int(untitled.sum())} rows without a title: titled after their "
                                                  "organisation and project id", "warning"))


def _spread_dates(cells: pd.DataFrame) -> None:
    """A project runs from its earliest start to its latest end (ISO dates compare as text)."""
    for column, pick in (("planned_start", "min"), ("planned_end", "max"), ("actual_start", "min"),
                         ("actual_end", "max")):
        if column in cells:
            filled = cells[column].where(cells[column].str.match(r"^\d{4}(-\d{2}){0,2}$"))  # others: as read
            widest = filled.groupby(cells["project_id"]).transform(pick)
            cells[column] = widest.where(widest.notna(), cells[column]).astype(str).replace("nan", "")


def _amount_once(cells: pd.DataFrame) -> None:
    """A budget given on some rows of a project and donor (0 or blank on the others) is that one budget; the same
    budget repeated on every row is one flow (flows are distinct by donor, amount and currency)."""
    if "amount" not in cells:
        return
    donor = cells["donor"] if "donor" in cells else pd.Series("", index=cells.index)
    key = [cells["project_id"], donor.map(value_key)]
    filled = cells["amount"].where(cells["amount"] != "")
    distinct = filled.groupby(key).transform("nunique")
    first = filled.groupby(key).transform("first")
    fill = (cells["amount"] == "") & (distinct == 1)
    cells.loc[fill, "amount"] = first[fill]
    if "donor" in cells:  # per-place budgets: a blank row adds no "not published" flow beside them
        cells.loc[(cells["amount"] == "") & (distinct > 1), "donor"] = ""


def _sum_counts(cells: pd.DataFrame, problems: list[Problem], source: str) -> None:
    """Rows finer than the schema's places (health zones): counts summed per project × province × territory."""
    place = [c for c in ("project_id", "province_pcode", "province_name", "territory_pcode", "territory_name")
             if c in cells]
    for column in COUNT_COLUMNS:
        if column not in cells:
            continue
        numbers = pd.to_numeric(cells[column].str.replace(r"[\s\u00a0]", "", regex=True), errors="coerce")
        if numbers.isna().sum() > (cells[column] == "").sum():
            continue  # some counts are not plain numbers: leave them for the normaliser to report
        groups = numbers.groupby([cells[c] for c in place])
        first = ~cells.duplicated(place)
        if groups.transform("count").max() <= 1:
            continue
        totals = groups.transform(lambda s: s.sum(min_count=1))
        cells[column] = [("" if pd.isna(t) else str(int(t))) if keep else ""
                         for t, keep in zip(totals, first)]
        problems.append(Problem(source, None, column, f"{column}: several rows per place (finer than a territory): "
                                                      "their counts are summed per project and place", "warning"))


def apply_profile(frame: pd.DataFrame, profile: MappingProfile, source: str) -> Derived:
    """A sheet read with a profile → projects, funding and locations (split like a flat sheet)."""
    from data.intake.flat import split_flat

    frame = frame.reset_index(drop=True)
    if ROW_COLUMN not in frame:
        frame = frame.assign(**{ROW_COLUMN: range(2, len(frame) + 2)})
    at = find_header(frame, profile)
    frame = _with_header(frame, at if at is not None else -1)
    fmt = f"profile:{profile.name}"
    problems = [Problem(source, None, None, f"read with mapping profile '{profile.name}' ({profile.label})",
                        "warning")]
    cells = _cells(frame, profile, problems, source)
    if COUNTRY in cells:  # the profile names the column that says which country: it decides
        codes = {_alpha2(c.split(",")[0]) or c.upper()[:2] for c in cells[COUNTRY] if c}
        expected = profile.facts.get("country", HOME)
        if codes and expected not in codes:
            names = ", ".join(sorted(_country_name(c) for c in codes))
            column = next(h for h in _data_columns(frame) if profile._targets().get(header_key(h)) == COUNTRY)
            reason = (f"{source}: the file seems to be about {names} (from column '{column}'), not the DRC: "
                      f"nothing from it enters the portfolio")
            return refuse_whole(frame, source, reason, fmt)
        cells = cells.drop(columns=COUNTRY)
    else:
        foreign = foreign_country_reason(frame, source)
        if foreign:
            return refuse_whole(frame, source, foreign, fmt)
    _map_values(cells, profile)
    _project_ids(frame, cells, profile, problems, source)
    if "project_id" not in cells:
        reason = f"profile '{profile.name}' maps no project id and no grouping key"
        return refuse_whole(frame, source, reason, fmt)
    _fill_titles(cells, problems, source)
    refused = _refusals(cells, profile)
    kept = cells[refused == ""].copy()
    if profile.dates == "widest":
        _spread_dates(kept)
    if profile.amount == "once":
        _amount_once(kept)
    if profile.counts == "sum":
        _sum_counts(kept, problems, source)
    _apply_facts(kept, profile, problems, source)  # after amount="once": a filled-in budget needs its currency
    # rows that say nothing more than an earlier row (another health zone of the same place) are merged into it
    data = [c for c in kept.columns if c != ROW_COLUMN]
    merged = kept.duplicated(data)
    derived = split_flat(kept[~merged].reset_index(drop=True), source)
    as_read = frame.set_index(ROW_COLUMN, drop=False)
    refusals = [(int(r), reason) for r, reason in zip(cells.loc[refused != "", ROW_COLUMN], refused[refused != ""])]
    problems += [Problem(source, row, None, reason) for row, reason in refusals]
    rows = sorted({*(row for row, _ in refusals), *(int(r) for r in derived.rejected_rows[ROW_COLUMN])})
    rejected = as_read.loc[rows].reset_index(drop=True) if rows else frame.iloc[:0]  # as read; why: problems
    # merged rows belong to their project like the row they were merged into (they are kept with it)
    records = {**derived.records, **{int(r): str(p) for r, p in zip(kept.loc[merged, ROW_COLUMN],
                                                                    kept.loc[merged, "project_id"])}}
    return Derived(source=source, format=fmt, rows_in=len(frame), tables=derived.tables,
                   problems=problems + derived.problems,
                   rejected_rows=rejected,
                   records=records)
