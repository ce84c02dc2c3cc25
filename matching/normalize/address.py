"""Street and city names: folded, with street types and saints written one way."""

from __future__ import annotations

import re
from functools import lru_cache

from matching.normalize.text import collapse_digraphs, squash, to_ascii

# canonical: spellings. English street types -> USPS abbreviations; German "Straße" -> "str"
# (kept apart from "st": "Main St" and "Hauptstr." are different words that happen to agree).
_STREET_TYPES = {
    "st": "street, str eet, stree, sts, streets",
    "str": "strasse, strase, strabe, strae",
    "ave": "avenue, av, avn, aven, avenu, avenida, avda",
    "rd": "road",
    "blvd": "boulevard, blv, boul, bd",
    "dr": "drive, drv",
    "ln": "lane",
    "pl": "place, plc",
    "ct": "court, crt",
    "sq": "square, sqr",
    "hwy": "highway, hiway",
    "pkwy": "parkway, pky, pkway",
    "ter": "terrace, terr, tce",
    "corso": "c so",
    "viale": "v le",
    "piazza": "p zza, pza",
    "praca": "pca",
    "cres": "crescent, cresc",
    "cir": "circle, circ",
    "way": "wy",
    "aly": "alley",
    "expy": "expressway",
    "fwy": "freeway",
    "ste": "suite, su",
    "fl": "floor, flr",
    "apt": "apartment",
    "bldg": "building, bld",
    "rm": "room",
    "dept": "department",
    "unit": "no, nr, number",
    "po box": "p o box, pobox, post office box, postfach, postbus, boite postale, bp",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "ne": "northeast",
    "nw": "northwest",
    "se": "southeast",
    "sw": "southwest",
}
# Spelled ordinals become digits, as street numbering is usually written ("Fifth Ave" = "5th Ave").
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_ORDINALS = dict(enumerate(_ORDINAL_WORDS.split(), start=1))
_ORDINAL_INDEX = {
    word: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    for n, word in _ORDINALS.items()
}
# Directions to the door that some sources append ("2450 Broadway between 90th and 91st Sts").
_CROSS_REFERENCES = frozenset({"between", "near", "off", "at", "opposite", "across", "corner"})
# German compounds write the street type inside the word ("Hauptstraße", "Marktplatz").
# (what the word must contain, the pattern, its short form)
_COMPOUND_TYPES = (
    ("str", re.compile(r"(?<=[a-z])(?:strasse|strase|straat|str)\b"), "str"),  # Hauptstraße
    ("gatan", re.compile(r"(?<=[a-z])gatan\b"), "g"),  # Swedish Kungsgatan = Kungsg.
    ("vagen", re.compile(r"(?<=[a-z])vagen\b"), "v"),  # Swedish Sveavägen = Sveav.
)
# One-letter abbreviations that only open a street line: "C/ Mayor" (Calle), "R. Augusta" (Rua).
_LEADING_TYPES = {"c": "calle", "r": "rua"}

_CITY_ALIASES = {
    "saint": "st, ste, sankt",
    "fort": "ft",
    "mount": "mt",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "munich": "munchen",
    "cologne": "koln",
    "vienna": "wien",
    "geneva": "geneve, genf, ginevra",
    "prague": "praha",
    "warsaw": "warszawa",
    "lisbon": "lisboa",
    "rome": "roma",
    "milan": "milano",
    "florence": "firenze",
    "naples": "napoli",
    "venice": "venezia",
    "turin": "torino",
    "copenhagen": "kobenhavn",
    "gothenburg": "goteborg",
    "brussels": "bruxelles, brussel",
    "antwerp": "antwerpen, anvers",
    "the hague": "den haag, s gravenhage",
    "nuremberg": "nurnberg",
    "hanover": "hannover",
    "moscow": "moskva",
    "athens": "athina",
    "bucharest": "bucuresti",
    "belgrade": "beograd",
    "kyiv": "kiev",
    "seville": "sevilla",
    "new york": "new york city, nyc",
    "frankfurt am main": "frankfurt a m, frankfurt main, frankfurt m, frankfurt",
    "basel": "bale, basilea",
    "bern": "berne",
    "san francisco": "sf",
    "sao paulo": "s paulo",
    "rio de janeiro": "rio",
    "mumbai": "bombay",
    "bengaluru": "bangalore",
    "chennai": "madras",
    "kolkata": "calcutta",
    "new delhi": "delhi",
    "malmo": "malmoe",
    "beijing": "peking",
    "guangzhou": "canton",
    "ho chi minh city": "saigon, ho chi minh",
    "luxembourg": "luxemburg",
    "strasbourg": "strassburg",
    "zurich": "zuerich",
}


