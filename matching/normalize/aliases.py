"""Word aliases and regional labels for organisation names, as data.

Every alias group maps all its spellings to ONE canonical token (the first), so both directions
compare equal ("International" == "Intl"). Legal forms ("Corp", "Inc", "Ltd") are not aliases:
they are removed into `OrgName.legal_form`. Canonical tokens must map to themselves.
"""

from __future__ import annotations

from functools import lru_cache

# canonical: other spellings (comma separated, folded)
ALIAS_GROUPS: dict[str, str] = {
    "and": "und, et",
    "co": "company, compagnie",
    "intl": "international, internat, int l, internatl, intern",
    "tech": "technologies, technology, technol, techn, technologie, techs",
    "mfg": "manufacturing, manufacturers, manufacturer, manuf, mfrs, mfr",
    "svcs": "services, service, svc, srvcs, servs, serv",
    "bros": "brothers, brother, bro",
    "assn": "association, assoc, ass n, associations",
    "assoc": "associates, assocs",
    "group": "grp, groupe, gruppe, gruppo, grupo, groep",
    "univ": (
        "university, universitat, universite, universita, universidad, universiteit, uni, "
        "universidade, universitet, universiteti, univerzita, universiti, universitas"
    ),
    "lab": "labs, laboratory, laboratories, laboratoire, laboratorium, labor",
    "dept": "department, dep, dpt, depts",
    "inst": "institute, institut, instituto, istituto, institution",
    "natl": "national, nat l, nationale, nacional",
    "sys": "systems, system, syst",
    "solutions": "solution, solns, soln",
    "consulting": "consultants, consultant, consultancy, consult, cons, consultores, conseil",
    "holding": "holdings, hldgs, hldg",
    "ind": "industries, industry, industrial, inds, indus, industrie, industrias",
    "center": "centre, ctr, cntr, centrum, centro, zentrum",
    "mgmt": "management, mgt, managment",
    "eng": "engineering, engg, engr, engineers, ingenieurs",
    "dev": "development, devel, developments",
    "comm": "communications, communication, comms, commun",
    "elec": "electric, electrical, electronics, electronic",
    "ins": "insurance, insur",
    "fin": "financial, finance, finl",
    "pharm": "pharmaceuticals, pharmaceutical, pharma, pharmaceutica",
    "chem": "chemicals, chemical",
    "prod": "products, product, prods",
    "dist": "distribution, distributors, distributor, distr",
    "sci": "sciences, science, scientific",
    "res": "research, rsch",
    "saint": "st, ste, sainte, sankt",
    "mt": "mount, mont",
    "ft": "fort",
    "assur": "assurance",
    "invest": "investments, investment, invt",
    "mktg": "marketing",
    "sec": "securities, security",
    "trans": "transport, transportation",
    "hosp": "hospital, hospitals",
    "med": "medical, medicine",
    "gen": "general, generale, generali",
    "ent": "enterprises, enterprise, entreprises",
    "ventures": "venture",
    "software": "sw, soft",
    "logistics": "logistic, logistik, logistica, logistique, logistiek, log",
    "versicherung": "vers, versicherungen",
    "maschinenbau": "masch",
    "partners": "partner, ptnrs",
    "energy": "energie, energia",
    "bank": "banque, banca, banco",
}

# Regional labels that mark an office, not a different organisation: (spellings, canonical).
# `bare` ones are removed even without a separator ("Acme EMEA"); the others only after a
# dash, comma or inside brackets ("Acme (Germany)"), so "Air France" keeps its name.
BARE_REGIONS: dict[str, str] = {
    "emea": "emea",
    "apac": "apac",
    "asia pacific": "apac",
    "asia pac": "apac",
    "asiapac": "apac",
    "apj": "apac",
    "japac": "apac",
    "americas": "americas",
    "north america": "north_america",
    "n america": "north_america",
    "na": "north_america",
    "latin america": "latam",
    "latam": "latam",
    "dach": "dach",
    "nordics": "nordics",
    "nordic": "nordics",
    "benelux": "benelux",
    "europe": "europe",
    "eu": "europe",
    "middle east": "middle_east",
    "mena": "mena",
    "anz": "anz",
    "uk": "uk",
    "u k": "uk",
    "usa": "us",
    "deutschland": "de",
    "germany": "de",
    "schweiz": "ch",
    "suisse": "ch",
    "switzerland": "ch",
    "osterreich": "at",
    "oesterreich": "at",
    "austria": "at",
    "nederland": "nl",
    "netherlands": "nl",
}

_US_STATES = (
    "alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida, "
    "hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine, maryland, "
    "massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska, nevada, "
    "new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio, "
    "oklahoma, oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee, "
    "texas, utah, vermont, virginia, washington, west virginia, wisconsin, wyoming"
)
_CA_PROVINCES = (
    "alberta, british columbia, manitoba, new brunswick, newfoundland and labrador, "
    "nova scotia, ontario, prince edward island, quebec, saskatchewan"
)
# Labels accepted only as a separate segment ("Acme (US)", "Acme, Inc. (Delaware)"): a state
# or province names where an office is or where the company was incorporated, not who it is.
SEGMENT_REGIONS: dict[str, str] = {
    "us": "us",
    "u s": "us",
    **{state.strip(): "us" for state in _US_STATES.split(",")},
    **{province.strip(): "ca" for province in _CA_PROVINCES.split(",")},
}

# A regional word right after these is part of the name ("Bank of America").
REGION_GUARDS = frozenset({"of", "de", "des", "du", "der", "di", "del", "for", "and", "the"})


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    """Folded spelling -> canonical token (single tokens only; canonicals map to themselves)."""
    index: dict[str, str] = {}
    for canonical, spellings in ALIAS_GROUPS.items():
        index[canonical] = canonical
        for spelling in spellings.split(","):
            index.setdefault(spelling.strip().replace(" ", ""), canonical)
    return index


def canonical_token(token: str) -> str:
    """The alias group's canonical form of `token` (itself when it has none)."""
    return alias_index().get(token, token)
