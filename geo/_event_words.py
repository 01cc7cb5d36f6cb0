"""Word patterns that tell where an incident happened from the other places a report names.

Every pattern is applied to a short window of text around one place mention (see
geo.event_site), never to a whole sentence: patterns anchored at a window's end with
``$`` are tried from each start in the window, so the window's bound keeps them linear.
"""
from __future__ import annotations

import re

from .incident_words import KIND_WORDS, MONTH_STEM

_I = re.IGNORECASE

# Words of the incident itself: the act, its weapons, its victims and its scene, and
# every word that tells its kind.
EVENT = re.compile("|".join(KIND_WORDS.values()) + r"|\b(?:"
    r"assault(?:s|ed)?|explo(?:ded|des)|shoot(?:ings|out)?|gun(?:fight|battle)|"
    r"kill(?:ed|ing|ings)?|martyr(?:ed|s)?|dead|wounded|injur(?:ed|ing|ies)|hostages?|strikes?|struck|drone|"
    r"grenades?|clash(?:es|ed)?|encounter|target(?:ed|ing)|massacre\w*|offloaded|torched|set (?:on )?fire|"
    r"stabb(?:ed|ing)|lynch\w*|incident|militants?|terrorists?|insurgents?|assailants?|armed\s+men|"
    r"intercept(?:ed|ing)?|blew\s+up|blown\s+up|waylaid|seized|captured|gunpoint|stopped|"
    r"operations?|engage(?:d|ment)|exchange\s+of\s+fire|camp|checkpost|check post)\b", _I)

# Lines that point at other stories ("Also Read | …", "Related: …"): no part of this report.
OTHER_STORY_LINE = re.compile(r"[ \t]*(?:also\s+read|read\s+(?:more|also)|related(?:\s+(?:stories|news))?|"
                              r"see\s+also|more\s+(?:news|stories)|recommended|watch)\b", _I)

# "in", "at", "near" … just before the name: the text places something there.
LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|outside|inside|on|off|along|across|around|within|close to|next to|"
    r"outskirts of|vicinity of|(?:area|terrain|mountains|hills|region|valley) of|between|beyond|past)\s+(?:the\s+|a\s+)?"
    r"(?:(?:remote|restive|mountainous|busy|crowded|main|old|city|district|town|village)\s+)?$", _I)

# A dateline: "QUETTA:", "TURBAT, Pakistan (AP) —". Read right after a name that starts a line.
DATELINE_AFTER = re.compile(r"\s*(?::|,|\(|—|–|--)")
# Written in ordinary case, a dateline needs more: "Karachi, Mar 16 (PTI)", "Kabul (AFP) -".
DATELINE_AFTER_MIXED = re.compile(
    r"\s*(?::|,\s*" + MONTH_STEM + r"\s+\d{1,2}\b|(?:,\s*[A-Z][\w ]{1,30})?\s*\([A-Z][A-Za-z]{1,10}\)\s*[-—–:])")

# What may stand between a cue and the name: "to the northern city of Peshawar".
_TAIL = (r"(?:the\s+|a\s+)?(?:(?:provincial|federal|northern|southern|eastern|western|central|port|border|"
         r"garrison|capital|nearby|neighbouring|neighboring|city|town|district|village|hometown)\s+){0,3}(?:of\s+)?")

# Who the victims were, not where it happened: "hailed from Zhob", "residents of Pishin",
# "Ghulam Abbas, 27, of Bahawalpur", "labourers from Multan".
HOME_BEFORE = re.compile(
    r"(?:\b(?:hail(?:ed|s|ing)?\s+from|belong(?:ed|s|ing)?\s+to|residents?\s+of|natives?\s+of|"
    r"hometowns?|native\s+(?:town|village|area)s?|home\s+(?:towns?|villages?|districts?)|"
    r"(?:was|were|are|is)\s+from|came\s+from|originally\s+from|domiciled\s+in|"
    r"funeral\s+prayers?|laid\s+to\s+rest|buried|flown\s+home|sent\s+home|"
    r"natives?|residents?)\s+(?:[\w,]+\s+){0,4}|"
    r",\s*(?:aged\s+)?\d{1,3},?\s+(?:of|from)\s+(?:the\s+)?)$", _I)
HOME_AFTER = re.compile(r"\s*(?:-|\s)?(?:natives?|residents?|born|domiciled)\b", _I)

# Where travellers were heading: "heading to Quetta", "bound for Lahore", "from X to Y".
DESTINATION_BEFORE = re.compile(
    r"(?:\b(?:head(?:ing|ed)|going|travel(?:l)?(?:ing|ed)|bound|en\s+route|on\s+(?:its|their|the|his|her)\s+way|"
    r"way|destined|proceeding|leaving|left|running|plying|moving|driving|returning|departing|depart|"
    r"scheduled)\s+(?:\w+\s+){0,3}(?:to|for|towards)|"
    r"\bfrom\s+\S+(?:\s+\S+){0,3}\s+to|\bto\s+and\s+from)\s+" + _TAIL + "$", _I)
DESTINATION_AFTER = re.compile(r"\s*-?\s*bound\b", _I)

