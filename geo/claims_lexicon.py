"""The words figures are read from: the nouns a number counts, the event words around
it, and the figure each pairing gives ("rescued 40 passengers" → ``rescued``)."""
from __future__ import annotations

import re

#: Figure ids and what each counts.
FIGURES: dict[str, str] = {
    "aboard": "people on board the train, bus or plane attacked",
    "hostages_held": "people held hostage, abducted or kidnapped",
    "security_personnel_held": "security personnel held hostage or abducted",
    "hostages_remaining": "hostages still held at the time of writing",
    "rescued": "people rescued or freed by security forces",
    "released_by_attackers": "people the attackers let go",
    "killed_total": "people killed in all, or killed with no category given",
    "security_personnel_killed": "soldiers, police, guards and other security personnel killed",
    "civilians_killed": "passengers, hostages, workers or other civilians killed",
    "militants_killed": "attackers or militants killed",
    "injured": "people injured in all, or injured with no category given",
    "security_personnel_injured": "soldiers, police, guards and other security personnel injured",
    "civilians_injured": "passengers, hostages, workers or other civilians injured",
    "militants_injured": "attackers or militants injured",
    "arrested": "people arrested, detained or captured (suspects, attackers)",
    "attackers": "how many carried out the attack (gunmen, suicide bombers …)",
    "group_strength": "fighters a group is said to have overall, not in one attack",
}

# The noun a number counts, by group.
NOUNS: dict[str, str] = {}
for _group, _words in {
    "people": "people persons person individuals lives bodies corpses fatalities victims officials",
    "civilians": "civilians civilian miners labourers laborers workers pilgrims citizens nationals "
                 "residents worshippers worshipers students villagers bystanders shoppers devotees "
                 "tourists engineers teachers employees traders guests visitors spectators participants "
                 "mourners customers miner labourer worker pilgrim bystander "
                 "student engineer",
    "passengers": "passengers passenger travellers travelers commuters",
    "hostages": "hostages hostage captives abductees",
    "militants": "militants militant insurgents insurgent terrorists terrorist attackers "
                 "rebels gunmen assailants separatists bombers hijackers khwarij khawarij suspects attacker "
                 "gunman assailant bomber suspect",
    "fighters": "fighters",
    "security": "soldiers soldier troops troopers personnel policemen policeman officers "
                "guards servicemen sepoys constables constable cops jawans commandos paramilitaries officer "
                "guard trooper serviceman sepoy cop jawan commando enforcers",
    "subgroup": "men women children boys girls man woman child boy girl",
}.items():
    for _word in _words.split():
        NOUNS[_word] = _group
# A count of these is a count of the dead, whatever the verb ("recovered 9 bodies").
DEATH_NOUNS = frozenset({"bodies", "lives", "corpses", "fatalities"})
# "23 security officials", "two security forces personnel", "security men".
SECURITY_MODIFIERS = frozenset({"security", "enforcement", "police", "army", "military", "paramilitary"})
SECURITY_HEADS = frozenset({"officials", "official", "forces", "men", "personnel"})
SUBSET_WORDS = frozenset({"including", "mostly", "mainly", "among", "incl"})
CLAUSE_WORDS = frozenset({"when", "where", "after", "before", "while", "since", "because", "which", "who",
                          "that", "as", "if"})
# "40 armed men" are attackers, not a breakdown of victims.
ARMED = frozenset({"armed", "masked", "gun"})

# Event words and what they say befell the people a number counts; multi-word cues are
# matched on the text. Not geo.incident_words.KIND_WORDS: a kind says how the incident was
# done, these which figure a count is.
EVENT_WORDS: dict[str, str] = {}
for _event, _words in {
    "killed": "killed kill killing kills dead died dies death deaths executed martyred martyring "
              "slain massacred lives eliminated eliminating neutralised neutralized perished fatalities "
              "succumbed",
    "rescued": "rescued rescue rescuing freed recovered evacuated saved",
    "injured": "injured injuring injuries wounded wounding hurt",
    "held": "hostage hostages held holding captive captured seized abducted kidnapped abducting "
            "kidnapping",
    "arrested": "arrested arresting arrest arrests detained detaining apprehended apprehending nabbed",
    "attacked": "attacked attacking stormed storming raided raiding ambushed assaulted rammed involved",
    "aboard": "carrying aboard onboard travelling traveling",
    "remaining": "remain remaining remained",
}.items():
    for _word in _words.split():
        EVENT_WORDS[_word] = _event
