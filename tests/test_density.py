"""Incident density (layers/density.py): hexagons that count incidents, tile the plane and hold their points."""
from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point

from layers import density
from layers.density import density_grid
from layers.incidents import incidents_layer
from layers.synthetic import write_synthetic_incidents


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> gpd.GeoDataFrame:
    return incidents_layer(write_synthetic_incidents(tmp_path_factory.mktemp("density") / "incidents.csv", 3_000))


def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Incidents from ``{"lat", "lon", "date_start", "date_end", "killed_low", "killed_high"}`` rows."""
    table = pd.DataFrame(rows)
    for column in ("killed_low", "killed_high"):
        table[column] = table[column].astype("Int64")
    return gpd.GeoDataFrame(table.drop(columns=["lat", "lon"]),
                            geometry=[Point(lon, lat) for lat, lon in zip(table["lat"], table["lon"])], crs=4326)


def _projected(grid: gpd.GeoDataFrame, around: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The grid's hexagons in the equal-area projection it was built in."""
    crs = density.equal_area_crs(around.geometry.x.to_numpy(), around.geometry.y.to_numpy())
    return grid.geometry.to_crs(crs)


def test_counts_and_deaths_add_up_to_the_input(synthetic):
    grid = density_grid(synthetic)
    assert grid["count"].sum() == len(synthetic)
    highest = synthetic["killed_high"].fillna(synthetic["killed_low"])
    assert grid["killed"].sum() == int(highest.fillna(0).sum())
    assert (grid["count"] > 0).all()  # only cells that hold incidents
    assert list(grid.columns) == list(density.COLUMNS)


