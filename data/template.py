"""Blank templates of the canonical tables, to download, fill and upload again (pure: no Streamlit).

Decisions:
* The CSV template is the header row only (UTF-8 with BOM so Excel shows accents right): an example row left in
  by mistake would otherwise become a fake project. Examples are in the workbook's `notes` sheet instead.
* The XLSX template has one sheet per table (projects, funding, locations) with the canonical headers only —
  each header carries a comment with the column's meaning, type and example — plus a `notes` sheet (every
  column: meaning in English and, from data.schema.COLUMN_LABELS, the French label, type, required, example)
  and a `codes` sheet (IATI activity status, transaction type, organisation role, themes, coverage and the
  province P-codes, in French and English). Filled and uploaded again, the three table sheets validate; the two
  information sheets (`TEMPLATE_INFO_SHEETS`) are not tables.
"""
from __future__ import annotations

import io

from data.schema import (
    ACTIVITY_STATUS,
    COLUMN_KINDS,
    COLUMN_LABELS,
    COVERAGE,
    ORG_ROLES,
    PORTFOLIO_TABLES,
    TABLES,
    THEMES,
    TRANSACTION_TYPES,
)

TEMPLATE_TABLES = PORTFOLIO_TABLES  # projects, funding, locations
TEMPLATE_INFO_SHEETS = ("notes", "codes")
# Headers chosen to share no canonical column name (or alias): these sheets must never be taken for a table.
NOTES_HEADER = ("template_sheet", "template_header", "label_en", "label_fr", "meaning_en", "type_en", "type_fr",
                "mandatory", "sample_value")
CODES_HEADER = ("code_list", "template_header", "code", "label_en", "label_fr")


def is_template_info_sheet(columns) -> bool:
    """True for the workbook template's `notes` and `codes` sheets (by their headers): explanations, not data.
    For the intake to skip them when a filled template comes back."""
    header = tuple(str(c).strip() for c in columns if not str(c).startswith("_"))
    return header in (NOTES_HEADER, CODES_HEADER)


def make_template_csv(table: str) -> bytes:
    """The header row of a canonical table, UTF-8 with BOM, CRLF (as Excel writes it)."""
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}")
    return (",".join(TABLES[table].column_names) + "\r\n").encode("utf-8-sig")


def _notes_rows() -> list[list[str]]:
    labels = COLUMN_LABELS
    rows = [list(NOTES_HEADER)]
    for name in TEMPLATE_TABLES:
        for column in TABLES[name].columns:
            label = labels.get(column.name) or {}
            kind_en, kind_fr = COLUMN_KINDS[column.kind].label["en"], COLUMN_KINDS[column.kind].label["fr"]
            rows.append([name, column.name, label.get("en", ""), label.get("fr", ""), column.meaning, kind_en,
                         kind_fr, "yes / oui" if column.required else "", column.example])
    return rows


def _codes_rows() -> list[list[str]]:
    from geo.provinces import PROVINCE_PCODES, province_name

    rows = [list(CODES_HEADER)]
    for list_name, column, codes in (("IATI activity status", "activity_status", ACTIVITY_STATUS),
                                     ("IATI transaction type", "transaction_type", TRANSACTION_TYPES),
                                     ("IATI organisation role", "org_role", ORG_ROLES),
                                     ("theme", "theme", THEMES), ("coverage", "coverage", COVERAGE)):
        rows += [[list_name, column, str(code), label["en"], label["fr"]] for code, label in codes.items()]
    rows += [["province P-code", "province_pcode", pcode, province_name(pcode), province_name(pcode)]
             for pcode in PROVINCE_PCODES]
    return rows


def make_template_xlsx() -> bytes:
    """The workbook template: projects, funding, locations (headers with comments), notes, codes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    labels = COLUMN_LABELS
    book = Workbook()
    book.remove(book.active)
    for name in TEMPLATE_TABLES:
        sheet = book.create_sheet(name)
        sheet.append(TABLES[name].column_names)
        for cell, column in zip(sheet[1], TABLES[name].columns):
            cell.font = Font(bold=True)
            label = labels.get(column.name) or {}
            text = "\n".join(filter(None, [
                f"EN: {label['en']}" if label.get("en") else "", f"FR: {label['fr']}" if label.get("fr") else "",
                column.meaning, f"{COLUMN_KINDS[column.kind].label['en']}"
                + (" — required / obligatoire" if column.required else ""),
                f"e.g. {column.example}" if column.example else ""]))
            cell.comment = Comment(text, "template", width=320, height=140)
            sheet.column_dimensions[cell.column_letter].width = max(12, len(column.name) + 4)
        sheet.freeze_panes = "A2"
    for title, rows in zip(TEMPLATE_INFO_SHEETS, (_notes_rows(), _codes_rows())):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows():
            for cell in row:
                cell.data_type = "s"  # codes such as "1" stay text; nothing is a formula
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
