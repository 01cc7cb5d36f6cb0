"""A dataset export read as text: every cell a string, each row with its line in the file.

Arrow's CSV reader reads the cells (fast, and without a Python object per cell); one pass
of the ``csv`` module finds where each record starts and how many cells it has, so a
message can name the file's own line even when a quoted cell holds line breaks, and a row
with too many or too few cells is reported instead of being dropped or misread.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from geo.cases import CaseError

from ..export import io_reason

#: Encodings tried in turn: UTF-8 (a byte-order mark is dropped), then Windows-1252, in
#: which older GTD CSV copies are saved.
_ENCODINGS = ("utf-8", "cp1252")
_BOM = b"\xef\xbb\xbf"


class DatasetError(CaseError):
    """A dataset file that cannot be imported at all; the message is one line saying what to do.

    A case error on purpose: an imported GeoPackage is also a case's incidents file
    (``layers.incidents.incidents_layer``, ``INCIDENT_ATLAS_INCIDENTS``), and every reader of
    that file (the build, the dashboard) catches :class:`CaseError`. The project has no wider
    base error for it to join.
    """


@dataclass
class Table:
    """The rows of a CSV file as text, with the line each starts on and the rows left out."""

    name: str
    frame: pd.DataFrame  # column names stripped and lower-cased; every cell a str
    lines: np.ndarray  # the file line each row of ``frame`` starts on
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, problem) of rows left out


def _bytes(path: Path, name: str) -> bytes:
    if path.is_dir():
        raise DatasetError(f"{name}: is a folder, not a CSV file; give the exported CSV file")
    if path.exists() and not path.is_file():  # a pipe or a device would never end
        raise DatasetError(f"{name}: not a regular file; give the exported CSV file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{name}: no such file; give the path of the exported CSV file") from None
    except OSError as error:
        raise DatasetError(f"{name}: cannot be read ({io_reason(error)})") from None
    if b"\x00" in data[:1 << 16]:
        raise DatasetError(f"{name}: not a CSV file (binary data); export the dataset as CSV")
    return data.removeprefix(_BOM)


def _records(data: bytes, encoding: str, name: str) -> tuple[list[str], list[int], list[int]]:
    """The header, and the first line and cell count of every record after it.

    The text is decoded as it is read (a whole-file ``StringIO`` would take four bytes a
    character); lines end at \\n, \\r\\n or \\r, as the ``csv`` module counts them.
    """
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    try:
        header = next(reader, [])
        starts, counts = [], []
        end = reader.line_num
        for record in reader:
            starts.append(end + 1)
            counts.append(len(record))
            end = reader.line_num
    except csv.Error as error:
        raise DatasetError(f"{name} line {reader.line_num}: cannot be read as CSV ({error})") from None
    return header, starts, counts


def _utf8_records(data: bytes, name: str) -> tuple[bytes, tuple[list[str], list[int], list[int]]]:
    """The file as UTF-8 bytes (what Arrow reads), and its records (see :func:`_records`)."""
    for encoding in _ENCODINGS:
        try:
            records = _records(data, encoding, name)
        except UnicodeDecodeError:
            continue
        return (data if encoding == "utf-8" else data.decode(encoding).encode("utf-8")), records
    raise DatasetError(f"{name}: not UTF-8 or Windows-1252 text; save it as UTF-8 CSV")


def read_table(path: Path) -> Table:
    """``path`` as a :class:`Table`; :class:`DatasetError` when it is no CSV file or has no rows."""
    name = path.name
    data, (header, starts, counts) = _utf8_records(_bytes(path, name), name)
    if not any(cell.strip() for cell in header):
        raise DatasetError(f"{name}: empty; export the dataset as CSV with its header row")
    width = len(header)
    counts_array = np.asarray(counts, dtype=np.int64)
    starts_array = np.asarray(starts, dtype=np.int64)
    problems = [(int(line), f"{count} cells where the header has {width}")
                for line, count in zip(starts_array, counts_array) if count > width or 0 < count < width]
    usable = counts_array == width  # rows with too many or too few cells, and blank lines, are left out
    frame = _arrow_frame(data, header, name)
    if len(frame) != int(usable.sum()):  # the two parsers disagree: trust the csv module's rows
        frame = _frame_from_records(data.decode("utf-8"), width)
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise DatasetError(f"{name}: the column {repeated[0]!r} comes twice in the header (names are read "
                           "without regard to case); keep one and import again")
    lines = starts_array[usable]
    if frame.empty:
        detail = "every row was left out" if problems else "it has a header but no rows"
        raise DatasetError(f"{name}: no rows to import ({detail})"
                           + (f"; first: line {problems[0][0]}: {problems[0][1]}" if problems else ""))
    return Table(name=name, frame=frame, lines=lines, problems=problems)


def _arrow_frame(data: bytes, header: list[str], name: str) -> pd.DataFrame:
    """Every record with as many cells as the header, each cell a str ("" when empty)."""
    parse = pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True,
                                invalid_row_handler=lambda row: "skip")  # reported from the csv pass
    convert = pa_csv.ConvertOptions(column_types={column: pa.string() for column in header},
                                    strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        table = pa_csv.read_csv(io.BytesIO(data), parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, ValueError) as error:
        raise DatasetError(f"{name}: cannot be read as CSV ({str(error).splitlines()[0]})") from None
    return table.to_pandas()


def _frame_from_records(text: str, width: int) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [record for record in reader if len(record) == width]
    return pd.DataFrame(rows, columns=header, dtype="str")
