"""Find place mentions in article text: surface form, character offsets and sentence.

The parser works on runs of capitalised words. Runs that name an organisation, a
train or a publication ("Pakistan Tehreek-e-Insaf", "Khyber Mail") or a person
("Ali Khan", "spokesman Zabihullah Mujahid") are set aside; in what remains, the
longest stretch of words that the gazetteer knows — exactly or as a spelling
variant — is a mention. A following word such as "district" or "province" is kept
as a qualifier so the geocoder can pick the right administrative level.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from .gazetteer import Gazetteer, haversine_km
from .geonames import VARIANT_COUNTRIES as HOME_COUNTRIES
from .lexicon import (DEMONYM_COUNTRIES, DEMONYMS, ENGLISH_WORDS, FACILITY_WORDS, GIVEN_NAMES, GROUP_NOUNS,
                      PERSON_NAME_WORDS, TRIBES,
                      JURISDICTION_HEADS, LOCATIVE_WORDS, PORTFOLIO_WORDS, SENTENCE_ADVERBS, NAME_CONNECTORS, NOT_PLACES, ORGANISATION_HEADS, PERSON_CUES,
                      QUALIFIER_KINDS, SPEECH_VERBS, UNIT_WORDS,
                      NAMESAKE_FACILITIES, OFFICE_TITLES, OTHER_COUNTRY_NAMES, PART_WORDS, STREET_WORDS)
from .records import GazetteerEntry, Mention
from .sentences import Evidence, sentences
from .spelling import fold
from .settings import DETAILED_COUNTRIES
from .settlements import district_named_in, settlement_named_in

_LETTER = r"A-Za-z\u00C0-\u024F"
# The capital first and the look-behind after it: a pattern that opens with a character
# class is scanned for at C speed, one that opens with a look-behind tries every position.
_CAPITALISED = re.compile(rf"[A-Z\u00C0-\u00DE](?<![{_LETTER}].)[{_LETTER}]*")
_SEPARATED_WORDS = re.compile(rf"([^{_LETTER}]*)([{_LETTER}]+(?:['’\-][{_LETTER}]+)*)")
_POSSESSIVE_ENDINGS = frozenset({"'s", "’s", "'S", "’S"})
_AFTER_NUMBER = re.compile(r"\d\s?$")  # "5 GB": the word follows a number
# A country with a number after it that ends the sentence or the quote ("quoted by France
# 24.") is a channel; "Kech 5, Gwadar 3" or "Pakistan 250 for 6" are counts.
_NUMBERED_NAME = re.compile(r" \d+(?=[.!?”\"'](?!\d)|\s*$)")
# "X area of Y", "X town in Y", "X in Y": X lies in Y.
# A building named after the place counts too: "the Fatehpur shrine in Jhal Magsi district"
# stands in the Fatehpur of Jhal Magsi.
_LIES_IN = re.compile(r"(?:\s+(?P<area>areas?|city|town|village|tehsil|district|division|locality|neighbourhood|"
                      r"suburbs?|outskirts|sub-?division|shrine|mosque|bazaar|market|camp|check\s?post))?"
                      r"\s+(?:of|in)\s+(?:the\s+)?"
                      r"(?:(?:district|tehsil|province|division|city|capital|provincial capital)\s+)?",
                      re.IGNORECASE)
_ORIGIN_BEFORE = re.compile(r"\b(?:from|of|to|towards|for|natives?|residents?|hailing)\s+(?:the\s+)?$",
                            re.IGNORECASE)
# "Nasirabad, 40 kilometres from Turbat", "Hoshab, some 70km north of Turbat": X lies
# about that far from Y.
_DISTANCE_FROM = re.compile(r",?\s+(?:about|some|around|nearly|roughly|over|almost|at least)?\s*"
                            r"(?P<km>\d{1,3}(?:\.\d)?)\s*(?:-\s*)?(?P<unit>km|kms|kilometres?|kilometers?|miles?)\s+"
                            r"(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+)?(?:from|of|away from)\s+",
                            re.IGNORECASE)
# "Faizabad, the center of Badakhshan province", "Quetta, the provincial capital of Balochistan".
_SEAT_OF = re.compile(r",?\s+(?:the\s+)?(?:provincial\s+|district\s+)?(?:capital|centre|center|headquarters|seat)"
                      r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
# "Nasirabad near Turbat": within a short drive.
_NEAR = re.compile(r",?\s+(?:near|close to|outside|on the outskirts of)\s+(?:the\s+)?", re.IGNORECASE)
NEAR_KM = 100.0  # reporters write "near" for places an hour or two away
# Longest text between two names that can say where one lies (", some 70 kilometres
# north-west of " is 35 characters).
_MAX_GAP = 120
# "Nasirabad, Balochistan." or "Fatehpur, Jhal Magsi district": a place, then where it lies.
_APPOSITION = ", "
_LIST_GAPS = (", ", " and ", " or ", ", and ", " & ")
_MAX_SPAN = 5       # longest place name, in words ("Dera Ismail Khan" is 3)
# Longest run of capitalised words judged as one: titles, persons and places all fit,
# and a pasted list with no sentence end ("Quetta Quetta …") costs linear time.
_MAX_RUN = 40
_PART_OF_KINDS = ("district", "region", "province")
_OPENING_WORDS = LOCATIVE_WORDS | {"the", "a", "an", "and", "but", "on", "by", "for", "with"}
_MIN_VARIANT = 5    # letters needed before a spelling variant is trusted


class _Token:
    """One word of a sentence, with the forms the decisions look at computed once."""

    __slots__ = ("text", "start", "end", "possessive", "joined", "lower", "capitalised", "lookup")

    def __init__(self, text: str, start: int, end: int, possessive: bool = False, joined: bool = True):
        self.text = text            # without a possessive 's
        self.start = start
        self.end = end
        self.possessive = possessive
        self.joined = joined        # preceded by a space or hyphen, not by "," "/" "("
        self.lower = text.lower()
        self.capitalised = text[:1].isupper()
        # A dateline in capitals ("ISLAMABAD:") is looked up as "Islamabad"; short
        # capitals stay as written so that "US" is the country and "TTP" nothing.
        self.lookup = text.title() if len(text) > 4 and text.isupper() else text


@dataclass(frozen=True, slots=True)
class Candidate:
    """A mention together with the gazetteer entries it may refer to."""

    mention: Mention
    entries: tuple[GazetteerEntry, ...]
    exact: bool = True      # False when only spelling variants of the words matched
    names_facility: bool = False  # a building named after it follows: "Madina mosque"
    # The mention this one is said to lie in ("Thal area of Hangu district" → Hangu
    # district), and whether an area word said so ("Chamkani area of Peshawar"); with
    # ``within_km``, the mention it is said to lie that far from or near ("Nasirabad,
    # 40 kilometres from Turbat", "Mastung near Quetta").
    within: Mention | None = None
    within_by_area_word: bool = False
    within_km: float | None = None
    # Whether the statement is firm enough to drop a name none of whose namesakes fits
    # ("Thal area of Hangu district", "Nasirabad, 40 km from Turbat"); a loose one
    # ("Turbat, near Gwadar", "Islamabad, Azad Kashmir" in a headline) only chooses
    # among the namesakes that fit.
    within_decides: bool = False


def _tokens(text: str, start: int, end: int, gazetteer: Gazetteer) -> list[_Token]:
    # One findall returns every (separator, word) pair of the sentence; offsets are
    # counted from the lengths. This is the parser's hottest loop, hence no per-word
    # regex matches and no keyword-argument constructor calls.
    tokens = []
    pos = start
    for separator, word in _SEPARATED_WORDS.findall(text, start, end):
        pos += len(separator)
        size = len(word)
        possessive = word[-2:] in _POSSESSIVE_ENDINGS
        if possessive:
            word = word[:-2]
        if "-" in word and not gazetteer.is_name(word):
            # "Iran-Pakistan border", "Islamabad-based": the parts are the words.
            offset = pos
            for part in word.split("-"):
                tokens.append(_Token(part, offset, offset + len(part)))
                offset += len(part) + 1
        else:
            if separator:
                joined = separator[-1] in " -"
            else:
                joined = pos == 0 or text[pos - 1] in " -"
            tokens.append(_Token(word, pos, pos + len(word), possessive, joined))
        pos += size
    return tokens


def _runs(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Index ranges of capitalised-word runs, connectors allowed inside."""
    runs, i = [], 0
    while i < len(tokens):
        if not tokens[i].capitalised:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and j - i < _MAX_RUN:
            if tokens[j].capitalised and _adjacent(tokens[j - 1], tokens[j]):
                j += 1
            elif (tokens[j].lower in NAME_CONNECTORS and j + 1 < len(tokens)
                  and tokens[j + 1].capitalised and _adjacent(tokens[j - 1], tokens[j])
                  and _adjacent(tokens[j], tokens[j + 1])):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _adjacent(a: _Token, b: _Token) -> bool:
    """Words of one name: separated by one space or hyphen, or initials ("D.I. Khan").

    Words separated by a comma, colon, bracket or full stop belong to different names.
    """
    gap = b.start - a.end
    if gap <= 1:
        # "Quetta,Sibi" and "Quetta/Sibi" are two names; "D.I." is one.
        return gap == 0 or b.joined or (len(a.text) == 1 and a.text.isupper())
    # "D.I. Khan": a single capital letter with its full stop and a space.
    return gap == 2 and len(a.text) == 1 and a.text.isupper()


