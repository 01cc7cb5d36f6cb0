"""Incident datasets (ACLED, GTD, UCDP GED exports): detection, mapping, bad rows, GeoPackage, CLI.

The fixtures in tests/fixtures/datasets/ are invented rows with the datasets' real column
names; the comments of each test name the fixture lines it relies on.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from atlas_cli.incidents import add_parser
from geo.cases import CaseError
from layers.datasets import (
    SHOWN_PROBLEMS,
    EXTRA_COLUMNS,
    IMPORTED_COLUMNS,
    DatasetError,
    _precision,
    detect_format,
    read_dataset,
    read_imported,
    write_dataset,
)
from layers.export import ExportError
from layers.incidents import COLUMNS, around_case, incidents_layer

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "datasets"
ACLED = FIXTURES / "acled_pakistan.csv"
GTD = FIXTURES / "gtd_pakistan.csv"
UCDP = FIXTURES / "ucdp_ged_pakistan.csv"
NONE = FIXTURES / "not_a_dataset.csv"


def _run(*args: str) -> subprocess.CompletedProcess:
    """The command as main.py will run it, through the module's own harness (main.py is not wired yet)."""
    return subprocess.run([sys.executable, "-m", "atlas_cli.incidents", *args], capture_output=True, text=True,
                          cwd=REPO)


def _row(frame: pd.DataFrame, source_id: str) -> dict:
    """One imported row as a dict; missing values (pd.NA) as None."""
    rows = frame[frame["source_id"] == source_id]
    assert len(rows) == 1, source_id
    row = rows.drop(columns="geometry").iloc[0].to_dict()
    return {key: None if not isinstance(value, str) and pd.isna(value) else value for key, value in row.items()}


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


# --- detection -------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [(ACLED, "acled"), (GTD, "gtd"), (UCDP, "ucdp")])
def test_each_format_is_told_by_its_header(path: Path, expected: str) -> None:
    assert detect_format(_header(path)) == expected
    assert detect_format([column.upper() for column in _header(path)]) == expected  # older ACLED: upper case
    assert read_dataset(path).format == expected


def test_a_file_in_no_format_is_one_error_saying_what_to_do() -> None:
    with pytest.raises(DatasetError) as error:
        read_dataset(NONE)
    message = str(error.value)
    assert message.startswith("not_a_dataset.csv: not an ACLED, GTD or UCDP GED export")
    assert "name, lat, lon, notes" in message and "--format" in message and "\n" not in message


