"""Canonical portfolio schema: tables, column types, IATI code lists and the validate_* functions."""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cells import distinct_cells, distinct_rows, is_missing, positions_of

# --- IATI code lists (activity standard 2.03), with French and English labels ----------------------

ACTIVITY_STATUS: dict[int, dict[str, str]] = {
    1: {"en": "Pipeline/identification", "fr": "Planification"},
    2: {"en": "Implementation", "fr": "Mise en œuvre"},
    3: {"en": "Finalisation", "fr": "Finalisation"},
    4: {"en": "Closed", "fr": "Clôturé"},
    5: {"en": "Cancelled", "fr": "Annulé"},
    6: {"en": "Suspended", "fr": "Suspendu"},
}

TRANSACTION_TYPES: dict[int, dict[str, str]] = {
    1: {"en": "Incoming funds", "fr": "Fonds reçus"},
    2: {"en": "Outgoing commitment", "fr": "Engagement"},
    3: {"en": "Disbursement", "fr": "Décaissement"},
    4: {"en": "Expenditure", "fr": "Dépense"},
    11: {"en": "Incoming commitment", "fr": "Engagement reçu"},
}
COMMITMENT_TYPES = frozenset({2, 11})

ORG_ROLES: dict[int, dict[str, str]] = {
    1: {"en": "Funding", "fr": "Bailleur"},
    2: {"en": "Accountable", "fr": "Responsable"},
    3: {"en": "Extending", "fr": "Intermédiaire"},
    4: {"en": "Implementing", "fr": "Mise en œuvre"},
}

COVERAGE: dict[str, dict[str, str]] = {
    "provincial": {"en": "Provincial", "fr": "Provinciale"},
    "national": {"en": "National", "fr": "Nationale"},
}

# Themes are this project's own short list (IOM DRC's lines of work), not an IATI sector vocabulary.
THEMES: dict[str, dict[str, str]] = {
    "stabilisation": {"en": "Stabilisation and peace", "fr": "Stabilisation et paix"},
    "durable-solutions": {"en": "Durable solutions", "fr": "Solutions durables"},
    "cccm": {"en": "Camp coordination and management", "fr": "Coordination et gestion des camps"},
    "return-reintegration": {"en": "Return and reintegration", "fr": "Retour et réintégration"},
    "migration-governance": {"en": "Migration governance", "fr": "Gouvernance des migrations"},
    "counter-trafficking": {"en": "Counter-trafficking", "fr": "Lutte contre la traite"},
    "police-infrastructure": {"en": "Police and state authority", "fr": "Police et autorité de l'État"},
    "gbv": {"en": "Gender-based violence", "fr": "Violences basées sur le genre"},
    "climate-resilience": {"en": "Climate resilience", "fr": "Résilience climatique"},
    "natural-resources": {"en": "Natural resources and mining", "fr": "Ressources naturelles et mines"},
    "diaspora": {"en": "Diaspora and development", "fr": "Diaspora et développement"},
}

PCODE_RE = re.compile(r"^CD\d{2}$")
ADM2_PCODE_RE = re.compile(r"^CD\d{4}$")
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
LIST_SEPARATOR = ";"


# --- column and table definitions --------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One canonical column: its type, whether it must be filled, and what it means."""

    name: str
    kind: str  # text | list | int | amount | share | code | bool | date | pcode | adm2
    meaning: str
    example: str = ""
    required: bool = False
    codes: tuple = ()


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns and its key."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    meaning: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


PROJECTS = Table(
    name="projects",
    key=("project_id",),
    meaning="One row per project or programme line.",
    columns=(
        Column("project_id", "text", "Stable identifier (the publisher's own id where it exists)", "CE.0276", True),
        Column("title_fr", "text", "Title in French", "Renforcement des capacités…"),
        Column("title_en", "text", "Title in English", "Capacity building…"),
        Column("other_ids", "list", "Other identifiers, ';'-separated", "PRIMA CD10P0001"),
        Column("implementing_orgs", "list", "Implementing organisations, ';'-separated, lead first", "IOM; Cordaid"),
        Column("partners", "list", "Other partners (local, government), ';'-separated", "CPAP"),
        Column("theme", "code", "Theme (see THEMES)", "stabilisation", codes=tuple(THEMES)),
        Column("activity_status", "code", "IATI activity status 1–6", "2", codes=tuple(ACTIVITY_STATUS)),
        Column("planned_start", "date", "Planned start (YYYY, YYYY-MM or YYYY-MM-DD)", "2021-12-14"),
        Column("actual_start", "date", "Actual start", "2014-01"),
        Column("planned_end", "date", "Planned end", "2024"),
        Column("actual_end", "date", "Actual end", "2024"),
        Column("duration_months", "int", "Planned duration in months", "36"),
        Column("coverage", "code", "provincial or national", "provincial", codes=tuple(COVERAGE)),
        Column("households_targeted", "int", "Households the project plans to reach", "3000"),
        Column("households_targeted_is_minimum", "bool", "True when the source says 'more than'", "true"),
        Column("households_reached", "int", "Households reached so far", ""),
        Column("people_targeted", "int", "People (individuals, not households) the project plans to reach", "21000"),
        Column("people_reached", "int", "People (individuals, not households) reached so far", ""),
        Column("notes", "text", "How the record was read from its sources (own words)", ""),
    ),
)

