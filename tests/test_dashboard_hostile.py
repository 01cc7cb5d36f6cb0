"""The dashboard under hostile input and hostile settings, through Streamlit's AppTest (issue #9).

Links that switch on third-party tiles, reports that break the parsers, names that
collide, removed reports that stay in memory, and servers started with unsafe options.
"""
from __future__ import annotations

import gc
import pickle
import re
import tomllib
from pathlib import Path
from typing import Any, Iterator

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from .dashboard_helpers import case_home, ok, started_app  # noqa: F401 - case_home: a fresh case store per test

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
BUILT_IN_REPORTS = 5
#: The safe values, written out here so the tests do not trust the code they test.
SAFE = {"server.address": "127.0.0.1", "server.enableStaticServing": True, "server.maxUploadSize": 2,
        "browser.gatherUsageStats": False, "client.showErrorDetails": "none", "client.disableDataExport": True}


@pytest.fixture(autouse=True)
def safe_settings() -> Iterator[None]:
    """Each test starts from the safe options, whatever folder pytest runs in, and leaves them as found."""
    before = {key: streamlit_config.get_option(key) for key in SAFE}
    for key, value in SAFE.items():
        streamlit_config.set_option(key, value)
    yield
    for key, value in before.items():
        streamlit_config.set_option(key, value)


def _unescaped(items: Any) -> list[str]:
    # Messages are Markdown-escaped (user file names must not become links): read them back.
    return [re.sub(r"\\(.)", r"\1", item.value).replace("\u2060", "") for item in items]


def _paste(app: AppTest, text: str) -> AppTest:
    ok(app.text_area(key="paste_text").set_value(text).run())
    return ok(app.button(key="add_pasted").click().run())


def _reports(app: AppTest) -> list[str]:
    return list(app.selectbox(key="reader_article").options)


# --- item 9: a link never switches online tiles on --------------------------------------

def test_a_link_with_osm_online_leaves_the_tiles_offline():
    app = ok(started_app(osm="online", layers="route,places"))
    assert app.checkbox(key="online_tiles").value is False
    assert app.session_state["online_tiles"] is False
    assert "osm" not in app.query_params
    assert app.query_params["layers"] == "route,places"  # the rest of the view is kept
    # A click in this session switches them on; the URL still does not carry it.
    ok(app.checkbox(key="online_tiles").check().run())
    assert app.session_state["online_tiles"] is True
    assert "osm" not in app.query_params


# --- item 12d: one bad report is one error line, never a lost page ------------------------

BREAKS_THE_PARSER = "Quetta QUETTA-BREAKS-THE-PARSER"


@pytest.fixture
def breaking_parser(monkeypatch) -> None:
    """The place parser runs out of memory on one report."""
    import layers.build

    real = layers.build.places_in_text

    def places_in_text(text: str, *args: Any, **kwargs: Any):
        if "QUETTA-BREAKS-THE-PARSER" in text:
            raise MemoryError
        return real(text, *args, **kwargs)

    monkeypatch.setattr(layers.build, "places_in_text", places_in_text)


def test_a_report_that_breaks_the_parser_is_one_error_line_and_can_be_removed(breaking_parser):
    app = ok(started_app())
    built_in_places = app.metric[1].value
    _paste(app, "Militants attacked a convoy near Gwadar and another in Turbat.")
    _paste(app, f"Gunmen attacked a bus near {BREAKS_THE_PARSER}.")
    ok(app)
    errors = _unescaped(app.error)
    assert len(errors) == 1, errors
    assert errors[0].startswith("pasted-2.txt: could not be analysed (MemoryError)")
    assert "Traceback" not in errors[0] and "/" not in errors[0]
    # The other reports stay loaded and every pasted report can be removed.
    assert _reports(app)[-1] == "pasted-1.txt" and "pasted-2.txt" not in _reports(app)
    assert app.metric[0].value == str(BUILT_IN_REPORTS + 1)
    assert int(app.metric[1].value) > int(built_in_places)
    assert {button.key for button in app.sidebar.button} >= {"remove_pasted-1.txt", "remove_pasted-2.txt"}
    ok(app.button(key="remove_pasted-2.txt").click().run())
    assert _unescaped(app.error) == []
    assert list(app.session_state["pasted"]) == ["pasted-1.txt"]


