"""Results worked out from a frame once per session: the frames a rerun gets are the same
objects (cached server-wide, or in the session), so a filter or a grid of a million
incidents is not made again when only a switch or the map's view changed."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

MEMO_KEY = "frame_memo"
T = TypeVar("T")


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