def _lowercase_use(text: str, word: str) -> bool:
    """Whether lowercase ``word`` stands in ``text`` as a whole word (not inside another word).

    Searching for the word itself is much cheaper than tokenising the whole article,
    and only a few words per article are ever asked about.
    """
    size = len(word)
    at = text.find(word)
    while at >= 0:
        stop = at + size
        if not _inside_word(text, at - 1, -1) and not _inside_word(text, stop, 1):
            return True
        at = text.find(word, at + 1)
    return False


def _inside_word(text: str, at: int, step: int) -> bool:
    # A letter next to the match, or an apostrophe or hyphen followed by a letter
    # ("tank-like" is one word), means the match is part of a longer word.
    if not 0 <= at < len(text):
        return False
    char = text[at]
    if char.isalpha():
        return True
    beyond = at + step
    return char in "'’-" and 0 <= beyond < len(text) and text[beyond].isalpha()


# Letters, as near as a pattern gets to str.isalpha() (what _inside_word checks).
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Words asked about before the article's words are collected at once: a report asks
# about a handful, a pasted gazetteer about thousands.
_WORD_SEARCHES = 128


class _Article:
    """Per-article state the decisions need: text, tokens, and known person names."""

    def __init__(self, text: str, gazetteer: Gazetteer):
        self.text = text
        self.gazetteer = gazetteer
        self.person_words: set[str] = set()
        self.sentence_tokens: list[_Token] = []  # the sentence read now
        self.title_case: bool | None = None  # whether it is a headline in title case, once asked
        self.titled_names: set[str] = set()  # surnames said after a title: "DC Musakhel" is him
        self._lowercase: dict[str, bool] = {}
        self._words: set[str] | None = None
        self._surfaces: dict[str, str] = {}
        self._whole_names: dict[tuple[int, int], bool] = {}
        self.evidence = Evidence(text)
        self.first_char = len(text) - len(text.lstrip())  # where the report's first word starts
        # "identified as …": found once per text, so a person check need not look each time
        self.names_people_as = _names_people_as(text)

    def line_start(self, at: int) -> int | None:
        """Where the line holding ``at`` starts, if only blanks stand before ``at`` on it.

        Reads back over blanks only, so asking for every word of a long line stays linear.
        """
        pos = at
        while pos > 0 and self.text[pos - 1] != "\n" and self.text[pos - 1].isspace():
            pos -= 1
        return pos if pos == 0 or self.text[pos - 1] == "\n" else None

    def surface(self, start: int, end: int) -> str:
        """The text at ``start:end``, one string per spelling (a long list repeats a few)."""
        text = self.text[start:end]
        return self._surfaces.setdefault(text, text)

    def uses_in_lowercase(self, word: str) -> bool:
        """Whether the article also writes ``word`` as an ordinary lowercase word."""
        found = self._lowercase.get(word)
        if found is None:
            if self._words is None and len(self._lowercase) >= _WORD_SEARCHES:
                self._words = set(_WORD.findall(self.text))
            found = word in self._words if self._words is not None else _lowercase_use(self.text, word)
            self._lowercase[word] = found
        return found

    def is_common_word(self, word: str) -> bool:
        lower = word.lower()
        return any(self.uses_in_lowercase(form) for form in (lower, lower + "s", lower + "es"))

    def whole_name(self, tokens: list[_Token]) -> bool:
        """Whether ``tokens`` together are exactly a known name (asked about one run up to three times)."""
        if not tokens or len(tokens) > _MAX_RUN:
            return False
        span = (tokens[0].start, tokens[-1].end)
        known = self._whole_names.get(span)
        if known is None:
            known = self._whole_names[span] = self.gazetteer.is_name(" ".join([t.lookup for t in tokens]))
        return known


# "The deceased were identified as Mir Ali, Nawaz and Akbar": every name of the list is a person's.
_NAMED_AS_WORDS = re.compile(r"(?:[Ii]dentified|[Nn]amed|[Ii]ntroduced)\s+as\b")
# The regex engine skips to a pattern's leading literal at C speed, but tries every
# position of a pattern that opens with alternatives: look for "ed as" first.
_ED_AS = re.compile(r"ed\s+as\b")
_LONGEST_NAMING_VERB = len("introduc")


def _names_people_as(text: str) -> bool:
    """Whether ``text`` says "identified as", "named as" or "introduced as" anywhere."""
    return any(_NAMED_AS_WORDS.search(text, max(0, m.start() - _LONGEST_NAMING_VERB), m.end())
               for m in _ED_AS.finditer(text))
_NAMED_AS = re.compile(r"\b(?:[Ii]dentified|[Nn]amed|[Ii]ntroduced)\s+as\s+(?:(?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*"
                       r"(?:\s*,\s*(?:and\s+)?|\s+and\s+))*$")


# "son of", "daughter of", "wife of", "widow of" and the police's "s/o", "d/o", "w/o".
_KIN_OF = re.compile(r"(?:\b(?:[Ss]on|[Dd]aughter|[Ww]ife|[Ww]idow)\s+of|\b[SsDdWw]/[Oo]\.?)\s+$")
# "a son of Swat", "the wife of Balochistan's chief minister": where one comes from, or
# whose relative, not a father's name.
_KIN_AFTER_ARTICLE = re.compile(r"\b(?:[Aa]n?|[Tt]he)\s+(?:\w+\s+)?(?:son|daughter|wife|widow)\s+of\s+$")
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")


def _is_person(run: list[_Token], before: _Token | None, after: _Token | None, article: _Article) -> bool:
    words = [t for t in run if t.lower not in NAME_CONNECTORS]
    if before is not None and before.lower == "alias":
        return True  # "Shani alias Kana", "Rashid alias Kohat": a nickname, even a town's name
    if (_KIN_OF.search(article.text, max(0, run[0].start - 16), run[0].start)
            and not _POSSESSIVE_AFTER.match(article.text, run[-1].end)
            and not _KIN_AFTER_ARTICLE.search(article.text, max(0, run[0].start - 24), run[0].start)):
        return True  # "Munir (son of Makhan)", "Ali s/o Akbar": a father's name
    if article.names_people_as and _NAMED_AS.search(article.text, max(0, run[0].start - 120), run[0].start):
        return True
    if article.whole_name(run):
        return False
    cue_before = before is not None and before.lower in PERSON_CUES
    if len(words) == 1:
        return cue_before or words[0].lower in article.person_words
    if _office_place(words, 0, len(words), article) is not None:
        return False  # "SSP Jacobabad": the office of a place, not a person
    if words[0].lower in GIVEN_NAMES or words[0].lower in PERSON_CUES or cue_before:
        return True
    if after is not None and after.lower in SPEECH_VERBS:
        return True
    return " ".join(t.lower for t in words) in article.person_words


