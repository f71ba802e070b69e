"""Rebuild the bad-input catalogue: `python tests/catalogue/build.py` writes files/ and expected.json.

Each case is a file people really send (or an attack), with the outcome the intake must give: "unreadable"
(a one-line reason), "rejected" (some rows refused with a reason), "accepted" (every row in) or "warning"
(every row in, with a warning). `reason` is a fragment the reason must contain. Groups of files loaded together
live in a sub-folder. The files are committed; this script documents how each one was made.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
IATI_FIXTURES = HERE.parent / "data" / "fixtures" / "iati"

PROJECTS_HEADER = ("project_id,title_fr,title_en,implementing_orgs,theme,activity_status,planned_start,planned_end,"
                   "coverage,households_targeted")
FUNDING_HEADER = "flow_id,project_id,donor,org_role,recipient,transaction_type,amount,currency,value_date"
LOCATIONS_HEADER = "project_id,province_pcode,province_name,split_known"


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A zip with the XLSX content-types entry and 60 MB of zeros that deflate to ~60 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(60):
                member.write(block)
    return out.getvalue()


GOOD_PROJECTS = csv(PROJECTS_HEADER,
                    "P-1,Projet un,Project one,IOM,stabilisation,2,2021-01,2023-12,provincial,1200",
                    "P-2,Projet deux,Project two,IOM; Cordaid,cccm,4,2019,2020,national,")


def cases() -> dict[str, tuple[bytes, str, str]]:
    """file name → (bytes, expected outcome, reason fragment)."""
    book = workbook({"projects": [PROJECTS_HEADER.split(","),
                                  ["P-1", "Projet un", "Project one", "IOM", "stabilisation", 2, "2021-01", "2023-12",
                                   "provincial", 1200]],
                     "funding": [FUNDING_HEADER.split(","),
                                 ["F-1", "P-1", "Sweden", 1, "IOM", 11, 100000, "SEK", "2021-12-14"]],
                     "locations": [LOCATIONS_HEADER.split(","), ["P-1", "CD74", "Tanganyika", "false"]]})
    c: dict[str, tuple[bytes, str, str]] = {
        # --- files that cannot be read at all
        "empty.csv": (b"", "unreadable", "empty"),
        "whitespace_only.csv": (b"  \r\n\t\n", "unreadable", "empty"),
        "wrong_extension.pdf": (GOOD_PROJECTS, "unreadable", "unsupported file type"),
        "no_extension": (GOOD_PROJECTS, "unreadable", "unsupported file type"),
        "pdf_named_csv.csv": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "unreadable", "PDF"),
        "binary_junk.csv": (bytes(range(256)) * 8, "unreadable", "binary"),
        "binary_junk.xlsx": (b"\x00\x01\x02junk" * 100, "unreadable", "not a workbook"),
        "truncated.xlsx": (book[: len(book) // 2], "unreadable", "truncated"),
        "password_protected.xlsx": (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + b"EncryptedPackage",
                                    "unreadable", "password"),
        "damaged_sheet.xlsx": (damaged_sheet(book), "unreadable", "damaged"),
        "zip_not_workbook.xlsx": (_plain_zip(), "unreadable", "not an XLSX"),
        "zip_bomb.xlsx": (zip_bomb(), "unreadable", "zip bomb"),
        "empty_workbook.xlsx": (workbook({"Sheet1": []}), "unreadable", "no data"),
        "html_named_csv.csv": (b"<!DOCTYPE html><html><body><table></table></body></html>", "unreadable", "HTML"),
        "blank_header_cell.csv": (csv("project_id,,title_en", "P-1,x,Project"), "warning", "no header cell"),
        "huge_cell.csv": (csv(PROJECTS_HEADER, "P-1,Projet un,Project one,IOM,cccm,2,2021,2022,provincial,"
                              + "9" * 40_000), "unreadable", "32,767"),
        "title_rows_and_readme.xlsx": (workbook({
            "README": [["Comment remplir ce classeur", None, "Version"], ["Une ligne par projet", None, "2"]],
            "Projets": [["Portefeuille de stabilisation — mai 2025"], ["Source : partenaires, extrait du 31 mai"],
                        PROJECTS_HEADER.split(","),
                        ["P-1", "Projet un", "Project one", "IOM", "cccm", 2, "2021", "2022", "provincial", 10],
                        ["P-2", "Projet deux", "Project two", "IOM", "cccm", 4, "2019", "2020", "national", None]],
        }), "warning", "above the header row"),
        "gzip_named_csv.csv": (b"\x1f\x8b\x08\x00" + b"\0" * 40, "unreadable", "gzip"),
        "too_big.csv": (csv(PROJECTS_HEADER, *[f"P-{i},Projet {i},Project {i},IOM,cccm,2,2021,2022,provincial,10"
                                               for i in range(2500)]), "unreadable", "limit"),
        # --- readable files with rows refused
        "only_headers.csv": (csv(PROJECTS_HEADER), "warning", "no data rows"),
        "duplicate_project_ids.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,2,2021,2022,provincial,",
                                          "P-1,Un bis,One again,IOM,cccm,2,2021,2022,provincial,"),
                                      "rejected", "duplicate"),
        "end_before_start.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,2,2023-05-01,2021-01-31,provincial,"),
                                 "warning", "before"),  # kept: shown as a status conflict
        "negative_amount.csv": (csv(FUNDING_HEADER, "F-1,P-1,Sweden,1,IOM,11,-5000,USD,2021-01-01"),
                                "rejected", "negative"),
        "non_numeric_amount.csv": (csv(FUNDING_HEADER, "F-1,P-1,Sweden,1,IOM,11,a lot,USD,2021-01-01"),
                                   "rejected", "a lot"),
        "unknown_currency.csv": (csv(FUNDING_HEADER, "F-1,P-1,Sweden,1,IOM,11,5000,XYZ,2021-01-01"),
                                 "rejected", "XYZ"),
        "amount_without_currency.csv": (csv(FUNDING_HEADER, "F-1,P-1,Sweden,1,IOM,11,5000,,2021-01-01"),
                                        "rejected", "currency"),
        "unknown_transaction_type.csv": (csv(FUNDING_HEADER, "F-1,P-1,Sweden,1,IOM,99,5000,USD,2021-01-01"),
                                         "rejected", "99"),
        "unknown_province.csv": (csv(LOCATIONS_HEADER, "P-1,,Kivu Centrale,false"), "rejected", "Kivu Centrale"),
        "legacy_province.csv": (csv(LOCATIONS_HEADER, "P-1,,Katanga,false"), "rejected", "Katanga"),
        "bad_pcode.csv": (csv(LOCATIONS_HEADER, "P-1,CD99,,false"), "rejected", "CD99"),
        "territory_outside_province.csv": (csv("project_id,province_pcode,territory_pcode,split_known",
                                               "P-1,CD74,CD6101,false"), "rejected", "not inside"),
        "share_above_one.csv": (csv("project_id,province_pcode,budget_share,split_known", "P-1,CD74,1.5,true"),
                                "rejected", "above 1"),
        "households_not_integer.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,2,2021,2022,provincial,3000.5"),
                                       "rejected", "whole number"),
        "households_negative.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,2,2021,2022,provincial,-20"),
                                    "rejected", "negative"),
        "invalid_date.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,2,2021-13-45,2022,provincial,"),
                             "rejected", "2021-13-45"),
        "invalid_status.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,cccm,9,2021,2022,provincial,"),
                               "rejected", "9"),
        "unknown_theme.csv": (csv(PROJECTS_HEADER, "P-1,Un,One,IOM,astrology,2,2021,2022,provincial,"),
                              "rejected", "astrology"),
        "contact_details.csv": (csv(PROJECTS_HEADER + ",notes",
                                    "P-1,Un,One,IOM,cccm,2,2021,2022,provincial,,focal point: someone@example.org"),
                                "rejected", "personal contact details"),
        "missing_title.csv": (csv(PROJECTS_HEADER, "P-1,,,IOM,cccm,2,2021,2022,provincial,"), "rejected", "title"),
        "missing_required_column.csv": (csv("flow_id,project_id,donor,amount,currency",
                                            "F-1,P-1,Sweden,100,USD"), "rejected", "required column missing"),
        "not_a_known_table.csv": (csv("name,age,city", "a,1,b"), "rejected", "not a known table"),
        # --- readable files accepted, some with warnings
        "french_semicolon_cp1252.csv": (
            csv("Identifiant;Titre;Intitulé anglais;Organisation de mise en œuvre;Thème;Statut;Date de début;"
                "Date de fin;Couverture;Ménages ciblés",
                "P-FR;Projet décembre;December project;OIM;cccm;en cours;14 décembre 2021;31/12/2024;provinciale;"
                "plus de 3 000", encoding="cp1252"), "accepted", ""),
        "utf16_tab.txt": (("\t".join(FUNDING_HEADER.split(",")) + "\nF-1\tP-1\tSweden\t1\tIOM\t11\t100\tSEK\t"
                           "2021-12-14\n").encode("utf-16"), "accepted", ""),
        "utf8_bom.csv": (b"\xef\xbb\xbf" + GOOD_PROJECTS, "accepted", ""),
        "amounts_with_symbols.csv": (csv(FUNDING_HEADER, 'F-1,P-1,Netherlands,1,IOM,11,EUR 12.5M,,',
                                         'F-2,P-1,Netherlands,1,IOM,11,"12,5 M€",,',
                                         'F-3,P-1,IDF,1,IOM,11,"$200,000",,',
                                         'F-4,P-1,Sweden,1,IOM,11,12 500 000,SEK,',
                                         'F-5,P-1,Sweden,1,IOM,11,"12.500.000,00",SEK,'), "accepted", ""),
        "excel_dates.xlsx": (workbook({"projects": [PROJECTS_HEADER.split(","),
                                                    ["P-1", "Un", "One", "IOM", "cccm", 2, 44544, 45657, "provincial",
                                                     10]]}), "accepted", ""),
        "multi_sheet.xlsx": (book, "accepted", ""),
        "unknown_column.csv": (csv(PROJECTS_HEADER + ",colour", "P-1,Un,One,IOM,cccm,2,2021,2022,provincial,,blue"),
                               "warning", "colour"),
        "fuzzy_province.csv": (csv(LOCATIONS_HEADER, "P-1,,Nord Kivou,false"), "warning", "Nord"),
        "formula_cells.csv": (csv(PROJECTS_HEADER, 'P-1,"=HYPERLINK(""http://x"")",One,IOM,cccm,2,2021,2022,'
                                                   'provincial,'), "accepted", ""),
        "flat_partner_sheet.csv": (
            csv("Code projet;Titre;Bailleur;Montant;Devise;Province;Statut;Date de début;Date de fin;Organisation de "
                "mise en œuvre;Type de transaction",
                "P-A;Projet A;Suède;100 000;SEK;Tanganyika;en cours;2021;2023;OIM;engagement",
                "P-A;Projet A;Suède;100 000;SEK;Nord-Kivu;en cours;2021;2023;OIM;engagement",
                "P-B;Projet B;Pays-Bas;50 000;EUR;Ituri;terminé;2019;2020;OIM;engagement"), "accepted", ""),
        "flat_conflicting_facts.csv": (
            csv("Code projet;Titre;Bailleur;Montant;Devise;Province;Date de fin;Type de transaction",
                "P-A;Projet A;Suède;100 000;SEK;Tanganyika;2023;engagement",
                "P-A;Projet A;Suède;100 000;SEK;Nord-Kivu;2025;engagement"), "rejected", "2025"),
        "hxl_3w.csv": (csv("Organisation,Bailleur,Province,Code province,Secteur,Ménages ciblés,Début,Fin,Statut",
                           "#org+impl,#org+funder,#adm1+name,#adm1+code,#sector,#targeted+hh,#date+start,#date+end,"
                           "#status",
                           "IOM,Sweden,Tanganyika,CD74,CCCM,500,2021-01-01,2022-12-31,ongoing",
                           "Cordaid,Netherlands,Nord-Kivu,CD61,CCCM,300,2021-06-01,2023-06-30,ongoing"),
                       "warning", ""),
        "hxl_spaced_tags.csv": (csv("Org,Donor,Province,Extra",
                                    "#org +impl,# org+funder,#adm1 +name,",
                                    "IOM,Sweden,Ituri,ignored"), "warning", ""),
    }
    for fixture, outcome, reason in (("iom_drc_activities.xml", "rejected", "out of scope"),
                                     ("billion_laughs.xml", "unreadable", "entit"),
                                     ("external_entity.xml", "unreadable", "entit"),
                                     ("not_iati.xml", "unreadable", "IATI"),
                                     ("organisation_file.xml", "unreadable", "IATI"),
                                     ("truncated.xml", "unreadable", "")):
        path = IATI_FIXTURES / fixture
        if path.exists():
            c[fixture] = (path.read_bytes(), outcome, reason)
    return c


def damaged_sheet(book: bytes) -> bytes:
    """A workbook whose sheet XML is cut in the middle of a tag: loads, then fails while its rows are read."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            archive.writestr(name, data[: len(data) // 2] if name.endswith("sheet1.xml") else data)
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