FUNDING = Table(
    name="funding",
    key=("flow_id",),
    meaning="One row per money flow (IATI transaction).",
    columns=(
        Column("flow_id", "text", "Identifier of the flow", "NL-CISPE-C1", True),
        Column("project_id", "text", "Project the flow belongs to", "NL-CISPE", True),
        Column("donor", "text", "Organisation providing the money", "Netherlands"),
        Column("org_role", "code", "IATI organisation role of the donor (1–4)", "1", codes=tuple(ORG_ROLES)),
        Column("recipient", "text", "Organisation receiving the money", "IOM"),
        Column("transaction_type", "code", "IATI transaction type (1, 2, 3, 4, 11)", "11", True,
               codes=tuple(TRANSACTION_TYPES)),
        Column("amount", "amount", "Amount in the original currency (empty: not published)", "12500000"),
        Column("currency", "text", "ISO 4217 code of the amount", "EUR"),
        Column("value_date", "date", "Date used for currency conversion", "2021-12-14"),
        Column("notes", "text", "How the flow was read from its sources", ""),
    ),
)

LOCATIONS = Table(
    name="locations",
    key=("project_id", "province_pcode", "territory_pcode"),
    meaning="Project × province (× territory) with an explicit share, or a flag that the split is unknown.",
    columns=(
        Column("project_id", "text", "Project", "NL-CISPE", True),
        Column("province_pcode", "pcode", "OCHA P-code of the province (CD10…CD92)", "CD61", True),
        Column("province_name", "text", "Province name as given (checked against the P-code)", "Nord-Kivu"),
        Column("territory_pcode", "adm2", "OCHA P-code of the territory or town (CDxxxx)", "CD7402"),
        Column("territory_name", "text", "Territory or town name", "Kalemie"),
        Column("budget_share", "share", "Share of the project budget spent here (0–1)", "0.5"),
        Column("households_targeted", "int", "Households targeted here", ""),
        Column("split_known", "bool", "False when the source does not say how the project splits", "false"),
    ),
)

SOURCES = Table(
    name="sources",
    key=("table", "record_id", "column", "document_id", "paragraph"),
    meaning="Where each fact comes from: one row per (fact, document).",
    columns=(
        Column("table", "text", "Table of the fact", "funding", True),
        Column("record_id", "text", "Key of the record (for locations: project_id|province_pcode)", "NL-CISPE-C1",
               True),
        Column("column", "text", "Column of the fact", "amount", True),
        Column("value", "text", "The value as this document states it (normalised)", "12500000", True),
        Column("document_id", "text", "Document (see documents table)", "003_97ddabfb5717fe38", True),
        Column("paragraph", "int", "Paragraph: n-th non-empty line of the document text", "19", True),
        Column("evidence", "text", "Short fragment of that paragraph that carries the fact", "EUR 12.5 million",
               True),
    ),
)

