"""Numbers as intervals, and claims: figure, claimant and incident."""
from __future__ import annotations

import pytest

from geo.claims import FIGURES, claims_in_text, load_incident_refs
from geo.numbers import find_quantities
from tests.builtin import BUILT_IN

INCIDENTS = load_incident_refs()
MAIN = next(ref for ref in INCIDENTS if ref.id == BUILT_IN.id)


@pytest.mark.parametrize("text, low, high", [
    ("1,600", 1600, 1600), ("nine", 9, 9), ("twenty-one", 21, 21), ("a dozen", 12, 12),
    ("over 50", 51, None), ("more than 150", 151, None), ("at least 27", 27, None),
    ("nearly 500", 450, 500), ("about 450", 405, 495), ("hundreds", 200, 999),
    ("dozens of", 24, 99), ("30 to 40", 30, 40), ("30-40", 30, 40), ("between 30 and 40", 30, 40),
    ("over half a dozen", 7, None), ("up to 60", None, 60), ("1.6 million", 1_600_000, 1_600_000),
])
def test_number_phrases_become_intervals(text: str, low: int | None, high: int | None) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.low, quantity.high) == (low, high)
    assert quantity.text == text


@pytest.mark.parametrize("text", ["", "no numbers here", "40 to 30", "one-sided", "a",
                                  "9" * 400, "1,2,3,4", "--5--", "½ of them"])
def test_odd_numbers_never_crash(text: str) -> None:
    find_quantities(text)
    claims_in_text(text, "t.txt", MAIN, INCIDENTS)


def claims(text: str):
    return [(c.figure, c.low, c.high, c.claimant, c.incident)
            for c in claims_in_text(text, "t.txt", MAIN, INCIDENTS)]


def test_figures_claimants_and_bounds() -> None:
    text = ("Security officials said the military rescued at least 155 hostages and killed "
            "27 militants. The BLA claimed that it was holding 214 people.")
    assert claims(text) == [
        ("rescued", 155, None, "security officials", MAIN.id),
        ("militants_killed", 27, 27, "security officials", MAIN.id),
        ("hostages_held", 214, 214, "BLA", MAIN.id),
    ]


def test_claim_about_another_incident_goes_to_that_incident() -> None:
    text = "In November, the BLA carried out a suicide bombing at a train station in Quetta, killing 26 people."
    assert claims(text) == [("killed_total", 26, 26, "", "2024-11-09-quetta-station")]


def test_follow_up_sentence_stays_with_the_other_incident() -> None:
    text = ("In August, they had killed over 50 people. Those killed included 23 passengers who "
            "were fatally shot in Musakhail.")
    incidents = {c[4] for c in claims(text)}
    assert len(incidents) == 1 and "2024-08-26-herof-musakhail" in incidents.pop()


def test_numbers_that_count_no_people_are_not_claims() -> None:
    text = ("The 32-year-old woman said the train of nine coaches left at 9 am, 100 kilometres "
            "away, within 48 hours, in 1948, and China has invested £50bn.")
    assert claims(text) == []


def test_a_number_whose_figure_cannot_be_told_is_left_out() -> None:
    assert claims("Officials counted 40 people at the station.") == []


def test_group_strength_belongs_to_no_incident() -> None:
    assert claims("Estimates say the BLA has around 3,000 fighters.") == [
        ("group_strength", 2700, 3300, "", "")]


def test_every_figure_is_documented() -> None:
    found = {c.figure for c in claims_in_text(
        "They rescued 104 passengers, killed 16 militants and 20 soldiers died; 300 hostages remain.",
        "t.txt", MAIN, INCIDENTS)}
    assert found == {"rescued", "militants_killed", "security_personnel_killed", "hostages_remaining"}
    assert found <= set(FIGURES)


def test_a_modal_may_is_no_month() -> None:
    assert claims("Officials said 30 passengers were killed and the toll may rise.") == [
        ("civilians_killed", 30, 30, "government officials", MAIN.id)]


@pytest.mark.parametrize("text, low, high", [
    ("up to a dozen", None, 12), ("fewer than a dozen", None, 11), ("at least a dozen", 12, None)])
def test_hedged_vague_amounts(text: str, low: int | None, high: int | None) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.low, quantity.high) == (low, high)


def test_figure_ranges_with_only_open_bounds() -> None:
    import pandas as pd

    from layers.claims import figure_ranges

    table = pd.DataFrame({"figure": ["x", "x"], "low": pd.array([27, 30], dtype="Int64"),
                          "high": pd.array([None, None], dtype="Int64"), "claimant": ["a", ""]})
    [row] = figure_ranges(table).to_dict("records")
    assert (row["lowest"], row["highest"], row["open_ended"]) == (27, 30, True)



