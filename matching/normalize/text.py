"""Text folding: lower case ASCII with accents folded, punctuation turned into spaces.

Decision on German umlauts: `fold_text` folds "ü" to "u" like every other accent (so "Zürich"
equals "Zurich"). Names, streets and cities also go through `collapse_digraphs`, which folds
the German transliterations "ae"/"oe"/"ue" inside a word to "a"/"o"/"u", so "Mueller" and
"Müller" both become "muller". Both sides of a comparison pass through the same folding,
so the occasional English word it touches ("Samuel" -> "samul") still equals itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "\u0131": "i",  # dotless i
    "ħ": "h",
    "ŧ": "t",
    "ŀ": "l",
    "ĸ": "k",
    "ŉ": "n",
    "\u017f": "s",  # long s
    "ƒ": "f",
    # Dashes and quotes outside ASCII still separate or join words.
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
}

# Scientific-style transliteration, enough to make Cyrillic and Greek names comparable.
_CYRILLIC_LATIN = (
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u"
)
_GREEK_LATIN = "a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y i y"
_CYRILLIC = dict(
    zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў", _CYRILLIC_LATIN.split(), strict=True)
)
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ", _GREEK_LATIN.split(), strict=True))
_TRANSLIT = str.maketrans(
    {
        **_SPECIAL,
        **{k: ("" if v == "_" else v) for k, v in _CYRILLIC.items()},
        **_GREEK,
    }
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# "ae"/"oe"/"ue" after a consonant, not at the word's end ("blue", "Poe"), "ue" not after q or g
# ("queen", "league"), or opening a word before a consonant: transliterations of ä, ö, ü.
_DIGRAPH = re.compile(
    r"(?<=[b-df-hj-np-tv-z])(?:ae|oe|(?<![qg])ue)(?=[a-z])"
    r"|^(?:ae|oe|ue)(?=[b-df-hj-np-tv-z])"  # "Aelvsborg", "Oesterreich", "Ueberlingen"
)


def to_ascii(raw: str) -> str:
    """Lower-case ASCII transliteration of `raw`, punctuation kept."""
    if raw.isascii():  # most names: NFKC and NFKD change nothing
        return raw.lower()
    text = unicodedata.normalize("NFKC", raw).lower().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")  # drops what is not ASCII


def squash(text: str) -> str:
    """Replace every run of non-alphanumerics by one space and trim."""
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold_text(raw: str | None) -> str:
    """Lower-case ASCII text with accents folded and punctuation turned into single spaces."""
    if not raw:
        return ""
    return squash(to_ascii(raw))


def collapse_digraphs(token: str) -> str:
    """Fold German "ae"/"oe"/"ue" transliterations inside a word to "a"/"o"/"u"."""
    if "ae" not in token and "oe" not in token and "ue" not in token:  # most words
        return token
    previous = None
    while previous != token:
        previous, token = token, _DIGRAPH.sub(lambda m: m.group(0)[0], token)
    return token
