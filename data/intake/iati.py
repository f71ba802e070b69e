"""Read an IATI activity file (standard 2.01–2.03) into the canonical projects, funding and locations tables."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pandas as pd
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, fromstring

from data.intake.readers import Derived, UnreadableFileError
from data.schema import (
    ACTIVITY_STATUS,
    FUNDING,
    LIST_SEPARATOR,
    LOCATIONS,
    PROJECTS,
    ROW_COLUMN,
    TRANSACTION_TYPES,
    Problem,
)
from geo.provinces import match_province, province_name

if TYPE_CHECKING:  # the element type only; parsing goes through defusedxml
    from xml.etree.ElementTree import Element

FORMAT = "iati"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DRC = "CD"
DEFAULT_LANGUAGE = "en"  # IATI's own default when neither the narrative nor the activity says

# Date types of <activity-date> (IATI ActivityDateType) → canonical column.
DATE_COLUMNS = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
INCOMING_TYPES = frozenset({"1", "11"})  # money coming to the reporting org: the donor is the provider;
# the other kept types (2, 3, 4) leave the reporting org (or are spent by it): it is the donor
# When the reporting org holds several roles, the one shown for the flows it pays out: funding, then
# extending (passes money on), then implementing, then accountable.
PAYER_ROLE_PREFERENCE = ("1", "3", "4", "2")
SECTOR_VOCABULARY_DAC5 = "1"  # OECD DAC CRS 5-digit purpose codes; also the default when absent

# Well-known IATI organisation identifiers, used only when an org element has no name narrative. Only
# identifiers we are sure of: DAC donor/agency codes (XM-DAC-…) and a few registered government ids.
ORG_NAMES: dict[str, str] = {
    "XM-DAC-47066": "IOM",
    "XM-DAC-41114": "UNDP",
    "XM-DAC-41121": "UNHCR",
    "XM-DAC-41122": "UNICEF",
    "XM-DAC-41140": "WFP",
    "XM-DAC-2": "Belgium",
    "XM-DAC-4": "France",
    "XM-DAC-5": "Germany",
    "XM-DAC-7": "Netherlands",
    "NL-1": "Netherlands Ministry of Foreign Affairs",
    "XM-DAC-8": "Norway",
    "XM-DAC-10": "Sweden",
    "SE-0": "Sweden",
    "XM-DAC-11": "Switzerland",
    "XM-DAC-12": "United Kingdom",
    "GB-GOV-1": "UK Foreign, Commonwealth and Development Office (FCDO)",
    "XM-DAC-301": "Canada",
    "XM-DAC-302": "United States",
    "XM-DAC-701": "Japan",
}

# OECD DAC 5-digit purpose codes → this dashboard's THEMES. Deliberately small: a code is listed only when
# its DAC definition clearly falls in one theme. 72010 (material relief) and 72050 (relief co-ordination)
# stay unmapped: emergency relief is none of our lines of work, and calling it CCCM would be a guess.
# 73010 (immediate post-emergency reconstruction and rehabilitation) is the recovery side of displacement:
# durable solutions. Legal/judicial development and security system reform sit with police and state
# authority.
SECTOR_THEMES: dict[str, str] = {
    "15220": "stabilisation",  # civilian peace-building, conflict prevention and resolution
    "15240": "stabilisation",  # reintegration and SALW control
    "15190": "migration-governance",  # facilitation of orderly, safe, regular and responsible migration
    "15136": "migration-governance",  # immigration
    "15180": "gbv",  # ending violence against women and girls
    "15130": "police-infrastructure",  # legal and judicial development
    "15132": "police-infrastructure",  # police
    "15210": "police-infrastructure",  # security system management and reform
    "73010": "durable-solutions",  # immediate post-emergency reconstruction and rehabilitation
    "41010": "climate-resilience",  # environmental policy and administrative management
    "43060": "climate-resilience",  # disaster risk reduction
    "74010": "climate-resilience",  # disaster prevention and preparedness
    "74020": "climate-resilience",  # multi-hazard response preparedness
    "32210": "natural-resources",  # mineral/mining policy and administrative management
    "32220": "natural-resources",  # mineral prospection and exploration
    "24050": "diaspora",  # remittance facilitation, promotion and optimisation
}

# Signals that a <location> is the whole country rather than a place in it.
COUNTRY_NAMES = frozenset({"democratic republic of the congo", "democratic republic of congo", "dr congo", "drc",
                           "rdc", "republique democratique du congo", "rd congo", "congo kinshasa"})
COUNTRY_FEATURES = frozenset({"PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX"})  # GeoNames political entity
ISO_COUNTRY_VOCABULARY = "A4"

ISO_DATE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
ROOT_NAME_RE = re.compile(r"<([\w:.-]+)")
# What may come before the root element, each with the text that ends it. A DOCTYPE is skipped too: such a
# file is still sniffed as IATI so that the parser refuses it with a clear reason.
PROLOGUE_ENDS = (("<?", "?>"), ("<!--", "-->"))


# --- sniffing and safe parsing ------------------------------------------------------------------------

def is_iati(data: bytes) -> bool:
    """True when the bytes look like XML whose root element is <iati-activities>."""
    try:
        head = _decode_head(data[:8192])
    except Exception:
        return False
    return _root_name(head) == "iati-activities"


def _root_name(head: str) -> str | None:
    """Name of the first element after the prologue, by a linear scan (no backtracking regex)."""
    position = 0
    while True:
        while position < len(head) and head[position].isspace():
            position += 1
        for start, end in PROLOGUE_ENDS:
            if head.startswith(start, position):
                close = head.find(end, position + len(start))
                if close < 0:
                    return None
                position = close + len(end)
                break
        else:
            if head.startswith("<!DOCTYPE", position):
                position = _doctype_end(head, position)
                if position < 0:
                    return None
                continue
            match = ROOT_NAME_RE.match(head, position)
            return match[1] if match else None


def _doctype_end(head: str, position: int) -> int:
    """Index after a DOCTYPE and its internal subset, or -1 when it does not end within the head."""
    bracket = head.find("[", position)
    close = head.find(">", position)
    if 0 <= bracket < close:
        subset_end = head.find("]", bracket)
        close = head.find(">", subset_end) if subset_end >= 0 else -1
    return close + 1 if close >= 0 else -1


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8-sig", errors="ignore")


def parse_xml_safely(data: bytes, name: str) -> Element:
    """Parse with DTDs, entities and external references refused; any failure → UnreadableFileError."""
    if not data or not data.strip():
        raise UnreadableFileError(f"{name}: the file is empty")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden):
        detail = _dtd_detail(data)
        raise UnreadableFileError(f"{name}: XML with a DTD or entity declarations is refused "
                                  f"(entity expansion or external entities; {detail})") from None
    except ExternalReferenceForbidden:
        raise UnreadableFileError(f"{name}: XML with external references is refused") from None
    except DefusedXmlException as exc:
        raise UnreadableFileError(f"{name}: unsafe XML refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise UnreadableFileError(f"{name}: not well-formed XML ({_one_line(exc)})") from None
    except Exception as exc:
        raise UnreadableFileError(f"{name}: not readable as XML ({type(exc).__name__})") from None


def _dtd_detail(data: bytes) -> str:
    """Say what the refused DTD tried to do (read only, never expanded)."""
    head = data[:65536]
    if re.search(rb"<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b", head):
        return "it declares external entities"
    if b"<!ENTITY" in head:
        return "it declares entities"
    return "it has a DOCTYPE"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_root(root: Element, name: str) -> None:
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "iati-organisations":
        raise UnreadableFileError(f"{name}: an IATI organisation file (iati-organisations), not an activity "
                                  "file (iati-activities)")
    if tag.endswith("}iati-activities"):
        raise UnreadableFileError(f"{name}: <iati-activities> is in an XML namespace; IATI elements have none")
    if tag != "iati-activities":
        raise UnreadableFileError(f"{name}: root element is <{tag}>, not <iati-activities>: not an IATI "
                                  "activity file")
    version = (root.get("version") or "").strip()
    if version.startswith("1."):
        raise UnreadableFileError(f"{name}: IATI version {version} is not supported (2.01–2.03 are)")


# --- small element helpers ------------------------------------------------------------------------------

def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _children(parent: Element, tag: str) -> list[Element]:
    return [child for child in parent if child.tag == tag]


def _child(parent: Element, tag: str) -> Element | None:
    return next((child for child in parent if child.tag == tag), None)


def _attr(element: Element | None, attribute: str) -> str:
    return _text(element.get(attribute)) if element is not None else ""


def _narratives(element: Element | None, default_lang: str) -> list[tuple[str, str]]:
    """(language, text) of each non-empty narrative; a narrative without xml:lang takes default_lang."""
    if element is None:
        return []
    found = []
    for narrative in _children(element, "narrative"):
        text = _text("".join(narrative.itertext()))
        if text:
            found.append(((narrative.get(XML_LANG) or default_lang).strip().lower()[:2], text))
    return found


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _list_cell(names: list[str]) -> str | None:
    seen: list[str] = []
    for name in names:
        # A ';' inside a name would split it into two list items.
        clean = name.replace(LIST_SEPARATOR, ",").strip()
        if clean and _fold(clean) not in {_fold(s) for s in seen}:
            seen.append(clean)
    return f"{LIST_SEPARATOR} ".join(seen) or None


def _iso_date(value: str) -> str | None:
    """YYYY-MM-DD of an xsd:date or dateTime (time and zone dropped); None when not a calendar date."""
    match = ISO_DATE_RE.match(value or "")
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match[1]).isoformat()
    except ValueError:
        return None


def _number_text(value: str) -> str:
    """'12500000.00' → '12500000'; raise InvalidOperation when not a finite number."""
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidOperation(value)
    if number == 0:
        return "0"
    # Bounds keep format() from writing a billion digits for '1e999999999'.
    if not -12 <= number.adjusted() <= 15:
        raise InvalidOperation(value)
    return format(number.normalize(), "f")


# --- organisations ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Org:
    """An organisation as an IATI element names it: its identifier and a display name."""

    ref: str
    name: str

    def same_as(self, other: Org) -> bool:
        if self.ref and other.ref:
            return self.ref.casefold() == other.ref.casefold()
        return bool(self.name) and _fold(self.name) == _fold(other.name)


def read_org(element: Element | None, default_lang: str) -> Org | None:
    """Name from the narrative, else from the well-known identifier table, else the identifier itself."""
    if element is None:
        return None
    ref = _attr(element, "ref")
    narratives = _narratives(element, default_lang)
    name = narratives[0][1] if narratives else ORG_NAMES.get(ref, ref)
    return Org(ref, name) if (ref or name) else None


# --- one activity -----------------------------------------------------------------------------------------

@dataclass
class ActivityResult:
    """What one <iati-activity> yields: a project row (or a refusal) and its flows and places."""

    project: dict | None = None
    flows: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refusal: dict | None = None


class ActivityReader:
    """Derive the canonical rows of one activity; warnings keep it, errors refuse it."""

    def __init__(self, activity: Element, ordinal: int, name: str, file_lang: str):
        self.activity = activity
        self.row = ordinal
        self.name = name
        self.lang = (activity.get(XML_LANG) or file_lang or DEFAULT_LANGUAGE).strip().lower()[:2]
        self.result = ActivityResult()
        self.project_id = ""

    def warn(self, column: str, reason: str) -> None:
        self.result.problems.append(Problem(self.name, self.row, column, reason, "warning"))

    def refuse(self, column: str, reason: str) -> ActivityResult:
        # A refused activity reports why it is refused, not the warnings read on the way.
        self.result.problems = [Problem(self.name, self.row, column, reason)]
        try:
            titles = self._titles(warn=False)
        except Exception:
            titles = {}
        self.result.refusal = {"project_id": self.project_id or None, **titles,
                               ROW_COLUMN: self.row, "_column": column, "_reason": reason}
        self.result.project, self.result.flows, self.result.places = None, [], []
        return self.result

    def read(self) -> ActivityResult:
        self.project_id = _text("".join(_child(self.activity, "iati-identifier").itertext())) \
            if _child(self.activity, "iati-identifier") is not None else ""
        if not self.project_id:
            return self.refuse("project_id", "the activity has no iati-identifier")
        scope_problem = self._scope()
        if scope_problem is not None and not scope_problem[1]:
            return self.refuse("recipient-country", scope_problem[0])
        places, coverage = self._locations()
        if scope_problem is not None and not (places or coverage):
            return self.refuse("recipient-country", scope_problem[0])
        if scope_problem is not None:
            self.warn("recipient-country", f"{scope_problem[0]}; kept because its locations are in the DRC")
        reporting = read_org(_child(self.activity, "reporting-org"), self.lang)
        participants = self._participants()
        self.result.project = self._project(participants, reporting, coverage)
        self.result.places = places
        self.result.flows = self._flows(participants, reporting)
        return self.result

    # -- scope -----------------------------------------------------------------------------------------

    def _scope(self) -> tuple[str, bool] | None:
        """None when in scope; else (reason, whether DRC locations may still rescue the activity)."""
        countries = [(_attr(e, "code").upper(), _attr(e, "percentage"))
                     for e in _children(self.activity, "recipient-country")]
        regions = [_attr(e, "code") for e in _children(self.activity, "recipient-region")]
        codes = [code for code, _ in countries if code]
        if not codes:
            if regions:
                return f"out of scope: no recipient country, recipient region {', '.join(regions)}", True
            self.warn("recipient-country", "no recipient-country or recipient-region: assumed to be the DRC")
            return None
        if DRC not in codes:
            return f"out of scope: recipient country {', '.join(codes)}, not {DRC}", False
        others = [code for code in codes if code != DRC]
        if others:
            share = next((pct for code, pct in countries if code == DRC), "")
            self.warn("recipient-country",
                      f"several recipient countries ({', '.join(codes)}); the DRC's share is "
                      f"{share + '%' if share else 'not published'}: the whole activity is kept")
        return None

    # -- project row -------------------------------------------------------------------------------------

    def _titles(self, warn: bool = True) -> dict:
        titles: dict[str, str | None] = {"title_fr": None, "title_en": None}
        found = _narratives(_child(self.activity, "title"), self.lang)
        for lang, text in found:
            column = f"title_{lang}"
            if column in titles and titles[column] is None:
                titles[column] = text
        if warn and found and not any(titles.values()):
            self.warn("title_en", f"title only in {', '.join(sorted({lang for lang, _ in found}))}: "
                                  "no French or English title read")
        return titles

    def _participants(self) -> list[tuple[int, str, Org]]:
        people = []
        for n, element in enumerate(_children(self.activity, "participating-org"), start=1):
            org = read_org(element, self.lang)
            role = _attr(element, "role")
            if org is None:
                self.warn("participating-org", f"participating-org {n} has neither a ref nor a name: ignored")
                continue
            if role not in {"1", "2", "3", "4"}:
                self.warn("participating-org", f"participating-org {org.name} has role '{role}', not 1–4: "
                                               "ignored")
                continue
            people.append((n, role, org))
        return people

    def _project(self, participants, reporting: Org | None, coverage: str | None) -> dict:
        implementing = [org for _, role, org in participants if role == "4"]
        if reporting is not None:
            # The reporting org leads when it is among the implementers.
            implementing.sort(key=lambda org: not org.same_as(reporting))
        implementing_names = [org.name for org in implementing]
        partners = [org.name for _, role, org in participants
                    if role in {"2", "3"} and not any(org.same_as(i) for i in implementing)]
        row = {column: None for column in PROJECTS.column_names}
        row.update(self._titles())
        row.update(project_id=self.project_id,
                   other_ids=_list_cell([_attr(e, "ref") for e in _children(self.activity, "other-identifier")]),
                   implementing_orgs=_list_cell(implementing_names),
                   partners=_list_cell(partners),
                   theme=self._theme(),
                   activity_status=self._status(),
                   coverage=coverage,
                   notes=self._notes(reporting))
        row.update(self._dates())
        row[ROW_COLUMN] = self.row
        return row

    def _status(self) -> str | None:
        code = _attr(_child(self.activity, "activity-status"), "code")
        if not code:
            return None
        if not code.isdigit() or int(code) not in ACTIVITY_STATUS:
            self.warn("activity_status", f"activity-status code '{code}' is not an IATI status 1–6: left empty")
            return None
        return str(int(code))

    def _dates(self) -> dict:
        dates: dict[str, str | None] = {}
        for element in _children(self.activity, "activity-date"):
            column = DATE_COLUMNS.get(_attr(element, "type"))
            if column is None:
                self.warn("activity-date", f"activity-date type '{_attr(element, 'type')}' is not 1–4: ignored")
                continue
            value = _iso_date(_attr(element, "iso-date"))
            if value is None:
                self.warn(column, f"activity-date iso-date '{_attr(element, 'iso-date')}' is not YYYY-MM-DD: "
                                  "ignored")
            elif dates.get(column) is None:
                dates[column] = value
        return dates

    def _theme(self) -> str | None:
        best: tuple[float, str] | None = None
        for element in _children(self.activity, "sector"):
            if (_attr(element, "vocabulary") or SECTOR_VOCABULARY_DAC5) != SECTOR_VOCABULARY_DAC5:
                continue  # other vocabularies (clusters, SDGs, the publisher's own) carry no DAC code
            code = _attr(element, "code")
            try:
                share = float(_attr(element, "percentage") or 100)
            except ValueError:
                share = 0.0
            if best is None or share > best[0]:
                best = (share, code)
        if best is None:
            return None
        theme = SECTOR_THEMES.get(best[1])
        if theme is None:
            self.warn("theme", f"sector {best[1]} (OECD DAC) has no theme in this dashboard: theme left empty")
        return theme

    def _notes(self, reporting: Org | None) -> str:
        parts = [f"Read from IATI file {self.name}, activity {self.row}"
                 + (f", reported by {reporting.name}" + (f" ({reporting.ref})" if reporting.ref else "")
                    if reporting else "") + "."]
        budgets = [self._budget_text(b) for b in _children(self.activity, "budget")]
        budgets = [b for b in budgets if b]
        if budgets:
            parts.append("Budgets published (not counted as flows): " + "; ".join(budgets) + ".")
        return " ".join(parts)

    def _budget_text(self, budget: Element) -> str:
        start = _iso_date(_attr(_child(budget, "period-start"), "iso-date")) or "?"
        end = _iso_date(_attr(_child(budget, "period-end"), "iso-date")) or "?"
        value = _child(budget, "value")
        amount = _text(value.text) if value is not None else ""
        try:
            amount = _number_text(amount)
        except (InvalidOperation, ValueError):
            pass  # shown as published: the note quotes, it does not compute
        currency = (_attr(value, "currency") or _attr(self.activity, "default-currency")).upper()
        kind = {"1": "original", "2": "revised"}.get(_attr(budget, "type"), "")
        value_date = _attr(value, "value-date")
        text = f"{start} to {end}: {currency} {amount}".strip()
        extras = [e for e in (kind, f"value date {value_date}" if value_date else "") if e]
        return f"{text} ({', '.join(extras)})" if extras else text

    # -- locations -----------------------------------------------------------------------------------------

    def _locations(self) -> tuple[list[dict], str | None]:
        places: dict[str, dict] = {}
        national = False
        for n, location in enumerate(_children(self.activity, "location"), start=1):
            names = [text for _, text in _narratives(_child(location, "name"), self.lang)]
            label = names[0] if names else f"location {n}"
            if self._is_country(location, names):
                national = True
                continue
            pcode = self._resolve(location, names, label)
            if pcode and pcode not in places:
                places[pcode] = {column: None for column in LOCATIONS.column_names}
                places[pcode].update(project_id=self.project_id, province_pcode=pcode,
                                     province_name=province_name(pcode), split_known="false")
                places[pcode][ROW_COLUMN] = self.row
        coverage = "national" if national else ("provincial" if places else None)
        return list(places.values()), coverage

    @staticmethod
    def _is_country(location: Element, names: list[str]) -> bool:
        if any(_fold(name) in COUNTRY_NAMES for name in names):
            return True
        feature = _attr(_child(location, "feature-designation"), "code").upper()
        if feature in COUNTRY_FEATURES:
            return True
        for element in [*_children(location, "administrative"), *_children(location, "location-id")]:
            if _attr(element, "level") == "0":
                return True
            if _attr(element, "vocabulary") == ISO_COUNTRY_VOCABULARY and _attr(element, "code").upper() == DRC:
                return True
        return False

    def _resolve(self, location: Element, names: list[str], label: str) -> str | None:
        """P-code of the province the location is in, warning on doubtful or impossible matches."""
        for element in [*_children(location, "administrative"), *_children(location, "location-id")]:
            code = _attr(element, "code")
            if code:
                match = match_province(code)
                if match.method == "code":  # a GeoNames number or a GAUL id must never match by spelling
                    return match.pcode
        matches = [match_province(name) for name in names]
        for method in ("exact", "variant", "code", "legacy", "fuzzy"):
            match = next((m for m in matches if m.method == method and m.pcode), None)
            if match is None:
                continue
            if method == "fuzzy":
                self.warn("province_pcode", f"location '{match.query}' read as {match.pcode} "
                                            f"{province_name(match.pcode)} by closest spelling: {match.note}")
            elif method == "legacy":
                self.warn("province_pcode", f"location '{match.query}' is a pre-2015 name read as "
                                            f"{match.pcode} {province_name(match.pcode)}: {match.note}")
            return match.pcode
        split = next((m for m in matches if m.method == "legacy-split"), None)
        if split is not None:
            self.warn("province_pcode",
                      f"location '{split.query}' is a pre-2015 province now split into "
                      f"{', '.join(f'{c} {province_name(c)}' for c in split.candidates)}: not assigned to any "
                      "of them")
            return None
        self.warn("province_pcode", f"location '{label}' is not matched to a DRC province: no location row")
        return None

    # -- flows -------------------------------------------------------------------------------------------

    def _flows(self, participants, reporting: Org | None) -> list[dict]:
        default_currency = _attr(self.activity, "default-currency").upper()
        funders = [(n, org) for n, role, org in participants if role == "1"]
        payer_role = self._payer_role(participants, reporting)
        flows: list[dict] = []
        donors_seen: list[Org] = []
        for n, transaction in enumerate(_children(self.activity, "transaction"), start=1):
            flow = self._flow(n, transaction, default_currency, funders, reporting, payer_role)
            if flow is None:
                continue
            row, donor = flow
            if donor is not None and row["transaction_type"] in INCOMING_TYPES:
                donors_seen.append(donor)
            flows.append(row)
        for n, org in funders:
            if any(org.same_as(seen) for seen in donors_seen):
                continue
            row = self._empty_flow(f"{self.project_id}#p{n}")
            row.update(donor=org.name, org_role="1", recipient=reporting.name if reporting else None,
                       transaction_type="11",
                       notes="declared as funding participating-org; no transaction published")
            flows.append(row)
        return flows

    @staticmethod
    def _payer_role(participants, reporting: Org | None) -> str | None:
        if reporting is None:
            return None
        roles = {role for _, role, org in participants if org.same_as(reporting)}
        return next((role for role in PAYER_ROLE_PREFERENCE if role in roles), None)

    def _empty_flow(self, flow_id: str) -> dict:
        row = {column: None for column in FUNDING.column_names}
        row.update(flow_id=flow_id, project_id=self.project_id)
        row[ROW_COLUMN] = self.row
        return row

    def _flow(self, n, transaction, default_currency, funders, reporting, payer_role):
        kind = _attr(_child(transaction, "transaction-type"), "code")
        if not kind.isdigit() or int(kind) not in TRANSACTION_TYPES:
            self.warn("transaction_type", f"transaction {n} has type '{kind}', not one of 1, 2, 3, 4, 11: skipped")
            return None
        kind = str(int(kind))
        value = _child(transaction, "value")
        row = self._empty_flow(f"{self.project_id}#t{n}")
        row["transaction_type"] = kind
        raw = _text(value.text) if value is not None else ""
        if raw:
            try:
                amount = _number_text(raw)
            except (InvalidOperation, ValueError):
                self.warn("amount", f"transaction {n} value '{raw}' is not a number: amount left empty")
                amount = None
            if amount is not None and amount.startswith("-"):
                self.warn("amount", f"transaction {n} value {raw} is negative (a reversal or correction): "
                                    "skipped, the schema has no negative amounts")
                return None
            row["amount"] = amount
        row["currency"] = (_attr(value, "currency") or default_currency) or None
        if row["amount"] is not None and not row["currency"]:
            self.warn("currency", f"transaction {n} has no currency and the activity no default-currency")
        row["value_date"] = _iso_date(_attr(value, "value-date")) or \
            _iso_date(_attr(_child(transaction, "transaction-date"), "iso-date"))
        provider = read_org(_child(transaction, "provider-org"), self.lang)
        receiver = read_org(_child(transaction, "receiver-org"), self.lang)
        donor: Org | None
        if kind in INCOMING_TYPES:
            donor = provider
            if donor is None and len(funders) == 1:
                donor = funders[0][1]  # the only funding participating-org is the provider IATI omitted
            elif donor is None:
                self.warn("donor", f"transaction {n} (type {kind}) has no provider-org: donor left empty")
            row["org_role"] = "1" if donor is not None else None
            row["recipient"] = (receiver or reporting).name if (receiver or reporting) else None
        else:
            donor = reporting
            row["org_role"] = payer_role
            row["recipient"] = receiver.name if receiver else None
        row["donor"] = donor.name if donor else None
        row["notes"] = (f"IATI transaction {n} of activity {self.row} "
                        f"({TRANSACTION_TYPES[int(kind)]['en'].lower()}) in {self.name}.")
        return row, donor


# --- the file ------------------------------------------------------------------------------------------------

def parse_iati_bytes(data: bytes, name: str) -> Derived:
    """Bytes of an IATI activity file → canonical raw tables; UnreadableFileError when it cannot be read safely."""
    root = parse_xml_safely(data, name)
    _check_root(root, name)
    file_lang = (root.get(XML_LANG) or DEFAULT_LANGUAGE).strip().lower()[:2]
    projects, flows, places, refusals = [], [], [], []
    problems: list[Problem] = []
    if not root.get("version"):
        problems.append(Problem(name, None, "iati-activities", "no version attribute: read as IATI 2.0x",
                                "warning"))
    activities = _children(root, "iati-activity")
    first_seen: dict[str, int] = {}
    for ordinal, activity in enumerate(activities, start=1):
        reader = ActivityReader(activity, ordinal, name, file_lang)
        try:
            result = reader.read()
        except Exception as exc:
            result = reader.refuse("iati-activity", f"the activity could not be read ({type(exc).__name__})")
        if result.project is not None and result.project["project_id"] in first_seen:
            first = first_seen[result.project["project_id"]]
            result = reader.refuse("project_id", f"duplicate iati-identifier {result.project['project_id']} "
                                                 f"(first at activity {first})")
        problems += result.problems
        if result.refusal is not None:
            refusals.append(result.refusal)
            continue
        first_seen[result.project["project_id"]] = ordinal
        projects.append(result.project)
        flows += result.flows
        places += result.places
    if not activities:
        problems.append(Problem(name, None, "iati-activity", "the file holds no iati-activity", "warning"))
    tables = {table.name: _frame(table.column_names, rows)
              for table, rows in ((PROJECTS, projects), (FUNDING, flows), (LOCATIONS, places))}
    rejected = pd.DataFrame(refusals, columns=["project_id", "title_fr", "title_en", ROW_COLUMN, "_column",
                                               "_reason"])
    return Derived(source=name, format=FORMAT, rows_in=len(activities), tables=tables, problems=problems,
                   rejected_rows=rejected)


def _frame(columns: list[str], rows: list[dict]) -> pd.DataFrame:
    """Cells stay text or None (never NaN): validate_table reads them as typed by a person."""
    frame = pd.DataFrame(rows, columns=columns + [ROW_COLUMN]).astype({c: object for c in columns})
    frame[columns] = frame[columns].where(frame[columns].notna(), None)
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype(int)
    return frame
