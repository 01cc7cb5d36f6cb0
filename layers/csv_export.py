"""CSV for people: text cells a spreadsheet would run as a formula are neutralised.

A sentence or a file name such as ``=HYPERLINK("http://…")`` becomes a live formula
when a CSV is opened in Excel, LibreOffice or Google Sheets. Following OWASP's advice
on CSV injection, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading single quote, which spreadsheets read as "this is text".
Text cells are also quoted, so a carriage return inside one cannot start a new row
(Python's csv module leaves it bare when lines end in ``\\n``). Numbers (negative
coordinates included) are not text: they stay bare numbers.
"""
from __future__ import annotations

import csv
from typing import TypeVar

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = TypeVar("Cell")


def neutralise_cell(value: Cell) -> Cell | str:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_text_column(column: pd.Series) -> bool:
    # Object columns may hold text next to numbers; neutralise_cell leaves the numbers alone.
    return (pd.api.types.is_object_dtype(column.dtype)
            or pd.api.types.is_string_dtype(column.dtype)
            or isinstance(column.dtype, pd.CategoricalDtype))


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends), header and text cells neutralised.

    Text and empty cells are quoted, numbers are not.
    """
    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if _is_text_column(column):
            safe.isetitem(position, column.astype(object).map(neutralise_cell))
    safe.columns = [neutralise_cell(name) for name in safe.columns]
    return safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