def _own_cells(points: gpd.GeoDataFrame, grid: gpd.GeoDataFrame) -> np.ndarray:
    """The row of ``grid`` each point belongs to, worked out anew: the hexagon whose centre
    is nearest in the projection, found in the grid by that centre."""
    crs = density.equal_area_crs(points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(points.geometry.x.to_numpy(),
                                                                     points.geometry.y.to_numpy())
    size = grid.attrs["cell_km"] * 1000 / math.sqrt(3)
    corners_x, corners_y = density.hex_corners(*density.hex_cells(np.asarray(x), np.asarray(y), size), size)
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(corners_x.mean(axis=1),
                                                                         corners_y.mean(axis=1))
    centres = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    found = gpd.sjoin(centres, grid[["geometry"]], predicate="within", how="left")
    assert not found.index.duplicated().any()
    return found["index_right"].to_numpy()


def test_every_point_lies_in_the_cell_that_counts_it(synthetic):
    grid = density_grid(synthetic)
    own = _own_cells(synthetic, grid)
    assert not np.isnan(own).any()
    # Counted where it lies: the cells' counts are the points that belong to them …
    assert np.bincount(own.astype(int), minlength=len(grid)).tolist() == grid["count"].tolist()
    # … and each point lies in its cell's polygon. The polygons' edges are straight in
    # degrees, the hexagons' in the projection: they part by a few metres at most (20 m here).
    cells = grid.geometry.to_numpy()[own.astype(int)]
    points = synthetic.geometry.to_numpy()
    inside = shapely.within(points, cells)
    assert inside.mean() > 0.995
    assert shapely.dwithin(points[~inside], cells[~inside], 2e-4).all()


def test_the_cell_size_comes_from_the_extent(synthetic):
    grid = density_grid(synthetic)
    hexagons = _projected(grid, synthetic)
    points = synthetic.geometry.to_crs(hexagons.crs)
    span_km = max(points.x.max() - points.x.min(), points.y.max() - points.y.min()) / 1000
    assert grid.attrs["cell_km"] == pytest.approx(span_km / density.CELLS_ACROSS)
    # A hexagon cell_km across its flats has an area of sqrt(3)/2 * cell_km².
    area_km2 = math.sqrt(3) / 2 * grid.attrs["cell_km"] ** 2
    assert hexagons.area.to_numpy() / 1e6 == pytest.approx(area_km2, rel=1e-6)


def test_a_given_cell_size_is_used(synthetic):
    grid = density_grid(synthetic, cell_km=100)
    assert grid.attrs["cell_km"] == 100
    assert _projected(grid, synthetic).area.to_numpy() / 1e6 == pytest.approx(math.sqrt(3) / 2 * 100 ** 2,
                                                                                rel=1e-6)
    with pytest.raises(ValueError):
        density_grid(synthetic, cell_km=0)


def test_hexagons_tile_without_overlap(synthetic):
    grid = density_grid(synthetic.iloc[:400], cell_km=150)
    assert 10 <= len(grid) <= 200
    hexagons = list(_projected(grid, synthetic.iloc[:400]))
    cell_area = hexagons[0].area
    touching = 0
    for first, second in itertools.combinations(hexagons, 2):
        assert first.intersection(second).area < 1e-6 * cell_area
        touching += first.distance(second) < 1.0  # metres: neighbours share an edge
    assert touching >= len(hexagons)  # they tile: no gaps between neighbours


def test_missing_tolls_count_as_zero_and_are_counted_apart():
    grid = density_grid(_frame([
        {"lat": 30.0, "lon": 67.0, "date_start": "2024-01-05", "date_end": "2024-01-06", "killed_low": 2, "killed_high": 5},
        {"lat": 30.001, "lon": 67.001, "date_start": "2023-12-30", "date_end": "", "killed_low": 3, "killed_high": None},
        {"lat": 30.002, "lon": 67.0, "date_start": "2024-02-01", "date_end": None, "killed_low": None, "killed_high": None},
    ]))
    assert len(grid) == 1
    cell = grid.iloc[0]
    assert (cell["count"], cell["killed"], cell["unreported"]) == (3, 8, 1)  # the highest figure: 5 + 3 + 0
    assert (cell["first_date"], cell["last_date"]) == ("2023-12-30", "2024-02-01")
    assert grid.attrs["cell_km"] == density.MIN_CELL_KM  # 0.2 km of extent: the smallest cell


def test_an_empty_frame_gives_an_empty_grid_with_the_columns():
    empty = gpd.GeoDataFrame(
        {"date_start": [], "killed_low": pd.Series([], dtype="Int64"), "killed_high": pd.Series([], dtype="Int64")},
        geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    for frame in (empty, _frame([{"lat": 30.0, "lon": 67.0, "date_start": "2024-01-01", "date_end": "",
                                  "killed_low": 1, "killed_high": 1}]).iloc[:0]):
        grid = density_grid(frame)
        assert grid.empty and list(grid.columns) == list(density.COLUMNS)
        assert grid.crs.to_epsg() == 4326
    nowhere = _frame([{"lat": 30.0, "lon": 67.0, "date_start": "2024-01-01", "date_end": "", "killed_low": 1,
                       "killed_high": 1}])
    nowhere["geometry"] = None  # rows with no position: nothing to count
    assert density_grid(nowhere).empty


def test_rows_without_a_position_are_left_out_and_other_crs_are_read():
    frame = _frame([{"lat": 30.0, "lon": 67.0, "date_start": "2024-01-01", "date_end": "", "killed_low": 1,
                     "killed_high": 1}] * 2)
    frame.loc[1, "geometry"] = None
    grid = density_grid(frame)
    assert grid["count"].tolist() == [1]
    metres = density_grid(frame.iloc[:1].to_crs(3857))
    assert metres.geometry.iloc[0].contains(Point(67.0, 30.0))


def test_cells_come_in_a_fixed_order(synthetic):
    shuffled = synthetic.sample(frac=1, random_state=1)
    assert density_grid(shuffled).drop(columns="geometry").equals(density_grid(synthetic).drop(columns="geometry"))


def test_the_hexagons_are_true_hexagons_in_the_projection():
    lon = np.array([60.0, 75.0])
    lat = np.array([24.0, 37.0])
    x, y = Transformer.from_crs(4326, density.equal_area_crs(lon, lat), always_xy=True).transform(lon, lat)
    q, r = density.hex_cells(np.asarray(x), np.asarray(y), 10_000)
    corners_x, corners_y = density.hex_corners(q, r, 10_000)
    sides = np.hypot(np.diff(corners_x, axis=1, append=corners_x[:, :1]),
                     np.diff(corners_y, axis=1, append=corners_y[:, :1]))
    assert sides == pytest.approx(10_000)  # six equal sides of the circumradius


def test_incidents_spread_over_the_world_are_all_counted_in_valid_cells():
    # An export of the whole world: a Lambert projection centred on it would send the
    # antipode (0, 0 for points centred on 180°) to infinity.
    rng = np.random.default_rng(3)
    points = [Point(x, y) for x, y in zip(rng.uniform(-180, 180, 500), rng.uniform(-80, 80, 500))]
    points += [Point(0, 0), Point(180, 0), Point(-180, 0), Point(0, 90)]
    world = gpd.GeoDataFrame({"date_start": ["2024-01-01"] * len(points)}, geometry=points, crs=4326)
    grid = density_grid(world)
    assert grid["count"].sum() == len(points)
    assert grid.geometry.is_valid.all() and np.isfinite(shapely.get_coordinates(grid.geometry)).all()
