"""Intake throughput: `python -m bench.intake` times the whole upload path (read → derive → normalise →
validate) on generated files of a realistic size. Target: 10,000 rows of any format checked in ≤ 5 s, so the
Data page answers before a user wonders (the report is then held in the session, never recomputed on reruns).
Prints one JSON object per case.

`python -m bench.intake portfolio` times 100,000 projects given as projects, funding and locations CSVs
(≈ 560,000 rows); `python -m bench.intake memory` measures, in a fresh process, the resident memory a 47 MB
upload adds at its peak and what stays once the intake is dropped, after a first intake of the sample has loaded
the caches every upload shares (target: a few times the file size, and released)."""
from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc

from data.intake import parse_uploads
from data.portfolio import SAMPLE_FILES

ROWS = 10_000
PROJECTS = 100_000
MEMORY_MB = 47
TARGET_S = 5.0
PROVINCES = ("Nord-Kivu", "Ituri", "Tanganyika", "Sud Kivu", "Kinshasa")
PCODES = ("CD61", "CD54", "CD74", "CD62", "CD10")


def funding_csv(rows: int) -> list[tuple[str, bytes]]:
    flows = ["flow_id,project_id,donor,org_role,recipient,transaction_type,amount,currency,value_date"]
    flows += [f"F-{i},P-{i % 100},Sweden,1,IOM,11,{1000 + i},SEK,2021-12-14" for i in range(rows)]
    projects = ["project_id,title_en,activity_status"] + [f"P-{i},Project {i},2" for i in range(100)]
    return [("funding.csv", "\n".join(flows).encode()), ("projects.csv", "\n".join(projects).encode())]


def french_flat_sheet(rows: int) -> list[tuple[str, bytes]]:
    """A partner's flat sheet: French headers, semicolons, lenient amounts and dates, province names."""
    lines = ["Code projet;Titre;Bailleur;Montant;Devise;Province;Statut;Date de début;Date de fin"]
    lines += [f"P-{i // 5};Projet {i // 5};Suède;{(i // 5) * 10} 000;SEK;{PROVINCES[i % 5]};en cours;"
              f"14/12/2021;31 décembre 2024" for i in range(rows)]
    return [("flat.csv", "\n".join(lines).encode("cp1252"))]


def hxl_3w(rows: int) -> list[tuple[str, bytes]]:
    lines = ["Organisation,Bailleur,Province,Secteur,Ménages ciblés,Début,Fin,Code",
             "#org+impl,#org+funder,#adm1+name,#sector,#targeted+hh,#date+start,#date+end,#activity+code"]
    lines += [f"IOM,Sweden,{PROVINCES[i % 5]},CCCM,{100 + i % 7},2021-01-01,2022-12-31,A-{i // 5}"
              for i in range(rows)]
    return [("3w.csv", "\n".join(lines).encode())]


def sample() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in SAMPLE_FILES]


def portfolio_csvs(projects: int) -> list[tuple[str, bytes]]:
    """Canonical projects, funding (2 flows each) and locations (2 or 3 provinces each, 2.6 on average)."""
    rows = ["project_id,title_fr,title_en,implementing_orgs,theme,activity_status,planned_start,planned_end,"
            "coverage,households_targeted"]
    rows += [f"P-{i},Projet {i},Project {i},IOM; Cordaid,stabilisation,2,2021-12-14,2024-06,provincial,{100 + i % 900}"
             for i in range(projects)]
    flows = ["flow_id,project_id,donor,org_role,recipient,transaction_type,amount,currency,value_date"]
    flows += [f"F-{i}-{k},P-{i},Sweden,1,IOM,{11 if k else 3},{1000 + i},SEK,2021-12-14"
              for i in range(projects) for k in range(2)]
    places = ["project_id,province_pcode,province_name,budget_share,split_known"]
    places += [f"P-{i},{PCODES[(i + k) % 5]},{PROVINCES[(i + k) % 5]},,false"
               for i in range(projects) for k in range(3 if i % 5 < 3 else 2)]
    return [("projects.csv", "\n".join(rows).encode()), ("funding.csv", "\n".join(flows).encode()),
            ("locations.csv", "\n".join(places).encode())]


