"""Spelling keys that let one gazetteer entry match the many ways a name is romanised.

Place names from Urdu, Balochi, Pashto and Persian reach English text in several
spellings: vowels drift (Mashkaf/Mushkaf, Noshki/Naushki), ``q`` and ``k`` swap
(Qalat/Kalat), aspiration marks come and go (Pehro/Piru, Dadhar/Dhadar), consonants
double (Qila/Killa) and words are split or joined (Musakhail/Musa Khel). Two keys
capture that: :func:`fold`, an exact key that ignores case, accents, spaces and
hyphens; and :func:`skeleton`, a consonant skeleton that ignores the drifting parts.
Skeleton matches are confirmed with :func:`similar` so that unrelated names with
the same consonants do not match.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

_NON_LETTERS = re.compile(r"[^a-z]")
# Romanisation digraphs reduced to one letter before vowels are dropped; the order
# matters ("ch" → "k" must happen before "h" disappears).
_DIGRAPHS = (("ph", "f"), ("ch", "k"), ("ck", "k"), ("kh", "k"), ("gh", "g"),
             ("sh", "s"), ("zh", "z"), ("th", "t"), ("dh", "d"), ("bh", "b"))
_SOUNDALIKES = str.maketrans({"q": "k", "c": "k", "v": "w", "x": "ks"})
_WEAK = re.compile(r"[aeiouyhw]")
_DOUBLES = re.compile(r"(.)\1+")

#: How alike two names must be (Jaro–Winkler) for a skeleton match to count; names of
#: several words are compared word by word and may differ more in one word.
SIMILARITY_THRESHOLD = 0.85
MULTIWORD_THRESHOLD = 0.80
_VOWELS = frozenset("aeiouy")


def ascii_fold(text: str) -> str:
    """Strip accents and typographic apostrophes: ``"Muzaffarābād"`` → ``"Muzaffarabad"``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Exact-match key: lowercase ASCII letters only (``"Musa Khel"`` → ``"musakhel"``)."""
    if name.isascii():  # the common case skips Unicode decomposition
        return _NON_LETTERS.sub("", name.lower())
    return _NON_LETTERS.sub("", ascii_fold(name).lower())


def single_letters(name: str) -> str:
    """:func:`fold` with doubled letters written once (``"Sibbi"`` → ``"sibi"``).

    Names of two consonants ("Sibi" → "sb") have skeletons too small to trust, but a
    doubled consonant is still the commonest way their spellings differ (Sibbi/Sibi,
    Tirrah/Tirah).
    """
    return _DOUBLES.sub(r"\1", fold(name))


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Variant-match key: first letter plus the consonant skeleton of the rest.

    >>> skeleton("Mashkaf") == skeleton("Mushkaf")
    True
    >>> skeleton("Pehro Kunri") == skeleton("Piru Kunri")
    True
    """
    key = fold(name)
    if not key:
        return ""
    for digraph, letter in _DIGRAPHS:
        key = key.replace(digraph, letter)
    key = key.translate(_SOUNDALIKES)
    head, rest = key[0], _WEAK.sub("", key[1:])
    return _DOUBLES.sub(r"\1", head + rest)


def similar(a: str, b: str) -> float:
    """Jaro–Winkler similarity of two names, 0–1.

    Multi-word names are also compared word by word (the mean over aligned words),
    since a variant usually changes one word ("Pehro Kunri"/"Piru Kunri") and a
    whole-string score would punish the unchanged word's offset.
    """
    whole = jellyfish.jaro_winkler_similarity(fold(a), fold(b))
    words_a, words_b = ascii_fold(a).split(), ascii_fold(b).split()
    if len(words_a) < 2 or len(words_a) != len(words_b):
        return whole
    by_word = [jellyfish.jaro_winkler_similarity(fold(x), fold(y)) for x, y in zip(words_a, words_b)]
    return max(whole, sum(by_word) / len(by_word))


def is_variant(name: str, known: str) -> bool:
    """True if ``name`` is a spelling variant of ``known`` (their skeletons are assumed equal).

    Besides similarity, a final vowel must agree: "Mamund" is not "Mandi" and
    "Mengal" is not "Mangla", while "Kohloo"/"Kohlu" and "Noshki"/"Naushki" still match.
    """
    a, b = fold(name), fold(known)
    if not a or not b or (a[-1] in _VOWELS) != (b[-1] in _VOWELS):
        return False
    several = len(name.split()) > 1 and len(name.split()) == len(known.split())
    return similar(name, known) >= (MULTIWORD_THRESHOLD if several else SIMILARITY_THRESHOLD)
