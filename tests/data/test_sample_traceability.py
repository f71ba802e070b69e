"""The sample portfolio is traceable: every fact has a source, and the cited paragraph really says it."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from cells import is_missing
from data.intake import load_portfolio
from geo.provinces import province_name

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")

# Columns that are keys or this project's own commentary, not facts read from a document.
# donor_as_given is a copy of donor; _source and _row say where a record was read
NOT_FACTS = {"_source", "project_id", "flow_id", "notes", "split_known", "_row", "donor_as_given"}

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december"]
NUMBER_WORDS = {36: ["trois ans", "three years", "three-year"], 42: ["42-month", "42 mois", "42 months"]}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).casefold()


@pytest.fixture(scope="module")
def portfolio():
    return load_portfolio()


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, list[str]]:
    """document_id → its paragraphs (non-empty lines, 1-based through index + 1)."""
    out = {}
    for path in SEEDS.glob("*.txt"):
        out[path.stem] = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def fact_cells(portfolio) -> list[tuple[str, str, str, object]]:
    cells = []
    for table, key in (("projects", "project_id"), ("funding", "flow_id"), ("locations", None)):
        frame = portfolio.table(table)
        for _, row in frame.iterrows():
            record = row[key] if key else f"{row['project_id']}|{row['province_pcode']}"
            for column in frame.columns:
                if column in NOT_FACTS or is_missing(row[column]):
                    continue
                cells.append((table, record, column, row[column]))
    return cells


def renderings(column: str, value: str) -> list[str]:
    """Ways a document may write `value` of `column`; the cited paragraph must contain one."""
    value = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        y, m, d = (int(x) for x in value.split("-"))
        return [f"{d} {MONTHS_FR[m - 1]} {y}", f"{d} {MONTHS_EN[m - 1]} {y}", f"{MONTHS_EN[m - 1]} {d}, {y}"]
    if re.fullmatch(r"\d{4}-\d{2}", value):
        y, m = (int(x) for x in value.split("-"))
        return [f"{MONTHS_FR[m - 1]} {y}", f"{MONTHS_EN[m - 1]} {y}"]
    if re.fullmatch(r"\d{4}", value) and column.endswith(("start", "end")):
        return [value]
    if column in ("amount", "households_targeted", "households_reached"):
        number = float(value)
        forms = [f"{number:.0f}", f"{number:,.0f}", f"{number:,.0f}".replace(",", " "), f"{number:.2f}"]
        if number >= 1_000_000:
            millions = f"{number / 1_000_000:g}"
            forms += [f"{millions} million", f"{millions.replace('.', ',')} million"]
        return forms
    if column == "duration_months":
        return NUMBER_WORDS.get(int(value), [f"{value} mois", f"{value}-month"])
    if column == "province_pcode":
        return [province_name(value)]
    return []


@needs_seeds
def test_every_fact_has_a_source(portfolio):
    sources = portfolio.sources
    cited = set(zip(sources["table"], sources["record_id"], sources["column"]))
    missing = [cell[:3] for cell in fact_cells(portfolio) if cell[:3] not in cited]
    assert missing == []


@needs_seeds
def test_every_fact_value_is_stated_by_one_of_its_sources(portfolio):
    sources = portfolio.sources
    stated = set(zip(sources["table"], sources["record_id"], sources["column"], sources["value"].astype(str)))

    def as_text(value):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).lower() if isinstance(value, bool) else str(value)

    unstated = [c for c in fact_cells(portfolio) if (c[0], c[1], c[2], as_text(c[3])) not in stated]
    assert unstated == []


@needs_seeds
def test_every_source_row_cites_an_existing_paragraph(portfolio, paragraphs):
    bad = [(r.document_id, r.paragraph) for r in portfolio.sources.itertuples()
           if r.document_id not in paragraphs or not 1 <= r.paragraph <= len(paragraphs[r.document_id])]
    assert bad == []


@needs_seeds
def test_evidence_is_in_the_cited_paragraph(portfolio, paragraphs):
    absent = [(r.record_id, r.column, r.evidence) for r in portfolio.sources.itertuples()
              if normalise(r.evidence) not in normalise(paragraphs[r.document_id][r.paragraph - 1])]
    assert absent == []


@needs_seeds
def test_figures_and_dates_are_really_in_the_cited_paragraph(portfolio, paragraphs):
    checked, absent = 0, []
    for r in portfolio.sources.itertuples():
        forms = renderings(r.column, r.value)
        if not forms:
            continue
        checked += 1
        paragraph = normalise(paragraphs[r.document_id][r.paragraph - 1])
        if not any(normalise(form) in paragraph for form in forms):
            absent.append((r.record_id, r.column, r.value))
    assert absent == []
    assert checked >= 15  # amounts, dates, durations, households and provinces are all checked


@needs_seeds
def test_cispe_budget_is_eur_12_5_million_in_its_paragraph(portfolio, paragraphs):
    flow = portfolio.funding.set_index("flow_id").loc["NL-CISPE-C1"]
    assert (flow["amount"], flow["currency"]) == (12_500_000, "EUR")
    cited = portfolio.sources.query("record_id == 'NL-CISPE-C1' and column == 'amount'").iloc[0]
    paragraph = paragraphs[cited.document_id][cited.paragraph - 1]
    assert re.search(r"EUR 12[.,]5 million", paragraph)


@needs_seeds
def test_cispe_duration_conflict_keeps_both_statements(portfolio):
    from data.metrics import compute_conflicts

    conflicts = compute_conflicts(portfolio.sources)
    row = conflicts.query("record_id == 'NL-CISPE' and column == 'duration_months'")
    assert len(row) == 1 and set(row.iloc[0]["values"].split(" | ")) == {"42", "36"}


def test_no_personal_contact_details_in_the_sample():
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sample.glob("*.csv"))
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), "an e-mail address"
    assert not re.search(r"\+?\d{3}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}", text), "a phone number"
    assert "Chauzy" not in text and "Oleiro" not in text and "Seybou" not in text


def test_empty_values_stay_empty_not_zero(portfolio):
    """A value the documents do not give is missing, never 0."""
    flows = portfolio.funding.set_index("flow_id")
    assert pd.isna(flows.loc["SE-TGK-2021-C1", "amount"])
    assert (portfolio.funding["amount"].dropna() > 0).all()
    assert (portfolio.projects["households_targeted"].dropna() > 0).all()