def test_the_sidebar_is_drawn_before_the_reports_are_processed(monkeypatch):
    """Even an error no report handler catches leaves the Remove buttons on the page."""
    import layers.build
    import layers.places

    real = layers.places.merged_places_layer

    def merged_places_layer(places):
        if any(place.article.startswith("pasted-") for place in places):
            raise RuntimeError("the merge failed")
        return real(places)

    monkeypatch.setattr(layers.places, "merged_places_layer", merged_places_layer)
    monkeypatch.setattr(layers.build, "merged_places_layer", merged_places_layer)
    app = ok(started_app())
    app.text_area(key="paste_text").set_value("Gunmen attacked a bus near Quetta.").run()
    app.button(key="add_pasted").click().run()
    assert app.exception  # the failure itself is not hidden …
    remove = app.button(key="remove_pasted-1.txt")  # … but the way out is on the page
    remove.click().run()
    ok(app)
    assert app.session_state["pasted"] == {}
    assert app.metric[0].value == str(BUILT_IN_REPORTS)


# --- item 12c: two reports with one name are both kept -----------------------------------

def test_an_upload_named_like_an_earlier_paste_is_kept_under_a_new_name():
    app = ok(started_app())
    _paste(app, "Gunmen attacked a bus near Quetta.")
    ok(app.file_uploader(key="uploads").set_value(
        ("pasted-1.txt", b"A blast hit a market in Turbat.", "text/plain")).run())
    assert _unescaped(app.error) == []
    assert _reports(app)[-2:] == ["pasted-1.txt", "pasted-1 (2).txt"]
    assert app.metric[0].value == str(BUILT_IN_REPORTS + 2)
    notices = _unescaped(app.sidebar.info)
    assert len(notices) == 1 and "pasted-1.txt" in notices[0] and "pasted-1 (2).txt" in notices[0]
    ok(app.selectbox(key="reader_article").set_value("pasted-1 (2).txt").run())
    assert "Turbat" in app.get("html")[0].proto.body


def test_a_paste_after_an_upload_named_pasted_1_gets_the_next_free_name():
    app = ok(started_app())
    ok(app.file_uploader(key="uploads").set_value(
        ("pasted-1.txt", b"A blast hit a market in Turbat.", "text/plain")).run())
    _paste(app, "Gunmen attacked a bus near Quetta.")
    assert _unescaped(app.error) == []
    assert list(app.session_state["pasted"]) == ["pasted-2.txt"]
    assert set(_reports(app)[-2:]) == {"pasted-1.txt", "pasted-2.txt"}
    assert app.metric[0].value == str(BUILT_IN_REPORTS + 2)
    notices = _unescaped(app.sidebar.info)
    assert len(notices) == 1 and "pasted-2.txt" in notices[0]


def test_two_uploads_with_one_name_are_both_kept():
    app = ok(started_app())
    ok(app.file_uploader(key="uploads").set_value([("report.txt", b"A blast hit a market in Turbat.", "text/plain"),
                                                    ("report.txt", b"Police in Sibi arrested two men.", "text/plain")]
                                                   ).run())
    assert _unescaped(app.error) == []
    assert _reports(app)[-2:] == ["report.txt", "report (2).txt"]


def test_a_session_adds_reports_up_to_its_budget(monkeypatch):
    monkeypatch.setattr("atlas_ui.reports.SESSION_REPORTS", 2)
    app = ok(started_app())
    for town in ("Turbat", "Sibi", "Quetta"):
        _paste(app, f"A blast hit a market in {town}.")
    assert list(app.session_state["pasted"]) == ["pasted-1.txt", "pasted-2.txt"]
    [error] = _unescaped(app.error)
    assert error.startswith("pasted-3.txt: not added; a session holds at most 2 added reports")
    ok(app.file_uploader(key="uploads").set_value(
        ("report.txt", b"Police in Sibi arrested two men.", "text/plain")).run())
    assert "report.txt" not in _reports(app)
    assert any(e.startswith("report.txt: not added") for e in _unescaped(app.error))


# --- item 11: removed reports leave the caches --------------------------------------------

