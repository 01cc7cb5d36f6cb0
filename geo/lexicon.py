"""Word lists that tell place names from the other capitalised words in the news.

These are closed classes of English and South Asian usage (titles, months, heads of
organisation names, common given names), not place data: place data live in data/.
"""
from __future__ import annotations

#: Capitalised words that are never a place on their own.
NOT_PLACES: frozenset[str] = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
ramadan ramazan eid muharram islam god allah quran christian hindu sikh
mr mrs ms dr sir lord prof president minister governor general chief senator
north south east west northern southern eastern western central upper lower
the a an it its this that these those he she they we our their his her
also read live news update breaking photo video watch
""".split())

#: Nationality and ethnic adjectives/nouns, which look like places but are not.
DEMONYMS: frozenset[str] = frozenset("""
pakistani pakistanis afghan afghans afghani iranian iranians indian indians chinese
american americans british briton baloch baluch balochi baluchi brahui pashtun pashtuns
pakhtun pakhtuns pathan pathans punjabi punjabis sindhi sindhis hazara hazaras
kashmiri kashmiris arab arabs saudi emirati qatari russian turkish uzbek tajik
turkmen bangladeshi european western
""".split())

#: Nationality words that point at a country (ISO code) without naming it.
DEMONYM_COUNTRIES: dict[str, str] = {
    "pakistani": "PK", "pakistanis": "PK", "afghan": "AF", "afghans": "AF", "afghani": "AF", "iranian": "IR", "iranians": "IR",
    "indian": "IN", "indians": "IN", "chinese": "CN", "american": "US", "americans": "US",
    "british": "GB", "saudi": "SA", "emirati": "AE", "qatari": "QA", "russian": "RU",
    "turkish": "TR", "tajik": "TJ", "uzbek": "UZ", "turkmen": "TM", "bangladeshi": "BD",
}

#: Words that make a capitalised phrase the name of an organisation, a vehicle, an
#: event or a publication: a place inside such a name is not a place mention.
ORGANISATION_HEADS: frozenset[str] = frozenset("""
army armies front liberation express mail passenger exchange institute institution centre
center corps railways railway corridor initiative organization organisation party
league movement brigade council committee ministry department police force forces
levies agency bank company corporation association federation union news times post
tribune dawn studies commission assembly authority government court club foundation
group network media channel radio television tv telegraph herald observer daily
press service services secretariat program programme project society trust fund
alliance coalition jamaat tehreek tehrik lashkar jaish sipah hizb taliban chamber
""".split())

#: Bodies of a province, district or city ("Sindh Police", "Punjab Assembly"): with a
#: place name before them the place is still named.
JURISDICTION_HEADS: frozenset[str] = frozenset("""
police government assembly cabinet secretariat levies administration
""".split())

#: Government portfolios in titles ("Sindh Home Minister …"): part of the title, so
#: the place before them is still a place mention.
PORTFOLIO_WORDS: frozenset[str] = frozenset("""
home interior finance law health education information revenue defence foreign
provincial caretaker federal deputy senior chief railways communications planning
operations investigation investigations traffic security headquarters
""".split())

#: Words after which a capitalised name is a person: titles and roles.
PERSON_CUES: frozenset[str] = frozenset("""
mr mrs ms miss dr sir president premier minister ministers governor senator general
gen lt col colonel major maj captain capt brigadier commander chief spokesman
spokeswoman spokesperson officer officers official analyst analysts correspondent
reporter reporters writer writers journalist named secretary inspector superintendent
ssp dig igp sho deputy judge justice imam maulana mullah sheikh nawab
leader leaders founder activist activists passenger driver son daughter father mother
brother sister wife husband mayor emir king queen prince
adviser advisers advisor advisors aide aides assistant commissioner dpo rpo cpo ig mna mpa
dc dco ac sdpo dsp asp sp aig sdm mufti haji qari allama
""".split())

#: Verbs that follow a person's name in reporting ("X said").
SPEECH_VERBS: frozenset[str] = frozenset("""
said says told added stated claimed confirmed denied warned announced alleged reported
noted explained urged vowed condemned praised wrote tweeted posted asked replied
""".split())

#: Common given names in Pakistani and wider Muslim reporting, so that "Rana Dilawar"
#: or "Ali Khan" are read as people even when a village shares the surname.
GIVEN_NAMES: frozenset[str] = frozenset("""
muhammad mohammad mohammed muhammed mohd ahmed ahmad ali hassan hasan hussain husain
hussein imran asif shahid rana abdullah abdul syed sayed sayyid mir sardar nawaz shehbaz
shahbaz bilawal benazir zulfikar pervez parvez asim ishtiaq rasool rasul sarfraz
bashir nazir tariq khalid khalil omar umar usman osman farooq faruq
ijaz aijaz fazal fazl maulana javed jawed iqbal akbar aslam anwar arif ashraf aziz
babar faisal fawad ghulam habib hamid haroon haider hafiz ikram ilyas ismail jamal
kamran karim kashif liaquat mahmood mehmood majid malik mansoor masood mushtaq nadeem
naveed nasir noor qasim rafiq raheel rashid rehman rahman riaz saeed sajid salman
sami saleem salim shabbir shakeel shoaib sohail sultan tahir waqar yasin yousaf
yusuf zafar zahid zubair ayesha aisha fatima maryam mariam nusrat shireen sana
hina zainab allah antonio antónio mao xi joe donald narendra vladimir abdullahi
khurram saqlain shahzad waqas bilal hamza fahad adnan asad danish junaid nouman noman
owais uzair zeeshan jamil shafiq rauf wajid sajjad irfan imtiaz mumtaz naeem waseem wasim
arshad amjad asghar shaukat zahoor zulfiqar
""".split())

#: Facilities named after the place they stand in ("Loralai Tehsil Headquarters",
#: "Quetta Civil Hospital"): the place name before them is still a place mention.
FACILITY_WORDS: frozenset[str] = frozenset("""
headquarters hospital road highway bypass chowk bridge camp cantonment cantt jail prison
stadium mosque market bazaar bazar square checkpost check post airport station port
base airbase plant power complex factory mill mills dam barrage terminal motorway
university college school hotel cinema shrine gate hall tower masjid madrassa madrasa
seminary imambargah colony lines
""".split())

#: Lowercase words after a name that say what kind of place it is.
QUALIFIER_KINDS: dict[str, str] = {
    "district": "district", "districts": "district", "tehsil": "district",
    "division": "district", "agency": "district",
    "province": "province", "provinces": "province", "state": "province", "county": "province",
    "governorate": "province",
    "region": "region", "area": "region", "valley": "region", "pass": "region",
    "city": "city", "town": "town", "village": "village", "bazaar": "town",
    "bazar": "town", "station": "station", "tunnel": "landmark", "airport": "landmark",
    "port": "landmark", "river": "water",
}

#: Lowercase words that may stand inside a multi-word place name.
NAME_CONNECTORS: frozenset[str] = frozenset({"of", "and", "al", "e", "i", "ul", "ud", "el", "de", "da", "das", "do",
                                             "dos", "del", "la"})

#: Nouns after a capitalised name that make it a people's name, not a place's.
GROUP_NOUNS: frozenset[str] = frozenset("""
tribe tribes tribesmen tribesman clan clans family families elders faction factions
sect community brothers dynasty
""".split())

#: Words that open a sentence before a name ("Later Quetta was calm").
SENTENCE_ADVERBS: frozenset[str] = frozenset("""
later then meanwhile earlier however now also since yesterday today tonight elsewhere
separately overnight afterwards subsequently still nonetheless moreover furthermore
""".split())

#: Words after which a capitalised word that is also an English word is a place.
LOCATIVE_WORDS: frozenset[str] = frozenset("""
in near from to towards toward at via outside around across into through between of
""".split())

#: Titles of district and police officials. Followed by nothing but a place name they
#: name the official of that place ("SSP Jacobabad", "Deputy Commissioner Panjgur").
OFFICE_TITLES: frozenset[str] = frozenset("""
ssp sp dsp asp sdpo dpo rpo cpo ccpo dig aig ig igp sho dc dco ac sdm commissioner
deputy assistant superintendent inspector governor minister
""".split())

#: Facilities that are often named after a holy or famous city ("Madina mosque",
#: "Makkah hospital"): such a name is a local building, not that city.
NAMESAKE_FACILITIES: frozenset[str] = frozenset("""
mosque masjid madrassa madrasa seminary imambargah shrine hospital school college
university colony
""".split())

#: Units written like place abbreviations ("a 5 GB file" is not Gilgit-Baltistan).
UNIT_WORDS: frozenset[str] = frozenset("""
gb mb kb tb
""".split())

#: Words naming a part of an area ("Upper Kurram", "Southern Punjab"): before a
#: district, region or province that is not known under the longer name, the
#: mention is the part, placed at the area it lies in.
PART_WORDS: frozenset[str] = frozenset("""
upper lower central north south east west northern southern eastern western
wara loi kuz
""".split())  # Pashto: wara/kuz "lower", loi "upper" ("Wara Mamund", "Loi Mamund")

#: A part word and a country that together name another country or region.
OTHER_COUNTRY_NAMES: frozenset[str] = frozenset({
    "east pakistan", "west pakistan", "northern ireland", "east germany", "west germany",
    "east timor", "east turkestan", "west bengal", "northern cyprus", "south yemen",
    "north yemen", "east jerusalem", "west bank", "south ossetia", "west papua",
})

#: Streets and squares, which Pakistani towns name after other towns ("Hunza Chowk"
#: in Gilgit, "Peshawar Mor" in Islamabad, "Kohat Road" in Peshawar): a place name
#: right before one of these is the street's name, not a mention of that place.
STREET_WORDS: frozenset[str] = frozenset("""
road street chowk chowrangi mor adda avenue lane highway motorway
""".split())

#: Neighbourhood names that most Pakistani cities have ("Saddar" is the cantonment bazaar
#: of Karachi, Rawalpindi, Peshawar, Quetta …): the gazetteer's one is only meant when
#: its city is named too. Written as folded keys (no spaces: "modeltown").
GENERIC_LOCALITIES: frozenset[str] = frozenset("""
saddar sadar cantt cantonment gulberg modeltown civillines satellitetown gardentown
defence
""".split())

#: English words that also name settlements in the village table ("Bar", "Data", "Tank",
#: "Colony"): never a village by themselves, whatever the words around them.
ENGLISH_WORDS: frozenset[str] = frozenset("""
bar data tank mall colony hub mach bazar bazaar market camp post check point
main new old city town village area road bridge gate park garden street hill hills
station top cross line lines block sector phase model civil police army fort
gun band ban bank base bay bell best big black blue border canal chapel church club
dam deal dry end fair fall farm field fire firm gold good green ground guard hall hand
head high home hope house inn iron island jail key king lake land light long lord love
man mark mill mine moon mountain nest oil palace pass peace plain pool port power quarter
range red rock rose royal safe salt sand school sea shop silver small spring square star
stone sun temple tower tree union valley view wall war water well white wind wood yard
""".split())

#: Surnames and honorifics that stand in person names but also name villages ("Khan",
#: "Shah"): a name made only of these and given names is a person's.
PERSON_NAME_WORDS: frozenset[str] = frozenset("""
khan shah malik mian sheikh syed sayed haji qazi chaudhry chaudhary rana raja sardar
nawab baig beg mirza jan gul din ullah khel zai musa isa yaqub ibrahim daud dawood
suleman sulaiman idrees idris yahya zakariya
""".split())

#: Tribes and clans of Pakistan and Afghanistan, whose names are also village names
#: ("the Mengal area"): not taken as a village from the village table.
TRIBES: frozenset[str] = frozenset("""
wazir wazirs mehsud mahsud mehsuds afridi afridis orakzai bangash turi turis mohmand
shinwari achakzai kakar kakars bugti bugtis marri marris mengal mengals raisani
rind rinds lashari jamali zehri magsi domki khetran mandokhel yousafzai yusufzai
tarkani utmankhel safi dawar dawars bhittani marwat khattak khattaks jadoon swati
bizenjo baloch brahui pashtun hazara tajik uzbek durrani ghilzai popalzai barakzai
alizai noorzai ishaqzai alikozai zadran mangal jaji chamkani salarzai mamund
""".split())
