"""Briefing pack build time: `python -m bench.briefing` builds the PPTX and the PDF for the embedded sample
and for a 1,000-project synthetic portfolio (data.synth), charts included, and prints one JSON object per case
(target: ≤ 20 s for the sample). Each time covers loading, facts, narrative, figures, rendering and writing."""
from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from briefing.pack import build_pack, load_dataset, make_deck
from components.images import renderer_problem
from data.filters import FilterState
from data.synth import write_synthetic_portfolio

TODAY = dt.date(2026, 12, 1)
TARGET_S = 20.0
CASES = (("sample", 0), ("synthetic-1000", 1000))


def bench_case(name: str, paths: list[Path] | None, fmt: str, lang: str = "fr") -> dict:
    start = time.perf_counter()
    full, version = load_dataset(paths)
    loaded = time.perf_counter()
    deck = make_deck(full, FilterState(lang=lang), TODAY, version)
    built = time.perf_counter()
    pack = build_pack(deck, fmt)
    done = time.perf_counter()
    return {"case": name, "format": fmt, "projects": len(full.projects), "slides": len(deck.slides),
            "bytes": len(pack), "load_s": round(loaded - start, 2), "deck_s": round(built - loaded, 2),
            "render_and_write_s": round(done - built, 2), "total_s": round(done - start, 2),
            "charts": renderer_problem() or "drawn", "target_s": TARGET_S if name == "sample" else None}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for name, projects in CASES:
            paths = write_synthetic_portfolio(Path(folder) / name, projects, seed=1) if projects else None
            for fmt in ("pptx", "pdf"):
                print(json.dumps(bench_case(name, paths, fmt), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
