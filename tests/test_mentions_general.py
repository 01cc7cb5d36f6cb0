"""Does the place-name extractor generalise beyond the five seed reports?

Short reports, written for this test in the style of Pakistani dailies and wire
services (seventeen here, twelve more as files in ``gold/general_reports``), cover
districts across Balochistan, Khyber Pakhtunkhwa, Sindh and Punjab plus the Afghan and
Iranian borderlands. They are invented (the officials' names included) and copy no real
article; the later ones reproduce, in new words, what went wrong on real reports read
during development. Each case lists:

* ``gold`` — every real place the text names: canonical name -> (lat, lon, tolerance
  in km, kind). Spelling variants of one place are one gold place.
* ``optional`` — borderline mentions (a capital standing for its government, a road
  or a village too small to place with confidence): predicting them is no error,
  missing them is no miss.
* ``traps`` — capitalised phrases that are not places (people, tribes, organisations,
  trains, demonyms, days, titles). No place mention may overlap any of them.

Gold places are matched one-to-one to predictions within tolerance and of a
compatible kind (see ``ACCEPTS``): a province prediction cannot stand in for a town
that happens to lie near the province's centroid, nor a town for a province.

Nothing here is xfail: a failing case documents a general weakness to fix.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from geo.disambiguate import haversine_km
from geo.gazetteer import default_gazetteer
from geo.places import places_in_text

from .gold_scoring import match_one_to_one

Spec = tuple[float, float, float, str]          # lat, lon, tolerance_km, kind
Prediction = tuple[str, str, float, float]      # name, kind, lat, lon

_POINTS = {"district", "region", "city", "town", "village", "landmark", "station"}
#: Which predicted kinds may match a gold place of each kind (default: _POINTS).
ACCEPTS = {
    "country": {"country"},
    "province": {"province", "region"},
    "region": _POINTS,
    "water": {"water"},
}

# Places that recur across cases, so every case uses the same coordinates.
PAKISTAN = (30.0, 70.0, 1000, "country")
AFGHANISTAN = (33.0, 65.0, 800, "country")
IRAN = (32.0, 53.0, 1000, "country")
BALOCHISTAN = (28.49, 65.1, 400, "province")
PUNJAB = (31.0, 72.7, 350, "province")
SINDH = (26.0, 68.5, 350, "province")
KHYBER_PAKHTUNKHWA = (34.5, 72.0, 350, "province")
QUETTA = (30.184, 67.001, 20, "city")
KARACHI = (24.861, 67.01, 30, "city")
PESHAWAR = (34.008, 71.578, 20, "city")
ISLAMABAD = (33.721, 73.043, 25, "city")
GWADAR = (25.12, 62.32, 20, "town")


@dataclass
class Case:
    id: str
    text: str
    gold: dict[str, Spec]
    traps: list[str]
    optional: dict[str, Spec] = field(default_factory=dict)


CASES = [
    Case(
        id="turbat_ap_dateline",
        text=(
            "TURBAT, Pakistan (AP) — Gunmen on motorcycles opened fire on a van carrying labourers "
            "on the outskirts of Turbat on Thursday, killing six men who had come from southern "
            "Punjab to work on a construction site, police said. Turbat is the main town of Kech "
            "district in Pakistan's restive Balochistan province, about 150 kilometers (90 miles) "
            "from the Iranian border. No group immediately claimed responsibility, but suspicion "
            "fell on the outlawed Balochistan Liberation Front, which has targeted workers from "
            "other provinces in the past. District police chief Zohaib Mohsin said the bodies were "
            "being sent by road to Multan, where the Gilani family, prominent in local politics, "
            "has promised compensation.\n\n"
            "Associated Press writer Abdul Sattar in Quetta contributed to this report."
        ),
        gold={
            "Turbat": (26.00, 63.05, 20, "town"),
            "Kech district": (26.2, 62.9, 80, "district"),
            "Pakistan": PAKISTAN,
            "Balochistan": BALOCHISTAN,
            "Punjab": PUNJAB,
            "Multan": (30.197, 71.478, 20, "city"),
            "Quetta": QUETTA,
        },
        traps=["Thursday", "Iranian", "Balochistan Liberation Front", "Zohaib Mohsin", "Gilani",
               "Associated Press", "Abdul Sattar", "AP"],
    ),
    Case(
        id="khyber_torkham_ispr",
        text=(
            "PESHAWAR: The Inter-Services Public Relations said two Frontier Corps soldiers were "
            "martyred and three others injured when militants attacked a check post near Landi "
            "Kotal in Khyber district late on Monday night. According to the ISPR, the attackers "
            "fled towards the Tirah valley after an exchange of fire. Traffic at the Torkham border "
            "crossing with Afghanistan remained suspended for several hours as a precaution. "
            "Separately, police in Bara tehsil recovered the bullet-riddled body of a tribal elder, "
            "Malik Gul Wazir, from a stream. The banned Tehreek-e-Taliban Pakistan denied any role "
            "in either incident. Khyber Pakhtunkhwa Chief Minister Ali Amin Gandapur ordered an inquiry."
        ),
        gold={
            "Peshawar": PESHAWAR,
            "Landi Kotal": (34.10, 71.14, 15, "town"),
            "Khyber district": (33.95, 71.05, 60, "district"),
            "Tirah": (33.75, 70.95, 40, "region"),
            "Torkham": (34.13, 71.09, 15, "town"),
            "Afghanistan": AFGHANISTAN,
            "Bara": (33.91, 71.46, 20, "district"),
            "Khyber Pakhtunkhwa": KHYBER_PAKHTUNKHWA,
        },
        traps=["Inter-Services Public Relations", "Frontier Corps", "Monday", "ISPR",
               "Malik Gul Wazir", "Tehreek-e-Taliban Pakistan", "Ali Amin Gandapur"],
    ),
    Case(
        id="lakki_marwat_di_khan_abbreviation",
        text=(
            "LAKKI MARWAT: Militants armed with heavy weapons stormed a police station in the "
            "Kulachi area of D.I. Khan in the early hours of Saturday, killing four policemen, "
            "officials said. Regional Police Officer Nasir Mehmood Satti told reporters the "
            "assailants had come from the direction of Tank, the neighbouring district to the "
            "north-west, and fired a rocket at the water tank of the station before escaping in "
            "the dark. A similar raid on a checkpoint in Lakki Marwat was repulsed a day earlier. "
            "Elders of the Mehsud tribe condemned the attacks, and police in D.I. Khan have asked "
            "for armoured vehicles, saying the attackers used night-vision goggles."
        ),
        gold={
            "Lakki Marwat": (32.61, 70.91, 20, "town"),
            "Kulachi": (31.93, 70.46, 15, "town"),
            "Dera Ismail Khan": (31.83, 70.90, 20, "city"),
            "Tank": (32.22, 70.38, 20, "town"),
        },
        traps=["Saturday", "Regional Police Officer", "Nasir Mehmood Satti", "Mehsud"],
    ),
    Case(
        id="noshki_qalat_khozdar_highways",
        text=(
            "NOSHKI: Militants ambushed two buses carrying passengers from Quetta to Taftan on the "
            "N-40 highway near Naushki on Sunday evening, killing five passengers, Balochistan "
            "government spokesman Shahid Rind said. The Baloch Liberation Army claimed the attack. "
            "Hours later, gunmen torched three trucks near Qalat and blocked the N-25 at Surab, "
            "while a bomb went off near a Levies post in Mastung. Chief Minister Mir Sarfraz Bugti "
            "directed the Counter Terrorism Department to trace the network. Balochistan National "
            "Party chief Sardar Akhtar Mengal, speaking in Khozdar, said the government had failed "
            "travellers, and former chief minister Nawab Sanaullah Zehri blamed \"foreign hands\". "
            "Relatives staged a sit-in outside the Noshki Civil Hospital, demanding that the bodies "
            "be sent home to Mandi Bahauddin and Gujrat."
        ),
        gold={
            "Noshki": (29.55, 65.97, 15, "town"),
            "Quetta": QUETTA,
            "Taftan": (28.96, 61.59, 15, "town"),
            "Balochistan": BALOCHISTAN,
            "Kalat": (29.03, 66.59, 20, "town"),
            "Surab": (28.49, 66.26, 15, "town"),
            "Mastung": (29.80, 66.85, 15, "town"),
            "Khuzdar": (27.80, 66.61, 20, "city"),
            "Mandi Bahauddin": (32.58, 73.49, 15, "city"),
            "Gujrat": (32.57, 74.08, 15, "city"),
        },
        traps=["Sunday", "Shahid Rind", "Baloch Liberation Army", "Levies", "Chief Minister",
               "Mir Sarfraz Bugti", "Counter Terrorism Department", "Balochistan National Party",
               "Sardar Akhtar Mengal", "Nawab Sanaullah Zehri", "Civil Hospital"],
    ),
    Case(
        id="dera_bugti_sui_kohlu",
        text=(
            "DERA BUGTI: Unidentified men blew up a gas pipeline near Sui early on Tuesday, cutting "
            "supply to parts of Punjab and Sindh, officials of Sui Southern Gas Company said. The "
            "pipeline, which carries gas from the Sui field to the power plant at Uch near Dera "
            "Murad Jamali, was damaged in the Pir Koh area of Dera Bugti district. In a separate "
            "incident, a Frontier Corps Balochistan vehicle struck a landmine in Kohlu, wounding "
            "three personnel. Mir Changez Marri, a member of the provincial assembly, said the "
            "blasts had increased since March and demanded compensation for the families."
        ),
        gold={
            "Dera Bugti": (29.03, 69.16, 40, "district"),
            "Sui": (28.64, 69.18, 15, "town"),
            "Punjab": PUNJAB,
            "Sindh": SINDH,
            "Dera Murad Jamali": (28.55, 68.22, 15, "town"),
            "Kohlu": (29.90, 69.25, 20, "town"),
        },
        optional={"Uch": (28.45, 68.40, 30, "town"), "Pir Koh": (29.0, 69.2, 40, "region")},
        traps=["Tuesday", "Sui Southern Gas Company", "Frontier Corps Balochistan",
               "Mir Changez Marri", "March"],
    ),
    Case(
        id="chaman_spin_boldak_crossing",
        text=(
            "CHAMAN: Pakistani and Afghan border forces exchanged fire at the Friendship Gate on "
            "Sunday after a dispute over fencing, leaving one civilian dead on the Pakistani side, "
            "officials in Killa Abdullah said. Trade and pedestrian movement between Chaman and Spin "
            "Boldak was halted, stranding hundreds of lorries loaded with fruit bound for Kandahar. "
            "Deputy Commissioner Raja Athar Abbas said talks with Taliban officials were under way. "
            "Pashtunkhwa Milli Awami Party chairman Mahmood Khan Achakzai called for calm, and "
            "Senator Abdul Qadir Kakar urged Islamabad to reopen the crossing quickly. Most of the "
            "stranded porters are Pashtun labourers from Qila Abdullah and Pishin."
        ),
        gold={
            "Chaman": (30.92, 66.45, 15, "town"),
            "Qila Abdullah": (30.73, 66.66, 25, "town"),
            "Spin Boldak": (31.00, 66.40, 15, "town"),
            "Kandahar": (31.61, 65.71, 25, "city"),
            "Pishin": (30.58, 67.00, 20, "town"),
        },
        optional={"Friendship Gate": (30.92, 66.45, 10, "landmark"), "Islamabad": ISLAMABAD},
        traps=["Pakistani", "Afghan", "Sunday", "Deputy Commissioner", "Raja Athar Abbas", "Taliban",
               "Pashtunkhwa Milli Awami Party", "Mahmood Khan Achakzai", "Abdul Qadir Kakar", "Pashtun"],
    ),
    Case(
        id="hub_lasbela_coastal_highway",
        text=(
            "HUB: Four members of a family were killed when a passenger coach overturned after being "
            "fired upon near Uthal in Las Bela district on the coastal highway, Levies officials said "
            "on Friday. The coach was travelling from Gwadar to Karachi. The injured were shifted to "
            "a hospital in Hub, the industrial town on the border with Sindh, and later to Karachi's "
            "Civil Hospital. Former chief minister Jam Kamal Khan Aliani, who hails from Lasbela, "
            "visited the wounded. Police said the gunmen escaped towards Bela and suspected a feud "
            "between the Jamot and Mengal tribes. Traders say the town has become a hub for smuggled "
            "Iranian fuel."
        ),
        gold={
            "Hub": (25.06, 66.90, 15, "town"),
            "Uthal": (25.81, 66.62, 15, "town"),
            "Lasbela": (26.0, 66.4, 80, "district"),
            "Gwadar": GWADAR,
            "Karachi": KARACHI,
            "Sindh": SINDH,
            "Bela": (26.23, 66.31, 15, "town"),
        },
        traps=["Levies", "Friday", "Civil Hospital", "Jam Kamal Khan Aliani", "Jamot", "Mengal",
               "Iranian"],
    ),
    Case(
        id="north_waziristan_ap_convoy",
        text=(
            "BANNU, Pakistan (AP) — A suicide bomber rammed an explosives-laden vehicle into a "
            "military convoy in North Waziristan on Tuesday, killing eight soldiers near Mir Ali, "
            "the army said. The convoy was heading from Bannu to Miran Shah, the main town of the "
            "district, which borders Afghanistan's Khost province. A faction of the Pakistani "
            "Taliban loyal to commander Hafiz Gul Bahadur claimed responsibility. Later, troops "
            "sealed the roads around Miranshah and imposed a curfew in Razmak. The attack came days "
            "after the Khushhal Khan Khattak Express was briefly halted at Mianwali over a security "
            "alert."
        ),
        gold={
            "Bannu": (32.99, 70.60, 15, "city"),
            "North Waziristan": (32.95, 70.0, 40, "district"),
            "Mir Ali": (32.98, 70.27, 10, "town"),
            "Miranshah": (33.00, 70.07, 15, "town"),
            "Afghanistan": AFGHANISTAN,
            "Khost province": (33.4, 69.9, 100, "province"),
            "Razmak": (32.69, 69.83, 15, "town"),
            "Mianwali": (32.58, 71.54, 15, "city"),
        },
        traps=["AP", "Tuesday", "Pakistani Taliban", "Hafiz Gul Bahadur",
               "Khushhal Khan Khattak Express"],
    ),
    Case(
        id="kurram_parachinar_convoy",
        text=(
            "PARACHINAR: At least eleven people were killed when gunmen fired on a convoy of "
            "passenger vehicles travelling from Parachinar to Peshawar in Lower Kurram on Thursday, "
            "police said. The convoy, escorted by police, was attacked near Bagan, a village that "
            "has seen repeated sectarian clashes. Kurram Deputy Commissioner Javedullah Mehsud said "
            "the road between Sadda and Alizai had been closed. The wounded were taken to hospitals "
            "in Thall and Hangu. Clashes between Turi and Bangash tribesmen over land have killed "
            "dozens since July. Kurram, a former tribal agency bordering Afghanistan's Paktia and "
            "Nangarhar provinces, has been cut off for weeks, and the provincial government has "
            "begun flying in medicines by helicopter from Kohat."
        ),
        gold={
            "Parachinar": (33.90, 70.10, 15, "town"),
            "Peshawar": PESHAWAR,
            "Kurram": (33.70, 70.25, 60, "district"),
            "Sadda": (33.70, 70.33, 15, "town"),
            "Thall": (33.37, 70.55, 15, "town"),
            "Hangu": (33.53, 71.06, 15, "town"),
            "Afghanistan": AFGHANISTAN,
            "Paktia": (33.6, 69.4, 120, "province"),
            "Nangarhar": (34.2, 70.5, 120, "province"),
            "Kohat": (33.58, 71.44, 15, "city"),
        },
        optional={"Bagan": (33.65, 70.40, 30, "village"), "Alizai": (33.55, 70.55, 30, "village")},
        traps=["Thursday", "Deputy Commissioner", "Javedullah Mehsud", "Turi", "Bangash", "July"],
    ),
    Case(
        id="bajaur_khar_rally",
        text=(
            "KHAR: A bomb ripped through an election rally of Jamiat Ulema-e-Islam-Fazl in Bajaur "
            "district on Sunday afternoon, killing at least 40 people and wounding more than 150. "
            "The blast took place in a marquee at Shandai Mor, on the outskirts of Khar, the "
            "district headquarters. Police said the bomber was affiliated with the Islamic State "
            "group's Khorasan chapter, which has previously attacked party workers in Mamund "
            "tehsil. Maulana Fazlur Rehman, the party chief, said from Islamabad that the attack was "
            "an attack on democracy. The wounded were airlifted to Peshawar's Lady Reading Hospital "
            "and to Timergara in Lower Dir."
        ),
        gold={
            "Khar": (34.73, 71.52, 15, "town"),
            "Bajaur district": (34.78, 71.5, 30, "district"),
            "Mamund": (34.80, 71.40, 20, "district"),
            "Islamabad": ISLAMABAD,
            "Peshawar": PESHAWAR,
            "Timergara": (34.83, 71.84, 15, "town"),
            "Lower Dir": (34.85, 71.85, 50, "district"),
        },
        optional={"Shandai Mor": (34.73, 71.52, 10, "village")},
        traps=["Jamiat Ulema-e-Islam-Fazl", "Sunday", "Islamic State", "Khorasan",
               "Maulana Fazlur Rehman", "Lady Reading Hospital"],
    ),
    Case(
        id="sindh_katcha_trains",
        text=(
            "SUKKUR: Dacoits in the riverine area of Kashmore abducted three labourers working on a "
            "road project and demanded ransom, police said on Saturday. Sukkur Range DIG Peer "
            "Muhammad Shah said a joint operation with the Rangers had been launched in the katcha "
            "area along the Indus between Kashmore and Ghotki. Separately, in Jacobabad, a roadside "
            "bomb went off as the Quetta-bound Jaffar Express passed, damaging a bogie but causing no "
            "casualties. Railway officials said the Jaffar Express and the Bolan Mail would stay "
            "suspended until the track to Sibi was inspected. Pakistan Peoples Party lawmaker Mir "
            "Shabbir Bijarani said the gang operated from the forests of Shikarpur and Sindh police "
            "needed better weapons."
        ),
        gold={
            "Sukkur": (27.70, 68.86, 15, "city"),
            "Kashmore": (28.43, 69.58, 15, "town"),
            "Ghotki": (28.00, 69.32, 15, "town"),
            "Jacobabad": (28.28, 68.44, 15, "city"),
            "Quetta": QUETTA,
            "Sibi": (29.54, 67.88, 15, "town"),
            "Shikarpur": (27.96, 68.64, 15, "city"),
            "Sindh": SINDH,
        },
        optional={"Indus": (28.0, 69.0, 800, "water")},
        traps=["Saturday", "DIG", "Peer Muhammad Shah", "Rangers", "Jaffar Express", "Bolan Mail",
               "Pakistan Peoples Party", "Mir Shabbir Bijarani"],
    ),
    Case(
        id="dg_khan_ctd_punjab",
        text=(
            "DERA GHAZI KHAN: The Counter Terrorism Department of Punjab said on Friday it had killed "
            "five suspected militants in an exchange of fire near Fort Munro, a hill station on the "
            "road to Balochistan. A CTD spokesperson said the men had crossed over from Barkhan and "
            "were planning attacks in D.G. Khan and Rajanpur. Weapons and explosives were recovered. "
            "Separately, police in Taunsa arrested a man accused of sheltering the attackers. Punjab "
            "police have set up pickets along the border with Balochistan since a bus on the "
            "Quetta-Lahore route was attacked in Musakhel district in the summer."
        ),
        gold={
            "Dera Ghazi Khan": (30.05, 70.63, 20, "city"),
            "Fort Munro": (29.90, 69.97, 20, "town"),
            "Balochistan": BALOCHISTAN,
            "Barkhan": (29.90, 69.52, 15, "town"),
            "Rajanpur": (29.10, 70.33, 15, "town"),
            "Taunsa": (30.70, 70.65, 15, "town"),
            "Punjab": PUNJAB,
            "Quetta": QUETTA,
            "Lahore": (31.55, 74.34, 25, "city"),
            "Musakhel": (30.86, 69.82, 50, "district"),
        },
        traps=["Counter Terrorism Department", "Friday", "CTD"],
    ),
    Case(
        id="iran_strikes_panjgur_reuters",
        text=(
            "ISLAMABAD (Reuters) - Pakistan summoned Iran's charge d'affaires on Wednesday after "
            "Iranian forces struck what Tehran described as militant hideouts near Panjgur, close to "
            "the border with Iran's Sistan and Baluchestan province. Iranian state media said the "
            "strikes targeted Jaish al-Adl, a Sunni militant group that has attacked Iranian border "
            "guards near Zahedan and in the port city of Chabahar. Pakistan's Foreign Office said two "
            "children were killed in the village of Sabz Koh. Caretaker Prime Minister Anwaar-ul-Haq "
            "Kakar cut short his visit to Davos. The Pakistan-Iran border, which runs for about 900 km "
            "from the Arabian Sea to Afghanistan, is often crossed by smugglers carrying fuel to Mand "
            "and Gwadar."
        ),
        gold={
            "Islamabad": ISLAMABAD,
            "Pakistan": PAKISTAN,
            "Iran": IRAN,
            "Panjgur": (26.97, 64.09, 15, "town"),
            "Sistan and Baluchestan": (27.5, 60.6, 400, "province"),
            "Zahedan": (29.50, 60.86, 15, "city"),
            "Chabahar": (25.29, 60.64, 15, "city"),
            "Davos": (46.80, 9.84, 15, "town"),
            "Arabian Sea": (14.0, 65.0, 1500, "water"),
            "Afghanistan": AFGHANISTAN,
            "Mand": (26.08, 62.02, 20, "town"),
            "Gwadar": GWADAR,
        },
        optional={"Tehran": (35.69, 51.39, 25, "city"),
                  "Iran–Pakistan border": (27.5, 62.5, 250, "region"),
                  "Sabz Koh": (26.9, 64.0, 40, "village")},
        traps=["Reuters", "Wednesday", "Iranian", "Jaish al-Adl", "Sunni", "Foreign Office",
               "Caretaker Prime Minister", "Anwaar-ul-Haq Kakar"],
    ),
    Case(
        id="jaffarabad_polio_team",
        text=(
            "DERA MURAD JAMALI: Two polio workers and a policeman escorting them were shot dead in "
            "Jaffarabad district on Monday, the second such attack in Nasirabad division this month. "
            "The team was going door to door in a village near Dera Allahyar when gunmen opened fire "
            "from a motorcycle. A nephew of former prime minister Mir Zafarullah Khan Jamali led the "
            "funeral prayers in Usta Muhammad. Provincial minister Mir Saleem Khan Domki said "
            "vaccination in Jaffarabad, Sohbatpur and Jhal Magsi had been suspended. Health officials "
            "in Quetta said the campaign would resume after security was reviewed with the Frontier "
            "Corps and the district police."
        ),
        gold={
            "Dera Murad Jamali": (28.55, 68.22, 15, "town"),
            "Jaffarabad": (28.35, 68.25, 50, "district"),
            "Nasirabad": (28.6, 68.1, 120, "district"),
            "Dera Allahyar": (28.37, 68.35, 15, "town"),
            "Usta Muhammad": (28.18, 68.04, 15, "town"),
            "Sohbatpur": (28.52, 68.54, 15, "town"),
            "Jhal Magsi": (28.45, 67.55, 50, "district"),
            "Quetta": QUETTA,
        },
        traps=["Monday", "Mir Zafarullah Khan Jamali", "Mir Saleem Khan Domki", "Frontier Corps"],
    ),
    Case(
        id="besham_kohistan_attock",
        text=(
            "BESHAM: Five Chinese engineers and their Pakistani driver were killed on Tuesday when a "
            "suicide bomber rammed an explosives-laden car into their vehicle on the Karakoram "
            "Highway near Besham in Shangla district, police said. The convoy was heading from "
            "Islamabad to the camp of the Dasu hydropower project in Upper Kohistan. Hazara Division "
            "police chief Mohammad Ali Gandapur said the bomber had entered the area through Swat. "
            "In follow-up raids, the Counter Terrorism Department arrested two suspects near Hasan "
            "Abdal and a third in Taxila, in Attock and Rawalpindi districts respectively. Chinese "
            "ambassador Jiang Zaidong said Beijing expected the perpetrators to be punished."
        ),
        gold={
            "Besham": (34.93, 72.87, 15, "town"),
            "Shangla": (34.85, 72.70, 40, "district"),
            "Islamabad": ISLAMABAD,
            "Dasu": (35.29, 73.29, 15, "town"),
            "Upper Kohistan": (35.30, 73.20, 50, "district"),
            "Hazara Division": (34.40, 73.20, 60, "district"),
            "Swat": (35.00, 72.40, 60, "district"),
            "Hasan Abdal": (33.82, 72.69, 15, "town"),
            "Taxila": (33.75, 72.83, 15, "town"),
            "Attock": (33.60, 72.45, 50, "district"),
            "Rawalpindi": (33.50, 73.20, 50, "district"),
        },
        optional={"Karakoram Highway": (35.0, 73.0, 300, "landmark"),
                  "Beijing": (39.9, 116.4, 25, "city")},
        traps=["Chinese", "Pakistani", "Tuesday", "Mohammad Ali Gandapur",
               "Counter Terrorism Department", "Jiang Zaidong"],
    ),
    # Round 3 (after a read of real reports): far-away countries, a "district" that
    # modifies a facility, an unknown local name that spells like a far-away city, a
    # title inside an official's designation, a river that shares a district's name.
    Case(
        id="gwadar_far_country_district_hospital",
        text=(
            "GWADAR: Gunmen on a motorcycle shot dead three fishermen near the old harbour in "
            "Gwadar on Friday night, police said. The wounded were first taken to the Gwadar "
            "district hospital and later flown to Karachi. A visiting trade delegation from Sri "
            "Lanka, in Gwadar to look at the new port, cut short its stay. Traders in Noshki city "
            "kept their shops shut on Saturday to protest against the killings."
        ),
        gold={
            "Gwadar": GWADAR,
            "Karachi": KARACHI,
            "Sri Lanka": (7.6, 80.7, 300, "country"),
            "Noshki": (29.55, 66.02, 10, "town"),
        },
        traps=["Friday", "Saturday"],
    ),
    Case(
        id="bajaur_unknown_village_title",
        text=(
            "BAJAUR: A roadside bomb struck a police van near Siddiqabad in Khar tehsil of Bajaur "
            "district on Wednesday, killing two constables and wounding five people. The injured "
            "were shifted to the hospital in Khar, and KP Health Adviser Rahim Gul Afridi later "
            "visited them. Police in Peshawar were put on alert after the attack."
        ),
        gold={
            "Khar": (34.73, 71.52, 10, "town"),
            "Bajaur": (34.78, 71.52, 40, "district"),
            "Khyber Pakhtunkhwa": KHYBER_PAKHTUNKHWA,
            "Peshawar": PESHAWAR,
        },
        traps=["Siddiqabad", "Rahim Gul Afridi", "Health Adviser", "Wednesday"],
    ),
    # Session 3: "X city of <province>" names the province X lies in (and so its
    # country), and a doubled letter in a short name ("Sibbi") is still Sibi.
    Case(
        id="tank_city_of_province_doubled_letter",
        text=(
            "TANK: Two policemen escorting a polio team were shot dead in Gomal city of Khyber "
            "Pakhtunkhwa on Tuesday, officials said. The attackers escaped on motorcycles towards "
            "the mountains along the Afghanistan border. In Balochistan, a grenade thrown at a "
            "shop in Sibbi wounded three people, police in Quetta said."
        ),
        gold={
            "Tank": (32.22, 70.38, 15, "town"),
            "Khyber Pakhtunkhwa": KHYBER_PAKHTUNKHWA,
            "Afghanistan": AFGHANISTAN,
            "Balochistan": BALOCHISTAN,
            "Sibi": (29.54, 67.88, 10, "town"),
            "Quetta": QUETTA,
        },
        traps=["Tuesday"],
    ),
    # Session 3, round 9 of real reports: a dateline after the headline, a place
    # glued to the name of a person from there, a given name that spells like a
    # district, a Pashto "lower" before a tehsil, and a neighbour's province and a
    # world region.
    Case(
        id="miranshah_headline_dateline_given_names",
        text=(
            "Soldier martyred in North Waziristan blast\n\n"
            "MIRANSHAH: A soldier was martyred and two were injured when an improvised explosive "
            "device went off near their vehicle on Thursday, the military's media wing said. A "
            "religious scholar from Gupis Mufti Sher Zaman, who was travelling with the convoy, was"
            " also hurt. Constables Saqlain and Khurram, posted in the Wara Mamund tehsil of "
            "Bajaur, were shot dead in a separate attack. Officials said the militants had crossed "
            "over from Nuristan in Afghanistan, and a visiting delegation from the Middle East "
            "condemned the violence."
        ),
        gold={
            "North Waziristan": (32.95, 70.05, 60, "district"),
            "Miran Shah": (33.00, 70.07, 10, "town"),
            "Gupis": (36.23, 73.44, 10, "town"),
            "Mamund": (34.80, 71.40, 30, "district"),
            "Bajaur": (34.78, 71.52, 40, "district"),
            "Nuristan": (35.30, 70.90, 120, "province"),
            "Afghanistan": AFGHANISTAN,
            "Middle East": (29.0, 41.0, 2500, "region"),
        },
        traps=["Mufti Sher Zaman", "Saqlain", "Khurram", "Thursday"],
    ),
]



def _cases_from_files(directory: Path) -> list[Case]:
    """More reports kept as files: ``<id>.txt`` plus one ``gold.json`` for all of them."""
    spec = json.loads((directory / "gold.json").read_text(encoding="utf-8"))["reports"]
    return [Case(id=case_id, text=(directory / f"{case_id}.txt").read_text(encoding="utf-8"),
                 gold={name: tuple(value) for name, value in entry["gold"].items()},
                 optional={name: tuple(value) for name, value in entry.get("optional", {}).items()},
                 traps=entry["traps"])
            for case_id, entry in sorted(spec.items())]


CASES += _cases_from_files(Path(__file__).resolve().parent / "gold" / "general_reports")
IDS = [case.id for case in CASES]

#: Places these reports name that the offline gazetteer cannot place yet: no public
#: coordinate was found for them (and Davos is a foreign town below the world-city
#: cut of the GeoNames subset). They are not required, and a test below fails as soon
#: as one of them becomes findable, so that it is moved back into the gold.
KNOWN_GAPS = {"Hazara Division", "Davos", "G-9", "F-10", "I-8"}
#: Known wrong choices among same-name places, with why. GeoNames gives the small
#: Sahiwal of Sargodha district the population of Sahiwal city, so the two tie and
#: the article's other places pull the choice north. A test below fails once fixed.
KNOWN_MISPLACED = {"Sahiwal": (30.67, 73.10)}


@dataclass
class Score:
    missed: list[str]
    false: list[str]
    predictions: list[Prediction]

    def describe(self) -> str:
        return "; ".join(f"{n} [{k}] {la:.2f},{lo:.2f}" for n, k, la, lo in self.predictions)


def _hits(spec: Spec, prediction: Prediction) -> bool:
    lat, lon, tolerance, kind = spec
    _, predicted_kind, plat, plon = prediction
    return (predicted_kind in ACCEPTS.get(kind, _POINTS)
            and haversine_km(lat, lon, plat, plon) <= tolerance)


def score(case: Case) -> Score:
    """Match gold places one-to-one to predictions."""
    predictions = [(p.name, p.entry.kind, p.entry.lat, p.entry.lon)
                   for p in places_in_text(case.text, f"{case.id}.txt")]
    required = [g for g in case.gold if g not in KNOWN_GAPS and g not in KNOWN_MISPLACED]
    matched = match_one_to_one(required, predictions, lambda g, p: _hits(case.gold[g], p))
    allowed = {**case.gold, **case.optional}.values()
    return Score(missed=[g for g in required if g not in matched],
                 false=[p[0] for p in predictions if not any(_hits(s, p) for s in allowed)
                        and p[0] not in KNOWN_MISPLACED],
                 predictions=predictions)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_gold_place_is_found_within_tolerance(case: Case) -> None:
    result = score(case)
    assert result.missed == [], f"missed {result.missed}; predicted: {result.describe()}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_trap_is_read_as_a_place(case: Case) -> None:
    missing = [t for t in case.traps if t not in case.text]
    assert missing == [], f"traps not in the text: {missing}"
    trap_spans = [(m.start(), m.end(), trap) for trap in case.traps
                  for m in re.finditer(re.escape(trap), case.text)]
    hits = sorted({(mention.surface, trap, place.name)
                   for place in places_in_text(case.text, f"{case.id}.txt")
                   for mention in place.mentions
                   for start, end, trap in trap_spans
                   if mention.start < end and start < mention.end})
    assert hits == [], f"traps read as places (surface, trap, place): {hits}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_place_outside_the_gold(case: Case) -> None:
    result = score(case)
    assert result.false == [], f"false places {result.false}; predicted: {result.describe()}"


def test_scorer_needs_the_right_kind_and_distance() -> None:
    # The matcher itself must be able to fail: a province point does not stand in for a
    # nearby town, a town does not stand in for a province, and distance is enforced.
    case = next(c for c in CASES if c.id == "khyber_torkham_ispr")
    assert not _hits(case.gold["Bara"], ("Khyber Pakhtunkhwa", "province", 34.0, 71.32))
    assert not _hits(case.gold["Khyber Pakhtunkhwa"], ("Peshawar", "city", 34.008, 71.578))
    assert not _hits(case.gold["Torkham"], ("Peshawar", "city", 34.008, 71.578))
    assert _hits(case.gold["Torkham"], ("Torkham", "town", 34.13, 71.09))


def test_known_gaps_are_still_gaps() -> None:
    # If the gazetteer learns one of these places, move it out of KNOWN_GAPS.
    gazetteer = default_gazetteer()
    learned = sorted(name for name in KNOWN_GAPS if gazetteer.exact(name))
    assert learned == [], f"now in the gazetteer, make them required again: {learned}"
    gold_names = {name for case in CASES for name in case.gold}
    assert KNOWN_GAPS <= gold_names


def test_known_misplaced_places_are_still_misplaced() -> None:
    # If disambiguation gets one of these right, drop it from KNOWN_MISPLACED.
    for name, (lat, lon) in KNOWN_MISPLACED.items():
        cases = [c for c in CASES if name in c.gold]
        assert cases
        for case in cases:
            chosen = [p for p in places_in_text(case.text, "t.txt") if p.name == name]
            assert chosen and haversine_km(chosen[0].entry.lat, chosen[0].entry.lon, lat, lon) > 50
