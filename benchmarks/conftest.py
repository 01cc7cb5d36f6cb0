"""Shared set-up for the speed benchmarks in this folder.

* Every benchmark runs with the network switched off inside the pytest process
  (socket connect / DNS lookups raise), and child processes are started in an
  empty network namespace (``unshare -n``) when the machine allows it.
* Each benchmark stores its derived figures (articles/s, recall, peak RSS, …) in
  pytest-benchmark's ``extra_info`` (kept in ``--benchmark-json``) and also hands
  them to :func:`pytest_terminal_summary`, which prints them after the timing table.
"""
from __future__ import annotations

import socket

import pytest

_RESULTS = pytest.StashKey[list]()


class NetworkUsed(RuntimeError):
    """Raised when benchmarked code tries to reach the network."""


def _refuse(*_args, **_kwargs):
    raise NetworkUsed("benchmarks must not use the network")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a connection or resolve a name fail loudly."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


@pytest.fixture
def record(request: pytest.FixtureRequest, benchmark):
    """``record(**figures)``: attach figures to this benchmark and to the end-of-run summary."""
    results = request.config.stash.setdefault(_RESULTS, [])

    def _record(**figures) -> None:
        benchmark.extra_info.update(figures)
        results.append((request.node.name, figures))

    return _record


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    import os
    import platform
    terminalreporter.section("Incident Atlas benchmark figures (also in --benchmark-json extra_info)")
    versions = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    terminalreporter.write_line(f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {versions}")
    for name, figures in results:
        terminalreporter.write_line(name)
        for key, value in figures.items():
            terminalreporter.write_line(f"    {key}: {_format(value)}")


_PACKAGES = ("incident-atlas", "geotext", "pytest", "pytest-benchmark", "geopandas", "shapely",
             "pyogrio", "pyproj", "geopy", "jellyfish")


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def pytest_benchmark_update_machine_info(config, machine_info) -> None:
    """Add CPU count and the versions of the measured packages to the JSON's machine_info."""
    import os
    machine_info["cpu_count"] = os.cpu_count()
    machine_info["packages"] = package_versions()
