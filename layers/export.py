"""Write layers as RFC 7946 GeoJSON (one file per layer and one with all) and a GeoPackage."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

GEOPACKAGE_NAME = "layers.gpkg"
ALL_LAYERS_NAME = "all_layers.geojson"


def _has_lists(series: pd.Series) -> bool:
    return series.map(lambda value: isinstance(value, (list, tuple))).any()


def _flat_lists(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # A GeoPackage has no list type: lists are stored as JSON text, which QGIS shows
    # as-is and any reader can parse back.
    frame = frame.copy()
    for column in frame.columns:
        if column != frame.geometry.name and frame[column].dtype == object and _has_lists(frame[column]):
            frame[column] = frame[column].map(lambda value: json.dumps(value, ensure_ascii=False))
    return frame


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write ``frame`` as RFC 7946 GeoJSON (WGS84 lon/lat, no ``crs`` member)."""
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame.to_crs(4326), path, driver="GeoJSON",
                            layer=path.stem, layer_options={"RFC7946": "YES"})
    return path


def all_layers_frame(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Every layer's features in one frame, tagged with a ``layer`` property, in layer order."""
    frames = [frame.to_crs(4326).assign(layer=name) for name, frame in layers.items() if len(frame)]
    combined = pd.concat(frames, ignore_index=True)
    ordered = ["layer", *[c for c in combined.columns if c not in ("layer", "geometry")], "geometry"]
    return gpd.GeoDataFrame(combined[ordered], geometry="geometry", crs=4326)


def write_layers(layers: dict[str, gpd.GeoDataFrame], out_dir: Path) -> list[Path]:
    """Write each layer as ``<name>.geojson``, all of them as one file, and ``layers.gpkg``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_geojson(frame, out_dir / f"{name}.geojson") for name, frame in layers.items()]
    written.append(write_geojson(all_layers_frame(layers), out_dir / ALL_LAYERS_NAME))
    gpkg = out_dir / GEOPACKAGE_NAME
    gpkg.unlink(missing_ok=True)
    for name, frame in layers.items():
        pyogrio.write_dataframe(_flat_lists(frame.to_crs(4326)), gpkg, layer=name, driver="GPKG",
                                append=gpkg.exists())
    written.append(gpkg)
    return written
