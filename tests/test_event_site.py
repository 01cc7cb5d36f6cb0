"""Where an incident happened, read from its reports (geo.event_site).

Every text here is a short invented report. Places are found by the real pipeline
(places_in_text with the offline gazetteer), so the tests see what callers see.
"""
from __future__ import annotations

import re
import tracemalloc

import pytest

import geo._event_words as event_words
from geo import incident_words
from geo.event_site import SiteCandidate, site_candidates
from geo.gazetteer import default_gazetteer
from geo.places import places_in_text


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def _report(name: str, text: str, gazetteer) -> tuple[str, str, list]:
    return name, text, places_in_text(text, name, gazetteer)


def _names(found: list[SiteCandidate]) -> list[str]:
    return [c.label for c in found]


def _best(text: str, gazetteer) -> SiteCandidate:
    found = site_candidates([_report("r.txt", text, gazetteer)])
    assert found, "no candidate at all"
    return found[0]


def test_the_site_beats_the_victims_home_towns(gazetteer) -> None:
    text = ("Gunmen ambushed a van near Khuzdar on Monday, killing six labourers. "
            "The dead hailed from Multan, Sargodha, Okara, Layyah and Vehari, police said.")
    found = site_candidates([_report("r.txt", text, gazetteer)])
    assert found[0].label == "Khuzdar"
    # Every town of the list shares the role of its head ("hailed from"), however far
    # down the list it stands: all far behind.
    rest = {c.label: c.score for c in found[1:]}
    assert set(rest) >= {"Multan", "Sargodha", "Okara", "Layyah", "Vihari"}
    assert max(rest.values()) < 0.2 * found[0].score


def test_the_site_beats_the_hospital_and_where_the_wounded_were_taken(gazetteer) -> None:
    text = ("A roadside bomb struck a police vehicle in Mastung on Friday, killing two constables. "
            "The injured were shifted to a hospital in Quetta.")
    found = site_candidates([_report("r.txt", text, gazetteer)])
    assert _names(found)[:2] == ["Mastung", "Quetta"]
    assert found[1].score < 0.2 * found[0].score


def test_headquarters_attacked_are_the_site_not_where_a_statement_came_from(gazetteer) -> None:
    text = ("Security forces in Balochistan province repulsed an attack on Sunday. A suicide bomber "
            "targeted the main gate of the Frontier Corps headquarters in Dalbandin, officials said. "
            "The Balochistan government condemned the attack.")
    assert _best(text, gazetteer).label == "Dalbandin"
    # Where the headquarters only speak from, the place stays a statement's.
    said = ("A blast killed two soldiers in Turbat on Sunday, officials at the military's headquarters "
            "in Rawalpindi said.")
    assert _best(said, gazetteer).label == "Turbat"
    # The attack and the headquarters in two clauses: the headquarters only speak.
    two = ("A suicide bomber hit a convoy in Turbat on Sunday and officials at the military's "
           "headquarters in Rawalpindi said four soldiers died.")
    found = site_candidates([_report("r.txt", two, gazetteer)])
    assert found[0].label == "Turbat" and all(c.score < 0.2 * found[0].score for c in found[1:])


def test_the_site_beats_where_the_bus_was_heading(gazetteer) -> None:
    found = site_candidates([_report("r.txt", "Militants opened fire near Kalat on a bus heading to "
                                     "Lahore, killing six passengers.", gazetteer)])
    assert _names(found) == ["Kalat", "Lahore"]
    assert found[1].score < 0.2 * found[0].score
    # Neither end of the journey is the site; the district it crossed is.
    found = site_candidates([_report("r.txt", "Militants opened fire on a bus travelling from Quetta to "
                                     "Karachi in Khuzdar district, killing six passengers.", gazetteer)])
    assert found[0].label == "Khuzdar district"
    assert all(c.score < 0.3 * found[0].score for c in found[1:])


def test_the_site_beats_an_earlier_attack_the_report_recalls(gazetteer) -> None:
    text = ("A blast ripped through a market in Turbat on Sunday, killing three people. "
            "Last year a similar attack in Gwadar killed ten.")
    found = site_candidates([_report("r.txt", text, gazetteer)])
    assert _names(found)[:2] == ["Turbat", "Gwadar"]
    assert found[1].score < 0.2 * found[0].score


def test_an_unknown_area_is_kept_by_name_and_placed_at_its_district(gazetteer) -> None:
    text = "Armed men attacked a levies post in the Zarkhun area of Loralai district on Tuesday night."
    assert not gazetteer.exact("Zarkhun")
    found = site_candidates([_report("r.txt", text, gazetteer)])
    best, district = found[0], found[1]
    assert best.label == "Zarkhun area, Loralai district"
    assert best.id == "zarkhun"
    assert best.in_gazetteer is False
    assert (best.lat, best.lon, best.precision_km) == (district.lat, district.lon, district.precision_km)
    assert "not in the gazetteer" in best.basis and "Loralai district" in best.basis
    assert district.in_gazetteer


def test_an_unknown_village_in_a_district_is_a_candidate_too(gazetteer) -> None:
    best = _best("Unknown assailants shot dead a teacher in Gwandan village in Pishin district.", gazetteer)
    assert best.label.startswith("Gwandan village") and not best.in_gazetteer


def test_a_specific_place_beats_the_larger_ones_it_lies_in(gazetteer) -> None:
    best = _best("A suicide bomber blew himself up at Quetta railway station in Balochistan, killing 26.",
                 gazetteer)
    assert best.label == "Quetta railway station"
    found = site_candidates([_report("r.txt", "Two soldiers were martyred when terrorists attacked a "
                                     "check post in Kabal, Swat district.", gazetteer)])
    assert _names(found)[:2] == ["Kabal, Swat district", "Swat district"]
    assert found[0].precision_km < found[1].precision_km


