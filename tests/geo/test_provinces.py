"""Tests for geo.provinces: reference codes, pre-2015 lineage and the province matcher."""

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.provinces import (
    LEGACY_PROVINCES,
    MATCH_METHODS,
    PROVINCE_PCODES,
    ProvinceMatch,
    fold_name,
    get_province,
    match_province,
    match_provinces,
    province_name,
    province_reference,
    provinces,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
OCHA_ADM1 = REPO_ROOT / ".." / "shared" / "geo" / "cod_adm1_ocha_20170407.geojson"

OFFICIAL = {
    "CD10": "Kinshasa", "CD20": "Kongo-Central", "CD31": "Kwango", "CD32": "Kwilu",
    "CD33": "Maï-Ndombe", "CD41": "Equateur", "CD42": "Sud-Ubangi", "CD43": "Nord-Ubangi",
    "CD44": "Mongala", "CD45": "Tshuapa", "CD51": "Tshopo", "CD52": "Bas-Uele",
    "CD53": "Haut-Uele", "CD54": "Ituri", "CD61": "Nord-Kivu", "CD62": "Sud-Kivu",
    "CD63": "Maniema", "CD71": "Haut-Katanga", "CD72": "Lualaba", "CD73": "Haut-Lomami",
    "CD74": "Tanganyika", "CD81": "Lomami", "CD82": "Kasaï-Oriental", "CD83": "Sankuru",
    "CD91": "Kasaï-Central", "CD92": "Kasaï",
}

# ISO 3166-2:CD as pycountry ships it; the module must derive the same pairs.
ISO = {
    "CD10": "CD-KN", "CD20": "CD-BC", "CD31": "CD-KG", "CD32": "CD-KL", "CD33": "CD-MN",
    "CD41": "CD-EQ", "CD42": "CD-SU", "CD43": "CD-NU", "CD44": "CD-MO", "CD45": "CD-TU",
    "CD51": "CD-TO", "CD52": "CD-BU", "CD53": "CD-HU", "CD54": "CD-IT", "CD61": "CD-NK",
    "CD62": "CD-SK", "CD63": "CD-MA", "CD71": "CD-HK", "CD72": "CD-LU", "CD73": "CD-HL",
    "CD74": "CD-TA", "CD81": "CD-LO", "CD82": "CD-KE", "CD83": "CD-SA", "CD91": "CD-KC",
    "CD92": "CD-KS",
}

VARIANTS = [
    ("Mai-Ndombe", "CD33"), ("Mai Ndombe", "CD33"), ("Maindombe", "CD33"),
    ("Maï Ndombe", "CD33"), ("Mayi-Ndombe", "CD33"), ("Kasai", "CD92"),
    ("Nord Kivu", "CD61"), ("North Kivu", "CD61"), ("North-Kivu", "CD61"),
    ("Sud Kivu", "CD62"), ("South Kivu", "CD62"), ("South-Kivu", "CD62"),
    ("Kongo Central", "CD20"), ("Kongo-Centrale", "CD20"), ("Congo Central", "CD20"),
    ("Central Kongo", "CD20"), ("Haut Uele", "CD53"), ("Haut-Uélé", "CD53"),
    ("Haute-Uele", "CD53"), ("Upper Uele", "CD53"), ("Bas-Uélé", "CD52"),
    ("Bas Uele", "CD52"), ("Lower Uele", "CD52"), ("Equateur", "CD41"), ("Équateur", "CD41"),
    ("Equator", "CD41"), ("Tanganyka", "CD74"), ("Kasaï Oriental", "CD82"),
    ("Kasai-Oriental", "CD82"), ("Kasai Orientale", "CD82"), ("East Kasai", "CD82"),
    ("Eastern Kasai", "CD82"), ("Kasai-Central", "CD91"), ("Kasai Central", "CD91"),
    ("Kasaï Central", "CD91"), ("Kasai Centrale", "CD91"), ("Central Kasai", "CD91"),
    ("Lulua", "CD91"), ("Haut Katanga", "CD71"), ("Upper Katanga", "CD71"),
    ("Haut Lomami", "CD73"), ("Upper Lomami", "CD73"), ("Sud Ubangi", "CD42"),
    ("South Ubangi", "CD42"), ("Nord Ubangi", "CD43"), ("North Ubangi", "CD43"),
    ("Kinshasa City", "CD10"), ("Ville de Kinshasa", "CD10"),
    ("Ville-Province de Kinshasa", "CD10"), ("KINSHASA", "CD10"),
    ("Province du Nord-Kivu", "CD61"), ("Ituri Province", "CD54"),
]

SPLIT_LEGACY = [
    ("Bandundu", {"CD31", "CD32", "CD33"}),
    ("Orientale", {"CD51", "CD52", "CD53", "CD54"}),
    ("Province Orientale", {"CD51", "CD52", "CD53", "CD54"}),
    ("Katanga", {"CD71", "CD72", "CD73", "CD74"}),
    ("Kasaï-Occidental", {"CD91", "CD92"}),
    ("Kasai Occidental", {"CD91", "CD92"}),
]


def _ocha_features():
    if not OCHA_ADM1.exists():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="shared/geo not present"))]
    with OCHA_ADM1.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return [
        pytest.param(f["properties"]["NOM"], f["properties"]["PCode"], id=f["properties"]["PCode"])
        for f in features
    ]


