"""Score single-report cases end to end: where each incident happened, and its figures.

    python benchmarks/cases_round.py GOLD.json TEXTS_DIR [--split dev|holdout] [--verbose]

Each report is one case built as ``incident-atlas build --articles`` builds it (site
inferred, case completed, the dataset's id adopted when it holds the incident) and its
claims filed as ``incident-atlas claims`` files them. The gold (written before the tool
ran) gives per report ``site`` (lat, lon, tolerance_km), ``figures`` about the incident
and ``other_incident_figures``. The texts are third-party reporting: they are read from
where they lie and never copied into the repository.

Printed: per report the best estimate and its distance from the true site; then the
share of hits (within 15 km, or the site's own tolerance if larger), the median
distance — for the tool and, in the same run, for two rules a geoparser without a
question-answering model falls back on (Mordecai 3's rule fallbacks, roughly): the first
place the report names, and the place it names most often —, and claims found (a gold figure with a claim of the same figure and low
bound filed under the report's incident; "family" counts killed and injured kinds as
one), misread (a claim under the incident matching no gold figure) and misfiled (a
figure of another incident filed under this one).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from geo.articles import read_article
from geo.cases import Case
from geo.claims import claims_in_text, load_incident_refs
from geo.disambiguate import haversine_km
from geo.places import places_in_text
from layers.build import build_case, incident_ref

HIT_KM = 15.0


def _family(figure: str) -> str:
    for family in ("killed", "injured"):
        if family in figure:
            return family
    return figure


def _same_number(low: int | None, high: int | None, gold: int) -> bool:
    """Whether a claim's interval states the gold number: "around 50" (45–55) states 50,
    "more than 157" (158 up) states the gold's 157, "at least 5" does not state 50."""
    if low is None:
        return False
    if high is not None and high != low:
        return low <= gold <= high
    return gold - max(1, gold // 10) <= low <= gold + 1 if high is None else low == gold


def score_report(path: Path, gold: dict, verbose: bool) -> dict:
    """The site distance and claim counts of one report."""
    article = read_article(path)
    places = places_in_text(article.text, article.name)
    built = build_case(Case(id="", title=""), [(article.name, article.text, places)])
    site = built.site
    truth = gold["site"]
    reach = max(HIT_KM, truth.get("tolerance_km", 0))

    def distance_to(lat: float | None, lon: float | None) -> float:
        return haversine_km(lat, lon, truth["lat"], truth["lon"]) if lat is not None else float("inf")

    distance = distance_to(site["lat"], site["lon"]) if site else float("inf")
    hit = distance <= reach
    first = min(places, key=lambda p: min(m.start for m in p.mentions), default=None)
    most = max(places, key=lambda p: (len(p.mentions), -min(m.start for m in p.mentions)), default=None)
    baselines = {name: distance_to(p.entry.lat, p.entry.lon) if p else float("inf")
                 for name, p in (("first", first), ("most", most))}
    main = incident_ref(built.case, load_incident_refs())
    claims = [c for c in claims_in_text(article.text, article.name, main, load_incident_refs())
              if c.incident == main.id and not c.subgroup]
    wanted = gold.get("figures", [])
    others = gold.get("other_incident_figures", [])

    def agrees(claim, figure: dict, same_figure: bool) -> bool:
        kind_ok = claim.figure == figure["figure"] if same_figure else _family(claim.figure) == _family(figure["figure"])
        return kind_ok and _same_number(claim.low, claim.high, figure["low"])

    found = sum(any(agrees(c, f, True) for c in claims) for f in wanted)
    found_family = sum(any(agrees(c, f, False) for c in claims) for f in wanted)
    misfiled = [c for c in claims if not any(agrees(c, f, False) for f in wanted)
                and any(agrees(c, f, False) for f in others)]
    misread = [c for c in claims if not any(agrees(c, f, False) for f in wanted + others)]
    if verbose:
        print(f"  {path.stem}: {built.case.title!r} kind={built.case.kind} date={built.case.date}")
        for claim in misread + misfiled:
            print(f"    not in gold: {claim.figure} {claim.low}-{claim.high} «{claim.quote}»")
        for figure in wanted:
            if not any(agrees(c, figure, False) for c in claims):
                print(f"    missed: {figure['figure']} {figure['low']} «{figure['quote']}»")
    return {"report": path.stem, "site": site["label"] if site else "—", "distance_km": distance, "hit": hit,
            **{f"{name}_km": km for name, km in baselines.items()},
            **{f"{name}_hit": km <= reach for name, km in baselines.items()},
            "kind_ok": built.case.kind == gold.get("kind"),
            "date_ok": str(built.case.date) == gold.get("date"),
            "gold_figures": len(wanted), "found": found, "found_family": found_family,
            "misread": len(misread), "misfiled": len(misfiled)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("texts", type=Path)
    parser.add_argument("--split", default="dev", help="the gold's split to score (dev, holdout, round2 …)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    reports = json.loads(args.gold.read_text(encoding="utf-8"))["reports"]
    rows = []
    for stem, gold in sorted(reports.items()):
        if gold.get("split", "dev") != args.split:
            continue
        path = next(args.texts.rglob(f"{stem}.txt"))
        rows.append(score_report(path, gold, args.verbose))
        row = rows[-1]
        print(f"{row['report']:34} {'hit ' if row['hit'] else 'MISS'} {row['distance_km']:8.1f} km  "
              f"{row['site'][:40]:40} claims {row['found_family']}/{row['gold_figures']} "
              f"misread {row['misread']} misfiled {row['misfiled']}")
    distances = [row["distance_km"] for row in rows]
    print(f"\n{args.split}: {len(rows)} single-report cases")
    print(f"sites within 15 km (or tolerance): {sum(r['hit'] for r in rows)}/{len(rows)} "
          f"= {sum(r['hit'] for r in rows) / len(rows):.2f}; median distance {statistics.median(distances):.1f} km")
    for name, label in (("first", "first place named"), ("most", "place named most often")):
        hits = sum(r[f"{name}_hit"] for r in rows)
        print(f"  peer, {label}: {hits}/{len(rows)} = {hits / len(rows):.2f}; median distance "
              f"{statistics.median(r[f'{name}_km'] for r in rows):.1f} km")
    print(f"kind right: {sum(r['kind_ok'] for r in rows)}/{len(rows)}; date right: "
          f"{sum(r['date_ok'] for r in rows)}/{len(rows)}")
    gold_total = sum(r["gold_figures"] for r in rows)
    print(f"claims: gold figures {gold_total}, found {sum(r['found'] for r in rows)} (same figure) / "
          f"{sum(r['found_family'] for r in rows)} (same family), misread {sum(r['misread'] for r in rows)}, "
          f"other incidents' figures filed here {sum(r['misfiled'] for r in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
