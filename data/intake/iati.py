"""Read an IATI activity file (standards 1.01–1.05 and 2.01–2.03, mixed per activity) into the canonical tables."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pandas as pd
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, fromstring

from cells import fold_words
from data.intake.readers import Derived, UnreadableFileError
from data.metrics import FLOW_MEASURES, compute_committed, compute_funding
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
from data.sectors import VOCABULARY_NAMES, normalise_vocabulary, theme_of_sector
from geo.provinces import match_province, province_name

if TYPE_CHECKING:  # the element type only; parsing goes through defusedxml
    from xml.etree.ElementTree import Element

logger = logging.getLogger(__name__)

FORMAT = "iati"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DRC = "CD"
DEFAULT_LANGUAGE = "en"  # IATI's own default when neither the narrative nor the activity says
KNOWN_VERSIONS = frozenset({"1.01", "1.02", "1.03", "1.04", "1.05", "2.01", "2.02", "2.03"})

# <activity-date type> → canonical column: 2.0x codes and the 1.0x words.
DATE_COLUMNS = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end",
                "start-planned": "planned_start", "start-actual": "actual_start",
                "end-planned": "planned_end", "end-actual": "actual_end"}
# 1.0x wrote roles as words, transaction types as letters (or words in the element text) and statuses as words.
ROLE_WORDS = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
TRANSACTION_LETTERS = {"IF": "1", "C": "2", "D": "3", "E": "4"}
TRANSACTION_WORDS = {"incoming funds": "1", "commitment": "2", "outgoing commitment": "2", "disbursement": "3",
                     "expenditure": "4", "incoming commitment": "11"}
STATUS_WORDS = {"pipeline/identification": "1", "pipeline": "1", "identification": "1", "implementation": "2",
                "completion": "3", "finalisation": "3", "post-completion": "4", "closed": "4", "cancelled": "5",
                "suspended": "6"}
INCOMING_TYPES = frozenset({"1", "11"})  # money coming to the reporting org: the donor is the provider
# When an organisation holds several roles, the one shown for the flows it pays: funding, then extending
# (passes money on), then implementing, then accountable.
PAYER_ROLE_PREFERENCE = ("1", "3", "4", "2")

# Well-known IATI organisation identifiers, used only when no element of the file names the organisation.
# Only identifiers we are sure of: DAC donor/agency codes (XM-DAC-…) and a few registered government ids.
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
# Placeholders publishers put where an identifier should be: they identify nothing.
PLACEHOLDER_REFS = frozenset({"n/a", "na", "not available", "none", "null", "unknown", "-", "0"})
REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")

# Signals that a <location> is the DRC as a whole rather than a place in it.
COUNTRY_NAMES = frozenset({"democratic republic of the congo", "democratic republic of congo", "dr congo", "drc",
                           "rdc", "republique democratique du congo", "rd congo", "congo kinshasa",
                           "congo the democratic republic of the", "the democratic republic of the congo"})
COUNTRY_FEATURES = frozenset({"PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX"})  # GeoNames political entity
ISO_COUNTRY_VOCABULARY = "A4"

# Why an activity is held back (summary keys; the reason text itself names the codes).
HELD_OTHER_COUNTRY = "other-country"
HELD_REGION_ONLY = "region-only"
HELD_NO_COUNTRY = "no-country"
HELD_NO_IDENTIFIER = "no-identifier"
HELD_DUPLICATE = "duplicate"
HELD_INTERNAL = "internal-error"
HELD_UNREADABLE = "unreadable-activity"
HELD_FAILED_VALIDATION = "failed-validation"  # read, then refused by the schema checks (reported per row)
HELD_REASONS = (HELD_OTHER_COUNTRY, HELD_REGION_ONLY, HELD_NO_COUNTRY, HELD_NO_IDENTIFIER, HELD_DUPLICATE,
                HELD_UNREADABLE, HELD_INTERNAL, HELD_FAILED_VALIDATION)
# How an activity is in scope.
SCOPE_DRC = "drc"  # the DRC only: amounts as published
SCOPE_SHARE = "drc-share"  # several countries, the DRC's percentage published: amounts scaled to it
SCOPE_TRANSACTIONS = "by-transaction"  # countries given per transaction: the DRC's transactions only
SCOPE_MULTI = "multi-country"  # several countries, no DRC share: listed, no amount, no place

ISO_DATE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
ROOT_NAME_RE = re.compile(r"<([\w:.-]+)")
# What may come before the root element, each with the text that ends it. A DOCTYPE is skipped too: such a
# file is still sniffed as IATI so that the parser refuses it with a clear reason.
PROLOGUE_ENDS = (("<?", "?>"), ("<!--", "-->"))
WRAPPED_RE = re.compile(r"<iati-activities[\s>/]")


# --- sniffing and safe parsing ------------------------------------------------------------------------

def is_iati(data: bytes) -> bool:
    """True when the bytes look like XML whose root element is <iati-activities>, or wraps one (as the old IATI
    Datastore API's <result> did)."""
    head = _decode_head(data[:8192])
    root = _root_name(head)
    if root == "iati-activities":
        return True
    return root is not None and root != "iati-organisations" and WRAPPED_RE.search(head) is not None


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


def _activity_containers(root: Element, name: str) -> tuple[list[Element], list[Problem]]:
    """The <iati-activities> elements to read: the root, or the ones a wrapper holds; refuse anything else."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "iati-organisations":
        raise UnreadableFileError(f"{name}: an IATI organisation file (iati-organisations), not an activity "
                                  "file (iati-activities)")
    if tag.endswith("}iati-activities"):
        raise UnreadableFileError(f"{name}: <iati-activities> is in an XML namespace; IATI elements have none")
    if tag == "iati-activities":
        return [root], []
    inner = [child for child in root if child.tag == "iati-activities"]
    inner += [grandchild for child in root for grandchild in child if grandchild.tag == "iati-activities"]
    if not inner:
        raise UnreadableFileError(f"{name}: root element is <{tag}>, not <iati-activities>, and it holds no "
                                  "<iati-activities>: not an IATI activity file")
    note = Problem(name, None, "iati-activities",
                   f"the activities are wrapped in <{tag}> (as the old IATI Datastore API returned them): read from "
                   f"the {len(inner)} <iati-activities> inside it", "warning")
    return inner, [note]


# --- small element helpers ------------------------------------------------------------------------------

def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _children(parent: Element, tag: str) -> list[Element]:
    return [child for child in parent if child.tag == tag]


def _child(parent: Element | None, tag: str) -> Element | None:
    if parent is None:
        return None
    return next((child for child in parent if child.tag == tag), None)


def _attr(element: Element | None, attribute: str) -> str:
    return _text(element.get(attribute)) if element is not None else ""


def _language(element: Element, default_lang: str) -> str:
    return (element.get(XML_LANG) or default_lang).strip().lower()[:2]


def _narratives(element: Element | None, default_lang: str) -> list[tuple[str, str]]:
    """(language, text) of each non-empty narrative (2.0x), or of the element's own text (1.0x)."""
    if element is None:
        return []
    found = []
    narratives = _children(element, "narrative")
    for narrative in narratives:
        text = _text("".join(narrative.itertext()))
        if text:
            found.append((_language(narrative, default_lang), text))
    if not narratives:
        text = _text(element.text)
        if text:
            found.append((_language(element, default_lang), text))
    return found


def _list_cell(names: list[str]) -> str | None:
    seen: list[str] = []
    for name in names:
        # A ';' inside a name would split it into two list items.
        clean = name.replace(LIST_SEPARATOR, ",").strip()
        if clean and fold_words(clean) not in {fold_words(s) for s in seen}:
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


def _decimal(value: str) -> Decimal:
    """A finite number of plausible size; InvalidOperation otherwise (also for '1e999999999')."""
    number = Decimal(value)
    if not number.is_finite() or (number != 0 and not -12 <= number.adjusted() <= 15):
        raise InvalidOperation(value)
    return number


def _number_text(number: Decimal) -> str:
    """Decimal('12500000.00') → '12500000'."""
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def _percentage(value: str) -> Decimal | None:
    try:
        number = _decimal(value) if value else None
    except (InvalidOperation, ValueError):
        return None
    return number if number is not None and 0 <= number <= 100 else None


def _clean_ref(ref: str) -> str:
    """An organisation identifier, or '' for placeholders and free text put where an identifier belongs."""
    ref = _text(ref)
    return ref if REF_RE.match(ref) and ref.casefold() not in PLACEHOLDER_REFS else ""


@functools.lru_cache(maxsize=1024)
def _country_code(name: str) -> str | None:
    """ISO code of a country name ('Uganda' → 'UG'); None for anything else, and for a bare 'Congo', which
    publishers use for both Congos."""
    text = _text(name)
    if len(text) <= 3 or fold_words(text) == "congo":
        return None
    import pycountry  # imported here: its databases load only when a location needs them

    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def _version(element: Element, inherited: str) -> str:
    return _attr(element, "version") or inherited


# --- organisations ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Org:
    """An organisation as an IATI element names it: its identifier and a display name."""

    ref: str
    name: str

    def same_as(self, other: Org) -> bool:
        if self.ref and other.ref:
            return self.ref.casefold() == other.ref.casefold()
        return bool(self.name) and fold_words(self.name) == fold_words(other.name)


ORG_TAGS = (("reporting-org", 0), ("participating-org", 1), ("provider-org", 2), ("receiver-org", 2))


def collect_org_names(containers: list[Element], file_lang: str) -> dict[str, str]:
    """One display name per identifier across the file: the narrative used most where the organisation names
    itself (reporting-org), else where it takes part (participating-org), else in transactions."""
    counts: dict[str, list[Counter]] = {}
    for container in containers:
        for activity in _children(container, "iati-activity"):
            lang = _language(activity, file_lang)
            for tag, tier in ORG_TAGS:
                elements = activity.iter(tag) if tier == 2 else _children(activity, tag)
                for element in elements:
                    ref = _clean_ref(element.get("ref") or "")
                    names = _narratives(element, lang)
                    if ref and names:
                        tiers = counts.setdefault(ref.casefold(), [Counter(), Counter(), Counter()])
                        tiers[tier][_org_name(names[0][1])] += 1
    return {ref: next(tier.most_common(1)[0][0] for tier in tiers if tier) for ref, tiers in counts.items()}


def _org_name(text: str) -> str:
    """A name without the quotes some publishers wrap it in ("'Ministry of Foreign Affairs, Denmark'")."""
    quoted = len(text) > 2 and text[0] == text[-1] and text[0] in "'\""
    return text[1:-1].strip() if quoted else text


def read_org(element: Element | None, default_lang: str, names: dict[str, str] | None = None) -> Org | None:
    """Name from the file's name for its identifier, else its own narrative, else the well-known identifier
    table, else the identifier itself."""
    if element is None:
        return None
    ref = _clean_ref(element.get("ref") or "")
    narratives = _narratives(element, default_lang)
    name = (names or {}).get(ref.casefold()) if ref else None
    name = name or (_org_name(narratives[0][1]) if narratives else ORG_NAMES.get(ref, ref))
    return Org(ref, name) if (ref or name) else None


# --- scope -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Whether and how an activity is about the DRC."""

    kind: str  # SCOPE_* when kept, "held" when held back
    reason: str = ""  # the note shown for a kept activity, the refusal reason for a held one
    share: Decimal | None = None  # the DRC percentage applied to every amount (SCOPE_SHARE)
    held: str = ""  # HELD_* key when held back


# --- one activity -----------------------------------------------------------------------------------------

@dataclass
class ActivityResult:
    """What one <iati-activity> yields: a project row (or a refusal) and its flows and places."""

    project: dict | None = None
    flows: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refusal: dict | None = None
    scope: str = ""  # SCOPE_* of a kept activity
    held: str = ""  # HELD_* of a refused one
    unmapped_sectors: list[str] = field(default_factory=list)  # sectors of an activity left without a theme


class ActivityReader:
    """Derive the canonical rows of one activity; warnings keep it, errors refuse it."""

    def __init__(self, activity: Element, ordinal: int, name: str, file_lang: str,
                 org_names: dict[str, str] | None = None, version: str = ""):
        self.activity = activity
        self.row = ordinal
        self.name = name
        self.lang = _language(activity, file_lang or DEFAULT_LANGUAGE)
        self.org_names = org_names or {}
        self.version = _version(activity, version)
        self.result = ActivityResult()
        self.project_id = ""

    def warn(self, column: str, reason: str) -> None:
        self.result.problems.append(Problem(self.name, self.row, column, reason, "warning"))

    def refuse(self, column: str, reason: str, held: str = HELD_UNREADABLE) -> ActivityResult:
        # A refused activity reports why it is refused, not the warnings read on the way.
        self.result.problems = [Problem(self.name, self.row, column, reason)]
        self.result.refusal = {"project_id": self.project_id or None, **self._titles(warn=False),
                               ROW_COLUMN: self.row}
        self.result.project, self.result.flows, self.result.places = None, [], []
        self.result.held, self.result.scope, self.result.unmapped_sectors = held, "", []
        return self.result

    def org(self, element: Element | None) -> Org | None:
        return read_org(element, self.lang, self.org_names)

    def read(self) -> ActivityResult:
        identifier = _child(self.activity, "iati-identifier")
        self.project_id = _text("".join(identifier.itertext())) if identifier is not None else ""
        if not self.project_id:
            return self.refuse("project_id", "the activity has no iati-identifier", HELD_NO_IDENTIFIER)
        if self.version and self.version not in KNOWN_VERSIONS:
            self.warn("iati-activity", f"IATI version {self.version} is not one of 1.01–1.05 or 2.01–2.03: read "
                                       "as far as its elements follow one of them")
        scope = self._scope()
        if scope.kind == "held":
            return self.refuse("recipient-country", scope.reason, scope.held)
        self.result.scope = scope.kind
        if scope.reason:
            self.warn("recipient-country", scope.reason)
        reporting_element = _child(self.activity, "reporting-org")
        reporting = self.org(reporting_element)
        participants = self._participants()
        places, coverage = ([], None) if scope.kind == SCOPE_MULTI else self._locations()
        self.result.project = self._project(participants, reporting, coverage, scope)
        self.result.places = places
        aggregator = _attr(reporting_element, "secondary-reporter") in {"1", "true"} or (
            reporting is not None and not any(org.same_as(reporting) for _, _, org in participants))
        self.result.flows = self._flows(participants, None if aggregator else reporting, reporting, scope)
        return self.result

    # -- scope -----------------------------------------------------------------------------------------

    def _scope(self) -> Scope:
        """Decide from the activity's countries and regions, its transactions' countries, then its locations."""
        countries: dict[str, str] = {}
        for element in _children(self.activity, "recipient-country"):
            code = _attr(element, "code").upper()
            if code:
                countries.setdefault(code, _attr(element, "percentage"))
        regions = [(_attr(e, "code"), _percentage(_attr(e, "percentage")))
                   for e in _children(self.activity, "recipient-region") if _attr(e, "code")]
        in_transactions = {_attr(e, "code").upper() for t in _children(self.activity, "transaction")
                           for e in _children(t, "recipient-country") if _attr(e, "code")}
        if countries:
            scope = self._scope_of_countries(countries, regions)
            if scope.kind == SCOPE_MULTI and DRC in in_transactions:
                # No DRC percentage, but the transactions say which money is the DRC's: that is exact.
                return Scope(SCOPE_TRANSACTIONS, f"several recipient countries ({', '.join(countries)}) without "
                                                 f"a DRC percentage: only the transactions naming {DRC} are kept")
            return scope
        if in_transactions:
            if DRC not in in_transactions:
                return Scope("held", f"out of scope: its transactions name recipient country "
                                     f"{', '.join(sorted(in_transactions))}, not {DRC}", held=HELD_OTHER_COUNTRY)
            others = sorted(in_transactions - {DRC})
            return Scope(SCOPE_TRANSACTIONS, "recipient country given per transaction: "
                         + (f"only the {DRC} transactions are kept (others: {', '.join(others)})" if others
                            else f"every transaction names {DRC}"))
        in_locations = {code for code, _ in self._location_countries() if code}
        region_text = ", ".join(code for code, _ in regions)
        if DRC in in_locations:
            others = sorted(in_locations - {DRC})
            if others:
                return Scope(SCOPE_MULTI, "multi-country, DRC share not published: no recipient country; "
                             f"locations in {DRC} and {', '.join(others)}"
                             + (f" (recipient region {region_text})" if region_text else "")
                             + ": listed, with no DRC amount and no place")
            return Scope(SCOPE_DRC, "no recipient-country"
                         + (f" (recipient region {region_text})" if region_text else "")
                         + ": read as a DRC activity because all its locations are in the DRC")
        if in_locations:
            return Scope("held", f"out of scope: no recipient country; its locations are in "
                                 f"{', '.join(sorted(in_locations))}", held=HELD_OTHER_COUNTRY)
        if regions:
            return Scope("held", f"out of scope: recipient region {region_text} only, with no DRC country, "
                                 "transaction country or location", held=HELD_REGION_ONLY)
        return Scope("held", "no recipient-country, recipient-region, transaction country or location: not "
                             "assumed to be the DRC", held=HELD_NO_COUNTRY)

    @staticmethod
    def _scope_of_countries(countries: dict[str, str], regions: list[tuple[str, Decimal | None]]) -> Scope:
        codes = list(countries)
        if DRC not in codes:
            return Scope("held", f"out of scope: recipient country {', '.join(codes)}, not {DRC}",
                         held=HELD_OTHER_COUNTRY)
        others = [code for code in codes if code != DRC]
        weighted_regions = [code for code, pct in regions if pct]
        share = _percentage(countries[DRC])
        if not others and not weighted_regions:
            if regions:
                return Scope(SCOPE_DRC, f"recipient region {', '.join(code for code, _ in regions)} is given "
                             "beside the DRC without a percentage: read as the region the DRC lies in, the "
                             "activity counted whole")
            return Scope(SCOPE_DRC)
        places = ", ".join(codes + [f"region {code}" for code in weighted_regions])
        if share is not None and share == 100:
            return Scope(SCOPE_DRC, f"several recipients ({places}) but the DRC's share is 100%: counted whole")
        if share is not None and share > 0:
            return Scope(SCOPE_SHARE, f"several recipients ({places}): the DRC's published share, "
                                      f"{_number_text(share)}%, of every amount is kept", share=share)
        if share is not None:
            return Scope("held", f"out of scope: the DRC's share is 0% ({places})", held=HELD_OTHER_COUNTRY)
        return Scope(SCOPE_MULTI, f"multi-country, DRC share not published ({places}): listed, with no DRC "
                                  "amount and no place")

    def _location_countries(self) -> list[tuple[str | None, bool]]:
        """(country code or None, whether the location is the country as a whole) of each location."""
        return [self._location_country(location, self._location_names(location))
                for location in _children(self.activity, "location")]

    def _location_names(self, location: Element) -> list[str]:
        names = [text for _, text in _narratives(_child(location, "name"), self.lang)]
        # 1.0x: <administrative country="CD" adm1="…">Nord-Kivu</administrative>
        names += [text for element in _children(location, "administrative")
                  for _, text in _narratives(element, self.lang)]
        return names

    @staticmethod
    def _location_country(location: Element, names: list[str]) -> tuple[str | None, bool]:
        whole = _attr(_child(location, "feature-designation"), "code").upper() in COUNTRY_FEATURES
        for element in [*_children(location, "location-id"), *_children(location, "administrative")]:
            code = _attr(element, "code").upper()
            if _attr(element, "vocabulary") == ISO_COUNTRY_VOCABULARY and len(code) == 2:
                return code, True
            if _attr(element, "level") == "0" and len(code) == 2 and code.isalpha():
                return code, True
            country = _attr(element, "country").upper()  # 1.0x
            if len(country) == 2:
                return country, not (_attr(element, "adm1") or _attr(element, "adm2") or _text(element.text))
        for name in names:
            folded = fold_words(name)
            if folded in COUNTRY_NAMES:
                return DRC, True
            tail = fold_words(name.rsplit(",", 1)[-1]) if "," in name else ""
            if tail in COUNTRY_NAMES:
                return DRC, False
            other = _country_code(name.rsplit(",", 1)[-1]) if "," in name else _country_code(name)
            if other:
                return other, "," not in name
        for name in names:
            match = match_province(name)
            if match.method in {"exact", "variant", "code", "legacy", "legacy-split"}:
                return DRC, False
        return None, whole

    # -- project row -------------------------------------------------------------------------------------

    def _titles(self, warn: bool = True) -> dict:
        titles: dict[str, str | None] = {"title_fr": None, "title_en": None}
        found = [item for element in _children(self.activity, "title") for item in _narratives(element, self.lang)]
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
            org = self.org(element)
            raw_role = _attr(element, "role")
            role = ROLE_WORDS.get(raw_role.casefold(), raw_role)
            if org is None:
                self.warn("participating-org", f"participating-org {n} has neither a ref nor a name: ignored")
                continue
            if role not in {"1", "2", "3", "4"}:
                self.warn("participating-org", f"participating-org {org.name} has role '{raw_role}', not 1–4 "
                                               "(Funding, Accountable, Extending, Implementing): ignored")
                continue
            people.append((n, role, org))
        return people

    def _project(self, participants, reporting: Org | None, coverage: str | None, scope: Scope) -> dict:
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
                   other_ids=_list_cell([_attr(e, "ref") or _attr(e, "owner-ref")
                                         for e in _children(self.activity, "other-identifier")]),
                   implementing_orgs=_list_cell(implementing_names),
                   partners=_list_cell(partners),
                   theme=self._theme(reporting),
                   activity_status=self._status(),
                   coverage=coverage,
                   notes=self._notes(reporting, scope))
        row.update(self._dates())
        row[ROW_COLUMN] = self.row
        return row

    def _status(self) -> str | None:
        element = _child(self.activity, "activity-status")
        code = _attr(element, "code") or STATUS_WORDS.get(_text(element.text if element is not None else "")
                                                          .casefold(), "")
        if not code:
            return None
        if not code.isdigit() or int(code) not in ACTIVITY_STATUS:
            self.warn("activity_status", f"activity-status code '{code}' is not an IATI status 1–6: left empty")
            return None
        return str(int(code))

    def _dates(self) -> dict:
        dates: dict[str, str | None] = {}
        for element in _children(self.activity, "activity-date"):
            kind = _attr(element, "type")
            column = DATE_COLUMNS.get(kind.casefold())
            if column is None:
                self.warn("activity-date", f"activity-date type '{kind}' is not 1–4 (or start-planned, "
                                           "start-actual, end-planned, end-actual): ignored")
                continue
            value = _iso_date(_attr(element, "iso-date"))
            if value is None:
                self.warn(column, f"activity-date iso-date '{_attr(element, 'iso-date')}' is not YYYY-MM-DD: "
                                  "ignored")
            elif dates.get(column) is None:
                dates[column] = value
        return dates

    def _theme(self, reporting: Org | None) -> str | None:
        """Theme of the largest sector the mapping table knows; a publisher's own vocabulary wins a tie."""
        publisher = reporting.ref if reporting else ""
        mapped: list[tuple[Decimal, int, str]] = []
        unmapped: list[str] = []
        for element in _children(self.activity, "sector"):
            vocabulary = normalise_vocabulary(_attr(element, "vocabulary"))
            code = _attr(element, "code")
            if not code:
                continue
            share = _percentage(_attr(element, "percentage"))
            theme = theme_of_sector(vocabulary, code, publisher)
            if theme is None:
                unmapped.append(f"{VOCABULARY_NAMES.get(vocabulary, 'vocabulary ' + vocabulary)} {code}")
            else:
                mapped.append((Decimal(100) if share is None else share, 0 if vocabulary in {"98", "99"} else 1,
                               theme))
        if not mapped:
            self.result.unmapped_sectors = unmapped
            return None
        return max(mapped, key=lambda item: (item[0], -item[1]))[2]

    def _notes(self, reporting: Org | None, scope: Scope) -> str:
        parts = [f"Read from IATI file {self.name}, activity {self.row}"
                 + (f" (IATI {self.version})" if self.version else "")
                 + (f", reported by {reporting.name}" + (f" ({reporting.ref})" if reporting.ref else "")
                    if reporting else "") + "."]
        if scope.kind in {SCOPE_MULTI, SCOPE_SHARE, SCOPE_TRANSACTIONS}:
            parts.append(scope.reason[0].upper() + scope.reason[1:] + ".")
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
            amount = _number_text(_decimal(amount))
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
        abroad = 0
        for n, location in enumerate(_children(self.activity, "location"), start=1):
            names = self._location_names(location)
            label = names[0] if names else f"location {n}"
            country, whole = self._location_country(location, names)
            if country is not None and country != DRC:
                abroad += 1
                continue
            if country == DRC and whole:
                national = True
                continue
            pcode = self._resolve(location, names, label)
            if pcode and pcode not in places:
                places[pcode] = {column: None for column in LOCATIONS.column_names}
                places[pcode].update(project_id=self.project_id, province_pcode=pcode,
                                     province_name=province_name(pcode), split_known="false")
                places[pcode][ROW_COLUMN] = self.row
        if abroad:
            self.warn("province_pcode", f"{abroad} location(s) outside the DRC: no location row")
        coverage = "national" if national else ("provincial" if places else None)
        return list(places.values()), coverage

    def _resolve(self, location: Element, names: list[str], label: str) -> str | None:
        """P-code of the province the location is in, warning on doubtful or impossible matches."""
        for element in [*_children(location, "administrative"), *_children(location, "location-id")]:
            code = _attr(element, "code")
            if code:
                match = match_province(code)
                if match.method == "code":  # a GeoNames number or a GAUL id must never match by spelling
                    return match.pcode
        # "Nord Kivu, Beni, Democratic Republic of the Congo": the province may be one comma-separated part.
        matches = [match_province(name) for name in names]
        parts = [match_province(part) for name in names if "," in name for part in name.split(",")[:-1]]
        matches += [m for m in parts if m.method in {"exact", "variant", "legacy", "legacy-split"}]
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
            elif match.note.startswith("Read as"):
                self.warn("province_pcode", f"location '{match.query}' read as {match.pcode} "
                                            f"{province_name(match.pcode)}: {match.note}")
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

    def _flows(self, participants, payer: Org | None, reporting: Org | None, scope: Scope) -> list[dict]:
        """Every published transaction of a kept type; `payer` is the reporting org unless it only re-publishes
        (an aggregator such as AidData is never a donor)."""
        default_currency = _attr(self.activity, "default-currency").upper()
        funders = [(n, org) for n, role, org in participants if role == "1"]
        flows: list[dict] = []
        amounts: list[Decimal | None] = []
        donors_seen: list[Org] = []
        skipped_abroad = 0
        for n, transaction in enumerate(_children(self.activity, "transaction"), start=1):
            if scope.kind == SCOPE_TRANSACTIONS:
                codes = {_attr(e, "code").upper() for e in _children(transaction, "recipient-country")}
                if DRC not in codes:
                    skipped_abroad += 1
                    continue
            read = self._flow(n, transaction, default_currency, funders, participants, payer, reporting)
            if read is None:
                continue
            row, donor, amount = read
            if donor is not None:
                donors_seen.append(donor)
            flows.append(row)
            amounts.append(amount)
        if skipped_abroad:
            self.warn("recipient-country", f"{skipped_abroad} transaction(s) name no recipient country {DRC}: "
                                           "skipped")
        amounts = self._net_negatives(flows, amounts)
        for row, amount in zip(flows, amounts):
            row["amount"] = self._drc_amount(row, amount, scope)
        for n, org in funders:
            if any(org.same_as(seen) for seen in donors_seen):
                continue
            # Listed as a funder with no amount: an amount-less row, never one that could stand for a published
            # commitment (the committed measure counts published incoming commitments only).
            row = self._empty_flow(f"{self.project_id}#p{n}")
            row.update(donor=org.name, org_role="1", recipient=reporting.name if reporting else None,
                       transaction_type="11",
                       notes="declared as funding participating-org; no transaction published: amount not published")
            flows.append(row)
        return flows

    def _drc_amount(self, row: dict, amount: Decimal | None, scope: Scope) -> str | None:
        if amount is None:
            return None
        if scope.kind == SCOPE_MULTI:
            row["notes"] += (f" Published amount {_number_text(amount)} {row['currency'] or ''}".rstrip()
                             + " not counted: multi-country activity, DRC share not published.")
            return None
        if scope.kind == SCOPE_SHARE and scope.share is not None:
            share = (amount * scope.share / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            row["notes"] += (f" DRC share {_number_text(scope.share)}% of the published "
                             f"{_number_text(amount)}.")
            return _number_text(share)
        return _number_text(amount)

    def _net_negatives(self, flows: list[dict], amounts: list[Decimal | None]) -> list[Decimal | None]:
        """Negative transactions (reversals, corrections) are netted into the flows of their measure: first the
        flow they reverse (same type, currency and amount), else the latest flows before them."""
        amounts = list(amounts)
        negatives = [i for i, a in enumerate(amounts) if a is not None and a < 0]
        for i in negatives:
            row, remaining = flows[i], -amounts[i]
            same = [j for j, other in enumerate(flows)
                    if j not in negatives and amounts[j] is not None and amounts[j] > 0
                    and other["transaction_type"] == row["transaction_type"] and other["currency"] == row["currency"]]
            exact = [j for j in same if amounts[j] == remaining]
            order = exact[:1] or sorted(same, key=lambda j: (flows[j]["value_date"] or "", j), reverse=True)
            touched = []
            for j in order:
                if remaining <= 0:
                    break
                taken = min(amounts[j], remaining)
                amounts[j] -= taken
                remaining -= taken
                flows[j]["notes"] += (f" Net of transaction {row['flow_id'].rsplit('#t', 1)[-1]} "
                                      f"({_number_text(-taken)} {row['currency'] or ''}, a negative transaction).")
                touched.append(flows[j]["flow_id"].rsplit("#t", 1)[-1])
            reason = (f"transaction {row['flow_id'].rsplit('#t', 1)[-1]} value {_number_text(amounts[i])} is "
                      f"negative (a reversal or correction): netted into transaction(s) {', '.join(touched)}"
                      if touched else f"transaction {row['flow_id'].rsplit('#t', 1)[-1]} value "
                      f"{_number_text(amounts[i])} is negative and no earlier flow of its type and currency "
                      "can absorb it")
            if remaining > 0:
                reason += f"; {_number_text(remaining)} more than the flows it corrects is not counted"
            self.warn("amount", reason)
        keep = [j for j in range(len(flows)) if j not in negatives]
        flows[:] = [flows[j] for j in keep]
        return [amounts[j] for j in keep]

    @staticmethod
    def _role_of(org: Org | None, participants) -> str | None:
        if org is None:
            return None
        roles = {role for _, role, other in participants if other.same_as(org)}
        return next((role for role in PAYER_ROLE_PREFERENCE if role in roles), None)

    def _empty_flow(self, flow_id: str) -> dict:
        row = {column: None for column in FUNDING.column_names}
        row.update(flow_id=flow_id, project_id=self.project_id)
        row[ROW_COLUMN] = self.row
        return row

    def _transaction_type(self, n: int, transaction: Element) -> str | None:
        element = _child(transaction, "transaction-type")
        code = _attr(element, "code")
        kind = TRANSACTION_LETTERS.get(code.upper()) or (code if code.isdigit() else "")
        if not code and element is not None:
            kind = TRANSACTION_WORDS.get(_text(element.text).casefold(), "")
        if not kind.isdigit() or int(kind) not in TRANSACTION_TYPES:
            shown = code or _text(element.text if element is not None else "")
            self.warn("transaction_type", f"transaction {n} has type '{shown}', not one of 1, 2, 3, 4, 11 "
                                          "(IF, C, D, E): skipped")
            return None
        return str(int(kind))

    def _flow(self, n, transaction, default_currency, funders, participants, payer, reporting):
        kind = self._transaction_type(n, transaction)
        if kind is None:
            return None
        value = _child(transaction, "value")
        row = self._empty_flow(f"{self.project_id}#t{n}")
        row["transaction_type"] = kind
        raw = _text(value.text) if value is not None else ""
        amount = None
        if raw:
            try:
                amount = _decimal(raw)
            except (InvalidOperation, ValueError):
                self.warn("amount", f"transaction {n} value '{raw}' is not a number: amount left empty")
        row["currency"] = (_attr(value, "currency") or default_currency).upper() or None
        if amount is not None and not row["currency"]:
            self.warn("currency", f"transaction {n} has no currency and the activity no default-currency")
        row["value_date"] = _iso_date(_attr(value, "value-date")) or \
            _iso_date(_attr(_child(transaction, "transaction-date"), "iso-date"))
        provider = self.org(_child(transaction, "provider-org"))
        receiver = self.org(_child(transaction, "receiver-org"))
        sole_funder = funders[0][1] if len(funders) == 1 else None
        if kind in INCOMING_TYPES:
            donor = provider or sole_funder  # the only funding participating-org is the provider IATI omitted
            if donor is None:
                self.warn("donor", f"transaction {n} (type {kind}) has no provider-org: donor left empty")
            row["org_role"] = "1" if donor is not None else None
            row["recipient"] = (receiver or reporting).name if (receiver or reporting) else None
        else:
            # Money leaving the activity: its provider when published, else the reporting organisation, unless
            # that only re-publishes others' data: then the sole funder, else nobody.
            donor = provider or payer or sole_funder
            if donor is None:
                self.warn("donor", f"transaction {n} (type {kind}) has no provider-org, no reporting organisation "
                                   "that pays it out (absent, or one that re-publishes others' data) and no single "
                                   "funder: donor left empty")
            role = self._role_of(donor, participants)
            row["org_role"] = "1" if role is None and donor is not None and donor is sole_funder else role
            row["recipient"] = receiver.name if receiver else None
        row["donor"] = donor.name if donor else None
        row["notes"] = (f"IATI transaction {n} of activity {self.row} "
                        f"({TRANSACTION_TYPES[int(kind)]['en'].lower()}) in {self.name}.")
        return row, donor, amount


# --- the file ------------------------------------------------------------------------------------------------

def parse_iati_bytes(data: bytes, name: str) -> Derived:
    """Bytes of an IATI activity file → canonical raw tables; UnreadableFileError when it cannot be read safely."""
    root = parse_xml_safely(data, name)
    containers, problems = _activity_containers(root, name)
    projects, flows, places, refusals = [], [], [], []
    activities = [(container, activity) for container in containers
                  for activity in _children(container, "iati-activity")]
    if not any(_version(activity, _attr(container, "version")) for container, activity in activities):
        problems.append(Problem(name, None, "iati-activities", "no version attribute: each element read in the "
                                "IATI 1.0x or 2.0x form it uses", "warning"))
    org_names = collect_org_names(containers, DEFAULT_LANGUAGE)
    first_seen: dict[str, int] = {}
    scopes: Counter = Counter()
    held: Counter = Counter()
    unmapped: Counter = Counter()
    for ordinal, (container, activity) in enumerate(activities, start=1):
        file_lang = _language(container, _language(root, DEFAULT_LANGUAGE))
        reader = ActivityReader(activity, ordinal, name, file_lang, org_names, _attr(container, "version"))
        result = _read_activity(reader)
        if result.project is not None and result.project["project_id"] in first_seen:
            first = first_seen[result.project["project_id"]]
            result = reader.refuse("project_id", f"duplicate iati-identifier {result.project['project_id']} "
                                                 f"(first at activity {first})", HELD_DUPLICATE)
        problems += result.problems
        if result.refusal is not None:
            refusals.append(result.refusal)
            held[result.held] += 1
            continue
        scopes[result.scope] += 1
        unmapped.update(set(result.unmapped_sectors))
        first_seen[result.project["project_id"]] = ordinal
        projects.append(result.project)
        flows += result.flows
        places += result.places
    if not activities:
        problems.append(Problem(name, None, "iati-activity", "the file holds no iati-activity", "warning"))
    if unmapped:
        listed = ", ".join(f"{code} ({count})" for code, count in sorted(unmapped.items()))
        problems.append(Problem(name, None, "theme", "sectors with no theme in this dashboard (activities): "
                                f"{listed}: theme left empty (data/sectors.py lists the codes it maps)", "warning"))
    tables = {table.name: _frame(table.column_names, rows)
              for table, rows in ((PROJECTS, projects), (FUNDING, flows), (LOCATIONS, places))}
    rejected = pd.DataFrame(refusals, columns=["project_id", "title_fr", "title_en", ROW_COLUMN])
    summary = {"activities": len(activities), "in_scope": sum(scopes.values()), "scope": dict(scopes),
               "held_back": dict(held), "project_ids": list(first_seen)}
    return Derived(source=name, format=FORMAT, rows_in=len(activities), tables=tables, problems=problems,
                   rejected_rows=rejected, summary=summary)


def _read_activity(reader: ActivityReader) -> ActivityResult:
    """Read one activity; the reader's own refusals are expected, anything else is a bug: logged with its
    traceback and reported as an internal error so the file's other activities are still read."""
    try:
        return reader.read()
    except (InvalidOperation, ValueError) as exc:  # the reader's own conversions on odd content
        return reader.refuse("iati-activity", f"the activity could not be read ({_one_line(exc)})")
    except Exception:
        logger.exception("internal error reading activity %s of %s", reader.row, reader.name)
        reader.result.problems = []
        return reader.refuse("iati-activity", "internal error while reading this activity (a bug in the reader, "
                                              "logged with its traceback): please report it", HELD_INTERNAL)


def _frame(columns: list[str], rows: list[dict]) -> pd.DataFrame:
    """Cells stay text or None (never NaN): validate_table reads them as typed by a person."""
    frame = pd.DataFrame(rows, columns=columns + [ROW_COLUMN]).astype({c: object for c in columns})
    frame[columns] = frame[columns].where(frame[columns].notna(), None)
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype(int)
    return frame


# --- per-file reconciliation -------------------------------------------------------------------------------

def compute_iati_summary(details: dict, projects: pd.DataFrame, funding: pd.DataFrame, currency: str) -> dict:
    """What a user reconciles with d-portal for one IATI file: activities read, DRC in scope, kept (in the
    portfolio), held back by reason, multi-country, and the committed and disbursed totals of the kept
    activities in the reporting currency (None when nothing is published). `details` is the reader's summary;
    `projects` and `funding` are the validated portfolio's tables."""
    ids = list(details.get("project_ids", []))
    kept = set(ids) & set(projects["project_id"])
    held = {reason: count for reason, count in details.get("held_back", {}).items() if count}
    if len(ids) > len(kept):
        held[HELD_FAILED_VALIDATION] = len(ids) - len(kept)
    converted = compute_funding(funding[funding["project_id"].isin(kept)], currency)
    committed = compute_committed(converted)
    disbursed = FLOW_MEASURES["disbursed"].select(converted)
    scope = details.get("scope", {})

    def total(frame: pd.DataFrame) -> float | None:
        amounts = frame["amount_reporting"]
        return float(amounts.sum()) if amounts.notna().any() else None

    return {"activities": details.get("activities", 0), "in_scope": details.get("in_scope", 0),
            "kept": len(kept), "held_back": dict(sorted(held.items(), key=lambda item: HELD_REASONS.index(item[0])
                                                        if item[0] in HELD_REASONS else len(HELD_REASONS))),
            "held_back_total": sum(held.values()),
            "drc_only": scope.get(SCOPE_DRC, 0) + scope.get(SCOPE_TRANSACTIONS, 0),
            "drc_share": scope.get(SCOPE_SHARE, 0), "multi_country": scope.get(SCOPE_MULTI, 0),
            "currency": currency, "committed": total(committed), "disbursed": total(disbursed),
            "committed_not_published": int(committed["amount_reporting"].isna().sum())}
