"""Where places' time goes: each stage of extraction timed alone, next to geotext's whole call.

Run explicitly (the normal test command skips benchmarks):

    /tmp/venv/bin/python -m pytest benchmarks/test_bench_stages.py --benchmark-only -q

Each round is one pass over the five seed reports; the figure recorded is microseconds
per article (median round / 5). The two "floor" rows are not steps of either tool: they
time the cheapest ways CPython can look at every capitalised word of a report (one regex
scan, with and without match objects), which bounds from below any extractor that must
find names it does not know yet (spelling variants) and where they are.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from geotext import GeoText

from geo import disambiguate, settlements
from geo.disambiguate import choose_entries
from geo.gazetteer import default_gazetteer
from geo.mentions import _tokens, countries_in_demonyms, find_candidates, sentences
from geo.places import places_in_text
from tests.builtin import ARTICLES_DIR
from geo.spelling import fold, skeleton

REPO = Path(__file__).resolve().parent.parent
SEED_PATHS = sorted(ARTICLES_DIR.glob("*.txt"))
# The cheapest usable pattern: a capital and the letters after it.
_CAPITAL_WORD = re.compile(r"[A-Z][A-Za-z]*")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    assert len(SEED_PATHS) == 5
    return [p.read_text(encoding="utf-8") for p in SEED_PATHS]


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def _tokenise_all(text: str, gazetteer) -> int:
    return sum(len(_tokens(text, start, end, gazetteer)) for start, end in sentences(text))


STAGES = {
    "geotext: GeoText(text), whole call": lambda text, g: GeoText(text),
    "floor: findall of capitalised words": lambda text, g: _CAPITAL_WORD.findall(text),
    "floor: finditer of capitalised words (with offsets)": lambda text, g: list(_CAPITAL_WORD.finditer(text)),
    "places stage: sentences()": lambda text, g: sentences(text),
    "places stage: tokens of every sentence": _tokenise_all,
    "places stage: countries_in_demonyms()": lambda text, g: countries_in_demonyms(text),
    "places stage: find_candidates() (includes sentences, tokens)": find_candidates,
    "places: places_in_text(), whole call": lambda text, g: places_in_text(text, "a.txt", g),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_stage(benchmark, record, stage, texts, gazetteer):
    """One pass of one stage over the five seeds per round."""
    benchmark.group = "stages: 5 seed articles per round"
    work = STAGES[stage]
    for text in texts:  # warm the gazetteer's word memos, as in a long-running process
        work(text, gazetteer)
    results = benchmark(lambda: [work(text, gazetteer) for text in texts])
    assert len(results) == 5 and all(results)
    record(us_per_article_median=1e6 * benchmark.stats.stats.median / len(texts))


def test_disambiguation_stage(benchmark, record, texts, gazetteer):
    """choose_entries() alone, on candidates found beforehand."""
    benchmark.group = "stages: 5 seed articles per round"
    candidates = [find_candidates(text, gazetteer) for text in texts]
    results = benchmark(lambda: [choose_entries(c) for c in candidates])
    assert all(results)
    record(us_per_article_median=1e6 * benchmark.stats.stats.median / len(texts))


# --------------------------------------------------------------------------- distinct reports

DISTINCT_PATHS = SEED_PATHS + sorted((REPO / "tests" / "gold" / "general_reports").glob("r[0-9]*.txt"))


def _forget_everything(gazetteer) -> None:
    """Start a round as a fresh process would: no remembered words anywhere."""
    forget = getattr(gazetteer, "forget_answers", None)  # absent before the memos existed
    if forget is not None:
        forget()
    fold.cache_clear()
    skeleton.cache_clear()
    main_name_key = getattr(disambiguate, "_main_name_key", None)  # absent before session 3
    if main_name_key is not None:
        main_name_key.cache_clear()
    named = getattr(settlements, "_settlements_named", None)  # the village table's (issue 11)
    if named is not None:
        named.cache_clear()


@pytest.mark.parametrize("tool", ["places", "geotext"])
def test_distinct_reports_nothing_remembered(benchmark, record, tool, gazetteer):
    """17 different reports per round, every word memo emptied before each round.

    The seeds and the 10,000-article corpus repeat the same words, so the gazetteer's
    per-word answers are always at hand there; this measures the other extreme.
    """
    benchmark.group = "distinct reports, nothing remembered: 17 articles per round"
    texts = [p.read_text(encoding="utf-8") for p in DISTINCT_PATHS]
    if tool == "places":
        def one_round():
            return [places_in_text(text, "a.txt", gazetteer) for text in texts]
        setup = lambda: _forget_everything(gazetteer)  # noqa: E731
    else:
        def one_round():
            return [GeoText(text) for text in texts]
        setup = None
    results = benchmark.pedantic(one_round, setup=setup, rounds=60, iterations=1, warmup_rounds=1)
    assert len(results) == len(texts) == 17 and all(results)
    record(articles_per_s_median=len(texts) / benchmark.stats.stats.median,
           us_per_article_median=1e6 * benchmark.stats.stats.median / len(texts))


def test_event_site_stage(benchmark, record, texts, gazetteer):
    """site_candidates() alone, for each seed as a one-report case, on places found beforehand."""
    from geo.event_site import site_candidates
    benchmark.group = "stages: 5 seed articles per round"
    reports = [(f"{n}.txt", text, places_in_text(text, f"{n}.txt", gazetteer)) for n, text in enumerate(texts)]
    results = benchmark(lambda: [site_candidates([report]) for report in reports])
    assert all(results)
    record(us_per_article_median=1e6 * benchmark.stats.stats.median / len(texts))
