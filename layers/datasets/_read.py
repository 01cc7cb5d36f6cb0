"""Read a dataset export into the project's incident columns: detect the format, convert, report bad rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Iterable

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from layers._frames import WGS84
from layers.incidents import COLUMNS

from . import _acled, _gtd, _ucdp
from ._checks import Problems
from ._table import DatasetError, Table, read_table

BACKENDS: dict[str, ModuleType] = {backend.NAME: backend for backend in (_acled, _gtd, _ucdp)}
FORMATS: tuple[str, ...] = tuple(BACKENDS)
#: Columns an imported frame has beyond ``layers.incidents.COLUMNS``.
EXTRA_COLUMNS = ("event_type", "actor", "admin2", "killed_best", "dataset", "source_id", "precision_code",
                 "attributes")
IMPORTED_COLUMNS = (*COLUMNS, *EXTRA_COLUMNS)
RANGE_COLUMNS = ("killed_low", "killed_high", "injured_low", "injured_high", "killed_best")
FLOAT_COLUMNS = ("lat", "lon", "precision_km")
_ATTRIBUTE_ROWS = 10_000
TEXT_COLUMNS = tuple(c for c in IMPORTED_COLUMNS if c not in RANGE_COLUMNS + FLOAT_COLUMNS)


@dataclass(frozen=True, eq=False)
class DatasetImport:
    """An imported dataset: its incidents, and one line for each row left out."""

    frame: gpd.GeoDataFrame  # IMPORTED_COLUMNS + geometry, ordered by date_start and id
    problems: list[str] = field(default_factory=list)  # "FILE line N: …", in file order
    format: str = ""  # "acled", "gtd" or "ucdp"

    @property
    def label(self) -> str:
        """The dataset's name as people write it (ACLED, GTD, UCDP GED)."""
        return BACKENDS[self.format].LABEL


def _listed(columns: Iterable[str], limit: int = 6) -> str:
    columns = list(columns)
    shown = ", ".join(columns[:limit])
    return shown + (f" … ({len(columns)} columns)" if len(columns) > limit else "")


def detect_format(columns: Iterable[str], name: str = "the file") -> str:
    """The format whose own columns the header has ("acled", "gtd" or "ucdp"), or :class:`DatasetError`."""
    present = {str(column).strip().lower() for column in columns}
    found = [backend.NAME for backend in BACKENDS.values() if set(backend.SIGNATURE) <= present]
    if len(found) == 1:
        return found[0]
    signatures = "; ".join(f"{backend.LABEL}: {' and '.join(backend.SIGNATURE)}" for backend in BACKENDS.values())
    if found:
        raise DatasetError(f"{name}: has the columns of several formats ({', '.join(found)}); "
                           f"name its format ({'|'.join(found)}: --format on the command line, the format choice in the dashboard)")
    raise DatasetError(f"{name}: not an ACLED, GTD or UCDP GED export (its columns: {_listed(columns)}); "
                       f"these formats are told by their id columns ({signatures}): export the file again "
                       f"with the dataset's own column names, or name its format (--format, or the format choice in the dashboard)")


def _check_columns(table: Table, backend: ModuleType) -> None:
    missing = [column for column in backend.REQUIRED if column not in table.frame.columns]
    if missing:
        raise DatasetError(f"{table.name}: {backend.LABEL} exports need the column {missing[0]!r} "
                           f"(missing: {', '.join(missing)}); export it again with all of the dataset's columns")


def _attributes(frame: pd.DataFrame, rows: pd.Index, backend: ModuleType) -> pd.Series:
    """For each of ``rows`` (in that order), every column of the source row not mapped to an
    incident column, as one JSON object (text)."""
    rest = [column for column in frame.columns if column not in backend.MAPPED]
    if rows.empty or not rest:
        return pd.Series("{}", index=rows, dtype="str")
    # A slice at a time: the JSON of 100,000 wide rows at once would hold every cell as
    # a Python object and the whole text twice.
    chunks = []
    for start in range(0, len(rows), _ATTRIBUTE_ROWS):
        part = frame.loc[rows[start:start + _ATTRIBUTE_ROWS], rest]
        chunks.append(pa.array(part.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n").split("\n"),
                               type=pa.large_string()))
    return pd.Series(pa.chunked_array(chunks).to_pandas().array, index=rows)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the imported columns' dtypes: the incidents layer's for the columns it
    shares (text as str, ranges as Int64, positions as float), missing text as ""."""
    frame = frame.copy(deep=False)  # columns are replaced, never changed in place
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype("str")
    for column in RANGE_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").round().astype("Int64")
    for column in FLOAT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame


def read_dataset(path: Path, format: str = "auto") -> DatasetImport:
    """Read an ACLED, GTD or UCDP GED CSV export as incidents.

    ``format`` is "auto" (told by the header) or one of :data:`FORMATS`. Rows that cannot
    be placed or dated are left out, each with one line in ``problems``; a file that is
    not such an export raises :class:`DatasetError`.
    """
    path = Path(path)
    if format != "auto" and format not in BACKENDS:
        raise DatasetError(f"unknown format {format!r}; known: auto, {', '.join(FORMATS)}")
    table = read_table(path)
    name = table.name
    backend = BACKENDS[detect_format(table.frame.columns, table.name) if format == "auto" else format]
    _check_columns(table, backend)
    problems = Problems(table.frame.index)
    converted = backend.convert(table.frame, problems)
    bad = problems.bad.to_numpy()
    messages = sorted(table.problems + list(zip(table.lines[bad].tolist(), problems.text[bad].tolist())))
    # Ordered as incidents_layer() orders (date_start, then id) before anything is copied.
    rows = converted.loc[~bad, ["date_start", "source_id"]].sort_values(["date_start", "source_id"],
                                                                        kind="stable").index
    attributes = _attributes(table.frame, rows, backend)
    del table  # the source cells are no longer needed: 100,000 rows hold hundreds of MB
    kept = converted.loc[rows]
    del converted
    kept = kept.assign(id=backend.NAME + "-" + kept["source_id"], dataset=backend.NAME, attributes=attributes)
    frame = typed(kept[list(IMPORTED_COLUMNS)].reset_index(drop=True))
    del kept
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=WGS84)
    return DatasetImport(frame=layer, problems=[f"{name} line {line}: {text}" for line, text in messages],
                         format=backend.NAME)
