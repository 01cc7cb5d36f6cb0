"""Records passed along the data flow: text → mentions → gazetteer entries → places."""
from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds a geocoded place may have, from the largest to the smallest.
KINDS: tuple[str, ...] = (
    "country", "province", "region", "district", "water",
    "city", "town", "village", "station", "landmark",
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One place name as written in an article."""

    surface: str          # the text as it stands, e.g. "Balochistan's" → "Balochistan"
    start: int            # character offset of the surface form in the article
    end: int
    sentence: str         # the sentence that holds it (evidence)
    qualifier: str = ""   # "district", "province", "city", … when the text says so


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A candidate place known to the offline gazetteer."""

    name: str
    kind: str
    lat: float
    lon: float
    precision_km: float
    source: str
    country: str = ""       # ISO 3166-1 alpha-2
    admin1: str = ""        # province / state name
    population: int = 0
    alternate_names: tuple[str, ...] = ()
    estimate: bool = False
    method: str = ""
    uid: str = ""           # stable id: "geonames:1179400" or "atlas:<slug>"
    capital: bool = False   # a national capital

    @property
    def curated(self) -> bool:
        """Whether the entry is a row of the curated overlay, checked by hand."""
        return self.uid.startswith("atlas:")


@dataclass(slots=True)
class Place:
    """A geocoded place named by one article, with every mention of it."""

    article: str
    entry: GazetteerEntry
    mentions: list[Mention] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The place's canonical name."""
        return self.entry.name

    @property
    def surface_forms(self) -> list[str]:
        """Distinct spellings used in the article, in order of first use."""
        return list(dict.fromkeys(m.surface for m in self.mentions))

    @property
    def sentences(self) -> list[str]:
        """Distinct evidence sentences, in article order."""
        return list(dict.fromkeys(m.sentence for m in self.mentions))
