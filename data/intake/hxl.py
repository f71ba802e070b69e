"""Read HXL-tagged 3W sheets: map hashtags to canonical columns, then split the rows like a flat sheet.

Decisions:
- The tag row is the first data row when most of its non-empty cells start with '#', else the header row
  itself when it is the tags. Tags are read with spaces removed and case folded (`# Org +Impl` = `#org+impl`),
  attributes in any order.
- `#org+prog` is the programme (lead) organisation: it goes first in implementing_orgs, the `#org+impl`
  organisations after it (the schema's "lead first"); `#org+partner` goes to partners; `#org+funder` (or
  `+donor`) is the donor.
- `#sector` labels map to THEMES only where the meaning is plain (CCCM, early recovery → stabilisation, GBV,
  counter-trafficking…). "Protection" stays unmapped: it spans gbv, counter-trafficking and durable solutions,
  and guessing would misfile the project. Unmapped labels leave theme empty with one warning per label.
- `#targeted`/`#reached` with `+hh` are households; without it they are people (HXL counts individuals by default).
- A title tag without a language attribute (`+i_fr`/`+fr`, `+i_en`/`+en`) is read as French, the language of
  the DRC clusters' 3W sheets; generated titles are French too.
- Rows without `#activity+code`/`+id` get a project id derived from (organisations, funder, sector, start,
  end, title): f"3W-{slug}-{hash6}", the same on every run, with one warning per generated id. Rows of the same
  activity in several provinces thus become one project with several locations.
"""
from __future__ import annotations

import hashlib
import re

import pandas as pd

from cells import fold_words, is_missing
from data.intake.flat import split_flat
from data.intake.readers import Derived
from data.schema import ROW_COLUMN, THEMES, Problem

FORMAT = "hxl"
LEAD = "_lead"  # #org+prog: merged into implementing_orgs, first
EMPTY = "_untagged_only"  # a data row with no value under any mapped tag
EMPTY_REASON = "no value under an HXL tag that maps to a column (only untagged or ignored cells are filled)"
LIST_COLUMNS = frozenset({"implementing_orgs", "partners", LEAD})
FRENCH = frozenset({"i_fr", "fr"})
ENGLISH = frozenset({"i_en", "en"})
HASHTAG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TITLE_ATTRIBUTES = frozenset({"name", "title"}) | FRENCH | ENGLISH

# Folded sector labels (FR/EN, cluster acronyms) → theme. THEMES' own keys and labels are added below.
SECTOR_THEMES: dict[str, str] = {
    "cccm": "cccm", "camp coordination and camp management": "cccm", "gestion des camps": "cccm",
    "coordination et gestion des camps": "cccm", "cccm abris": "cccm",
    "relevement precoce": "stabilisation", "early recovery": "stabilisation", "stabilisation": "stabilisation",
    "stabilization": "stabilisation", "cohesion sociale": "stabilisation", "social cohesion": "stabilisation",
    "consolidation de la paix": "stabilisation", "peacebuilding": "stabilisation",
    "solutions durables": "durable-solutions", "durable solutions": "durable-solutions",
    "retour": "return-reintegration", "reintegration": "return-reintegration",
    "retour et reintegration": "return-reintegration", "return and reintegration": "return-reintegration",
    "vbg": "gbv", "gbv": "gbv", "violences basees sur le genre": "gbv", "gender based violence": "gbv",
    "lutte contre la traite": "counter-trafficking", "traite des personnes": "counter-trafficking",
    "counter trafficking": "counter-trafficking", "human trafficking": "counter-trafficking",
    "gestion des frontieres": "migration-governance", "border management": "migration-governance",
    "gouvernance des migrations": "migration-governance", "migration governance": "migration-governance",
    "diaspora": "diaspora", "ressources naturelles": "natural-resources", "mines": "natural-resources",
}


SECTOR_THEMES.update({fold_words(key): key for key in THEMES})
SECTOR_THEMES.update({fold_words(labels[lang]): key for key, labels in THEMES.items() for lang in ("en", "fr")})


def parse_tag(text: object) -> tuple[str, frozenset[str]] | None:
    """'#org +impl' → ('org', {'impl'}); None when the cell is not a hashtag."""
    if is_missing(text):
        return None
    tag = re.sub(r"\s+", "", str(text)).casefold()
    if not tag.startswith("#"):
        return None
    hashtag, *attributes = tag[1:].split("+")
    if not HASHTAG_RE.match(hashtag):  # "#1 partner" is a comment, not a tag
        return None
    return hashtag, frozenset(a for a in attributes if a)


