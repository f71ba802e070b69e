"""Header aliases: the English and French names people give the canonical columns, and the mapping onto them."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cells import fold_words
from data.schema import COLUMN_LABELS, TABLES

normalise_header = fold_words  # a header folds like any label: 'Date de début' → 'date de debut'


# Canonical column name → what people write instead (the canonical name itself always matches too).
# Aliases are per column NAME, whatever the table: project_id, households_targeted and notes mean the same
# everywhere. Two aliases, "title" and "value", are also the own names of the documents and sources columns;
# canonical_headers gives them to those columns only when the header row is such a table (see _exact_tables).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    # projects
    "project_id": ("project id", "id", "code projet", "code du projet", "identifiant", "identifiant du projet",
                   "id projet", "id du projet", "project code", "project identifier", "iati identifier",
                   "iati activity id", "activity id", "project number", "numero du projet"),
    "title_fr": ("titre", "titre fr", "titre (fr)", "titre francais", "titre en francais", "intitule",
                 "intitule du projet", "titre du projet", "nom du projet", "french title", "title fr",
                 "intitule francais", "intitule en francais", "intitule fr"),
    "title_en": ("title", "title en", "title (en)", "project title", "english title", "project name",
                 "titre anglais", "titre en anglais", "titre (en)", "intitule (en)", "intitule anglais",
                 "intitule en anglais"),
    "other_ids": ("other ids", "other identifiers", "autres identifiants", "autres codes", "alternative ids",
                  "identifiants secondaires"),
    "implementing_orgs": ("implementing organisation", "implementing organisations", "implementing organization",
                          "implementing organizations", "implementing partner", "implementing partners",
                          "implementing agency", "organisation de mise en oeuvre", "organisations de mise en oeuvre",
                          "partenaire de mise en oeuvre", "partenaires de mise en oeuvre", "agence",
                          "agence d execution", "agence de mise en oeuvre", "implementer", "executing agency"),
    "partners": ("partner", "other partners", "partenaire", "partenaires", "autres partenaires",
                 "partenaires locaux", "local partners"),
    "theme": ("sector", "sectors", "secteur", "secteurs", "theme", "thematique", "domaine", "thematic area",
              "area of work"),
    "activity_status": ("status", "statut", "etat", "project status", "statut du projet", "activity status",
                        "etat d avancement", "stage"),
    "planned_start": ("start date", "start", "planned start", "planned start date", "date de debut", "debut",
                      "date debut", "date debut prevue", "date de debut prevue", "debut prevu", "start planned"),
    "actual_start": ("actual start", "actual start date", "date de debut effective", "debut effectif",
                     "date debut effective", "date de debut reelle", "debut reel"),
    "planned_end": ("end date", "end", "planned end", "planned end date", "date de fin", "fin", "date fin",
                    "date fin prevue", "date de fin prevue", "fin prevue", "end planned"),
    "actual_end": ("actual end", "actual end date", "date de fin effective", "fin effective",
                   "date fin effective", "date de fin reelle", "fin reelle"),
    "duration_months": ("duration", "duration months", "duration (months)", "duree", "duree (mois)",
                        "duree en mois", "duree mois", "nombre de mois", "months"),
    "coverage": ("couverture", "geographic coverage", "couverture geographique", "scope", "portee", "level",
                 "niveau"),
    "households_targeted": ("households targeted", "target households", "targeted households", "households",
                            "menages cibles", "nombre de menages", "menages", "nombre de menages cibles",
                            "menages a cibler", "cible menages", "hh targeted", "beneficiary households"),
    "households_targeted_is_minimum": ("households targeted is minimum", "at least", "more than", "minimum",
                                       "au moins", "plus de", "cible minimale"),
    "households_reached": ("households reached", "reached households", "menages atteints",
                           "nombre de menages atteints", "menages touches", "hh reached"),
    "people_targeted": ("people targeted", "targeted people", "individuals targeted", "personnes ciblees",
                        "nombre de personnes ciblees", "nombre de beneficiaires", "nombre beneficiaires directs",
                        "beneficiaires directs", "beneficiaires cibles", "people in need targeted"),
    "people_reached": ("people reached", "individuals reached", "personnes atteintes",
                       "nombre de personnes atteintes", "beneficiaires atteints"),
    "notes": ("note", "comment", "comments", "remarks", "remarque", "remarques", "commentaire", "commentaires",
              "observations", "observation"),
    # funding
    "flow_id": ("flow id", "id du flux", "identifiant du flux", "transaction id", "id transaction",
                "id de la transaction", "reference du flux", "flow reference", "transaction reference"),
    "donor": ("bailleur", "bailleurs", "bailleur de fonds", "bailleurs de fonds", "donateur", "donor",
              "donors", "funder", "funders", "funding organisation", "funding organization",
              "source de financement", "financeur", "organisation de financement", "provider", "provider org"),
    "org_role": ("role", "org role", "organisation role", "organization role", "role de l organisation",
                 "donor role", "role du bailleur"),
    "recipient": ("beneficiaire", "recipient", "recipient org", "recipient organisation", "recipient organization",
                  "recipiendaire", "receiver", "organisation beneficiaire"),
    "transaction_type": ("type de transaction", "transaction type", "flow type", "type de flux", "type",
                         "type of flow", "nature du flux"),
    "amount": ("montant", "budget", "value", "valeur", "amount", "total", "montant total", "total budget",
               "budget total", "funding amount", "montant du financement", "financement", "somme"),
    "currency": ("devise", "monnaie", "currency code", "code devise", "code de la devise", "ccy"),
    "value_date": ("date de valeur", "value date", "date", "transaction date", "date de la transaction",
                   "date du flux", "date of transaction"),
    # locations
    "province_pcode": ("province pcode", "province p code", "pcode", "p code", "code province",
                       "code de la province", "adm1 pcode", "adm1 p code", "admin1 pcode", "admin1 p code",
                       "adm1 code", "admin1 code", "province code", "pcode province", "admin1pcode", "adm1pcode"),
    "province_name": ("province", "province name", "nom de la province", "nom province", "adm1 name",
                      "admin1 name", "adm1", "admin1", "adm1 fr", "province fr", "admin1name fr", "adm1 name fr"),
    "territory_pcode": ("territory pcode", "territory p code", "code territoire", "code du territoire",
                        "adm2 pcode", "adm2 p code", "admin2 pcode", "admin2 p code", "adm2 code", "admin2 code",
                        "territoire pcode", "pcode territoire", "admin2pcode", "adm2pcode"),
    "territory_name": ("territoire", "territory", "territoire ville", "territoire/ville", "territory/town",
                       "territory name", "nom du territoire", "adm2 name", "admin2 name", "adm2", "admin2",
                       "ville", "town", "city", "territory or town"),
    "budget_share": ("share", "budget share", "part", "part du budget", "pourcentage", "percentage",
                     "pourcentage du budget", "share of budget", "percent", "proportion", "part budgetaire"),
    "split_known": ("split known", "repartition connue", "split is known", "known split",
                    "repartition budgetaire connue"),
    # sources and documents: own names plus a few obvious spellings
    "table": ("table name", "nom de la table"),
    "record_id": ("record id", "identifiant de l enregistrement"),
    "column": ("column name", "colonne", "nom de la colonne"),
    "document_id": ("document id", "identifiant du document", "id du document", "doc id"),
    "paragraph": ("paragraphe", "paragraph number", "numero de paragraphe"),
    "value": ("stated value", "valeur indiquee", "valeur citee"),
    "evidence": ("extrait", "excerpt", "quote", "citation", "preuve"),
    "publisher": ("editeur", "publie par", "published by", "publishing organisation"),
    "title": ("document title", "titre du document"),
    "kind": ("document kind", "document type", "type de document"),
    "language": ("langue", "lang"),
    "published": ("publication date", "date de publication", "publie le", "published on"),
}


def _build_index() -> dict[str, str]:
    """Normalised header → canonical column: aliases, then own names (an own name loses only where an alias of
    another column shadows it: "title" reads as title_en, "value" as amount),
    then the labels the dashboard itself shows (schema.COLUMN_LABELS), so a sheet headed with them reads back."""
    index = {normalise_header(alias): canonical
             for canonical, aliases in HEADER_ALIASES.items() for alias in aliases}
    for table in TABLES.values():
        for column in table.columns:
            index.setdefault(normalise_header(column.name), column.name)
    for column, labels in COLUMN_LABELS.items():
        for label in labels.values():
            index.setdefault(normalise_header(label), column)
    return index


_INDEX = _build_index()


@dataclass
class HeaderMapping:
    """How one header row maps onto canonical columns.

    mapping: original header → canonical name, for matched headers only;
    unknown: headers that match no column (kept as they are, reported as warnings later);
    clashes: (canonical, [the later headers that also map to it]): the first header is kept, these are ignored."""

    mapping: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    clashes: list[tuple[str, list[str]]] = field(default_factory=list)


def _exact_tables(keys: set[str]) -> list[str]:
    """Tables whose required columns all appear under their own names: their own names then beat aliases."""
    return [t.name for t in TABLES.values()
            if all(normalise_header(c.name) in keys for c in t.columns if c.required)]


def _without_plural_marks(key: str) -> str:
    """'Bailleur(s)' normalises to 'bailleur s': the lone 's' is a plural mark, not a word."""
    return " ".join(word for word in key.split() if word != "s")


def canonical_headers(columns: list[str]) -> HeaderMapping:
    """Map a header row onto canonical column names (English or French, any case, accents or punctuation)."""
    keys = [normalise_header(c) for c in columns]
    own = {normalise_header(c.name): c.name
           for name in _exact_tables(set(keys)) for c in TABLES[name].columns}
    result = HeaderMapping()
    claimed: dict[str, list[str]] = {}
    for original, key in zip(columns, keys):
        if str(original).startswith("_"):
            continue  # reader bookkeeping (_row, _file), never a user column
        canonical = own.get(key) or _INDEX.get(key) or _INDEX.get(_without_plural_marks(key))
        if canonical is None:
            result.unknown.append(original)
            continue
        claimed.setdefault(canonical, []).append(original)
        if len(claimed[canonical]) == 1:
            result.mapping[original] = canonical
    result.clashes = [(canonical, originals[1:]) for canonical, originals in claimed.items() if len(originals) > 1]
    return result


def rename_headers(frame: pd.DataFrame) -> tuple[pd.DataFrame, HeaderMapping]:
    """Rename a raw frame's columns to canonical names; clash losers keep their name unless it is taken."""
    headers = canonical_headers([str(c) for c in frame.columns])
    taken = set(headers.mapping.values()) | {str(c) for c in frame.columns if str(c).startswith("_")}
    names: list[str] = []
    for column in map(str, frame.columns):
        if column in headers.mapping:
            names.append(headers.mapping[column])
            continue
        if column.startswith("_"):
            names.append(column)
            continue
        # A losing "amount" beside a winning "Montant" must not become a second "amount" column.
        name, suffix = column, 2
        while name in taken:
            name, suffix = f"{column} ({suffix})", suffix + 1
        names.append(name)
        taken.add(name)
    renamed = frame.copy()
    renamed.columns = names
    return renamed, headers