def upload_of_size(megabytes: float) -> list[tuple[str, bytes]]:
    """One funding CSV of about this size (flows with a sentence of notes each, as partners write them)."""
    note = "Versement de la deuxième tranche selon l'accord signé; montant confirmé par le bailleur. " * 3
    header = "flow_id,project_id,donor,org_role,recipient,transaction_type,amount,currency,value_date,notes"
    line_bytes = len(f"F-100000,P-100,Sweden,1,IOM,11,101000,SEK,2021-12-14,\"{note}\"\n".encode())
    count = int(megabytes * 2**20 / line_bytes)
    flows = [header] + [f"F-{i},P-{i % 100},Sweden,1,IOM,11,{1000 + i},SEK,2021-12-14,\"{note}\""
                        for i in range(count)]
    projects = ["project_id,title_en,activity_status"] + [f"P-{i},Project {i},2" for i in range(100)]
    return [("funding.csv", "\n".join(flows).encode()), ("projects.csv", "\n".join(projects).encode())]


CASES = {"sample": sample, "funding_csv": funding_csv, "french_flat_sheet": french_flat_sheet, "hxl_3w": hxl_3w}


def _counts(intake) -> dict:
    rows = sum(f.rows_in for f in intake.files)
    return {"rows_in": rows, "accepted": sum(f.accepted for f in intake.files),
            "rejected": sum(f.rejected for f in intake.files)}


def bench_case(name: str) -> dict:
    files = CASES[name]() if name == "sample" else CASES[name](ROWS)
    start = time.perf_counter()
    intake = parse_uploads(files)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows Python down several times
    parse_uploads(files)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    counts = _counts(intake)
    return {"case": name, **counts, "seconds": round(seconds, 3), "rows_per_s": round(counts["rows_in"] / seconds),
            "peak_mb": round(peak / 2**20, 1), "within_target": name == "sample" or seconds <= TARGET_S}


def bench_portfolio(projects: int = PROJECTS) -> dict:
    files = portfolio_csvs(projects)
    start = time.perf_counter()
    intake = parse_uploads(files)
    seconds = time.perf_counter() - start
    counts = _counts(intake)
    return {"case": f"portfolio_{projects}_projects", "bytes": sum(len(d) for _, d in files), **counts,
            "in_portfolio": {t: len(intake.portfolio.table(t)) for t in ("projects", "funding", "locations")},
            "seconds": round(seconds, 1), "rows_per_s": round(counts["rows_in"] / seconds)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def bench_memory_child(megabytes: float) -> dict:
    """Run in a fresh process: resident memory before, at the peak, and after the intake is dropped."""
    parse_uploads(sample())  # first-use caches (currency rates, the province matcher) are not the upload's
    files = upload_of_size(megabytes)
    gc.collect()
    before = _rss_mb()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the sample's own peak is lower
    start = time.perf_counter()
    intake = parse_uploads(files)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = _counts(intake)
    del intake
    gc.collect()
    after = _rss_mb()
    return {"case": f"memory_{megabytes:g}mb_upload", "bytes": sum(len(d) for _, d in files), **counts,
            "seconds": round(seconds, 1), "rss_before_mb": round(before), "peak_rss_mb": round(max(peak, peak_before)),
            "peak_added_mb": round(max(peak, peak_before) - before), "retained_after_mb": round(after - before)}


def main(argv: list[str]) -> int:
    if argv[:1] == ["portfolio"]:
        print(json.dumps(bench_portfolio(int(argv[1]) if len(argv) > 1 else PROJECTS)))
        return 0
    if argv[:1] == ["memory-child"]:
        print(json.dumps(bench_memory_child(float(argv[1]))))
        return 0
    if argv[:1] == ["memory"]:
        size = argv[1] if len(argv) > 1 else str(MEMORY_MB)
        return subprocess.call([sys.executable, "-m", "bench.intake", "memory-child", size])
    parse_uploads(sample())  # warm-up: first-use imports (openpyxl, defusedxml, the province matcher)
    results = [bench_case(name) for name in CASES]
    for result in results:
        print(json.dumps(result))
    return 0 if all(r["within_target"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
