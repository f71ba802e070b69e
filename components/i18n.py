"""UI strings in English and French, and locale-aware number, money and date formatting (babel)."""
from __future__ import annotations

import math

from babel.dates import format_date as babel_format_date
from babel.numbers import format_compact_currency, format_decimal

from data.schema import ACTIVITY_STATUS, COVERAGE, ORG_ROLES, THEMES, TRANSACTION_TYPES, parse_partial_date

LANGUAGES = {"en": "English", "fr": "Français"}
LOCALES = {"en": "en_GB", "fr": "fr_FR"}

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "DRC stabilisation portfolio", "fr": "Portefeuille de stabilisation en RDC"},
    "nav.overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "sidebar.language": {"en": "Language", "fr": "Langue"},
    "sidebar.currency": {"en": "Reporting currency", "fr": "Devise de présentation"},
    "not_published": {"en": "not published", "fr": "non publié"},
    "overview.caption": {
        "en": "Who funds what, where, for how long and for how many households — from the published sources only.",
        "fr": "Qui finance quoi, où, pour combien de temps et pour combien de ménages — d'après les seules "
              "sources publiées."},
    "kpi.funding": {"en": "Committed funding", "fr": "Financements engagés"},
    "kpi.funding.help": {
        "en": "Sum of published commitments converted at the ECB reference rate of each flow's value date. "
              "{missing} commitment(s) without a published amount are left out.",
        "fr": "Somme des engagements publiés, convertis au taux de référence BCE de la date de valeur de chaque "
              "flux. {missing} engagement(s) sans montant publié sont exclus."},
    "kpi.projects": {"en": "Projects", "fr": "Projets"},
    "kpi.projects.help": {"en": "Status: {statuses}", "fr": "Statut : {statuses}"},
    "kpi.donors": {"en": "Donors", "fr": "Bailleurs"},
    "kpi.hh_targeted": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "kpi.hh_reached": {"en": "Households reached", "fr": "Ménages atteints"},
    "kpi.hh.help": {"en": "Published for {n} of {total} projects.", "fr": "Publié pour {n} projets sur {total}."},
    "kpi.provinces": {"en": "Provinces covered", "fr": "Provinces couvertes"},
    "kpi.provinces.help": {"en": "Plus {n} national project(s).", "fr": "Plus {n} projet(s) national(aux)."},
    "kpi.not_published": {"en": "Values not published", "fr": "Valeurs non publiées"},
    "kpi.not_published.help": {
        "en": "Key facts (dates, status, households, amounts, donors…) the sources do not give.",
        "fr": "Faits clés (dates, statut, ménages, montants, bailleurs…) que les sources ne donnent pas."},
    "status.not_published": {"en": "status not published", "fr": "statut non publié"},
    "chart.by_donor": {"en": "Funding by donor", "fr": "Financement par bailleur"},
    "chart.by_donor.missing": {
        "en": "{n} flow(s) with no published amount are listed but not drawn: {donors}.",
        "fr": "{n} flux sans montant publié sont listés mais non tracés : {donors}."},
    "chart.amount": {"en": "Amount ({currency})", "fr": "Montant ({currency})"},
    "chart.donor": {"en": "Donor", "fr": "Bailleur"},
    "measure.committed": {"en": "Committed", "fr": "Engagé"},
    "measure.received": {"en": "Received", "fr": "Reçu"},
    "measure.disbursed": {"en": "Disbursed", "fr": "Décaissé"},
    "measure.spent": {"en": "Spent", "fr": "Dépensé"},
    "table.projects": {"en": "Projects and their sources", "fr": "Projets et sources"},
    "table.flows": {"en": "Funding flows", "fr": "Flux financiers"},
    "table.sources": {"en": "Sources of each fact", "fr": "Sources de chaque fait"},
    "table.conflicts": {"en": "Facts the sources disagree on", "fr": "Faits sur lesquels les sources divergent"},
    "table.rate": {"en": "{rate:.4f} on {date} ({basis})", "fr": "{rate:.4f} au {date} ({basis})"},
    "col.project": {"en": "Project", "fr": "Projet"},
    "col.title": {"en": "Title", "fr": "Titre"},
    "col.implementing": {"en": "Implementing", "fr": "Mise en œuvre"},
    "col.theme": {"en": "Theme", "fr": "Thème"},
    "col.status": {"en": "Status", "fr": "Statut"},
    "col.start": {"en": "Start", "fr": "Début"},
    "col.end": {"en": "End", "fr": "Fin"},
    "col.duration": {"en": "Months", "fr": "Mois"},
    "col.coverage": {"en": "Coverage", "fr": "Couverture"},
    "col.provinces": {"en": "Provinces", "fr": "Provinces"},
    "col.households": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "col.sources": {"en": "Sources", "fr": "Sources"},
    "col.donor": {"en": "Donor", "fr": "Bailleur"},
    "col.type": {"en": "Transaction", "fr": "Transaction"},
    "col.amount": {"en": "Amount (original)", "fr": "Montant (original)"},
    "col.amount_reporting": {"en": "Amount ({currency})", "fr": "Montant ({currency})"},
    "col.rate": {"en": "Rate used", "fr": "Taux utilisé"},
    "col.value_date": {"en": "Value date", "fr": "Date de valeur"},
    "col.fact": {"en": "Fact", "fr": "Fait"},
    "col.value": {"en": "Value stated", "fr": "Valeur indiquée"},
    "col.document": {"en": "Document", "fr": "Document"},
    "col.paragraph": {"en": "Paragraph", "fr": "Paragraphe"},
    "col.evidence": {"en": "Evidence", "fr": "Extrait"},
    "col.values": {"en": "Values", "fr": "Valeurs"},
    "col.documents": {"en": "Documents", "fr": "Documents"},
    "basis.value-date": {"en": "rate of the value date", "fr": "taux de la date de valeur"},
    "basis.earlier-business-day": {"en": "previous business day", "fr": "jour ouvré précédent"},
    "basis.latest": {"en": "value date not published: latest ECB rate",
                     "fr": "date de valeur non publiée : dernier taux BCE"},
    "basis.identity": {"en": "same currency", "fr": "même devise"},
    "basis.before-first": {"en": "before the ECB series: first rate", "fr": "avant la série BCE : premier taux"},
    "basis.after-last": {"en": "after the ECB series: last rate", "fr": "après la série BCE : dernier taux"},
    "data.problems": {"en": "Rows set aside at load ({n})", "fr": "Lignes écartées au chargement ({n})"},
    "data.unreadable": {"en": "Files that could not be read", "fr": "Fichiers illisibles"},
    "empty": {"en": "No project matches.", "fr": "Aucun projet ne correspond."},
    # --- views, filters and status (issue #5) ---
    "nav.status": {"en": "Programme status", "fr": "État des programmes"},
    "nav.donor": {"en": "Donor profile", "fr": "Profil de bailleur"},
    "nav.project": {"en": "Project", "fr": "Projet"},
    "filters.title": {"en": "Filters", "fr": "Filtres"},
    "filters.donor": {"en": "Donor", "fr": "Bailleur"},
    "filters.org": {"en": "Organisation", "fr": "Organisation"},
    "filters.role": {"en": "Role of the organisation", "fr": "Rôle de l'organisation"},
    "filters.role.any": {"en": "Any", "fr": "Tous"},
    "filters.role.funding": {"en": "Funding", "fr": "Bailleur"},
    "filters.role.implementing": {"en": "Implementing", "fr": "Mise en œuvre"},
    "filters.theme": {"en": "Theme", "fr": "Thème"},
    "filters.status": {"en": "IATI status", "fr": "Statut IATI"},
    "filters.province": {"en": "Province", "fr": "Province"},
    "filters.territory": {"en": "Territory", "fr": "Territoire"},
    "filters.years": {"en": "Years", "fr": "Années"},
    "filters.years.none": {"en": "No published dates to filter years on.",
                           "fr": "Aucune date publiée pour filtrer par année."},
    "filters.reset": {"en": "Clear filters", "fr": "Effacer les filtres"},
    "filters.placeholder": {"en": "All", "fr": "Tous"},
    "filters.dropped": {"en": "Ignored invalid or outdated link values: {items}.",
                        "fr": "Valeurs du lien non valides ou périmées ignorées : {items}."},
    "filters.active": {"en": "{n} of {total} projects match the filters.",
                       "fr": "{n} projets sur {total} correspondent aux filtres."},
    "filters.undated": {"en": "{n} project(s) left out of the year filter: no date published ({ids}).",
                        "fr": "{n} projet(s) écarté(s) par le filtre d'années : aucune date publiée ({ids})."},
    "filters.unlocated": {"en": "{n} project(s) left out of the place filter: no province published ({ids}).",
                          "fr": "{n} projet(s) écarté(s) par le filtre de lieu : aucune province publiée ({ids})."},
    "filters.link": {"en": "This page's address keeps the filters: copy it to share this view.",
                     "fr": "L'adresse de cette page garde les filtres : copiez-la pour partager cette vue."},
    "overview.top_donors": {"en": "Top donors", "fr": "Principaux bailleurs"},
    "overview.ending_soon": {"en": "Ending within 180 days", "fr": "Se terminent dans les 180 jours"},
    "overview.map": {"en": "Where the projects are", "fr": "Où sont les projets"},
    "overview.more": {"en": "Details: programme status, donor and project pages in the menu.",
                      "fr": "Détails : pages État des programmes, Bailleur et Projet dans le menu."},
    "status.title": {"en": "Programme status", "fr": "État des programmes"},
    "status.caption": {
        "en": "What is late, what ends soon, what is underspent — the IATI status is compared with the dates, "
              "never derived from them. Today: {today}.",
        "fr": "Ce qui est en retard, ce qui se termine bientôt, ce qui est sous-consommé — le statut IATI est "
              "comparé aux dates, jamais déduit d'elles. Aujourd'hui : {today}."},
    "timeline.title": {"en": "Project timeline: planned and actual", "fr": "Calendrier des projets : prévu et réel"},
    "timeline.planned": {"en": "Planned", "fr": "Prévu"},
    "timeline.actual": {"en": "Actual", "fr": "Réel"},
    "timeline.derived": {"en": "end derived from the duration", "fr": "fin déduite de la durée"},
    "timeline.open": {"en": "end not published (drawn to today)",
                      "fr": "fin non publiée (tracé jusqu'à aujourd'hui)"},
    "timeline.today": {"en": "Today", "fr": "Aujourd'hui"},
    "timeline.left_out": {"en": "{n} project(s) not drawn: no date published ({ids}).",
                          "fr": "{n} projet(s) non tracé(s) : aucune date publiée ({ids})."},
    "timeline.legend": {"en": "Colour: IATI status. Hatched: planned. Solid: actual. Faded: end derived from the "
                              "duration, or not published and drawn to today.",
                        "fr": "Couleur : statut IATI. Hachuré : prévu. Plein : réel. Estompé : fin déduite de la "
                              "durée, ou non publiée et tracée jusqu'à aujourd'hui."},
    "timeline.hover": {"en": "{kind}: {start} → {end}", "fr": "{kind} : {start} → {end}"},
    "checks.title": {"en": "Status checks", "fr": "Contrôles de statut"},
    "checks.caption": {"en": "{conflicts} conflict(s), {gaps} gap(s) in {n} project(s).",
                       "fr": "{conflicts} conflit(s), {gaps} lacune(s) sur {n} projet(s)."},
    "checks.none": {"en": "No status check fires.", "fr": "Aucun contrôle ne signale de problème."},
    "checks.no_conflict": {"en": "No conflict between the IATI status and the dates.",
                           "fr": "Aucun conflit entre le statut IATI et les dates."},
    "checks.others": {"en": "Gaps and notes ({n})", "fr": "Lacunes et remarques ({n})"},
    "col.projects": {"en": "Projects", "fr": "Projets"},
    "col.measure": {"en": "Money", "fr": "Argent"},
    "col.flows": {"en": "Flows", "fr": "Flux"},
    "donor.measures": {"en": "Commitments against disbursements", "fr": "Engagements et décaissements"},
    "donor.no_flow": {"en": "no flow", "fr": "aucun flux"},
    "check.status_not_published": {"en": "Status not published", "fr": "Statut non publié"},
    "check.end_passed_still_active": {"en": "End date passed but still in implementation or pipeline",
                                      "fr": "Date de fin dépassée mais toujours en cours ou en planification"},
    "check.actual_end_still_active": {"en": "Actual end published but status still active",
                                      "fr": "Fin réelle publiée mais statut toujours actif"},
    "check.closed_before_end": {"en": "Closed or finalising before its end date",
                                "fr": "Clôturé ou en finalisation avant sa date de fin"},
    "check.implementation_before_start": {"en": "In implementation before its start date",
                                          "fr": "En mise en œuvre avant sa date de début"},
    "check.pipeline_but_started": {"en": "Still in pipeline but has started",
                                   "fr": "Toujours en planification mais déjà commencé"},
    "check.closed_without_actual_end": {"en": "Closed without an actual end date",
                                        "fr": "Clôturé sans date de fin réelle"},
    "check.actual_start_before_planned": {"en": "Actual start before planned start",
                                          "fr": "Début réel avant le début prévu"},
    "check.end_before_start": {"en": "End date before start date", "fr": "Date de fin antérieure au début"},
    "check.no_start_date": {"en": "No start date", "fr": "Aucune date de début"},
    "check.no_end_date": {"en": "No end date", "fr": "Aucune date de fin"},
    "check.end_derived": {"en": "End derived from start and duration", "fr": "Fin déduite du début et de la durée"},
    "severity.conflict": {"en": "Conflict", "fr": "Conflit"},
    "severity.gap": {"en": "Gap", "fr": "Lacune"},
    "severity.info": {"en": "Note", "fr": "Remarque"},
    "col.check": {"en": "Check", "fr": "Contrôle"},
    "col.severity": {"en": "Kind", "fr": "Type"},
    "col.days_left": {"en": "Days left", "fr": "Jours restants"},
    "col.role": {"en": "Role", "fr": "Rôle"},
    "col.organisation": {"en": "Organisation", "fr": "Organisation"},
    "col.missing": {"en": "Not published", "fr": "Non publié"},
    "col.total": {"en": "Out of", "fr": "Sur"},
    "col.reason": {"en": "Why", "fr": "Pourquoi"},
    "col.date": {"en": "Date", "fr": "Date"},
    "col.derived": {"en": "derived from the duration", "fr": "déduite de la durée"},
    "ending.title": {"en": "Ending soon", "fr": "Se terminent bientôt"},
    "ending.window": {"en": "Within", "fr": "Dans les"},
    "ending.days": {"en": "{n} days", "fr": "{n} jours"},
    "ending.none": {"en": "No project with a published end date ends within {n} days.",
                    "fr": "Aucun projet avec une date de fin publiée ne se termine dans les {n} jours."},
    "ending.unknown": {"en": "{n} project(s) have no end date and cannot be checked.",
                       "fr": "{n} projet(s) sans date de fin ne peuvent pas être vérifiés."},
    "burn.title": {"en": "Time elapsed against funds used", "fr": "Temps écoulé et fonds utilisés"},
    "burn.x": {"en": "Share of the planned period elapsed", "fr": "Part de la période prévue écoulée"},
    "burn.y": {"en": "Share of the commitment disbursed or spent",
               "fr": "Part de l'engagement décaissée ou dépensée"},
    "burn.far": {"en": "far from the diagonal", "fr": "loin de la diagonale"},
    "burn.near": {"en": "close to the diagonal", "fr": "proche de la diagonale"},
    "burn.left_out": {"en": "{n} project(s) not drawn: {reasons}.", "fr": "{n} projet(s) non tracé(s) : {reasons}."},
    "burn.reason.dates": {"en": "start or end not published ({n})", "fr": "début ou fin non publiés ({n})"},
    "burn.reason.committed": {"en": "no published commitment amount ({n})",
                              "fr": "aucun montant d'engagement publié ({n})"},
    "burn.reason.disbursed": {"en": "no disbursement or expenditure published ({n})",
                              "fr": "aucun décaissement ni dépense publiés ({n})"},
    "households.title": {"en": "Households reached against targeted", "fr": "Ménages atteints et ciblés"},
    "households.left_out": {"en": "{n} project(s) not drawn: {reasons}.",
                            "fr": "{n} projet(s) non tracé(s) : {reasons}."},
    "households.reason.both": {"en": "neither figure published ({n})", "fr": "aucun chiffre publié ({n})"},
    "households.reason.reached": {"en": "households reached not published ({n})",
                                  "fr": "ménages atteints non publiés ({n})"},
    "households.reason.targeted": {"en": "households targeted not published ({n})",
                                   "fr": "ménages ciblés non publiés ({n})"},
    "quality.title": {"en": "Data quality", "fr": "Qualité des données"},
    "quality.not_published": {"en": "Values not published", "fr": "Valeurs non publiées"},
    "quality.unmatched": {"en": "Unmatched provinces", "fr": "Provinces non rapprochées"},
    "quality.conflicts": {"en": "Conflicting sources", "fr": "Sources contradictoires"},
    "quality.none": {"en": "Nothing to report.", "fr": "Rien à signaler."},
    "reason.name_mismatch": {"en": "province name does not match its P-code",
                             "fr": "le nom de province ne correspond pas au P-code"},
    "reason.no_province": {"en": "no province published", "fr": "aucune province publiée"},
    "fact.activity_status": {"en": "IATI status", "fr": "Statut IATI"},
    "fact.planned_start": {"en": "Planned start", "fr": "Début prévu"},
    "fact.actual_start": {"en": "Actual start", "fr": "Début réel"},
    "fact.planned_end": {"en": "Planned end", "fr": "Fin prévue"},
    "fact.actual_end": {"en": "Actual end", "fr": "Fin réelle"},
    "fact.households_targeted": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "fact.households_reached": {"en": "Households reached", "fr": "Ménages atteints"},
    "fact.coverage": {"en": "Coverage", "fr": "Couverture"},
    "fact.theme": {"en": "Theme", "fr": "Thème"},
    "fact.donor": {"en": "Donor", "fr": "Bailleur"},
    "fact.amount": {"en": "Amount", "fr": "Montant"},
    "fact.value_date": {"en": "Value date", "fr": "Date de valeur"},
    "fact.duration_months": {"en": "Planned duration (months)", "fr": "Durée prévue (mois)"},
    "fact.derived_end": {"en": "Planned end (derived from the duration)", "fr": "Fin prévue (déduite de la durée)"},
    "donor.title": {"en": "Donor profile", "fr": "Profil de bailleur"},
    "donor.choose": {"en": "Donor", "fr": "Bailleur"},
    "donor.caption": {"en": "A donor is any organisation providing money in a funding role, including those named "
                            "only as the source of incoming funds or commitments (IATI 1 and 11); an implementer's "
                            "own disbursements do not make it a donor.",
                      "fr": "Un bailleur est toute organisation qui apporte des fonds en tant que bailleur, y compris "
                            "celles nommées seulement comme source de fonds ou d'engagements reçus (IATI 1 et 11) ; "
                            "les décaissements propres d'un partenaire de mise en œuvre n'en font pas un bailleur."},
    "donor.none": {"en": "No donor in the filtered portfolio.", "fr": "Aucun bailleur dans le portefeuille filtré."},
    "donor.by.year": {"en": "By year", "fr": "Par année"},
    "donor.by.theme": {"en": "By theme", "fr": "Par thème"},
    "donor.by.partner": {"en": "By partner", "fr": "Par partenaire"},
    "donor.left_out": {"en": "{n} flow(s) not drawn: amount or {by} not published.",
                       "fr": "{n} flux non tracé(s) : montant ou {by} non publié."},
    "donor.word.year": {"en": "year", "fr": "année"},
    "donor.word.theme": {"en": "theme", "fr": "thème"},
    "donor.word.partner": {"en": "partner", "fr": "partenaire"},
    "donor.provinces": {"en": "Provinces of the donor's projects", "fr": "Provinces des projets du bailleur"},
    "donor.split_unknown": {"en": "The sources do not say how the money splits between provinces: projects are "
                                  "counted, money is not spread.",
                            "fr": "Les sources ne disent pas comment les fonds se répartissent entre provinces : "
                                  "les projets sont comptés, l'argent n'est pas réparti."},
    "donor.projects": {"en": "Projects", "fr": "Projets"},
    "project.title": {"en": "Project", "fr": "Projet"},
    "project.choose": {"en": "Project", "fr": "Projet"},
    "project.none": {"en": "No project in the filtered portfolio.", "fr": "Aucun projet dans le portefeuille filtré."},
    "project.parties": {"en": "Partners and roles", "fr": "Partenaires et rôles"},
    "project.dates": {"en": "Dates", "fr": "Dates"},
    "project.money": {"en": "Money flows", "fr": "Flux financiers"},
    "project.places": {"en": "Provinces", "fr": "Provinces"},
    "project.national": {"en": "National project: not placed on the map.",
                         "fr": "Projet national : non placé sur la carte."},
    "project.no_place": {"en": "No province published.", "fr": "Aucune province publiée."},
    "project.households": {"en": "Households", "fr": "Ménages"},
    "project.sources": {"en": "Every source", "fr": "Toutes les sources"},
    "project.sources.none": {"en": "No source document is recorded for this project in the data in use.",
                             "fr": "Aucun document source n'est enregistré pour ce projet dans les données utilisées."},
    "project.notes": {"en": "How the record was read", "fr": "Comment la fiche a été lue"},
    "role.funding": {"en": "Funding", "fr": "Bailleur"},
    "role.lead": {"en": "Lead implementer", "fr": "Chef de file"},
    "role.implementing": {"en": "Implementing", "fr": "Mise en œuvre"},
    "role.partner": {"en": "Partner", "fr": "Partenaire"},
    "role.accountable": {"en": "Accountable", "fr": "Responsable"},
    "role.extending": {"en": "Extending (intermediary)", "fr": "Intermédiaire"},
    "map.left_out": {"en": "{n} project(s) not on the map: {national} national, {unplaced} with no province "
                           "published.",
                     "fr": "{n} projet(s) hors carte : {national} national(aux), {unplaced} sans province publiée."},
    "map.small.embedded": {"en": "Circles sit at the provincial capitals (no boundary file loaded).",
                           "fr": "Les cercles sont placés aux chefs-lieux (aucun fichier de limites chargé)."},
    "map.small.fallback": {"en": "No committed amount is published for these projects: the map shows how many "
                                 "projects each province has.",
                           "fr": "Aucun montant engagé n'est publié pour ces projets : la carte montre le nombre "
                                 "de projets par province."},
    # Funding map (issue #3) — keys owned by components/maps.py and pages/funding_map.py.
    "nav.funding_map": {"en": "Funding map", "fr": "Carte des financements"},
    "map.page.title": {"en": "Funding map", "fr": "Carte des financements"},
    "map.page.caption": {
        "en": "Where the money and the households go, by province. National and unallocated amounts are shown "
              "beside the map, never spread over provinces.",
        "fr": "Où vont l'argent et les ménages, par province. Les montants nationaux et non affectés sont "
              "indiqués à côté de la carte, jamais répartis entre les provinces."},
    "map.metric": {"en": "Show", "fr": "Afficher"},
    "map.measure": {"en": "Funding measure", "fr": "Mesure du financement"},
    "map.metric.funding": {"en": "Funding", "fr": "Financement"},
    "map.metric.households_targeted": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "map.metric.households_reached": {"en": "Households reached", "fr": "Ménages atteints"},
    "map.metric.projects": {"en": "Number of projects", "fr": "Nombre de projets"},
    "map.metric.funding_per_household": {"en": "Funding per targeted household",
                                         "fr": "Financement par ménage ciblé"},
    "map.metric.share_of_portfolio": {"en": "Share of the portfolio's funding",
                                      "fr": "Part du financement du portefeuille"},
    "map.unit.currency": {"en": "{currency}", "fr": "{currency}"},
    "map.unit.households": {"en": "households", "fr": "ménages"},
    "map.unit.projects": {"en": "projects", "fr": "projets"},
    "map.unit.currency_per_household": {"en": "{currency} per household", "fr": "{currency} par ménage"},
    "map.unit.percent": {"en": "% of portfolio funding", "fr": "% du financement du portefeuille"},
    "map.hover.projects": {"en": "{n} project(s)", "fr": "{n} projet(s)"},
    "map.hover.donors": {"en": "Donors: {donors}", "fr": "Bailleurs : {donors}"},
    "map.split_assumed": {"en": "split assumed (equal shares)", "fr": "répartition supposée (parts égales)"},
    "map.level": {"en": "Map level", "fr": "Niveau de la carte"},
    "map.level.1": {"en": "Provinces", "fr": "Provinces"},
    "map.level.2": {"en": "Territories and towns", "fr": "Territoires et villes"},
    "map.legend.symbols": {"en": "circle area ∝ value; largest {value}",
                           "fr": "surface du cercle ∝ valeur ; maximum {value}"},
    "map.settings": {"en": "Boundary files", "fr": "Fichiers de limites"},
    "map.settings.help": {
        "en": "GeoJSON, GeoPackage or zipped shapefile (OCHA COD-AB, GADM or geoBoundaries). A path here beats the "
              "BOUNDARIES_ADM1 / BOUNDARIES_ADM2 environment variables; an upload is kept in the app's data "
              "directory; `python -m geo fetch` fills the cache.",
        "fr": "GeoJSON, GeoPackage ou shapefile zippé (OCHA COD-AB, GADM ou geoBoundaries). Un chemin saisi ici "
              "prime sur les variables d'environnement BOUNDARIES_ADM1 / BOUNDARIES_ADM2 ; un fichier téléversé est "
              "conservé dans le dossier de données de l'application ; `python -m geo fetch` remplit le cache."},
    "map.settings.path1": {"en": "Provinces (ADM1) file path", "fr": "Chemin du fichier des provinces (ADM1)"},
    "map.settings.path2": {"en": "Territories (ADM2) file path", "fr": "Chemin du fichier des territoires (ADM2)"},
    "map.settings.upload1": {"en": "Upload provinces (ADM1)", "fr": "Téléverser les provinces (ADM1)"},
    "map.settings.upload2": {"en": "Upload territories (ADM2)", "fr": "Téléverser les territoires (ADM2)"},
    "map.origin.configured": {"en": "ADM{level}: configured file {path}", "fr": "ADM{level} : fichier configuré {path}"},
    "map.origin.uploaded": {"en": "ADM{level}: uploaded file {path}", "fr": "ADM{level} : fichier téléversé {path}"},
    "map.origin.cache": {"en": "ADM{level}: downloaded file {path}", "fr": "ADM{level} : fichier téléchargé {path}"},
    "map.origin.embedded": {"en": "ADM{level}: no file{path}", "fr": "ADM{level} : aucun fichier{path}"},
    "map.embedded_notice": {
        "en": "This map has no province boundaries: each circle sits at the provincial capital. For the "
              "geographic map, set BOUNDARIES_ADM1 to an admin boundary file, give its path or upload it under "
              "“Boundary files”, or run `python -m geo fetch` on a machine with internet.",
        "fr": "Cette carte n'a pas de limites de provinces : chaque cercle est placé au chef-lieu de la province. "
              "Pour la carte géographique, indiquez un fichier de limites administratives dans BOUNDARIES_ADM1, "
              "donnez son chemin ou téléversez-le sous « Fichiers de limites », ou lancez `python -m geo fetch` "
              "sur une machine connectée à internet."},
    "map.embedded.title": {"en": "{metric} — symbols at provincial capitals, not boundaries",
                           "fr": "{metric} — symboles aux chefs-lieux, pas de limites"},
    "map.unreadable": {"en": "Boundary file not usable, using the embedded map: {reason}",
                       "fr": "Fichier de limites inutilisable, carte intégrée utilisée : {reason}"},
    "map.totals.mapped": {"en": "On the map", "fr": "Sur la carte"},
    "map.totals.national": {"en": "National (not mapped)", "fr": "National (hors carte)"},
    "map.totals.unallocated": {"en": "No province (not mapped)", "fr": "Sans province (hors carte)"},
    "map.totals.total": {"en": "Portfolio total", "fr": "Total du portefeuille"},
    "map.totals.not_published": {"en": "{n} project(s) publish no value: not counted anywhere.",
                                 "fr": "{n} projet(s) sans valeur publiée : comptés nulle part."},
    "map.totals.national_list": {"en": "National: {projects}", "fr": "Nationaux : {projects}"},
    "map.totals.unallocated_list": {"en": "Without a province: {projects}", "fr": "Sans province : {projects}"},
    "map.totals.projects": {"en": "Not on the map: {national} national project(s), {unallocated} without a province.",
                            "fr": "Hors carte : {national} projet(s) national(aux), {unallocated} sans province."},
    "map.province": {"en": "Province (or click it on the map)", "fr": "Province (ou cliquez-la sur la carte)"},
    "map.unit_projects": {"en": "Projects in {name}", "fr": "Projets en {name}"},
    "map.col.share": {"en": "Share placed here", "fr": "Part placée ici"},
    "map.col.split": {"en": "Split", "fr": "Répartition"},
    "map.split.known": {"en": "published", "fr": "publiée"},
    "map.territories": {"en": "Territories and towns of {name}", "fr": "Territoires et villes de {name}"},
    "map.territories.remainder": {
        "en": "Not placed in a territory (the sources give only the province): {value}.",
        "fr": "Non placé dans un territoire (les sources ne donnent que la province) : {value}."},
    "map.territories.none": {"en": "Add a territories (ADM2) file to drill down to territories.",
                             "fr": "Ajoutez un fichier des territoires (ADM2) pour descendre au niveau territorial."},
    # --- Data page (components/intake.py, pages/data.py) ---
    "nav.data": {"en": "Data", "fr": "Données"},
    "data.title": {"en": "Data", "fr": "Données"},
    "data.caption": {
        "en": "Which data the dashboard shows, how to replace or add to it, earlier versions, and blank templates.",
        "fr": "Les données affichées par le tableau de bord, comment les remplacer ou les compléter, les versions "
              "précédentes et des modèles vierges."},
    "data.sample": {"en": "Sample portfolio (embedded)", "fr": "Portefeuille d'exemple (intégré)"},
    "data.version.label": {"en": "Version {id}, uploaded {time}", "fr": "Version {id}, téléversée le {time}"},
    "data.in_use": {"en": "Data in use", "fr": "Données utilisées"},
    "data.in_use.sample": {
        "en": "Sample portfolio (embedded): read from IOM DRC press releases and project pages.",
        "fr": "Portefeuille d'exemple (intégré) : lu dans les communiqués et pages projet de l'OIM RDC."},
    "data.in_use.version": {"en": "{version} — files: {files}", "fr": "{version} — fichiers : {files}"},
    "data.in_use.counts": {
        "en": "{projects} project(s), {funding} funding flow(s), {locations} location(s).",
        "fr": "{projects} projet(s), {funding} flux financier(s), {locations} localisation(s)."},
    "data.in_use.problems": {
        "en": "{n} problem(s) in rejected rows and {unreadable} unreadable file(s): see the overview's report.",
        "fr": "{n} problème(s) dans des lignes écartées et {unreadable} fichier(s) illisible(s) : voir le "
              "rapport de la vue d'ensemble."},
    "data.upload": {"en": "Upload data", "fr": "Téléverser des données"},
    "data.upload.label": {"en": "Files (CSV, TSV, TXT, XLSX, IATI XML)",
                          "fr": "Fichiers (CSV, TSV, TXT, XLSX, IATI XML)"},
    "data.upload.help": {
        "en": "Up to {mb} MB per file. The files are checked first: nothing changes until you confirm below.",
        "fr": "Jusqu'à {mb} Mo par fichier. Les fichiers sont d'abord vérifiés : rien ne change avant votre "
              "confirmation ci-dessous."},
    "data.upload.none": {"en": "No file uploaded yet.", "fr": "Aucun fichier téléversé pour l'instant."},
    "data.upload.checking": {"en": "Checking the files…", "fr": "Vérification des fichiers…"},
    "data.upload.failed": {"en": "The files could not be checked ({reason}): nothing was changed.",
                           "fr": "Les fichiers n'ont pas pu être vérifiés ({reason}) : rien n'a été modifié."},
    "data.mode": {"en": "What to do with these files", "fr": "Que faire de ces fichiers"},
    "data.mode.replace": {"en": "Replace the data in use", "fr": "Remplacer les données utilisées"},
    "data.mode.add": {"en": "Add to the data in use", "fr": "Ajouter aux données utilisées"},
    "data.report": {"en": "Validation report", "fr": "Rapport de validation"},
    "data.report.add": {
        "en": "The new version would hold these files (a file with the same name as one in use replaces it): "
              "{files}.",
        "fr": "La nouvelle version contiendrait ces fichiers (un fichier du même nom qu'un fichier utilisé le "
              "remplace) : {files}."},
    "data.report.unreadable": {"en": "{file} cannot be read: {reason}", "fr": "{file} est illisible : {reason}"},
    "data.report.problems": {"en": "Problems found ({n})", "fr": "Problèmes relevés ({n})"},
    "data.report.rejected_rows": {"en": "Rejected rows ({n})", "fr": "Lignes rejetées ({n})"},
    "data.report.download": {"en": "Download the rejected rows with their reasons (CSV)",
                             "fr": "Télécharger les lignes rejetées et leurs motifs (CSV)"},
    "data.report.preview": {"en": "Preview: {table} ({n} accepted row(s))",
                            "fr": "Aperçu : {table} ({n} ligne(s) acceptée(s))"},
    "data.confirm": {"en": "Use this data", "fr": "Utiliser ces données"},
    "data.confirm.rejected": {
        "en": "Use this data — {n} rejected row(s) will be left out",
        "fr": "Utiliser ces données — {n} ligne(s) rejetée(s) seront écartées"},
    "data.confirm.rejected_notice": {
        "en": "{n} rejected row(s) will be left out; they stay listed in the report of this version.",
        "fr": "{n} ligne(s) rejetée(s) seront écartées ; elles restent listées dans le rapport de cette version."},
    "data.confirm.no_projects": {
        "en": "These files give no valid project: the dashboard would be empty.",
        "fr": "Ces fichiers ne donnent aucun projet valide : le tableau de bord serait vide."},
    "data.confirm.help": {
        "en": "Confirming stores the files unchanged as a new version and makes it the data in use for everyone. "
              "Earlier versions can be restored below.",
        "fr": "Confirmer enregistre les fichiers tels quels comme nouvelle version et en fait les données utilisées "
              "par tous. Les versions précédentes peuvent être restaurées ci-dessous."},
    "data.confirm.stale": {"en": "The files changed meanwhile: check the report again, then confirm.",
                           "fr": "Les fichiers ont changé entre-temps : vérifiez à nouveau le rapport, puis "
                                 "confirmez."},
    "data.confirm.failed": {"en": "The version could not be stored: {reason}",
                            "fr": "La version n'a pas pu être enregistrée : {reason}"},
    "data.confirm.done": {"en": "Version {id} stored and in use: {n} project(s).",
                          "fr": "Version {id} enregistrée et utilisée : {n} projet(s)."},
    "data.versions": {"en": "Versions", "fr": "Versions"},
    "data.versions.none": {"en": "No version stored yet: the sample portfolio is in use.",
                           "fr": "Aucune version enregistrée : le portefeuille d'exemple est utilisé."},
    "data.versions.corrupt": {"en": "A stored version could not be read and is skipped: {problem}",
                              "fr": "Une version enregistrée est illisible et ignorée : {problem}"},
    "data.restore": {"en": "Version to use", "fr": "Version à utiliser"},
    "data.restore.button": {"en": "Restore this version", "fr": "Restaurer cette version"},
    "data.restore.done": {"en": "Now in use: {version}.", "fr": "Désormais utilisée : {version}."},
    "data.restore.failed": {"en": "The version could not be restored: {reason}",
                            "fr": "La version n'a pas pu être restaurée : {reason}"},
    "data.templates": {"en": "Templates", "fr": "Modèles"},
    "data.templates.help": {
        "en": "Blank tables with the expected headers. The workbook also explains every column and lists the "
              "codes (status, transaction type, role, theme, province P-codes) in French and English.",
        "fr": "Tableaux vierges avec les en-têtes attendus. Le classeur explique aussi chaque colonne et liste les "
              "codes (statut, type de transaction, rôle, thème, P-codes des provinces) en français et en anglais."},
    "data.templates.csv": {"en": "{table} (CSV)", "fr": "{table} (CSV)"},
    "data.templates.xlsx": {"en": "Workbook (XLSX)", "fr": "Classeur (XLSX)"},
    "data.col.file": {"en": "File", "fr": "Fichier"},
    "data.col.format": {"en": "Format", "fr": "Format"},
    "data.col.rows_in": {"en": "Rows read", "fr": "Lignes lues"},
    "data.col.accepted": {"en": "Accepted", "fr": "Acceptées"},
    "data.col.rejected": {"en": "Rejected", "fr": "Rejetées"},
    "data.col.warnings": {"en": "Warnings", "fr": "Avertissements"},
    "data.col.reason": {"en": "Reason", "fr": "Motif"},
    "data.col.row": {"en": "Row", "fr": "Ligne"},
    "data.col.column": {"en": "Column", "fr": "Colonne"},
    "data.col.severity": {"en": "Outcome", "fr": "Suite donnée"},
    "data.col.active": {"en": "In use", "fr": "Utilisée"},
    "data.col.version": {"en": "Version", "fr": "Version"},
    "data.col.time": {"en": "Uploaded", "fr": "Téléversée"},
    "data.col.files": {"en": "Files", "fr": "Fichiers"},
    "data.col.projects": {"en": "Projects", "fr": "Projets"},
    "data.col.funding": {"en": "Funding flows", "fr": "Flux financiers"},
    "data.col.locations": {"en": "Locations", "fr": "Localisations"},
    "data.col.mode": {"en": "Mode", "fr": "Mode"},
    "data.format.csv": {"en": "CSV", "fr": "CSV"},
    "data.format.xlsx": {"en": "XLSX workbook", "fr": "Classeur XLSX"},
    "data.format.iati": {"en": "IATI XML", "fr": "IATI XML"},
    "data.format.hxl": {"en": "HXL 3W", "fr": "3W HXL"},
    "data.format.flat": {"en": "Flat sheet", "fr": "Feuille à plat"},
    "data.format.unreadable": {"en": "Unreadable", "fr": "Illisible"},
    "data.severity.error": {"en": "row rejected", "fr": "ligne rejetée"},
    "data.severity.warning": {"en": "warning (row kept)", "fr": "avertissement (ligne conservée)"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang`, formatted with `values`."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def code_label(codes: dict, code: object, lang: str) -> str:
    """Label of an IATI or project code list entry, or 'not published'."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("not_published", lang)
    try:
        return codes[code][lang]
    except (KeyError, TypeError):
        return str(code)


def status_label(code: object, lang: str) -> str:
    return code_label(ACTIVITY_STATUS, None if code is None or code != code else int(code), lang)


def theme_label(code: object, lang: str) -> str:
    return code_label(THEMES, code, lang)


def coverage_label(code: object, lang: str) -> str:
    return code_label(COVERAGE, code, lang)


def transaction_label(code: object, lang: str) -> str:
    return code_label(TRANSACTION_TYPES, None if code is None or code != code else int(code), lang)


def role_label(code: object, lang: str) -> str:
    return code_label(ORG_ROLES, None if code is None or code != code else int(code), lang)


def format_money(amount: float | None, currency: str, lang: str) -> str:
    """Compact money ('€12.5M' / '12,5 M€'); None → 'not published', never 0."""
    if amount is None or amount != amount:
        return t("not_published", lang)
    return format_compact_currency(amount, currency, locale=LOCALES[lang], fraction_digits=1)


def format_number(value: float | None, lang: str) -> str:
    if value is None or value != value:
        return t("not_published", lang)
    return format_decimal(value, locale=LOCALES[lang])


def format_partial_date(value: object, lang: str) -> str:
    """'14 Dec 2021' / '14 déc. 2021'; a year or month alone stays a year or month."""
    parsed = parse_partial_date(value)
    if parsed is None:
        return t("not_published", lang)
    if parsed.precision == "year":
        return str(parsed.first.year)
    if parsed.precision == "month":
        return babel_format_date(parsed.first, "MMM y", locale=LOCALES[lang])
    return babel_format_date(parsed.first, "medium", locale=LOCALES[lang])