def test_cli_prints_the_claims_table_as_csv_and_json(tmp_path) -> None:
    import csv
    import io
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    article = BUILT_IN.articles_dir / "001_278177ca860003e7.txt"
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    run = [sys.executable, "-m", "atlas_cli.main", "claims", str(article), str(bad)]
    as_csv = subprocess.run(run, capture_output=True, text=True, cwd=root)
    assert as_csv.returncode == 2 and "empty file" in as_csv.stderr  # the good file still counted
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {"article", "figure", "low", "high", "claimant", "sentence"} <= set(rows[0])
    held = [r for r in rows if r["figure"] == "hostages_held"]
    assert [(r["low"], r["high"], r["claimant"]) for r in held] == [("214", "214", "BLA")]
    as_json = subprocess.run(run[:4] + ["--format", "json", str(article)], capture_output=True,
                             text=True, cwd=root)
    records = json.loads(as_json.stdout)
    assert len(records) == len(rows)
    assert any(r["figure"] == "rescued" and r["low"] == 155 and r["high"] is None for r in records)


def test_curated_claims_keep_every_version_with_a_source() -> None:
    from layers.claims import curated_claims
    from tests.builtin import BUILT_IN
    table = curated_claims(BUILT_IN.curated_file("claims.csv"))
    assert set(table["figure"]) <= set(FIGURES)
    assert table["sources"].str.startswith("http").all()
    aboard = set(zip(table[table["figure"] == "aboard"]["low"], table[table["figure"] == "aboard"]["high"]))
    assert (380, 380) in aboard and len(aboard) >= 4  # ISPR's final 380 and the earlier versions
    assert {"BLA", "ISPR/military"} <= set(table["claimant"])
    bounded = table.dropna(subset=["low", "high"])
    assert (bounded["low"] <= bounded["high"]).all()


def test_figure_chart_rows_are_distinct_and_open_bounds_reach_past_the_top() -> None:
    import pandas as pd

    from layers.claims import figure_chart_frame

    claims = pd.DataFrame({"low": pd.array([27, 30, 27], dtype="Int64"),
                           "high": pd.array([None, 30, None], dtype="Int64"),
                           "claimant": ["BLA", "BLA", ""], "claim_date": ["2025-03-11", "2025-03-11", ""],
                           "article": ["", "", "000_75480677563b29d2.txt"], "quote": ["a", "b", "c"],
                           "origin": ["x", "x", "article"]})
    frame = figure_chart_frame(claims)
    assert frame["source"].is_unique
    assert list(frame["source"])[2] == "3. report 000 · unattributed"
    assert list(frame["bound"]) == ["open-ended", "bounded", "open-ended"]
    assert frame["high_end"].iloc[0] > 30 and frame["high_end"].iloc[1] == 30


@pytest.mark.parametrize("text", [
    "Officials said 40% of the 300 passengers were killed.",
    "Officials said 3 hours later 9 soldiers were killed.",
    "Police said 80 train passengers were rescued from 5 km away.",
])
def test_numbers_with_a_unit_count_nothing(text: str) -> None:
    quotes = [claim.quote for claim in claims_in_text(text, "t.txt", MAIN, INCIDENTS)]
    assert not any(q.startswith(("40", "3 ", "80 ", "5 ")) for q in quotes), quotes


@pytest.mark.parametrize("text, expected", [
    # The military's press releases say its kills were "sent to hell".
    ("Security forces said eight khwarij were sent to hell in the operation.", ("militants_killed", 8)),
    # Treatment says injured, whether the count has a noun or not.
    ("Five people were killed and 45 others were undergoing treatment at the hospital.", ("injured", 45)),
    ("Twelve people were receiving treatment after the blast.", ("injured", 12)),
])
def test_figures_from_the_wording_of_press_releases_and_hospitals(text: str, expected: tuple[str, int]) -> None:
    assert expected in [(c.figure, c.low) for c in claims_in_text(text, "a.txt")]


@pytest.mark.parametrize("text, absent", [
    ("Ten people were injured; 4 of them are under treatment while six were discharged.", ("injured", 4)),
    ("The minister said 30 terrorists will be sent to hell soon.", ("militants_killed", 30)),
])
def test_a_part_of_a_count_or_a_threat_is_no_figure(text: str, absent: tuple[str, int]) -> None:
    assert absent not in [(c.figure, c.low) for c in claims_in_text(text, "a.txt")]
