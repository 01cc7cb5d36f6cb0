"""The server's safety settings hold however and wherever the dashboard is started (issue #9).

Each server here starts from a temporary folder whose own ``.streamlit/config.toml``
asks for everything unsafe (every interface, usage statistics, no static files, a
200 MB upload limit, full tracebacks, the tables' own CSV export). ``streamlit run``
must still get the settings beside ``dashboard.py``; the launcher must also win over
unsafe environment variables. The page is loaded in Debian's Chromium with every
request to another host blocked and recorded, and Streamlit's own messages to the
browser are read off the websocket.
"""
from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import pytest

from geo.settings import HOME_ENV

from .dashboard_helpers import CHROMIUM, CHROMIUM_ARGS, free_port, loopback_only, running_server

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
#: The safe values, written out here so the tests do not trust the code they test.
SAFE = {"server.address": "127.0.0.1", "server.enableStaticServing": True, "server.maxUploadSize": 2,
        "browser.gatherUsageStats": False, "client.showErrorDetails": "none", "client.disableDataExport": True}
HOSTILE_CONFIG = """
[server]
address = "0.0.0.0"
enableStaticServing = false
maxUploadSize = 200
[browser]
gatherUsageStats = true
[client]
showErrorDetails = "full"
disableDataExport = false
"""
#: What an unsafe environment can ask of ``streamlit run``; the launcher's flags must win.
HOSTILE_ENV = {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "true",
               "STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "false", "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "200",
               "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full", "STREAMLIT_CLIENT_DISABLE_DATA_EXPORT": "false"}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    """A folder to start from whose own Streamlit config asks for everything unsafe."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    return folder


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")}
    return {**env, **extra}


def test_streamlit_run_from_another_folder_gets_the_safe_settings(hostile_dir):
    """The options ``streamlit run /path/dashboard.py`` computes when started from elsewhere."""
    # What streamlit.web.cli does before it starts the server: the script's path first
    # (its folder's config is read too), then every config file.
    probe = ("import json, sys\n"
             "from streamlit import config\n"
             "from streamlit.web import bootstrap\n"
             "config._main_script_path = sys.argv[1]\n"
             "bootstrap.load_config_options(flag_options={})\n"
             f"print(json.dumps({{key: config.get_option(key) for key in {list(SAFE)!r}}}))\n")
    answer = subprocess.run([sys.executable, "-c", probe, str(DASHBOARD)], cwd=hostile_dir, env=_clean_env(),
                            capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(answer.stdout.strip().splitlines()[-1]) == SAFE


# --- real servers -----------------------------------------------------------------------

@pytest.fixture(scope="module", params=["streamlit run", "launcher"])
def server(request, hostile_dir, tmp_path_factory) -> Iterator[str]:
    """The dashboard started from the hostile folder, by ``streamlit run`` or by the launcher
    (its case store in a fresh folder, never the real one)."""
    port = free_port()
    home = {HOME_ENV: str(tmp_path_factory.mktemp("atlas-home"))}
    if request.param == "streamlit run":
        command = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD), "--server.headless", "true",
                   "--server.port", str(port)]
        env = _clean_env(**home)
    else:
        # The launcher must be this checkout's: an installed one would serve another dashboard.
        spec = importlib.util.find_spec("atlas_ui.launch")
        if spec is None or not Path(spec.origin).is_relative_to(ROOT):
            pytest.fail(f"atlas_ui/launch.py is missing from {ROOT}")
        command = [sys.executable, "-m", "atlas_ui.launch", "--port", str(port), "--headless"]
        env = _clean_env(**HOSTILE_ENV, **home)
    with running_server(command, hostile_dir, port, env) as url:
        yield url


def _listening_addresses(port: int) -> set[str]:
    """Every local address with a socket listening on ``port`` (Linux's /proc/net/tcp and tcp6)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium (see .ci/run)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_the_server_is_safe_and_the_map_loads(server, browser):
    from playwright.sync_api import expect
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    port = urlparse(server).port
    if Path("/proc/net/tcp").exists():
        addresses = _listening_addresses(port)
        assert addresses and all(ipaddress.ip_address(address).is_loopback for address in addresses), addresses
    with pytest.raises(OSError):  # another loopback address: refused unless on every interface
        socket.create_connection(("127.0.0.2", port), timeout=2).close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    sessions: list = []

    def read_messages(websocket) -> None:
        def on_frame(payload) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg()
                message.ParseFromString(payload)
                if message.WhichOneof("type") == "new_session":
                    sessions.append(message.new_session.config)
        websocket.on("framereceived", on_frame)

    context.route("**/*", loopback_only(outside))
    page = context.new_page()
    page.on("websocket", read_messages)
    try:
        page.goto(f"{server}/", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("path.atlas-incident").first.wait_for(timeout=90_000)
        frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
        page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=60_000)
        # What Streamlit told the browser when the page opened.
        assert sessions, "no NewSession message read off the websocket"
        assert all(config.gather_usage_stats is False for config in sessions)
        assert all(config.disable_data_export is True for config in sessions)
        uploaders = page.get_by_test_id("stFileUploaderDropzoneInstructions").all()
        assert uploaders
        for uploader in uploaders:
            expect(uploader).to_contain_text("2MB")
        # The dashboard found nothing to warn about.
        assert page.get_by_test_id("stAlert").count() == 0, page.get_by_test_id("stAlert").all_inner_texts()
        page.wait_for_timeout(1000)
        assert outside == [], outside
    finally:
        context.close()
    # The map's files are the app's static files.
    with urllib.request.urlopen(f"{server}/app/static/vendor/leaflet/leaflet.js", timeout=10) as answer:
        assert answer.status == 200 and b"Leaflet" in answer.read(4096)