DOCUMENTS = Table(
    name="documents",
    key=("document_id",),
    meaning="The source documents.",
    columns=(
        Column("document_id", "text", "Identifier (file stem under shared/seeds)", "003_97ddabfb5717fe38", True),
        Column("publisher", "text", "Publisher", "IOM DRC", True),
        Column("title", "text", "Title of the document as published", "Consortium Applies…", True),
        Column("kind", "text", "press release, project page, country overview", "press release"),
        Column("language", "text", "fr or en", "en"),
        Column("published", "date", "Publication date (empty: not published in the document)", ""),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (PROJECTS, FUNDING, LOCATIONS, SOURCES, DOCUMENTS)}
PORTFOLIO_TABLES = ("projects", "funding", "locations")


def _label(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


# Short human labels of every canonical column (the template's header notes).
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "project_id": _label("Project ID", "Identifiant du projet"),
    "title_fr": _label("Title (French)", "Titre (français)"),
    "title_en": _label("Title (English)", "Titre (anglais)"),
    "other_ids": _label("Other identifiers", "Autres identifiants"),
    "implementing_orgs": _label("Implementing organisations", "Organisations de mise en œuvre"),
    "partners": _label("Partners", "Partenaires"),
    "theme": _label("Theme", "Thème"),
    "activity_status": _label("IATI status", "Statut IATI"),
    "planned_start": _label("Planned start", "Début prévu"),
    "actual_start": _label("Actual start", "Début réel"),
    "planned_end": _label("Planned end", "Fin prévue"),
    "actual_end": _label("Actual end", "Fin réelle"),
    "duration_months": _label("Planned duration (months)", "Durée prévue (mois)"),
    "coverage": _label("Coverage", "Couverture"),
    "households_targeted": _label("Households targeted", "Ménages ciblés"),
    "households_targeted_is_minimum": _label("Households targeted: “more than”", "Ménages ciblés : « plus de »"),
    "households_reached": _label("Households reached", "Ménages atteints"),
    "people_targeted": _label("People targeted (individuals)", "Personnes ciblées (individus)"),
    "people_reached": _label("People reached (individuals)", "Personnes atteintes (individus)"),
    "notes": _label("Notes", "Notes"),
    "flow_id": _label("Flow ID", "Identifiant du flux"),
    "donor": _label("Donor", "Bailleur"),
    "org_role": _label("Donor's role (IATI)", "Rôle du bailleur (IATI)"),
    "recipient": _label("Recipient", "Bénéficiaire"),
    "transaction_type": _label("Transaction type", "Type de transaction"),
    "amount": _label("Amount", "Montant"),
    "currency": _label("Currency", "Devise"),
    "value_date": _label("Value date", "Date de valeur"),
    "province_pcode": _label("Province (P-code)", "Province (P-code)"),
    "province_name": _label("Province name as given", "Nom de province tel que donné"),
    "territory_pcode": _label("Territory (P-code)", "Territoire (P-code)"),
    "territory_name": _label("Territory or town, as given", "Territoire ou ville, tel que donné"),
    "budget_share": _label("Share of the budget (0–1)", "Part du budget (0–1)"),
    "split_known": _label("Split between provinces published", "Répartition entre provinces publiée"),
    "table": _label("Table", "Table"),
    "record_id": _label("Record ID", "Identifiant de l'enregistrement"),
    "column": _label("Column", "Colonne"),
    "value": _label("Value", "Valeur"),
    "document_id": _label("Document ID", "Identifiant du document"),
    "paragraph": _label("Paragraph", "Paragraphe"),
    "evidence": _label("Evidence", "Extrait"),
    "publisher": _label("Publisher", "Éditeur"),
    "title": _label("Document title", "Titre du document"),
    "kind": _label("Kind of document", "Type de document"),
    "language": _label("Language", "Langue"),
    "published": _label("Published", "Date de publication"),
}


# --- parsing of single values (pure; raise ValueError with a reason) ---------------------------------

@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, month or day; first/last are the bounds of that period."""

    text: str
    first: dt.date
    last: dt.date
    precision: str  # year | month | day


def parse_partial_date(value: object) -> PartialDate | None:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; empty → None; anything else → ValueError."""
    if is_missing(value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        value = pd.Timestamp(value).date().isoformat()
    text = str(value).strip()
    m = PARTIAL_DATE_RE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day:
            d = dt.date(year, int(month), int(day))
            return PartialDate(text, d, d, "day")
        if month:
            first = dt.date(year, int(month), 1)
            last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
            return PartialDate(text, first, last, "month")
        return PartialDate(text, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid calendar date ({exc})") from None


# Checked dates (text, hashable); every day of 45 years: the 5,618 distinct dates of a 100,000-project upload stay
# cached while its end-before-start warnings are checked (at 4,096 most reads missed).
_read_partial_date = functools.lru_cache(maxsize=16384)(parse_partial_date)


def date_period(value: object) -> PartialDate | None:
    """The period of one date value (a date kind's text, a date or a Timestamp) for a caption or a table cell:
    None when empty, ValueError when not a date. Cached: the same few dates are formatted on every rerun.
    A whole column is typed at once by partial_date_bounds."""
    if is_missing(value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        value = pd.Timestamp(value).date().isoformat()
    return _read_partial_date(value)


def partial_date_bounds(values: pd.Series) -> pd.DataFrame:
    """A date column typed at once (the date kind's text, or dates): first, last (datetime64, NaT when empty or not
    a date) and precision ("year" | "month" | "day", None), on the same index. Each distinct value is parsed once.
    The one place a column of dates is parsed: every consumer reads these bounds (the prepared model keeps them
    per dataset) instead of the text."""
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), None), use_na_sentinel=True)
    text = pd.Series([pd.Timestamp(v).date().isoformat() if isinstance(v, (dt.date, pd.Timestamp)) else v
                      for v in uniques], dtype=object).astype("string").str.strip()
    parts = text.str.extract(PARTIAL_DATE_RE.pattern)
    month, day = parts[1].notna(), parts[2].notna()
    first = pd.to_datetime(parts[0] + "-" + parts[1].fillna("01") + "-" + parts[2].fillna("01"), format="%Y-%m-%d",
                           errors="coerce")
    year_end = pd.to_datetime(parts[0] + "-12-31", format="%Y-%m-%d", errors="coerce")
    last = first.where(day, (first + pd.offsets.MonthEnd(0)).where(month, year_end)).where(first.notna())
    precision = pd.Series(np.where(day, "day", np.where(month, "month", "year")), dtype=object).where(
        first.notna(), None)
    unique = pd.DataFrame({"first": first, "last": last, "precision": precision})
    missing = pd.DataFrame({"first": [pd.NaT], "last": [pd.NaT], "precision": [None]}).astype(unique.dtypes)
    table = pd.concat([unique, missing], ignore_index=True)  # code -1 (empty) → the last row
    out = table.iloc[np.where(codes < 0, len(unique), codes)].reset_index(drop=True)
    out.index = values.index
    return out


DATE_PARTS = ("first", "last", "precision")


def compute_date_bounds(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every date column of table `name` typed at once (partial_date_bounds): `<column>_first`, `<column>_last`,
    `<column>_precision` on the frame's index. The portfolio keeps it beside the text (data.portfolio), and its
    parquet copy too (data.columnar), so dates are parsed once per dataset, not again on a restart."""
    parts = {}
    for column in (c.name for c in TABLES[name].columns if c.kind == "date" and c.name in frame):
        bounds = partial_date_bounds(frame[column])
        parts |= {f"{column}_{part}": bounds[part] for part in DATE_PARTS}
    return pd.DataFrame(parts, index=frame.index)


def compute_project_titles(projects: pd.DataFrame, lang: str) -> pd.Series:
    """Each project's title in `lang`, else in the other language ("" when neither is published)."""
    first, second = ("title_en", "title_fr") if lang == "en" else ("title_fr", "title_en")
    preferred, other = projects[first], projects[second]
    has = preferred.notna() & (preferred.astype("string").str.strip() != "")
    return preferred.where(has, other).fillna("").astype(str)


def parse_bool(value: object) -> bool | None:
    if is_missing(value):
        return None
    text = str(value).strip().casefold()
    if text in {"true", "1", "yes", "oui", "vrai", "y"}:
        return True
    if text in {"false", "0", "no", "non", "faux", "n"}:
        return False
    raise ValueError(f"'{value}' is not true/false")


def parse_int(value: object) -> int | None:
    if is_missing(value):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a whole number") from None
    if not number.is_integer():
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


def parse_amount(value: object) -> float | None:
    if is_missing(value):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"'{value}' is not a finite number")
    if number < 0:
        raise ValueError(f"'{value}' is negative")
    return number


# --- validation --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One finding: where it is and why."""

    file: str
    row: int | None
    column: str | None
    reason: str
    severity: str = "error"  # error: the row is rejected; warning: the row is kept

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason,
                "severity": self.severity}


