"""Speed, recall and memory of place extraction, with geotext measured in the same run.

Run explicitly (the normal test command skips benchmarks):

    /tmp/venv/bin/python -m pytest benchmarks/ --benchmark-only -q

What is measured (see benchmarks/README.md for the reasoning):

* seeds — one pass over the five seed reports (``data/cases/*/articles/*.txt``) per round:
  ``geo.places.places_in_text`` with the gazetteer already loaded, against
  ``geotext.GeoText``; articles/s = 5 / median round time. Recall and precision of the
  timed output against ``tests/gold/seed_places.json`` are computed after the timing.
* corpus — one pass over 10,000 articles made from the seeds (each one a seed with its
  sentences shuffled by a seeded RNG, so the texts differ), same two tools.
* cold start — ``load_gazetteer()`` and ``import geotext`` in fresh ``python -c`` processes.
* peak RSS — ``/usr/bin/time -v`` around the CLI and around library one-liners.

Benchmarks never fail on a timing; they assert only that the tools did their work.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import statistics
import sys
from pathlib import Path

import pytest
from geotext import GeoText

from _children import ISOLATION, TIME, child, measured_child
from geo.gazetteer import default_gazetteer
from geo.geocoders.offline import GazetteerGeocoder
from geo.places import places_in_text
from tests.builtin import ARTICLES_DIR

REPO = Path(__file__).resolve().parent.parent
SEED_PATHS = sorted(ARTICLES_DIR.glob("*.txt"))
CORPUS_SIZE = 10_000
CORPUS_RNG_SEED = 20250311
CORPUS_ROUNDS = int(os.environ.get("BENCH_CORPUS_ROUNDS", "3"))
COLD_RUNS = 5
RSS_RUNS = 3


def _load_gold_scoring():
    """tests/gold_scoring.py, loaded by path (the tests folder is not an installed package)."""
    spec = importlib.util.spec_from_file_location("atlas_gold_scoring", REPO / "tests" / "gold_scoring.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gold_scoring = _load_gold_scoring()


# --------------------------------------------------------------------------- inputs

@pytest.fixture(scope="module")
def seeds() -> list[tuple[str, str]]:
    """(file name, text) of the five seed reports."""
    assert len(SEED_PATHS) == 5, SEED_PATHS
    return [(p.name, p.read_text(encoding="utf-8")) for p in SEED_PATHS]


@pytest.fixture(scope="module")
def gazetteer():
    """The shipped gazetteer, loaded once, before any timing starts."""
    return default_gazetteer()


# A sentence ends at . ! or ? (perhaps followed by a closing quote or bracket) before a
# capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def _sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() if line.strip()
            for s in _SENTENCE_END.split(line) if s.strip()]


def build_corpus(texts: list[str], size: int = CORPUS_SIZE, rng_seed: int = CORPUS_RNG_SEED) -> list[str]:
    """``size`` articles: seed ``i % 5`` with its sentences shuffled by ``Random(rng_seed + i)``.

    Deterministic across runs and machines; one sentence per line.
    """
    split = [_sentences(t) for t in texts]
    corpus = []
    for i in range(size):
        sentences = list(split[i % len(split)])
        random.Random(rng_seed + i).shuffle(sentences)
        corpus.append("\n".join(sentences))
    return corpus


@pytest.fixture(scope="module")
def corpus(seeds) -> list[str]:
    return build_corpus([text for _, text in seeds])


# --------------------------------------------------------------------------- the two tools

def run_places(articles: list[tuple[str, str]], gazetteer) -> list[list]:
    return [places_in_text(text, name, gazetteer) for name, text in articles]


def run_geotext(articles: list[tuple[str, str]], gazetteer=None) -> list[GeoText]:
    return [GeoText(text) for _, text in articles]


TOOLS = {"places": run_places, "geotext": run_geotext}


def _predictions_places(result) -> tuple[list[tuple[str, str, float, float]], list[str]]:
    return [(p.name, p.entry.kind, p.entry.lat, p.entry.lon) for p in result], []


def _predictions_geotext(result: GeoText, geocoder: GazetteerGeocoder):
    """geotext gives names only: place its city and country names with our offline gazetteer."""
    predictions, unplaced = [], []
    for name in dict.fromkeys([*result.cities, *result.countries]):
        location = geocoder.geocode(name)
        if location is None:
            unplaced.append(name)
        else:
            predictions.append((name, location.raw["kind"], location.latitude, location.longitude))
    return predictions, unplaced


def score_seeds(tool: str, results: list, seeds, gazetteer) -> dict:
    """Micro recall / precision over the five seeds against the hand-made gold."""
    gold = gold_scoring.load_gold()
    geocoder = GazetteerGeocoder(gazetteer)
    found = required = false = 0
    missed_all, false_all, unplaced_all = [], [], []
    for (name, _), result in zip(seeds, results):
        if tool == "places":
            predictions, unplaced = _predictions_places(result)
        else:
            predictions, unplaced = _predictions_geotext(result, geocoder)
        score = gold_scoring.score_article(gold, name, predictions)
        found += len(score.found)
        required += len(score.found) + len(score.missed)
        false += len(score.false)
        missed_all += [f"{name[:3]}:{g}" for g in score.missed]
        false_all += [f"{name[:3]}:{w}" for w in score.false]
        # Names our gazetteer cannot place are left out of precision (neither right nor
        # wrong: the gap is ours, not the tool's) and listed so they can be checked by hand.
        unplaced_all += [f"{name[:3]}:{u}" for u in unplaced]
    return {
        "recall": found / required,
        "precision": found / (found + false) if found + false else 0.0,
        "gold_found": f"{found}/{required}",
        "false_places": false,
        "missed": ", ".join(missed_all) or "-",
        "false": ", ".join(false_all) or "-",
        "unplaced_names": ", ".join(unplaced_all) or "-",
    }


def _rates(benchmark, articles_per_round: int) -> dict:
    stats = benchmark.stats.stats
    return {
        "articles_per_round": articles_per_round,
        "rounds": stats.rounds,
        "articles_per_s_median": articles_per_round / stats.median,
        "articles_per_s_mean": articles_per_round / stats.mean,
        "ms_per_article_median": 1000 * stats.median / articles_per_round,
    }


# --------------------------------------------------------------------------- throughput

@pytest.mark.parametrize("tool", list(TOOLS))
def test_seeds_throughput(benchmark, record, tool, seeds, gazetteer):
    """One pass over the five seeds per round; then recall/precision of that output."""
    benchmark.group = "seeds: 5 articles per round"
    results = benchmark(TOOLS[tool], seeds, gazetteer)
    assert len(results) == 5
    figures = _rates(benchmark, len(seeds))
    figures.update(score_seeds(tool, results, seeds, gazetteer))
    if tool == "geotext":
        figures["note"] = "geotext names placed with GazetteerGeocoder (outside the timing)"
    record(**figures)


@pytest.mark.parametrize("tool", list(TOOLS))
def test_corpus_throughput(benchmark, record, tool, corpus, gazetteer):
    """One full pass over the 10,000-article corpus per round."""
    benchmark.group = f"corpus: {CORPUS_SIZE:,} articles per round"
    articles = [(f"corpus-{i:05d}", text) for i, text in enumerate(corpus)]
    results = benchmark.pedantic(TOOLS[tool], args=(articles, gazetteer), rounds=CORPUS_ROUNDS,
                                 iterations=1, warmup_rounds=0)
    assert len(results) == CORPUS_SIZE
    if tool == "places":
        found = sum(len(r) for r in results)
    else:
        found = sum(len(set(r.cities)) + len(set(r.countries)) for r in results)
    assert found > 0
    figures = _rates(benchmark, CORPUS_SIZE)
    figures.update(distinct_texts=len(set(corpus)), corpus_chars=sum(map(len, corpus)),
                   places_or_names_found=found)
    record(**figures)


# --------------------------------------------------------------------------- child processes

_CHILD_GAZETTEER = """
import json, time
t0 = time.perf_counter()
from geo.gazetteer import load_gazetteer
t1 = time.perf_counter()
gazetteer = load_gazetteer()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "entries": len(gazetteer)}))
"""

_CHILD_GEOTEXT = """
import json, sys, time
text = open(sys.argv[1], encoding="utf-8").read()
t0 = time.perf_counter()
import geotext
t1 = time.perf_counter()
geotext.GeoText(text)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1}))
"""


def _median_spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


@pytest.mark.parametrize("what", ["gazetteer", "geotext"])
def test_cold_start(benchmark, record, what):
    """A fresh ``python -c`` per round; the benchmark time is the whole process's wall time.

    gazetteer: ``import geo.gazetteer`` then ``load_gazetteer()`` (no lru_cache involved);
    geotext: ``import geotext`` (which builds its index) then one ``GeoText`` on a seed.
    Inside the child each step is timed with ``time.perf_counter``. One untimed warm-up
    process first, so the files are in the page cache ("cold" = new process, warm disk).
    """
    benchmark.group = "cold start: fresh python process per round"
    code = _CHILD_GAZETTEER if what == "gazetteer" else _CHILD_GEOTEXT
    runs: list[dict] = []

    def one_process() -> None:
        runs.append(json.loads(child([sys.executable, "-c", code, str(SEED_PATHS[0])]).stdout))

    benchmark.pedantic(one_process, rounds=COLD_RUNS, iterations=1, warmup_rounds=1)
    runs = runs[-COLD_RUNS:]  # drop the warm-up
    load = _median_spread([r["load_s"] for r in runs])
    both = _median_spread([r["import_s"] + r["load_s"] for r in runs])
    label = "load_gazetteer" if what == "gazetteer" else "first_GeoText"
    figures = {
        f"{label}_s_median": load["median"], f"{label}_s_min": load["min"], f"{label}_s_max": load["max"],
        "import_plus_load_s_median": both["median"],
        "import_plus_load_s_min": both["min"], "import_plus_load_s_max": both["max"],
        "process_wall_s_median": benchmark.stats.stats.median,
        "runs": len(runs), "network": ISOLATION,
        # With PYTHONDONTWRITEBYTECODE set, geo/ is compiled from source on every import.
        "geo_bytecode_cached": any((REPO / "geo" / "__pycache__").glob("gazetteer.*.pyc")),
    }
    if what == "gazetteer":
        figures["entries"] = runs[0]["entries"]
    record(**figures)


def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "incident-atlas"
    return [str(script)] if script.exists() else [sys.executable, "-m", "atlas_cli.main"]


_SEED_ARGS = [str(p.relative_to(REPO)) for p in SEED_PATHS]
_LIB_PLACES = ("import sys; from geo.places import places_in_text\n"
               "for p in sys.argv[1:]: places_in_text(open(p, encoding='utf-8').read(), p)")
_LIB_GEOTEXT = ("import sys, geotext\n"
                "for p in sys.argv[1:]: geotext.GeoText(open(p, encoding='utf-8').read())")
RSS_COMMANDS = {
    "python-baseline": lambda tmp: [sys.executable, "-c", "pass"],
    "geotext-import+5-seeds": lambda tmp: [sys.executable, "-c", _LIB_GEOTEXT, *_SEED_ARGS],
    "places-import+5-seeds": lambda tmp: [sys.executable, "-c", _LIB_PLACES, *_SEED_ARGS],
    "cli-places-5-seeds": lambda tmp: [*_console_script(), "places", *_SEED_ARGS],
    "cli-build": lambda tmp: [*_console_script(), "build", "--out", str(tmp / "out")],
}
RSS_SHOWN = {
    "python-baseline": "python -c pass",
    "geotext-import+5-seeds": "python -c 'import geotext; GeoText(seed) for each seed'",
    "places-import+5-seeds": "python -c 'from geo.places import places_in_text; places_in_text(seed) for each seed'",
    "cli-places-5-seeds": "incident-atlas places data/cases/*/articles/*.txt",
    "cli-build": "incident-atlas build --out TMP",
}
@pytest.mark.skipif(not os.access(TIME, os.X_OK), reason="GNU time (/usr/bin/time) is not installed")
@pytest.mark.parametrize("command", list(RSS_COMMANDS))
def test_peak_rss(benchmark, record, command, tmp_path):
    """Peak resident memory of a whole process, read from ``/usr/bin/time -v``."""
    benchmark.group = "peak RSS: one process per round (/usr/bin/time -v)"
    argv = RSS_COMMANDS[command](tmp_path)
    report = tmp_path / "time.txt"
    rss_kib: list[int] = []
    walls: list[float] = []

    def one_process() -> None:
        run = measured_child(argv, report)
        if command == "cli-places-5-seeds":
            assert json.loads(run.done.stdout)["type"] == "FeatureCollection"
        rss_kib.append(run.peak_rss_kib)
        walls.append(run.wall_s)

    benchmark.pedantic(one_process, rounds=RSS_RUNS, iterations=1, warmup_rounds=0)
    record(peak_rss_mib_median=statistics.median(rss_kib) / 1024,
           peak_rss_mib_all=", ".join(f"{k / 1024:.1f}" for k in rss_kib),
           wall_s_median=statistics.median(walls), runs=len(rss_kib), network=ISOLATION,
           command=RSS_SHOWN[command])


def test_corpus_is_deterministic_and_varied(benchmark, record, seeds):
    """The corpus builder itself: same output twice, 10,000 distinct texts, nothing lost."""
    benchmark.group = "corpus construction"
    texts = [text for _, text in seeds]
    corpus = benchmark.pedantic(build_corpus, args=(texts,), rounds=1, iterations=1)
    assert corpus == build_corpus(texts)
    assert len(set(corpus)) == CORPUS_SIZE
    for i in range(5):  # every sentence of each seed survives the shuffle
        assert sorted(corpus[i].splitlines()) == sorted(_sentences(texts[i]))
    record(distinct_texts=len(set(corpus)), rng_seed=CORPUS_RNG_SEED)
