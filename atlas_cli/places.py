"""``incident-atlas places``: the places of any number of reports, streamed as GeoJSON.

Files and folders are taken alike (a folder: every ``*.txt`` below it, recursively), read
and searched one at a time — in worker processes with ``--jobs N`` — and each file's
features are written as soon as it is done, so memory does not grow with the number of
files (only the list of their paths is kept).

The output is the one ``layers.places.places_layer`` gives for all the reports at once,
byte for byte: features sorted by article (the file name), then place name, then uid.
So the files are processed in order of their names (input order among equal names, whose
features are merged before they are written), each file's features sorted by name and uid.
"""
from __future__ import annotations

import json
import logging
import math
import os
import signal
import sys
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from geo.articles import ARTICLE_SUFFIXES, ArticleError, printable, read_article
from geo.places import places_in_text
from geo.records import Place
from layers.place_properties import place_properties  # without GeoPandas

if TYPE_CHECKING:  # the geocoders package loads geopy and requests: only the online path needs them
    from geo.geocoders.base import Geocoder

FORMATS = ("geojson", "geojsonseq", "ndjson")
#: RFC 8142: every GeoJSON text of a sequence starts with the record separator.
RS = "\x1e"
#: A progress bar appears only once a run has taken this long (and stderr is a terminal).
PROGRESS_DELAY_S = 2.0
#: At most this many files go to a worker at a time (fewer when there are few files).
MAX_CHUNK = 16
_COLLECTION_START = '{"type": "FeatureCollection", "features": ['
_COLLECTION_END = "]}\n"

#: One place as written: its name and uid (the sort keys within an article) and its feature.
Feature = tuple[str, str, str]
#: One file done: the error that stopped it (``None`` if read) and its features, sorted.
FileResult = tuple["str | None", list[Feature]]


LOG = logging.getLogger(__name__)


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- which files

def article_name(path: str) -> str:
    """The article name a report at ``path`` (as :func:`article_files` gives it) gets: what
    :func:`geo.articles.read_article` names it."""
    return printable(os.path.basename(path))


def _is_article(name: str) -> bool:
    return os.path.splitext(name)[1] in ARTICLE_SUFFIXES


def _walk(folder: Path, on_error: Callable[[str], None]) -> list[str]:
    """Every ``*.txt`` below ``folder`` (links to folders are not followed), in sorted order."""
    found: list[str] = []

    def unreadable(err: OSError) -> None:
        on_error(f"{printable(err.filename or folder)}: cannot be read ({err.strerror})")

    for top, folders, files in os.walk(folder, onerror=unreadable):
        folders.sort()
        found.extend(os.path.join(top, name) for name in sorted(files) if _is_article(name))
    return found


def article_files(inputs: Sequence[Path], on_error: Callable[[str], None]) -> list[str]:
    """The report files ``inputs`` name, in the order their features are written.

    A folder stands for every ``*.txt`` file below it (sorted; a folder with none is an
    error); anything else is taken as a file, to be read or refused by ``read_article``.
    The result is sorted by article name (stable: equal names keep their input order),
    the order in which ``places_layer`` sorts features.
    """
    paths: list[str] = []
    for given in inputs:
        if given.is_dir():
            found = _walk(given, on_error)
            if not found:
                on_error(f"{printable(given)}: no articles (*.txt files) found")
            paths.extend(found)
        else:
            paths.append(os.fspath(given))
    paths.sort(key=article_name)
    return paths


# --------------------------------------------------------------------------- one file

def _plain(value):
    """A property as ``GeoDataFrame.to_json`` writes it: Python scalars, NaN as null."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item") and not isinstance(value, (str, bytes, list, tuple)):
        return _plain(value.item())  # a NumPy scalar
    return value


def feature_json(place: Place) -> str:
    """The GeoJSON feature of one place, exactly as ``places_layer(...).to_json(drop_id=True,
    ensure_ascii=False)`` writes it (``tests/test_places_cli.py`` holds the two equal)."""
    entry = place.entry
    properties = {key: _plain(value) for key, value in place_properties(place).items()}
    feature = {"type": "Feature", "properties": properties,
               "geometry": {"type": "Point", "coordinates": [float(entry.lon), float(entry.lat)]}}
    return json.dumps(feature, ensure_ascii=False)


def file_features(path: str, geocoder: Geocoder | None = None) -> FileResult:
    """One report's features, sorted by place name and uid, or the line saying why it was refused."""
    try:
        article = read_article(Path(path))
    except ArticleError as err:
        return str(err), []
    try:
        places = places_in_text(article.text, article.name, geocoder=geocoder)
    except Exception as err:  # noqa: BLE001 - one report's failure must not cost the others their output
        LOG.exception("places failed on %s", path)
        return f"{printable(Path(path))}: could not be read for places ({type(err).__name__})", []
    features = [(place.entry.name, place.entry.uid, feature_json(place)) for place in places]
    features.sort(key=lambda feature: (feature[0], feature[1]))  # stable, as places_layer's sort
    return None, features