@dataclass
class ValidationResult:
    """Accepted rows (typed), rejected rows (as read, with `_row`: why is in `problems`), and all problems."""

    table: str
    accepted: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


ROW_COLUMN = "_row"  # spreadsheet row number carried from the reader (header = row 1)
SOURCE_COLUMN = "_source"  # in the portfolio: the file (or file#sheet) each record was kept from


RECORDS_CHUNK = 20_000  # rows turned into dicts at a time: a dict per row of a whole upload is most of its memory


def frame_records(frame: pd.DataFrame) -> Iterator[dict]:
    """The rows of `frame` as dicts of native values, like to_dict("records"), made a chunk at a time and never
    all held at once."""
    names = list(frame.columns)
    for start in range(0, len(frame), RECORDS_CHUNK):
        chunk = frame.iloc[start:start + RECORDS_CHUNK]
        for values in zip(*(chunk.iloc[:, i].tolist() for i in range(len(names)))):
            yield dict(zip(names, values))


def _row_numbers(frame: pd.DataFrame) -> pd.Series:
    if ROW_COLUMN in frame:
        return frame[ROW_COLUMN].astype(int)
    return pd.Series(range(2, len(frame) + 2), index=frame.index)


def _check_text(value: object, col: Column, provinces: frozenset[str]) -> object:
    return str(value).strip()