GROUPS: dict[str, dict[str, bytes]] = {
    "conflict_across_files": {
        "projects_a.csv": csv(PROJECTS_HEADER, "P-1,Projet un,Project one,IOM,cccm,2,2021,2022,provincial,100"),
        "projects_b.csv": csv(PROJECTS_HEADER, "P-1,Projet un,Project one,IOM,cccm,2,2021,2024,provincial,100"),
    },
    "same_record_twice": {
        "projects_a.csv": GOOD_PROJECTS,
        "projects_b.csv": GOOD_PROJECTS,
    },
    "orphan_flow": {
        "projects.csv": GOOD_PROJECTS,
        "funding.csv": csv(FUNDING_HEADER, "F-1,P-404,Sweden,1,IOM,11,100,SEK,2021-12-14"),
    },
}
GROUP_EXPECTED = {"conflict_across_files": ("rejected", "conflicts"), "same_record_twice": ("warning", "kept once"),
                  "orphan_flow": ("rejected", "P-404")}


def main() -> None:
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir()
    expected = {}
    for name, (data, outcome, reason) in sorted(cases().items()):
        (FILES / name).write_bytes(data)
        expected[name] = {"outcome": outcome, "reason": reason}
    for group, files in GROUPS.items():
        (FILES / group).mkdir()
        for name, data in files.items():
            (FILES / group / name).write_bytes(data)
        outcome, reason = GROUP_EXPECTED[group]
        expected[group + "/"] = {"outcome": outcome, "reason": reason}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(expected)} cases written to {FILES}")


if __name__ == "__main__":
    main()