def _server_caches() -> bytes:
    """Everything Streamlit's server-wide caches (st.cache_data, st.cache_resource) hold, pickled."""
    from streamlit.runtime.caching.cache_data_api import _data_caches
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    held = []
    for caches in _data_caches._function_caches.values():
        for cache in caches.values():
            held.extend(bytes(value) for value in cache.storage._mem_cache.values())
    for caches in _resource_caches._function_caches.values():
        for cache in caches.values():
            held.extend(pickle.dumps(result.value) for result in cache._mem_cache.values())
    return b"".join(held)


def _strings_holding(marker: str) -> int:
    """How many strings held by live containers contain ``marker``.

    The garbage collector stops tracking tuples of plain values, so tuples are also
    looked into from the container that holds them.
    """
    gc.collect()
    found = 0
    for holder in gc.get_objects():
        if isinstance(holder, dict):
            values = list(holder.values())
        elif isinstance(holder, (list, tuple, set, frozenset)):
            values = list(holder)
        else:
            continue
        values += [item for value in values if isinstance(value, tuple) for item in value]
        found += sum(1 for value in values if isinstance(value, str) and marker in value)
    return found


def test_removed_reports_leave_no_copy_in_any_cache():
    app = ok(started_app())
    app.session_state["section"] = "Figures"  # fills the shared caches the cycles below use
    ok(app.run())
    app.session_state["section"] = "Article reader"
    ok(app.run())
    baseline = len(_server_caches())
    for cycle in range(4):
        marker = f"MARKER{cycle}XQ"  # built at run time: no constant of this module holds it
        # Long enough to matter (about 60 KB), with places and figures to cache.
        sentence = f"Gunmen near Quetta held 400 passengers of the Khyber Mail, {marker} said. "
        _paste(app, sentence * 700)
        name = next(iter(app.session_state["pasted"]))
        assert marker.encode() not in _server_caches()  # never cached server-wide, even while loaded
        assert any(marker in str(analysis.places[0].sentences) for analysis in app.session_state["report_cache"].values())
        assert _strings_holding(marker) > 0
        if cycle == 0:
            # Read it, look at its figures, then leave both tabs: their widgets (and
            # callbacks) are gone from the page but not from Streamlit's session.
            ok(app.selectbox(key="reader_article").set_value(name).run())
            ok(app.selectbox(key="reader_place").select_index(1).run())
            app.session_state["section"] = "Figures"
            ok(app.run())
            app.session_state["section"] = "About the data"
            ok(app.run())
        ok(app.button(key=f"remove_{name}").click().run())
        assert app.session_state["report_cache"] == {}
        assert "added_layers_cache" not in app.session_state
        assert _strings_holding(marker) == 0
    # Memory stays bounded: the shared caches hold what they held before the first paste.
    assert len(_server_caches()) == baseline
    assert app.metric[0].value == str(BUILT_IN_REPORTS)


def test_an_upload_removed_with_the_uploaders_button_leaves_the_session_cache():
    marker = "".join(("UPLOAD", "MARKER"))  # built at run time: no constant of this module holds it
    app = ok(started_app())
    ok(app.file_uploader(key="uploads").set_value(
        ("upload.txt", f"Gunmen near Turbat held {marker} hostages.".encode(), "text/plain")).run())
    assert marker.encode() not in _server_caches()
    assert len(app.session_state["report_cache"]) == 1
    ok(app.file_uploader(key="uploads").set_value([]).run())
    assert app.session_state["report_cache"] == {}
    assert _strings_holding(marker) == 0


# --- item 8: unsafe server settings are put right or shown --------------------------------

def test_unsafe_server_settings_are_corrected_or_shown():
    app = ok(started_app())
    assert _unescaped(app.warning) == [] and _unescaped(app.error) == []  # safe: nothing to say
    unsafe = {"server.address": "0.0.0.0", "server.enableStaticServing": False, "server.maxUploadSize": 200,
              "browser.gatherUsageStats": True, "client.showErrorDetails": "full",
              "client.disableDataExport": False}
    for key, value in unsafe.items():
        streamlit_config.set_option(key, value)
    app = ok(started_app())
    # Read again by Streamlit later: put right at once.
    for key in ("server.maxUploadSize", "browser.gatherUsageStats", "client.showErrorDetails",
                "client.disableDataExport"):
        assert streamlit_config.get_option(key) == SAFE[key], key
    # Fixed when the server started: shown to the user.
    shown = " ".join(_unescaped(app.warning) + _unescaped(app.error))
    assert "0.0.0.0" in shown and "network" in shown
    assert "server.enableStaticServing" in shown and "map cannot load" in shown
    assert "browser.gatherUsageStats" in shown and "usage statistics" in shown and "reload the page" in shown
    assert "client.disableDataExport" in shown
    # The page that opened with statistics on keeps its warning until it is reloaded.
    ok(app.run())
    assert "browser.gatherUsageStats" in " ".join(_unescaped(app.warning))