def _remember_name_after_titles(tokens: list[_Token], start: int, stop: int, article: _Article) -> None:
    """Keep the name after the titles at ``start`` ("Deputy Commissioner Habibullah
    Musakhel") as a person's, and its surname as his after a title: "DC Musakhel" later
    is that man, while "in Musakhel" is still the district."""
    lead = start
    while lead < stop and (tokens[lead].lower in PERSON_CUES or tokens[lead].lower in PORTFOLIO_WORDS):
        lead += 1
    name = tokens[lead:stop]
    if len(name) >= 2:
        article.person_words.add(" ".join(t.lower for t in name))
        article.titled_names.add(name[-1].lower)


def _office_place(tokens: list[_Token], start: int, stop: int, article: _Article) -> int | None:
    """Where a place name starts after leading titles ("SDPO Taunsa", "Deputy Commissioner Panjgur").

    In Pakistani usage a title followed by nothing but a place name is the official of
    that place; a given name after the title ("Deputy Commissioner Amjad Ali") is a person.
    """
    if start == stop or tokens[start].lower not in OFFICE_TITLES:
        return None
    lead = start + 1  # then more titles or a portfolio: "SSP Operations Quetta"
    while lead < stop and (tokens[lead].lower in PERSON_CUES or tokens[lead].lower in PORTFOLIO_WORDS):
        lead += 1
    if lead == stop or tokens[lead].lower in GIVEN_NAMES:
        return None
    place = tokens[lead:stop]
    said = " ".join(t.lower for t in place)
    if said in article.person_words or said in article.titled_names:
        return None  # the report named a person so before (see _remember_name_after_titles)
    # These are Pakistani offices ("AC Milan" is a football club, not Milan's commissioner).
    if not any(e.country in HOME_COUNTRIES for e in article.gazetteer.exact(_lookup_name(place))):
        return None
    return lead


def _is_organisation(run: list[_Token], article: _Article) -> bool:
    if article.whole_name(run):
        return False
    if len(run) > 2 and run[0].lower in _PUBLICATION_HEADS and run[1].lower == "of":
        return True  # "Times of India", "Voice of America": a newspaper or a station
    heads = [i for i, t in enumerate(run) if i > 0 and t.lower in ORGANISATION_HEADS]
    if not heads:
        return False
    # "Sindh Police", "the Balochistan Government": the body of a place, which the
    # report names; "Pakistan Army" or "Lahore High Court" stay names of their own.
    return not (all(run[i].lower in JURISDICTION_HEADS for i in heads)
                and article.whole_name(run[:heads[0]]))


_SETTLEMENT_KINDS = ("city", "town", "village")
_PUBLICATION_HEADS = frozenset({"times", "voice", "tribune", "herald", "daily"})


def _qualifier(tokens: list[_Token], end: int) -> tuple[str, int]:
    """A qualifier word right after a name ("Sibi district"), and where it ends."""
    if end < len(tokens):
        word = tokens[end].lower
        if word == "railway" and end + 1 < len(tokens) and tokens[end + 1].lower == "station":
            return "station", end + 2
        if word in QUALIFIER_KINDS and _adjacent(tokens[end - 1], tokens[end]):
            kind = QUALIFIER_KINDS[word]
            if (kind in ("district", "province") and end + 1 < len(tokens)
                    and tokens[end + 1].lower in FACILITY_WORDS):
                # "Gwadar district hospital": the hospital of the town, not the district
                # ("the Kurram river bridge" still names the river).
                return "", end
            return kind, end + 1
    return "", end


_LIST_HEADS = {"like", "including", "as", "of"}   # "provinces like …", "districts such as …"
_LIST_REACH = 12    # words of a list read back to the plural word that heads it


def _qualifier_before(tokens: list[_Token], start: int) -> str:
    # "the province of Balochistan", "the city of Quetta", "the northern province of Samangan"
    if (start >= 3 and tokens[start - 1].lower == "of" and tokens[start - 2].lower in QUALIFIER_KINDS
            and (tokens[start - 3].lower == "the" or start >= 4 and tokens[start - 4].lower == "the"
                 and not tokens[start - 3].capitalised and tokens[start - 3].lower.isalpha())):
        return QUALIFIER_KINDS[tokens[start - 2].lower]
    # "in provinces like Khost, Paktia and Paktika": every name of the list is a province.
    k = start - 1
    while k >= 0 and start - k <= _LIST_REACH and (tokens[k].capitalised or tokens[k].lower in ("and", "or")):
        k -= 1
    if k >= 1 and tokens[k].lower in _LIST_HEADS:
        head = tokens[k - 1].lower if tokens[k].lower != "as" or tokens[k - 1].lower != "such" else (
            tokens[k - 2].lower if k >= 2 else "")
        if head in _PLURAL_QUALIFIERS:
            return _PLURAL_QUALIFIERS[head]
    return ""


def _lookup(name: str, gazetteer: Gazetteer, as_written: bool = False) -> tuple[tuple[GazetteerEntry, ...], bool]:
    # ``as_written``: exact names only, no spelling variants.
    return gazetteer.lookup(name, None if as_written else _MIN_VARIANT)


def _acceptable(tokens: list[_Token], idx: int, length: int, qualifier: str, article: _Article,
                entries: tuple[GazetteerEntry, ...], exact: bool) -> bool:
    """Whether a gazetteer match at ``tokens[idx:idx+length]`` is really a place mention."""
    if _names_a_group(tokens, idx + length):
        return False  # "the Mengal tribe", "Bugti tribesmen", "the Gilani family"
    if all(e.kind == "country" for e in entries) and _NUMBERED_NAME.match(
            article.text, tokens[idx + length - 1].end):
        return False  # "quoted by France 24.": a channel, not the country
    first = tokens[idx]
    if first.lower in UNIT_WORDS and _AFTER_NUMBER.search(article.text, max(0, first.start - 3), first.start):
        return False  # "a 5 GB file": a unit, not Gilgit-Baltistan
    if _names_a_street(tokens, idx, idx + length, article.text):
        return False  # "near Hunza Chowk" (in Gilgit): the square, not Hunza
    if length > 1:
        return True
    word = tokens[idx]
    if (word.lower in NOT_PLACES or word.lower in DEMONYMS or word.lower in article.person_words
            or word.lower in QUALIFIER_KINDS or word.lower in FACILITY_WORDS):
        return False
    if not any(e.country in _HOME_COUNTRIES for e in entries):
        # Towns far away named like an English word ("Police" in Poland) or like an
        # acronym ("BLA": Bla in Mali) need a word before them that makes them places.
        placed_by_context = _after_locative(tokens, idx) or (
            _is_dateline(word, article) and _DATELINE_END.match(article.text, word.end) is not None)
        if not placed_by_context and (_is_acronym_of_another_name(word, entries)
                                      or word.lower in ENGLISH_WORDS and not qualifier):
            return False
    if word.lower in GIVEN_NAMES and not qualifier:
        return False
    first_in_sentence = idx == 0
    if first_in_sentence and not exact:
        return False  # "Senior district police officer …" is not a variant of a village
    if qualifier or word.possessive or _is_dateline(word, article):
        return True
    if article.is_common_word(word.text) and not _after_locative(tokens, idx):
        # "Tank", "Hub", "Mach" are towns, but also words this article uses in
        # lowercase; without "in/near/from …" before them they are the words.
        return False
    if first_in_sentence and all(e.kind == "village" for e in entries):
        # A capitalised sentence opener that only matches a hamlet is rarely the hamlet.
        return False
    return True


def _is_acronym_of_another_name(word: _Token, entries: tuple[GazetteerEntry, ...]) -> bool:
    """"BLA" written in capitals is an acronym, unless a place is called so ("US", "UAE")."""
    return (word.text.isupper() and len(word.text) <= 4
            and not any(word.text in (e.name, *e.alternate_names) for e in entries))