def _check_list(value: object, col: Column, provinces: frozenset[str]) -> object:
    parts = [p.strip() for p in str(value).split(LIST_SEPARATOR) if p.strip()]
    return f"{LIST_SEPARATOR} ".join(parts) or None


INT64_MAX = 2**63 - 1  # the largest whole number an Int64 column holds


def _check_int(value: object, col: Column, provinces: frozenset[str]) -> object:
    number = parse_int(value)
    if number is not None and number < 0:
        raise ValueError(f"'{value}' is negative")
    if number is not None and number > INT64_MAX:  # "1E100" households: no count column holds it
        raise ValueError(f"'{value}' is too large for a whole number")
    return number


def _check_amount(value: object, col: Column, provinces: frozenset[str]) -> object:
    return parse_amount(value)


def _check_share(value: object, col: Column, provinces: frozenset[str]) -> object:
    share = parse_amount(value)
    if share is not None and share > 1:
        raise ValueError(f"'{value}' is above 1 (a share is between 0 and 1)")
    return share


def _check_bool(value: object, col: Column, provinces: frozenset[str]) -> object:
    return parse_bool(value)


def _check_date(value: object, col: Column, provinces: frozenset[str]) -> object:
    # A text through the cache: the four date columns of a project hold the same days, and _row_warnings reads them
    return (_read_partial_date(value) if value.__class__ is str else parse_partial_date(value)).text


def _check_code(value: object, col: Column, provinces: frozenset[str]) -> object:
    code = parse_int(value) if col.codes and isinstance(col.codes[0], int) else str(value).strip()
    if code not in col.codes:
        raise ValueError(f"'{value}' is not one of {', '.join(map(str, col.codes))}")
    return code


def _check_pcode(value: object, col: Column, provinces: frozenset[str]) -> object:
    code = str(value).strip().upper()
    if not PCODE_RE.match(code) or code not in provinces:
        raise ValueError(f"'{value}' is not a province P-code (CD10…CD92)")
    return code


def _check_adm2(value: object, col: Column, provinces: frozenset[str]) -> object:
    code = str(value).strip().upper()
    if not ADM2_PCODE_RE.match(code):
        raise ValueError(f"'{value}' is not a territory P-code (CDxxxx)")
    return code


@dataclass(frozen=True)
class ColumnKind:
    """One kind of column, the one place that says how its cells are checked and typed and what it is called.

    check(value, column, valid province P-codes) → the typed value, or ValueError with the reason (never called
    on an empty cell); dtype(column) → the pandas dtype of the typed column (None: object, empty as None);
    label: the kind in each language (the template's notes); text: free text, scanned for contact details.
    A new kind is one entry in COLUMN_KINDS: validation, typing, the template and the privacy scan follow; the
    intake reads its cells strictly unless data.intake.normalise also has a lenient reader for it."""

    name: str
    check: Callable[[object, Column, frozenset[str]], object]
    dtype: Callable[[Column], str | None]
    label: dict[str, str]
    text: bool = False


def _fixed(dtype: str | None) -> Callable[[Column], str | None]:
    return lambda column: dtype


def _code_dtype(column: Column) -> str:
    return "Int64" if column.codes and isinstance(column.codes[0], int) else "object"


COLUMN_KINDS: dict[str, ColumnKind] = {kind.name: kind for kind in (
    ColumnKind("text", _check_text, _fixed(None), {"en": "text", "fr": "texte"}, text=True),
    ColumnKind("list", _check_list, _fixed(None), {"en": "list, ';'-separated", "fr": "liste séparée par ';'"},
               text=True),
    ColumnKind("int", _check_int, _fixed("Int64"), {"en": "whole number ≥ 0", "fr": "nombre entier ≥ 0"}),
    ColumnKind("amount", _check_amount, _fixed("float64"), {"en": "amount", "fr": "montant"}),
    ColumnKind("share", _check_share, _fixed("float64"), {"en": "share 0–1", "fr": "part 0–1"}),
    ColumnKind("code", _check_code, _code_dtype, {"en": "code (see codes)", "fr": "code (voir codes)"}),
    ColumnKind("bool", _check_bool, _fixed("boolean"), {"en": "true/false", "fr": "vrai/faux (true/false)"}),
    ColumnKind("date", _check_date, _fixed(None), {"en": "date YYYY, YYYY-MM or YYYY-MM-DD",
                                                  "fr": "date AAAA, AAAA-MM ou AAAA-MM-JJ"}),
    ColumnKind("pcode", _check_pcode, _fixed(None), {"en": "province P-code (see codes)",
                                                    "fr": "P-code de province (voir codes)"}),
    ColumnKind("adm2", _check_adm2, _fixed(None), {"en": "territory P-code CDxxxx",
                                                  "fr": "P-code de territoire CDxxxx"}),
)}