EVENT_PHRASES = [(re.compile(p, re.I), e) for p, e in (
    # "sent to hell": the military's press releases on militants it killed.
    (r"\bshot dead\b|\bfatally shot\b|\bgunned down\b|\blost their lives\b|\bembraced martyrdom\b"
     r"|(?<!will be )(?<!would be )(?<!to be )(?<!shall be )\bsent to hell\b", "killed"),
    (r"\b(?:undergoing|receiving|under) (?:medical )?treatment\b|\bbeing treated\b", "injured"),
    (r"\btaken into custody\b", "arrested"),
    (r"\battack(?:ed)? by\b|\ba group of\b|\bopened fire\b|\btook part\b", "attacked"),
    (r"\bon board\b|\bon the train\b|\bon the spot\b", "aboard"),
    (r"\blet (?:\w+ )?go\b|\breleased\b", "released"),
    (r"\bto free\b", "remaining"),  # "operations to free hundreds more": still held
)]
ATTACKER_GROUPS = frozenset({"militants", "fighters"})

FIGURE_BY = {
    ("militants", "killed"): "militants_killed",
    ("fighters", "killed"): "militants_killed",
    ("security", "killed"): "security_personnel_killed",
    ("security", "held"): "security_personnel_held",
    ("passengers", "killed"): "civilians_killed",
    ("hostages", "killed"): "civilians_killed",
    ("civilians", "killed"): "civilians_killed",
    ("people", "killed"): "killed_total",
    ("passengers", "held"): "hostages_held",
    ("hostages", "held"): "hostages_held",
    ("people", "held"): "hostages_held",
    ("civilians", "held"): "hostages_held",
    ("militants", "held"): "arrested",      # "captured 3 militants"
    ("passengers", "aboard"): "aboard",
    ("people", "aboard"): "aboard",
    ("hostages", "aboard"): "hostages_remaining",   # "60 more [hostages] are still on board"
    ("hostages", "remaining"): "hostages_remaining",
    ("passengers", "remaining"): "hostages_remaining",
    ("passengers", "released"): "released_by_attackers",
    ("hostages", "released"): "released_by_attackers",
    ("civilians", "released"): "released_by_attackers",
    ("militants", "attacked"): "attackers",
    ("fighters", "attacked"): "attackers",
}
for _group in ("passengers", "hostages", "people", "civilians"):
    FIGURE_BY[(_group, "rescued")] = "rescued"
for _group in ("people", "civilians", "militants", "fighters", "security", "passengers"):
    FIGURE_BY[(_group, "arrested")] = "arrested"
for _group, _figure_id in (("security", "security_personnel_injured"), ("militants", "militants_injured"),
                           ("fighters", "militants_injured"), ("civilians", "civilians_injured"),
                           ("passengers", "civilians_injured"), ("hostages", "civilians_injured"),
                           ("people", "injured")):
    FIGURE_BY[(_group, "injured")] = _figure_id
SUBGROUP_FIGURE = {"rescued": "rescued", "killed": "civilians_killed", "held": "hostages_held",
                   "released": "released_by_attackers", "injured": "civilians_injured",
                   "arrested": "arrested"}

# A count with no noun of its own, read from the event word right beside it:
# "killing two and wounding 30 others", "death toll rose to 12", "two killed", "7 dead".
BARE_EVENT = {
    "killed": "killed_total", "killing": "killed_total", "kills": "killed_total", "kill": "killed_total",
    "martyred": "killed_total", "martyring": "killed_total", "dead": "killed_total", "died": "killed_total",
    "succumbed": "killed_total",
    "toll": "killed_total", "lives": "killed_total",
    "wounded": "injured", "wounding": "injured", "injured": "injured", "injuring": "injured", "hurt": "injured",
    "rescued": "rescued", "rescuing": "rescued", "freed": "rescued",
    "abducted": "hostages_held", "abducting": "hostages_held", "kidnapped": "hostages_held",
    "kidnapping": "hostages_held",
    "arrested": "arrested", "arresting": "arrested", "detained": "arrested", "detaining": "arrested",
    "apprehended": "arrested", "apprehending": "arrested",
}
