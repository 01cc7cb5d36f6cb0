"""Results worked out from a frame once per session or once per server: the frames a
rerun gets are the same objects (cached server-wide, or in the session), so a filter or
a grid of a million incidents is not made again when only a switch or the map's view
changed, and a new session showing the server's own incidents reuses what another made."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

MEMO_KEY = "frame_memo"
#: Results kept for the whole server (each holds its frame: a few frames at most).
SERVER_ENTRIES = 4
T = TypeVar("T")
_server: OrderedDict[tuple[str, int, Hashable], tuple[Any, Any]] = OrderedDict()
_server_lock = threading.Lock()


def per_frame(name: str, frame: Any, extra: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name`` for this ``frame`` object and ``extra`` (the last one only).

    The entry holds the frame itself, so its ``id`` cannot be taken by another meanwhile.
    """
    store: dict[str, tuple[Any, Hashable, Any]] = st.session_state.setdefault(MEMO_KEY, {})
    entry = store.get(name)
    if entry is not None and entry[0] is frame and entry[1] == extra:
        return entry[2]
    value = compute()
    store[name] = (frame, extra, value)
    return value


def per_server(name: str, frame: Any, extra: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` for this ``frame`` object and ``extra``, shared by every session.

    Only for values no session changes, of frames the server caches (a session's own
    frame is never met again). Two sessions asking at once may both compute it.
    """
    key = (name, id(frame), extra)
    with _server_lock:
        entry = _server.get(key)
        if entry is not None and entry[0] is frame:
            _server.move_to_end(key)
            return entry[1]
    value = compute()
    with _server_lock:
        _server[key] = (frame, value)
        while len(_server) > SERVER_ENTRIES:
            _server.popitem(last=False)
    return value
