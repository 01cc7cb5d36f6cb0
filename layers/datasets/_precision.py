"""Each dataset's location-precision code as a radius in km (an incident's ``precision_km``).

What each code means is the dataset's own definition (paraphrased from its codebook,
sources in ``CODEBOOKS``); the radii are ours, chosen for Pakistan, the country this
project maps:

* a town or village: 5 km;
* near a town, "a limited area" around a place: 25 km;
* a district (ADM2): 50 km — Pakistan's ≈160 districts average 5,500 km², an
  equal-area circle of ≈42 km;
* a province (ADM1): 200 km — equal-area radius of Khyber Pakhtunkhwa ≈180 km,
  Sindh ≈212 km, Punjab ≈256 km, Balochistan ≈332 km;
* the whole country: 500 km — Pakistan's 882,000 km² is a circle of ≈530 km.

A code with no radius (``None``) means the dataset itself says the position is unknown:
such rows are reported and skipped, never drawn at a made-up point.
"""
from __future__ import annotations

from dataclasses import dataclass

TOWN_KM = 5.0
NEAR_TOWN_KM = 25.0
DISTRICT_KM = 50.0
PROVINCE_KM = 200.0
LARGER_THAN_PROVINCE_KM = 300.0
COUNTRY_KM = 500.0


@dataclass(frozen=True)
class PrecisionCode:
    """One code of a dataset's location-precision column."""

    code: int
    radius_km: float | None  # None: the dataset gives no position
    meaning: str


#: Where each table's meanings come from. The GTD and UCDP codebooks are PDFs; their
#: wording was read as quoted in public code that uses the data (named beside them).
CODEBOOKS: dict[str, str] = {
    "acled": "ACLED Codebook, 'Spatial precision codes' (geo_precision): "
             "https://acleddata.com/knowledge-base/codebook/#spatial-precision-codes",
    "gtd": "GTD Codebook (START, University of Maryland), 'specificity': "
           "https://www.start.umd.edu/gtd/downloads/Codebook.pdf "
           "(wording as quoted in public analyses of GTD data)",
    "ucdp": "UCDP GED Codebook, 'where_prec': https://ucdp.uu.se/downloads/ged/ged251.pdf "
            "(wording as quoted in mapme.biodiversity, "
            "https://github.com/mapme-initiative/mapme.biodiversity/blob/main/R/calc_fatalities_ucdp.R)",
}


def _table(*codes: PrecisionCode) -> dict[int, PrecisionCode]:
    return {code.code: code for code in codes}


ACLED = _table(
    PrecisionCode(1, TOWN_KM, "a particular town, with coordinates for that town"),
    PrecisionCode(2, NEAR_TOWN_KM, "near a town, or a small part of a region: a town stands for the area"),
    PrecisionCode(3, 150.0, "a larger region: the closest natural location, or a provincial capital, stands for it"),
)
GTD = _table(
    PrecisionCode(1, TOWN_KM, "in a city, village or town, with coordinates for that place"),
    PrecisionCode(2, DISTRICT_KM, "in a city, village or town without coordinates: the centroid of the smallest "
                                  "administrative region identified"),
    PrecisionCode(3, DISTRICT_KM, "not in a city, village or town: the centroid of the smallest administrative "
                                  "region identified"),
    PrecisionCode(4, PROVINCE_KM, "no second-order or smaller region identified: the centre of the first-order "
                                  "region (province)"),
    PrecisionCode(5, None, "no first-order region identified: latitude and longitude are unknown"),
)
UCDP = _table(
    PrecisionCode(1, TOWN_KM, "the exact location"),
    PrecisionCode(2, NEAR_TOWN_KM, "a limited area around a specified location"),
    PrecisionCode(3, DISTRICT_KM, "a second-order administrative division (district): its centroid"),
    PrecisionCode(4, PROVINCE_KM, "a first-order administrative division (province): its centroid"),
    PrecisionCode(5, LARGER_THAN_PROVINCE_KM, "a part of the country larger than a province, a point between two "
                                              "places, or a place given only in relation to another"),
    PrecisionCode(6, COUNTRY_KM, "the whole country: its centroid"),
    PrecisionCode(7, LARGER_THAN_PROVINCE_KM, "over water or in international airspace: the centroid of the water "
                                              "area, or an estimate"),
)
