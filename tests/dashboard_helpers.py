"""What the dashboard tests share: the app under AppTest, a real server on loopback, Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlparse

import pytest
from streamlit.testing.v1 import AppTest

from geo.settings import HOME_ENV

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def loopback_only(outside: list[str], seen: list[str] | None = None) -> Callable:
    """A Playwright route handler: requests to this machine go on, every other one is
    aborted and recorded in ``outside`` (every URL asked for also in ``seen``)."""
    def route_request(route, request) -> None:
        if seen is not None:
            seen.append(request.url)
        if urlparse(request.url).hostname == "127.0.0.1" or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()
    return route_request


@pytest.fixture(autouse=True)
def case_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty INCIDENT_ATLAS_HOME for each test: nothing touches the real case store.

    Imported by every dashboard test module, so it applies to each of their tests.
    """
    home = tmp_path / "atlas-home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


def server_env(home: Path) -> dict[str, str]:
    """The environment of a dashboard server whose case store is in ``home``."""
    return {**os.environ, HOME_ENV: str(home)}


def started_app(**query: str) -> AppTest:
    """The dashboard after its first run, opened with ``query`` in the URL."""
    test = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        test.query_params[key] = value
    return test.run()


def ok(test: AppTest) -> AppTest:
    """``test``, asserting the run raised nothing."""
    assert not test.exception, [item.value for item in test.exception]
    return test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(command: list[str], cwd: Path, port: int, env: dict[str, str] | None = None,
                   wait_s: float = 120) -> Iterator[str]:
    """Start ``command`` (a Streamlit server on ``port``), yield its URL once healthy, stop it."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the server did not answer /_stcore/health within {wait_s:.0f} s")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def require_chromium():
    """Skip the calling test module without Debian's Chromium (under CI: fail); returns
    Playwright's sync API. Call at module level."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium (see .ci/run)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped",
                    allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def launched_chromium() -> Iterator:
    """Headless Debian Chromium under Playwright, closed afterwards (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