class _Phrases:
    """Spellings (one or more words) mapped to their canonical form."""

    LONGEST = 4

    def __init__(self, groups: dict[str, str]) -> None:
        self.index: dict[str, str] = {}
        for canonical, spellings in groups.items():
            self.index[canonical] = canonical
            for spelling in spellings.split(","):
                self.index.setdefault(spelling.strip(), canonical)
        # a phrase of several words can only start at one of these
        self.starts = frozenset(p.split(" ")[0] for p in self.index if " " in p)

    def replace(self, tokens: list[str]) -> list[str]:
        """Replace the longest phrase (up to 4 tokens) found at each position."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            longest = min(self.LONGEST, len(tokens) - i) if tokens[i] in self.starts else 1
            for size in range(longest, 0, -1):
                phrase = " ".join(tokens[i : i + size])
                if phrase in self.index:
                    out.extend(self.index[phrase].split())
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


_STREET_PHRASES = _Phrases(_STREET_TYPES)
_CITY_PHRASES = _Phrases(_CITY_ALIASES)


def _fold_ascii(text: str) -> str:
    """`fold_text` of text `to_ascii` has already read (ASCII): lower case, punctuation squashed."""
    return squash(text.lower())


@lru_cache(maxsize=65536)
def normalize_street(raw: str | None) -> str | None:
    """Folded street line with street types canonical ("Straße" -> "str", "Street" -> "st")."""
    text = to_ascii(raw or "").replace("#", " unit ").replace("'", "")
    # Split "12a" stays one token; "12-14" becomes "12 14": both sides fold the same way.
    tokens = [collapse_digraphs(t) for t in _fold_ascii(text).split()]
    tokens = [_compound_type(t) for t in tokens]
    if not tokens:
        return None
    tokens = _drop_cross_reference([_ORDINAL_INDEX.get(t, t) for t in tokens])
    if tokens[-1] == "la":  # "Claude La": lane; elsewhere "la" is an article ("La Cienega")
        tokens[-1] = "ln"
    # A leading "St" is a saint ("St. Mary's Road"); elsewhere it is a street.
    if tokens[0] in {"st", "saint"} and len(tokens) > 1:
        return " ".join(["saint", *_STREET_PHRASES.replace(tokens[1:])])
    tokens = _STREET_PHRASES.replace(tokens)
    if len(tokens) > 1:
        tokens[0] = _LEADING_TYPES.get(tokens[0], tokens[0])
    return " ".join(tokens)


def _compound_type(token: str) -> str:
    for needle, pattern, short in _COMPOUND_TYPES:
        if needle in token:
            token = pattern.sub(short, token)
    return token


def _drop_cross_reference(tokens: list[str]) -> list[str]:
    for i, token in enumerate(tokens[2:], start=2):
        if token in _CROSS_REFERENCES:
            return tokens[:i]
    return tokens


@lru_cache(maxsize=65536)
def normalize_city(raw: str | None) -> str | None:
    """Folded city name with saints spelled out and common exonyms unified ("Köln" = "Cologne")."""
    # "Austin, TX", "Toronto, ON, Canada": the state and country after a comma are not the city.
    text = next((p for p in to_ascii(raw or "").split(",") if _fold_ascii(p)), "")
    tokens = [collapse_digraphs(t) for t in _fold_ascii(text.replace("'", "")).split()]
    # Postcodes and district numbers written into the city field ("80331 München", "Paris 8").
    tokens = [t for t in tokens if not t.isdigit()] or tokens
    if not tokens:
        return None
    return " ".join(_CITY_PHRASES.replace(tokens))
