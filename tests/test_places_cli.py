"""``incident-atlas places`` on folders, in worker processes, streamed: the same output as
one FeatureCollection built from every report at once, byte for byte."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import atlas_cli.places as places_cli
from atlas_cli.main import main
from geo.articles import read_article
from layers.build import article_places
from layers.places import places_layer
from tests.builtin import ARTICLES_DIR

REPO = Path(__file__).resolve().parent.parent
RS = b"\x1e"
# Invented reports, a sentence or two each.
REPORTS = {
    "quetta.txt": "Gunmen fired on a police van near Quetta on Monday, officials said.\n",
    "turbat.txt": "A roadside bomb hit a convoy between Turbat and Gwadar on Tuesday.\n",
    "sibi.txt": "Two soldiers were hurt in an attack on a checkpost in Sibi. The injured were taken to Quetta.\n",
    "kalat.txt": "Traders in Kalat shut their shops after a grenade attack in Mastung.\n",
    "zhob.txt": "A bus from Zhob to Loralai was stopped by armed men on Friday.\n",
    "peshawar.txt": "Police in Peshawar said the blast in Bannu killed three people.\n",
}


def _run(*args: str | Path) -> subprocess.CompletedProcess:
    """The command line in a child process; stdout and stderr are pipes (not terminals)."""
    return subprocess.run([sys.executable, "-m", "atlas_cli.main", *map(str, args)], capture_output=True,
                          cwd=REPO, timeout=120)


def _before(paths: list[Path]) -> bytes:
    """What ``places FILE…`` printed before streaming: one frame of every report, sorted."""
    articles = [read_article(path) for path in paths]
    return (places_layer(article_places(articles)).to_json(drop_id=True, ensure_ascii=False) + "\n").encode()


def _write(folder: Path, reports: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in reports]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, list[Path]]:
    """A folder of 15 reports: the built-in case's, invented ones in a nested folder, and two
    reports that share a file name with others (their features are merged and sorted);
    with every report in the order the folder is read."""
    root = tmp_path_factory.mktemp("archive")
    seeds = sorted(ARTICLES_DIR.glob("*.txt"))
    for seed in seeds:
        shutil.copy(seed, root / seed.name)
    invented = _write(root / "more" / "nested", REPORTS)
    twins = _write(root / "twins", {"quetta.txt": "Another blast in Quetta and one in Turbat were reported.\n",
                                    seeds[0].name: "Rescuers from Sibi reached Mach by train.\n"})
    (root / "notes.md").write_text("Not a report: Gwadar, Karachi.\n", encoding="utf-8")
    return root, [*[root / seed.name for seed in seeds], *invented, *twins]


def test_a_folder_is_read_recursively_and_only_its_txt_files(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    _write(root, {"quetta.txt": REPORTS["quetta.txt"]})
    _write(root / "a" / "b", {"zhob.txt": REPORTS["zhob.txt"]})
    (root / "notes.md").write_text("Karachi and Lahore.\n", encoding="utf-8")
    (root / "a" / "draft.txt.bak").write_text("Herat and Kabul.\n", encoding="utf-8")
    result = _run("places", "--jobs", "1", root)
    assert result.returncode == 0 and result.stderr == b""
    features = json.loads(result.stdout)["features"]
    assert {(f["properties"]["article"], f["properties"]["name"]) for f in features} == {
        ("quetta.txt", "Quetta"), ("zhob.txt", "Zhob"), ("zhob.txt", "Loralai")}


def test_folders_and_files_together_give_the_collection_of_every_report_byte_for_byte(
        archive, tmp_path: Path) -> None:
    root, reports = archive
    extra = _write(tmp_path, {"extra.txt": "Militants attacked a post near Chaman on Sunday.\n"})
    result = _run("places", "--jobs", "1", extra[0], root)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == _before([*extra, *reports])
    articles = [f["properties"]["article"] for f in json.loads(result.stdout)["features"]]
    assert "extra.txt" in articles and "zhob.txt" in articles and articles == sorted(articles)


def test_two_jobs_print_the_same_bytes_as_one(archive) -> None:
    root, reports = archive
    one = _run("places", "--jobs", "1", root)
    two = _run("places", "--jobs", "2", root)
    assert one.returncode == two.returncode == 0, two.stderr.decode()
    assert two.stderr == b""
    assert two.stdout == one.stdout == _before(reports)


@pytest.mark.parametrize("fmt", ["geojsonseq", "ndjson"])
def test_streamed_formats_hold_the_collections_features_one_a_line(archive, fmt: str) -> None:
    root, reports = archive
    result = _run("places", "--format", fmt, "--jobs", "2", root)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.endswith(b"\n")
    lines = result.stdout[:-1].split(b"\n")
    if fmt == "geojsonseq":  # RFC 8142: RS, one GeoJSON text, line feed
        assert all(line.startswith(RS) and line.count(RS) == 1 for line in lines)
        lines = [line[1:] for line in lines]
    else:
        assert RS not in result.stdout
    features = [json.loads(line.decode("utf-8")) for line in lines]
    assert all(feature["type"] == "Feature" for feature in features)
    assert features == json.loads(_before(reports))["features"]


def test_bad_files_are_one_line_each_and_the_rest_is_printed(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    _write(root, {"good.txt": REPORTS["turbat.txt"], "empty.txt": " \n"})
    (root / "latin1.txt").write_bytes("Caf\xe9 in Quetta.\n".encode("latin-1"))
    (tmp_path / "none").mkdir()
    result = _run("places", root, tmp_path / "missing.txt", tmp_path / "none")
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    lines = stderr.splitlines()
    assert "Traceback" not in stderr and len(lines) == 4
    assert all(line.startswith("incident-atlas: error: ") for line in lines)
    for expected in ("empty.txt: empty file", "latin1.txt: not UTF-8", "missing.txt: no such file",
                     "none: no articles"):
        assert sum(expected in line for line in lines) == 1, expected
    names = {f["properties"]["name"] for f in json.loads(result.stdout)["features"]}
    assert names == {"Turbat", "Gwadar"}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """stderr as a terminal, a progress bar that shows at once, stdout thrown away. Called
    in the test itself: pytest's capture sets sys.stderr again after the fixtures ran."""
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    monkeypatch.setattr(places_cli, "PROGRESS_DELAY_S", 0)
    return stream