def check_cell(col: Column, value: object, valid_provinces: frozenset[str]) -> tuple[object, str | None]:
    """(typed value, reason or None) for one cell, through its kind's check."""
    if is_missing(value):
        return None, ("required value is empty" if col.required else None)
    try:
        return COLUMN_KINDS[col.kind].check(value, col, valid_provinces), None
    except ValueError as exc:
        return None, str(exc)


def _check_distinct(col: Column, value: object, valid_provinces: frozenset[str]) -> tuple[object, str | None]:
    """check_cell, with the most common cell (free text) checked inline."""
    if col.kind == "text" and value.__class__ is str:
        text = value.strip()
        if text:
            return text, None
    return check_cell(col, value, valid_provinces)


# Digits with or without a decimal part: parse_amount reads them as float() does, finite and not negative (a share
# above 1 is left to check_cell for its reason).
_PLAIN_NUMBER = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,20})?")
_PLAIN_NUMBER_KINDS = {"amount": math.inf, "share": 1.0}


def _check_column(col: Column, values: list, valid_provinces: frozenset[str],
                  reasons: list[list[tuple[str, str]] | None]) -> list:
    """check_cell over a whole column: the typed values, and each row's reason appended to `reasons[row]`. Each
    distinct value is checked once (cells.distinct_cells): an upload repeats the same codes, dates and P-codes on
    thousands of rows."""
    if col.kind == "text" and values and pd.api.types.infer_dtype(values, skipna=False) == "string":
        typed = [value.strip() or None for value in values]  # free text, mostly distinct: checked inline
        if col.required:
            for position in [p for p, value in enumerate(typed) if value is None]:
                reasons[position] = [*(reasons[position] or []), (col.name, "required value is empty")]
        return typed
    codes, uniques = distinct_cells(values)
    if col.kind in _PLAIN_NUMBER_KINDS:  # amounts are mostly distinct: a plain number is read inline
        plain, most = _PLAIN_NUMBER.fullmatch, _PLAIN_NUMBER_KINDS[col.kind]
        results = [(number, None) if value.__class__ is str and plain(value) and (number := float(value)) <= most
                   else _check_distinct(col, value, valid_provinces) for value in uniques]
    else:
        results = [_check_distinct(col, value, valid_provinces) for value in uniques]
    for position in positions_of(codes, [i for i, (_, reason) in enumerate(results) if reason]):
        if reasons[position] is None:
            reasons[position] = []
        reasons[position].append((col.name, results[codes[position]][1]))
    return np.fromiter((typed for typed, _ in results), dtype=object, count=len(results)).take(codes).tolist()


# The columns each cross-cell rule of _row_rules and _row_warnings reads.
_RULE_COLUMNS = {"projects": ("title_fr", "title_en"), "funding": ("amount", "currency"),
                 "locations": ("territory_pcode", "province_pcode", "split_known", "budget_share",
                               "households_targeted")}
# Columns whose value _row_rules never reads, only whether it is given (typed: None when empty), so rows differing
# only there are checked once.
_GIVEN_ONLY = {"projects": ("title_fr", "title_en"), "funding": ("amount",),
               "locations": ("budget_share", "households_targeted")}
_WARNING_COLUMNS = {"projects": ("planned_start", "planned_end", "actual_start", "actual_end")}


def _typed_frame(table: Table, columns: dict[str, list] | None = None) -> pd.DataFrame:
    """The accepted rows, from one list of typed values per column of the table and ROW_COLUMN."""
    names = table.column_names + [ROW_COLUMN]
    frame = pd.DataFrame({name: pd.Series((columns or {}).get(name, []), dtype=object) for name in names},
                         columns=names)
    for col in table.columns:
        dtype = COLUMN_KINDS[col.kind].dtype(col)
        if dtype:
            frame[col.name] = frame[col.name].astype(dtype)
        else:
            frame[col.name] = frame[col.name].astype(object).where(frame[col.name].notna(), None)
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype(int)
    return frame.reset_index(drop=True)


