"""Organisation reference: one donor per organisation whatever the language, spelling, acronym or IATI ref."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cells import fold_words

REFERENCE_FILE = Path(__file__).resolve().parent / "organisations.toml"
AS_GIVEN_COLUMN = "donor_as_given"  # the donor as the source names it, beside the canonical `donor`

# "Gouvernement du Royaume-Uni", "Government of the Netherlands", "Ambassade de France": the country is the donor.
_GOVERNMENT_RE = re.compile(
    r"^(?:gouvernement|government|ambassade|amba|embassy|cooperation)"
    r"(?: (?:du|de la|des|de l|de|d|of the|of))? (.+)$")
# FTS: "Sweden, Government of", "Netherlands, Government of the".
_GOVERNMENT_OF_RE = re.compile(r"^(.+?) (?:government of(?: the)?|gouvernement d[eu]s?(?: la| l)?)$")
# "Sweden - Swedish International Development Cooperation Agency", "UK - Department for International Development".
_SEPARATORS = re.compile(r"\s+[-–—/:]\s+")


@dataclass(frozen=True)
class Organisation:
    """One organisation: its key, names in English and French, and every other way sources name it."""

    key: str  # ISO 3166 alpha-2 for a country's government aid, else a short code ("EU", "UNICEF")
    en: str
    fr: str
    aliases: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()  # IATI organisation identifiers

    def name(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en




@dataclass
class OrganisationReference:
    """Folded name, acronym or ref → organisation."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)  # folded name → key

    def add(self, organisation: Organisation) -> None:
        self.organisations[organisation.key] = organisation
        for name in (organisation.en, organisation.fr, *organisation.aliases, *organisation.refs):
            self.index.setdefault(fold_words(name), organisation.key)

    def find(self, name: object) -> Organisation | None:
        """The organisation a name means, or None when the reference does not know it."""
        if name is None or (not isinstance(name, str) and pd.isna(name)):
            return None
        key = fold_words(name)
        if not key:
            return None
        for candidate in _candidates(str(name), key):
            if candidate in self.index:
                return self.organisations[self.index[candidate]]
        # "Canada-GAC": every part names the same organisation; "BHA, GFFO" (two donors) stays unknown
        parts = {self.index.get(fold_words(p)) for p in re.split(r"[-/,;+]", str(name)) if fold_words(p)}
        if len(parts) == 1 and None not in parts:
            return self.organisations[parts.pop()]
        return None


def _candidates(name: str, key: str) -> Iterable[str]:
    """The folded name, then its parts: 'X - agency' → X, 'Gouvernement du X' → X, 'Agency (ACR)' → ACR."""
    yield key
    parts = _SEPARATORS.split(name.strip())
    if len(parts) > 1:
        yield from (fold_words(p) for p in parts if fold_words(p))
    government = _GOVERNMENT_RE.match(key) or _GOVERNMENT_OF_RE.match(key)
    if government:
        yield government[1]
    inner = re.search(r"\(([^()]+)\)\s*$", name)
    if inner:
        yield fold_words(inner[1])
        yield fold_words(name[: inner.start()])


def parse_reference(text: str) -> OrganisationReference:
    """The reference from the TOML text of organisations.toml (countries named through babel)."""
    from babel import Locale

    data = tomllib.loads(text)
    territories = {lang: Locale(lang).territories for lang in ("en", "fr")}
    reference = OrganisationReference()
    for code, entry in data.get("countries", {}).items():
        reference.add(Organisation(code, territories["en"][code], territories["fr"][code],
                                   tuple(entry.get("aliases", ())), tuple(entry.get("refs", ()))))
    for key, entry in data.get("organisations", {}).items():
        reference.add(Organisation(key, entry["en"], entry.get("fr", entry["en"]), tuple(entry.get("aliases", ())),
                                   tuple(entry.get("refs", ()))))
    return reference


@lru_cache(maxsize=1)
def load_reference(path: Path = REFERENCE_FILE) -> OrganisationReference:
    """The shipped reference (read once per process: it is part of the code, not of the data)."""
    return parse_reference(path.read_text(encoding="utf-8"))


def canonical_names(names: pd.Series, reference: OrganisationReference | None = None) -> pd.Series:
    """One name per organisation for a column of names as given: a known organisation → its English name; an
    unknown one → its most frequent spelling among those that fold alike ('Unicef', 'UNICEF'). Empty stays empty.
    Computed once per distinct name, so a 100,000-row column costs as much as its distinct names."""
    reference = reference or load_reference()
    spelled = _spelled(names)
    if spelled.empty:
        return names.copy()
    known = {name: reference.find(name) for name in spelled.unique()}
    counts = spelled.value_counts()
    spelling: dict[str, str] = {}  # folded → most frequent spelling (first seen on ties)
    for name in counts.index:
        spelling.setdefault(fold_words(name), name)
    mapping = {name: org.en if org else spelling[fold_words(name)] for name, org in known.items()}
    out = names.copy().astype(object)
    out.loc[spelled.index] = spelled.map(mapping)
    return out


def _spelled(names: pd.Series) -> pd.Series:
    """The given names (not missing, not blank), their spaces made single; a column of strings (a portfolio's) is
    done once per distinct name."""
    if pd.api.types.infer_dtype(names, skipna=True) != "string":
        present = names.dropna()
        present = present[present.astype(str).str.strip() != ""]
        return present.astype(str).str.strip().str.split().str.join(" ")
    codes, uniques = pd.factorize(names)
    spelled = np.array([" ".join(name.split()) for name in uniques] + [""], dtype=object)[codes]  # -1: missing
    given = spelled != ""
    return pd.Series(spelled[given], index=names.index[given], dtype=object)


def assign_donor_organisations(funding: pd.DataFrame,
                               reference: OrganisationReference | None = None) -> pd.DataFrame:
    """`donor` becomes the canonical organisation, the name as the source gives it moves to `donor_as_given`."""
    if "donor" not in funding or AS_GIVEN_COLUMN in funding:
        return funding
    out = funding.copy()
    out[AS_GIVEN_COLUMN] = funding["donor"]
    out["donor"] = canonical_names(funding["donor"], reference)
    return out


def organisation_label(name: str, lang: str, reference: OrganisationReference | None = None) -> str:
    """A canonical donor name in the UI language ('Sweden' → 'Suède' in French); unknown names as they are."""
    organisation = (reference or load_reference()).find(name)
    return organisation.name(lang) if organisation else name