def test_a_terminal_gets_a_progress_bar_and_quiet_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _on_a_terminal(monkeypatch)
    files = [str(path) for path in sorted(ARTICLES_DIR.glob("*.txt"))]
    assert main(["places", "--jobs", "1", *files]) == 0
    assert "/5 [" in terminal.getvalue()  # "  0%|  | 0/5 [00:00<?, ?file/s]"
    terminal.seek(0)
    terminal.truncate()
    assert main(["places", "--jobs", "1", "--quiet", *files]) == 0
    assert terminal.getvalue() == ""


def test_an_error_line_is_not_mixed_with_the_progress_bar(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    terminal = _on_a_terminal(monkeypatch)
    files = [*sorted(ARTICLES_DIR.glob("*.txt")), tmp_path / "zz-missing.txt"]
    assert main(["places", "--jobs", "1", *map(str, files)]) == 2
    shown = terminal.getvalue()
    assert "/6 [" in shown  # the bar was drawn
    error = f"incident-atlas: error: {tmp_path / 'zz-missing.txt'}: no such file"
    # The bar redraws its line after "\r"; the error must be a line of its own.
    segments = shown.replace("\r", "\n").split("\n")
    assert error in segments


def test_a_clean_run_into_pipes_writes_nothing_on_stderr(tmp_path: Path) -> None:
    files = _write(tmp_path, REPORTS)
    result = _run("places", *files)
    assert result.returncode == 0 and result.stderr == b""
    assert len(json.loads(result.stdout)["features"]) >= len(REPORTS)


def test_no_report_at_all_is_the_empty_collection_of_before(tmp_path: Path) -> None:
    result = _run("places", tmp_path / "missing.txt")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert result.stdout == _before([])


def test_a_report_the_parser_fails_on_is_one_line_and_the_others_are_still_written(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Gunmen attacked a bus near Quetta.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A blast hit a market in Turbat.", encoding="utf-8")
    real = places_cli.places_in_text

    def failing(text, name, **kwargs):
        if name == "a.txt":
            raise RecursionError("deep")
        return real(text, name, **kwargs)

    monkeypatch.setattr(places_cli, "places_in_text", failing)
    out, errors = io.StringIO(), []
    ok = places_cli.run_places([tmp_path], "geojson", 1, True, errors.append, put=out.write)
    assert not ok and len(errors) == 1 and "a.txt" in errors[0] and "RecursionError" in errors[0]
    collection = json.loads(out.getvalue())
    assert {f["properties"]["article"] for f in collection["features"]} == {"b.txt"}
