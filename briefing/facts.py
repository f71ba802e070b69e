"""The numbers a briefing states, computed once by the same functions the dashboard's charts and tiles use."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data.metrics import compute_by_donor, compute_committed, compute_kpis
from data.portfolio import Portfolio
from data.status import compute_ending_soon, compute_households, compute_not_published
from geo.allocation import Allocation, allocate, by_unit, project_locations

ENDING_DAYS = 90


@dataclass(frozen=True)
class BriefingFacts:
    """Everything a briefing says about one filtered portfolio; frames are the charts' own inputs."""

    currency: str
    today: dt.date
    days: int
    kpis: dict  # data.metrics.compute_kpis: the Overview's tiles
    by_donor: pd.DataFrame  # data.metrics.compute_by_donor (committed): the donor chart
    provinces: pd.DataFrame  # geo.allocation.by_unit: the funding map, largest first
    allocation: Allocation
    ending: pd.DataFrame  # data.status.compute_ending_soon
    households: pd.DataFrame  # data.status.compute_households: the households chart
    households_left_out: dict[str, str]
    not_published: pd.DataFrame  # data.status.compute_not_published: fact, projects missing it

    @property
    def donor_shares(self) -> pd.Series:
        """Each donor's share (0–1) of the committed total the headline states (NaN without a total)."""
        total = self.kpis["funding_committed"]
        return self.by_donor["amount"] / total if total else pd.Series(float("nan"), index=self.by_donor.index)

    @property
    def commitments_not_published(self) -> int:
        return int(self.kpis["funding_flows_not_published"])

    @property
    def projects_without_amount(self) -> int:
        """Projects in scope with no published committed amount at all (the map counts them the same way)."""
        return int(self.allocation.not_published["funding"])


def compute_briefing_facts(portfolio: Portfolio, all_locations: pd.DataFrame, converted: pd.DataFrame,
                           currency: str, today: dt.date, days: int = ENDING_DAYS) -> BriefingFacts:
    """Facts of a filtered portfolio: `converted` are its flows in `currency` (data.metrics.compute_funding,
    then data.filters.filter_flows), `all_locations` every location row (as the funding map uses them)."""
    projects = portfolio.projects
    allocation = allocate(projects, project_locations(all_locations, projects), compute_committed(converted))
    provinces = by_unit(allocation)
    if not provinces.empty:
        provinces = provinces.sort_values("funding", ascending=False, na_position="last").reset_index(drop=True)
    households, left_out = compute_households(projects)
    return BriefingFacts(
        currency=currency, today=today, days=days, kpis=compute_kpis(portfolio, currency),
        by_donor=compute_by_donor(converted, "committed"), provinces=provinces, allocation=allocation,
        ending=compute_ending_soon(projects, today, days), households=households, households_left_out=left_out,
        not_published=compute_not_published(portfolio))
