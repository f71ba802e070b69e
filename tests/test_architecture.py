"""Architecture rules: core packages never import streamlit; pages stay thin."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted(p for package in ("data", "geo", "cells") for p in (ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_modules_never_import_streamlit(path):
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 110


def test_no_html_rendering_from_data():
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("components/*.py"), ROOT / "dashboard.py"]:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path


def test_importing_the_core_packages_does_not_load_streamlit():
    """Transitive imports count too: run the imports in a clean interpreter."""
    import subprocess
    import sys

    modules = sorted({".".join(p.relative_to(ROOT).with_suffix("").parts) for p in CORE} - {"data.__main__",
                                                                                          "geo.__main__"})
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def runtime_imports(path: Path) -> set[str]:
    """Full dotted names imported at run time (imports under `if TYPE_CHECKING:` only serve annotations)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and ast.unparse(node.test) ==
               "TYPE_CHECKING" for n in ast.walk(node)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


APP_CODE = sorted([*CORE, *ROOT.glob("components/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "dashboard.py"])


@pytest.mark.parametrize("path", APP_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_xml_is_parsed_only_through_defusedxml(path):
    unsafe = {m for m in runtime_imports(path) if m.startswith(("xml.etree", "xml.dom", "xml.sax", "lxml"))}
    assert not unsafe, unsafe


def test_there_is_no_grab_bag_module():
    assert not [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts and p.stem in ("utils", "helpers", "misc")]


REFUSAL_COLUMNS = {"_column", "_reason"}
EDGE = ROOT / "data" / "portfolio.py"  # compute_refused_rows: the one place they are made from Problems


def refusal_column_writes(path: Path) -> list[int]:
    """Lines naming `_column`/`_reason` as a string or a keyword (assign(_column=...))."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted({node.lineno for node in ast.walk(tree)
                   if (isinstance(node, ast.Constant) and node.value in REFUSAL_COLUMNS)
                   or (isinstance(node, ast.keyword) and node.arg in REFUSAL_COLUMNS)})


PRODUCT_CODE = sorted({*APP_CODE, *ROOT.glob("briefing/**/*.py"), *ROOT.glob("bench/**/*.py"),
                       *ROOT.glob("files/**/*.py")} - {EDGE})


@pytest.mark.parametrize("path", PRODUCT_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_edge_helper_writes_the_refusal_columns(path):
    """Readers give refused rows as read (with `_row`) plus Problems; the column and reason beside each row are
    derived from those Problems by data.portfolio.compute_refused_rows, never written by hand."""
    assert refusal_column_writes(path) == [], f"{path.relative_to(ROOT)}: use data.portfolio.compute_refused_rows"


def test_the_refusal_column_check_sees_a_hand_written_reason(tmp_path):
    sample = tmp_path / "reader.py"
    sample.write_text('rows.assign(_reason="why")\nrows["_column"] = "amount"\n', encoding="utf-8")
    assert refusal_column_writes(sample) == [1, 2] and refusal_column_writes(EDGE)


DATE_KIND = ROOT / "data" / "schema.py"  # the date kind's home: parse_partial_date, date_period, partial_date_bounds
DATE_PARSERS = {"parse_partial_date", "PARTIAL_DATE_RE", "_read_partial_date", "to_datetime", "strptime",
                "fromisoformat", "dateutil"}
# Not the date kind's text: what a source file says, before it is typed, and dates that are not portfolio dates.
OTHER_DATES = {
    "data/intake/values.py": {"parse_partial_date"},  # the lenient reader: a cell's day/month/year → the date kind
    "data/intake/iati.py": {"fromisoformat", "date pattern"},  # an IATI xsd:date or dateTime → the date kind's text
    "data/intake/mapping.py": {"date pattern"},  # a flat sheet's dates, already the kind's text, spread over a project
    "data/currency.py": {"fromisoformat"},  # the ECB rate file's own dates
    "briefing/__main__.py": {"fromisoformat"},  # the --today argument
}


DATE_PATTERN = re.compile(r"\\d\{4\}\)?(\(\?:)?\(?-")  # a regular expression for YYYY-MM…: r"(\d{4})(?:-(\d{2})"


def date_parser_names(path: Path) -> set[str]:
    """Names and attributes of a module that parse date text (a call, a reference, an import or its own regular
    expression, said as "date pattern")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    patterns = {"date pattern" for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and DATE_PATTERN.search(n.value)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
              for a in n.names} | {n.module.split(".")[0] for n in ast.walk(tree)
                                   if isinstance(n, ast.ImportFrom) and n.module}
    return names & DATE_PARSERS | patterns


@pytest.mark.parametrize("path", sorted({*APP_CODE, *ROOT.glob("briefing/**/*.py"), *ROOT.glob("files/**/*.py")}
                                        - {DATE_KIND}), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_date_kind_parses_date_text(path):
    """A date is typed once, by the date kind (data.schema): a column through partial_date_bounds (the prepared
    model keeps the project and value dates typed per dataset), one value through date_period. No other module
    parses a date's text again (bench/naive.py, the per-row reference, is not product code)."""
    allowed = OTHER_DATES.get(path.relative_to(ROOT).as_posix(), set())
    assert date_parser_names(path) <= allowed, f"{path.relative_to(ROOT)}: read the typed bounds of data.schema"


def test_the_date_kind_is_the_one_that_parses():
    assert date_parser_names(DATE_KIND) >= {"parse_partial_date", "PARTIAL_DATE_RE", "to_datetime", "date pattern"}
    assert set(OTHER_DATES) <= {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py")}  # no stale entry


# What a page rerun runs (the page scripts, the components, the filtering/metrics/allocation behind them) walks
# frames column by column: iterrows builds a Series per row (most of a rerun at 10,000 projects). The readers of
# uploaded files (data/intake, data/schema's validation) and the boundary preparation run once per file, not per
# rerun.
PAGE_PATH = sorted(p for p in [*ROOT.glob("components/*.py"), *ROOT.glob("app_pages/*.py"), *ROOT.glob("data/*.py"),
                               *ROOT.glob("geo/*.py")]
                   if p.relative_to(ROOT).as_posix() not in ("data/schema.py", "geo/boundaries.py"))


@pytest.mark.parametrize("path", PAGE_PATH, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_iterrows_on_the_page_path(path):
    calls = [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and node.attr == "iterrows"]
    assert not calls, f"{path.name}: iterrows at lines {calls}"
