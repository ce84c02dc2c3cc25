"""Low-level corruption primitives: typos, case, punctuation, accents, abbreviations."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import lru_cache
from typing import Final

_ROWS: Final = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS: Final = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
# Keys a finger slips to: same row neighbours and the keys straight above and below.
ADJACENT: Final[dict[str, str]] = {
    ch: "".join(
        other
        for other, (r2, c2) in _POS.items()
        if other != ch and abs(r2 - r) <= 1 and abs(c2 - c) <= 1 and (r2 == r or c2 in (c, c + 1))
    )
    for ch, (r, c) in _POS.items()
}
_GERMAN: Final = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
_SPECIAL: Final = {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"}

# Word-level aliases people use for the same company, both ways round where both are common.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "International": ("Intl", "Int'l", "Intl."),
    "Corporation": ("Corp", "Corp."),
    "Technologies": ("Tech", "Technology", "Techs"),
    "Technology": ("Tech",),
    "Services": ("Svcs", "Service"),
    "Systems": ("Sys", "System"),
    "Manufacturing": ("Mfg", "Mfg."),
    "Management": ("Mgmt", "Mgt"),
    "Group": ("Grp", "Gruppe"),
    "Holdings": ("Hldgs", "Holding"),
    "Company": ("Co", "Co."),
    "Pharmaceuticals": ("Pharma",),
    "Pharmaceutical": ("Pharma",),
    "Engineering": ("Eng.", "Engg"),
    "Consulting": ("Consultants", "Cons."),
    "Financial": ("Fin.", "Finl"),
    "Laboratories": ("Labs",),
    "Logistics": ("Log.", "Logistic"),
    "Logistik": ("Log.",),
    "Versicherung": ("Vers.",),
    "Maschinenbau": ("Masch.",),
    "Saint": ("St", "St."),
    "Sainte": ("Ste", "Ste."),
    "and": ("&",),
    "&": ("and", "+", "und"),
    "Solutions": ("Soln", "Solns"),
    "Software": ("SW", "Soft"),
    "Industries": ("Inds", "Industry"),
    "Insurance": ("Ins.", "Ins"),
}
STREET_ABBREVIATIONS: Final[tuple[tuple[str, str], ...]] = (
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Boulevard", "Blvd"),
    ("Square", "Sq"),
    ("Terrace", "Tce"),
    ("straße", "str."),
    ("strasse", "str."),
    ("Straße", "Str."),
    ("Avenida", "Av."),
    ("avenue", "av."),
    ("boulevard", "bd"),
    ("Calle", "C/"),
    ("Corso", "C.so"),
    ("vägen", "v."),
    ("gatan", "g."),
)
_WORD = re.compile(r"[A-Za-z&][\w'&.-]*")


def chance(rng: random.Random, p: float) -> bool:
    """True with probability p."""
    return rng.random() < p


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """Müller -> Muller, São -> Sao (what an ASCII-only system keeps)."""
    text = "".join(_SPECIAL.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def transliterate(text: str) -> str:
    """Müller -> Mueller, then any other accent dropped (the German keyboard-less spelling)."""
    return strip_accents("".join(_GERMAN.get(ch, ch) for ch in text))


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: an adjacent key, two letters swapped, a letter dropped or doubled."""
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(positions) < 4:
        return text
    i = rng.choice(positions[1:])  # people rarely mistype the first letter
    kind = rng.random()
    ch = text[i]
    if kind < 0.4 and ch.lower() in ADJACENT:
        sub = rng.choice(ADJACENT[ch.lower()])
        return text[:i] + (sub.upper() if ch.isupper() else sub) + text[i + 1 :]
    if kind < 0.65 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + ch + text[i + 2 :]
    if kind < 0.88:
        return text[:i] + text[i + 1 :]
    return text[:i] + ch + text[i:]


def case_noise(rng: random.Random, text: str) -> str:
    """All caps, all lower or title case, as different data-entry habits leave it."""
    kind = rng.random()
    if kind < 0.5:
        return text.upper()
    if kind < 0.75:
        return text.lower()
    return text.title()


def punctuation_noise(rng: random.Random, text: str) -> str:
    """Drop dots, add a comma before the legal form, double a space or swap a hyphen."""
    kind = rng.random()
    if kind < 0.35:
        return text.replace(".", "")
    if kind < 0.55 and " " in text:
        head, _, tail = text.rpartition(" ")
        return f"{head}, {tail}"
    if kind < 0.7 and " " in text:
        return text.replace(" ", "  ", 1)
    if kind < 0.85:
        return text.replace("-", " ") if "-" in text else text.replace(" ", "-", 1)
    return text + rng.choice((".", " ", ","))


def abbreviate(rng: random.Random, text: str) -> str:
    """Replace one word that has a common alias (International -> Intl, & -> and)."""
    tokens = text.split(" ")
    hits = [i for i, tok in enumerate(tokens) if tok in ALIASES]
    if not hits:
        return text
    i = rng.choice(hits)
    tokens[i] = rng.choice(ALIASES[tokens[i]])
    return " ".join(tokens)


def abbreviate_street(rng: random.Random, street: str) -> str:
    """Street -> St, Straße -> Str. (one of the abbreviations that applies)."""
    hits = [(long, short) for long, short in STREET_ABBREVIATIONS if long in street]
    if not hits:
        return street
    long, short = rng.choice(hits)
    return street.replace(long, short, 1)


def initials(text: str) -> str:
    """The acronym people use for a long name ("Blue Ridge Health Systems" -> "BRHS")."""
    return "".join(w[0] for w in _WORD.findall(text) if w[0].isalpha()).upper()