_ROUTE_BEFORE = re.compile(r"[-–—]\s?$")
_ROUTE_AFTER = re.compile(r"\s?[-–—]")


def _names_a_street(tokens: list[_Token], start: int, end: int, text: str) -> bool:
    if end >= len(tokens) or tokens[end].lower not in STREET_WORDS or not _adjacent(tokens[end - 1], tokens[end]):
        return False
    # A route between two places names both ends: "the Bannu-Lakki road",
    # "Hyderabad–Sukkur Motorway", "Quetta - Chaman highway".
    before = text[max(0, tokens[start].start - 2):tokens[start].start]
    return not _ROUTE_BEFORE.search(before) and not _ROUTE_AFTER.match(text, tokens[end - 1].end)


def _names_a_group(tokens: list[_Token], end: int) -> bool:
    # Skip "and Y" so that "the Jamot and Mengal tribes" covers both names.
    while end + 1 < len(tokens) and tokens[end].lower == "and" and tokens[end + 1].capitalised:
        end += 2
    return end < len(tokens) and tokens[end].lower in GROUP_NOUNS


def _after_locative(tokens: list[_Token], idx: int) -> bool:
    return idx > 0 and tokens[idx - 1].lower in LOCATIVE_WORDS


_DATELINE_END = re.compile(r"\s*(?:[:,(—–]|-{1,2}\s)")


def _is_dateline(token: _Token, article: _Article) -> bool:
    """The place name that opens a report: "HUB:" or "TURBAT, Pakistan (AP) —".

    It may follow a headline ("Soldier martyred\n\nMIRANSHAH: …") but starts its
    line, and is written in capitals or followed by the dateline's colon or dash.
    """
    line_start = article.line_start(token.start)
    if line_start is None:
        return False
    if line_start <= article.first_char:
        return token.text.isupper()  # the very first word: "HUB" in "HUB: …"
    return bool(_DATELINE_END.match(article.text, token.end)) and (
        token.text.isupper() or article.text.startswith(":", token.end))


def countries_in_demonyms(text: str) -> set[str]:
    """Countries an article points at through nationality words ("Afghan", "Iranian")."""
    # Nationality words are proper adjectives, always capitalised; the capitalised-word
    # scan also splits "Indian-sponsored" into its parts.
    return {DEMONYM_COUNTRIES[w] for w in {word.lower() for word in _CAPITALISED.findall(text)}
            if w in DEMONYM_COUNTRIES}


def _in_title_case(tokens: list[_Token]) -> bool:
    """Whether a sentence is a headline in title case ("Terrorists Attacked Kuje Prison in
    Abuja"), where a capital says nothing of a name: most of its longer words have one."""
    longer = [t for t in tokens if len(t.text) >= 4 and t.text.isalpha()]
    return len(longer) >= 4 and sum(t.capitalised for t in longer) >= 0.8 * len(longer)


