"""Organisation names: a comparable core name with legal form and regional label split off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain

from matching.normalize.aliases import BARE_REGIONS, REGION_GUARDS, canonical_token
from matching.normalize.legal_forms import could_end_legal_form, match_suffix, spelling_index
from matching.normalize.non_latin import non_latin_words
from matching.normalize.regions import could_end_region, place_label, region_label
from matching.normalize.text import collapse_digraphs, to_ascii


@dataclass(frozen=True, slots=True)
class OrgName:
    """A standardized organisation name."""

    raw: str
    clean: str
    tokens: tuple[str, ...]
    legal_form: str | None
    region: str | None


# Legal forms written before the name ("PT Bank Central Asia", "OOO Romashka").
_PREFIX_FORMS = {
    ("pt",): "pt",
    ("kabushiki", "kaisha"): "co_ltd",
    ("godo", "kaisha"): "llc",
    ("ooo",): "ooo",
    ("oao",): "oao",
    ("zao",): "oao",
    ("pao",): "oao",
    ("tov",): "tov",
}
_PREFIX_FORMS_BY_FIRST_WORD = {
    first: [(prefix, code) for prefix, code in _PREFIX_FORMS.items() if prefix[0] == first]
    for first in {prefix[0] for prefix in _PREFIX_FORMS}
}
_ARTICLES = frozenset({"the"})
# A company's status written after its name ("Acme GmbH i.L.", "Acme Ltd (in liquidation)"),
# and the profession German law makes firms state ("KPMG AG Wirtschaftsprüfungsgesellschaft").
_STATUS_SUFFIXES = frozenset(
    {
        ("wirtschaftsprufungsgesellschaft",),
        ("steuerberatungsgesellschaft",),
        ("rechtsanwaltsgesellschaft",),
        ("wirtschaftsprufungsgesellschaft", "steuerberatungsgesellschaft"),
        ("il",),
        ("ig",),
        ("in", "liquidation"),
        ("in", "liquidation", "il"),
        ("in", "administration"),
        ("in", "receivership"),
        ("in", "grundung"),
        ("en", "liquidation"),
        ("in", "liquidazione"),
        ("en", "liquidacion"),
    }
)
_CONJUNCTIONS = frozenset({"and"})
# Last words of the suffixes peeled by a plain word match (legal forms and regions aside).
_PEELED_LAST_WORDS = _ARTICLES | _CONJUNCTIONS | {suffix[-1] for suffix in _STATUS_SUFFIXES}

_INITIALISM = re.compile(r"\b[a-z](?:\s?[./]\s?[a-z]\b)+\.?")
_INITIALISM_PUNCTUATION = re.compile(r"[\s./]")
_WEB_SUFFIX = re.compile(r"(?<=[a-z0-9])\.(?:com|net|org|io)\b")
# "&" between one- or two-letter words is part of an initialism (AT&T, P&G, "M & S").
_INITIALISM_AMPERSAND = re.compile(r"\b([a-z0-9]{1,2})\s*&\s*([a-z0-9]{1,2})\b")
_APOSTROPHE = re.compile(r"[`'\"]")
_SEGMENT_BREAK = re.compile(r"\s+-+\s*|\s*-+\s+|[,;:()\[\]{}|/\\]")
# Characters each step needs before it can change anything: most names skip most steps.
_BREAK_CHARACTER = re.compile(r"[-,;:()\[\]{}|/\\]")
_WORD = re.compile(r"[a-z0-9]+")


# "Acme Inc. d/b/a Foo", "Acme Ltd (formerly Bar Ltd)": the name before the marker is the one.
_OTHER_NAME_MARKERS = frozenset({"dba", "fka", "aka", "ta", "formerly", "vormals", "ehemals"})
_OTHER_NAME_PHRASES = (("trading", "as"), ("doing", "business", "as"), ("also", "known", "as"))
_OTHER_NAME_WORDS = _OTHER_NAME_MARKERS | {phrase[0] for phrase in _OTHER_NAME_PHRASES}


def _cut_other_names(segments: list[list[str]]) -> list[list[str]]:
    kept: list[list[str]] = []
    for segment in segments:
        if _OTHER_NAME_WORDS.isdisjoint(segment):
            kept.append(segment)
            continue
        for i, token in enumerate(segment):
            phrase = any(tuple(segment[i : i + len(p)]) == p for p in _OTHER_NAME_PHRASES)
            if (token in _OTHER_NAME_MARKERS or phrase) and (kept or i > 0):
                return [*kept, segment[:i]] if i > 0 else kept
        kept.append(segment)
    return kept


def _prepare(raw: str) -> list[list[str]]:
    """Fold `raw` into segments (split at commas, brackets, spaced dashes) of word tokens."""
    text = to_ascii(raw)
    if "." in text:
        text = _WEB_SUFFIX.sub("", text)
    if "&" in text:
        text = _INITIALISM_AMPERSAND.sub(r"\1\2", text)  # AT&T -> att, "P & G" -> pg
        text = text.replace("&", " and ")  # Johnson&Johnson = Johnson & Johnson
    if "'" in text or '"' in text or "`" in text:
        text = _APOSTROPHE.sub("", text)  # McDonald's -> mcdonalds
    if "." in text or "/" in text:
        text = _INITIALISM.sub(lambda m: _INITIALISM_PUNCTUATION.sub("", m.group(0)), text)
    parts = _SEGMENT_BREAK.split(text) if _BREAK_CHARACTER.search(text) else [text]
    # the runs of letters and digits: what `squash(part).split()` keeps
    segments = [_WORD.findall(part) for part in parts]
    return _cut_other_names([segment for segment in segments if segment])


# Legal-form spellings too short or too common to vouch that what follows is a place label.
_WEAK_FORMS = frozenset({("co",), ("company",), ("cie",), ("pty",), ("pl",), ("pt",), ("as",)})


def _strong(spelling: tuple[str, ...]) -> bool:
    return spelling not in _WEAK_FORMS and (len(spelling) > 1 or len(spelling[0]) >= 2)


_ENDS_REGION = 1
_ENDS_LEGAL_FORM = 2
_ENDS_PEELED_WORDS = 4


@lru_cache(maxsize=1 << 18)
def _suffix_flags(token: str) -> int:
    """Which suffixes `token` can end: a region, a legal form (or its typo), peeled words."""
    return (
        (_ENDS_REGION if could_end_region(token) else 0)
        | (_ENDS_LEGAL_FORM if could_end_legal_form(token) else 0)
        | (_ENDS_PEELED_WORDS if token in _PEELED_LAST_WORDS else 0)
    )


class _Parts:
    """Mutable working state of one name while suffixes are peeled off."""

    def __init__(self, segments: list[list[str]]) -> None:
        self.tokens: list[str] = list(chain.from_iterable(segments))
        # Token positions where a segment after a comma, bracket or spaced dash begins.
        self.starts: set[int] = set(accumulate(map(len, segments[:-1])))
        self.legal_form: str | None = None
        self.region: str | None = None

    def drop_tail(self, size: int) -> None:
        del self.tokens[-size:]

    def drop_head(self, size: int) -> None:
        del self.tokens[:size]
        self.starts = {start - size for start in self.starts if start > size}

    def peel_region(self) -> bool:
        if not could_end_region(self.tokens[-1]):
            return False
        for size in (5, 4, 3, 2, 1):  # "Federal Republic of Germany", "United States of America"
            if size >= len(self.tokens):
                continue
            tail = tuple(self.tokens[-size:])
            separated = len(self.tokens) - size in self.starts
            if not separated and self.tokens[-size - 1] in REGION_GUARDS:
                continue
            label = region_label(
                " ".join(tail), separated=separated, remaining=len(self.tokens) - size
            )
            if label is not None:
                self.region = self.region or label
                self.drop_tail(size)
                return True
        return False

    def peel_legal_form(self) -> bool:
        found = match_suffix(tuple(self.tokens))
        if found is None or found[1] >= len(self.tokens):
            return False
        self.legal_form = self.legal_form or found[0]
        self.drop_tail(found[1])
        return True

    def peel_label_after_legal_form(self) -> bool:
        # "Acme GmbH & Co. KG München", "Acme AB (publ) Stockholm": a place after the legal form.
        for size in (1, 2):
            head = tuple(self.tokens[:-size])
            found = match_suffix(head)
            if found is None or found[1] >= len(head) or not _strong(head[-found[1] :]):
                continue
            label = place_label(" ".join(self.tokens[-size:]))
            if label is not None:
                self.region = self.region or label
                self.drop_tail(size)
                return True
        return False

    def peel_status(self) -> bool:
        for size in (3, 2, 1):
            if size < len(self.tokens) and tuple(self.tokens[-size:]) in _STATUS_SUFFIXES:
                self.drop_tail(size)
                return True
        return False

    def peel_word(self, words: frozenset[str]) -> bool:
        if len(self.tokens) > 1 and self.tokens[-1] in words:
            self.drop_tail(1)
            return True
        return False

    def peel_prefix(self) -> None:
        if len(self.tokens) > 1 and self.tokens[0] in _ARTICLES:
            self.drop_head(1)
        for prefix, code in _PREFIX_FORMS_BY_FIRST_WORD.get(self.tokens[0], ()):
            if len(self.tokens) > len(prefix) and tuple(self.tokens[: len(prefix)]) == prefix:
                self.drop_head(len(prefix))
                self.legal_form = self.legal_form or code
                return

    def quiet(self) -> bool:
        """Whether no suffix step below can apply: a cheap look at the last three tokens."""
        tokens = self.tokens
        if len(tokens) < 2:
            return True
        return not (
            _suffix_flags(tokens[-1])
            # a place after a legal form ends in one or two words
            or _suffix_flags(tokens[-2]) & _ENDS_LEGAL_FORM
            or (len(tokens) > 2 and _suffix_flags(tokens[-3]) & _ENDS_LEGAL_FORM)
        )

    def peel(self) -> None:
        if len(self.tokens) > 1 and self.tokens[0] in _ARTICLES:
            self.drop_head(1)
        while not self.quiet() and (
            self.peel_region()
            or self.peel_legal_form()
            or self.peel_status()
            or self.peel_label_after_legal_form()
            or self.peel_word(_ARTICLES)
            or self.peel_word(_CONJUNCTIONS)
        ):
            pass
        self.peel_prefix()


@lru_cache(maxsize=1)
def _reserved() -> frozenset[str]:
    # Words a digraph collapse must not produce, or a second pass would peel them off.
    words = {w for spelling in spelling_index() for w in spelling}
    words |= {w for label in BARE_REGIONS for w in label.split()}
    return frozenset(words | _ARTICLES | _CONJUNCTIONS | REGION_GUARDS | _OTHER_NAME_MARKERS)


@lru_cache(maxsize=1 << 18)
def _canonical(token: str) -> str:
    aliased = canonical_token(token)
    if aliased != token:
        return aliased
    collapsed = collapse_digraphs(token)
    return token if collapsed in _reserved() else canonical_token(collapsed)


# A standardized name: its tokens, legal form and region.
_Standardized = tuple[list[str], str | None, str | None]


def _non_latin(raw: str) -> _Standardized | None:
    words, legal_form = non_latin_words(raw)
    if not words:
        return None
    # Casefolding can produce a letter that does transliterate (U+0345 -> iota).
    segments = _prepare(" ".join(words))
    if segments:
        tokens, inner_form, region = _latin(segments)
        return tokens, inner_form or legal_form, region
    return words, legal_form, None


def _latin(segments: list[list[str]]) -> _Standardized:
    parts = _Parts(segments)
    parts.peel()
    tokens = [_canonical(t) for t in parts.tokens]
    # A canonical spelling can expose a new suffix ("Acme Company Co"); peel to a fixed point.
    while True:
        again = _Parts([tokens])
        again.peel()
        again_tokens = [_canonical(t) for t in again.tokens]
        if again_tokens == tokens:
            break
        tokens = again_tokens
        parts.legal_form = parts.legal_form or again.legal_form
        parts.region = parts.region or again.region
    return tokens, parts.legal_form, parts.region


def _standardized(raw: str) -> _Standardized | None:
    segments = _prepare(raw)
    return _latin(segments) if segments else _non_latin(raw)


@lru_cache(maxsize=65536)
def normalize_org_name(raw: str | None) -> OrgName | None:
    """Standardize an organisation name; None when it has no letters or digits at all."""
    found = None if raw is None else _standardized(raw)
    if raw is None or found is None:
        return None
    tokens, legal_form, region = found
    return OrgName(raw, " ".join(tokens), tuple(tokens), legal_form, region)


def clean_and_legal_form(raw: str) -> tuple[str, str | None] | None:
    """`normalize_org_name(raw)`'s clean name and legal form, uncached and without an OrgName:
    for callers that read each of many names once."""
    found = _standardized(raw)
    return None if found is None else (" ".join(found[0]), found[1])
