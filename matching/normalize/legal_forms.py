"""Legal forms: canonical code, spellings (as folded, initialism-joined tokens) and countries.

A spelling is matched at the end of a name, longest first. Spellings containing "and" are also
matched with "und", "u", "et" and without the conjunction ("GmbH & Co. KG", "GmbH u. Co KG",
"GmbH + Co KG").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

_EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"

# code: (spellings separated by ",", countries separated by spaces)
LEGAL_FORMS: dict[str, tuple[str, str]] = {
    "inc": ("inc, incorporated, incorporation", "US CA PH"),
    "corp": ("corp, corporation, corpn, corporated", "US CA PH JP KR TW"),
    "co": ("co, company, and co, cie, and cie, compagnie", "US CA FR BE GB"),
    "llc": (
        "llc, limited liability company, limited liability co, l l c, gk, godo kaisha, godo gaisha",
        "US AE OM UA JP",
    ),
    "pllc": ("pllc, professional limited liability company", "US"),
    "pc": ("pc, professional corporation, p c", "US CA"),
    "ltd": (
        "ltd, limited, ltee, limitee, ltd sti, limited sirketi, soc ltd",
        "GB IE CA HK NZ IL NG KE ZA MT CY GH TR",
    ),
    "plc": ("plc, public limited company, public ltd co, public ltd company", "GB IE"),
    "llp": ("llp, limited liability partnership", "GB US IN SG"),
    "lp": ("lp, limited partnership", "US GB CA"),
    "ulc": ("ulc, unlimited liability company, unlimited liability corporation", "CA"),
    "gmbh": (
        "gmbh, ggmbh, gesmbh, ges mbh, gesellschaft mbh, mbh, "
        "gesellschaft mit beschrankter haftung, gesellschaft mit beschraenkter haftung",
        "DE AT CH LI",
    ),
    "gmbh_co_kg": ("gmbh and co kg, gmbh and cokg, gmbh co kg, gmbh kg", "DE AT"),
    "gmbh_co_ohg": ("gmbh and co ohg", "DE"),
    "ag_co_kg": ("ag and co kg, ag co kg", "DE AT"),
    "kgaa": ("kgaa, ag and co kgaa, kommanditgesellschaft auf aktien", "DE"),
    "ug": ("ug, ug haftungsbeschrankt, ug haftungsbeschraenkt", "DE"),
    "ag": ("ag, aktiengesellschaft", "DE AT CH LI"),
    "kg": (
        "kg, and co kg, co kg, kommanditgesellschaft, ug haftungsbeschrankt and co kg",
        "DE AT CH",
    ),
    "eg": ("eg, eingetragene genossenschaft", "DE"),
    "ohg": ("ohg, offene handelsgesellschaft", "DE"),
    "partg": ("partg, partgmbb, partg mbb, partnerschaftsgesellschaft", "DE"),
    "gbr": ("gbr, gesellschaft burgerlichen rechts", "DE"),
    "ek": ("ek, eingetragener kaufmann, eingetragene kauffrau", "DE"),
    "ev": ("ev, eingetragener verein", "DE"),
    "se": ("se, societas europaea", _EU + " IS LI NO"),
    "sa": (
        "sa, sau, sa nv, societe anonyme, sociedad anonima, sociedade anonima, spolka akcyjna, ae",
        "FR BE LU CH ES PT PL GR AR BR CL CO PE UY EC MA RO",
    ),
    "sas": ("sas, societe par actions simplifiee, sasu", "FR CO AR"),
    "sarl": ("sarl, sa rl, societe a responsabilite limitee, eurl", "FR LU CH BE MA TN"),
    "srl": (
        "srl, srls, sprl, societa a responsabilita limitata, societate cu raspundere limitata, "
        "societe a responsabilite limitee srl",
        "IT RO BE AR MD",
    ),
    "spa": ("spa, societa per azioni", "IT"),
    "snc": ("snc, societe en nom collectif, societa in nome collettivo", "FR IT"),
    "sagl": ("sagl", "CH"),
    "bv": ("bv, besloten vennootschap, bvba", "NL BE"),
    "nv": ("nv, naamloze vennootschap", "NL BE"),
    "cv": ("cv, commanditaire vennootschap", "NL"),
    "pty_ltd": ("pty ltd, pty limited, proprietary limited, pty, pl", "AU ZA"),
    "pvt_ltd": (
        "pvt ltd, pvt limited, private limited, private ltd, p ltd, opc pvt ltd, pte ltd, "
        "pte limited",
        "IN PK BD NP LK SG",
    ),
    "sdn_bhd": ("sdn bhd, sendirian berhad", "MY"),
    "bhd": ("bhd, berhad", "MY"),
    "tbk": ("tbk, terbuka", "ID"),
    "pt": ("perseroan terbatas", "ID"),  # usually "PT" before the name, read there
    "oy": ("oy, osakeyhtio", "FI"),
    "oyj": ("oyj, julkinen osakeyhtio", "FI"),
    "ab": ("ab, aktiebolag, aktiebolaget, ab publ", "SE FI"),
    "as": ("as, aksjeselskap, aktieselskab, aktsiaselts, akciova spolecnost", "NO DK EE CZ SK TR"),
    "asa": ("asa, allmennaksjeselskap", "NO"),
    "aps": ("aps, ivs, anpartsselskab", "DK"),
    "hb": ("hb, handelsbolag", "SE"),
    "kb": ("kb, kommanditbolag", "SE"),
    "ky": ("ky, kommandiittiyhtio", "FI"),
    "ans": ("ans, ansvarlig selskap", "NO"),
    "nuf": ("nuf, norskregistrert utenlandsk foretak", "NO"),
    # A Japanese kabushiki kaisha calls itself "Co., Ltd." in English: one form, one code.
    "co_ltd": (
        "co ltd, company limited, co limited, company ltd, kk, kabushiki kaisha, "
        "kabushikigaisha, kabushiki gaisha, yk, yugen kaisha, yugen gaisha",
        "CN JP KR TW TH HK VN",
    ),
    "pcl": ("pcl, public company limited, public co ltd", "TH"),
    "sl": ("sl, slu, sociedad limitada, sociedad de responsabilidad limitada", "ES"),
    # Portugal's "Lda." and Brazil's "Ltda." are one form ("Limitada") in two spellings.
    "ltda": ("ltda, lda, limitada, eireli", "PT BR CO CL"),
    "sp_zoo": ("sp z oo, sp zoo, spolka z ograniczona odpowiedzialnoscia", "PL"),
    "sa_de_cv": (
        "sa de cv, sab de cv, sapi de cv, sociedad anonima de capital variable",
        "MX",
    ),
    "s_de_rl": ("s de rl, s de rl de cv", "MX"),
    "sro": ("sro, spol s ro, spolecnost s rucenim omezenym", "CZ SK"),
    "kft": ("kft, korlatolt felelossegu tarsasag", "HU"),
    "zrt": ("zrt, nyrt", "HU"),
    "doo": ("doo", "RS HR SI BA ME MK"),
    "ood": ("ood, eood", "BG"),
    "ad": ("ad, ead", "BG RS MK"),
    "dd": ("dd", "HR SI BA"),
    "ike": ("ike, epe", "GR"),
    "sp_k": ("sp k, sp j, sp p, ska", "PL"),
    "cc": ("cc, close corporation", "ZA"),
    "sac": ("sac, saa", "PE"),
    "eirl": ("eirl", "PE CL"),
    "ou": ("ou, osauhing", "EE"),
    "sia": ("sia", "LV"),
    "uab": ("uab", "LT"),
    "dac": ("dac, designated activity company, clg", "IE"),
    "na": ("national association", "US"),
    "jsc": (
        "jsc, pjsc, ojsc, cjsc, joint stock company, public joint stock company",
        "RU UA KZ VN AZ",
    ),
    "fz": ("fze, fzco, fz llc, fzc", "AE"),
    "ooo": ("ooo, obshchestvo s ogranichennoy otvetstvennostyu", "RU BY KZ"),
    "oao": ("oao, pao, zao, ao", "RU"),
    "tov": ("tovarystvo z obmezhenoyu vidpovidalnistyu", "UA"),  # "TOV" before the name
}


_CONJUNCTIONS = ("und", "u", "et")


def _variants(spelling: str) -> set[tuple[str, ...]]:
    tokens = tuple(spelling.split())
    if "and" not in tokens:
        return {tokens}
    i = tokens.index("and")
    # "&", "und", "u." and "+" (dropped as punctuation) all join "GmbH & Co. KG".
    others = {(*tokens[:i], word, *tokens[i + 1 :]) for word in _CONJUNCTIONS}
    return {tokens, tokens[:i] + tokens[i + 1 :], *others}


@lru_cache(maxsize=1)
def spelling_index() -> dict[tuple[str, ...], str]:
    """Every spelling (a token tuple) mapped to its canonical code."""
    index: dict[tuple[str, ...], str] = {}
    for code, (spellings, _) in LEGAL_FORMS.items():
        for spelling in spellings.split(","):
            for variant in _variants(spelling.strip()):
                index.setdefault(variant, code)
    return index


@lru_cache(maxsize=1)
def longest_spelling() -> int:
    """Number of tokens in the longest spelling."""
    return max(len(s) for s in spelling_index())


# Real words one keystroke away from a legal form ("Barclays Corporate" is not a typo).
_NOT_TYPOS = frozenset({"corporate", "incorporate", "limites", "compagny", "sass"})


@lru_cache(maxsize=1)
def _long_spellings() -> dict[str, str]:
    return {s[0]: code for s, code in spelling_index().items() if len(s) == 1 and len(s[0]) >= 6}


@lru_cache(maxsize=1)
def _short_spellings() -> dict[str, str]:
    return {s[0]: code for s, code in spelling_index().items() if len(s) == 1 and len(s[0]) >= 3}


@lru_cache(maxsize=1)
def _long_spellings_near() -> dict[int, tuple[tuple[str, str], ...]]:
    # by word length: the long spellings at most one letter longer or shorter, in table order
    spellings = _long_spellings().items()
    lengths = {len(spelling) + step for spelling, _ in spellings for step in (-1, 0, 1)}
    return {
        length: tuple((s, code) for s, code in spellings if abs(len(s) - length) <= 1)
        for length in lengths
    }


_DOUBLED = re.compile(r"(.)\1")


@lru_cache(maxsize=16384)
def _typo_of(word: str) -> str | None:
    """The code of the legal form `word` misspells by one keystroke ("Incorported", "Ltdd")."""
    if word in _NOT_TYPOS:
        return None
    if len(word) < 6:
        # Short forms only with a doubled letter: a swap turns "Corp" into "crop", "SpA" into "SAP".
        undoubled = _DOUBLED.sub(r"\1", word)
        return _short_spellings().get(undoubled) if undoubled != word else None
    if sum(map(str.isalpha, word)) < 5:
        return None
    for spelling, code in _long_spellings_near().get(len(word), ()):
        # one keystroke in words this long leaves the first or the last letter in place
        if (spelling[0] == word[0] or spelling[-1] == word[-1]) and OSA.distance(
            spelling, word, score_cutoff=1
        ) <= 1:
            return code
    return None


def could_end_legal_form(word: str) -> bool:
    """Whether a legal form, or a one-keystroke typo of one, can end with `word`."""
    return word in _last_words() or _typo_of(word) is not None


@lru_cache(maxsize=1)
def _last_words() -> frozenset[str]:
    return frozenset(spelling[-1] for spelling in spelling_index())


def match_suffix(tokens: tuple[str, ...]) -> tuple[str, int] | None:
    """The legal form ending `tokens` (longest spelling wins) and its token count, if any."""
    if not tokens:
        return None
    index = spelling_index()
    if tokens[-1] not in _last_words():  # most names: one set lookup
        typo = _typo_of(tokens[-1])
        return (typo, 1) if typo else None
    for size in range(min(longest_spelling(), len(tokens)), 0, -1):
        code = index.get(tokens[-size:])
        if code is not None:
            return code, size
    typo = _typo_of(tokens[-1])
    return (typo, 1) if typo else None


def legal_form_countries(code: str) -> frozenset[str]:
    """ISO alpha-2 countries where the legal form `code` exists (empty when unknown)."""
    entry = LEGAL_FORMS.get(code)
    return frozenset(entry[1].split()) if entry else frozenset()


# Spellings that mean one form in a given country: a Japanese or Chinese "Corporation" or
# "Limited" is the co_ltd form; a Hong Kong "Co., Ltd." is a plain "Limited".
_LOCAL_EQUIVALENTS: dict[str, dict[str, str]] = {
    "JP": {"corp": "co_ltd", "inc": "co_ltd", "ltd": "co_ltd"},
    "CN": {"ltd": "co_ltd", "llc": "co_ltd", "corp": "co_ltd", "inc": "co_ltd"},
    "KR": {"corp": "co_ltd", "inc": "co_ltd", "ltd": "co_ltd"},
    "TW": {"ltd": "co_ltd", "corp": "co_ltd", "inc": "co_ltd"},
    "HK": {"co_ltd": "ltd"},
    # "Inc.", "Corp." and (in Canada) "Ltd." are designators of one form, the corporation.
    "US": {"corp": "inc"},
    "CA": {"corp": "inc", "ltd": "inc", "ltee": "inc"},
    "PH": {"corp": "inc"},
}


def local_legal_form(code: str | None, country: str | None) -> str | None:
    """The form `code` stands for in `country` (alpha-2): JP "corp" -> "co_ltd"; else `code`."""
    if code is None or country is None:
        return code
    return _LOCAL_EQUIVALENTS.get(country.upper(), {}).get(code, code)
