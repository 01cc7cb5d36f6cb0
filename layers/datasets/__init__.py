"""Incident datasets as analysts hold them: ACLED, GTD and UCDP GED CSV exports.

``read_dataset(path)`` tells the format from the header and reads the file into the
project's incident columns (``layers.incidents.COLUMNS``) plus ``EXTRA_COLUMNS``; rows
that cannot be placed or dated are left out, one line each in ``problems``.
``write_dataset`` writes the result as a GeoPackage (atomically) and ``read_imported``
reads it back. One private module per format (``_acled``, ``_gtd``, ``_ucdp``); the
precision codes' radii and their codebook sources are in ``_precision``.
"""
from __future__ import annotations

from ._gpkg import LAYER, read_imported, write_dataset
from ._read import EXTRA_COLUMNS, FORMATS, IMPORTED_COLUMNS, DatasetImport, detect_format, read_dataset
from ._table import DatasetError

#: How many skipped rows a summary of an import lists before "… and N more".
SHOWN_PROBLEMS = 20

__all__ = ["EXTRA_COLUMNS", "FORMATS", "IMPORTED_COLUMNS", "LAYER", "SHOWN_PROBLEMS", "DatasetError", "DatasetImport", "detect_format",
           "read_dataset", "read_imported", "write_dataset"]
