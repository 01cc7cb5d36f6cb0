"""Write layers as RFC 7946 GeoJSON (one file per layer and one with all) and a GeoPackage.

Every file appears whole or not at all. GDAL writes the files into a private staging
folder (GDAL takes UTF-8 paths only, so the output folder may be any path the system
accepts); each file is then copied to a temporary name in the output folder and
renamed into place, which replaces the old file in one step. A build killed half-way
leaves the previous files or the new ones, never a truncated file; two builds into
one folder each leave complete files (the last rename wins).

The output folder keeps a small manifest of the files the last build wrote, so a file
a build no longer writes (the layer is gone) is removed; nothing else in the folder is
ever touched.
"""
from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

import geopandas as gpd
import pandas as pd
import pyogrio

try:
    import fcntl
except ModuleNotFoundError:  # Windows: builds into one folder do not take turns
    fcntl = None

GEOPACKAGE_NAME = "layers.gpkg"
ALL_LAYERS_NAME = "all_layers.geojson"
#: The files the last build wrote into its output folder (JSON list of names).
MANIFEST_NAME = ".incident-atlas-files.json"
#: GeoPackage timestamp (``gpkg_contents.last_change``) unless ``OGR_CURRENT_DATE`` is set:
#: fixed, so two builds of the same input are byte-identical.
GEOPACKAGE_DATE = "2000-01-01T00:00:00.000Z"

# Only names a build writes are ever removed from an output folder: these, and the
# temporary files of builds that were killed before they could rename them.
_OUTPUT_NAME = re.compile(r"[\w-]+\.geojson|[\w-]+\.json|" + re.escape(GEOPACKAGE_NAME))
_TEMPORARY_NAME = re.compile(r"\.(?P<target>.+)\.[0-9a-f]{16}\.tmp")
# GDAL's configuration is process-wide: one GeoPackage at a time sets the date.
_GDAL_CONFIG_LOCK = threading.Lock()


class ExportError(Exception):
    """An output file or folder that cannot be written; ``reason`` says what to do."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _has_lists(series: pd.Series) -> bool:
    return series.map(lambda value: isinstance(value, (list, tuple))).any()


def _flat_lists(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # A GeoPackage has no list type: lists are stored as JSON text, which QGIS shows
    # as-is and any reader can parse back.
    frame = frame.copy()
    for column in frame.columns:
        if column != frame.geometry.name and frame[column].dtype == object and _has_lists(frame[column]):
            frame[column] = frame[column].map(lambda value: json.dumps(value, ensure_ascii=False))
    return frame


_ADVICE = {
    errno.EEXIST: "is a file, not a folder; choose a folder for the output",
    errno.ENOTDIR: "is under a file, not a folder; choose a folder for the output",
    errno.EISDIR: "is a folder where an output file goes; move it away or choose another folder",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "not permitted; choose a folder you can write to",
    errno.EROFS: "read-only file system; choose a folder you can write to",
    errno.ENOENT: "cannot be created here; choose a folder you can write to",
    errno.ENOSPC: "no space left on the device; free some space or choose another folder",
}


def io_reason(error: OSError) -> str:
    """What the system says went wrong ("Permission denied"), else the error's class name.

    Never the error's whole text: that may name a server path, which the dashboard must not show.
    """
    return error.strerror or type(error).__name__


def failure_reason(error: OSError) -> str:
    """Why a file or folder cannot be written, with what to do where the error says it."""
    return _ADVICE.get(error.errno, f"cannot be written ({io_reason(error)})")


def prepare_output_folder(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and check files can be made in it, or raise :class:`ExportError`."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):  # nameless where the system allows
            pass
    except OSError as error:
        raise ExportError(out_dir, failure_reason(error)) from None
    return out_dir


@contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    """A new file that replaces ``target`` in one step when the block ends, or is removed on error."""
    # Created like any new file (the umask applies), never over an existing one.
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())  # the data reaches the disk before the name does
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically: the old file or the new one, never a part."""
    with _replacing(target) as out:
        out.write(data)
    return target


def replace_with_copy(source: Path, target: Path) -> Path:
    with _replacing(target) as out, source.open("rb") as data:
        shutil.copyfileobj(data, out)
    return target


@contextmanager
def _gdal_config(option: str, default: str) -> Iterator[None]:
    """``option`` set to ``default`` unless the user set it, restored afterwards."""
    with _GDAL_CONFIG_LOCK:
        previous = pyogrio.get_gdal_config_option(option)
        pyogrio.set_gdal_config_options({option: previous or default})
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options({option: previous})


