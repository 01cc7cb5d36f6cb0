"""Imported incidents as a GeoPackage, written atomically and read back with the same dtypes."""
from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio

# The export module's atomic replace (temporary name beside the target, fsync, rename)
# and its advice for each OS error: one behaviour for every file the project writes.
from layers.export import ExportError, failure_reason, replace_with_copy

from ._read import IMPORTED_COLUMNS, DatasetImport, typed
from ._table import DatasetError

LAYER = "incidents"


def write_dataset(imported: DatasetImport, out_path: Path) -> Path:
    """Write the imported incidents to ``out_path`` (layer "incidents").

    GDAL writes into a private staging folder; the file then replaces ``out_path`` in one
    step (as ``layers.export`` writes every file), so a failed or killed import leaves the old
    file whole. Raises :class:`layers.export.ExportError` when ``out_path`` cannot be written.
    """
    out_path = Path(out_path)
    try:
        staging = tempfile.TemporaryDirectory(prefix="incident-atlas-")
    except OSError as error:
        raise ExportError(Path(tempfile.gettempdir()), failure_reason(error)) from None
    with staging:
        staged = Path(staging.name) / "incidents.gpkg"  # GDAL takes UTF-8 paths only: out_path may be any
        try:
            pyogrio.write_dataframe(imported.frame, staged, layer=LAYER, driver="GPKG", use_arrow=True)
        except OSError as error:
            raise ExportError(Path(staging.name), failure_reason(error)) from None
        except RuntimeError as error:  # GDAL's own errors (a full disk, say): pyogrio's classes
            raise ExportError(Path(staging.name), f"cannot be written ({str(error).splitlines()[0]})") from None
        try:
            return replace_with_copy(staged, out_path)
        except OSError as error:
            raise ExportError(out_path, failure_reason(error)) from None


def read_imported(path: Path) -> gpd.GeoDataFrame:
    """The incidents ``write_dataset`` wrote to ``path``, with the dtypes ``read_dataset`` gives."""
    path = Path(path)
    try:
        frame = pyogrio.read_dataframe(path, layer=LAYER, use_arrow=True)
    except (OSError, RuntimeError) as error:  # pyogrio's errors are RuntimeErrors
        raise DatasetError(f"{path.name}: not a GeoPackage of imported incidents "
                           f"({str(error).splitlines()[0] if str(error) else type(error).__name__}); "
                           "write one with `incident-atlas incidents import`") from None
    missing = [column for column in IMPORTED_COLUMNS if column not in frame.columns]
    if missing:
        raise DatasetError(f"{path.name}: not a GeoPackage of imported incidents (no {missing[0]!r} column); "
                           "write one with `incident-atlas incidents import`")
    typed_frame = typed(frame[list(IMPORTED_COLUMNS)])
    return gpd.GeoDataFrame(typed_frame, geometry=frame.geometry.to_crs(4326) if frame.crs else frame.geometry,
                            crs=4326)