def test_there_are_26_distinct_pcodes():
    assert sorted(PROVINCE_PCODES) == sorted(OFFICIAL) and len(set(PROVINCE_PCODES)) == 26


@pytest.mark.parametrize("pcode", sorted(OFFICIAL))
def test_pcode_matches_by_code(pcode):
    m = match_province(pcode)
    assert (m.pcode, m.method) == (pcode, "code")


@pytest.mark.parametrize("query", ["cd61", " Cd61 "])
def test_pcode_is_case_insensitive(query):
    assert match_province(query).pcode == "CD61"


@pytest.mark.parametrize("pcode,name", sorted(OFFICIAL.items()))
def test_official_name_matches_exactly(pcode, name):
    m = match_province(name)
    assert (m.pcode, m.method) == (pcode, "exact")


@pytest.mark.parametrize("pcode,name", sorted(OFFICIAL.items()))
def test_province_name_is_the_official_french_name(pcode, name):
    assert province_name(pcode) == name


def test_province_name_rejects_unknown_pcode():
    with pytest.raises(KeyError):
        province_name("CD99")


@pytest.mark.parametrize("province", provinces(), ids=lambda p: p.pcode)
def test_english_name_matches(province):
    assert match_province(province.name_en).pcode == province.pcode


def test_iso_codes_are_complete_and_distinct():
    codes = [p.iso_code for p in provinces()]
    assert None not in codes and len(set(codes)) == 26


@pytest.mark.parametrize("pcode,iso", sorted(ISO.items()))
def test_iso_code_is_right(pcode, iso):
    assert get_province(pcode).iso_code == iso


@pytest.mark.parametrize("pcode,iso", sorted(ISO.items()))
def test_iso_code_matches_by_code(pcode, iso):
    m = match_province(iso)
    assert (m.pcode, m.method) == (pcode, "code")


def test_iso_codes_are_pycountrys():
    """The module's static ISO table is pycountry's ISO 3166-2:CD (each subdivision found by its name)."""
    import pycountry

    shipped = {match_province(sub.name).pcode: sub.code for sub in pycountry.subdivisions.get(country_code="CD")}
    assert shipped == {p.pcode: p.iso_code for p in provinces()}


def test_iso_code_is_case_insensitive():
    assert match_province("cd-nk").pcode == "CD61"


def test_unknown_iso_code_is_unmatched():
    m = match_province("CD-ZZ")
    assert (m.pcode, m.method) == (None, "unmatched")


def test_gadm_gids_are_complete_and_distinct():
    gids = {p.gadm_gid for p in provinces()}
    assert len(gids) == 26 and gids == {f"COD.{i}_1" for i in range(1, 27)}


@pytest.mark.parametrize(
    "gid,pcode",
    [("COD.1_1", "CD52"), ("COD.10_1", "CD10"), ("COD.11_1", "CD20"), ("COD.19_1", "CD61"),
     ("COD.22_1", "CD62"), ("COD.23_1", "CD42"), ("COD.24_1", "CD74"), ("COD.26_1", "CD45")],
)
def test_gadm_gid_matches_by_code(gid, pcode):
    m = match_province(gid)
    assert (m.pcode, m.method) == (pcode, "code")


