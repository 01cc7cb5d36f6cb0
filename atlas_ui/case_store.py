"""The case store: the cases users create in the dashboard, one folder each, on disk.

A stored case is a folder ``<store>/<id>/`` with ``case.toml`` and ``articles/*.txt``,
the same layout as a built-in case (``geo.cases``), so ``incident-atlas build --case``
reads it too. The store is ``$INCIDENT_ATLAS_HOME/cases`` (``geo.settings.atlas_home``).

Every change is atomic: a new case is written into a temporary folder inside the store
and renamed into place; a report or ``case.toml`` is written under a temporary name and
renamed over the old one (``layers.export.replace_file``); a deleted case is renamed
away before it is removed. A reader therefore sees a case whole or not at all.

Imported incident datasets live beside the cases, one GeoPackage each,
``$INCIDENT_ATLAS_HOME/datasets/<slug>.gpkg``, written and removed the same way.

Nothing from the user becomes a path unchecked: ids must pass ``geo.cases.is_case_id``
and report names are cut to a plain ``.txt`` file name. Errors are :class:`StoreError`,
one line for the user, with no server path in it.
"""
from __future__ import annotations

import functools
import io
import os
import re
import secrets
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyogrio

from geo.articles import ArticleError, read_article
from geo.cases import ARTICLES_FOLDER, CASE_FILE, Case, CaseError, case_toml, is_case_id, read_case, renamed
from geo.settings import atlas_home
from layers.datasets import IMPORTED_COLUMNS, LAYER as DATASET_LAYER, DatasetImport, write_dataset
from layers.export import ExportError, io_reason, replace_file

from .filters import distinct_name
from .reports import SESSION_CHARS, SESSION_REPORTS

STORE_FOLDER = "cases"
#: The longest report name kept (characters, ``.txt`` included).
MAX_NAME = 120
#: Where a case being written or removed waits: hidden, so listings skip it.
_PENDING = ".pending-"
_REMOVED = ".removed-"
#: Seconds after which such a folder is a leftover of a create or delete that was cut short
#: (a crash, a kill): no create or delete takes nearly this long.
LEFTOVER_AGE_S = 3600
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class StoreError(Exception):
    """A store operation that cannot be done; the message is one line for the user."""


@dataclass(frozen=True)
class StoredReport:
    """One report of a case as read from its folder."""

    name: str
    text: str


def store_root() -> Path:
    """The folder that holds the user's cases."""
    return atlas_home() / STORE_FOLDER


def case_folder(root: Path, case_id: str) -> Path:
    """The folder of case ``case_id`` in the store at ``root``; refuses anything that is not an id."""
    if not isinstance(case_id, str) or not is_case_id(case_id):
        raise StoreError(f"{case_id!r} is not a case id (lowercase letters, digits and hyphens)")
    return root / case_id


def _without_paths(message: str, folder: Path, shown: str) -> str:
    """A message with the server path ``folder`` replaced by ``shown`` (no path in the page)."""
    return message.replace(str(folder), shown)


def list_cases(root: Path, reserved: frozenset[str] = frozenset()) -> tuple[list[Case], list[str]]:
    """The stored cases, by title, and one line for each folder that cannot be read.

    ``reserved`` ids (the built-in cases') cannot be used by a stored case. Hidden
    folders (a case being written or removed) are skipped; those an interrupted create
    or delete left more than :data:`LEFTOVER_AGE_S` ago are removed.
    """
    cases: list[Case] = []
    errors: list[str] = []
    try:
        entries = list(root.iterdir())
    except FileNotFoundError:
        return [], []
    except OSError as err:
        return [], [f"The case store cannot be read ({io_reason(err)})."]
    _remove_leftovers(entries, time.time())
    folders = sorted(path for path in entries if not path.name.startswith("."))
    for folder in folders:
        shown = repr(folder.name)
        try:
            if not folder.is_dir():
                continue
            if not is_case_id(folder.name):
                errors.append(f"case folder {shown}: not a case id (lowercase letters, digits and hyphens); skipped")
                continue
            if not (folder / CASE_FILE).is_file():
                errors.append(f"case folder {folder.name}: has no {CASE_FILE}; skipped")
                continue
            case = read_case(folder)
        except CaseError as err:
            errors.append(_without_paths(str(err), folder, f"case folder {folder.name}") + "; skipped")
            continue
        except OSError as err:
            errors.append(f"case folder {folder.name}: cannot be read ({io_reason(err)}); skipped")
            continue
        if case.id != folder.name:
            errors.append(f"case folder {folder.name}: its {CASE_FILE} names the id {case.id!r}; skipped")
        elif case.id in reserved:
            errors.append(f"case folder {folder.name}: a built-in case has this id; skipped")
        else:
            cases.append(case)
    cases.sort(key=lambda case: (case.title.casefold(), case.id))
    return cases, errors


