"""A built wheel works from any folder: the command line and the dashboard find their data."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project's wheel, built offline and unpacked into a folder of its own."""
    # Built from a copy: setuptools writes build/ and *.egg-info/ beside the sources.
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "static", ".benchmarks", ".pytest_cache"))
    wheels = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(source)], check=True, capture_output=True)
    (wheel,) = wheels.glob("*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _run(installed: Path, folder: Path, code: str) -> subprocess.CompletedProcess:
    # The unpacked wheel comes first on the path, so the checkout is never imported.
    environment = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=environment,
                          capture_output=True, text=True)


def test_the_wheel_carries_the_data_and_the_page_script(installed: Path) -> None:
    data = installed / "incident_atlas_data"
    assert (data / "gazetteer.csv").is_file() and (data / "incidents.csv").is_file()
    assert (data / "settlements.tsv.gz").is_file() and (data / "areas.geojson.gz").is_file()
    cases = [folder for folder in (data / "cases").iterdir() if (folder / "case.toml").is_file()]
    assert cases and all(list((folder / "articles").glob("*.txt")) for folder in cases)
    assert (installed / "dashboard.py").is_file()


def test_the_installed_command_builds_the_built_in_case_from_another_folder(installed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _run(installed, tmp_path, "import sys, geo.settings as s; from atlas_cli.main import main; "
                                    f"print(s.DATA_DIR); sys.exit(main(['build', '--out', {str(out)!r}]))")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == str(installed / "incident_atlas_data")
    record = json.loads((out / "case.json").read_text(encoding="utf-8"))
    assert record["site"] and record["title"]
    assert json.loads((out / "route.geojson").read_text(encoding="utf-8"))["features"]
    assert json.loads((out / "areas.geojson").read_text(encoding="utf-8"))["features"]  # outlines shipped


def test_the_installed_launcher_finds_the_page_script(installed: Path, tmp_path: Path) -> None:
    run = _run(installed, tmp_path, "from atlas_ui import launch; print(launch.DASHBOARD, launch.DASHBOARD.is_file())")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(installed / "dashboard.py"), "True"]