def _looks_like_tags(cells: list[object]) -> bool:
    filled = [c for c in cells if not is_missing(c)]
    tags = [c for c in filled if parse_tag(c)]
    return bool(tags) and 2 * len(tags) > len(filled)


def _data_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not str(c).startswith("_")]


def find_hxl_row(frame: pd.DataFrame) -> int | None:
    """Spreadsheet row of the hashtags: the first data row (usually 2), 1 for a header of tags, else None."""
    columns = _data_columns(frame)
    if len(frame) and _looks_like_tags(list(frame.iloc[0][columns])):
        return int(frame.iloc[0][ROW_COLUMN]) if ROW_COLUMN in frame else 2
    if _looks_like_tags(columns):
        return 1
    return None


def _currency_attribute(attributes: frozenset[str]) -> str:
    from data.currency import supported_currencies  # lazily: loads the shipped ECB rates

    codes = sorted(a.upper() for a in attributes if len(a) == 3 and a.upper() in supported_currencies())
    return codes[0] if codes else ""


def canonical_column(hashtag: str, attributes: frozenset[str]) -> str | None:
    """The canonical column an HXL tag fills, or None when the schema has no place for it."""
    if hashtag == "org":
        if attributes & {"code", "id"}:
            return None
        for attribute, column in (("funder", "donor"), ("donor", "donor"), ("prog", LEAD),
                                  ("impl", "implementing_orgs"), ("partner", "partners")):
            if attribute in attributes:
                return column
        return None
    if hashtag in ("adm1", "adm2"):
        level = "province" if hashtag == "adm1" else "territory"
        return f"{level}_pcode" if attributes & {"code", "pcode"} else f"{level}_name"
    if hashtag == "sector":
        return "theme"
    if hashtag in ("targeted", "reached"):
        return f"households_{hashtag}" if "hh" in attributes else f"people_{hashtag}"  # HXL counts individuals
    if hashtag == "date":
        kind = "actual" if "actual" in attributes else "planned"
        for attribute in ("start", "end"):
            if attribute in attributes:
                return f"{kind}_{attribute}"
        return None
    if hashtag == "status":
        return "activity_status"
    if hashtag == "activity":
        if attributes & {"code", "id"}:
            return "project_id"
        if attributes <= TITLE_ATTRIBUTES:
            return "title_en" if attributes & ENGLISH else "title_fr"
        return None
    if hashtag == "value":
        return None if "pct" in attributes else "amount"
    if hashtag == "currency":
        return "currency"
    return None


def _theme(label: str) -> str:
    """Theme of a sector label: the whole label, else the one theme its parts ('Protection - VBG') agree on."""
    whole = fold_words(label)
    if whole in SECTOR_THEMES:
        return SECTOR_THEMES[whole]
    parts = {SECTOR_THEMES.get(fold_words(p)) for p in re.split(r"[-–—:/;,()]", label)} - {None}
    return parts.pop() if len(parts) == 1 else ""


def _slug(text: str) -> str:
    return fold_words(text).replace(" ", "-")[:20].strip("-") or "activity"


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _join(parts: list[str]) -> str:
    unique: list[str] = []
    for part in parts:
        if fold_words(part) not in {fold_words(u) for u in unique}:
            unique.append(part)
    return "; ".join(unique)


def _mapping(headers: list[str], tags: list[object]) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    """(canonical column → source columns, amount column → currency attribute, ignored column labels)."""
    columns: dict[str, list[str]] = {}
    currencies: dict[str, str] = {}
    ignored = []
    for header, tag in zip(headers, tags):
        parsed = parse_tag(tag)
        column = canonical_column(*parsed) if parsed else None
        label = f"'{header}' ({str(tag).strip()})" if parsed else f"'{header}' (untagged)"
        if column is None or (column in columns and column not in LIST_COLUMNS):
            ignored.append(label)
            continue
        columns.setdefault(column, []).append(header)
        if column == "amount":
            currencies[header] = _currency_attribute(parsed[1])
    return columns, currencies, ignored


