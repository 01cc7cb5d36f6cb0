"""The incidents file read fast (Arrow) or checked (line by line): same layer, same refusals."""
from __future__ import annotations

import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.cases import CaseError
from layers import _threads, incidents
from layers._frames import lon_lat
from layers.incident_dates import first_and_last_days, parse_days
from layers.incidents import around_case, incidents_layer
from layers.synthetic import write_synthetic_incidents

HEADER = ("id,date_start,date_end,place,admin1,lat,lon,precision_km,killed_low,killed_high,injured_low,"
          "injured_high,claimed_by,claim_status,target,summary,casualty_notes,sources")


def _file(tmp_path, *rows: str, prefix: str = ""):
    path = tmp_path / "incidents.csv"
    path.write_text(prefix + HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cell, line", [("nan", 3), ("inf", 3), ("1_000", 3), ("-2", 3), ("2.5", 3)])
def test_a_bad_death_toll_is_refused_with_its_line_whichever_reader_meets_it(tmp_path, cell, line):
    path = _file(tmp_path, "a,2024-01-02,,P,A,30,67,5,1,,0,,,unclaimed,t,s,,src",
                 f"b,2024-01-01,,P,A,31,68,5,1,{cell},0,,,unclaimed,t,s,,src")
    with pytest.raises(CaseError, match=f"line {line}: killed_high"):
        incidents_layer(path)


def test_empty_tolls_stay_missing_and_padded_numbers_are_read(tmp_path):
    layer = incidents_layer(_file(tmp_path, "a,2024-01-02,,P,A, 30.5 ,67,5,1,,0,,,unclaimed,t,s,,src",
                                  "b,2024-01-01,,P,A,31,68,5,2,3,0,,,claimed,t,s,,src", prefix="\ufeff"))
    assert list(layer["id"]) == ["b", "a"]  # by date
    assert layer["killed_high"].tolist() == [3, pd.NA]
    assert layer.geometry.y.tolist() == [31.0, 30.5]


def test_a_day_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CaseError, match="line 2: date_start"):
        incidents_layer(_file(tmp_path, "a,2024-02-30,,P,A,30,67,5,1,,0,,,unclaimed,t,s,,src"))


def test_a_shuffled_file_is_ordered_by_day_then_id_the_same_in_parts(tmp_path, monkeypatch):
    path = write_synthetic_incidents(tmp_path / "incidents.csv", 3_000)
    one = incidents_layer(path)
    days, ids = one["date_start"].tolist(), one["id"].tolist()
    assert list(zip(days, ids)) == sorted(zip(days, ids))
    monkeypatch.setattr(_threads, "SPLIT_FROM", 10)  # points and distances made in parts
    incidents._read_layer.cache_clear()
    parts = incidents_layer(path)
    assert parts.equals(one)
    site = (29.5, 67.5)
    split = around_case(parts, "none", datetime.date(2020, 1, 1), site)
    monkeypatch.setattr(_threads, "SPLIT_FROM", 10**9)
    whole = around_case(one, "none", datetime.date(2020, 1, 1), site)
    assert split["distance_km"].equals(whole["distance_km"]) and split["distance_km"].notna().all()


def test_days_written_any_way_read_as_pandas_reads_them():
    text = pd.Series(["2025-03-11", "", "2025-02-30", "11 March 2025", "2025-3-1"], dtype="str")
    assert parse_days(text).tolist()[:1] == [pd.Timestamp("2025-03-11")]
    expected = pd.to_datetime(text, errors="coerce")
    assert parse_days(text).fillna(pd.Timestamp(0)).equals(expected.fillna(pd.Timestamp(0)))
    plain = pd.DataFrame({"date_start": ["2025-03-11", "2025-03-12"], "date_end": ["", "2025-02-30"]}, dtype="str")
    start, end = first_and_last_days(plain)
    assert end.tolist() == start.tolist()  # an empty or impossible last day is the first


def test_positions_of_points_missing_or_empty_are_nan():
    lon, lat = lon_lat(gpd.GeoSeries([shapely.Point(67, 30), None, shapely.Point()]))
    assert lon[0] == 67 and lat[0] == 30 and np.isnan(lon[1:]).all() and np.isnan(lat[1:]).all()


def test_what_the_checked_reader_refuses_the_fast_one_refuses_too(tmp_path):
    # An empty "source" column is the row's source for the checked reader.
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + ",source\na,2024-01-02,,P,A,30,67,5,1,,0,,,unclaimed,t,s,,src,\n", encoding="utf-8")
    with pytest.raises(CaseError, match="line 2: row has no source"):
        incidents_layer(path)
    # A cell longer than Python's csv module takes.
    huge = _file(tmp_path, f"a,2024-01-02,,P,A,30,67,5,1,,0,,,unclaimed,t,{'x' * 200_000},,src")
    with pytest.raises(CaseError, match="cannot be read as CSV"):
        incidents_layer(huge)


def test_a_toll_too_large_to_count_is_refused_with_its_line(tmp_path):
    with pytest.raises(CaseError, match="line 2: killed_low"):
        incidents_layer(_file(tmp_path, "a,2024-01-02,,P,A,30,67,5,1e20,,0,,,unclaimed,t,s,,src"))
