"""Who is credited with a figure: the claimant table and the claimant of each number.

Named organisations come from ``data/claimants.csv`` (a group must be said to speak,
an agency too, a news agency is named only to be quoted); roles that name no
particular case ("security officials", "police", "analysts") are patterns of their
own; a case's own spokesmen come from its ``case.toml``. "The group said" credits the
armed group the report named last before it.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .settings import CLAIMANTS_CSV, COUNTRIES_CSV

#: The label of "the group said" when the report names no known group.
UNNAMED_GROUP = "militant group"

# Statement verbs after a named agency ("the CTD said") or a named group ("the TTP claimed").
_AGENCY_VERBS = r"said|says|told|confirmed|stated|statement|reported|spokes\w+|chief|added"
_GROUP_VERBS = r"said|says|claimed|claims|claiming|statement|Telegram|warned"
# "23 security officials were martyred": officials who are counted, not quoted.
_NOT_VICTIMS = r"(?!\s+(?:were|was|had been|have been|are)\b)"
KINDS = ("group", "officials", "military", "police", "media", "government", "analysts")
# Roles that name no particular case, by kind; a data row with the same label adds its names.
_GENERIC_CLAIMANTS: tuple[tuple[str, str, str], ...] = (
    ("security officials", "officials", rf"\bsecurity (?:officials?|sources?)\b{_NOT_VICTIMS}"),
    ("hospital officials", "officials", r"\bhospital (?:officials?|sources?|spokes\w+|authorities)\b"
                                        r"|\bhealth officials\b|\bdoctors? (?:said|says|told)\b"
                                        r"|\bspokes\w+ (?:for|of) the [\w ]{0,40}?Hospital\b"),
    ("railway officials", "officials", r"\brailway (?:officials|authorities|controller|spokesman)\b"),
    ("ISPR/military", "military", r"\b(?:the )?(?:military|army) (?:said|says|spokesman)\b"
                                  r"|\bsecurity forces said\b|\bmilitary'?s? media (?:wing|affairs)\b"),
    ("police", "police", r"\bpolice\b[^.]{0,40}\b(?:said|says|confirmed|told)\b|\bpolice officer\b"
                         r"|\bpolice (?:official|chief|spokes\w+)\b|(?-i:\b(?:SSP|DIG|DPO|CCPO|SHO|IGP)\b)"),
    ("government officials", "government", rf"\bofficials?\b{_NOT_VICTIMS}|\bauthorities\b|\bgovernment spokes\w+\b"
                                           r"|\bspokes(?:man|woman|person)\b"
                                           r"|\b(?:deputy|assistant) commissioner\b|\bminist(?:er|ry)\b"),
    ("analysts", "analysts", r"\banalysts?\b"),
)
_THE_GROUP = (rf"\bthe (?:militant |armed |banned |separatist |insurgent )?(?:group|outfit)\b[^.]{{0,60}}?"
              rf"\b(?:{_GROUP_VERBS})\b")
_STATEMENT_BREAK = re.compile(r", as |; |, while ")
# How far after a number the statement crediting it is looked for; bounded, so a
# sentence of thousands of numbers is read in linear time.
CLAIMANT_REACH = 400


@dataclass(frozen=True)
class ClaimantRow:
    """A row of ``data/claimants.csv``: an organisation that gives figures, and its names."""

    label: str
    names: tuple[str, ...]
    kind: str
    source: str


def load_claimants(path: Path = CLAIMANTS_CSV) -> list[ClaimantRow]:
    """The named claimants, in file order; ValueError names a row that cannot be used."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = []
    for number, row in enumerate(rows, 2):
        names = tuple(n.strip() for n in (row.get("pattern_names") or "").split(";") if n.strip())
        label, kind, source = ((row.get(k) or "").strip() for k in ("label", "kind", "source"))
        if not label or not names or kind not in KINDS or not source.startswith("http"):
            raise ValueError(f"{path.name} row {number}: needs a label, names, a kind "
                             f"({'|'.join(KINDS)}) and a source URL")
        found.append(ClaimantRow(label, names, kind, source))
    return found


@lru_cache(maxsize=1)
def _claimant_rows() -> tuple[ClaimantRow, ...]:
    return tuple(load_claimants())


@lru_cache(maxsize=1)
def _country_says() -> str:
    """ "Pakistan says 40 hostages freed": a country speaks through its government."""
    try:
        with COUNTRIES_CSV.open(encoding="utf-8", newline="") as fh:
            names = [row["name"] for row in csv.DictReader(fh) if row.get("name")]
    except OSError:
        return ""
    return rf"{_names_pattern(names)} says\b" if names else ""


def _names_pattern(names: Sequence[str]) -> str:
    """Names as one alternation, matched as written ("AP", not "ap") and as whole words;
    a hyphen or a space between the words of a name may be either."""
    parts = []
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        words = [w for w in re.split(r"[\s\-‐–]+", name) if w]
        parts.append(r"[\s\-‐–]*".join(re.escape(w) for w in words))
    return r"(?-i:(?<!\w)(?:" + "|".join(parts) + r")(?!\w))"


def _styled(kind: str, names: str) -> str:
    """How a name credits a figure: a group must be said to speak ("the TTP claimed"),
    an agency too ("the CTD said"); a news agency is named only to be quoted."""
    if kind == "group":
        return (rf"{names}[^.]{{0,60}}?\b(?:{_GROUP_VERBS})\b|\bclaimed by (?:the )?{names}"
                rf"|\baccording to (?:the )?{names}")
    if kind == "named":
        return names
    if kind == "media":  # quoted, not merely named: "PTI leader …", "Dawn raids" credit nobody
        return (rf"\({names}\)|\b(?:told|telling|to|according to|quoted by|speaking to|quoting|citing|said to|reported|"
                rf"reports|said|says|wrote)"
                rf" (?:the )?{names}|{names}(?:'s)?\s+(?:news agency\s+|correspondent\s+|reporter\s+)?(?:reported|reports|said|says|"
                rf"quoted|cited|learnt|learned|was told)\b|[,—–-]\s*{names}\s*$")

    return (rf"{names}[^.]{{0,25}}?\b(?:{_AGENCY_VERBS})\b"
            rf"|\b(?:according to|statement (?:issued )?(?:by|from)|quoting|citing) (?:the )?{names}")