@pytest.mark.parametrize("query,pcode", VARIANTS)
def test_variant_matches(query, pcode):
    m = match_province(query)
    assert m.pcode == pcode and m.method in {"exact", "variant"}


def test_english_translation_is_a_variant_match():
    assert match_province("North Kivu").method == "variant"


@pytest.mark.parametrize("query,successors", SPLIT_LEGACY)
def test_split_legacy_name_is_never_assigned(query, successors):
    m = match_province(query)
    assert (m.method, m.pcode, set(m.candidates)) == ("legacy-split", None, successors)


@pytest.mark.parametrize("query", ["Bas-Congo", "Bas Congo", "BAS-CONGO"])
def test_bas_congo_is_a_rename_of_kongo_central(query):
    m = match_province(query)
    assert (m.pcode, m.method) == ("CD20", "legacy")


@pytest.mark.parametrize("name", ["Kinshasa", "Maniema", "Nord-Kivu", "Sud-Kivu"])
def test_unchanged_legacy_province_matches_itself(name):
    m = match_province(name)
    assert (m.method, m.pcode) == ("exact", LEGACY_PROVINCES[name][0])


@pytest.mark.parametrize("query,pcode", [("Equateur", "CD41"), ("Équateur", "CD41"),
                                         ("Kasaï-Oriental", "CD82"), ("Kasai Oriental", "CD82")])
def test_name_shared_with_legacy_province_matches_current_with_note(query, pcode):
    m = match_province(query)
    assert (m.pcode, m.method) == (pcode, "exact") and "pre-2015" in m.note


def test_legacy_provinces_are_the_eleven():
    assert len(LEGACY_PROVINCES) == 11


def test_legacy_successors_partition_the_26_provinces():
    successors = [p for parts in LEGACY_PROVINCES.values() for p in parts]
    assert sorted(successors) == sorted(PROVINCE_PCODES)


@pytest.mark.parametrize(
    "query,pcode",
    [("Nord-Kivuu", "CD61"), ("Tanganika", "CD74"), ("Sud Kivou", "CD62"),
     ("Maniemaa", "CD63"), ("Bas-Congoo", "CD20")],
)
def test_typo_matches_fuzzy(query, pcode):
    m = match_province(query)
    assert (m.pcode, m.method) == (pcode, "fuzzy") and 90 <= m.score < 100


@pytest.mark.parametrize("query", ["Katangaa", "Bandundou", "Kasai Occidentale"])
def test_misspelt_split_legacy_name_stays_split(query):
    m = match_province(query)
    assert (m.method, m.pcode) == ("legacy-split", None) and m.candidates


@pytest.mark.parametrize("query", ["Kivu", "Uele", "Haut", "Nord-Kivu/Ituri"])
def test_ambiguous_fragment_is_unmatched_with_suggestions(query):
    m = match_province(query)
    assert (m.pcode, m.method) == (None, "unmatched") and len(m.suggestions) >= 2


def test_short_fragment_is_not_accepted():
    assert match_province("Kwi").pcode is None


def test_nonsense_is_unmatched():
    m = match_province("Atlantis")
    assert (m.pcode, m.method) == (None, "unmatched")
    assert isinstance(m.suggestions, tuple) and len(m.suggestions) <= 3


def test_suggestions_are_official_names():
    assert set(match_province("Kivu").suggestions) <= set(OFFICIAL.values())


@pytest.mark.parametrize("query", [None, "", "   ", float("nan"), pd.NA, "-"])
def test_missing_or_empty_input_is_unmatched_without_suggestions(query):
    m = match_province(query)
    assert (m.pcode, m.method, m.suggestions) == (None, "unmatched", ())


@pytest.mark.parametrize(
    "query",
    ["DRC", "RDC", "RD Congo", "D.R.C.", "Democratic Republic of the Congo",
     "République démocratique du Congo", "Congo", "National"],
)
def test_country_label_is_unmatched(query):
    m = match_province(query)
    assert (m.pcode, m.method, m.suggestions) == (None, "unmatched", ())


