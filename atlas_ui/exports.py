"""The files the dashboard offers for download, written as ``incident-atlas build`` writes them.

Nothing here is cached: a session's files are written when a button is clicked and not
kept (the built-in case's are cached server-wide in ``atlas_ui.caches``).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.cases import Case
from layers.build import CASE_RECORD_NAME, CaseLayers, case_record, case_record_bytes
from layers.csv_export import csv_text
from layers.export import write_layers

from . import case_store
from .reports import ArticleSet


def layer_files(layers: dict[str, gpd.GeoDataFrame], record: bytes) -> dict[str, bytes]:
    """The files ``incident-atlas build`` writes for these layers (``case.json`` too), by file name."""
    with tempfile.TemporaryDirectory() as out_dir:
        return {path.name: path.read_bytes()
                for path in write_layers(layers, Path(out_dir), {CASE_RECORD_NAME: record})}


def record_bytes(built: CaseLayers, articles: ArticleSet) -> bytes:
    """``case.json`` for a case and the reports loaded."""
    return case_record_bytes(case_record(built.case, built.site, [name for name, _ in articles]))


def session_export_file(layers: dict[str, gpd.GeoDataFrame], record: bytes, file_name: str) -> bytes:
    """One exported file with this session's reports; written when its button is clicked, not kept."""
    return layer_files(layers, record)[file_name]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV in which no cell can run as a spreadsheet formula.

    A quote or a file name such as ``=HYPERLINK(…)`` comes from a user's report.
    """
    return csv_text(frame).encode("utf-8")


def zip_with_layers(case: Case, layers: dict[str, gpd.GeoDataFrame], record: bytes, articles: ArticleSet) -> bytes:
    """The whole case as one zip, its layers written for it; called only when the button is clicked.

    A stored case is packed from its folder, every report in it (one the parsers could
    not analyse included); a built-in case with the reports this session added.
    """
    return case_store.case_zip(case, layer_files(layers, record), dict(articles) if case.built_in else None)
