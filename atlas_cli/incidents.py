"""``incident-atlas incidents import FILE --out FILE.gpkg``: an ACLED, GTD or UCDP GED export as incidents.

Prints one summary line on stdout (format, rows imported, rows skipped) and each skipped
row as one line on stderr (the first ``layers.datasets.SHOWN_PROBLEMS``, then how many more). Exit
status 0 when every row was imported, 2 when rows were skipped or the file or ``--out``
cannot be used — never a traceback. The GeoPackage replaces ``--out`` in one step, so a
failed import leaves an existing file as it was; a file with no importable row writes
nothing. Only this command imports the dataset readers (pandas, GeoPandas).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from atlas_cli.output import EXIT_BAD_INPUT, say

FORMAT_CHOICES = ("auto", "acled", "gtd", "ucdp")


def _error(message: str) -> None:
    say(sys.stderr, f"incident-atlas: error: {message}")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``incidents`` (with its ``import`` action) on the ``incident-atlas`` subparsers."""
    incidents = subparsers.add_parser("incidents", help="import incident datasets (ACLED, GTD, UCDP GED exports)")
    actions = incidents.add_subparsers(dest="incidents_command", required=True)
    command = actions.add_parser("import", help="read an ACLED, GTD or UCDP GED CSV export and write its "
                                                "incidents as a GeoPackage (layer 'incidents')")
    command.add_argument("file", type=Path, metavar="FILE", help="the dataset's CSV export")
    command.add_argument("--format", choices=FORMAT_CHOICES, default="auto",
                         help="the export's dataset (default: told by its header)")
    command.add_argument("--out", type=Path, required=True, metavar="FILE.gpkg",
                         help="the GeoPackage to write (replaced in one step)")
    command.set_defaults(run=run)
    return incidents


def _report(problems: Sequence[str]) -> None:
    from layers.datasets import SHOWN_PROBLEMS

    for line in problems[:SHOWN_PROBLEMS]:
        _error(line)
    if len(problems) > SHOWN_PROBLEMS:
        _error(f"… and {len(problems) - SHOWN_PROBLEMS} more rows skipped")


def run(args: argparse.Namespace) -> int:
    """``incidents import``: 0 when every row was imported, 2 otherwise."""
    from layers.datasets import DatasetError, read_dataset, write_dataset
    from layers.export import ExportError

    try:
        imported = read_dataset(args.file, args.format)
    except DatasetError as error:
        _error(str(error))
        return EXIT_BAD_INPUT
    _report(imported.problems)
    count, skipped = len(imported.frame), len(imported.problems)
    if not count:
        _error(f"{args.file.name}: no row could be imported; {args.out} was not written")
        return EXIT_BAD_INPUT
    try:
        written = write_dataset(imported, args.out)
    except ExportError as error:
        _error(f"cannot write {error.path}: {error.reason}")
        return EXIT_BAD_INPUT
    rows = "1 row" if count == 1 else f"{count} rows"
    say(sys.stdout, f"{imported.label}: {rows} imported, {skipped} skipped; wrote {written}")
    return EXIT_BAD_INPUT if skipped else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m atlas_cli.incidents import FILE --out FILE.gpkg``: this command alone."""
    top = argparse.ArgumentParser(prog="incident-atlas")
    add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["incidents", *(sys.argv[1:] if argv is None else argv)])
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
