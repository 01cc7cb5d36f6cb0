"""Claims in reports of any incident: every kind of figure, bare counts, recalled incidents
and claimants from data. The sentences are invented; the places are real ones so that the
curated incident list can be matched."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from geo.claims import (
    CLAIMANTS_CSV,
    FIGURES,
    OTHER_INCIDENT,
    UNNAMED_GROUP,
    IncidentRef,
    claims_in_text,
    load_claimants,
    load_incident_refs,
)
from geo.numbers import find_quantities

INCIDENTS = load_incident_refs()
# A case of its own, dated and undated; neither is in the curated list.
DATED = IncidentRef("case-dated", date(2024, 11, 20))
UNDATED = IncidentRef("case-undated", None)
QUETTA_STATION = "2024-11-09-quetta-station"


def claims(text: str, main: IncidentRef | None = DATED, **kwargs) -> list[tuple]:
    return [(c.figure, c.low, c.high, c.claimant, c.incident)
            for c in claims_in_text(text, "t.txt", main, INCIDENTS, **kwargs)]


def figures(text: str, main: IncidentRef | None = DATED) -> list[tuple]:
    return [(c.figure, c.low, c.high) for c in claims_in_text(text, "t.txt", main, INCIDENTS)]


@pytest.mark.parametrize("text, expected", [
    ("The blast killed 14 soldiers, 9 shoppers and both bombers.",
     [("security_personnel_killed", 14, 14), ("civilians_killed", 9, 9)]),
    ("Troops shot dead 6 militants after 3 policemen were wounded.",
     [("militants_killed", 6, 6), ("security_personnel_injured", 3, 3)]),
    ("Seven worshippers were injured and two attackers were hurt.",
     [("civilians_injured", 7, 7), ("militants_injured", 2, 2)]),
    ("Gunmen abducted 12 labourers from the site.", [("hostages_held", 12, 12)]),
    ("Around 30 travellers were kidnapped on the highway.", [("hostages_held", 27, 33)]),
    ("Police arrested four suspects and detained 9 people.", [("arrested", 4, 4), ("arrested", 9, 9)]),
    ("A group of 10 gunmen stormed the compound.", [("attackers", 10, 10)]),
    ("Four suicide bombers took part in the assault.", [("attackers", 4, 4)]),
    ("The attack by 40 armed men lasted an hour.", [("attackers", 40, 40)]),
    ("The outfit has about 2,000 fighters in the mountains.", [("group_strength", 1800, 2200)]),
    ("Rescuers evacuated 25 passengers from the wreck.", [("rescued", 25, 25)]),
])
def test_figures_of_any_incident(text: str, expected: list[tuple]) -> None:
    assert figures(text) == expected
    assert {figure for figure, _, _ in expected} <= set(FIGURES)


@pytest.mark.parametrize("text, expected", [
    ("Two killed and at least ten injured in the market blast.",
     [("killed_total", 2, 2), ("injured", 10, None)]),
    ("The bomb killed 5 and wounded 30 others.", [("killed_total", 5, 5), ("injured", 30, 30)]),
    ("The explosion left 7 dead.", [("killed_total", 7, 7)]),
    ("The bombing claimed 26 lives.", [("killed_total", 26, 26)]),
    ("The death toll rose to 12 on Sunday.", [("killed_total", 12, 12)]),
    ("Gunmen opened fire, killing three and wounding a dozen.", [("killed_total", 3, 3), ("injured", 12, 12)]),
    ("Eight others suffered injuries.", [("injured", 8, 8)]),
    ("Over 20 were reported injured.", [("injured", 21, None)]),
    ("Nearly two dozen died in hospital.", [("killed_total", 22, 24)]),
])
def test_a_count_with_no_noun_is_read_from_the_event_beside_it(text: str, expected: list[tuple]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "No one was hurt in the blast.",
    "The raiders freed 12 jailed comrades.",          # prisoners let out, not people rescued
    "Platform No. 1 was closed after the attack killed nobody.",
    "The attack on July 23 was condemned.",
    "The bombing took place in 2019 when officials were killed.",
    "according to the three security officials, the site was cleared.",
    "One of the attackers blew himself up at the gate.",    # a part of them, not how many
])
def test_numbers_beside_event_words_that_count_no_victims(text: str) -> None:
    assert figures(text) == []


def test_injured_others_including_a_subset_is_the_total() -> None:
    assert figures("The blast wounded 40 others including policemen.") == [("injured", 40, 40)]


def test_passive_verb_before_a_number_does_not_take_it_as_object() -> None:
    # "were martyred and 12 others … were injured": the 12 are injured, not killed.
    assert figures("Two soldiers were martyred and 12 policemen were injured.") == [
        ("security_personnel_killed", 2, 2), ("security_personnel_injured", 12, 12)]


@pytest.mark.parametrize("main", [DATED, UNDATED], ids=["dated", "undated"])
def test_a_recalled_incident_of_the_curated_list_gets_its_id(main: IncidentRef) -> None:
    text = "Last week a bombing at Quetta Railway Station claimed 26 lives."
    assert claims(text, main) == [("killed_total", 26, 26, "", QUETTA_STATION)]


@pytest.mark.parametrize("text", [
    "In 2023, a similar attack killed 50 people.",
    "Earlier this month, gunmen killed 4 guards in a nearby town.",
    "Last year militants killed 90 soldiers across the province.",
    "A previous attack on the same road left 11 dead.",
    "Three years ago, a car bomb killed 60 people there.",
])
@pytest.mark.parametrize("main", [DATED, UNDATED, None], ids=["dated", "undated", "no-case"])
def test_a_recalled_incident_nobody_curated_is_other(text: str, main: IncidentRef | None) -> None:
    [claim] = claims(text, main)
    assert claim[4] == OTHER_INCIDENT


def test_the_report_year_is_the_own_year_of_an_undated_case() -> None:
    text = ("Updated 2025-03-03. Gunmen killed 9 people on Monday. In 2025 alone, 300 people "
            "were killed. In 2023, 700 people were killed.")
    assert [c[4] for c in claims(text, UNDATED)] == [UNDATED.id, UNDATED.id, OTHER_INCIDENT]


def test_the_dateline_stands_in_for_the_date_of_an_undated_case() -> None:
    text = ("QUETTA, March 3, 2025: Gunmen killed 9 people on Saturday, March 1. "
            "On February 20, a blast had killed 3 people.")
    assert [c[4] for c in claims(text, UNDATED)] == [UNDATED.id, OTHER_INCIDENT]


def test_a_month_alone_stays_with_an_undated_case_but_not_with_a_dated_one() -> None:
    text = "In June, attackers killed 8 policemen."  # no curated incident in June 2024
    assert claims(text, UNDATED)[0][4] == UNDATED.id
    assert claims(text, DATED)[0][4] == OTHER_INCIDENT


def test_an_earlier_day_of_the_same_month_is_another_incident() -> None:
    text = "Gunmen killed 5 people on November 20. On November 2, a blast had killed 3 people."
    assert [c[4] for c in claims(text)] == [DATED.id, OTHER_INCIDENT]


def test_a_cue_counts_only_for_the_numbers_near_it() -> None:
    text = ("Two blasts killed 73 people and wounded dozens of others near the shrine on Wednesday, "
            "during the yearly ceremony held in the old city for the commander who died "
            "in an air strike in Baghdad exactly four years ago.")
    assert [c[4] for c in claims(text)] == [DATED.id, DATED.id]


def test_only_what_follows_came_after_is_the_earlier_incident() -> None:
    text = "The raid, which killed 6 guards, came a week after 10 soldiers were killed at a checkpost."
    assert [(c[0], c[1], c[4]) for c in claims(text)] == [
        ("security_personnel_killed", 6, DATED.id), ("security_personnel_killed", 10, OTHER_INCIDENT)]


def test_claimants_file_rows_are_complete_and_sourced() -> None:
    rows = load_claimants()
    with CLAIMANTS_CSV.open(encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh).fieldnames or []) == ["label", "pattern_names", "kind", "source"]
    assert all(row.source.startswith("http") and row.names for row in rows)
    labels = {row.label for row in rows}
    assert {"BLA", "BLF", "TTP", "ISKP", "Jaish al-Adl", "ISPR/military", "CTD", "Reuters", "AFP"} <= labels


@pytest.mark.parametrize("text, label", [
    ("The Tehreek-e-Taliban Pakistan claimed responsibility, saying 20 soldiers were killed.", "TTP"),
    ("Tehrik-i-Taliban Pakistan said its fighters killed 20 soldiers.", "TTP"),
    ("Jaish al-Adl said in a statement that it killed 11 policemen.", "Jaish al-Adl"),
    ("The Counter Terrorism Department said 3 militants were killed.", "CTD"),
    ("Rescue 1122 said 14 injured people were shifted to hospital.", "Rescue 1122"),
    ("Four policemen were killed, AFP reported.", "AFP"),
    ("Nigeria says 40 worshippers were killed.", "government officials"),  # any country, from data
])
def test_named_organisations_from_data_credit_their_label(text: str, label: str) -> None:
    assert [c[3] for c in claims(text)] == [label]


def test_the_group_said_credits_the_group_the_report_names() -> None:
    text = "Islamic State Khorasan Province is active in the area. The group said it killed 12 guards."
    assert [c[3] for c in claims(text)] == ["ISKP"]
    assert [c[3] for c in claims("The group said it killed 12 guards.")] == [UNNAMED_GROUP]


def test_case_claimants_add_names_to_a_label() -> None:
    text = "Spokesman Abu (Q.) Example said 7 soldiers were killed."
    assert [c[3] for c in claims(text)] == ["government officials"]  # only the role "spokesman"
    named = claims(text, claimants={"Example Front": ["Abu (Q.) Example"]})
    assert [c[3] for c in named] == ["Example Front"]
    # Group labels keep their rule: the name must be said to speak.
    assert [c[3] for c in claims("Rahim Example said 7 soldiers were killed.",
                                 claimants={"BLA": ["Rahim Example"]})] == ["BLA"]


def test_counted_officials_are_not_quoted_officials() -> None:
    assert claims("Two officials were killed in the blast.") == [("killed_total", 2, 2, "", DATED.id)]


@pytest.mark.parametrize("text, low, high", [
    ("two dozen", 24, 24), ("at least 3 dozen", 36, None), ("a dozen", 12, 12)])
def test_dozens_by_count(text: str, low: int | None, high: int | None) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.low, quantity.high, quantity.text) == (low, high, text)


def test_every_figure_the_parser_can_give_is_documented() -> None:
    import geo.claims_lexicon as claims_module

    given = {*claims_module.FIGURE_BY.values(), *claims_module.BARE_EVENT.values(),
             *claims_module.SUBGROUP_FIGURE.values(), "aboard", "attackers", "group_strength"}
    assert given <= set(FIGURES)
    # Figure ids of the hijacking case keep working.
    assert {"aboard", "hostages_remaining", "released_by_attackers", "security_personnel_held"} <= set(FIGURES)


# A sentence that goes on about a recalled incident, with no time cue of its own.
_RECALL = ("Gunmen killed 7 guards at a checkpost in Turbat on Tuesday. Earlier last month, militants "
           "ambushed a convoy carrying 40 passengers near the mountains. ")


@pytest.mark.parametrize("main", [DATED, UNDATED, None], ids=["dated", "undated", "no-case"])
@pytest.mark.parametrize("follow", [
    "The militants killed 12 pilgrims and four soldiers before troops killed all 9 attackers.",
    "At least 8 pilgrims were killed.",
    "They shot dead 12 pilgrims.",
])
def test_a_sentence_going_on_about_a_recalled_incident_stays_with_it(main: IncidentRef | None,
                                                                      follow: str) -> None:
    found = claims(_RECALL + follow, main)
    case_id = main.id if main else ""
    assert found[0][4] == case_id
    recalled = found[1][4]
    assert recalled != case_id
    assert [c[4] for c in found[2:]] == [recalled] * (len(found) - 2) and len(found) > 2


def test_a_toll_after_a_dated_recalled_sentence_stays_with_it() -> None:
    text = "Rockets hit the city on Saturday, killing 2 people. Rockets also hit the city on November 2. " \
           "At least 8 civilians were killed."
    assert [c[4] for c in claims(text)] == [DATED.id, OTHER_INCIDENT]


@pytest.mark.parametrize("follow", [
    "Today, police said 3 suspects were arrested.",
    "In Turbat, police said 3 suspects were arrested.",
    "Police said 3 suspects were arrested in the latest attack.",
    "\nPolice said 3 suspects were arrested.",   # a new paragraph, no anaphor
])
def test_a_cue_of_the_case_brings_it_back_after_a_recalled_incident(follow: str) -> None:
    found = claims(_RECALL + follow)
    assert found[-1][0] == "arrested" and found[-1][4] == DATED.id


def test_an_incident_the_case_came_after_is_not_gone_on_about() -> None:
    text = ("Gunmen killed 5 soldiers in the town on Monday. The raid came a week after 10 policemen were "
            "killed at a checkpost. Police said 3 suspects were arrested.")
    assert [c[4] for c in claims(text)] == [DATED.id, OTHER_INCIDENT, DATED.id]


@pytest.mark.parametrize("dateline", ["Karachi, Mar 16 (PTI) ", "QUETTA, March 16: "])
def test_a_named_day_before_the_dateline_is_another_incident_when_the_year_is_unknown(dateline: str) -> None:
    text = (f"{dateline}Gunmen killed 5 people on Sunday. On March 12, a blast killed 3 people.\n"
            "Police said on March 15 that 2 suspects were arrested.")
    assert [c[4] for c in claims(text, UNDATED)] == [UNDATED.id, OTHER_INCIDENT, UNDATED.id]


def test_a_month_that_is_not_the_datelines_is_another_incident() -> None:
    text = "QUETTA, March 16: Gunmen killed 9 people.\nIn May, five guards died in clashes.\n" \
           "In March alone, 30 people were killed."
    assert [c[4] for c in claims(text, UNDATED)] == [UNDATED.id, OTHER_INCIDENT, UNDATED.id]


def test_a_sentence_opening_with_a_month_after_the_case_toll_is_another_incident() -> None:
    text = "Gunmen killed 9 people on Monday.\nIn May, five border guards died in clashes near the border."
    assert [c[4] for c in claims(text, UNDATED)] == [UNDATED.id, OTHER_INCIDENT]


def test_a_total_over_separate_incidents_is_not_the_case_alone() -> None:
    text = "Nine soldiers were killed in two separate attacks in the north on Monday."
    assert [c[4] for c in claims(text)] == [OTHER_INCIDENT]


@pytest.mark.parametrize("text, expected", [
    ("Gunmen killed 8 people on the highway. Officials said three of the 8 bodies have been identified.",
     [("killed_total", 8, 8)]),
    # As many bodies as passengers killed: the count still tells the total.
    ("Gunmen killed 8 passengers. Three of the 8 bodies were identified.",
     [("civilians_killed", 8, 8), ("killed_total", 8, 8)]),
    ("A blast killed 9 people. Four bodies were brought to the hospital.", [("killed_total", 9, 9)]),
    ("A blast killed 9 people. Doctors said they received 9 dead bodies.", [("killed_total", 9, 9)]),
    ("A blast killed 9 people. By evening 12 bodies had been shifted to the morgue.",
     [("killed_total", 9, 9), ("killed_total", 12, 12)]),   # a larger count is a new toll
    ("Rescuers recovered 12 bodies from the rubble.", [("killed_total", 12, 12)]),  # the only toll
    ("Rescuers carried two dead bodies away.", [("killed_total", 2, 2)]),
])
def test_bodies_handled_repeat_a_toll_already_given(text: str, expected: list[tuple]) -> None:
    assert figures(text) == expected


def test_the_two_is_an_anaphor_not_a_new_count() -> None:
    text = "Two policemen were shot dead. Officials said the two were killed on patrol."
    assert figures(text) == [("security_personnel_killed", 2, 2)]


@pytest.mark.parametrize("text, claimant", [
    ("PTI leader Imran Khan said the blast that killed 5 people was cowardly.", ""),
    ("Dawn raids by police left 3 suspects arrested.", ""),
    ("At least 5 people were killed, Dawn reported.", "Dawn"),
    ("QUETTA (AP) — Gunmen killed 5 people.", "AP"),
    ("Five people were killed, police officials told Reuters.", "police"),
    ("Five people were killed, reported the Associated Press.", "AP"),
    ("Five people were killed, a provincial government spokesman told Reuters.", "government officials"),
    ("Five people were killed, analysts told Al Jazeera.", "analysts"),
    ("Five people were killed, a source told Reuters.", "Reuters"),
])
def test_a_news_organisation_is_credited_only_when_quoted(text: str, claimant: str) -> None:
    from geo.claims import claims_in_text
    assert [claim.claimant for claim in claims_in_text(text, "a.txt")] == [claimant]