def test_a_village_beats_its_district_named_apart_from_it(gazetteer) -> None:
    # No "X in Y" links them: the kind of place alone decides.
    found = site_candidates([_report("r.txt", "In Swat district, militants attacked a checkpost at Kabal "
                                     "on Monday, killing two policemen.", gazetteer)])
    assert _names(found) == ["Kabal", "Swat district"]
    assert found[1].score < 0.7 * found[0].score


def test_a_distance_keeps_the_town_and_widens_its_uncertainty(gazetteer) -> None:
    best = _best("Gunmen attacked a coal mine some 8 to 10 km from Duki city, killing 12 miners.", gazetteer)
    duki = gazetteer.exact("Duki")
    assert any(abs(best.lat - e.lat) < 1e-6 and abs(best.lon - e.lon) < 1e-6 for e in duki)
    assert best.precision_km >= 10
    assert "10 km" in best.basis


def test_a_site_several_reports_name_wins(gazetteer) -> None:
    first = _report("a.txt", "A bomb exploded in Mastung on Monday, killing two people. "
                             "Officials said the blast also damaged houses in Kalat.", gazetteer)
    second = _report("b.txt", "The blast in Kalat killed two people and wounded five.", gazetteer)
    assert site_candidates([first])[0].label == "Mastung"
    together = site_candidates([first, second])
    assert together[0].label == "Kalat"
    assert together[0].sources == "article:a.txt article:b.txt"


def test_evidence_and_sources_are_filled(gazetteer) -> None:
    long_tail = " ".join(["and the attackers then fled on motorcycles into the hills"] * 20)
    text = f"Gunmen attacked a checkpost in Turbat on Monday {long_tail}."
    best = site_candidates([_report("turbat.txt", text, gazetteer), _report(
        "other.txt", "Two soldiers died in the attack in Turbat.", gazetteer)])[0]
    assert best.label == "Turbat"
    parts = best.supported_by.split(" | ")
    assert {p.split("]")[0] + "]" for p in parts} == {"[turbat.txt]", "[other.txt]"}
    assert all(len(p) <= 300 + len("[turbat.txt] ") + 2 for p in parts)  # a window, cut with …
    assert any(p.endswith("…") for p in parts)
    assert best.sources == "article:turbat.txt article:other.txt"
    assert best.basis.endswith(".") and "2 reports" in best.basis


def test_ids_are_unique_slugs_and_limit_is_kept(gazetteer) -> None:
    text = ("Blasts hit Quetta, Sibi, Turbat, Gwadar, Khuzdar, Mastung, Kalat and Pishin on Monday, "
            "killing many people.")
    found = site_candidates([_report("r.txt", text, gazetteer)], limit=5)
    assert len(found) == 5
    assert len({c.id for c in found}) == 5
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", c.id) for c in found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_no_reports_or_no_places_give_no_candidates(gazetteer) -> None:
    assert site_candidates([]) == []
    assert site_candidates([_report("r.txt", "Gunmen attacked a shop, killing two.", gazetteer)]) == []
    assert site_candidates([("r.txt", "", [])]) == []


class _ScanCounter:
    """A compiled pattern that counts the characters its searches may read."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern, self.characters, self.longest = pattern, 0, 0

    def _read(self, method: str, text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else min(len(text), endpos)
        self.characters += max(end - pos, 0)
        self.longest = max(self.longest, end - pos)
        return getattr(self.pattern, method)(text, pos, end)

    def search(self, *args):
        return self._read("search", *args)

    def match(self, *args):
        return self._read("match", *args)

    def fullmatch(self, *args):
        return self._read("fullmatch", *args)


SIZE = 200_000


@pytest.mark.parametrize("make", [
    lambda: "Gunmen attacked " + ", ".join(["Quetta", "Sibi", "Turbat", "Gwadar", "Kalat"] * (SIZE // 40)),
    lambda: "Gunmen attacked " + " ".join(f"the Zz{i} area of Quetta" for i in range(SIZE // 25)),
    lambda: "Quetta" + " " * SIZE + "attack near Mastung.",
], ids=["one-long-list", "many-areas", "blanks"])
def test_reading_is_linear_in_the_text(gazetteer, monkeypatch, make) -> None:
    text = make()
    report = _report("paste.txt", text, gazetteer)
    counters = {}
    for module in (event_words, incident_words):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                counters[name] = _ScanCounter(value)
                monkeypatch.setattr(module, name, counters[name])
    tracemalloc.start()
    try:
        found = site_candidates([report])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found
    # Work, counted instead of timed: every pattern reads a bounded window around a
    # mention, never the rest of a sentence that is the whole paste.
    assert max(c.longest for c in counters.values()) <= 500
    assert sum(c.characters for c in counters.values()) < 40 * len(text)
    assert peak < 20 * len(text)


def test_a_place_of_an_attack_the_group_recently_carried_out_is_not_the_site() -> None:
    text = ("A suicide bomber struck a Shia mosque during Friday prayers, killing 40 worshippers, officials in "
            "Kunduz said. No group claimed it, but the militant group recently bombed a mosque in Kabul, killing "
            "several people in the blast.")
    from geo.places import places_in_text
    labels = [c.label for c in site_candidates([("a.txt", text, places_in_text(text, "a.txt"))])]
    assert labels[0] == "Kunduz", labels
