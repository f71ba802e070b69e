"""The 26 DRC provinces (2015 découpage): reference codes, pre-2015 lineage and a name matcher."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from cells import fold_words, is_missing

__all__ = [
    "LEGACY_PROVINCES",
    "MATCH_METHODS",
    "PROVINCE_PCODES",
    "Province",
    "ProvinceMatch",
    "fold_name",
    "get_province",
    "match_hasc",
    "match_province",
    "match_provinces",
    "province_name",
    "province_reference",
    "provinces",
]


@dataclass(frozen=True)
class Province:
    """One current province; name_fr is the display name in every UI language."""

    pcode: str
    name_fr: str
    name_en: str
    iso_code: str | None
    variants: tuple[str, ...]
    # GADM HASC_1: only the two legacy codes given in the project's standards note are filled
    # (see _HASC); the others stay None rather than guessed.
    hasc: str | None = None
    gadm_gid: str | None = None


@dataclass(frozen=True)
class ProvinceMatch:
    """How one free-text province label was resolved, in a form a report can show."""

    query: str
    pcode: str | None
    method: str
    # Filled only for "legacy-split": the successor P-codes a pre-2015 name may mean.
    candidates: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    score: float = 0.0
    note: str = ""

    @property
    def name_fr(self) -> str | None:
        return None if self.pcode is None else province_name(self.pcode)


MATCH_METHODS = ("code", "exact", "variant", "legacy", "legacy-split", "fuzzy", "unmatched")

# (P-code, official French name as OCHA COD-AB writes it, English name, spellings seen in
# the wild). English names follow OCHA/ReliefWeb English products: only the Kivus are
# translated there; the rest keep the French name without diacritics.
_TABLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("CD10", "Kinshasa", "Kinshasa",
     ("Kinshasa City", "Ville de Kinshasa", "Ville-Province de Kinshasa")),
    ("CD20", "Kongo-Central", "Kongo Central",
     ("Kongo Central", "Kongo-Centrale", "Congo Central", "Central Kongo")),
    ("CD31", "Kwango", "Kwango", ()),
    ("CD32", "Kwilu", "Kwilu", ()),
    ("CD33", "Maï-Ndombe", "Mai-Ndombe",
     ("Mai-Ndombe", "Mai Ndombe", "Maï Ndombe", "Maindombe", "Mayi-Ndombe")),
    ("CD41", "Equateur", "Equateur", ("Équateur", "Equator")),
    ("CD42", "Sud-Ubangi", "Sud-Ubangi", ("Sud Ubangi", "South Ubangi")),
    ("CD43", "Nord-Ubangi", "Nord-Ubangi", ("Nord Ubangi", "North Ubangi")),
    ("CD44", "Mongala", "Mongala", ()),
    ("CD45", "Tshuapa", "Tshuapa", ()),
    ("CD51", "Tshopo", "Tshopo", ()),
    ("CD52", "Bas-Uele", "Bas-Uele", ("Bas-Uélé", "Bas Uele", "Lower Uele")),
    ("CD53", "Haut-Uele", "Haut-Uele", ("Haut-Uélé", "Haut Uele", "Haute-Uele", "Upper Uele")),
    ("CD54", "Ituri", "Ituri", ()),
    ("CD61", "Nord-Kivu", "North Kivu", ("Nord Kivu", "North-Kivu")),
    ("CD62", "Sud-Kivu", "South Kivu", ("Sud Kivu", "South-Kivu")),
    ("CD63", "Maniema", "Maniema", ()),
    ("CD71", "Haut-Katanga", "Haut-Katanga", ("Haut Katanga", "Upper Katanga")),
    ("CD72", "Lualaba", "Lualaba", ()),
    ("CD73", "Haut-Lomami", "Haut-Lomami", ("Haut Lomami", "Upper Lomami")),
    # "Tanganyka" is a typo that MSF's province layer carries.
    ("CD74", "Tanganyika", "Tanganyika", ("Tanganyka",)),
    ("CD81", "Lomami", "Lomami", ()),
    ("CD82", "Kasaï-Oriental", "Kasai Oriental",
     ("Kasai-Oriental", "Kasaï Oriental", "Kasai Orientale", "East Kasai", "Eastern Kasai")),
    ("CD83", "Sankuru", "Sankuru", ()),
    # "Lulua": the name the 2006 constitution planned for this province (and the old district).
    ("CD91", "Kasaï-Central", "Kasai Central",
     ("Kasai-Central", "Kasaï Central", "Kasai Centrale", "Central Kasai", "Lulua")),
    ("CD92", "Kasaï", "Kasai", ("Kasai",)),
)

PROVINCE_PCODES: tuple[str, ...] = tuple(row[0] for row in _TABLE)

# GADM GID_1 codes (alphabetical order of NAME_1). Verified from stored public sources:
# a World Bank GMD subnational crosswalk YAML (PARAM-GEO-GMD-CROSSWALK, geo_source GADM,
# geo_year 2022, all 26 provinces) and two R scripts mapping DRC health-zone data onto
# gadm36_COD_1 GID_1 (one lists 14 provinces, the other 26 but swaps Sud-Kivu/Sud-Ubangi,
# against both other sources and GADM's alphabetical numbering).
_GADM_GID: Mapping[str, str] = MappingProxyType({
    "CD52": "COD.1_1", "CD41": "COD.2_1", "CD71": "COD.3_1", "CD73": "COD.4_1",
    "CD53": "COD.5_1", "CD54": "COD.6_1", "CD91": "COD.7_1", "CD82": "COD.8_1",
    "CD92": "COD.9_1", "CD10": "COD.10_1", "CD20": "COD.11_1", "CD31": "COD.12_1",
    "CD32": "COD.13_1", "CD81": "COD.14_1", "CD72": "COD.15_1", "CD33": "COD.16_1",
    "CD63": "COD.17_1", "CD44": "COD.18_1", "CD61": "COD.19_1", "CD43": "COD.20_1",
    "CD83": "COD.21_1", "CD62": "COD.22_1", "CD42": "COD.23_1", "CD74": "COD.24_1",
    "CD51": "COD.25_1", "CD45": "COD.26_1",
})

# GADM's legacy HASC_1 codes, as given in the project's notes (shared/notes/standards.md, "OCHA
# P-codes for the 26 provinces"): CD.BC Kongo-Central (from Bas-Congo), CD.LL Kasaï-Central (from
# Lulua). Matched only when they come from a HASC column (match_hasc), never from free text.
_HASC: Mapping[str, str] = MappingProxyType({"CD20": "CD.BC", "CD91": "CD.LL"})

# The 11 provinces before the 2015 découpage and their successors. Four were unchanged;
# Bas-Congo was only renamed; the others were split and must never be pinned to one part.
LEGACY_PROVINCES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Bas-Congo": ("CD20",),
    "Bandundu": ("CD31", "CD32", "CD33"),
    "Équateur": ("CD41", "CD42", "CD43", "CD44", "CD45"),
    "Orientale": ("CD51", "CD52", "CD53", "CD54"),
    "Katanga": ("CD71", "CD72", "CD73", "CD74"),
    "Kasaï-Occidental": ("CD92", "CD91"),
    "Kasaï-Oriental": ("CD82", "CD81", "CD83"),
    "Kinshasa": ("CD10",),
    "Maniema": ("CD63",),
    "Nord-Kivu": ("CD61",),
    "Sud-Kivu": ("CD62",),
})

# Other spellings of pre-2015 names ("Province Orientale" already folds to "orientale").
_LEGACY_ALIASES: Mapping[str, str] = MappingProxyType({
    "Oriental": "Orientale",
    "Kasai Occidental": "Kasaï-Occidental",
    "West Kasai": "Kasaï-Occidental",
    "Western Kasai": "Kasaï-Occidental",
    "Lower Congo": "Bas-Congo",
})

# Labels that mean the whole country (or no single province) rather than a province.
_COUNTRY_LABELS = frozenset({
    "cd", "cod", "drc", "rdc", "d r c", "r d c", "dr congo", "rd congo", "d r congo",
    "r d congo", "congo", "congo kinshasa", "democratic republic of congo",
    "democratic republic of the congo", "the democratic republic of the congo",
    "republique democratique du congo", "national", "nationwide", "countrywide",
    "national level", "niveau national", "multiple provinces", "plusieurs provinces",
})

# Labels that name a kind of place or no place; fuzzy scoring would otherwise find them
# inside long variants ("province" in "Ville-Province de Kinshasa").
_GENERIC_LABELS = frozenset({
    "province", "provinces", "ville", "city", "territoire", "territory", "district", "region",
    "zone", "zone de sante", "health zone", "all", "tous", "toutes", "other", "others",
    "autre", "autres", "divers", "various", "unknown", "inconnu", "inconnue", "n/a", "n a",
    "na", "none", "null", "nan",
})

# Below this many folded characters WRatio's substring scoring accepts fragments
# ("kwi" scores 90 against "kwilu"), so short labels only get suggestions.
_FUZZY_MIN_LENGTH = 4
_FUZZY_ACCEPT = 90.0
_FUZZY_MARGIN = 5.0
_SUGGESTION_CUTOFF = 60.0
_MAX_SUGGESTIONS = 3

# Two pre-2015 provinces gave their name to a smaller current one, so a match on that
# name is right for recent data but may hide older data covering the wider province.
_SHARED_NAMES: Mapping[str, str] = MappingProxyType(
    {"CD41": "Équateur", "CD82": "Kasaï-Oriental"}
)

_LEADING_PROVINCE = re.compile(r"^province\s+(?:(?:de\s+la|de\s+l|du|des|de|d|of)\s+)?")
_TRAILING_PROVINCE = re.compile(r"\s+province$")
# What publishers append to a province name (IATI location names read "Nord Kivu, Democratic Republic of the
# Congo", "Equateur region, ..."): stripped, on the folded text, only when the full label matches nothing exactly.
_COUNTRY_SUFFIX = re.compile(
    r"\s*[,(/-]?\s*(?:the\s+)?(?:democratic\s+republic\s+of\s+(?:the\s+)?congo|dr\s+congo|rd\s+congo|drc|rdc"
    r"|republique\s+democratique\s+du\s+congo|congo\s+kinshasa"
    r"|congo\s+\(?the\s+democratic\s+republic\s+of\s+the\)?)\)?\s*$")
_REGION_SUFFIX = re.compile(r"\s+(?:region|region\s+de|prov)$")
_PCODE_ADM1 = re.compile(r"^CD\d{2}$")
_PCODE_DEEPER = re.compile(r"^CD\d{4,}$")
_ISO_CODE = re.compile(r"^CD-[A-Z]{2}$")
_GADM_GID_CODE = re.compile(r"^COD\.\d+_1$")


def fold_name(s: object) -> str:
    """Fold a place name for comparison: no case, accents, punctuation or 'province' word."""
    text = "" if s is None else fold_words(s)
    # Keep a bare "province" as is: stripping it would turn a label into an empty match.
    stripped = _TRAILING_PROVINCE.sub("", _LEADING_PROVINCE.sub("", text))
    return stripped or text


# ISO 3166-2:CD codes of the 26 provinces, as pycountry's database gives them (tests/geo/test_provinces.py checks
# this table against pycountry): a static table, because loading pycountry's subdivisions cost ~0.1 s of every
# server start (the first page's province labels need the Province records).
_ISO: Mapping[str, str] = MappingProxyType({
    "CD10": "CD-KN", "CD20": "CD-BC", "CD31": "CD-KG", "CD32": "CD-KL", "CD33": "CD-MN",
    "CD41": "CD-EQ", "CD42": "CD-SU", "CD43": "CD-NU", "CD44": "CD-MO", "CD45": "CD-TU",
    "CD51": "CD-TO", "CD52": "CD-BU", "CD53": "CD-HU", "CD54": "CD-IT", "CD61": "CD-NK",
    "CD62": "CD-SK", "CD63": "CD-MA", "CD71": "CD-HK", "CD72": "CD-LU", "CD73": "CD-HL",
    "CD74": "CD-TA", "CD81": "CD-LO", "CD82": "CD-KE", "CD83": "CD-SA", "CD91": "CD-KC",
    "CD92": "CD-KS",
})


@functools.lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """All 26 provinces in P-code order, with their ISO 3166-2 codes."""
    return tuple(
        Province(
            pcode=pcode,
            name_fr=name_fr,
            name_en=name_en,
            iso_code=_ISO.get(pcode),
            variants=variants,
            hasc=_HASC.get(pcode),
            gadm_gid=_GADM_GID.get(pcode),
        )
        for pcode, name_fr, name_en, variants in _TABLE
    )


@functools.lru_cache(maxsize=1)
def _by_pcode() -> Mapping[str, Province]:
    return MappingProxyType({p.pcode: p for p in provinces()})


def get_province(pcode: str) -> Province:
    """The Province for a P-code (case-insensitive); KeyError if it is not one of the 26."""
    key = str(pcode).strip().upper()
    try:
        return _by_pcode()[key]
    except KeyError:
        raise KeyError(f"not a DRC province P-code: {pcode!r}") from None


def province_name(pcode: str) -> str:
    """Official display name (French, as OCHA writes it) of a province P-code."""
    return get_province(pcode).name_fr


def province_reference() -> pd.DataFrame:
    """One row per province: pcode, name_fr, name_en, iso_code, hasc, gadm_gid, variants."""
    return pd.DataFrame.from_records(
        [
            (p.pcode, p.name_fr, p.name_en, p.iso_code, p.hasc, p.gadm_gid, p.variants)
            for p in provinces()
        ],
        columns=["pcode", "name_fr", "name_en", "iso_code", "hasc", "gadm_gid", "variants"],
    )


@functools.lru_cache(maxsize=1)
def _official_index() -> Mapping[str, str]:
    return MappingProxyType({fold_name(name_fr): pcode for pcode, name_fr, _, _ in _TABLE})


@functools.lru_cache(maxsize=1)
def _current_index() -> Mapping[str, str]:
    # Official names, English names and variants. A folded spelling shared by two
    # provinces would make matching order-dependent, so it is refused outright.
    index: dict[str, str] = {}
    for pcode, name_fr, name_en, variants in _TABLE:
        for name in (name_fr, name_en, *variants):
            key = fold_name(name)
            if index.setdefault(key, pcode) != pcode:
                raise ValueError(f"spelling {name!r} folds onto two provinces")
    return MappingProxyType(index)


@functools.lru_cache(maxsize=1)
def _legacy_index() -> Mapping[str, str]:
    # Only pre-2015 names that differ from every current name: the shared ones
    # (Équateur, Kasaï-Oriental, the four unchanged provinces) resolve as current names.
    current = _current_index()
    spellings = {**{name: name for name in LEGACY_PROVINCES}, **_LEGACY_ALIASES}
    return MappingProxyType({
        fold_name(spelling): legacy
        for spelling, legacy in spellings.items()
        if fold_name(spelling) not in current
    })


def _shared_name_note(pcode: str) -> str:
    legacy = _SHARED_NAMES.get(pcode)
    if legacy is None:
        return ""
    parts = ", ".join(province_name(p) for p in LEGACY_PROVINCES[legacy])
    return (
        f"{legacy} is also the name of a pre-2015 province with wider borders "
        f"(now {parts}); matched to the current province."
    )


def _legacy_match(query: str, legacy: str, score: float, fuzzy: bool) -> ProvinceMatch:
    successors = LEGACY_PROVINCES[legacy]
    how = f"close to the pre-2015 name {legacy} (score {score:.0f})" if fuzzy else None
    if len(successors) == 1:
        pcode = successors[0]
        note = f"{legacy} is the pre-2015 name of {province_name(pcode)}"
        return ProvinceMatch(
            query=query,
            pcode=pcode,
            method="fuzzy" if fuzzy else "legacy",
            score=score,
            note=f"{note}; {how}." if how else f"{note}.",
        )
    names = tuple(province_name(p) for p in successors)
    note = (
        f"{legacy} is a pre-2015 province split in 2015 into {', '.join(names)}; "
        "it is not assigned to any one of them"
    )
    return ProvinceMatch(
        query=query,
        pcode=None,
        method="legacy-split",
        candidates=successors,
        suggestions=names,
        score=score,
        note=f"{note}; {how}." if how else f"{note}.",
    )


def _match_code(query: str, code: str) -> ProvinceMatch | None:
    if _PCODE_ADM1.match(code):
        if code in PROVINCE_PCODES:
            return ProvinceMatch(query=query, pcode=code, method="code", score=100.0)
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note=f"{code} is not a DRC province P-code.")
    if _PCODE_DEEPER.match(code):
        parent = code[:4]
        if parent in PROVINCE_PCODES:
            return ProvinceMatch(
                query=query, pcode=None, method="unmatched",
                suggestions=(province_name(parent),),
                note=(f"{code} is a sub-provincial P-code (territory, town or lower), "
                      f"not a province; it lies in {parent} {province_name(parent)}."),
            )
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note=f"{code} is not a known DRC P-code.")
    if _ISO_CODE.match(code):
        for pcode, iso in _ISO.items():
            if iso == code:
                return ProvinceMatch(query=query, pcode=pcode, method="code", score=100.0)
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note=f"{code} is not a current ISO 3166-2 code of a DRC province.")
    if _GADM_GID_CODE.match(code):
        for pcode, gid in _GADM_GID.items():
            if gid == code:
                return ProvinceMatch(query=query, pcode=pcode, method="code", score=100.0)
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note=f"{code} is not a GADM GID_1 code of a DRC province.")
    # HASC codes are not matched: none could be verified, and the pre-2015 HASC set
    # reused codes such as CD.KC (Kasaï-Occidental) that now read like Kasaï-Central.
    return None


@functools.lru_cache(maxsize=1)
def _fuzzy_pool() -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Choices and their targets: a P-code, or "legacy:<name>" so that a misspelt
    # pre-2015 name competes with its successors instead of landing on one of them.
    keys: list[str] = []
    targets: list[str] = []
    for key, pcode in _current_index().items():
        keys.append(key)
        targets.append(pcode)
    for key, legacy in _legacy_index().items():
        keys.append(key)
        targets.append(f"legacy:{legacy}")
    return tuple(keys), tuple(targets)


def _match_fuzzy(query: str, folded: str) -> ProvinceMatch:
    from rapidfuzz import fuzz, process

    keys, targets = _fuzzy_pool()
    best: dict[str, float] = {}
    for _, score, idx in process.extract(folded, keys, scorer=fuzz.WRatio, limit=None):
        target = targets[idx]
        best[target] = max(best.get(target, 0.0), float(score))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    top_target, top = ranked[0] if ranked else ("", 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    top = round(top, 1)

    long_enough = len(folded.replace(" ", "")) >= _FUZZY_MIN_LENGTH
    if long_enough and top >= _FUZZY_ACCEPT and top - second >= _FUZZY_MARGIN:
        if top_target.startswith("legacy:"):
            return _legacy_match(query, top_target.removeprefix("legacy:"), top, fuzzy=True)
        shared = _shared_name_note(top_target)
        note = f"Closest spelling of {province_name(top_target)} (score {top:.0f})."
        return ProvinceMatch(query=query, pcode=top_target, method="fuzzy", score=top,
                             note=f"{note} {shared}" if shared else note)

    suggestions = tuple(
        province_name(target)
        for target, score in ranked
        if not target.startswith("legacy:") and score >= _SUGGESTION_CUTOFF
    )[:_MAX_SUGGESTIONS]
    if not long_enough:
        note = "Too short to match by spelling alone."
    elif top >= _FUZZY_ACCEPT:
        note = (f"Ambiguous: several provinces score about {top:.0f}; "
                f"a match needs a lead of {_FUZZY_MARGIN:.0f} points.")
    else:
        note = (f"No province name is close enough "
                f"(best score {top:.0f}, needs {_FUZZY_ACCEPT:.0f}).")
    return ProvinceMatch(query=query, pcode=None, method="unmatched",
                         suggestions=suggestions, score=top, note=note)


@functools.lru_cache(maxsize=8192)
def _match_text(query: str) -> ProvinceMatch:
    # Cached per distinct label: allocation tables repeat the same few names many times.
    text = query.strip()
    if not text:
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note="Empty province label.")

    by_code = _match_code(query, text.upper())
    if by_code is not None:
        return by_code

    folded = fold_name(text)
    if not folded:
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note="Empty province label.")
    if folded in _COUNTRY_LABELS:
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note="Country-level label, not a province.")
    if folded in _GENERIC_LABELS:
        return ProvinceMatch(query=query, pcode=None, method="unmatched",
                             note="Generic label, not a province name.")

    pcode = _official_index().get(folded)
    if pcode is not None:
        return ProvinceMatch(query=query, pcode=pcode, method="exact", score=100.0,
                             note=_shared_name_note(pcode))

    pcode = _current_index().get(folded)
    if pcode is not None:
        return ProvinceMatch(query=query, pcode=pcode, method="variant", score=100.0,
                             note=_shared_name_note(pcode))

    legacy = _legacy_index().get(folded)
    if legacy is not None:
        return _legacy_match(query, legacy, 100.0, fuzzy=False)

    stripped = _match_without_suffix(query, folded)
    if stripped is not None:
        return stripped
    return _match_fuzzy(query, folded)


def _strip_suffixes(folded: str) -> str:
    """The folded label without the country or 'region' suffixes publishers add (repeatedly: 'X region, DRC')."""
    previous = None
    while previous != folded:
        previous = folded
        folded = _REGION_SUFFIX.sub("", _COUNTRY_SUFFIX.sub("", folded)).strip(" ,")
        folded = fold_name(folded)
    return folded


def _match_without_suffix(query: str, folded: str) -> ProvinceMatch | None:
    """Exact, variant or legacy match of the label once its suffixes are removed; None when nothing changes or
    the rest is no province (never fuzzy: a suffix-less fragment is too weak a signal)."""
    core = _strip_suffixes(folded)
    if not core or core == folded:
        return None
    removed = folded[len(core):].strip(" ,") if folded.startswith(core) else folded
    note = f"Read as '{core}' once the suffix '{removed}' is removed."
    pcode = _official_index().get(core)
    if pcode is not None:
        return ProvinceMatch(query=query, pcode=pcode, method="exact", score=100.0,
                             note=" ".join(filter(None, (note, _shared_name_note(pcode)))))
    pcode = _current_index().get(core)
    if pcode is not None:
        return ProvinceMatch(query=query, pcode=pcode, method="variant", score=100.0,
                             note=" ".join(filter(None, (note, _shared_name_note(pcode)))))
    legacy = _legacy_index().get(core)
    if legacy is not None:
        match = _legacy_match(query, legacy, 100.0, fuzzy=False)
        return ProvinceMatch(query=query, pcode=match.pcode, method=match.method, candidates=match.candidates,
                             score=match.score, note=f"{note} {match.note}".strip())
    if core in _COUNTRY_LABELS:
        return ProvinceMatch(query=query, pcode=None, method="unmatched", note="Country-level label, not a province.")
    return None


def match_hasc(code: object) -> ProvinceMatch:
    """Resolve a value read from a HASC column (GADM HASC_1); only the documented codes match."""
    text = "" if is_missing(code) else str(code).strip().upper()
    for pcode, hasc in _HASC.items():
        if hasc == text:
            return ProvinceMatch(query=str(code), pcode=pcode, method="code", score=100.0,
                                 note=f"GADM legacy HASC code {hasc}.")
    return ProvinceMatch(query=text, pcode=None, method="unmatched",
                         note=f"{text or 'empty'} is not a known HASC code of a DRC province.")


def match_province(query: object) -> ProvinceMatch:
    """Resolve a free-text province label to a P-code, saying how; never raises on bad input."""
    if is_missing(query):
        return ProvinceMatch(query="", pcode=None, method="unmatched",
                             note="Missing province label.")
    return _match_text(str(query))


def match_provinces(names: Iterable[object]) -> pd.DataFrame:
    """One report row per label, in input order; unresolved pcode/name_fr are missing (NA)."""
    columns = ["query", "pcode", "name_fr", "method", "candidates", "suggestions", "score", "note"]
    rows = []
    for name in names:
        m = match_province(name)
        rows.append((m.query, m.pcode, m.name_fr, m.method, m.candidates, m.suggestions,
                     m.score, m.note))
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["score"] = frame["score"].astype(float)
    return frame
