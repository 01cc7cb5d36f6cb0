"""Which incident the running text is on, sentence by sentence.

A report that recalls an earlier incident often goes on about it for a sentence or two
with no time cue of its own ("Earlier last week, militants ambushed a train … The
militants killed 21 passengers …"). Such a sentence continues the recalled incident
unless it brings the case back: a cue of the report's own day ("today", "the latest
attack"), a weekday or a name the case's own sentences gave and the recalled ones did
not. Past a paragraph break only a sentence opening on an anaphor ("They", "The
militants") continues; any other is back on the case.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .claims_incident import TimeCues
from .incident_words import ATTACK_NOUN, MONTH_WORDS

# A sentence opening on words that point back at the people or event just named.
_ANAPHORA = re.compile(
    r"\s*(?:They|Those|These|The dead|Among them|Those killed|Both|All of them"
    r"|The (?:militants|attackers|gunmen|assailants|bombers|terrorists|insurgents|rebels|hijackers|victims"
    r"|injured|wounded)\b)\b")
# Words that put a sentence on the report's own incident.
_CASE_CUES = re.compile(
    r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening)|(?:the|this|today's|yesterday's) latest"
    rf"|(?:this|today's|yesterday's|the latest|the (?:fresh|new)) (?:\w+ )?{ATTACK_NOUN})\b", re.I)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Month names tell a date, not a place: they are time cues of their own.
_NOT_NAMES = _WEEKDAYS | frozenset(MONTH_WORDS)


def _names(sentence: str) -> set[str]:
    """Capitalised words past the first ("in Turbat", "the Army"), and weekdays; acronyms,
    which mostly credit a source ("PTI"), and short words are left out."""
    found = set()
    for index, match in enumerate(_TOKEN.finditer(sentence)):
        word = match.group()
        lower = word.lower()
        if lower in _WEEKDAYS or (index and word[:1].isupper() and len(word) > 2 and not word.isupper()
                                  and lower not in _NOT_NAMES):
            found.add(lower)
    return found


class Thread:
    """The incident each sentence is on, given the one its own time cues point to."""

    def __init__(self, main_id: str):
        self.main_id = main_id
        self.toll_given = False          # the case's own figures have come
        self._previous = main_id         # the incident of the last sentence
        self._recalled = ""              # the incident the last sentence was wholly on, if not the case
        self._case_names: set[str] = set()
        self._recalled_names: set[str] = set()

    def incident(self, sentence: str, own: str, cues: TimeCues, new_paragraph: bool) -> str:
        """The incident of ``sentence``; ``own`` is the one its time cues point to."""
        incident = own
        if own == self.main_id and not self._brings_case_back(sentence):
            if self._previous != own and _ANAPHORA.match(sentence):
                incident = self._previous  # "They included 23 passengers …"
            elif self._recalled and not cues and not new_paragraph:
                incident = self._recalled  # "At least 8 civilians were killed." after a recalled attack
        self._previous = incident
        return incident

    def close(self, sentence: str, incident: str, cues: TimeCues, filed: Iterable[str]) -> None:
        """Note what ``sentence`` was on: its incident and those its claims were filed under."""
        filed = set(filed)
        names = _names(sentence) if self.main_id in filed or incident != self.main_id else set()
        if self.main_id in filed:
            self.toll_given = True
            self._case_names |= names
        # "The raid came a week after 10 soldiers were killed": the sentence is on the case,
        # the earlier incident only its foil, so what follows is not on the earlier one.
        if incident != self.main_id and self.main_id not in filed and "after" not in cues.relative:
            if incident != self._recalled:
                self._recalled_names = set()
            self._recalled = incident
            self._recalled_names |= names
        else:
            self._recalled, self._recalled_names = "", set()

    def _brings_case_back(self, sentence: str) -> bool:
        if not (self._recalled or self._previous != self.main_id):
            return False
        return bool(_CASE_CUES.search(sentence) or _names(sentence) & (self._case_names - self._recalled_names))