def test_config_file_and_launcher_carry_the_same_safe_settings():
    from atlas_ui import launch

    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        config = tomllib.load(fh)
    in_file = {f"{section}.{name}": value for section, options in config.items() for name, value in options.items()}
    for key, value in SAFE.items():
        assert in_file[key] == value, key
        assert launch.SAFE_OPTIONS[key] == value, key
    assert in_file["server.showEmailPrompt"] is False
    flags = launch.streamlit_flags(port=8765, headless=True)
    for flag in ("--server.address=127.0.0.1", "--server.port=8765", "--server.headless=true",
                 "--server.enableStaticServing=true", "--server.maxUploadSize=2", "--server.showEmailPrompt=false",
                 "--browser.gatherUsageStats=false", "--client.showErrorDetails=none",
                 "--client.disableDataExport=true"):
        assert flag in flags
    assert launch.unsafe_settings(SAFE.get) == []
    assert launch.unsafe_settings({**SAFE, "server.address": "::1"}.get) == []
    assert launch.unsafe_settings({**SAFE, "server.address": None}.get) == ["server.address"]
    assert launch.unsafe_settings({**SAFE, "server.address": "0.0.0.0"}.get) == ["server.address"]


# --- item 12a: file names are text wherever they are shown --------------------------------

def test_plain_text_escapes_every_markdown_construct():
    from atlas_ui.filters import plain_text

    for name in ("# Title http://x.txt", "![](http://host/x.png).txt", "- item.txt", "1. first.txt", "> quote.txt",
                 "www.example.com.txt", "a@b.example.txt", ":red[x] :smile: $x$.txt", "<b>x</b>&amp;.txt",
                 "`code`.txt", "line\n\n# heading.txt", "    indented.txt"):
        shown = plain_text(name)
        assert "\n" not in shown and not shown.startswith(" ")
        # Every punctuation character is escaped, so none can start a construct.
        assert not re.search(r"(?<!\\)[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", shown)), shown
        # Bare URLs and e-mail addresses are linked after escapes are resolved: an
        # invisible word joiner after "http", "www" and "@" keeps them text.
        assert not re.search(r"(?i)https?\\?:|www\\?\.|@(?!\u2060)", shown), shown
        assert re.sub(r"\\(.)", r"\1", shown).replace("\u2060", "") == " ".join(name.split("\n\n")).lstrip()


def test_a_vendor_folder_that_cannot_be_written_is_one_line_and_the_page_still_works(monkeypatch):
    import streamlit as st

    from atlas_ui import webmap

    def refuse(vendor_dir):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(webmap, "install_assets", refuse)
    st.cache_resource.clear()  # the assets are prepared once per server
    try:
        app = ok(started_app())
        errors = [item.value for item in app.error]
        assert len(errors) == 1 and "virtual" in errors[0] and "Permission denied" in errors[0]
        assert app.metric[0].value  # the rest of the page is there
    finally:
        st.cache_resource.clear()


def test_an_incidents_file_that_cannot_be_used_is_one_line(tmp_path, monkeypatch):
    bad = tmp_path / "incidents.csv"
    bad.write_text("id,date_start,lat,lon,precision_km,claim_status,sources\na,yesterday,1,1,1,claimed,x\n",
                   encoding="utf-8")
    monkeypatch.setenv("INCIDENT_ATLAS_INCIDENTS", str(bad))
    app = ok(started_app())
    errors = [item.value for item in app.error]
    assert len(errors) == 1 and "date\\_start" in errors[0] and "INCIDENT\\_ATLAS\\_INCIDENTS" in errors[0], errors
