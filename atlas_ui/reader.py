"""The article reader: an article's text as HTML with its place mentions highlighted.

Every piece of article text is escaped, so a report containing ``<script>`` or an
``<img onerror=…>`` shows as text and runs nothing.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Mark:
    """One place mention to highlight: character offsets into the article and what it names."""

    start: int
    end: int
    name: str
    kind: str
    selected: bool = False


def article_marks(places: Iterable[dict], selected_uid: str | None = None) -> list[Mark]:
    """Marks from place records (rows of the ``places`` layer: ``spans``, ``name``, ``kind``, ``uid``)."""
    marks = []
    for place in places:
        for start, end in place["spans"]:
            marks.append(Mark(int(start), int(end), str(place["name"]), str(place["kind"]),
                              selected=place.get("uid") == selected_uid))
    return marks


def segments(text: str, marks: Sequence[Mark]) -> list[tuple[str, Mark | None]]:
    """``text`` cut into plain and marked pieces, in order; together they are exactly ``text``.

    Marks outside the text, empty or overlapping an earlier mark are skipped, so bad
    offsets can never duplicate or drop a character.
    """
    pieces: list[tuple[str, Mark | None]] = []
    position = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < position or mark.end <= mark.start or mark.end > len(text):
            continue
        if mark.start > position:
            pieces.append((text[position:mark.start], None))
        pieces.append((text[mark.start:mark.end], mark))
        position = mark.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def _css_token(value: str) -> str:
    # Kinds come from our gazetteer, but a class name must never carry quotes or spaces.
    return "".join(ch for ch in value.lower() if ch.isalnum() or ch == "-") or "other"


def highlighted_html(text: str, marks: Sequence[Mark]) -> str:
    """The article as escaped HTML paragraphs with ``<mark>`` around each place mention."""
    parts = []
    for piece, mark in segments(text, marks):
        escaped = html.escape(piece.replace("\r\n", "\n").replace("\r", "\n"))
        if mark is None:
            parts.append(escaped)
            continue
        classes = f"atlas-mention atlas-kind-{_css_token(mark.kind)}"
        if mark.selected:
            classes += " atlas-selected"
        title = html.escape(f"{mark.name} ({mark.kind})", quote=True)
        parts.append(f'<mark class="{classes}" title="{title}">{escaped}</mark>')
    body = "".join(parts).replace("\n\n", "</p><p>").replace("\n", "<br>")
    return f'<div class="atlas-article"><p>{body}</p></div>'
