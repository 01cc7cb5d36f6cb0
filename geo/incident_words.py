"""Words every reader of "the incident" shares: months, the nouns that name an attack,
and the cues that a text recalls an earlier incident.

The readers are geo.case_inference (date and kind), geo.event_site (the site) and the
claims modules (which incident a figure is of). No pattern here nests an unbounded
repeat in another, so each stays linear on any text.
"""
from __future__ import annotations

import re

MONTHS = {name: number for number, name in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
# "May" has no shorter form; September has two.
MONTH_ABBREVIATIONS = {**{name[:3]: number for name, number in MONTHS.items() if name != "may"}, "sept": 9}
MONTH_WORDS = MONTHS | MONTH_ABBREVIATIONS


def _alternation(words: dict[str, int]) -> str:
    # Longest first, so "September" is tried before "Sept" and "Sep".
    return "(?:" + "|".join(w.capitalize() for w in sorted(words, key=len, reverse=True)) + ")"


# Capitalised as in text; patterns compiled without re.I take only a capitalised month.
FULL_MONTH = _alternation(MONTHS)
MONTH = _alternation(MONTH_WORDS)
# A word opening like a month, in full or cut short: "Mar", "March", "Sept.".
MONTH_STEM = "(?:" + "|".join(name[:3].capitalize() for name in MONTHS) + r")[a-z]*\.?"

# A noun that names an incident: "a similar attack", "the latest bombing".
ATTACK_NOUN = r"(?:attack|incident|bombing|blast|assault|raid|ambush|strike|hijacking|shooting|explosion|abduction)"
_ATTACKS = ATTACK_NOUN + "s?"
_COUNT = r"(?:a|one|two|three|four|five|six|several|few|\d+)"

# Words that tell each kind of incident (regular expressions, read with re.I); the more
# specific kinds come first, as they win a tie.
KIND_WORDS: dict[str, str] = {
    "hijacking": r"\bhijack\w*",
    "suicide_bombing": r"\bsuicide\b|\bblew (?:him|her)self up\b",
    "bombing": r"\b(?:bomb\w*|blasts?|explosions?|explosives?|ieds?|improvised explosive|detonat\w*)\b",
    "ambush": r"\bambush\w*",
    # An armed assault on a place: "stormed the camp", "attack on a police station".
    "raid": r"\b(?:raid\w*|stormed|storming|siege|besieged|assault on|shooting their way)\b"
            r"|\battack(?:ed)? (?:on|at) (?:an? |the )?(?:[a-z]+ ){0,3}(?:station|headquarters|base|airbase|camp|"
            r"compound|hotel|prison|jail|check ?post|cantonment|garrison|fort|office)s?\b",
    "kidnapping": r"\b(?:kidnap\w*|abduct\w*)",
    "rocket_attack": r"\b(?:rockets?|mortars?|missiles?)\b",
    "airstrike": r"\b(?:air ?strikes?|drone strikes?|air raids?)\b",
    "shooting": r"\b(?:gunmen|gunman|opened fire|under fire|fired (?:on|at)|shot dead|shooting|firing|gunfire|shot)\b",
    "attack": r"\battack\w*",
}

# Cues that put what is near them on an earlier incident, each named for how far back it
# points, for readers that date the earlier incident (geo.claims_incident): "before" and
# "combined" bound nothing; "after" counts only for what follows it; "link" is a line
# pointing to another story. Order matters: the first alternative that fits wins.
RECALL_CUES = re.compile(
    r"\b(?P<last_week>(?:last|previous) week|earlier this week)\b"
    r"|\b(?P<last_month>(?:last|previous) month)\b"
    r"|\b(?P<this_month>earlier this month)\b"
    r"|\b(?P<last_year>(?:last|previous) year)\b"
    rf"|\b(?P<this_year>(?:earlier|so far) this year|(?:in|on) {MONTH}(?: \d{{1,2}})? this year)\b"
    r"|\b(?P<before>(?:\w+ )?(?:days?|weeks?|months?|years?) ago"
    rf"|(?:a|an|the) (?:similar|previous|earlier|last) (?:\w+ )?{_ATTACKS}|similar (?:\w+ )?{_ATTACKS}"
    r"|(?:has|have|had) previously"
    rf"|(?:second|third|fourth) (?:\w+ ){{0,3}}?{_ATTACKS} (?:\w+ ){{0,4}}?(?:within|in) "
    r"(?:a|the past|the last|less than a) (?:week|fortnight|month))\b"
    rf"|\b(?P<combined>(?:(?:two|three|four|five|several|multiple|\d+) )?separate (?:\w+ )?{_ATTACKS})\b"
    rf"|\b(?P<after>(?:came|comes|come) (?:just |only )?(?:{_COUNT} )?"
    rf"(?:hours?|days?|weeks?|months?) after|{_ATTACKS} (?:came|comes|come) (?:just |only |barely )?after)\b"
    r"|^\W*(?P<link>also read|read more|related|see also)\b", re.IGNORECASE)

# Whether a text recalls an earlier incident at all, for readers that only need to set it
# aside (geo.case_inference, geo.event_site). Besides RECALL_CUES it takes cues that say
# when only by a year or a month ("in 2023", "in March"), which geo.claims_incident reads
# as dates of their own, and cues that say no when ("previously", "in the past").
RECALL = re.compile(
    RECALL_CUES.pattern + r"|\b(?:"
    r"(?:last|previous|earlier|past)\s+(?:year|month|week|attacks?)\b|"
    r"last\s+(?:year|month|week|summer|winter|spring|autumn|decade)|"
    r"earlier\s+this\s+(?:year|month|week)|"
    + _COUNT + r"\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|before|after|since)|ago\b|"
    r"(?:in|since)\s+(?:19|20)\d\d|(?:19|20)\d\d\s+attack|previous(?:ly)?|"
    r"similar\s+" + _ATTACKS + r"|past\s+(?:attacks?|incidents?|years?)|"
    r"in\s+the\s+past|history\s+of|(?:an|the)\s+earlier\s+" + _ATTACKS + r"|"
    r"in\s+" + FULL_MONTH + r"(?:\s+(?:19|20)\d\d|,|\s+(?!\d))|"
    r"in\s+a\s+separate|separately|came\s+(?:after|(?:a|two|three|days?|weeks?)\b)|"
    r"months?\s+after|weeks?\s+after|anniversary|recalled|remember(?:ed)?|was\s+the\s+(?:worst|deadliest)\s+since|"
    # "… the hallmarks of the group, which recently attacked a mosque in the capital"
    r"recently\s+(?:attacked|struck|targeted|bombed|hit|killed|carried\s+out|claimed))",
    re.IGNORECASE)