def test_a_header_with_two_formats_asks_for_one() -> None:
    with pytest.raises(DatasetError, match="several formats.*acled\\|ucdp: --format"):
        detect_format(["event_id_cnty", "where_prec", "latitude"])


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "acled.csv"
    broken.write_text(lines[0].replace(",geo_precision,", ",precision,") + "".join(lines[1:5]), encoding="utf-8")
    with pytest.raises(DatasetError, match="ACLED exports need the column 'geo_precision'"):
        read_dataset(broken)
    with pytest.raises(DatasetError, match="GTD exports need the column 'eventid'"):
        read_dataset(ACLED, format="gtd")  # a format given by hand is checked the same way
    with pytest.raises(DatasetError, match="unknown format 'xls'"):
        read_dataset(ACLED, format="xls")


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"event_id_cnty,event_date,latitude,longitude,geo_precision,fatalities\n", "no rows to import"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
])
def test_an_unusable_file_is_one_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=expected):
        read_dataset(path)
    with pytest.raises(DatasetError, match="no such file"):
        read_dataset(tmp_path / "missing.csv")
    with pytest.raises(DatasetError, match="is a folder"):
        read_dataset(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        with pytest.raises(DatasetError, match="not a regular file"):
            read_dataset(fifo)  # never opened: reading a pipe nobody writes would hang


# --- mapping ---------------------------------------------------------------------------

def test_acled_columns_map_to_incident_columns() -> None:
    frame = read_dataset(ACLED).frame
    assert list(frame.columns) == [*COLUMNS, *EXTRA_COLUMNS, "geometry"]
    row = _row(frame, "PAK90003")  # lines 4-5: its notes hold a line break
    attributes = json.loads(row.pop("attributes"))
    assert row == {
        "id": "acled-PAK90003", "date_start": "2024-03-12", "date_end": "2024-03-12", "place": "Turbat",
        "admin1": "Balochistan", "lat": 26.0012, "lon": 63.0485, "precision_km": 150.0,
        "killed_low": 3, "killed_high": 3, "injured_low": None, "injured_high": None,
        "claimed_by": "BLA: Baloch Liberation Army", "claim_status": "claimed",
        "target": "Military Forces of Pakistan (2018-)",
        "summary": "Invented event: militants ambushed a convoy near Turbat (Kech, Balochistan), killing 3 "
                   "soldiers.\nThe BLA claimed responsibility for the attack.",
        "casualty_notes": "", "sources": "ACLED PAK90003: Balochistan Post", "event_type": "Battles",
        "actor": "BLA: Baloch Liberation Army", "admin2": "Kech", "killed_best": None, "dataset": "acled",
        "source_id": "PAK90003", "precision_code": "3"}
    # Every column not mapped above is kept, under its own name.
    assert attributes["sub_event_type"] == "Armed clash" and attributes["admin3"] == "Turbat"
    assert attributes["inter1"] == "Rebel group" and attributes["timestamp"] == "1710000000"
    assert set(attributes) == {"year", "time_precision", "disorder_type", "sub_event_type", "assoc_actor_1", "inter1",
                               "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
                               "country", "admin3", "source_scale", "tags", "timestamp"}
    geometry = frame.loc[frame["source_id"] == "PAK90003", "geometry"].iloc[0]
    assert (geometry.x, geometry.y) == (63.0485, 26.0012)
    assert _row(frame, "PAK90010")["date_start"] == "2024-03-18"  # "18 March 2024", an older export's date


def test_acled_state_forces_and_claims() -> None:
    frame = read_dataset(ACLED).frame.set_index("source_id")
    assert frame.loc["PAK90002", "claim_status"] == "state_action"  # "Military Forces of Pakistan", inter1
    assert frame.loc["PAK90010", "claim_status"] == "state_action"  # "Police Forces of Pakistan", no inter1
    assert frame.loc["PAK90003", "claim_status"] == "claimed"  # "The BLA claimed responsibility"
    # "No group claimed responsibility": the words of a claim, denied, and an unidentified actor.
    assert frame.loc["PAK90001", ["claim_status", "claimed_by"]].tolist() == ["unclaimed", ""]
    assert frame.loc["PAK90002", "claimed_by"] == ""
    # line 15: a named group the notes blame, "but no group claimed responsibility"
    assert frame.loc["PAK90012", ["claim_status", "claimed_by", "actor"]].tolist() == [
        "unclaimed", "", "TTP: Tehreek-i-Taliban Pakistan"]


def test_gtd_columns_map_to_incident_columns() -> None:
    frame = read_dataset(GTD).frame
    row = _row(frame, "201903050001")  # line 2
    attributes = json.loads(row.pop("attributes"))
    assert row == {
        "id": "gtd-201903050001", "date_start": "2019-03-05", "date_end": "2019-03-05", "place": "Quetta",
        "admin1": "Balochistan", "lat": 30.18414, "lon": 67.00141, "precision_km": 5.0,
        "killed_low": 2, "killed_high": 2, "injured_low": 5, "injured_high": 5,
        "claimed_by": "", "claim_status": "unclaimed", "target": "Police",
        "summary": "Invented attack: a bomb exploded near a police van in Quetta.", "casualty_notes": "",
        "sources": "GTD eventid 201903050001", "event_type": "Bombing/Explosion", "actor": "", "admin2": "",
        "killed_best": None, "dataset": "gtd", "source_id": "201903050001", "precision_code": "1"}
    assert attributes["country_txt"] == "Pakistan" and attributes["target1"] == "Police van"
    assert attributes["claimed"] == "0" and attributes["scite1"].startswith("Invented citation")
    assert _row(frame, "202002290001")["place"] == ""  # city "Unknown" is no place
    assert _row(frame, "202002290001")["killed_low"] == 4  # "4.0"


def test_gtd_unknown_day_and_month_become_ranges() -> None:
    frame = read_dataset(GTD).frame
    assert [_row(frame, "201904000001")[k] for k in ("date_start", "date_end")] == ["2019-04-01", "2019-04-30"]
    assert [_row(frame, "201900000001")[k] for k in ("date_start", "date_end")] == ["2019-01-01", "2019-12-31"]
    assert [_row(frame, "202002290001")[k] for k in ("date_start", "date_end")] == ["2020-02-29", "2020-02-29"]


def test_gtd_empty_casualty_figures_are_unknown_not_zero() -> None:
    frame = read_dataset(GTD).frame
    row = _row(frame, "201904000001")  # nkill and nwound empty
    assert all(row[k] is None for k in ("killed_low", "killed_high", "injured_low", "injured_high"))
    assert _row(frame, "201900000001")["killed_low"] == 0  # an explicit 0 stays 0


def test_gtd_unclaimed_attacks_stay_unclaimed() -> None:
    frame = read_dataset(GTD).frame
    unknown = _row(frame, "201903050001")  # gname "Unknown"
    assert (unknown["claim_status"], unknown["claimed_by"], unknown["actor"]) == ("unclaimed", "", "")
    attributed = _row(frame, "201900000001")  # gname BLA, claimed 0: attributed, not claimed
    assert (attributed["claim_status"], attributed["claimed_by"]) == ("unclaimed", "")
    assert attributed["actor"] == "Baloch Liberation Army (BLA)"
    claimed = _row(frame, "201904000001")  # claimed 1
    assert (claimed["claim_status"], claimed["claimed_by"]) == ("claimed", "Tehrik-i-Taliban Pakistan (TTP)")
    competing = _row(frame, "202002290001")  # claimed 1, compclaim 1
    assert (competing["claim_status"], competing["claimed_by"]) == ("disputed", "Lashkar-e-Jhangvi")
    for imported in (read_dataset(path).frame for path in (ACLED, GTD, UCDP)):
        assert not ((imported["claim_status"] == "unclaimed") & (imported["claimed_by"] != "")).any()


def test_ucdp_columns_map_to_incident_columns_and_deaths_stay_a_range() -> None:
    frame = read_dataset(UCDP).frame
    row = _row(frame, "900001")  # line 2
    attributes = json.loads(row.pop("attributes"))
    assert row == {
        "id": "ucdp-900001", "date_start": "2019-05-02", "date_end": "2019-05-02", "place": "Miran Shah town",
        "admin1": "Khyber Pakhtunkhwa province", "lat": 33.00059, "lon": 70.07117, "precision_km": 5.0,
        "killed_low": 4, "killed_high": 8, "injured_low": None, "injured_high": None,
        "claimed_by": "", "claim_status": "state_action", "target": "TTP", "summary": "",
        "casualty_notes": "UCDP best estimate 5; civilians killed (best estimate) 1",
        "sources": "UCDP GED 900001: Invented article 'Clash in Miran Shah', 2019-05-03",
        "event_type": "state-based conflict", "actor": "Government of Pakistan",
        "admin2": "North Waziristan district", "killed_best": 5, "dataset": "ucdp", "source_id": "900001",
        "precision_code": "1"}
    assert attributes["where_description"] == "Invented: clash in the town"
    assert attributes["deaths_civilians"] == "1" and attributes["dyad_name"] == "Government of Pakistan - TTP"
    several_days = _row(frame, "900003")  # a non-state event over June
    assert (several_days["date_start"], several_days["date_end"]) == ("2019-06-01", "2019-06-30")
    assert (several_days["claim_status"], several_days["actor"], several_days["target"]) == ("unclaimed", "BLA", "BRA")
    assert several_days["sources"] == "UCDP GED 900003"  # no source_article: the record itself is the source


def test_every_row_has_a_source() -> None:
    for path in (ACLED, GTD, UCDP):
        assert (read_dataset(path).frame["sources"].str.strip() != "").all()


# --- precision codes -------------------------------------------------------------------

@pytest.mark.parametrize("path, table", [(ACLED, _precision.ACLED), (GTD, _precision.GTD), (UCDP, _precision.UCDP)])
def test_each_precision_code_has_its_documented_radius(path: Path, table: dict) -> None:
    frame = read_dataset(path).frame
    radii = frame.groupby("precision_code")["precision_km"].unique()
    placed = {code for code, entry in table.items() if entry.radius_km is not None}
    assert set(radii.index.astype(int)) == placed  # the fixture holds every code with a position
    for code, values in radii.items():
        assert list(values) == [table[int(code)].radius_km]


def test_the_radii_are_the_ones_the_readme_gives() -> None:
    radii = {name: {code: entry.radius_km for code, entry in table.items()}
             for name, table in (("acled", _precision.ACLED), ("gtd", _precision.GTD), ("ucdp", _precision.UCDP))}
    assert radii == {"acled": {1: 5, 2: 25, 3: 150}, "gtd": {1: 5, 2: 50, 3: 50, 4: 200, 5: None},
                     "ucdp": {1: 5, 2: 25, 3: 50, 4: 200, 5: 300, 6: 500, 7: 300}}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for url in ("https://acleddata.com/knowledge-base/codebook/", "https://www.start.umd.edu/gtd/downloads/Codebook.pdf",
                "https://ucdp.uu.se/downloads/ged/ged251.pdf"):
        assert url in readme and any(url in source for source in _precision.CODEBOOKS.values())


# --- bad rows --------------------------------------------------------------------------

def test_bad_acled_rows_are_reported_with_their_lines_and_skipped() -> None:
    imported = read_dataset(ACLED)
    assert imported.problems == [
        "acled_pakistan.csv line 6: no coordinates (latitude and longitude must both be given)",  # after a 2-line record
        "acled_pakistan.csv line 7: latitude '95.5' is outside -90 to 90",
        "acled_pakistan.csv line 8: coordinates 0, 0 are a placeholder, not a position",
        "acled_pakistan.csv line 9: event_date '2024-02-30' is not a date such as 2023-02-16",
        "acled_pakistan.csv line 10: geo_precision '4' is not a code of the dataset (1, 2, 3)",
        "acled_pakistan.csv line 11: latitude 'abc' is not a number",
        "acled_pakistan.csv line 13: 32 cells where the header has 31",
        "acled_pakistan.csv line 14: event_id_cnty 'PAK90002' repeats an earlier row's",
    ]
    assert sorted(imported.frame["source_id"]) == ["PAK90001", "PAK90002", "PAK90003", "PAK90010", "PAK90012"]
    assert _row(imported.frame, "PAK90002")["summary"].startswith("Invented event: security forces")  # the first


def test_bad_gtd_rows_are_reported_with_their_lines_and_skipped() -> None:
    imported = read_dataset(GTD)
    assert imported.problems == [
        ("gtd_pakistan.csv line 6: specificity 5: the dataset gives no position for this event (no first-order "
         "region identified: latitude and longitude are unknown)"),
        "gtd_pakistan.csv line 7: 2019-2-30 (iyear-imonth-iday) is not a date",
        "gtd_pakistan.csv line 8: imonth '13' must be a whole number from 0 to 12",
        "gtd_pakistan.csv line 9: specificity '7' is not a code of the dataset (1, 2, 3, 4, 5)",
        "gtd_pakistan.csv line 10: nkill 'many' is not a whole number of at least 0",
        "gtd_pakistan.csv line 11: coordinates 0, 0 are a placeholder, not a position",
    ]
    assert len(imported.frame) == 4


def test_bad_ucdp_rows_are_reported_with_their_lines_and_skipped() -> None:
    imported = read_dataset(UCDP)
    assert imported.problems == [
        "ucdp_ged_pakistan.csv line 9: where_prec '8' is not a code of the dataset (1, 2, 3, 4, 5, 6, 7)",
        "ucdp_ged_pakistan.csv line 10: date_start '2019-13-01' is not a date such as 2019-03-01",
        "ucdp_ged_pakistan.csv line 11: low, best, high 10, 5, 12 are not in order",
        "ucdp_ged_pakistan.csv line 12: no coordinates (latitude and longitude must both be given)",
        "ucdp_ged_pakistan.csv line 13: date_end 2019-09-01 is before date_start 2019-09-05",
    ]
    assert sorted(imported.frame["source_id"]) == [f"90000{n}" for n in range(1, 8)]


def test_short_rows_and_blank_lines_keep_the_line_numbers_right(tmp_path: Path) -> None:
    lines = GTD.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "gtd.csv"
    # header, a blank line, a row cut after 5 cells, then line 5 of the fixture (the 2020 attack)
    path.write_text(lines[0] + "\n" + ",".join(lines[2].split(",")[:5]) + "\n" + lines[4], encoding="utf-8")
    imported = read_dataset(path)
    assert imported.problems == ["gtd.csv line 3: 5 cells where the header has 25"]
    assert imported.frame["source_id"].tolist() == ["202002290001"]


def test_a_windows_1252_file_is_read(tmp_path: Path) -> None:
    lines = GTD.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "gtd.csv"
    path.write_bytes((lines[0] + lines[1].replace("Invented attack:", "Invented attack \u2013 caf\u00e9:")).encode("cp1252"))
    assert read_dataset(path).frame["summary"].iloc[0].startswith("Invented attack \u2013 caf\u00e9:")


# --- the incidents layer's shape, GeoPackage -------------------------------------------

def test_the_imported_frame_has_the_incidents_layers_dtypes() -> None:
    reference = incidents_layer()
    for path in (ACLED, GTD, UCDP):
        frame = read_dataset(path).frame
        for column in (*COLUMNS, "geometry"):
            assert frame[column].dtype == reference[column].dtype, (path.name, column)
        assert frame.crs == reference.crs
        assert frame["date_start"].tolist() == sorted(frame["date_start"])  # ordered as the layer is


def test_around_case_works_on_an_imported_frame() -> None:
    frame = read_dataset(ACLED).frame
    related = around_case(frame, "some-case", date(2024, 3, 12), (26.0012, 63.0485), 5.0)
    case = related.set_index("source_id")
    assert case.loc["PAK90003", "is_case"] and case.loc["PAK90003", "distance_km"] == 0
    assert case["is_case"].sum() == 1
    assert case.loc["PAK90001", "before_case"] and not case.loc["PAK90010", "before_case"]


def test_geopackage_round_trip(tmp_path: Path) -> None:
    for path in (ACLED, GTD, UCDP):
        imported = read_dataset(path)
        out = write_dataset(imported, tmp_path / f"{path.stem}.gpkg")
        assert [name for name, _ in pyogrio.list_layers(out)] == ["incidents"]
        back = read_imported(out)
        assert list(back.columns) == [*IMPORTED_COLUMNS, "geometry"]
        pd.testing.assert_frame_equal(back.drop(columns="geometry"), imported.frame.drop(columns="geometry"))
        assert back.geometry.geom_equals(imported.frame.geometry).all() and back.crs == imported.frame.crs
    with pytest.raises(DatasetError, match="not a GeoPackage of imported incidents"):
        read_imported(ACLED)


def test_a_failed_write_leaves_the_existing_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "incidents.gpkg"
    out.write_bytes(b"the previous import")
    imported = read_dataset(ACLED)

    def broken_copy(source: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("layers.datasets._gpkg.replace_with_copy", broken_copy)
    with pytest.raises(ExportError, match="no space left"):
        write_dataset(imported, out)
    assert out.read_bytes() == b"the previous import"
    monkeypatch.undo()
    with pytest.raises(ExportError) as error:
        write_dataset(imported, tmp_path)  # a folder where the file goes
    assert "is a folder" in error.value.reason
    write_dataset(imported, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.gpkg"]  # no temporary file left


# --- command line ----------------------------------------------------------------------

def test_cli_imports_a_clean_file_with_exit_0(tmp_path: Path) -> None:
    clean = tmp_path / "acled.csv"
    clean.write_text("".join(ACLED.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    out = tmp_path / "out.gpkg"
    done = _run("import", str(clean), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ACLED: 3 rows imported, 0 skipped; wrote {out}\n" and done.stderr == ""
    assert len(read_imported(out)) == 3


def test_cli_reports_each_skipped_row_and_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "out.gpkg"
    done = _run("import", str(UCDP), "--format", "ucdp", "--out", str(out))
    assert done.returncode == 2
    assert done.stdout == f"UCDP GED: 7 rows imported, 5 skipped; wrote {out}\n"
    assert done.stderr.splitlines() == [f"incident-atlas: error: {line}" for line in read_dataset(UCDP).problems]
    assert len(read_imported(out)) == 7  # the good rows are written


def test_cli_caps_the_problem_lines(tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = lines[5]  # line 6: no coordinates
    path = tmp_path / "acled.csv"
    path.write_text(lines[0] + lines[1] + "".join(bad.replace("PAK90004", f"PAK8{n:04d}") for n in range(25)),
                    encoding="utf-8")
    done = _run("import", str(path), "--out", str(tmp_path / "out.gpkg"))
    assert done.returncode == 2
    errors = done.stderr.splitlines()
    assert len(errors) == SHOWN_PROBLEMS + 1
    assert errors[0] == "incident-atlas: error: acled.csv line 3: no coordinates (latitude and longitude must both be given)"
    assert errors[-1] == "incident-atlas: error: … and 5 more rows skipped"
    assert done.stdout == f"ACLED: 1 row imported, 25 skipped; wrote {tmp_path / 'out.gpkg'}\n"


def test_cli_unusable_file_is_one_line_exit_2_and_the_old_output_stays(tmp_path: Path) -> None:
    out = tmp_path / "out.gpkg"
    out.write_bytes(b"the previous import")
    for args in (("import", str(NONE), "--out", str(out)),
                 ("import", str(ACLED), "--format", "gtd", "--out", str(out)),
                 ("import", str(tmp_path / "missing.csv"), "--out", str(out))):
        done = _run(*args)
        assert done.returncode == 2 and done.stdout == "", args
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("incident-atlas: error: "), args
        assert "Traceback" not in done.stderr
        assert out.read_bytes() == b"the previous import"


def test_cli_nothing_importable_writes_nothing(tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "acled.csv"
    path.write_text(lines[0] + lines[5] + lines[6], encoding="utf-8")  # no coordinates; latitude 95.5
    done = _run("import", str(path), "--out", str(tmp_path / "out.gpkg"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("incident-atlas: error: acled.csv: no row could be imported")
    assert not (tmp_path / "out.gpkg").exists()


def test_cli_out_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("x")
    done = _run("import", str(ACLED), "--out", str(tmp_path / "a_file" / "out.gpkg"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"incident-atlas: error: cannot write {tmp_path / 'a_file' / 'out.gpkg'}: ")


def test_add_parser_registers_incidents_import_on_the_main_parser(tmp_path: Path) -> None:
    # What atlas_cli/main.py will do: add_parser(commands), then args.run(args).
    top = argparse.ArgumentParser(prog="incident-atlas")
    commands = top.add_subparsers(dest="command", required=True)
    add_parser(commands)
    args = top.parse_args(["incidents", "import", str(GTD), "--format", "gtd", "--out", str(tmp_path / "g.gpkg")])
    assert (args.command, args.incidents_command, args.format) == ("incidents", "import", "gtd")
    assert args.run(args) == 2  # the fixture's bad rows
    with pytest.raises(SystemExit):
        top.parse_args(["incidents", "import", str(GTD), "--format", "xls", "--out", "x.gpkg"])


def test_the_incident_atlas_command_imports_and_build_draws_the_imported_incidents(tmp_path: Path) -> None:
    from atlas_cli.main import main

    gpkg = tmp_path / "ucdp.gpkg"
    assert main(["incidents", "import", str(FIXTURES / "ucdp_ged_pakistan.csv"), "--out", str(gpkg)]) in (0, 2)
    imported = read_imported(gpkg)
    assert len(imported) > 0
    out = tmp_path / "out"
    assert main(["build", "--incidents", str(gpkg), "--out", str(out)]) == 0
    drawn = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["id"] for f in drawn) == sorted(imported["id"])
    assert len(incidents_layer(gpkg)) == len(imported)  # the dashboard's path reads it too


def test_a_count_beyond_any_toll_is_a_skipped_row_not_a_crash(tmp_path: Path) -> None:
    with (FIXTURES / "acled_pakistan.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("fatalities")] = "1e300"
    huge = tmp_path / "huge.csv"
    with huge.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    imported = read_dataset(huge)
    assert any("line 2:" in p and "fatalities" in p for p in imported.problems)
    assert "acled-PAK90001" not in set(imported.frame["id"])


def test_a_column_named_twice_is_one_clear_error(tmp_path: Path) -> None:
    text = (FIXTURES / "acled_pakistan.csv").read_text(encoding="utf-8")
    doubled = tmp_path / "doubled.csv"
    doubled.write_text(text.replace("latitude,longitude", "Latitude,latitude", 1), encoding="utf-8")
    with pytest.raises(DatasetError, match="'latitude' comes twice"):
        read_dataset(doubled)


def test_an_unreadable_imported_incidents_file_is_a_case_error(tmp_path: Path) -> None:
    # The build and the dashboard read a case's incidents file (which may be an imported
    # GeoPackage) and catch CaseError: a damaged GeoPackage must be one of those.
    damaged = tmp_path / "incidents.gpkg"
    damaged.write_bytes(b"not a GeoPackage")
    with pytest.raises(CaseError, match="not a GeoPackage of imported incidents"):
        incidents_layer(damaged)
