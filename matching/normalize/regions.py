"""Regional labels at the end of organisation names: words that name an office, not a company.

Three strengths of evidence, from the safest:
- a curated label ("EMEA", "APAC", "UK", "Deutschland") is removed even bare ("Acme EMEA");
- a country (name, alias or code) is removed when a comma, bracket or spaced dash sets it apart
  ("Acme (Germany)", "Acme - France", "Acme (BRA)"); a major business city only after the
  legal form ("Acme GmbH München", "Acme AB (publ) Stockholm");
- a country name written bare is removed only after at least two words of name, so
  "Vodafone Software Deutschland" loses its label while "Air France" keeps its name.
"""

from __future__ import annotations

from functools import lru_cache

from matching.normalize.address import normalize_city
from matching.normalize.aliases import BARE_REGIONS, SEGMENT_REGIONS
from matching.normalize.countries import (
    code_index,
    country_from_code,
    country_from_name,
    name_index,
)
from matching.normalize.legal_forms import spelling_index

# Cities firms have offices in, as `normalize_city` spells them.
_CITIES = """
london paris berlin munich hamburg frankfurt am main cologne dusseldorf stuttgart leipzig
dresden hanover nuremberg bremen essen dortmund vienna graz linz salzburg zurich geneva basel
bern lausanne lugano amsterdam rotterdam the hague utrecht eindhoven brussels antwerp ghent
luxembourg dublin cork madrid barcelona valencia seville bilbao malaga lisbon porto milan rome
turin bologna naples florence venice genoa stockholm gothenburg malmo uppsala oslo bergen
copenhagen aarhus helsinki espoo tampere warsaw krakow wroclaw gdansk prague brno budapest
bucharest sofia athens istanbul ankara moscow kyiv manchester birmingham edinburgh glasgow leeds
bristol liverpool cardiff belfast reading cambridge oxford lyon marseille toulouse nantes lille
bordeaux nice strasbourg new york san francisco los angeles chicago boston seattle austin
atlanta denver dallas houston miami washington philadelphia phoenix san diego san jose
minneapolis detroit pittsburgh charlotte toronto vancouver montreal calgary ottawa edmonton
mexico city monterrey guadalajara sao paulo rio de janeiro belo horizonte curitiba porto alegre
buenos aires santiago bogota lima sydney melbourne brisbane perth adelaide canberra auckland
wellington mumbai bengaluru new delhi gurgaon gurugram noida pune hyderabad chennai kolkata
tokyo osaka yokohama nagoya fukuoka kyoto seoul beijing shanghai shenzhen guangzhou taipei
bangkok kuala lumpur jakarta manila ho chi minh city hanoi dubai abu dhabi riyadh doha tel aviv
cairo johannesburg cape town lagos nairobi
"""
_MULTI_WORD_CITIES = (
    "frankfurt am main",
    "the hague",
    "new york",
    "san francisco",
    "los angeles",
    "san diego",
    "san jose",
    "mexico city",
    "sao paulo",
    "rio de janeiro",
    "belo horizonte",
    "porto alegre",
    "buenos aires",
    "new delhi",
    "kuala lumpur",
    "ho chi minh city",
    "abu dhabi",
    "tel aviv",
    "cape town",
)


@lru_cache(maxsize=1)
def _cities() -> frozenset[str]:
    text = f" {' '.join(_CITIES.split())} "
    for city in _MULTI_WORD_CITIES:
        text = text.replace(f" {city} ", " ")
    return frozenset(text.split()) | frozenset(_MULTI_WORD_CITIES)


@lru_cache(maxsize=1)
def _legal_words() -> frozenset[str]:
    # "(SA)", "(CO)", "(SE)" are legal forms before they are Saudi Arabia, Colombia, Sweden.
    return frozenset(spelling[0] for spelling in spelling_index() if len(spelling) == 1)


def _country_label(alpha2: str) -> str:
    return "uk" if alpha2 == "GB" else alpha2.lower()


def _separated_label(phrase: str) -> str | None:
    if phrase in SEGMENT_REGIONS:
        return SEGMENT_REGIONS[phrase]
    code = None if phrase in _legal_words() else country_from_code(phrase.replace(" ", ""))
    country = code or country_from_name(phrase)
    return None if country is None else _country_label(country)


@lru_cache(maxsize=16384)
def place_label(phrase: str) -> str | None:
    """Region, country or major city named by `phrase` (folded words), else None.

    Used only where the place cannot be part of the name: after the legal form ("Acme GmbH
    München"). A city set apart by a comma stays in the name: "University of California,
    San Diego" is not "University of California, Los Angeles".
    """
    label = BARE_REGIONS.get(phrase) or _separated_label(phrase)
    if label is not None:
        return label
    city = normalize_city(phrase)
    return city if city in _cities() else None


@lru_cache(maxsize=1)
def _last_words() -> frozenset[str]:
    phrases = [*BARE_REGIONS, *SEGMENT_REGIONS, *name_index()]
    return frozenset(p.split()[-1] for p in phrases if p) | _codes()


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(code_index())


def could_end_region(word: str) -> bool:
    """Whether a regional label can end with `word` (a fast test before `region_label`)."""
    return word in _last_words()


@lru_cache(maxsize=16384)
def region_label(phrase: str, *, separated: bool, remaining: int) -> str | None:
    """Canonical region for a trailing `phrase` of folded words, or None when it is name.

    `separated`: set apart by punctuation; `remaining`: words of name left before it.
    """
    if phrase in BARE_REGIONS:
        return BARE_REGIONS[phrase]
    if separated:
        return _separated_label(phrase)
    if remaining >= 2 and len(phrase) > 3:
        country = country_from_name(phrase)
        return None if country is None else _country_label(country)
    return None


def is_place_word(word: str) -> bool:
    """A one-word city or country name (or alias): in a company name, an office's label."""
    return word in _cities() or country_from_name(word) is not None


def place_words(words: list[str]) -> set[str]:
    """The words of `words` that name a place, multi-word cities ("san francisco") included."""
    found = {w for w in words if is_place_word(w)}
    text = f" {' '.join(words)} "
    for city in _MULTI_WORD_CITIES:
        if f" {city} " in text:
            found.update(city.split())
    return found
