"""Text with no sentence end: places and claims stay linear in memory, evidence stays readable.

A pasted list or a run of figures is one long sentence. Each mention and each claim
carries a bounded window of it as evidence (one string shared by the mentions in the
same window), so memory is a small multiple of the text, never the text per mention.
Peak memory is measured with tracemalloc: deterministic, no timing.
"""
from __future__ import annotations

import itertools
import re
import tracemalloc
from typing import Callable

import pytest

import geo.claims
from geo.claims import claims_in_text, load_incident_refs
from geo.gazetteer import default_gazetteer
from geo.places import places_in_text
from geo.sentences import ELLIPSIS, EVIDENCE_CHARS, evidence, evidence_span, sentences

SIZE = 200_000
TOWNS = ("Quetta", "Sibi", "Turbat", "Gwadar", "Khuzdar", "Mastung", "Kalat", "Pishin")


def _peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def _unbroken() -> str:
    return ("Quetta " * (SIZE // 7)).rstrip()


def _commas() -> str:
    return ", ".join(itertools.islice(itertools.cycle(TOWNS), SIZE // 8))


def _figures() -> str:
    return "Officials said " + "".join(
        f"at least {i % 40 + 2} soldiers were killed and {i % 70 + 5} passengers injured, officials said, "
        for i in range(SIZE // 90))


@pytest.mark.parametrize("make", [_unbroken, _commas], ids=["unbroken", "commas"])
def test_places_in_one_long_sentence_use_memory_linear_in_the_text(gazetteer, make) -> None:
    text = make()
    assert len(sentences(text)) == 1
    places = []
    peak = _peak_bytes(lambda: places.extend(places_in_text(text, "paste.txt", gazetteer)))
    # Tokens and mentions cost some hundred bytes per word; a copy of the sentence per
    # mention would cost gigabytes.
    assert peak < 120 * len(text), f"{peak / 1e6:.0f} MB for {len(text) / 1e3:.0f} KB"
    assert {p.name for p in places} >= {"Quetta"}
    if make is _commas:
        assert {p.name for p in places} == set(TOWNS)
        assert sum(len(p.mentions) for p in places) == SIZE // 8


def test_mentions_in_a_long_sentence_carry_a_window_of_it(gazetteer) -> None:
    text = _commas()
    (quetta,) = [p for p in places_in_text(text, "paste.txt", gazetteer) if p.name == "Quetta"]
    for mention in quetta.mentions:
        assert len(mention.sentence) <= EVIDENCE_CHARS + 2
        assert "Quetta" in mention.sentence
    first, last = quetta.mentions[0].sentence, quetta.mentions[-1].sentence
    assert first.startswith("Quetta, Sibi") and first.endswith(ELLIPSIS)
    assert last.startswith(ELLIPSIS) and last.endswith("Pishin")
    # The evidence shown for a place is a few windows, not one per mention.
    assert len(quetta.sentences) <= 2 * len(text) / 200 + 2


def test_a_short_sentence_is_its_own_evidence() -> None:
    text = "Gunmen   attacked\na bus near Quetta. It burned."
    span = sentences(text)[0]
    assert evidence_span(span, text.index("attacked")) == span
    assert evidence(text, span, span) == "Gunmen attacked"  # the line break ends it


def test_claims_in_one_long_sentence_use_memory_linear_in_the_text() -> None:
    text = _figures()
    refs = load_incident_refs()
    claims = []
    peak = _peak_bytes(lambda: claims.extend(claims_in_text(text, "paste.txt", refs[0], refs)))
    assert peak < 60 * len(text), f"{peak / 1e6:.0f} MB for {len(text) / 1e3:.0f} KB"
    assert len(claims) == 2 * (SIZE // 90)  # every figure is read, however long the sentence
    assert [(c.low, c.high) for c in claims[:4]] == [(2, None), (5, 5), (3, None), (6, 6)]
    assert {c.claimant for c in claims} == {"government officials"}
    for claim in claims[::97]:
        assert len(claim.sentence) <= EVIDENCE_CHARS + 2
        assert claim.quote in claim.sentence


@pytest.mark.parametrize("text", ["1 " * (SIZE // 2), ", ".join(map(str, range(SIZE // 7)))],
                         ids=["ones", "counting"])
def test_bare_numbers_are_read_in_linear_time_and_memory(text: str, monkeypatch) -> None:
    refs = load_incident_refs()
    scanned = _ScanCounter(geo.claims._TOKEN)
    monkeypatch.setattr(geo.claims, "_TOKEN", scanned)
    claims = []
    peak = _peak_bytes(lambda: claims.extend(claims_in_text(text, "paste.txt", refs[0], refs)))
    assert peak < 60 * len(text), f"{peak / 1e6:.0f} MB for {len(text) / 1e3:.0f} KB"
    # Work, counted instead of timed: the words after each number are looked for nearby,
    # not in the rest of the sentence (which made 1 MB of numbers take an hour).
    assert scanned.characters < 200 * len(text)  # quadratic: 50,000 times
    assert claims == []  # a number counting nothing is no claim


class _ScanCounter:
    """A compiled pattern that counts the characters its searches may read, in all and at most at once."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern, self.characters, self.longest = pattern, 0, 0

    def _read(self, method: str, text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else min(len(text), endpos)
        self.characters += end - pos
        self.longest = max(self.longest, end - pos)
        return getattr(self.pattern, method)(text, pos, end)

    def finditer(self, *args):
        return self._read("finditer", *args)

    def findall(self, *args):
        return self._read("findall", *args)

    def match(self, *args):
        return self._read("match", *args)

    def fullmatch(self, *args):
        return self._read("fullmatch", *args)


def test_names_far_apart_are_not_read_for_where_one_lies(gazetteer, monkeypatch) -> None:
    # The patterns for "X, 40 km from Y" backtrack on a long run of blanks: they only
    # ever see the short gaps that can say where a place lies.
    import geo.mentions
    counters = {name: _ScanCounter(getattr(geo.mentions, name)) for name in ("_DISTANCE_FROM", "_NEAR", "_LIES_IN")}
    for name, counter in counters.items():
        monkeypatch.setattr(geo.mentions, name, counter)
    text = "Quetta" + " " * SIZE + "Mastung, 50 km from Quetta."
    names = {p.name for p in places_in_text(text, "paste.txt", gazetteer)}
    assert names == {"Quetta", "Mastung"}
    assert max(counter.longest for counter in counters.values()) <= 200
    assert counters["_DISTANCE_FROM"].characters > 0  # "Mastung, 50 km from Quetta" was read


def test_a_number_followed_by_blanks_is_read_nearby(monkeypatch) -> None:
    counter = _ScanCounter(geo.claims._NOT_COUNTS)
    monkeypatch.setattr(geo.claims, "_NOT_COUNTS", counter)
    text = "Officials said gunmen killed 5" + " " * SIZE + "people."
    claims_in_text(text, "paste.txt", None, [])
    assert 0 < counter.longest <= 100


def test_datelines_are_still_found_after_a_long_headline(gazetteer) -> None:
    headline = "Breaking " * 20_000
    text = f"{headline}\n\nQUETTA: Gunmen attacked a bus on Monday, officials said."
    names = [p.name for p in places_in_text(text, "paste.txt", gazetteer)]
    assert names == ["Quetta"]