def _start_worker() -> None:
    """A worker process: Ctrl+C is the parent's to handle; the gazetteer is loaded once per
    process, here (a forked worker has it already)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from geo.gazetteer import default_gazetteer
    default_gazetteer()


# --------------------------------------------------------------------------- output

class FeatureWriter:
    """Writes features as they come: one FeatureCollection, a GeoJSON text sequence or NDJSON.

    ``put`` takes text; :func:`stdout_writer` gives one that writes UTF-8 to standard output.
    """

    def __init__(self, put: Callable[[str], object], fmt: str) -> None:
        self._put = put
        self._format = fmt
        self.count = 0

    def begin(self) -> None:
        if self._format == "geojson":
            self._put(_COLLECTION_START)

    def write(self, features: Iterable[str]) -> None:
        put, fmt = self._put, self._format
        for feature in features:
            if fmt == "geojson":
                put(f", {feature}" if self.count else feature)
            elif fmt == "geojsonseq":
                put(f"{RS}{feature}\n")
            else:
                put(f"{feature}\n")
            self.count += 1

    def end(self) -> None:
        if self._format == "geojson":
            self._put(_COLLECTION_END)


def stdout_writer() -> Callable[[str], object]:
    """Writes text to standard output as UTF-8 (RFC 8142, RFC 7946), whatever the locale."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stand-in
        return sys.stdout.write
    sys.stdout.flush()
    write = buffer.write
    return lambda text: write(text.encode("utf-8"))


# --------------------------------------------------------------------------- the run

def results(paths: Sequence[str], jobs: int, geocoder: Geocoder | None = None) -> Iterator[FileResult]:
    """Every file's result, in the order of ``paths``; with ``jobs`` > 1, from worker processes."""
    jobs = min(jobs, len(paths))
    if jobs <= 1 or geocoder is not None:  # an online geocoder's rate limit is one process's
        for path in paths:
            yield file_features(path, geocoder)
        return
    import multiprocessing
    if "fork" in multiprocessing.get_all_start_methods():
        # Forked workers share the gazetteer this process loads once (it has no threads yet).
        from geo.gazetteer import default_gazetteer
        default_gazetteer()
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context()
    # The settlements index is built once here, not by every worker at once.
    from geo.settlements import prepare_index
    prepare_index()
    chunk = max(1, min(MAX_CHUNK, len(paths) // (jobs * 16)))
    with context.Pool(jobs, initializer=_start_worker) as pool:
        yield from pool.imap(file_features, paths, chunksize=chunk)


def _merged(groups: list[list[Feature]]) -> Iterator[str]:
    """The features of files that share one article name, in ``places_layer``'s order."""
    if len(groups) == 1:
        return (feature for _, _, feature in groups[0])
    ordered = sorted(chain.from_iterable(groups), key=lambda feature: (feature[0], feature[1]))
    return (feature for _, _, feature in ordered)


class _Progress:
    """A tqdm bar on stderr, drawn only when stderr is a terminal and the run takes a while."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.bar = None
        stream = sys.stderr
        if quiet or total == 0 or not getattr(stream, "isatty", lambda: False)():
            return
        from tqdm import tqdm
        tqdm.monitor_interval = 0  # no monitor thread: worker processes may still be forked
        self.bar = tqdm(total=total, unit="file", file=stream, delay=PROGRESS_DELAY_S, dynamic_ncols=True,
                        leave=False)
        _ACTIVE.append(self)

    def update(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def say(self, say: Callable[[], None]) -> None:
        """Print a line on stderr without breaking the bar: clear it first, draw it after."""
        bar = self.bar
        shown = bar is not None and bar.last_print_t >= bar.start_t + bar.delay
        if shown:
            bar.clear()
        say()
        if shown:
            bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            _ACTIVE.remove(self)


_ACTIVE: list[_Progress] = []


def beside_progress(say: Callable[[], None]) -> None:
    """Run ``say`` (which prints a line on stderr) with the progress bar, if one is drawn,
    cleared first and drawn again after, so the line is never mixed with the bar."""
    if _ACTIVE:
        _ACTIVE[-1].say(say)
    else:
        say()


def run_places(inputs: Sequence[Path], fmt: str, jobs: int, quiet: bool, error: Callable[[str], None],
               geocoder: Geocoder | None = None, put: Callable[[str], object] | None = None) -> bool:
    """Write the places of every report ``inputs`` names; False if any input was refused."""
    ok = True

    def refused(message: str) -> None:
        nonlocal ok
        ok = False
        error(message)

    paths = article_files(inputs, refused)
    out = FeatureWriter(put or stdout_writer(), fmt)
    progress = _Progress(len(paths), quiet)
    try:
        out.begin()
        group_name, group = None, []
        for path, (problem, features) in zip(paths, results(paths, jobs, geocoder)):
            name = article_name(path)
            if name != group_name:
                if group:
                    out.write(_merged(group))
                group_name, group = name, []
            if problem is None:
                group.append(features)
            else:
                refused(problem)
            progress.update()
        if group:
            out.write(_merged(group))
        out.end()
        if put is None:
            sys.stdout.flush()
    finally:
        progress.close()
    return ok
