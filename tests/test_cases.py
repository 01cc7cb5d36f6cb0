"""Cases: folders read and refused, what is inferred from reports, and builds of any incident."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from atlas_cli.main import main
from geo.case_inference import case_title, completed_case, incident_date, incident_kind
from geo.cases import Case, CaseError, built_in_cases, case_toml, read_case, renamed, slug
from geo.disambiguate import haversine_km
from tests.builtin import BUILT_IN

ROOT = Path(__file__).resolve().parent.parent
GOLD_LAYERS = Path(__file__).parent / "gold" / "built_in_layers"
#: Columns the incidents layer gained for cases: checked by their own tests below.
CASE_COLUMNS = {"distance_km", "before_case", "is_case"}

# A report of another incident, written for these tests (no real text copied).
PESHAWAR_REPORT = """\
A bomb ripped through a crowded vegetable market in the Hayatabad area of Peshawar on 14 February 2025, \
killing at least seven people and wounding 23 others, police said.
The blast went off near a police van parked at the market entrance, senior police officer Ali Khan told reporters.
The injured were shifted to Lady Reading Hospital, where doctors said four were in critical condition.
Most of the victims were labourers from Charsadda and Mardan.
Last year, a suicide bombing at a mosque in Quetta claimed 26 lives.
"""


def _write_case(folder: Path, toml: str | None, reports: dict[str, str]) -> Path:
    (folder / "articles").mkdir(parents=True)
    if toml is not None:
        (folder / "case.toml").write_text(toml, encoding="utf-8")
    for name, text in reports.items():
        (folder / "articles" / name).write_text(text, encoding="utf-8")
    return folder


# --- the case folder ----------------------------------------------------------------------

def test_the_built_in_case_is_a_folder_with_its_settings_and_files() -> None:
    cases, errors = built_in_cases()
    assert errors == [] and cases[0] == BUILT_IN
    assert BUILT_IN.built_in and BUILT_IN.date and BUILT_IN.kind and BUILT_IN.title
    assert BUILT_IN.view is not None and BUILT_IN.route is not None
    for name in ("route.csv", "attack_site.csv", "claims.csv"):
        assert BUILT_IN.curated_file(name) is not None
    assert len(list(BUILT_IN.articles_dir.glob("*.txt"))) == 5


def test_case_settings_round_trip_through_case_toml(tmp_path: Path) -> None:
    written = _write_case(tmp_path / "c", case_toml(BUILT_IN), {})
    again = read_case(written)
    assert (again.id, again.title, again.date, again.kind, again.view, again.route, dict(again.claimants)) == (
        BUILT_IN.id, BUILT_IN.title, BUILT_IN.date, BUILT_IN.kind, BUILT_IN.view, BUILT_IN.route,
        dict(BUILT_IN.claimants))


@pytest.mark.parametrize("toml, says", [
    ("id = 'x\n", "not valid TOML"),
    ("id = 'Bad Id!'\n", "lowercase letters"),
    ("id = 'ok'\ndate = 'last week'\n", "date must be"),
    ("id = 'ok'\nkind = 'picnic'\n", "kind 'picnic'"),
    ("id = 'ok'\nhome_country = 'Pakistan'\n", "two-letter"),
    ("id = 'ok'\n[view]\nlat = 100\nlon = 0\nzoom = 5\n", "lat must be"),
    ("id = 'ok'\ncolour = 'red'\n", "unknown setting 'colour'"),
    ("id = 'ok'\n[claimants]\nBLA = 'x'\n", "list of names"),
])
def test_a_damaged_case_toml_is_one_line_naming_the_problem(tmp_path: Path, toml: str, says: str) -> None:
    folder = _write_case(tmp_path / "c", toml, {})
    with pytest.raises(CaseError) as caught:
        read_case(folder)
    message = str(caught.value)
    assert says in message and "\n" not in message and str(folder) in message


def test_a_missing_case_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="no such directory"):
        read_case(tmp_path / "nowhere")


def test_a_folder_without_case_toml_is_a_case_to_infer(tmp_path: Path) -> None:
    case = read_case(_write_case(tmp_path / "c", None, {"a.txt": "x"}))
    assert (case.id, case.title, case.date) == ("", "", None)


def test_slug_and_rename() -> None:
    assert slug("Bombing in Peshawar, 14 February 2025") == "bombing-in-peshawar-14-february-2025"
    assert slug("Ḥayātābād — ‘blast’") == "hayatabad-blast"
    case = renamed(BUILT_IN, "  A new   title ")
    assert (case.id, case.title) == (BUILT_IN.id, "A new title")
    with pytest.raises(CaseError):
        renamed(BUILT_IN, "   ")


# --- what the reports say about their incident ---------------------------------------------

def test_the_incident_date_is_the_first_date_of_the_opening_not_a_recalled_one() -> None:
    assert incident_date([("a", PESHAWAR_REPORT)]) == date(2025, 2, 14)
    recalled = "Gunmen attacked a bus on Friday. In an attack on March 3, 2019, ten died."
    assert incident_date([("a", "Militants attacked a camp on 2024-08-26. More later.")]) == date(2024, 8, 26)
    assert incident_date([("a", "No date here. " * 20 + recalled)]) is None


def test_the_kind_is_read_from_the_openings_event_words() -> None:
    assert incident_kind([("a", PESHAWAR_REPORT)]) == "bombing"
    assert incident_kind([("a", "A suicide bomber blew himself up near a convoy; the blast killed 5.")]) \
        == "suicide_bombing"
    assert incident_kind([("a", "Gunmen opened fire on a van, shooting dead three teachers.")]) == "shooting"
    assert incident_kind([("a", "Armed men abducted two engineers from a site near the dam.")]) == "kidnapping"
    assert incident_kind([("a", "Nothing happened today.")]) == ""


def test_a_case_without_settings_gets_an_id_and_a_title_from_its_reports() -> None:
    case = completed_case(Case(id="", title=""), [("a", PESHAWAR_REPORT)], [])
    assert case.date == date(2025, 2, 14) and case.kind == "bombing"
    assert case.title == "Bombing, 14 February 2025" and case.id == "2025-02-14-bombing"
    assert case_title("raid", [], None) == "Raid"


def test_settings_win_over_what_the_reports_say() -> None:
    case = completed_case(BUILT_IN, [("a", PESHAWAR_REPORT)], [])
    assert (case.id, case.title, case.date, case.kind) == (BUILT_IN.id, BUILT_IN.title, BUILT_IN.date,
                                                            BUILT_IN.kind)


# --- builds --------------------------------------------------------------------------------

def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_the_built_in_case_builds_the_same_layers_as_before(tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    for gold in sorted(GOLD_LAYERS.glob("*.geojson")):
        before, now = _features(gold), _features(tmp_path / gold.name)
        assert len(now) == len(before), gold.name
        for old, new in zip(before, now):
            assert new["geometry"] == old["geometry"], gold.name
            properties = {key: value for key, value in new["properties"].items() if key not in CASE_COLUMNS}
            assert properties == old["properties"], (gold.name, old["properties"].get("id"))
    record = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    assert record["id"] == BUILT_IN.id and record["date"] == BUILT_IN.date.isoformat()
    assert record["kind"] == BUILT_IN.kind and record["title"] == BUILT_IN.title
    site = record["site"]
    gold_best = next(f for f in _features(GOLD_LAYERS / "attack_site.geojson")
                     if f["properties"]["role"] == "best_estimate")
    assert [site["lon"], site["lat"]] == pytest.approx(gold_best["geometry"]["coordinates"])


def test_incidents_around_the_built_in_case_have_distances_and_its_own_is_marked(tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    incidents = [f["properties"] for f in _features(tmp_path / "incidents.geojson")]
    own = [p for p in incidents if p["is_case"]]
    assert [p["id"] for p in own] == [BUILT_IN.id] and own[0]["distance_km"] < 1
    assert all(p["distance_km"] > 0 for p in incidents if not p["is_case"])
    assert all(p["before_case"] == (p["date_end"] < BUILT_IN.date.isoformat()) for p in incidents)


def test_a_report_of_another_incident_builds_its_own_case(tmp_path: Path) -> None:
    reports = _write_case(tmp_path / "reports", None, {"peshawar.txt": PESHAWAR_REPORT}) / "articles"
    out = tmp_path / "out"
    assert main(["build", "--articles", str(reports), "--out", str(out)]) == 0
    record = json.loads((out / "case.json").read_text(encoding="utf-8"))
    assert record["date"] == "2025-02-14" and record["kind"] == "bombing"
    assert record["id"] != BUILT_IN.id and "peshawar" in record["id"]
    # Hayatabad, Peshawar: not the built-in case's site, not the hospital or home towns.
    assert haversine_km(record["site"]["lat"], record["site"]["lon"], 33.99, 71.45) < 15
    assert _features(out / "route.geojson") == [] and _features(out / "stops.geojson") == []
    roles = [f["properties"]["role"] for f in _features(out / "attack_site.geojson")]
    assert roles[:2] == ["best_estimate", "uncertainty_area"] and "candidate" in roles
    incidents = [f["properties"] for f in _features(out / "incidents.geojson")]
    assert not any(p["is_case"] for p in incidents)
    assert all(p["before_case"] == (p["date_end"] < "2025-02-14") for p in incidents)


@pytest.mark.parametrize("curated_at, rival", [((34.0, 71.5), False), ((35.0, 72.5), True)])
def test_a_case_folder_uses_its_settings_and_curated_files(tmp_path: Path, curated_at, rival: bool) -> None:
    toml = "id = 'market-blast'\ntitle = 'Market blast'\ndate = 2025-02-14\nkind = 'bombing'\n"
    folder = _write_case(tmp_path / "case", toml, {"peshawar.txt": PESHAWAR_REPORT})
    (folder / "attack_site.csv").write_text(
        "id,label,lat,lon,precision_km,best_estimate,basis,supported_by,sources\n"
        f"gate,Market gate,{curated_at[0]},{curated_at[1]},1,yes,a survey,an analyst,https://example.org/survey\n",
        encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--case", str(folder), "--out", str(out)]) == 0
    record = json.loads((out / "case.json").read_text(encoding="utf-8"))
    assert (record["id"], record["title"]) == ("market-blast", "Market blast")
    assert record["site"]["id"] == "gate"  # the curated best estimate stays the best
    features = _features(out / "attack_site.geojson")
    candidates = [f["properties"] for f in features if f["properties"]["role"] == "candidate"]
    # The reports' own best reading (Hayatabad, Peshawar) is added only where no curated row covers it.
    assert [c["id"] for c in candidates] == (["gate", "hayatabad"] if rival else ["gate"])
    if rival:
        assert "article:peshawar.txt" in candidates[1]["sources"] and candidates[1]["supported_by"]


@pytest.mark.parametrize("setup, says", [
    (lambda d: _write_case(d, "id = 'x\n", {"a.txt": "x"}), "not valid TOML"),
    (lambda d: d, "no such directory"),
    (lambda d: _write_case(d, "id = 'ok'\n", {}), "no articles"),
])
def test_a_bad_case_folder_is_one_line_on_the_command_line(tmp_path: Path, setup, says: str) -> None:
    folder = setup(tmp_path / "case")
    run = subprocess.run([sys.executable, "-m", "atlas_cli.main", "build", "--case", str(folder),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in run.stderr


def test_claims_of_a_report_go_to_its_own_incident(tmp_path: Path, capsys) -> None:
    report = tmp_path / "peshawar.txt"
    report.write_text(PESHAWAR_REPORT, encoding="utf-8")
    assert main(["claims", str(report), "--format", "json"]) == 0
    claims = json.loads(capsys.readouterr().out)
    incidents = {c["incident"] for c in claims}
    assert BUILT_IN.id not in incidents
    killed = [c for c in claims if c["figure"] == "killed_total"]
    assert killed and killed[0]["low"] == 7 and killed[0]["incident"].startswith("2025-02-14")
    recalled = [c for c in claims if c["low"] == 26]
    assert recalled and all(not c["incident"].startswith("2025-02-14") for c in recalled)


# A second invented report: a hospital city, home towns and a recalled attack around the site.
BAZAAR_REPORT = """\
KHAR: A bomb planted on a motorcycle went off in the main bazaar of Khar, Bajaur, on Friday, \
killing four shopkeepers and injuring 14 people, police said.
The wounded were taken to the district headquarters hospital and six were later referred to Peshawar.
The dead were from Mardan, Charsadda and Timergara, relatives said.
The blast came a year after a suicide bombing at a political rally in Bajaur killed 63 people.
"""


def test_the_hospital_home_towns_and_a_recalled_attack_neither_place_nor_name_the_case(tmp_path: Path) -> None:
    reports = _write_case(tmp_path / "reports", None, {"khar.txt": BAZAAR_REPORT}) / "articles"
    out = tmp_path / "out"
    assert main(["build", "--articles", str(reports), "--out", str(out)]) == 0
    record = json.loads((out / "case.json").read_text(encoding="utf-8"))
    assert record["kind"] == "bombing"  # the suicide bombing is the recalled one
    khar = (34.73, 71.52)
    assert haversine_km(record["site"]["lat"], record["site"]["lon"], *khar) < 10
    features = _features(out / "attack_site.geojson")
    candidates = [f for f in features if f["properties"]["role"] == "candidate"]
    assert all(haversine_km(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], *khar) < 30
               for f in candidates), [f["properties"]["label"] for f in candidates]
    area = next(f for f in features if f["properties"]["role"] == "uncertainty_area")
    lons = [lon for lon, _ in area["geometry"]["coordinates"][0]]
    assert max(lons) - min(lons) < 0.5  # not stretched to Peshawar or Mardan, 60–100 km away


def test_of_several_attacks_the_same_day_only_the_nearest_is_the_case() -> None:
    import geopandas as gpd
    from layers.incidents import around_case
    two = gpd.GeoDataFrame({"id": ["north", "south"], "date_start": ["2024-08-26"] * 2, "date_end": [""] * 2,
                            "precision_km": [5.0, 5.0]},
                           geometry=gpd.points_from_xy([66.70, 66.75], [29.60, 29.40]), crs=4326)
    marked = around_case(two, "a-case", date(2024, 8, 26), (29.45, 66.74), 20)  # 6 km from south, 17 from north
    assert list(marked["is_case"]) == [False, True]
    assert list(around_case(two, "a-case", date(2024, 8, 20), (29.45, 66.74), 20)["is_case"]) == [False, False]
    # Farther than either position may be off: another attack that day, not this one.
    far = around_case(two, "a-case", date(2024, 8, 26), (29.60, 66.95), 2)  # 20 km from north
    assert list(far["is_case"]) == [False, False]


@pytest.mark.parametrize("file_name, content, says", [
    ("attack_site.csv", "id,label,lat,lon,best_estimate,sources\na,A,34,71,yes,x\n", "no 'precision_km' column"),
    ("attack_site.csv", "id,label,lat,lon,precision_km,best_estimate,sources\n", "exactly one row"),
    ("attack_site.csv", "id,label,lat,lon,precision_km,best_estimate,sources\na,A,95,71,1,yes,x\n",
     "line 2: lat '95' must be a finite number from -90 to 90"),
    ("attack_site.csv", "id,label,lat,lon,precision_km,best_estimate,sources\na,A,34,71,inf,yes,x\n",
     "precision_km 'inf' must be a finite number of at least 0"),
    ("attack_site.csv", 'id,label,lat,lon,precision_km,best_estimate,sources\na,"A\nB",34,71,1,yes,x\n'
                        "b,B,-91,71,1,no,x\n", "line 4: lat '-91'"),  # a quoted line break counted
    ("attack_site.csv", "id,label,lat,lon,precision_km,best_estimate,sources\na,A,abc,71,1,yes,x\n", "lat 'abc'"),
    ("attack_site.csv", b"id,label,lat,lon,precision_km,best_estimate,sources\na,\xff,34,71,1,yes,x\n", "not UTF-8"),
    ("attack_site.csv", "id,label,lat,lon,precision_km,best_estimate,sources\na,A,34,71,1,yes,\n", "has no source"),
    ("route.csv", "seq,name,lon,precision_km,source\n1,A,71,1,x\n", "no 'lat' column"),
    ("route.csv", "\ufeffseq,name,lat,lon,precision_km,source\n1,A,34,71,1,x\n", "two or more stops"),  # BOM read
    ("route.csv", "seq,name,lat,lon,precision_km,source\n1,A,34,71,1,x\n3,B,34,72,1,x\n", "two or more stops"),
    ("claims.csv", "id,incident,figure,low,high,claimant,sources\na,b,killed_total,two,,police,x\n", "low 'two'"),
])
def test_a_damaged_curated_file_is_one_line_naming_it(tmp_path: Path, file_name: str, content, says: str) -> None:
    toml = "id = 'c'\ntitle = 'C'\n[route]\nname = 'R'\n"
    folder = _write_case(tmp_path / "case", toml, {"peshawar.txt": PESHAWAR_REPORT})
    target = folder / file_name
    target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    if file_name == "claims.csv":
        from layers.claims import curated_claims
        with pytest.raises(CaseError, match=says):
            curated_claims(target)
        return
    run = subprocess.run([sys.executable, "-m", "atlas_cli.main", "build", "--case", str(folder),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"case/{file_name}" in lines[0] and says in lines[0], lines
    assert "Traceback" not in run.stderr and not (tmp_path / "out" / "case.json").exists()


def test_claims_of_a_case_folder_go_to_that_case(tmp_path: Path, capsys) -> None:
    # The built-in case's reports, given as files, are that case's (its case.toml is beside them).
    assert main(["claims", *map(str, sorted(BUILT_IN.articles_dir.glob("*.txt"))), "--format", "json"]) == 0
    incidents = [c["incident"] for c in json.loads(capsys.readouterr().out)]
    assert incidents.count(BUILT_IN.id) > len(incidents) / 2
    assert all(i == BUILT_IN.id or not i.startswith("2025-03-11") for i in incidents)  # never an inferred id
    # A case folder of the user's, with --case: its settings' id, and the reports' own figures.
    toml = "id = 'market-blast'\ntitle = 'Market blast'\ndate = 2025-02-14\n"
    folder = _write_case(tmp_path / "case", toml, {"peshawar.txt": PESHAWAR_REPORT})
    assert main(["claims", "--case", str(folder), "--format", "json"]) == 0
    claims = json.loads(capsys.readouterr().out)
    assert any(c["incident"] == "market-blast" and c["figure"] == "killed_total" and c["low"] == 7 for c in claims)
    assert all(c["incident"] != "market-blast" for c in claims if c["low"] == 26)


def test_claims_needs_files_or_a_case(capsys) -> None:
    assert main(["claims"]) == 2
    assert capsys.readouterr().err.strip() == "incident-atlas: error: give report files, or --case DIR"


def test_a_case_folder_is_found_from_inside_it(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = _write_case(tmp_path / "market", "title = 'Market blast'\n", {"peshawar.txt": PESHAWAR_REPORT})
    monkeypatch.chdir(folder / "articles")
    assert main(["claims", "peshawar.txt", "--format", "json"]) == 0
    assert {c["incident"] for c in json.loads(capsys.readouterr().out) if c["low"] == 7} == {"market"}
    monkeypatch.chdir(folder)
    assert main(["build", "--case", ".", "--out", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "case.json").read_text(encoding="utf-8"))["id"] == "market"


def test_a_damaged_case_folder_stops_only_its_own_reports(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PESHAWAR_REPORT, encoding="utf-8")
    bad = _write_case(tmp_path / "bad", "id = 'x\n", {"r.txt": PESHAWAR_REPORT})
    assert main(["claims", str(good), str(bad / "articles" / "r.txt"), "--format", "json"]) == 2
    out = capsys.readouterr()
    assert {c["article"] for c in json.loads(out.out)} == {"good.txt"}
    assert out.err.count("\n") == 1 and "not valid TOML" in out.err