def _write_geojson_file(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    pyogrio.write_dataframe(frame.to_crs(4326), path, driver="GeoJSON",
                            layer=layer, layer_options={"RFC7946": "YES"})


def _write_geopackage_file(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    with _gdal_config("OGR_CURRENT_DATE", GEOPACKAGE_DATE):
        for name, frame in layers.items():
            pyogrio.write_dataframe(_flat_lists(frame.to_crs(4326)), path, layer=name, driver="GPKG",
                                    append=path.exists())


@contextmanager
def _staging_folder() -> Iterator[Path]:
    """A private folder for GDAL to write in, removed afterwards."""
    try:
        with tempfile.TemporaryDirectory(prefix="incident-atlas-") as staging:
            yield Path(staging)
    except OSError as error:
        raise ExportError(Path(tempfile.gettempdir()), failure_reason(error)) from None


def _publishing_error(error: OSError, folder: Path) -> ExportError:
    # os.replace names the temporary file first and the file it would replace second.
    return ExportError(Path(error.filename2 or folder), failure_reason(error))


def all_layers_frame(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Every layer's features in one frame, tagged with a ``layer`` property, in layer order."""
    frames = [frame.to_crs(4326).assign(layer=name) for name, frame in layers.items() if len(frame)]
    if not frames:
        return gpd.GeoDataFrame({"layer": []}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    combined = pd.concat(frames, ignore_index=True)
    ordered = ["layer", *[c for c in combined.columns if c not in ("layer", "geometry")], "geometry"]
    return gpd.GeoDataFrame(combined[ordered], geometry="geometry", crs=4326)


@contextmanager
def _publishing(folder: Path) -> Iterator[None]:
    """Builds into one folder take turns to rename their files and update the manifest."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the descriptor is closed
        yield
        os.fsync(descriptor)  # the new names survive a power cut
    finally:
        os.close(descriptor)


def _manifest(folder: Path) -> set[str]:
    try:
        names = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()  # the first build here, or an unreadable manifest: remove nothing
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and _OUTPUT_NAME.fullmatch(name)}


def _write_manifest(folder: Path, names: set[str]) -> None:
    with _replacing(folder / MANIFEST_NAME) as out:
        out.write((json.dumps(sorted(names)) + "\n").encode("utf-8"))


def _remove_leftovers(folder: Path, names: set[str]) -> None:
    # Called with the folder's lock held: a temporary file of ours is a killed build's.
    for entry in folder.iterdir():
        temporary = _TEMPORARY_NAME.fullmatch(entry.name)
        if temporary and temporary["target"] in names | {MANIFEST_NAME}:
            entry.unlink(missing_ok=True)


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()  # a link is replaced, not followed


def _publish(staged: list[Path], folder: Path) -> list[Path]:
    """Rename each staged file into ``folder`` and remove the files the last build wrote and this one did not."""
    names = {path.name for path in staged}
    in_the_way = sorted(name for name in names if _is_folder(folder / name))
    if in_the_way:
        raise ExportError(folder / in_the_way[0], _ADVICE[errno.EISDIR])
    try:
        with _publishing(folder):
            previous = _manifest(folder)
            _remove_leftovers(folder, names | previous)
            # Listed before the renames, so a build killed half-way still has its files listed.
            _write_manifest(folder, names | previous)
            published = [replace_with_copy(path, folder / path.name) for path in staged]
            for name in previous - names:
                (folder / name).unlink(missing_ok=True)
            _write_manifest(folder, names)
    except OSError as error:
        raise _publishing_error(error, folder) from None
    return published


def _stage_layers(layers: dict[str, gpd.GeoDataFrame], staging: Path,
                  extra_files: Mapping[str, bytes]) -> list[Path]:
    """Write every output file into ``staging``; the paths in the order they are listed."""
    geojson = {f"{name}.geojson": (frame, name) for name, frame in layers.items()}
    geojson[ALL_LAYERS_NAME] = (all_layers_frame(layers), Path(ALL_LAYERS_NAME).stem)
    for file_name, (frame, layer) in geojson.items():
        _write_geojson_file(frame, staging / file_name, layer)
    _write_geopackage_file(layers, staging / GEOPACKAGE_NAME)
    for file_name, data in extra_files.items():
        (staging / file_name).write_bytes(data)
    return [staging / file_name for file_name in (*geojson, GEOPACKAGE_NAME, *extra_files)]


def write_layers(layers: dict[str, gpd.GeoDataFrame], out_dir: Path,
                 extra_files: Mapping[str, bytes] | None = None) -> list[Path]:
    """Write each layer as ``<name>.geojson``, all of them as one file, ``layers.gpkg``,
    and ``extra_files`` (``case.json``: name → bytes) beside them.

    Raises :class:`ExportError` if ``out_dir`` cannot hold them; the files of an earlier
    build then stay as they were.
    """
    extra_files = dict(extra_files or {})
    unfit = [name for name in extra_files if not _OUTPUT_NAME.fullmatch(name)]
    if unfit:
        raise ValueError(f"not a name a build writes: {unfit[0]!r}")
    folder = prepare_output_folder(out_dir)
    with _staging_folder() as staging:
        return _publish(_stage_layers(layers, staging, extra_files), folder)
