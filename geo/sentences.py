"""Sentences of an article, and the evidence snippet shown for a mention or a claim.

Both are linear in the text: a report with no sentence end at all (a pasted list, a
run of numbers) is one long sentence, and evidence drawn from it is a bounded window
around the words it supports, never a copy of the whole sentence per mention.
"""
from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote) before a capital,
# or at a line break; a few abbreviations do not end sentences. The pattern starts
# with the punctuation itself (no look-behind) so that the regex engine can skip
# ahead to the next candidate character instead of trying every position.
# One character class first (not two alternatives) lets the regex engine skip straight to
# the next candidate character instead of trying both branches at every position.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)\n*|[\"”’']?\s+(?=[\"“‘']?[A-Z0-9]))")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "No.", "St.", "Gen.", "Lt.", "Col.", "Capt.",
                  "U.S.", "U.N.", "Jr.", "Sr.", "vs.", "e.g.", "i.e.")
_INITIAL = re.compile(r"(?:^|[\s.])[A-Z]\.$")  # "D.I." in "D.I. Khan" ends no sentence

#: Longest evidence shown whole; a longer sentence is shown in windows.
EVIDENCE_CHARS = 1_000
#: A long sentence is cut into steps of this many characters; a mention or a number is
#: shown with its step and :data:`EVIDENCE_CONTEXT` characters on each side, so the
#: mentions of one step share one snippet and the snippets add up to a small multiple
#: of the sentence.
EVIDENCE_STEP = 200
EVIDENCE_CONTEXT = 200
_WORD_SLACK = 40  # how far a cut moves to fall between words
ELLIPSIS = "…"


def sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences, returned as (start, end) character offsets."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        # The sentence keeps its final punctuation: it ends one past a "." match.
        end = match.start() if text[match.start()] == "\n" else match.start() + 1
        if text[end - 1] == "." and "\n" not in match.group():
            before = text[max(start, end - 12):end]  # the tail is enough
            if before.endswith(_ABBREVIATIONS) or _INITIAL.search(before):
                continue
        if end > start and not _blank(text, start, end):
            spans.append((start, end))
        start = match.end()
    if start < len(text) and not _blank(text, start, len(text)):
        spans.append((start, len(text.rstrip())))
    return spans


_NOT_SPACE = re.compile(r"\S")


def _blank(text: str, start: int, end: int) -> bool:
    return _NOT_SPACE.search(text, start, end) is None


def evidence_span(sentence: tuple[int, int], at: int) -> tuple[int, int]:
    """The part of ``sentence`` shown as evidence for the words starting at ``at``."""
    start, end = sentence
    if end - start <= EVIDENCE_CHARS:
        return sentence
    step = start + (at - start) // EVIDENCE_STEP * EVIDENCE_STEP
    return max(start, step - EVIDENCE_CONTEXT), min(end, step + EVIDENCE_STEP + EVIDENCE_CONTEXT)


class Evidence:
    """The evidence snippets of one text, one string per snippet however many mentions or
    claims share it."""

    def __init__(self, text: str):
        self.text = text
        self._shown: dict[tuple[int, int], str] = {}

    def __call__(self, sentence: tuple[int, int], at: int) -> str:
        """The evidence in ``sentence`` for the words starting at ``at``."""
        span = evidence_span(sentence, at)
        found = self._shown.get(span)
        if found is None:
            found = self._shown[span] = evidence(self.text, sentence, span)
        return found


def evidence(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> str:
    """``text[span]`` with whitespace collapsed, marked "…" where it cuts ``sentence``."""
    lo, hi = span
    # Cut between words, not inside one.
    if lo > sentence[0] and (space := text.find(" ", lo, lo + _WORD_SLACK)) >= 0:
        lo = space + 1
    if hi < sentence[1] and (space := text.rfind(" ", hi - _WORD_SLACK, hi)) >= 0:
        hi = space
    shown = " ".join(text[lo:hi].split())
    return (ELLIPSIS if lo > sentence[0] else "") + shown + (ELLIPSIS if hi < sentence[1] else "")
