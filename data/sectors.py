"""Sector codes → dashboard themes: OECD DAC purpose codes and the publisher vocabularies used in the DRC.

A code is listed only when its published definition clearly falls in one theme; anything else leaves the theme
empty (shown "not published") and is named in one warning per file. The table is data, not logic: add a row
here, with the definition it relies on, to map a new code.

IATI SectorVocabulary: 1 = DAC 5-digit (also the default when absent), 2 = DAC 3-digit, 98/99 = defined by the
reporting organisation. IATI 1.0x wrote the same as DAC, DAC-3, RO2 and RO.
"""
from __future__ import annotations

VOCABULARY_ALIASES = {"": "1", "DAC": "1", "DAC-3": "2", "RO": "99", "RO2": "98"}
VOCABULARY_NAMES = {"1": "OECD DAC", "2": "OECD DAC 3-digit", "98": "publisher's own", "99": "publisher's own"}

# OECD DAC 5-digit purpose codes. 72010 (material relief) and 72050 (relief co-ordination) stay unmapped:
# emergency relief is none of the dashboard's lines of work. 73010 (immediate post-emergency reconstruction and
# rehabilitation) is the recovery side of displacement: durable solutions. Legal/judicial development and
# security system reform sit with police and state authority.
DAC5: dict[str, str] = {
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

# OECD DAC 3-digit categories: only the one that is wholly a dashboard theme.
DAC3: dict[str, str] = {
    "152": "stabilisation",  # conflict, peace and security
}

# A publisher's own vocabulary means something only inside that publisher's list, so it is keyed on the
# reporting organisation's IATI identifier. IOM (XM-DAC-47066) publishes its project types as vocabulary 99;
# the names are IOM's, as its files give them.
PUBLISHER: dict[tuple[str, str], dict[str, str]] = {
    ("XM-DAC-47066", "99"): {
        "CS": "stabilisation",  # Community Stabilization
        "FC": "stabilisation",  # Former Combatants (disarmament, demobilisation and reintegration)
        "DS": "durable-solutions",  # Durable Solutions
        "DP": "cccm",  # Internally Displaced Persons: IOM's displacement-site and camp management work
        "DX": "cccm",  # Displacement Tracking (the DTM that camp coordination runs on)
        "DR": "climate-resilience",  # Disaster Risk Reduction
        "EP": "climate-resilience",  # Emergency Preparedness (DAC 74020's counterpart)
        "IB": "migration-governance",  # Immigration and Borders
        "CT": "counter-trafficking",  # Counter Trafficking
    },
}


def normalise_vocabulary(vocabulary: str) -> str:
    """'DAC' → '1', 'RO' → '99', '' → '1' (IATI's default); other codes unchanged."""
    text = (vocabulary or "").strip()
    return VOCABULARY_ALIASES.get(text.upper(), text)


def theme_of_sector(vocabulary: str, code: str, publisher: str = "") -> str | None:
    """The dashboard theme of one sector code, or None when the table has no clear theme for it."""
    vocabulary = normalise_vocabulary(vocabulary)
    code = (code or "").strip()
    if vocabulary == "1":
        return DAC5.get(code)
    if vocabulary == "2":
        return DAC3.get(code)
    return PUBLISHER.get(((publisher or "").strip().upper(), vocabulary), {}).get(code.upper())
