"""Every page renders with data people actually upload (IATI, HXL 3W, flat sheets, a workbook, one table alone),
confirmed as the version in use: no sources, no documents, other donors and provinces than the sample."""
from pathlib import Path

import pytest

from data import storage
from data.intake import parse_uploads
from tests.pages.apptest import run_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))
FIXTURES = ROOT / "tests" / "data" / "fixtures"
CATALOGUE = ROOT / "tests" / "catalogue" / "files"
DATASETS = {
    "iati": [FIXTURES / "iati" / "iom_drc_activities.xml"],
    "hxl": [FIXTURES / "hxl" / "3w_nord_kivu.csv"],
    "flat": [FIXTURES / "flat" / "partner_flat.csv"],
    "workbook": [CATALOGUE / "multi_sheet.xlsx"],
    "projects-only": [CATALOGUE / "french_semicolon_cp1252.csv"],
}


@pytest.fixture(params=sorted(DATASETS))
def uploaded(request, tmp_path, monkeypatch):
    """A confirmed version holding one dataset, in a data directory of its own."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    files = [(p.name, p.read_bytes()) for p in DATASETS[request.param]]
    intake = parse_uploads(files)
    assert len(intake.portfolio.projects) > 0
    storage.activate(storage.save_version(files, {"projects": len(intake.portfolio.projects)}).id)
    return len(intake.portfolio.projects)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_the_uploaded_version(page, uploaded):
    app = run_page(page)
    if page == "app_pages/overview.py":
        assert {m.label: m.value for m in app.metric}["Projects"] == str(uploaded)


@pytest.mark.parametrize("uploaded", ["iati"], indirect=True)
def test_the_project_page_names_roles_and_says_when_no_source_is_recorded(uploaded):
    app = run_page("app_pages/project.py")
    parties = next(d.value for d in app.dataframe if "Role" in d.value.columns)
    assert set(parties["Role"]) <= {"Funding", "Lead implementer", "Implementing", "Partner", "Accountable",
                                    "Extending (intermediary)"}
    assert ("Sweden", "Funding") in set(zip(parties["Organisation"], parties["Role"]))
    assert "No source document is recorded for this project in the data in use." in [c.value for c in app.caption]


@pytest.mark.parametrize("value_date, shown", [("2021-12-14", "1.1309 on 14 Dec 2021 (rate of the value date)"),
                                               ("2021-12-12", "1.1273 on 10 Dec 2021 (previous business day)")])
def test_a_flow_with_a_value_date_is_converted_at_that_dates_ecb_rate(tmp_path, monkeypatch, value_date, shown):
    """The sample's CISPE commitment publishes no value date (latest rate, said so); an upload that gives one
    is converted at the ECB rate of that date, or of the business day before, and the page says which.
    Rates as shipped in eurofxref-hist.zip; 12 Dec 2021 is a Sunday."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    files = [("projects.csv", b"project_id,title_en,activity_status\nP-EUR,Test project,2\n"),
             ("funding.csv", b"flow_id,project_id,donor,org_role,transaction_type,amount,currency,value_date\n"
                             + f"F1,P-EUR,Netherlands,1,11,12500000,EUR,{value_date}\n".encode())]
    storage.activate(storage.save_version(files, {"projects": 1}).id)
    app = run_page("app_pages/overview.py", overview_table="flows")  # the flows table, as its switch shows it
    flows = next(d.value for d in app.dataframe if "Rate used" in d.value.columns)
    assert flows.iloc[0]["Rate used"] == shown
    rate = float(shown.split()[0])
    assert flows.iloc[0]["Amount (USD)"] == pytest.approx(12_500_000 * rate)  # a typed number column


@pytest.mark.parametrize(("page", "query"), [("app_pages/overview.py", {}),
                                             ("app_pages/donor.py", {"profile": "Sweden"})])
def test_committed_disbursed_and_left_to_disburse_where_both_are_published(tmp_path, monkeypatch, page, query):
    """P1 publishes 1,000,000 committed and 400,000 received: 600,000 left. P2 publishes only its commitment: it
    stays in 'committed' and out of 'disbursed' and 'left' (nothing paid is never assumed)."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    files = [("projects.csv", b"project_id,title_en,activity_status\nP1,First,2\nP2,Second,2\n"),
             ("funding.csv", b"flow_id,project_id,donor,org_role,transaction_type,amount,currency,value_date\n"
                             b"C1,P1,Sweden,1,11,1000000,USD,2021-01-05\nR1,P1,Sweden,1,1,400000,USD,2021-06-01\n"
                             b"C2,P2,Sweden,1,11,500000,USD,2022-01-05\n")]
    storage.activate(storage.save_version(files, {"projects": 2}).id)
    app = run_page(page, query)
    tiles = {m.label: m.value for m in app.metric}
    assert (tiles["Committed funding"], tiles["Disbursed"], tiles["Left to disburse"]) == ("US$1.5M", "US$400K",
                                                                                             "US$600K")
    help_text = next(m.help for m in app.metric if m.label == "Left to disburse")
    assert "1 project of 2" in help_text