def _remove_leftovers(entries: list[Path], now: float) -> None:
    """Remove the work folders among ``entries`` last changed over :data:`LEFTOVER_AGE_S` before ``now``."""
    for path in entries:
        if not path.name.startswith((_PENDING, _REMOVED)):
            continue
        try:
            stale = path.is_dir() and not path.is_symlink() and now - path.stat().st_mtime > LEFTOVER_AGE_S
        except OSError:
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)


def unique_id(base: str, taken: set[str] | frozenset[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free (and still a valid id)."""
    base = base if is_case_id(base) else "case"
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[:80 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def report_name(name: str) -> str:
    """``name`` as a safe file name for a report: no folders, no hidden file, ``.txt`` at the end.

    "../../etc/passwd" → "passwd.txt", ".bashrc" → "bashrc.txt", "a/b\\c.txt" → "c.txt".
    """
    name = unicodedata.normalize("NFC", str(name))
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE_NAME.sub(" ", base)
    base = " ".join(base.split()).lstrip(".").strip()
    stem = base[:-4] if base.lower().endswith(".txt") else base
    stem = stem.rstrip(". ")[:MAX_NAME - 4].rstrip(". ") or "report"
    return f"{stem}.txt"


def _check_budget(reports: Mapping[str, str]) -> None:
    chars = sum(len(text) for text in reports.values())
    if len(reports) > SESSION_REPORTS or chars > SESSION_CHARS:
        raise StoreError(f"a case holds at most {SESSION_REPORTS} reports and {SESSION_CHARS / 1e6:.0f} MB "
                         f"of text (this would make {len(reports)}, {chars / 1e6:.1f} MB)")


def create_case(root: Path, case: Case, reports: Mapping[str, str],
                reserved: frozenset[str] = frozenset()) -> Case:
    """Store ``case`` with ``reports`` (name → text) under a free id; the stored case.

    The id is ``case.id`` made unique among the stored and ``reserved`` ids. The folder
    is written in full under a hidden name inside the store, then renamed into place.
    """
    if not reports:
        raise StoreError("a case needs at least one report")
    named: dict[str, str] = {}
    for name, text in reports.items():
        named[distinct_name(report_name(name), named)] = text
    _check_budget(named)
    try:
        root.mkdir(parents=True, exist_ok=True)
        pending = root / f"{_PENDING}{secrets.token_hex(8)}"
        (pending / ARTICLES_FOLDER).mkdir(parents=True)
    except OSError as err:
        raise StoreError(f"the case store cannot be written ({io_reason(err)}); "
                         "set INCIDENT_ATLAS_HOME to a folder you can write to") from None
    try:
        for name, text in named.items():
            replace_file(pending / ARTICLES_FOLDER / name, text.encode("utf-8", "surrogatepass"))
        for _ in range(1000):
            taken = {path.name for path in root.iterdir()} | set(reserved)
            stored = replace(case, id=unique_id(case.id, taken), folder=None, built_in=False)
            replace_file(pending / CASE_FILE, case_toml(stored).encode("utf-8"))
            target = root / stored.id
            try:
                os.rename(pending, target)  # fails if another case took the id meanwhile
            except OSError as err:
                if target.exists():
                    continue
                raise err
            return replace(stored, folder=target)
        raise StoreError("no free id for the case")
    except OSError as err:
        raise StoreError(f"the case could not be saved ({io_reason(err)})") from None
    finally:
        shutil.rmtree(pending, ignore_errors=True)


def read_reports(case: Case) -> tuple[list[StoredReport], list[str]]:
    """The reports of a stored case, by name, and one line for each that cannot be read."""
    folder = case.articles_dir
    if folder is None:
        return [], []
    try:
        paths = sorted(path for path in folder.iterdir()
                       if path.suffix == ".txt" and not path.name.startswith("."))
    except OSError as err:
        return [], [f"the reports of {case.title} cannot be read ({io_reason(err)})"]
    reports, errors = [], []
    for path in paths:
        if path.is_symlink():
            errors.append(f"{path.name}: a link, not a report file; skipped")
            continue
        try:
            article = read_article(path)
        except ArticleError as err:
            errors.append(_without_paths(str(err), folder, "").lstrip("/"))
            continue
        reports.append(StoredReport(article.name, article.text))
    return reports, errors


def _stored_case(case: Case) -> Path:
    if case.built_in or case.folder is None:
        raise StoreError(f"{case.title} is a built-in case: it cannot be changed")
    if not is_case_id(case.folder.name):
        raise StoreError(f"{case.folder.name!r} is not a case id")
    return case.folder


def add_report(case: Case, name: str, text: str) -> str:
    """Add a report to a stored case; returns the name it is stored under (made distinct)."""
    folder = _stored_case(case)
    existing, _ = read_reports(case)
    current = {report.name: report.text for report in existing}
    stored = distinct_name(report_name(name), set(current) | _names_in(folder / ARTICLES_FOLDER))
    _check_budget({**current, stored: text})
    try:
        replace_file(folder / ARTICLES_FOLDER / stored, text.encode("utf-8", "surrogatepass"))
    except OSError as err:
        raise StoreError(f"{stored}: could not be saved ({io_reason(err)})") from None
    return stored


def _names_in(folder: Path) -> set[str]:
    try:
        return {path.name for path in folder.iterdir()}
    except OSError:
        return set()


def remove_report(case: Case, name: str) -> None:
    """Remove one report from a stored case; a case keeps at least one report."""
    folder = _stored_case(case)
    if name != report_name(name):
        raise StoreError(f"{name!r} is not a report of this case")
    reports, _ = read_reports(case)
    if name not in {report.name for report in reports}:
        raise StoreError(f"{name} is not a report of this case")
    if len(reports) == 1:
        raise StoreError("a case keeps at least one report: delete the case instead")
    try:
        (folder / ARTICLES_FOLDER / name).unlink()
    except OSError as err:
        raise StoreError(f"{name}: could not be removed ({io_reason(err)})") from None


def rename_case(case: Case, title: str) -> Case:
    """Give a stored case a new title; its id, folder and links stay."""
    folder = _stored_case(case)
    try:
        new = renamed(case, title)
    except CaseError as err:
        raise StoreError(str(err)) from None
    try:
        replace_file(folder / CASE_FILE, case_toml(replace(new, folder=None)).encode("utf-8"))
    except OSError as err:
        raise StoreError(f"the case could not be renamed ({io_reason(err)})") from None
    return new


def delete_case(case: Case) -> None:
    """Remove a stored case: renamed out of sight in one step, then its files are removed."""
    folder = _stored_case(case)
    gone = folder.parent / f"{_REMOVED}{secrets.token_hex(8)}"
    try:
        os.rename(folder, gone)
    except OSError as err:
        raise StoreError(f"the case could not be deleted ({io_reason(err)})") from None
    shutil.rmtree(gone, ignore_errors=True)


def case_zip(case: Case, layer_files: Mapping[str, bytes], reports: Mapping[str, str] | None = None) -> bytes:
    """One zip of a case: its folder (``case.toml``, ``articles/``, curated files) and, in
    ``layers/``, the files ``incident-atlas build`` writes (``layer_files``, ``case.json`` included).

    Everything sits under a folder named by the case's id. ``reports`` (name → text)
    replace the folder's reports when given; links and hidden files are never packed.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(f"{case.id}/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        files = []
        if case.folder is not None:
            files = [path for path in sorted(case.folder.iterdir())
                     if path.is_file() and not path.is_symlink() and not path.name.startswith(".")]
        if not any(path.name == CASE_FILE for path in files):
            add(CASE_FILE, case_toml(replace(case, folder=None)).encode("utf-8"))
        for path in files:
            add(path.name, path.read_bytes())
        if reports is None:
            stored, _ = read_reports(case)
            reports = {report.name: report.text for report in stored}
        for name, text in reports.items():
            add(f"{ARTICLES_FOLDER}/{report_name(name)}", text.encode("utf-8", "surrogatepass"))
        for name, data in layer_files.items():
            add(f"layers/{name}", data)
    return buffer.getvalue()


# --- incident datasets ----------------------------------------------------------------------
# An imported dataset (ACLED, GTD, UCDP GED) is one GeoPackage, ``<store>/datasets/<slug>.gpkg``,
# as ``layers.datasets.write_dataset`` writes it (``incident-atlas incidents import --out`` too).

DATASETS_FOLDER = "datasets"
DATASET_SUFFIX = ".gpkg"
#: The longest dataset slug kept.
MAX_SLUG = 60
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class StoredDataset:
    """One imported dataset in the store: its slug (file name without ``.gpkg``) and its incidents."""

    slug: str
    path: Path
    incidents: int
    modified_ns: int


def datasets_dir() -> Path:
    """The folder that holds the user's imported incident datasets."""
    return atlas_home() / DATASETS_FOLDER


def is_dataset_slug(value: object) -> bool:
    """Whether ``value`` can name a stored dataset: lowercase letters, digits, ``_`` and ``-``."""
    return isinstance(value, str) and len(value) <= MAX_SLUG + 6 and _SLUG.fullmatch(value) is not None


def dataset_slug(file_name: str) -> str:
    """The slug a dataset uploaded as ``file_name`` is stored under: "ACLED Pakistan.csv" → "acled_pakistan"."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKD", str(file_name)))[-1]
    stem = base[:-4] if base.lower().endswith(".csv") else base
    ascii_stem = stem.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_stem).strip("_-")[:MAX_SLUG].rstrip("_-")
    return slug or "dataset"


def upload_file_name(file_name: str) -> str:
    """``file_name`` as a safe name for an uploaded CSV file: no folders, no hidden file, ``.csv`` at the end."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(file_name)))[-1]
    base = " ".join(_UNSAFE_NAME.sub(" ", base).split()).lstrip(".").strip()
    stem = base[:-4] if base.lower().endswith(".csv") else base
    stem = stem.rstrip(". ")[:MAX_NAME - 4].rstrip(". ") or "upload"
    return f"{stem}.csv"


def dataset_path(root: Path, slug: str) -> Path:
    """The file of dataset ``slug`` in the folder ``root``; refuses anything that is not a slug."""
    if not is_dataset_slug(slug):
        raise StoreError(f"{slug!r} is not a dataset name (lowercase letters, digits, _ and -)")
    return root / f"{slug}{DATASET_SUFFIX}"


def _free_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` … whichever is not in ``taken``."""
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


@functools.lru_cache(maxsize=256)
def _incident_count(path: Path, modified_ns: int, size: int) -> int:
    """How many incidents the GeoPackage at ``path`` holds (read once per version of the file);
    :class:`StoreError` when it is not a GeoPackage of imported incidents."""
    try:
        info = pyogrio.read_info(path, layer=DATASET_LAYER)
    except Exception:  # noqa: BLE001 - pyogrio raises its own classes and OSError alike
        raise StoreError("not a GeoPackage of imported incidents") from None
    missing = [column for column in IMPORTED_COLUMNS if column not in set(info.get("fields", ()))]
    if missing:
        raise StoreError(f"not a GeoPackage of imported incidents (no {missing[0]!r} column)")
    return int(info.get("features") or 0)


def list_datasets(root: Path) -> tuple[list[StoredDataset], list[str]]:
    """The stored datasets, by slug, and one line for each file that cannot be used.

    Hidden files (a dataset being written or removed) are skipped; those an interrupted
    import or delete left more than :data:`LEFTOVER_AGE_S` ago are removed.
    """
    try:
        entries = list(root.iterdir())
    except FileNotFoundError:
        return [], []
    except OSError as err:
        return [], [f"The incident datasets cannot be read ({io_reason(err)})."]
    _remove_leftover_files(entries, time.time())
    datasets: list[StoredDataset] = []
    errors: list[str] = []
    for path in sorted(entries):
        if path.name.startswith(".") or path.suffix != DATASET_SUFFIX:
            continue
        shown = path.name
        if not is_dataset_slug(path.stem):
            errors.append(f"dataset file {shown!r}: not a dataset name (lowercase letters, digits, _ and -); skipped")
            continue
        try:
            if path.is_symlink() or not path.is_file():
                errors.append(f"dataset file {shown}: not a plain file; skipped")
                continue
            state = path.stat()
            count = _incident_count(path, state.st_mtime_ns, state.st_size)
        except StoreError as err:
            errors.append(f"dataset file {shown}: {err}; skipped")
            continue
        except OSError as err:
            errors.append(f"dataset file {shown}: cannot be read ({io_reason(err)}); skipped")
            continue
        datasets.append(StoredDataset(path.stem, path, count, state.st_mtime_ns))
    return datasets, errors


def _remove_leftover_files(entries: list[Path], now: float) -> None:
    """Remove the hidden work files among ``entries`` last changed over :data:`LEFTOVER_AGE_S` before ``now``."""
    for path in entries:
        if not (path.name.startswith((_PENDING, _REMOVED)) or (path.name.startswith(".") and path.suffix == ".tmp")):
            continue
        try:
            if path.is_file() and not path.is_symlink() and now - path.stat().st_mtime > LEFTOVER_AGE_S:
                path.unlink()
        except OSError:
            continue


def save_dataset(root: Path, imported: DatasetImport, file_name: str) -> StoredDataset:
    """Store ``imported`` (uploaded as ``file_name``) as ``<root>/<slug>.gpkg``; the stored dataset.

    The slug comes from ``file_name``, numbered ("acled_pakistan_2") when taken. The
    GeoPackage is written in full under a hidden name, then linked to its name in one
    step, which fails rather than replace a dataset another session stored meanwhile.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"the dataset store cannot be written ({io_reason(err)}); "
                         "set INCIDENT_ATLAS_HOME to a folder you can write to") from None
    pending = root / f"{_PENDING}{secrets.token_hex(8)}{DATASET_SUFFIX}"
    try:
        write_dataset(imported, pending)
    except ExportError as err:
        raise StoreError(f"the dataset could not be saved ({err.reason})") from None
    base = dataset_slug(file_name)
    try:
        for _ in range(1000):
            taken = {path.stem for path in root.iterdir() if path.suffix == DATASET_SUFFIX}
            target = dataset_path(root, _free_slug(base, taken))
            try:
                os.link(pending, target)  # never over an existing file
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links
                if target.exists():
                    continue
                os.rename(pending, target)
            state = target.stat()
            return StoredDataset(target.stem, target, len(imported.frame), state.st_mtime_ns)
        raise StoreError("no free name for the dataset")
    except OSError as err:
        raise StoreError(f"the dataset could not be saved ({io_reason(err)})") from None
    finally:
        pending.unlink(missing_ok=True)


def delete_dataset(root: Path, slug: str) -> None:
    """Remove a stored dataset: renamed out of sight in one step, then removed."""
    path = dataset_path(root, slug)
    gone = root / f"{_REMOVED}{secrets.token_hex(8)}{DATASET_SUFFIX}"
    try:
        os.rename(path, gone)
    except FileNotFoundError:
        raise StoreError(f"{slug} is no longer among the stored datasets") from None
    except OSError as err:
        raise StoreError(f"the dataset could not be deleted ({io_reason(err)})") from None
    gone.unlink(missing_ok=True)