def _canonical_rows(data: pd.DataFrame, columns: dict[str, list[str]], currencies: dict[str, str],
                    source: str, problems: list[Problem]) -> pd.DataFrame:
    """Rows of canonical text cells (+ _row), with themes mapped and missing ids and titles generated."""
    records = []
    unknown_sectors: set[str] = set()
    generated: set[str] = set()
    titled: set[str] = set()
    for raw in data.to_dict("records"):  # dicts: iterrows builds a Series per row
        row = int(raw[ROW_COLUMN])
        cells = {}
        for column, headers in columns.items():
            values = ["" if is_missing(raw[h]) else str(raw[h]).strip() for h in headers]
            cells[column] = _join([p for v in values for p in _split_list(v)]) if column in LIST_COLUMNS \
                else values[0]
        if not any(cells.values()):
            records.append({**cells, ROW_COLUMN: row, EMPTY: True})
            continue
        if cells.get("amount") and not cells.get("currency"):
            cells["currency"] = currencies.get(columns["amount"][0], "")
        impl = cells.get("implementing_orgs", "")
        cells["implementing_orgs"] = _join(_split_list(cells.pop(LEAD, "")) + _split_list(impl))
        sector = cells.get("theme", "")
        cells["theme"] = _theme(sector) if sector else ""
        if sector and not cells["theme"] and fold_words(sector) not in unknown_sectors:
            unknown_sectors.add(fold_words(sector))
            problems.append(Problem(source, row, "theme", f"sector '{sector}' matches no theme: theme left empty",
                                    "warning"))
        title = cells.get("title_fr", "") or cells.get("title_en", "")
        if not cells.get("project_id"):
            parts = (cells["implementing_orgs"], cells.get("donor", ""), sector, cells.get("planned_start", ""),
                     cells.get("planned_end", ""), title)
            digest = hashlib.sha1("|".join(fold_words(p) for p in parts).encode()).hexdigest()[:6]
            lead = _split_list(cells["implementing_orgs"])
            cells["project_id"] = f"3W-{_slug(lead[0] if lead else '')}-{digest}"
            if cells["project_id"] not in generated:
                generated.add(cells["project_id"])
                problems.append(Problem(source, row, "project_id",
                                        f"no activity id: project id {cells['project_id']} generated from "
                                        f"organisations, funder, sector, dates and title", "warning"))
        if not title:
            org = _split_list(impl)[:1] or _split_list(cells["implementing_orgs"])[:1]
            cells["title_fr"] = " — ".join(org + ([sector] if sector else [])) or f"Activité {cells['project_id']}"
            if cells["project_id"] not in titled:
                titled.add(cells["project_id"])
                problems.append(Problem(source, row, "title_fr", f"no activity name: title of {cells['project_id']} "
                                                                 f"generated as '{cells['title_fr']}'", "warning"))
        records.append({**cells, ROW_COLUMN: row, EMPTY: False})
    return pd.DataFrame(records) if records else pd.DataFrame(columns=["project_id", ROW_COLUMN, EMPTY])


def parse_hxl_frame(frame: pd.DataFrame, source: str) -> Derived:
    """Derive canonical tables from an HXL-tagged sheet (3W/4W) read by data.readers."""
    frame = frame.reset_index(drop=True)
    if ROW_COLUMN not in frame:
        frame = frame.assign(**{ROW_COLUMN: range(2, len(frame) + 2)})
    headers = _data_columns(frame)
    tag_row = find_hxl_row(frame)
    if tag_row is None:
        reason = "no HXL hashtag row (row 1 or 2 where most cells start with '#')"
        return Derived(source, FORMAT, len(frame), problems=[Problem(source, None, None, reason)],
                       rejected_rows=frame)
    if tag_row == 1:
        tags, data = headers, frame
    else:
        tags, data = list(frame.iloc[0][headers]), frame.iloc[1:].reset_index(drop=True)
    problems: list[Problem] = []
    columns, currencies, ignored = _mapping(headers, tags)
    if ignored:
        problems.append(Problem(source, tag_row, None, f"columns ignored (no canonical column for their tag): "
                                                       f"{', '.join(ignored)}", "warning"))
    canonical = _canonical_rows(data, columns, currencies, source, problems)
    empty = canonical[canonical[EMPTY].astype(bool)]
    derived = split_flat(canonical[~canonical[EMPTY].astype(bool)].drop(columns=EMPTY), source)
    as_read = data.set_index(ROW_COLUMN, drop=False)
    empty_rows = [int(r) for r in empty[ROW_COLUMN]]
    problems += [Problem(source, row, None, EMPTY_REASON) for row in empty_rows]
    refused = sorted({*empty_rows, *(int(r) for r in derived.rejected_rows[ROW_COLUMN])})
    rejected = as_read.loc[refused].reset_index(drop=True) if refused else data.iloc[:0]  # as read; why: problems
    return Derived(source=source, format=FORMAT, rows_in=len(data), tables=derived.tables,
                   problems=problems + derived.problems, rejected_rows=rejected, records=derived.records)
