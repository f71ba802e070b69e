"""Intake throughput: `python -m bench.intake` times the whole upload path (read → derive → normalise →
validate) on generated files of a realistic size. Target: 10,000 rows of any format checked in ≤ 5 s, so the
Data page answers before a user wonders (the report is then held in the session, never recomputed on reruns).
Prints one JSON object per case."""
from __future__ import annotations

import json
import sys
import time
import tracemalloc

from data.intake import parse_uploads
from data.portfolio import SAMPLE_FILES

ROWS = 10_000
TARGET_S = 5.0
PROVINCES = ("Nord-Kivu", "Ituri", "Tanganyika", "Sud Kivu", "Kinshasa")


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


CASES = {"sample": sample, "funding_csv": funding_csv, "french_flat_sheet": french_flat_sheet, "hxl_3w": hxl_3w}


def bench_case(name: str) -> dict:
    files = CASES[name]() if name == "sample" else CASES[name](ROWS)
    start = time.perf_counter()
    intake = parse_uploads(files)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows Python down several times
    parse_uploads(files)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows = sum(f.rows_in for f in intake.files)
    return {"case": name, "rows_in": rows, "accepted": sum(f.accepted for f in intake.files),
            "rejected": sum(f.rejected for f in intake.files), "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds), "peak_mb": round(peak / 2**20, 1),
            "within_target": name == "sample" or seconds <= TARGET_S}


def main() -> int:
    parse_uploads(sample())  # warm-up: first-use imports (openpyxl, defusedxml, the province matcher)
    results = [bench_case(name) for name in CASES]
    for result in results:
        print(json.dumps(result))
    return 0 if all(r["within_target"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