@dataclass(frozen=True)
class ClaimantTable:
    """Claimant patterns, most specific first (a group before "officials"); the label ""
    stands for "the group", which credits the group the report names."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    group_names: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=32)
def claimant_table(extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> ClaimantTable:
    """The table of the data file's claimants plus a case's own (``extra``, see :func:`frozen_names`)."""
    rows = _claimant_rows()
    kinds: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for row in rows:
        kinds.setdefault(row.label, row.kind)
        names.setdefault(row.label, []).extend(row.names)
    generic = {label: pattern for label, _, pattern in _GENERIC_CLAIMANTS}
    for label, kind, _ in _GENERIC_CLAIMANTS:
        kinds.setdefault(label, kind)
    spokesmen: dict[str, list[str]] = {}
    for label, extra_names in extra:
        kinds.setdefault(label, "named")  # a case's own claimant: ranked after the groups
        (names if kinds[label] == "group" else spokesmen).setdefault(label, []).extend(extra_names)
    # A news organisation last: "a spokesman told Reuters" is the spokesman's figure.
    ranks = ("group", "the group", "named") + tuple(kind for kind in KINDS[1:] if kind != "media") + ("media",)
    order = sorted(kinds, key=lambda label: ranks.index(kinds[label]))  # stable: file order within a kind
    order.insert(len([lb for lb in order if kinds[lb] == "group"]), "")
    patterns = []
    for label in order:
        if label == "":
            patterns.append(("", re.compile(_THE_GROUP, re.I)))
            continue
        parts = [_styled(kinds[label], _names_pattern(names[label]))] if names.get(label) else []
        parts += [generic[label]] if label in generic else []
        parts += [_country_says()] if label == "government officials" and _country_says() else []
        parts += [_names_pattern(spokesmen[label])] if spokesmen.get(label) else []
        patterns.append((label, re.compile("|".join(parts), re.I)))
    group_names = tuple((label, re.compile(_names_pattern(names[label])))
                        for label in order if kinds.get(label) == "group")
    return ClaimantTable(tuple(patterns), group_names)


def frozen_names(claimants: Mapping[str, Sequence[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A case's claimant names in a hashable, order-free form (the key of :func:`claimant_table`)."""
    if not claimants:
        return ()
    return tuple(sorted((str(label), tuple(" ".join(str(n).split()) for n in names if str(n).strip()))
                        for label, names in claimants.items()))


class GroupsNamed:
    """Where a report names each armed group: "the group said" credits the one named last before."""

    def __init__(self, text: str, table: ClaimantTable):
        found = sorted((m.start(), -m.end(), label) for label, pattern in table.group_names
                       for m in pattern.finditer(text))
        self._positions: list[int] = []
        self._labels: list[str] = []
        reached = -1
        for start, negative_end, label in found:
            if start >= reached:  # the longest name wins: "Islamic State Khorasan", not "Islamic State"
                self._positions.append(start)
                self._labels.append(label)
                reached = -negative_end

    def __call__(self, position: int) -> str:
        index = bisect_right(self._positions, position)
        if index:
            return self._labels[index - 1]
        return self._labels[0] if self._labels else UNNAMED_GROUP


class Claimants:
    """Who a sentence credits with each of its numbers.

    Attribution is looked for in the number's own statement and after it ("…, officials
    said"), not in an earlier statement of the sentence ("Forces said they rescued 40,
    as operations to free hundreds more continue": nobody is quoted on the hundreds).
    Each claimant's phrases are found once per sentence; a statement is searched only
    for those with a phrase near it, so a sentence of thousands of numbers stays linear.
    """

    def __init__(self, sentence: str, table: ClaimantTable, group_at: Callable[[int], str]):
        self.sentence = sentence
        self._table = table
        self._group_at = group_at  # the group "the group said" means, by position in the sentence
        self._spans: dict[str, tuple[list[int], list[int]]] = {}

    def __call__(self, position: int) -> str:
        statement = _statement_start(self.sentence, position)
        scope = (statement, min(len(self.sentence), max(position, statement) + CLAIMANT_REACH))
        for label, pattern in self._table.patterns:
            if self._near(label, pattern, *scope) and (match := pattern.search(self.sentence, *scope)):
                return label or self._group_at(match.start())
        return ""

    def _near(self, label: str, pattern: re.Pattern[str], lo: int, hi: int) -> bool:
        # A match inside lo:hi starts there or overlaps a match of the whole sentence
        # that starts before hi and ends after lo.
        if label not in self._spans:
            found = [m.span() for m in pattern.finditer(self.sentence)]
            self._spans[label] = ([start for start, _ in found], [end for _, end in found])
        starts, ends = self._spans[label]
        first = bisect_right(ends, lo)
        return first < len(starts) and starts[first] < hi


def _statement_start(sentence: str, position: int) -> int:
    """Where the statement holding ``position`` starts: after the last break before it,
    looked for no farther back than :data:`CLAIMANT_REACH`."""
    lo = max(0, position - CLAIMANT_REACH)
    starts = [m.end() for m in _STATEMENT_BREAK.finditer(sentence, lo, position + 8) if m.end() <= position]
    return starts[-1] if starts else lo