def validate_table(table_name: str, frame: pd.DataFrame, file: str = "<frame>",
                   valid_provinces: frozenset[str] | None = None) -> ValidationResult:
    """Check one raw table (all cells as read) against the schema; bad rows go to `rejected`."""
    if valid_provinces is None:
        from geo.provinces import PROVINCE_PCODES  # geo is a plain package: no streamlit either

        valid_provinces = frozenset(PROVINCE_PCODES)
    table = TABLES[table_name]
    problems: list[Problem] = []
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    rows = _row_numbers(frame)
    if missing:
        problems.append(Problem(file, None, ", ".join(missing), "required column missing"))
        rejected = frame.assign(**{ROW_COLUMN: rows})
        return ValidationResult(table_name, _typed_frame(table), rejected, problems)
    unknown = [c for c in frame.columns if c not in table.column_names and not str(c).startswith("_")]
    for name in unknown:
        problems.append(Problem(file, None, str(name), f"column '{name}' is not in the {table_name} table: ignored",
                                "warning"))

    # Column by column (each distinct value checked once), then the rules across the cells of each row.
    numbers = rows.tolist()
    reasons: list[list[tuple[str, str]] | None] = [None] * len(frame)
    typed = {col.name: _check_column(col, frame[col.name].tolist() if col.name in frame else [None] * len(frame),
                                     valid_provinces, reasons) for col in table.columns}
    typed[ROW_COLUMN] = numbers
    _apply_row_rules(table_name, typed, reasons)
    refused = [position for position, row_reasons in enumerate(reasons) if row_reasons]
    kept = [position for position, row_reasons in enumerate(reasons) if not row_reasons]
    warned = _warnings_at(table_name, typed, kept)
    for position in sorted([*refused, *warned]):  # row by row, as the rows are read
        if reasons[position]:
            problems += [Problem(file, numbers[position], column, reason) for column, reason in reasons[position]]
        else:
            problems += [Problem(file, numbers[position], column, reason, "warning")
                         for column, reason in warned[position]]
    rejected_rows = [{**{k: raw.get(k) for k in frame.columns}, ROW_COLUMN: numbers[position]}
                     for raw, position in zip(frame_records(frame.iloc[refused]), refused)]

    kept, dup_rejected, dup_problems = _reject_duplicate_keys(table, typed, kept, file)
    rejected_rows += dup_rejected
    problems += dup_problems
    read_columns = [c for c in frame.columns if c != ROW_COLUMN]
    rejected = pd.DataFrame(rejected_rows or None, columns=read_columns + [ROW_COLUMN])
    accepted = {name: values if len(kept) == len(values) else list(map(values.__getitem__, kept))
                for name, values in typed.items()}
    return ValidationResult(table_name, _typed_frame(table, accepted), rejected, problems)


def _apply_row_rules(table_name: str, typed: dict[str, list], reasons: list[list[tuple[str, str]] | None]) -> None:
    """_row_rules once per distinct combination of the cells it reads, its reasons added to every row holding that
    combination (and, for funding, the currency code as checked written back)."""
    rule_columns = _RULE_COLUMNS.get(table_name, ())
    if not rule_columns or not typed[ROW_COLUMN]:
        return
    codes, firsts = distinct_rows([[value is not None for value in typed[c]] if c in _GIVEN_ONLY.get(table_name, ())
                                   else typed[c] for c in rule_columns])
    rows = [{c: typed[c][first] for c in rule_columns} for first in firsts]
    found = [_row_rules(table_name, row) for row in rows]
    for position in positions_of(codes, [i for i, reasons_found in enumerate(found) if reasons_found]):
        reasons[position] = (reasons[position] or []) + found[codes[position]]
    if table_name == "funding":  # the rule writes the currency code as checked
        typed["currency"] = np.fromiter((row["currency"] for row in rows), dtype=object, count=len(rows)) \
            .take(codes).tolist()