@pytest.mark.parametrize("query", ["Province", "Unknown", "n/a"])
def test_generic_label_is_unmatched(query):
    assert match_province(query).pcode is None


def test_adm2_pcode_is_not_a_province():
    m = match_province("CD6101")
    assert (m.pcode, m.method) == (None, "unmatched") and "CD61" in m.note


def test_adm2_pcode_suggests_its_province():
    assert match_province("CD6101").suggestions == ("Nord-Kivu",)


def test_unknown_pcode_is_unmatched():
    assert match_province("CD99").method == "unmatched"


@pytest.mark.parametrize("query", ["Kinshasa", "Bandundu", "Nord-Kivuu", "Atlantis", None, "CD61"])
def test_method_is_a_known_method(query):
    assert match_province(query).method in MATCH_METHODS


def test_match_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        match_province("Ituri").pcode = "CD10"  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw,folded",
    [("Maï-Ndombe", "mai ndombe"), ("  Province du Nord-Kivu ", "nord kivu"),
     ("Province de l'Équateur", "equateur"), ("KASAÏ_CENTRAL", "kasai central"),
     ("Ituri Province", "ituri"), ("Kongo-Central.", "kongo central"),
     ("Kasaï\u2019s", "kasai s"), ("Province", "province"), (None, "")],
)
def test_fold_name(raw, folded):
    assert fold_name(raw) == folded


def test_match_provinces_report_columns():
    report = match_provinces(["Nord Kivu"])
    assert list(report.columns) == ["query", "pcode", "name_fr", "method", "candidates",
                                    "suggestions", "score", "note"]


def test_match_provinces_keeps_input_order_and_length():
    report = match_provinces(pd.Series(["Ituri", None, "Bandundu", "Atlantis"]))
    assert report["method"].tolist() == ["exact", "unmatched", "legacy-split", "unmatched"]


def test_match_provinces_fills_name_fr():
    assert match_provinces(["cd-nk"]).loc[0, "name_fr"] == "Nord-Kivu"


def test_match_provinces_leaves_unresolved_pcode_missing():
    assert pd.isna(match_provinces(["Bandundu"]).loc[0, "pcode"])


def test_match_provinces_accepts_empty_input():
    assert match_provinces([]).empty


def test_province_reference_has_one_row_per_province():
    ref = province_reference()
    assert ref.shape == (26, 7) and ref["pcode"].tolist() == list(PROVINCE_PCODES)


def test_province_reference_columns():
    assert list(province_reference().columns) == [
        "pcode", "name_fr", "name_en", "iso_code", "hasc", "gadm_gid", "variants"]


def test_match_score_is_a_number():
    assert not math.isnan(match_province("Atlantis").score)


def test_importing_does_not_load_pycountry():
    code = "import sys, geo.provinces; print('pycountry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("nom,pcode", _ocha_features())
def test_ocha_adm1_name_matches_its_pcode(nom, pcode):
    assert match_province(nom).pcode == pcode


@pytest.mark.parametrize("nom,pcode", _ocha_features())
def test_ocha_adm1_name_is_the_official_name(nom, pcode):
    assert province_name(pcode) == nom


def test_match_result_type():
    assert isinstance(match_province("Ituri"), ProvinceMatch)


@pytest.mark.parametrize("label, pcode, method", [
    ("Nord Kivu, Democratic Republic of the Congo", "CD61", "exact"),
    ("Equateur region, Democratic Republic of the Congo", "CD41", "exact"),
    ("Sud-Kivu region", "CD62", "exact"),
    ("Ituri (RDC)", "CD54", "exact"),
    ("Province du Nord-Kivu", "CD61", "exact"),
])
def test_publisher_suffixes_are_stripped_and_the_report_says_so(label, pcode, method):
    match = match_province(label)
    assert (match.pcode, match.method) == (pcode, method)
    if "," in label or "(" in label or label.endswith("region"):
        assert "suffix" in match.note


def test_a_stripped_label_that_is_no_province_stays_unmatched():
    assert match_province("Dungu, Democratic Republic of the Congo").pcode is None