def find_candidates(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """All place mentions in ``text`` with their candidate gazetteer entries, in text order."""
    article = _Article(text, gazetteer)
    found: list[Candidate] = []
    for s_start, s_end in sentences(text):
        if not any(gazetteer.may_start(word) for word in _CAPITALISED.findall(text, s_start, s_end)):
            continue  # no capitalised word here can start a place name
        tokens = _tokens(text, s_start, s_end, gazetteer)
        article.sentence_tokens, article.title_case = tokens, None
        for r_start, r_end in _runs(tokens):
            found.extend(_run_candidates(tokens, r_start, r_end, (s_start, s_end), article))
    return _link_neighbours(_with_villages(_plural_lists(found, article), article), text)


# "Kunduz and eastern Nangarhar provinces", "Kech, Gwadar and Panjgur districts": the plural
# word after the last name of a list is the kind of every name in it.
_PLURAL_AFTER = re.compile(r"\s+(?:provinces|districts)\b", re.IGNORECASE)
_LIST_JOIN = re.compile(r"(?:,\s*|,?\s+and\s+)(?:[a-z]+\s+)?")


def _plural_lists(found: list[Candidate], article: _Article) -> list[Candidate]:
    """``found`` with the names listed before a plural qualifier given that qualifier."""
    text = article.text
    result = list(found)
    listed: set[int] = set()    # names that took the kind from the plural word
    for i in range(len(found) - 2, -1, -1):
        first, second = result[i], result[i + 1]
        if first.mention.qualifier or not _LIST_JOIN.fullmatch(text, first.mention.end, second.mention.start):
            continue
        kind = second.mention.qualifier
        if kind not in ("district", "province") or not (
                i + 1 in listed or _PLURAL_AFTER.match(text, second.mention.end)
                or second.mention.surface.lower().endswith(("provinces", "districts"))):
            continue
        entries = tuple(e for e in article.gazetteer.lookup(f"{first.mention.surface} {kind}", None)[0]
                        if e.kind == kind) or tuple(e for e in first.entries if e.kind == kind)
        if entries:
            result[i] = replace(first, mention=replace(first.mention, qualifier=kind), entries=entries)
            listed.add(i)
    return result


_POSSESSIVE_GAP = re.compile(r"['’]s\s+")


def _link_neighbours(found: list[Candidate], text: str) -> list[Candidate]:
    """Mark what the words between two neighbouring mentions say about the first one."""
    linked = list(found)
    possessed: dict[int, Mention] = {}
    for i, (first, second) in enumerate(zip(found, found[1:])):
        if second.mention.start - first.mention.end > _MAX_GAP:
            continue  # too far apart to say where one lies (and the patterns need short gaps)
        gap = text[first.mention.end:second.mention.start]
        if "\n" in gap:
            continue  # a dateline or headline and the next paragraph say nothing of each other
        if distance := _DISTANCE_FROM.fullmatch(gap):
            km = float(distance["km"]) * (1.609 if distance["unit"].lower().startswith("mile") else 1.0)
            linked[i] = replace(first, within=second.mention, within_km=km, within_decides=True)
        elif _NEAR.fullmatch(gap):
            # Firm enough to rule out every namesake ("Nasirabad near Turbat"), not to
            # doubt a place that has none ("Turbat, near Gwadar").
            linked[i] = replace(first, within=second.mention, within_km=NEAR_KM,
                                within_decides=len(first.entries) > 1)
        elif gap == _APPOSITION and _apposition(found, i, text):
            # "Nasirabad, Kech district" says where; "Islamabad, Azad Kashmir" may be a list.
            linked[i] = replace(first, within=second.mention,
                                within_decides=second.mention.qualifier == "district")
        elif _SEAT_OF.fullmatch(gap):
            linked[i] = replace(first, within=second.mention, within_decides=True)
        elif match := _LIES_IN.fullmatch(gap):
            # "labourers from Multan in Kech district" come from Multan; only an area word
            # ("from the Thal area of district Hangu") still says where the place lies.
            origin = _ORIGIN_BEFORE.search(text, max(0, first.mention.start - 20), first.mention.start)
            if match["area"] or not origin:
                container = second.mention
                # "in Balochistan's Jhal Magsi district": the district is the container.
                if (i + 2 < len(found) and text[container.end:container.end + 2] in ("'s", "’s")
                        and not text[container.end + 2:found[i + 2].mention.start].strip()):
                    container = found[i + 2].mention
                linked[i] = replace(first, within=container, within_by_area_word=bool(match["area"]),
                                    within_decides=True)
        elif _POSSESSIVE_GAP.fullmatch(gap) and any(e.kind in ("province", "region") for e in first.entries):
            possessed[i + 1] = first.mention  # "Sindh's Khairpur district" lies in Sindh
    for i, province in possessed.items():
        if linked[i].within is None:
            linked[i] = replace(linked[i], within=province, within_decides=True)
    return linked


def _apposition(found: list[Candidate], i: int, text: str) -> bool:
    """Whether "X, Y" at ``found[i]`` says where X lies rather than listing two places.

    Y must be a district (as qualified or known: no town of that name), or may be a
    province or a country, and must end the list: "in Nasirabad, Balochistan.", "in
    Turbat, Kech district, gunmen …" or "in Portland, Oregon, police …", not "in Karachi,
    Quetta and Lahore" or "Sindh, Balochistan and Punjab".
    """
    first, second = found[i], found[i + 1]
    if not (second.mention.qualifier in ("district", "province")
            or all(e.kind == "district" for e in second.entries)
            or any(e.kind in ("province", "country") for e in second.entries)):
        return False
    if i > 0 and text[found[i - 1].mention.end:first.mention.start] in _LIST_GAPS:
        return False
    if i + 2 < len(found) and text[second.mention.end:found[i + 2].mention.start] in _LIST_GAPS:
        return False
    return True


def _run_candidates(tokens: list[_Token], r_start: int, r_end: int, sentence: tuple[int, int],
                    article: _Article) -> list[Candidate]:
    run = tokens[r_start:r_end]
    if not any(article.gazetteer.may_start(t.lookup) for t in run):
        return []  # most capitalised words start no place name: skip the finer checks
    if _is_organisation(run, article):
        return []
    people = _person_tokens(tokens, r_start, r_end, article)
    results: list[Candidate] = []
    idx = r_start
    while idx < r_end:
        if idx in people or tokens[idx].lower in NAME_CONNECTORS:
            idx += 1
            continue
        stop = idx
        while stop < r_end and stop not in people:
            stop += 1
        results.extend(_stretch_candidates(tokens, idx, stop, sentence, article))
        idx = stop
    return results


def _stretch_candidates(tokens: list[_Token], start: int, stop: int, sentence: tuple[int, int],
                        article: _Article) -> list[Candidate]:
    """Mentions in one stretch of capitalised words (no connectors, no people)."""
    found: list[Candidate] = []
    spans: list[tuple[int, int]] = []
    covered: set[int] = set()
    idx = start
    while idx < stop:
        if tokens[idx].lower in NAME_CONNECTORS:
            idx += 1
            continue
        match = _longest_match(tokens, idx, stop, sentence, article)
        if match:
            candidate, lo = match[0], idx
            if idx > start and idx - 1 not in covered:
                candidate, lo = _with_part_word(tokens, idx - 1, candidate, article)
            if candidate is not None:
                found.append(candidate)
                spans.append((lo, match[1]))
            covered.update(range(lo, match[1]))
            idx = match[1]
        else:
            idx += 1
    # "Piru Kunri" must not become the town of Kunri, nor "Peshawar Zalmi" Peshawar:
    # a place name glued to an unknown capitalised word is part of another name. Glued
    # means in the same connector-free piece: "Khanate of Kalat" still names Kalat.
    doubtful: set[int] = set()
    for lo, hi in _pieces(tokens, start, stop):
        if any(i not in covered and not _explained(tokens[i], i, article) for i in range(lo, hi)):
            # "Mianwali Training Air Base": a facility named after the place it stands in
            # keeps that place; the words after it are the facility's name.
            at = next((k for k, (begin, _) in enumerate(spans) if begin == lo), None)
            first = spans[at][1] if at is not None else lo
            # Only a town's name: "Bolan Medical Complex" stands in Quetta, not in Bolan
            # district; a road is named after where it goes ("Quetta National Highway").
            named_after = (at is not None and tokens[hi - 1].lower in FACILITY_WORDS
                           and tokens[hi - 1].lower not in STREET_WORDS
                           and any(e.kind in _SETTLEMENT_KINDS for e in found[at].entries))
            doubtful.update(range(first if named_after else lo, hi))
    return [c for c, (lo, hi) in zip(found, spans) if not doubtful.intersection(range(lo, hi))]


def _with_part_word(tokens: list[_Token], before: int, candidate: Candidate,
                    article: _Article) -> tuple[Candidate | None, int]:
    """"Upper Kurram", "Southern Punjab": the part of an area, placed at the area.

    Returns the candidate (None if it is no place) and the index where it starts.
    A part word and a country can name another country or region ("Northern Ireland",
    "East Pakistan"); other parts of countries ("Northern Pakistan") stay the country.
    """
    if tokens[before].lower not in PART_WORDS or not _adjacent(tokens[before], tokens[before + 1]):
        return candidate, before + 1
    if all(e.kind == "country" for e in candidate.entries):
        whole = f"{tokens[before].lower} {candidate.mention.surface.lower()}"
        return (None, before) if whole in OTHER_COUNTRY_NAMES else (candidate, before + 1)
    areas = tuple(e for e in candidate.entries if e.kind in _PART_OF_KINDS)
    if not areas:
        return candidate, before + 1
    start = tokens[before].start
    mention = replace(candidate.mention, surface=article.text[start:candidate.mention.end], start=start,
                      qualifier=candidate.mention.qualifier or areas[0].kind)
    return replace(candidate, mention=mention, entries=areas), before


def _pieces(tokens: list[_Token], start: int, stop: int) -> list[tuple[int, int]]:
    """Maximal index ranges in [start, stop) without connector words."""
    pieces, lo = [], None
    for i in range(start, stop + 1):
        inside = i < stop and tokens[i].lower not in NAME_CONNECTORS
        if inside and lo is None:
            lo = i
        elif not inside and lo is not None:
            pieces.append((lo, i))
            lo = None
    return pieces


def _plain_forms(word: str) -> tuple[str, ...]:
    """``word`` and its stem without a common ending ("attacked" → "attack"), for matching
    a headline's words against the report's lowercase ones."""
    for ending in ("ing", "ed", "es", "s", "d"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word, word[:-len(ending)]
    return (word,)


def _explained(token: _Token, index: int, article: _Article) -> bool:
    """True for a leftover capitalised word that cannot be part of a longer name."""
    word = token.lower
    if (word in NOT_PLACES or word in DEMONYMS or word in QUALIFIER_KINDS or word in FACILITY_WORDS
            or word in JURISDICTION_HEADS or word in PORTFOLIO_WORDS or word in PERSON_CUES
            or word in PART_WORDS):
        return True  # titles too: "SSP" in "SSP Jacobabad", "DC" in "Khuzdar DC"
    # A sentence opener such as "In", "Later" or "Officials" is an ordinary word, and so is
    # any word of a title-case headline the report also writes in lowercase ("Attacked").
    if article.title_case is None:  # asked only when a name seems glued to another word
        article.title_case = _in_title_case(article.sentence_tokens)
    if article.title_case and any(article.uses_in_lowercase(form) for form in _plain_forms(word)):
        return True
    return index == 0 and (article.uses_in_lowercase(word) or len(word) <= 3 or word in SENTENCE_ADVERBS)


def _person_tokens(tokens: list[_Token], r_start: int, r_end: int, article: _Article) -> set[int]:
    """Indices of the run's words that belong to a person's name.

    Person names are judged on stretches without connectors: "Khan of Kalat" is a
    title and a place, not one name.
    """
    people: set[int] = set()
    i = r_start
    while i < r_end:
        if tokens[i].lower in NAME_CONNECTORS:
            i += 1
            continue
        j = i
        while j < r_end and tokens[j].lower not in NAME_CONNECTORS:
            j += 1
        # "Balochistan Chief Minister Sarfraz Bugti": a title inside the stretch
        # starts the person; the words before it may still be a place.
        title = next((k for k in range(i + 1, j) if tokens[k].lower in PERSON_CUES), None)
        if title is not None and not article.whole_name(tokens[i:j]):
            # "Deputy Commissioner Panjgur": the titles are the person; the place after
            # them is the office's district and stays a place.
            office = _office_place(tokens, title, j, article)
            people.update(range(title, j if office is None else office))
            if office is None:
                _remember_name_after_titles(tokens, title, j, article)
            j = title
        elif title is None and not article.whole_name(tokens[i:j]):
            # "a trader from Quetta Muhammad Ali": a known place, then a given name
            # that starts a person's name, with no comma between them.
            given = next((k for k in range(i + 1, j) if tokens[k].lower in GIVEN_NAMES
                          and article.whole_name(tokens[i:k])
                          and not any(article.whole_name(tokens[i:m]) for m in range(k + 1, j + 1))), None)
            if given is not None:
                article.person_words.add(" ".join(t.lower for t in tokens[given:j]))
                people.update(range(given, j))
                j = given
        piece = tokens[i:j]
        before = tokens[i - 1] if i > 0 else None
        after = tokens[j] if j < len(tokens) else None
        if piece and _is_person(piece, before, after, article):
            article.person_words.add(" ".join(t.lower for t in piece))
            if len(piece) > 1 and not (piece[0].lower in OFFICE_TITLES and article.whole_name(piece[-1:])):
                # The surname stands for the person later on; but a title's last word
                # that is a place ("SSP Operations Quetta") is the office, not a surname.
                article.person_words.add(piece[-1].lower)
            people.update(range(i, j))
        i = max(j, i + 1)
        while i < r_end and i in people:
            i += 1
    return people


def _longest_match(tokens: list[_Token], idx: int, r_end: int, sentence: tuple[int, int],
                   article: _Article) -> tuple[Candidate, int] | None:
    before: str | None = None   # the qualifier before idx, read once (it is the same for every length)
    for length in range(min(_MAX_SPAN, r_end - idx), 0, -1):
        span = tokens[idx:idx + length]
        if span[-1].lower in NAME_CONNECTORS:
            continue
        name = _lookup_name(span)
        qualifier, q_end = _qualifier(tokens, idx + length)
        # "Mushkaf Tunnel", "Mach railway station", "Karachi airport": the name with
        # its qualifier may itself be a gazetteer entry.
        if q_end > idx + length:
            # "Paktika and Khost provinces": each name of the list with the word in the singular.
            whole = name + " " + " ".join(_PLURAL_QUALIFIERS.get(t.lower, t.text) for t in tokens[idx + length:q_end])
            # "Sukkur district" must not drift onto "Skardu District": with an admin word
            # at its end, a name and its qualifier are only looked up as written.
            entries, exact = _lookup(whole, article.gazetteer, as_written=qualifier in ("district", "province"))
            if entries:
                return _candidate(tokens[idx:q_end], sentence, qualifier, entries, exact, article), q_end
        if not qualifier and length > 1 and span[-1].lower in QUALIFIER_KINDS:
            qualifier = QUALIFIER_KINDS[span[-1].lower]  # "Sibi District" as one name
        if not qualifier:
            if before is None:
                before = _qualifier_before(tokens, idx)
            qualifier = before
            if qualifier in ("district", "province") and span[-1].lower not in QUALIFIER_KINDS:
                # A list headed by "provinces": "Khost" is looked up as "Khost province" first.
                entries, exact = _lookup(f"{name} {qualifier}", article.gazetteer, as_written=True)
                if any(e.kind == qualifier for e in entries):
                    return _candidate(span, sentence, qualifier, entries, exact, article), idx + length
        # "In Dadu, …": a capitalised "In" is no part of a name, so "In Dadu" must not
        # drift onto "India" as a spelling; only a name written so counts.
        entries, exact = _lookup(name, article.gazetteer, as_written=length > 1 and span[0].lower in _OPENING_WORDS)
        if entries and _acceptable(tokens, idx, length, qualifier, article, entries, exact):
            # The qualifier word is used up: "Tehsil" in "Loralai Tehsil" is no place.
            end = idx + length
            facility = end < len(tokens) and tokens[end].lower in NAMESAKE_FACILITIES
            return (_candidate(span, sentence, qualifier, entries, exact, article, facility),
                    max(q_end, end))
    return None


_PLURAL_QUALIFIERS = {"districts": "district", "provinces": "province"}


def _lookup_name(span: list[_Token]) -> str:
    # Initials are looked up joined: "D I Khan" → "DI Khan", "U S" → "US".
    words: list[str] = []
    for token in span:
        if len(token.text) == 1 and token.text.isupper() and words and len(words[-1]) < 4 \
                and words[-1].isupper():
            words[-1] += token.text
        else:
            words.append(token.lookup)
    return " ".join(words)


def _candidate(span: list[_Token], sentence: tuple[int, int], qualifier: str, entries: tuple[GazetteerEntry, ...],
               exact: bool, article: _Article, names_facility: bool = False) -> Candidate:
    start, end = span[0].start, span[-1].end
    mention = Mention(surface=article.surface(start, end), start=start, end=end,
                      sentence=article.evidence(sentence, start), qualifier=qualifier)
    return Candidate(mention=mention, entries=entries, exact=exact, names_facility=names_facility)


# Villages from the settlements table (geo/settlements.py): only for a capitalised span
# the gazetteer lacks and the words around it give as a place — "X village", "village
# (of) X", "X tehsil", "X check post", "X police station", "the X area of Y", "town of X",
# "near X", "a resident of X", "in X, Y district", "X in Y district" — never for every
# capitalised word. "X district(s)" looks for a district of the table instead.
_NAME_WORD = r"[A-Z][a-z]+"
# "Bilal colony", "Jumma goth": Pakistani English often writes a settlement's last word in lowercase.
_LOWERCASE_TAILS = ("colony", "goth", "mohalla")
_LOWERCASE_TAIL = rf"(?:\s(?:{'|'.join(_LOWERCASE_TAILS)}))?"
_SPAN = rf"(?P<name>{_NAME_WORD}(?:[ \-]{_NAME_WORD}){{0,2}}{_LOWERCASE_TAIL})"
#: Cue words: (a word whose presence lets the pattern run at all, the pattern, the cue it is).
_CUES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    # Each pattern starts with its literal word, so the regex engine can skip to it; the
    # letter before is checked by hand (a look-behind first would try every position).
    (word, re.compile(rf"{pattern}(?![a-z])"), cue) for word, pattern, cue in (
        ("village", r"village", "village"),
        ("tehsil", r"tehsil", "tehsil"),
        ("post", r"check\s?-?post", "checkpost"),
        ("police", r"police\s+(?:station|post)", "station"),
        ("levies", r"levies\s+(?:station|post)", "station"),
        ("railway", r"railway\s+station", "station"),
        ("thana", r"thana", "station"),
        ("bazaar", r"baz(?:aa|a)r", "bazaar"),
        ("area", r"area", "area"),
        ("town", r"town", "town"),
        ("near", r"near", "near"),
        ("close", r"close\s+to", "near"),
        ("outskirts", r"on\s+the\s+outskirts\s+of", "near"),
        ("resident", r"residents?\s+of", "resident"),
        ("native", r"natives?\s+of", "resident"),
        ("hailing", r"hailing\s+from", "resident"),
        ("from", r"from", "from"),
        ("district", r"districts?", "district"),
    ))
#: Cues whose name comes after them ("village of X", "near X"); the others' name comes before.
_NAME_AFTER_CUES = frozenset({"village", "tehsil", "town", "near", "resident", "from"})
_NAME_BEFORE = re.compile(rf"(?<![{_LETTER}]){_SPAN}\s+$")
_NAME_AFTER = re.compile(rf"\s+(?:(?:of|the)\s+)?{_SPAN}(?![{_LETTER}])")
# "in X, Y district" and "X in Y district": X lies in the district named after it.
_NAME_BEFORE_DISTRICT = re.compile(rf"(?<![{_LETTER}]){_SPAN}(?:,\s+|\s+in\s+(?:the\s+)?)"
                                   rf"{_NAME_WORD}(?:[ \-]{_NAME_WORD}){{0,2}}\s+$")
# "Khogyani, Ghani Khil and Behsud districts": the names a plural cue follows.
_LIST_BEFORE = re.compile(rf"(?<![{_LETTER}])(?P<list>{_NAME_WORD}(?:[ \-]{_NAME_WORD}){{0,2}}"
                          rf"(?:(?:,\s+|,?\s+and\s+){_NAME_WORD}(?:[ \-]{_NAME_WORD}){{0,2}}){{1,6}})\s+$")
_LIST_GAP = re.compile(r",\s+and\s+|,\s+|\s+and\s+")
_CUE_REACH = 40     # characters before a cue word that a name of three words fits in
# Cues that say what the span is (a qualifier); the others only say where it is.
_QUALIFYING_CUES = {"village": "village", "tehsil": "", "checkpost": "", "station": "", "town": "town",
                    "district": "district"}
# Cues after which a name of given names is still a place: a station, a post, a district
# is named after where it stands ("Wali Khan Levies Station").
_NAMING_CUES = frozenset({"station", "checkpost", "district"})
# What may stand between the village and the district or province it lies in.
_TO_CONTAINER = re.compile(r"(?:\s+(?i:village|tehsil|check\s?-?post|area|districts?|(?:police|levies)\s+"
                           r"(?:station|post)))?(?:,\s+|" + _LIES_IN.pattern + ")", re.IGNORECASE)
_MAX_VILLAGE_LOOKUPS = 32   # a pasted list of villages costs a bounded number of look-ups
_NOT_VILLAGE_WORDS = (NOT_PLACES | DEMONYMS | frozenset(QUALIFIER_KINDS) | FACILITY_WORDS | PERSON_CUES
                      | OFFICE_TITLES | PART_WORDS | SENTENCE_ADVERBS | GROUP_NOUNS | STREET_WORDS
                      | ORGANISATION_HEADS | PORTFOLIO_WORDS | SPEECH_VERBS | TRIBES | ENGLISH_WORDS
                      | _OPENING_WORDS)
# Last words that make a name a settlement's, whatever the words before ("Shahbaz Khel",
# "Bilal Colony"); the stop-lists are not asked about them.
_SETTLEMENT_ENDINGS = frozenset({"khel", "kheil", "kalay", "kallay", "killi", "kili", "goth", "kot", "abad",
                                 "colony", "mohalla"})
_HOME_COUNTRIES = frozenset(DETAILED_COUNTRIES)  # the countries the settlements table covers


# A dateline name: one to three words in capitals opening a line, then ":" or a dash.
_DATELINE_NAME = re.compile(r"^[ \t]*(?P<name>[A-Z]{3,}(?:[ \-][A-Z]{2,}){0,2})(?=\s*(?::|—|–|--\s|\())",
                            re.MULTILINE)


def _capitalised_before(text: str, at: int) -> bool:
    """Whether the word before ``at`` is capitalised (the cheap test before a regex search)."""
    end = at
    while end > 0 and text[end - 1].isspace() and at - end < _CUE_REACH:
        end -= 1
    low = max(0, end - _CUE_REACH)
    start = max(text.rfind(" ", low, end), text.rfind("\n", low, end), text.rfind("-", low, end), low - 1) + 1
    return start < end and (text[start].isupper() or text[start:end] in _LOWERCASE_TAILS)


def _cue_spans(text: str) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], int]]:
    """Where a name the cues give as a place may stand, with its cue, by (start, end); and,
    for the names of a list ("A, B and C districts of Y"), where the list ends."""
    spans: dict[tuple[int, int], str] = {}
    list_ends: dict[tuple[int, int], int] = {}
    for at, after, cue in _cue_words(text):
        if cue == "district":
            plural = text[at:after].lower().endswith("s")
            if plural and (listed := _LIST_BEFORE.search(text, max(0, at - 4 * _CUE_REACH), at)):
                offset = listed.start("list")
                for part in _LIST_GAP.split(listed.group("list")):
                    at_part = text.index(part, offset)
                    offset = at_part + len(part)
                    spans.setdefault((at_part, offset), "district")
                    list_ends[(at_part, offset)] = listed.end("list")
            elif match := _NAME_BEFORE.search(text, max(0, at - _CUE_REACH), at):
                for start in _word_starts(text, match.start("name"), match.end("name")):
                    spans.setdefault((start, match.end("name")), "district")
            if match := _NAME_BEFORE_DISTRICT.search(text, max(0, at - 2 * _CUE_REACH), at):
                for start in _word_starts(text, match.start("name"), match.end("name")):
                    spans.setdefault((start, match.end("name")), "in")
            continue
        if cue not in ("near", "resident", "from") and _capitalised_before(text, at) \
                and (match := _NAME_BEFORE.search(text, max(0, at - _CUE_REACH), at)):
            # "Levies Kili Ahmad village": the name is the words right before the cue.
            for start in _word_starts(text, match.start("name"), match.end("name")):
                spans.setdefault((start, match.end("name")), cue)
        if cue in _NAME_AFTER_CUES and (match := _NAME_AFTER.match(text, after)):
            # After a word that names what follows ("village of X Y") the name may be the
            # first words only; after "near", "from" it is all the capitalised words or
            # nothing ("from Jaffar Express" names no Jaffar).
            ends = _word_ends(text, match.start("name"), match.end("name")) if cue in _QUALIFYING_CUES \
                else [match.end("name")]
            for end in reversed(ends):
                spans.setdefault((match.start("name"), end), cue)
    for match in _DATELINE_NAME.finditer(text):
        # "SPINWAM: …": the place a report was filed from, in capitals at a line's start.
        spans.setdefault((match.start("name"), match.end("name")), "dateline")
    return spans, list_ends


