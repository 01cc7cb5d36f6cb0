"""Start the dashboard with its safety settings, and say which settings a running server lacks.

The settings live in three places that must agree: ``.streamlit/config.toml`` beside
``dashboard.py`` (Streamlit reads it whatever folder ``streamlit run`` is started from,
and it overrides a config file in that folder), the flags :func:`main` passes when it
starts the server itself (flags override every config file and environment variable),
and the dashboard's own check at run time (:func:`unsafe_settings`), for a server
started with other flags.

    python -m atlas_ui.launch [--port 8501] [--headless]
"""
from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

#: The dashboard script; the package is installed in development mode beside it.
DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
#: Streamlit serves ``static/`` beside the script; the map's files go in ``static/vendor``.
VENDOR_DIR = DASHBOARD.parent / "static" / "vendor"
DEFAULT_PORT = 8501

#: Streamlit options the dashboard must run with, whoever starts it and from where.
SAFE_OPTIONS: dict[str, Any] = {
    # Loopback only: sharing on a network is a decision, not a default.
    "server.address": "127.0.0.1",
    "server.showEmailPrompt": False,
    # The map's scripts, tiles and outlines are the app's static files.
    "server.enableStaticServing": True,
    # Megabytes. Articles over 1 MB are refused by geo.articles with a clear message.
    "server.maxUploadSize": 2,
    "browser.gatherUsageStats": False,
    # No tracebacks (server paths, code) in the page; they go to the server's log.
    "client.showErrorDetails": "none",
    # Tables download as CSV only through the dashboard's buttons, which neutralise
    # spreadsheet formulas; the tables' own CSV export would not.
    "client.disableDataExport": True,
}
#: Options Streamlit reads again for every upload and every error, so a running
#: dashboard can put them right for good.
CORRECTED_AT_RUN_TIME = ("server.maxUploadSize", "client.showErrorDetails")
#: Options sent to the browser when a page opens, with what such a page may still do:
#: put right at run time, but a page opened before that keeps the old value until reloaded.
CORRECTED_ON_RELOAD: dict[str, str] = {
    "browser.gatherUsageStats": "the browser may send usage statistics to Streamlit",
    "client.disableDataExport": "tables offer their own CSV export, which does not neutralise spreadsheet formulas",
}
#: Options fixed when the server starts: a running dashboard can only warn about them.
FIXED_AT_START = ("server.address", "server.enableStaticServing")


def is_loopback(address: object) -> bool:
    """True for an address only this machine can reach (an unset address means every interface)."""
    if not isinstance(address, str) or not address.strip():
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def unsafe_settings(get_option: Callable[[str], Any]) -> list[str]:
    """The options of :data:`SAFE_OPTIONS` the running server has wrong, in that order.

    ``get_option`` is ``streamlit.config.get_option`` (or a stand-in in tests). Any
    loopback address counts as safe; ``server.showEmailPrompt`` only matters before
    the server starts, so it is not checked here.
    """
    wrong = []
    for key, safe in SAFE_OPTIONS.items():
        if key == "server.showEmailPrompt":
            continue
        value = get_option(key)
        if key == "server.address":
            if not is_loopback(value):
                wrong.append(key)
        elif key == "server.maxUploadSize":
            if not isinstance(value, (int, float)) or value > safe:
                wrong.append(key)
        elif value != safe:
            wrong.append(key)
    return wrong


def _flag_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def streamlit_flags(port: int = DEFAULT_PORT, headless: bool = False) -> list[str]:
    """``streamlit run`` flags for every safe option, the port and (optionally) headless mode."""
    options = {**SAFE_OPTIONS, "server.port": port}
    if headless:
        options["server.headless"] = True
    return [f"--{key}={_flag_value(value)}" for key, value in options.items()]


def unwritable_assets(error: OSError) -> str:
    """What to do when the map's files cannot be copied beside the dashboard script."""
    return (f"the map's scripts and tiles cannot be copied into static/vendor beside dashboard.py "
            f"({error.strerror or type(error).__name__}); install Incident Atlas into a virtual "
            "environment you can write to (python3 -m venv .venv && .venv/bin/pip install …)")


def main(argv: Sequence[str] | None = None) -> int:
    """Start the dashboard on 127.0.0.1 with the safe options as flags; returns when it stops."""
    parser = argparse.ArgumentParser(prog="incident-atlas-dashboard",
                                     description="Start the Incident Atlas dashboard on this machine only.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--headless", action="store_true", help="do not open a browser window")
    options = parser.parse_args(argv)
    if not DASHBOARD.is_file():
        print(f"incident-atlas-dashboard: error: {DASHBOARD} is missing; install the project with "
              "`pip install -e .` from its folder", file=sys.stderr)
        return 2
    # Imported here: the command line's --help must not wait for Streamlit and geopandas.
    from streamlit.web import cli as streamlit_cli

    from .webmap import install_assets

    # In place before the server starts, so the first page finds the map's files.
    try:
        install_assets(VENDOR_DIR)
    except OSError as err:
        print(f"incident-atlas-dashboard: error: {unwritable_assets(err)}", file=sys.stderr)
        return 2
    # Streamlit's own command, so the script path, config files and start-up run exactly
    # as for `streamlit run`; flags win over config files and environment variables.
    result = streamlit_cli.main.main(args=["run", *streamlit_flags(options.port, options.headless), str(DASHBOARD)],
                                     prog_name="streamlit", standalone_mode=False)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
