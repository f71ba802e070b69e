"""Hostile strings for the escaping tests: a portfolio whose titles, ids, organisations and notes are Markdown or
HTML pointing at another host, and URL values of the same kind (the issue's probe). Built from the sample files."""
from __future__ import annotations

import csv
import io

from data.portfolio import SAMPLE_DIR

EVIL = "evil.example"
STRINGS = {
    "image": f"![p](http://{EVIL}/p.png)",
    "link": f"**Session expired** [log in again](http://{EVIL}/login)",
    "anchor": f"<a href='http://{EVIL}/x'>click</a>",
    "img_tag": f"<img src='http://{EVIL}/i.png'>",
    "auto": f"www.{EVIL} http://{EVIL}/a :red[alert] $x^2$ <http://{EVIL}/b>",
}
PROJECT_ID = "NL-" + STRINGS["image"]  # a project id written as Markdown (the issue: ids become images)
# URL values per page; every page also gets ?lang= and a hostile ?donor= (the shared filters or a dropped value).
URL = {
    "donor": STRINGS["link"],
    "province": STRINGS["anchor"],
    "project": STRINGS["image"],  # not a project: the "dropped value" notice
    "profile": STRINGS["anchor"],
    "from": STRINGS["img_tag"],
}


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((SAMPLE_DIR / name).read_text(encoding="utf-8"))))


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def hostile_files() -> list[tuple[str, bytes]]:
    """The sample portfolio with one project (NL-CISPE) and its flows rewritten with hostile strings."""
    projects, funding, locations = _rows("projects.csv"), _rows("funding.csv"), _rows("locations.csv")
    old = "NL-CISPE"
    for row in projects:
        if row["project_id"] == old:
            row.update(project_id=PROJECT_ID, title_en=STRINGS["link"], title_fr=STRINGS["image"],
                       implementing_orgs=STRINGS["anchor"] + "; IOM", partners=STRINGS["img_tag"],
                       notes=STRINGS["auto"])
    for row in funding:
        if row["project_id"] == old:
            row.update(project_id=PROJECT_ID, donor=STRINGS["anchor"], recipient=STRINGS["img_tag"])
    for row in locations:
        if row["project_id"] == old:
            row["project_id"] = PROJECT_ID
    # A file name is shown on the Data page: Markdown in it too (no '/' or ':', which a stored name cannot keep).
    return [("projects.csv", _csv(projects)), ("funding.csv", _csv(funding)),
            (f"**Session expired** [log in](www.{EVIL}) locations.csv", _csv(locations))]
