"""Numbers as reporting writes them, read as intervals.

"at least 27", "more than 150", "nearly 500", "around 3,000", "hundreds", "a dozen",
"30 to 40", "twenty-one", "two dozen": each becomes a :class:`Quantity` with a low and a high bound
(``None`` where the text leaves a side open). Anything that is not a number is left
alone, never guessed.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
#: Vague amounts and the range each stands for.
_VAGUE = {
    "a dozen": (12, 12), "half a dozen": (6, 6), "dozens": (24, 99), "dozens of": (24, 99),
    "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
}

_WORD_NUMBER = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(k for k in _UNITS if k != 'zero')}))?"
                rf"|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
                rf"(?:\s+(?:hundred|thousand|million))?")
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_SCALE_AFTER = r"(?:\s*(?:million|thousand|hundred|m|k)\b)?"
_ONE = rf"(?:(?:{_DIGITS}){_SCALE_AFTER}|a\s+hundred|a\s+thousand|{_WORD_NUMBER})"

# Hedges before a number and how they bound it.
_AT_LEAST = r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of"
_MORE_THAN = r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of"
_NEARLY = r"nearly|almost|close\s+to|just\s+under|just\s+short\s+of"
_ABOUT = r"about|around|approximately|roughly|some|an\s+estimated|estimated|nearly\s+about"
_UP_TO = r"up\s+to|as\s+many\s+as|at\s+most"
_FEWER = r"fewer\s+than|less\s+than|under"

QUANTITY = re.compile(
    rf"\b(?:(?P<hedge>{_AT_LEAST}|{_MORE_THAN}|{_NEARLY}|{_UP_TO}|{_FEWER}|{_ABOUT})\s+)?"
    rf"(?:between\s+(?P<between_lo>{_ONE})\s+and\s+(?P<between_hi>{_ONE})"
    rf"|(?P<range_lo>{_ONE})(?:\s+(?:to|or)\s+|\s*[-–](?=\s*\d)\s*)(?P<range_hi>{_ONE})(?![\d,])"
    rf"|(?P<vague>half\s+a\s+dozen|a\s+dozen|dozens(?:\s+of)?|scores|hundreds|thousands)"
    rf"|(?P<dozen>{_WORD_NUMBER}|\d{{1,3}})\s+dozen"
    rf"|(?P<one>{_ONE}))\b",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number phrase in a text, as an interval."""

    low: int | None
    high: int | None
    start: int
    end: int
    text: str


def word_number(text: str) -> int | None:
    """The value of a number written in words or digits ("twenty-one" → 21, "1,600" → 1600)."""
    words = re.sub(r"[-\s]+", " ", text.strip().lower()).replace(",", "")
    digits = re.fullmatch(r"(\d{1,12}(?:\.\d+)?) ?(million|thousand|hundred|m|k)?", words)
    if digits:
        scale = {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3, "hundred": 100}
        return int(round(float(digits.group(1)) * scale.get(digits.group(2) or "", 1)))
    total, current = 0, 0
    for word in words.split():
        if word == "a":
            current = 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1_000:
                total, current = total + current, 0
        else:
            return None
    return total + current


def _bounds(hedge: str, value: int) -> tuple[int | None, int | None]:
    hedge = " ".join(hedge.lower().split())
    if not hedge:
        return value, value
    if re.fullmatch(_AT_LEAST, hedge):
        return value, None
    if re.fullmatch(_MORE_THAN, hedge):
        return value + 1, None
    if re.fullmatch(_NEARLY, hedge):
        return round(value * 0.9), value
    if re.fullmatch(_UP_TO, hedge):
        return None, value
    if re.fullmatch(_FEWER, hedge):
        return None, value - 1
    return round(value * 0.9), round(value * 1.1)  # about, around, some …


def find_quantities(text: str) -> list[Quantity]:
    """Every number phrase in ``text`` with its interval, in order."""
    return list(quantities(text))


def quantities(text: str) -> Iterator[Quantity]:
    """The number phrases of ``text`` one by one, in order (a long run of numbers is never held whole)."""
    for match in QUANTITY.finditer(text):
        hedge = match.group("hedge") or ""
        if match.group("vague"):
            low, high = _VAGUE[" ".join(match.group("vague").lower().split())]
            if hedge and re.fullmatch(_MORE_THAN, " ".join(hedge.lower().split())):
                low, high = high + 1, None  # "over half a dozen" is seven or more
            elif hedge and low == high:
                low, high = _bounds(hedge, low)  # "up to a dozen", "at least a dozen"
        elif match.group("dozen"):
            value = word_number(match.group("dozen"))
            if value is None:
                continue
            low, high = _bounds(hedge, value * 12)  # "two dozen", "nearly three dozen"
        elif match.group("between_lo") or match.group("range_lo"):
            lo_text = match.group("between_lo") or match.group("range_lo")
            hi_text = match.group("between_hi") or match.group("range_hi")
            low, high = word_number(lo_text), word_number(hi_text)
            if low is None or high is None or low > high:
                continue
        else:
            value = word_number(match.group("one"))
            if value is None:
                continue
            low, high = _bounds(hedge, value)
        yield Quantity(low, high, match.start(), match.end(), match.group())
