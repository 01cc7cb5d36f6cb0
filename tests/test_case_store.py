"""The case store (atlas_ui/case_store.py): cases users create, on disk, written atomically and safely."""
from __future__ import annotations

import io
import json
import os
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from atlas_ui import case_store
from atlas_ui.case_store import StoreError
from atlas_ui.reports import SESSION_REPORTS
from geo.cases import Case, read_case
from geo.places import places_in_text
from layers.build import CASE_RECORD_NAME, build_case, case_record, case_record_bytes
from layers.export import write_layers

REPORT = ("PESHAWAR, 3 February 2025: A suicide bomber blew himself up outside a police station in Peshawar, "
          "killing 12 people and injuring 30, police said.")


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("INCIDENT_ATLAS_HOME", str(tmp_path / "home"))
    return case_store.store_root()


def _case(title: str = "Police station bombing, Peshawar", case_id: str = "police-station-bombing-peshawar") -> Case:
    return Case(id=case_id, title=title, date=date(2025, 2, 3), kind="suicide_bombing")


def test_the_store_lives_in_the_atlas_home(root, tmp_path):
    assert root == tmp_path / "home" / "cases"
    assert case_store.list_cases(root) == ([], [])  # not there yet: no cases, no error


def test_a_created_case_reads_back_like_a_built_in_one(root):
    created = case_store.create_case(root, _case(), {"report.txt": REPORT})
    assert created.folder == root / created.id
    again = read_case(created.folder)  # what `incident-atlas build --case` reads
    assert (again.id, again.title, again.date, again.kind) == (created.id, created.title, date(2025, 2, 3),
                                                               "suicide_bombing")
    assert (created.folder / "articles" / "report.txt").read_text(encoding="utf-8") == REPORT
    cases, errors = case_store.list_cases(root)
    assert [case.id for case in cases] == [created.id] and errors == []
    # Nothing is left behind: no temporary folder or file in the store or the case.
    assert sorted(path.name for path in root.iterdir()) == [created.id]
    assert sorted(path.name for path in created.folder.rglob("*")) == ["articles", "case.toml", "report.txt"]


def test_creating_is_atomic_a_failed_write_leaves_no_case(root, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(case_store.os, "rename", fail)
    with pytest.raises(StoreError, match="No space left"):
        case_store.create_case(root, _case(), {"report.txt": REPORT})
    assert list(root.iterdir()) == []  # neither the case nor its half-written temporary folder
    assert case_store.list_cases(root) == ([], [])


def test_a_half_written_case_is_never_listed(root):
    case_store.create_case(root, _case(), {"report.txt": REPORT})
    pending = root / ".pending-0123456789abcdef"
    (pending / "articles").mkdir(parents=True)  # a create that was killed half-way
    cases, errors = case_store.list_cases(root)
    assert [case.id for case in cases] == ["police-station-bombing-peshawar"] and errors == []


def test_folders_left_by_an_interrupted_create_or_delete_are_removed_after_an_hour(root):
    created = case_store.create_case(root, _case(), {"report.txt": REPORT})
    old = time.time() - case_store.LEFTOVER_AGE_S - 60
    leftovers = [root / ".pending-0123456789abcdef", root / ".removed-fedcba9876543210"]
    for folder in leftovers:  # a create killed half-way, a delete killed before its files went
        (folder / "articles").mkdir(parents=True)
        (folder / "articles" / "report.txt").write_text(REPORT, encoding="utf-8")
        os.utime(folder, (old, old))
    recent = root / ".pending-00000000000000aa"  # a create that may still be running
    (recent / "articles").mkdir(parents=True)
    cases, errors = case_store.list_cases(root)
    assert [case.id for case in cases] == [created.id] and errors == []
    assert sorted(path.name for path in root.iterdir()) == sorted([created.id, recent.name])


def test_ids_are_made_unique_against_stored_and_reserved_ids(root):
    first = case_store.create_case(root, _case(), {"a.txt": REPORT})
    second = case_store.create_case(root, _case(), {"a.txt": REPORT})
    reserved = case_store.create_case(root, _case(case_id="built-in-case"), {"a.txt": REPORT},
                                      reserved=frozenset({"built-in-case"}))
    assert (first.id, second.id, reserved.id) == ("police-station-bombing-peshawar",
                                                  "police-station-bombing-peshawar-2", "built-in-case-2")
    assert case_store.unique_id("x" * 80, {"x" * 80}) == "x" * 78 + "-2"
    assert case_store.unique_id("../etc", set()) == "case"  # not an id: a plain one instead
    assert {case.id for case in case_store.list_cases(root)[0]} == {first.id, second.id, reserved.id}


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "passwd.txt"),
    ("..\\..\\evil.txt", "evil.txt"),
    (".bashrc", "bashrc.txt"),
    ("...", "report.txt"),
    ("", "report.txt"),
    ("a/b/.hidden.txt", "hidden.txt"),
    ("line\nbreak\x00.txt", "line break.txt"),
    ("report.TXT", "report.txt"),
    ("x" * 500 + ".txt", "x" * (case_store.MAX_NAME - 4) + ".txt"),
])
def test_report_names_cannot_leave_the_case_folder(name, safe):
    assert case_store.report_name(name) == safe


