"""One report's places and claims, with any failure turned into one line for the user.

The dashboard analyses each report on its own, so a report the parsers cannot handle
(a MemoryError on a huge paste, a bug) is reported and left out while the others stay.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import pandas as pd

from geo.articles import Article
from geo.cases import Case
from geo.claims import IncidentRef, claims_in_text
from geo.records import Place

from layers.build import article_places
from layers.claims import claims_table

LOG = logging.getLogger(__name__)

#: (name, text) pairs of the reports shown: hashable, so it can key caches.
ArticleSet = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReportAnalysis:
    """What one report yields: its places and claims, or why it could not be analysed."""

    name: str
    digest: str  # of the text: identifies the report without keeping another copy of it
    places: list[Place]
    claims: pd.DataFrame
    error: str = ""


def text_digest(text: str) -> str:
    """A fingerprint of a report's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def analyse_report(name: str, text: str, case: Case, main: IncidentRef, refs: list[IncidentRef]) -> ReportAnalysis:
    """The places and claims of one report of ``case`` (claims attributed to its incident
    ``main`` or one of ``refs``; the case's own names for claimants and its home country used).

    Any exception becomes :attr:`ReportAnalysis.error`, one line naming the report and
    the kind of failure; the traceback goes to the log, never to the user.
    """
    digest = text_digest(text)
    try:
        places = article_places([Article(name=name, text=text)], home_country=case.home_country)
        claims = claims_table(claims_in_text(text, name, main, refs, claimants=case.claimants))
    except Exception as err:  # noqa: BLE001 - reported in one line, logged in full
        LOG.exception("report %r could not be analysed", name)
        return ReportAnalysis(name, digest, [], claims_table([]),
                              f"{name}: could not be analysed ({type(err).__name__}); it is left out of "
                              "the map and the figures. Remove it, or add a shorter text.")
    return ReportAnalysis(name, digest, places, claims)


#: What one browser session may add: room for a case's reports (a news report is a few
#: KB), bounded so that one session cannot take the server's memory (an analysed 1 MB
#: report costs 25–400 MB, most for one dense with figures).
SESSION_REPORTS = 30
SESSION_CHARS = 2_000_000


def within_session_budget(reports: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The reports a session may keep, in order, and one line for each left out."""
    kept: dict[str, str] = {}
    refused: list[str] = []
    chars = 0
    for name, text in reports.items():
        if len(kept) >= SESSION_REPORTS or chars + len(text) > SESSION_CHARS:
            refused.append(f"{name}: not added; a session holds at most {SESSION_REPORTS} added reports "
                           f"and {SESSION_CHARS / 1e6:.0f} MB of text (now {len(kept)}, "
                           f"{chars / 1e6:.1f} MB). Remove a report to add this one.")
            continue
        kept[name] = text
        chars += len(text)
    return kept, refused