def _with_villages(found: list[Candidate], article: _Article) -> list[Candidate]:
    """``found`` and the villages the text gives as places by their context, in text order."""
    text = article.text
    taken = [(c.mention.start, c.mention.end) for c in found]   # in text order
    spans, list_ends = _cue_spans(text)
    if not spans:
        return found
    points = [(c.entries[0].lat, c.entries[0].lon) for c in found if _settled_point(c)]
    added: list[Candidate] = []
    starts = [lo for lo, _ in taken]
    text_sentences: list[tuple[int, int]] | None = None
    last_end = -1   # where the last village found ends (spans come in text order)
    lookups = 0
    replaced: dict[int, GazetteerEntry] = {}
    for (start, end), cue in sorted(spans.items(), key=lambda item: (item[0][0], -item[0][1])):
        before = bisect.bisect_left(starts, end) - 1
        if start < last_end:
            continue  # a village already found there
        if before >= 0 and taken[before][1] > start:
            # The gazetteer's place; for "X district", unless it only knows X as a town.
            if cue == "district" and taken[before] == (start, end) and lookups < _MAX_VILLAGE_LOOKUPS:
                lookups += 1
                entry = _district_for_town(found[before], found, starts, list_ends.get((start, end), end),
                                           points, article)
                if entry is not None:
                    replaced[before] = entry
            elif (taken[before] == (start, end) and _only_abroad(found[before]) and lookups < _MAX_VILLAGE_LOOKUPS
                  and not _STREET_AFTER.match(text, end) and _may_be_village(text[start:end], start, cue, article)):
                # "Mandan police station" in Bannu: a town of North Dakota has the name, the table's village is meant.
                lookups += 1
                entry = settlement_named_in(text[start:end], _containers_after(
                    found, starts, list_ends.get((start, end), end), article), points)
                if entry is not None:
                    replaced[before] = entry
            continue
        name = text[start:end]
        if _STREET_AFTER.match(text, end):
            continue  # "near the Guddu-Kashmore Road": a road, not the village
        if not _may_be_village(name, start, cue, article):
            continue
        containers = _containers_after(found, starts, list_ends.get((start, end), end), article)
        if cue == "in" and not containers:
            continue  # "X in Y district" says nothing of X without the district
        if lookups >= _MAX_VILLAGE_LOOKUPS:
            break
        lookups += 1
        if cue == "district":
            entry = district_named_in(name, containers, points)
        else:
            entry = settlement_named_in(name, containers, points)
        if entry is None:
            continue
        if text_sentences is None:
            text_sentences = sentences(text)
        added.append(_found_candidate(article, start, end, entry, _QUALIFYING_CUES.get(cue, ""), text_sentences))
        last_end = end
    if replaced:
        found = [replace(c, entries=(replaced[i],)) if i in replaced else c for i, c in enumerate(found)]
    if not added and not replaced:
        return found
    added += _later_mentions(added, found, article, text_sentences or sentences(text))
    found = _one_place_per_name(found, [*added, *(found[i] for i in replaced)], article)
    return sorted([*found, *added], key=lambda c: c.mention.start)