def test_path_tricks_are_refused(root, tmp_path):
    created = case_store.create_case(root, _case(), {"../../outside.txt": REPORT, ".profile": REPORT})
    assert sorted(path.name for path in (created.folder / "articles").iterdir()) == ["outside.txt", "profile.txt"]
    assert not (tmp_path / "outside.txt").exists() and not (root / "outside.txt").exists()
    stored = case_store.add_report(created, "../../../escape.txt", REPORT)
    assert stored == "escape.txt" and (created.folder / "articles" / "escape.txt").is_file()
    for bad_id in ("..", "../home", "a/b", "", ".pending-x", "UPPER", "-x"):
        with pytest.raises(StoreError):
            case_store.case_folder(root, bad_id)
    with pytest.raises(StoreError):
        case_store.remove_report(created, "../case.toml")
    assert (created.folder / "case.toml").is_file()
    # A link planted in a case is never read as a report.
    (created.folder / "articles" / "link.txt").symlink_to("/etc/hostname")
    reports, errors = case_store.read_reports(created)
    assert "link.txt" not in {report.name for report in reports}
    assert errors == ["link.txt: a link, not a report file; skipped"]


def test_reports_are_added_and_removed_and_names_stay_distinct(root):
    created = case_store.create_case(root, _case(), {"report.txt": REPORT})
    assert case_store.add_report(created, "report.txt", "A second report from Peshawar.") == "report (2).txt"
    names = [report.name for report in case_store.read_reports(created)[0]]
    assert names == ["report (2).txt", "report.txt"]
    case_store.remove_report(created, "report.txt")
    assert [report.name for report in case_store.read_reports(created)[0]] == ["report (2).txt"]
    with pytest.raises(StoreError, match="at least one report"):
        case_store.remove_report(created, "report (2).txt")
    with pytest.raises(StoreError, match="not a report"):
        case_store.remove_report(created, "never-there.txt")
    leftovers = [path.name for path in (created.folder / "articles").iterdir() if path.name.startswith(".")]
    assert leftovers == []  # every write went through a temporary file that was renamed


def test_a_case_holds_at_most_the_session_budget(root):
    reports = {f"r{number}.txt": REPORT for number in range(SESSION_REPORTS)}
    created = case_store.create_case(root, _case(), reports)
    with pytest.raises(StoreError, match=f"at most {SESSION_REPORTS} reports"):
        case_store.add_report(created, "one-more.txt", REPORT)
    with pytest.raises(StoreError, match="at most"):
        case_store.create_case(root, _case(), {**reports, "one-more.txt": REPORT})


