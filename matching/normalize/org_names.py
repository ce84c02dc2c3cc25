"""Organisation names: a comparable core name with legal form and regional label split off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from matching.normalize.aliases import BARE_REGIONS, REGION_GUARDS, canonical_token
from matching.normalize.legal_forms import spelling_index
from matching.normalize.non_latin import non_latin_words
from matching.normalize.org_suffixes import ARTICLES, CONJUNCTIONS, Parts, settled
from matching.normalize.text import collapse_digraphs, to_ascii


@dataclass(frozen=True, slots=True)
class OrgName:
    """A standardized organisation name."""

    raw: str
    clean: str
    tokens: tuple[str, ...]
    legal_form: str | None
    region: str | None


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


@lru_cache(maxsize=1)
def _reserved() -> frozenset[str]:
    # Words a digraph collapse must not produce, or a second pass would peel them off.
    words = {w for spelling in spelling_index() for w in spelling}
    words |= {w for label in BARE_REGIONS for w in label.split()}
    return frozenset(words | ARTICLES | CONJUNCTIONS | REGION_GUARDS | _OTHER_NAME_MARKERS)


@lru_cache(maxsize=65536)
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
    parts = Parts(segments)
    parts.peel()
    tokens = list(map(_canonical, parts.tokens))
    # Most names: a second pass peels nothing and their canonical spelling is canonical.
    if settled(tokens) and (tokens == parts.tokens or list(map(_canonical, tokens)) == tokens):
        return tokens, parts.legal_form, parts.region
    # A canonical spelling can expose a new suffix ("Acme Company Co"); peel to a fixed point.
    while True:
        again = Parts([tokens])
        again.peel()
        again_tokens = list(map(_canonical, again.tokens))
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