_STREET_AFTER = re.compile(rf"(?:[ \-]{_NAME_WORD}){{0,3}}\s+(?i:{'|'.join(sorted(STREET_WORDS))})(?![A-Za-z])")


def _district_for_town(candidate: Candidate, found: list[Candidate], starts: list[int], end: int,
                       points: list[tuple[float, float]], article: _Article) -> GazetteerEntry | None:
    """The table's district for a name the gazetteer knows only as a settlement far from
    that district ("Khogyani districts in Nangarhar": a town of Ghazni has that other
    name; "Sindh's Khairpur district": the gazetteer's Khairpur is another town), when the
    province named with it holds one or, without a province, it lies near the report's
    other places. A district's own town stands for it, as elsewhere ("Jhang district")."""
    if any(e.kind in ("district", "province", "region") for e in candidate.entries) and not _only_abroad(candidate):
        return None  # a district abroad ("Shaki", Azerbaijan) gives way to the table's (Shaki, Badakhshan)
    containers = _containers_after(found, starts, end, article)
    district = district_named_in(article.text[candidate.mention.start:candidate.mention.end], containers, points)
    if district is None or any(haversine_km(e.lat, e.lon, district.lat, district.lon) <= _SAME_SPOT_KM
                               for e in candidate.entries):
        return None
    return district