# Where the wounded and dead were taken, and the hospital: "shifted to Quetta",
# "hospitals in the Mach district", "Loralai Tehsil Headquarters".
HOSPITAL_BEFORE = re.compile(
    r"(?:\b(?:shift(?:ed)?|tak(?:en|e)|mov(?:ed|e)|transferr?(?:ed)?|rush(?:ed)?|brought|airlift(?:ed)?|"
    r"evacuat(?:ed|e)|flown|sent|referr?(?:ed)?|admitted|treated|dispatched|handed\s+over)\s+"
    r"(?:\w+\s+){0,4}(?:to|in|at)|"
    r"\b(?:hospitals?|medical\s+(?:complex|centre|center|facility)|trauma\s+cent(?:re|er)|CMH|"
    r"morgue|mortuary|health\s+facility|dispensary)\s+(?:\w+\s+){0,2}(?:in|at|of))\s+" + _TAIL + "$", _I)
HOSPITAL_AFTER = re.compile(
    r"(?:'s|’s)?\s+(?:\w+\s+){0,3}(?:hospital|teaching|medical|trauma|headquarters\s+hospital|CMH|morgue)\b", _I)

# Where a statement came from: "said in Islamabad", "a statement issued from Quetta".
STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told|statement|press\s+release|press\s+conference|presser|spoke|speaking|"
    r"issued|addressing|briefing|briefed|claimed|announced|condemned|tweeted|"
    r"government|authorities|administration|ministry|headquarters|leadership|rulers|officials|"
    r"met|meet|meeting|talks|summit|conference|visited|visiting|hearing|court|rally|protest(?:ed|s)?)\s+"
    r"(?:\w+\s+){0,4}(?:in|from|at)\s+" + _TAIL + "$", _I)

# An institution's building as the target, not as where it spoke from: "a suicide bomber
# targeted the main gate of the Frontier Corps headquarters in Nokkundi"; within one
# clause ("hit a convoy in Turbat and the headquarters in Rawalpindi said" is two).
TARGETED_BEFORE = re.compile(
    r"\b(?:attack(?:ed|ing|s)?|target(?:ed|ing)|storm(?:ed|ing)|struck|hit|raid(?:ed|ing)?|bomb(?:ed|ing)|"
    r"assault(?:ed|ing)?|ambush(?:ed)?|besieg(?:ed|ing)|overr?an|blew\s+up|rammed|set\s+(?:on\s+)?fire)\b"
    r"(?:(?!\b(?:and|while|but|as|after|when|where|said)\b)[^.,;:!?]){0,80}?"
    r"\b(?:headquarters|court|ministry|administration|compound|complex|offices?)\s+"
    r"(?:\w+\s+){0,2}(?:in|at)\s+" + _TAIL + "$", _I)

# Who wrote the report, and from where: "Rasool Dawar in Peshawar contributed to this report".
BYLINE = re.compile(r"\b(?:contributed\s+to\s+(?:this|the)\s+report|reported\s+from|reporting\s+by|"
                    r"writing\s+by|editing\s+by|additional\s+reporting|(?:press|news)\s+writers?|"
                    r"correspondents?\s+in)\b", _I)
STATEMENT_AFTER = re.compile(r"\s*[-–]\s*based\b", _I)  # "Quetta-based analysts"

# Weaker: "from X" is where someone or something came from; "to X" where it went.
FROM_BEFORE = re.compile(r"\bfrom\s+" + _TAIL + "$", _I)
TO_BEFORE = re.compile(r"(?<!close )(?<!next )\bto\s+" + _TAIL + "$", _I)

# Mentions joined like this share their role: "hailed from Zhob, Pishin and Quetta".
LIST_GAP = re.compile(r"\s*(?:,|\band\b|\bor\b|&|,\s*and\b|,\s*or\b)\s*(?:the\s+)?")

# "8 to 10 km from", "some 40 kilometres north of": said right before a name.
DISTANCE_BEFORE = re.compile(
    r"(?P<low>\d{1,4}(?:\.\d+)?)(?:\s*(?:to|-|–|or)\s*(?P<high>\d{1,4}(?:\.\d+)?))?\s*-?\s*"
    r"(?P<unit>km|kms|kilomet(?:er|re)s?|miles?)\b\s*(?:away\s+)?"
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+)?"
    r"(?:from|of|short\s+of|away\s+from|outside)\s+(?:the\s+)?$", _I)

# Words naming a part of a place: "the Bagan area of Kurram", "Kili Mengal village in Pishin".
AREA_WORDS = (r"area|areas|village|town|locality|neighbourhood|neighborhood|mohalla|colony|tehsil|"
              r"sub-?division|valley|mountains|hills|bazaar|region|suburbs?|outskirts|union\s+council|"
              r"sector|town\s+ship|township|goth|killi|kili|pass")
# "<Name> area of <the container>", "<Name> village in", "<Name> area, <container>".
CONTAINED_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,3})\s+(?P<area>" + AREA_WORDS + r")"
    r"(?:\s+(?:of|in)\s+|\s*,\s*)(?:the\s+)?(?:(?:district|tehsil|division|city|province)\s+)?$")
# "<Known place> in <container>", "<Known place>, <container district>": the gap between two names.
LIES_IN_GAP = re.compile(
    r"\s*(?:(?:" + AREA_WORDS + r")\s*|(?!and\b|or\b)[a-z]+\s)?(?:,\s*|\s?(?:of|in)\s+)(?:the\s+)?"
    r"(?:(?:district|tehsil|division|city|province)\s+)?", _I)

# Capitalised words that are no place name of their own, though they may head "X area".
NOT_NAMES = frozenset("""
the a an this that these those its their his her our residential tribal border remote
mountainous nearby adjacent same entire whole industrial commercial rural urban
police army security officials official militants terrorists gunmen government
""".split())