def test_rename_keeps_the_id_and_delete_removes_everything(root):
    created = case_store.create_case(root, _case(), {"report.txt": REPORT})
    new = case_store.rename_case(created, "  Bombing at the Hayatabad police station  ")
    assert (new.id, new.title) == (created.id, "Bombing at the Hayatabad police station")
    assert read_case(created.folder).title == new.title
    with pytest.raises(StoreError, match="title"):
        case_store.rename_case(created, "   ")
    case_store.delete_case(new)
    assert list(root.iterdir()) == []
    built_in = Case(id="built-in", title="Built in", folder=root, built_in=True)
    for change in (lambda: case_store.rename_case(built_in, "x"), lambda: case_store.delete_case(built_in),
                   lambda: case_store.add_report(built_in, "a.txt", REPORT)):
        with pytest.raises(StoreError, match="built-in"):
            change()


def test_damaged_case_folders_are_one_line_each_and_the_others_load(root):
    good = case_store.create_case(root, _case(), {"report.txt": REPORT})
    (root / "bad-toml").mkdir()
    (root / "bad-toml" / "case.toml").write_text("title = [unclosed", encoding="utf-8")
    (root / "not-utf8").mkdir()
    (root / "not-utf8" / "case.toml").write_bytes(b'title = "\xff\xfe"')
    (root / "no-settings").mkdir()
    (root / "other-id").mkdir()
    (root / "other-id" / "case.toml").write_text('id = "someone-else"\ntitle = "x"\n', encoding="utf-8")
    (root / "Not An Id").mkdir()
    (root / "stray-file.txt").write_text("not a case", encoding="utf-8")
    cases, errors = case_store.list_cases(root)
    assert [case.id for case in cases] == [good.id]
    assert len(errors) == 5, errors
    for error in errors:
        assert "\n" not in error and str(root) not in error  # one line, no server path
    joined = " | ".join(errors)
    for folder in ("bad-toml", "not-utf8", "no-settings", "other-id", "Not An Id"):
        assert folder in joined
    assert "not valid TOML" in joined and "cannot be read" in joined


def test_the_zip_holds_the_case_folder_and_its_layers(root, tmp_path):
    created = case_store.create_case(root, _case(case_id=""), {"report.txt": REPORT})
    reports = [(report.name, report.text, places_in_text(report.text, report.name))
               for report in case_store.read_reports(created)[0]]
    built = build_case(created, reports)
    record = case_record_bytes(case_record(built.case, built.site, [name for name, _, _ in reports]))
    out = tmp_path / "layers"
    files = {path.name: path.read_bytes() for path in write_layers(built.layers, out, {CASE_RECORD_NAME: record})}
    archive = zipfile.ZipFile(io.BytesIO(case_store.case_zip(created, files)))
    assert archive.testzip() is None
    names = set(archive.namelist())
    top = f"{created.id}/"
    assert {top + "case.toml", top + "articles/report.txt", top + "layers/case.json",
            top + "layers/attack_site.geojson", top + "layers/all_layers.geojson", top + "layers/layers.gpkg"} <= names
    assert all(name.startswith(top) and ".." not in name for name in names)
    for name in names:
        if name.endswith(".geojson"):
            collection = json.loads(archive.read(name))
            assert collection["type"] == "FeatureCollection", name
    site = json.loads(archive.read(top + "layers/attack_site.geojson"))
    assert site["features"], "the reports' site is in the zip"
    assert json.loads(archive.read(top + "layers/case.json"))["id"] == created.id
    assert archive.read(top + "articles/report.txt").decode("utf-8") == REPORT
    # Unpacked, the folder is a case the command line can build.
    archive.extractall(tmp_path / "unpacked")
    assert read_case(tmp_path / "unpacked" / created.id).title == created.title


def test_an_unwritable_store_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("INCIDENT_ATLAS_HOME", str(blocker))  # the home is a file, not a folder
    with pytest.raises(StoreError) as caught:
        case_store.create_case(case_store.store_root(), _case(), {"report.txt": REPORT})
    assert "\n" not in str(caught.value) and str(tmp_path) not in str(caught.value)
    assert "INCIDENT_ATLAS_HOME" in str(caught.value)
    assert os.path.isfile(blocker)