_SAME_SPOT_KM = 60.0   # a name whose readings (the town, its district) lie this close says where it is


def _only_abroad(candidate: Candidate) -> bool:
    """Whether every reading of the candidate lies outside the countries the settlements table covers."""
    return not any(e.country in _HOME_COUNTRIES for e in candidate.entries)


def _settled_point(candidate: Candidate) -> bool:
    """Whether the candidate's first entry tells where the article is: an exact name in the
    covered countries, finer than a province, whose every reading lies near it."""
    first = candidate.entries[0]
    return (candidate.exact and first.country in _HOME_COUNTRIES
            and first.kind not in ("country", "province", "region", "water")
            and all(haversine_km(first.lat, first.lon, e.lat, e.lon) <= _SAME_SPOT_KM for e in candidate.entries[1:]))


def _found_candidate(article: _Article, start: int, end: int, entry: GazetteerEntry, qualifier: str,
                     text_sentences: list[tuple[int, int]]) -> Candidate:
    at = bisect.bisect_right(text_sentences, (start, len(article.text))) - 1
    sentence = text_sentences[at] if at >= 0 else (start, end)
    mention = Mention(surface=article.surface(start, end), start=start, end=end,
                      sentence=article.evidence(sentence, start), qualifier=qualifier)
    return Candidate(mention=mention, entries=(entry,))


def _later_mentions(added: list[Candidate], found: list[Candidate], article: _Article,
                    text_sentences: list[tuple[int, int]]) -> list[Candidate]:
    """The other mentions of each village found: once the text has said "Shahbaz Khel area",
    a bare "Shahbaz Khel" further on is the same place."""
    text = article.text
    occupied = sorted([(c.mention.start, c.mention.end) for c in (*found, *added)])
    first_of_name = {text[c.mention.start:c.mention.end]: c for c in reversed(added)}  # each name once
    more: list[Candidate] = []
    for name, candidate in first_of_name.items():
        for match in re.finditer(rf"(?<![{_LETTER}]){re.escape(name)}(?![{_LETTER}])", text):
            at = bisect.bisect_right(occupied, (match.start(), len(text))) - 1
            if at >= 0 and occupied[at][1] > match.start():
                continue  # this very mention, or inside another place's
            if at + 1 < len(occupied) and occupied[at + 1][0] < match.end():
                continue
            more.append(_found_candidate(article, match.start(), match.end(), candidate.entries[0],
                                         candidate.mention.qualifier, text_sentences))
    return more


def _one_place_per_name(found: list[Candidate], placed_by_context: list[Candidate],
                        article: _Article) -> list[Candidate]:
    """``found`` with a bare name the text has placed by its context ("Khash district in
    Badakhshan") read as that place again, not as a namesake far off ("over Khash")."""
    placed = {fold(article.text[c.mention.start:c.mention.end]): c.entries[0] for c in placed_by_context}
    result = []
    for candidate in found:
        entry = placed.get(fold(article.text[candidate.mention.start:candidate.mention.end]))
        if entry is not None and all(haversine_km(e.lat, e.lon, entry.lat, entry.lon) > _SAME_SPOT_KM
                                     for e in candidate.entries):
            candidate = replace(candidate, entries=(entry,))
        result.append(candidate)
    return result


def _cue_words(text: str) -> list[tuple[int, int, str]]:
    """Where each cue word stands, and which cue it is."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lowercase is longer: offsets would drift
        lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    found = []
    for word, pattern, cue in _CUES:
        if word in lower:  # the cheapest pass over a text there is decides whether to search
            found.extend((m.start(), m.end(), cue) for m in pattern.finditer(lower)
                         if not (m.start() and "a" <= lower[m.start() - 1] <= "z"))
    return found


# A name is cut at its blanks only: "Sur-Dakai" is one name, not Dakai.
def _word_starts(text: str, start: int, end: int) -> list[int]:
    return [start] + [i + 1 for i in range(start, end) if text[i] == " "]


def _word_ends(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i] == " "] + [end]


def _may_be_village(name: str, start: int, cue: str, article: _Article) -> bool:
    """The guards: a village from the table is no English word, person, tribe or short name."""
    words = [w.lower() for w in re.split(r"[ \-]", name)]
    if cue not in _QUALIFYING_CUES and len(name) <= 3:
        return False  # 52 places are called Kot: three letters need a qualifier
    if cue != "district" and any(e.country in _HOME_COUNTRIES for e in article.gazetteer.exact(name)):
        # A name the gazetteer holds here was judged by the parser, and not taken; the
        # gazetteer has no districts of its own below the home country's.
        return False
    ending = len(words) > 1 and words[-1] in _SETTLEMENT_ENDINGS
    if any(w in _NOT_VILLAGE_WORDS for w in (words[:-1] if ending else words)):
        return False  # "Police", "Tank", "Mengal", "Chief": not villages
    named = cue in _NAMING_CUES or ending
    if not named and all(w in GIVEN_NAMES or w in PERSON_NAME_WORDS or w in article.person_words for w in words):
        return False  # "Ali", "Musa Khan": a person
    if not named and " ".join(words) in article.person_words:
        return False
    if len(words) == 1 and article.is_common_word(name):
        return False  # a word this article also writes in lowercase
    if cue == "dateline":
        return True  # a line of its own: no sentence opener to mistake
    line = article.line_start(start)
    at_sentence_start = line is not None or re.search(r"[.!?:]\s*$", article.text[max(0, start - 3):start])
    return not (at_sentence_start and cue not in _QUALIFYING_CUES)


def _containers_after(found: list[Candidate], starts: list[int], end: int,
                      article: _Article) -> list[GazetteerEntry]:
    """The district, province (or, after an area word, town) the text says the span lies in.

    ``starts``: where each of ``found`` starts (sorted), so only the next mention is read.
    """
    for at in range(bisect.bisect_left(starts, end), len(found)):
        candidate = found[at]
        if candidate.mention.start - end > 60:
            break
        gap = article.text[end:candidate.mention.start]
        match = _TO_CONTAINER.fullmatch(gap)
        if match is None:
            break
        areas = [e for e in candidate.entries if e.kind in ("district", "province", "region")]
        if candidate.mention.qualifier in ("district", "province"):
            return areas
        if ("area" in gap.lower() or "of" in gap.lower()) and not areas:
            return [e for e in candidate.entries if e.kind in ("city", "town")]
        return areas
    return []
