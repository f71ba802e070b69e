"""Split a partner's flat sheet (one row per project × province × donor) into projects, funding and locations.

Rules a data manager can check against their sheet:

- Project facts (titles, organisations, theme, status, dates…) are repeated on every row of a project. The
  first non-empty value wins; a later row that gives a different value is refused (error naming both rows)
  and contributes to no table. Values are compared with case and spacing folded; a blank cell never disagrees.
  `notes` is not a repeated fact: the distinct notes of a project's rows are joined into the project's notes.
- A row without project_id is refused. A row identical to an earlier row of its project is refused too; one that
  differs from it only in columns outside the schema (a health zone…) is kept once, with a warning.
- Funding: one flow per distinct (project, donor, transaction_type, amount, currency, value_date), so an amount
  repeated on every province row is one flow, not one per province. flow_id is the sheet's own when it has a
  flow_id column, else f"{project_id}#f{n}" in order of appearance. A row with neither donor nor amount gives
  no flow. A missing transaction_type is read as 11 (incoming commitment: a flat sheet lists the agreements
  its own projects received, as the sample data records Sweden → IOM) with a warning. org_role is 1 (funding)
  when a donor is named and no role is given.
- A province given as "National", "Nationale", "Toute la RDC" (NATIONAL_NAMES) makes the project national
  (coverage) instead of naming a place.
- Locations: one per project × province (× territory P-code). The province P-code comes from province_pcode,
  else from province_name through geo.provinces.match_province. Territories named without a P-code are merged
  into their province's location (names joined with ';'), since the locations key needs the P-code to tell
  them apart. budget_share comes from an explicit budget_share column, else from amounts given per place (each
  place its own amount, in one currency, not all equal: share = the place's amount / the project's, with a
  warning); split_known is "true" only when the location has a budget_share or a household count.
- households_targeted and households_reached (people_targeted and people_reached alike) on a flat row: when
  every place (province × territory) of the project gives the same value, it is the project total repeated on
  every row. When the values differ between places, they are per-place counts: households_targeted goes to the
  locations, and the project total is their sum only when every place gives one (otherwise empty, with a
  warning). Two rows for the same place that give different counts disagree like any repeated fact.

Cells stay text as read (normalising amounts, dates and codes is the caller's job); every derived row carries
`_row`, the first source row it came from.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from cells import FOLDS_KEPT, FOLDS_KEPT_CHARS, is_missing
from data.intake.readers import Derived
from data.intake.values import ValueParseError, format_amount, parse_amount_text
from data.schema import FUNDING, LOCATIONS, PROJECTS, ROW_COLUMN, Problem, parse_amount, parse_int
from geo.provinces import match_province

FORMAT = "flat"
DEFAULT_TRANSACTION_TYPE = "11"
FUNDING_ROLE = "1"
HOUSEHOLD_COLUMNS = ("households_targeted", "households_reached", "people_targeted", "people_reached")
PLACE_VALUE_COLUMNS = (*HOUSEHOLD_COLUMNS, "budget_share")
FACT_COLUMNS = tuple(c for c in PROJECTS.column_names if c not in {"project_id", "notes", *HOUSEHOLD_COLUMNS})
FLOW_KEY = ("donor", "transaction_type", "amount", "currency", "value_date")
FLOW_COLUMNS = ("donor", "org_role", "recipient", "transaction_type", "amount", "currency", "value_date")
KNOWN_COLUMNS = frozenset(PROJECTS.column_names) | frozenset(FUNDING.column_names) | frozenset(LOCATIONS.column_names)
# Columns that only a projects table has: their presence is what makes a sheet "mix" project facts in.
PROJECT_ONLY = frozenset(PROJECTS.column_names) - frozenset(FUNDING.column_names) - frozenset(LOCATIONS.column_names)
NOTE_SEPARATOR = " / "
# A province cell that names the whole country makes the project national (folded as _fold folds).
NATIONAL_NAMES = frozenset({"national", "nationale", "niveau national", "national level", "toute la rdc",
                            "toute la rd congo", "tout le pays", "ensemble du pays", "rdc", "drc", "nationwide",
                            "countrywide", "whole country", "all provinces", "toutes les provinces"})


def is_flat(columns: list[str]) -> bool:
    """True when the columns mix project facts, money (donor/amount) and places (province P-code/name).

    No canonical table alone does that. detect_table may still name a table for such headers (a flat sheet
    with project_id and province_pcode has the locations table's required columns), so ask is_flat first."""
    names = {str(c).strip() for c in columns}
    return bool(names & PROJECT_ONLY) and bool(names & {"donor", "amount"}) \
        and bool(names & {"province_pcode", "province_name"})


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def _fold(value: str) -> str:
    """Comparison key: case, spacing and list spacing do not make two values different."""
    return _fold_kept(value) if len(value) <= FOLDS_KEPT_CHARS else _folded(value)


def _folded(value: str) -> str:
    parts = [" ".join(p.split()).casefold() for p in value.split(";")]
    return ";".join(p for p in parts if p)


_fold_kept = functools.lru_cache(maxsize=FOLDS_KEPT)(_folded)  # a flat sheet repeats donors, places, facts


def _fold_number(value: str) -> str:
    return value.replace("\u00a0", "").replace(" ", "")


@dataclass
class _Place:
    """One place of a project as a row names it (province × territory)."""

    row: int
    pcode: str
    province_name: str
    territory_pcode: str
    territory_name: str
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column → (value, row)
    pcode_given: bool = True  # False: the P-code was matched from the province name
    amounts: list[str] = field(default_factory=list)  # the amount cell of each row naming this place

    @property
    def label(self) -> str:
        names = [self.province_name or self.pcode, self.territory_name or self.territory_pcode]
        return " / ".join(n for n in names if n) or "no province"


@dataclass
class _Project:
    """What the accepted rows of one project say, with the row each fact came from."""

    project_id: str
    row: int
    facts: dict[str, tuple[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    places: dict[tuple, _Place] = field(default_factory=dict)
    flows: dict[tuple, dict] = field(default_factory=dict)
    signatures: dict[tuple, int] = field(default_factory=dict)


def _place_key(cells: dict[str, str]) -> tuple[tuple, str, str] | None:
    """(key, resolved province P-code, territory P-code); None when the row names no province."""
    pcode = cells.get("province_pcode", "").upper()
    name = cells.get("province_name", "")
    if not pcode and not name:
        return None
    if not pcode:
        pcode = match_province(name).pcode or ""
    territory_pcode = cells.get("territory_pcode", "").upper()
    province = pcode or f"name:{_fold(name)}"
    return (province, territory_pcode, _fold(cells.get("territory_name", ""))), pcode, territory_pcode


def _flow_key(cells: dict[str, str]) -> tuple:
    values = {c: cells.get(c, "") for c in FLOW_KEY}
    values["transaction_type"] = values["transaction_type"] or DEFAULT_TRANSACTION_TYPE
    return (_fold(values["donor"]), values["transaction_type"], _fold_number(values["amount"]),
            values["currency"].upper(), values["value_date"])


def _disagreements(project: _Project, cells: dict[str, str]) -> list[tuple[str, str]]:
    """(column, reason) for every repeated fact this row contradicts."""
    reasons = []
    for column in FACT_COLUMNS:
        new = cells.get(column, "")
        if new and column in project.facts and _fold(new) != _fold(project.facts[column][0]):
            old, row = project.facts[column]
            reasons.append((column, f"project {project.project_id}: {column} '{new}' here but '{old}' at row {row}"))
    place = _place_key(cells)
    known = project.places.get(place[0] if place else None)
    for column in PLACE_VALUE_COLUMNS:
        new = cells.get(column, "")
        if known and new and column in known.values and \
                _fold_number(new) != _fold_number(known.values[column][0]):
            old, row = known.values[column]
            reasons.append((column, f"project {project.project_id}: {column} '{new}' here but '{old}' at row {row} "
                                    f"for the same place ({known.label})"))
    return reasons


def _take(project: _Project, cells: dict[str, str], row: int) -> None:
    """Merge an accepted row into its project: first non-empty facts, its place and its flow."""
    for column in FACT_COLUMNS:
        if cells.get(column) and column not in project.facts:
            project.facts[column] = (cells[column], row)
    note = cells.get("notes", "")
    if note and _fold(note) not in {_fold(n) for n in project.notes}:
        project.notes.append(note)
    place = _place_key(cells)
    key = place[0] if place else None
    if key not in project.places:
        project.places[key] = _Place(row, place[1] if place else "", cells.get("province_name", ""),
                                     place[2] if place else "", cells.get("territory_name", ""),
                                     pcode_given=bool(cells.get("province_pcode")))
    for column in PLACE_VALUE_COLUMNS:
        if cells.get(column) and column not in project.places[key].values:
            project.places[key].values[column] = (cells[column], row)
    if cells.get("amount"):
        project.places[key].amounts.append(cells["amount"] + " " + cells.get("currency", ""))
    if cells.get("donor") or cells.get("amount"):
        flow = _flow_key(cells)
        if flow not in project.flows:
            project.flows[flow] = {**{c: cells.get(c, "") for c in (*FLOW_COLUMNS, "flow_id")}, ROW_COLUMN: row}


def _sum(values: list[str], parse) -> str:
    """Sum of the values as text, or '' when one of them is not a plain number."""
    try:
        numbers = [parse(v) for v in values]
    except ValueError:
        return ""
    total = sum(numbers)
    return str(int(total)) if float(total).is_integer() else str(total)


def _households(project: _Project, column: str, source: str, problems: list[Problem]) -> tuple[str, dict]:
    """(project total, per-place counts) following the module's households rule."""
    # rows that name no province count as a place only when they carry a count themselves
    places = {key: place for key, place in project.places.items() if key is not None or column in place.values}
    given = {key: place.values[column][0] for key, place in places.items() if column in place.values}
    if not given:
        return "", {}
    if len(given) == len(places) and len({_fold_number(v) for v in given.values()}) == 1:
        return next(iter(given.values())), {}
    if len(given) < len(places):
        problems.append(Problem(source, project.row, column,
                                f"project {project.project_id}: {column} given for {len(given)} of {len(places)} "
                                f"places: read as per-place counts; the project total is left empty", "warning"))
        return "", given
    total = _sum(list(given.values()), parse_int)
    if not total:
        problems.append(Problem(source, project.row, column,
                                f"project {project.project_id}: per-place {column} are not all whole numbers: "
                                f"the project total is left empty", "warning"))
    return total, given


def _merge(values: list[str], parse) -> str:
    if not values or any(v == "" for v in values):
        return ""
    return values[0] if len(values) == 1 else _sum(values, parse)


def _amount_shares(project: _Project) -> dict[tuple, float]:
    """Place → share of the project's money, when the rows give each place its own amount (USD 1.2 M for
    Nord-Kivu, 0.8 M for Tanganyika): every place has amounts, in one currency, not all equal, and no
    budget_share column says otherwise. The same amount on every place is the project's, never a split."""
    places = {key: place for key, place in project.places.items() if key is not None}
    if len(places) < 2 or any(not p.amounts or "budget_share" in p.values for p in places.values()):
        return {}
    totals, currencies = {}, set()
    for key, place in places.items():
        try:
            parsed = [parse_amount_text(text) for text in place.amounts]
        except ValueParseError:
            return {}
        if any(p is None for p in parsed):
            return {}
        currencies |= {p.currency for p in parsed}
        totals[key] = sum(p.value for p in parsed)
    grand = sum(totals.values())
    if len(currencies) > 1 or len(set(totals.values())) == 1 or grand <= 0:
        return {}
    return {key: total / grand for key, total in totals.items()}


def _locations(project: _Project, per_place_households: dict, source: str = "",
               problems: list[Problem] | None = None) -> list[dict]:
    """One location per project × province (× territory P-code); territories named only are merged."""
    by_amount = _amount_shares(project)
    if by_amount and problems is not None:
        split = ", ".join(f"{place.province_name or place.pcode} {by_amount[key]:.0%}"
                          for key, place in project.places.items() if key in by_amount)
        problems.append(Problem(source, project.row, "budget_share", f"project {project.project_id}: amounts given "
                                f"per province read as its split ({split})", "warning"))
    merged: dict[tuple, list[tuple[tuple, _Place]]] = {}
    for key, place in project.places.items():
        if key is None:
            continue
        merged.setdefault((key[0], place.territory_pcode), []).append((key, place))
    rows = []
    for group in merged.values():
        first = group[0][1]
        shares = [p.values.get("budget_share", ("", 0))[0] or
                  (format_amount(round(by_amount[k], 6)) if k in by_amount else "") for k, p in group]
        households = [per_place_households.get(k, "") for k, _ in group]
        territory_names = []
        for _, place in group:
            if place.territory_name and _fold(place.territory_name) not in map(_fold, territory_names):
                territory_names.append(place.territory_name)
        share, count = _merge(shares, parse_amount), _merge(households, parse_int)
        # A P-code read from a name is left for the normaliser, which says how it matched (fuzzy: a warning) and
        # refuses a name it cannot place, as it does for a locations file.
        given = first.pcode if first.pcode_given else ""
        rows.append({"project_id": project.project_id, "province_pcode": given,
                     "province_name": first.province_name, "territory_pcode": first.territory_pcode,
                     "territory_name": "; ".join(territory_names), "budget_share": share,
                     "households_targeted": count, "split_known": "true" if share or count else "false",
                     ROW_COLUMN: min(p.row for _, p in group)})
    return rows


def _tables(projects: dict[str, _Project], source: str, problems: list[Problem]) -> dict[str, pd.DataFrame]:
    project_rows, flow_rows, location_rows = [], [], []
    for project in projects.values():
        record = {c: "" for c in PROJECTS.column_names}
        record.update({c: value for c, (value, _) in project.facts.items()})
        record["project_id"] = project.project_id
        notes = list(project.notes)
        targeted, per_place = _households(project, "households_targeted", source, problems)
        for column in HOUSEHOLD_COLUMNS:  # people are counted like households, never as households
            total, counts = (targeted, per_place) if column == "households_targeted" else \
                _households(project, column, source, problems)
            record[column] = total
            if counts and total:
                notes.append(f"{column} is the sum of per-place counts")
        record["notes"] = NOTE_SEPARATOR.join(notes)
        project_rows.append({**record, ROW_COLUMN: project.row})

        for n, flow in enumerate(project.flows.values(), start=1):
            record = {c: "" for c in FUNDING.column_names}
            record.update({c: flow[c] for c in FLOW_COLUMNS})
            record["flow_id"] = flow["flow_id"] or f"{project.project_id}#f{n}"
            record["project_id"] = project.project_id
            if record["donor"] and not record["org_role"]:
                record["org_role"] = FUNDING_ROLE
            if not record["transaction_type"]:
                record["transaction_type"] = DEFAULT_TRANSACTION_TYPE
                record["notes"] = "transaction type not given in the flat sheet: read as incoming commitment (11)"
                problems.append(Problem(source, flow[ROW_COLUMN], "transaction_type",
                                        "transaction type not given: read as incoming commitment (11)", "warning"))
            flow_rows.append({**record, ROW_COLUMN: flow[ROW_COLUMN]})
        location_rows += _locations(project, per_place, source, problems)
    return {name: pd.DataFrame(rows, columns=[*table.column_names, ROW_COLUMN])
            for name, table, rows in (("projects", PROJECTS, project_rows), ("funding", FUNDING, flow_rows),
                                      ("locations", LOCATIONS, location_rows))}


def _as_read(raw: dict) -> tuple:
    return tuple(_text(v) for k, v in raw.items() if k != ROW_COLUMN)


def _with_rows(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    if ROW_COLUMN not in frame:
        frame = frame.assign(**{ROW_COLUMN: range(2, len(frame) + 2)})
    return frame


def split_flat(frame: pd.DataFrame, source: str) -> Derived:
    """Derive projects, funding and locations from a flat sheet whose headers are canonical column names."""
    frame = _with_rows(frame)
    problems: list[Problem] = []
    ignored = [str(c) for c in frame.columns if c not in KNOWN_COLUMNS and not str(c).startswith("_")]
    if ignored:
        problems.append(Problem(source, None, ", ".join(ignored), "columns not in the schema: ignored", "warning"))
    present = [c for c in frame.columns if c in KNOWN_COLUMNS]
    projects: dict[str, _Project] = {}
    rejected: list[dict] = []
    records: dict[int, str] = {}
    copies: dict[int, dict] = {}  # accepted row → its cells as read, to tell a copy from a row that differs elsewhere

    def refuse(raw: dict, row: int, reasons: list[tuple[str, str]]) -> None:
        problems.extend(Problem(source, row, column, reason) for column, reason in reasons)
        rejected.append({**raw, ROW_COLUMN: row})

    for raw in frame.to_dict("records"):  # dicts: iterrows builds a Series per row
        row = int(raw[ROW_COLUMN])
        cells = {c: _text(raw[c]) for c in present}
        if _fold(cells.get("province_name", "")) in NATIONAL_NAMES and not cells.get("province_pcode"):
            cells["province_name"] = ""  # "National", "Toute la RDC": the whole country, not a province
            cells["coverage"] = cells.get("coverage") or "national"
        project_id = cells.get("project_id", "")
        if not project_id:
            refuse(raw, row, [("project_id", "project_id is empty: every row must name its project")])
            continue
        records[row] = project_id
        project = projects.get(project_id) or _Project(project_id, row)
        reasons = _disagreements(project, cells)
        signature = tuple(_fold(v) for v in cells.values())
        if not reasons and signature in project.signatures:
            first = project.signatures[signature]
            if _as_read(raw) == _as_read(copies[first]):
                reasons = [("project_id", f"project {project_id}: row repeats row {first}")]
            else:  # it differs only in columns the schema does not hold (a health zone, a contact…)
                problems.append(Problem(source, row, None, f"project {project_id}: row {row} says nothing row {first} "
                                                            "does not, in the columns read: kept once", "warning"))
                continue
        if reasons:
            refuse(raw, row, reasons)
            continue
        projects[project_id] = project
        project.signatures[signature] = row
        copies[row] = raw
        _take(project, cells, row)

    rejected_frame = pd.DataFrame(rejected, columns=list(frame.columns))
    return Derived(source=source, format=FORMAT, rows_in=len(frame), tables=_tables(projects, source, problems),
                   problems=problems, rejected_rows=rejected_frame, records=records)