def _warnings_at(table_name: str, typed: dict[str, list], kept: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The warnings of _row_warnings at each kept position that has some, once per distinct combination."""
    columns = _WARNING_COLUMNS.get(table_name, ())
    if not columns or not kept:
        return {}
    cells = {c: list(map(typed[c].__getitem__, kept)) for c in columns}
    codes, firsts = distinct_rows(list(cells.values()))
    found = [_row_warnings(table_name, {c: cells[c][first] for c in columns}) for first in firsts]
    return {kept[i]: found[codes[i]] for i in positions_of(codes, [j for j, f in enumerate(found) if f])}




def _row_warnings(table_name: str, row: dict) -> list[tuple[str, str]]:
    """Facts across cells that disagree in the source itself: the row is kept (dropping it would drop its money
    and places) and the disagreement is shown where it matters, as a status conflict."""
    warnings: list[tuple[str, str]] = []
    if table_name == "projects":
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if row[start] and row[end]:
                if _read_partial_date(row[end]).last < _read_partial_date(row[start]).first:
                    warnings.append((end, f"{end} {row[end]} is before {start} {row[start]}: kept as published, "
                                          "shown as a status conflict (end before start)"))
    return warnings


def _row_rules(table_name: str, row: dict) -> list[tuple[str, str]]:
    """Rules across the cells of one row."""
    reasons: list[tuple[str, str]] = []
    if table_name == "projects":
        if is_missing(row["title_fr"]) and is_missing(row["title_en"]):
            reasons.append(("title_fr", "a title in French or English is required"))
    elif table_name == "funding":
        if row["amount"] is not None and is_missing(row["currency"]):
            reasons.append(("currency", "an amount needs a currency"))
        if not is_missing(row["currency"]):
            from data.currency import UnknownCurrencyError, supported_currencies

            code = str(row["currency"]).strip().upper()
            if code not in supported_currencies():
                reasons.append(("currency", str(UnknownCurrencyError(code))))
            row["currency"] = code
    elif table_name == "locations":
        if row["territory_pcode"] and row["province_pcode"] and \
                not row["territory_pcode"].startswith(row["province_pcode"]):
            reasons.append(("territory_pcode",
                            f"{row['territory_pcode']} is not inside province {row['province_pcode']}"))
        if row["split_known"] and row["budget_share"] is None and row["households_targeted"] is None:
            reasons.append(("split_known", "split_known is true but neither budget_share nor households is given"))
    return reasons


def _reject_duplicate_keys(table: Table, typed: dict[str, list], kept: list[int], file: str):
    """The kept positions whose key was seen before are rejected (as dicts of their typed values; the reason is
    their problem); returns (still kept positions, rejected rows, problems)."""
    if len(kept) == len(typed[ROW_COLUMN]):  # every row kept: the key columns as they are, no tuple a row
        columns = [typed[k] for k in table.key]
        if len(set(columns[0]) if len(columns) == 1 else set(zip(*columns))) == len(kept):
            return kept, [], []
    keys = list(zip(*(typed[k] for k in table.key)))
    if len(set(map(keys.__getitem__, kept))) == len(kept):
        return kept, [], []  # most tables: no key twice
    seen: dict[tuple, int] = {}
    still, rejected, problems = [], [], []
    rows = typed[ROW_COLUMN]
    for position in kept:
        key = keys[position]
        if key in seen:
            reason = f"duplicate {'/'.join(table.key)} {'/'.join(str(k) for k in key if k)} (first at row {seen[key]})"
            problems.append(Problem(file, rows[position], table.key[0], reason))
            rejected.append({name: values[position] for name, values in typed.items()})
        else:
            seen[key] = rows[position]
            still.append(position)
    return still, rejected, problems


def validate_references(projects: pd.DataFrame, other: ValidationResult, file: str = "<frame>") -> ValidationResult:
    """Reject rows of funding/locations whose project_id is not in the projects table."""
    frame = other.accepted
    if frame.empty or "project_id" not in frame:
        return other
    known = set(projects["project_id"])
    orphan = ~frame["project_id"].isin(known)
    if not orphan.any():
        return other
    problems = list(other.problems)
    extra = []
    for _, row in frame[orphan].iterrows():
        reason = f"project_id '{row['project_id']}' is not in the projects table"
        problems.append(Problem(file, int(row[ROW_COLUMN]), "project_id", reason))
        extra.append(row.to_dict())
    rejected = pd.concat([other.rejected, pd.DataFrame(extra)], ignore_index=True) \
        if not other.rejected.empty else pd.DataFrame(extra)
    return ValidationResult(other.table, frame[~orphan].reset_index(drop=True), rejected, problems)


def detect_table(columns: list[str]) -> str | None:
    """Name the canonical table these headers are meant for: the most columns in common (ties: the table whose
    required columns are all there). A table with a required column missing is still named, so that the report
    says which column is missing rather than 'not a known table'."""
    names = {str(c).strip() for c in columns}
    best, best_score = None, (0, False)
    for table in TABLES.values():
        required = {c.name for c in table.columns if c.required}
        score = (len(names & set(table.column_names)), required <= names)
        if score[0] and score > best_score:
            best, best_score = table.name, score
    if best is not None and not best_score[1] and best_score[0] < 2:
        return None  # one shared column is not enough to guess a table with missing required columns
    return best
