"""Blocking keys of one value: the small functions both the batch path and the index call.

The batch path runs them once per distinct value, the index once per record it is asked about,
so the two can never disagree about a record's keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from matching.config import BlockingRule

_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "at", "de", "la", "du", "der", "und"})
_SOUNDEX = {
    c: d for d, letters in enumerate(("bfpv", "cgjkqsxz", "dt", "l", "mn", "r"), 1) for c in letters
}
# joins a child's parent to each of its keys: children only meet inside their parent
SCOPE_SEPARATOR = "\x1f"
DEFAULT_WINDOW = 5
DEFAULT_PREFIX = 4


def soundex(word: str) -> str:
    """American Soundex code of a word ("robert" -> "r163"); empty for a non-alphabetic word."""
    letters = [c for c in word.lower() if c.isalpha()]
    if not letters:
        return ""
    code, last = letters[0], _SOUNDEX.get(letters[0])
    for c in letters[1:]:
        digit = _SOUNDEX.get(c)
        if digit is not None and digit != last:
            code += str(digit)
        if c not in "hw":
            last = digit
    return (code + "000")[:4]


def rule_name(rule: BlockingRule) -> str:
    """The rule's label in `Candidates.pairs_per_rule`."""
    return f"{rule.method}:{rule.field}"


def tokens_of(value: str | None) -> list[str]:
    """A value's distinct whitespace tokens, sorted (none for a missing value)."""
    return sorted(set(value.split())) if value else []


def usable(count: int, cap: int) -> bool:
    """Whether a key (or token) held by `count` records can block: shared, yet not too common."""
    return 1 < count <= cap


def choose_tokens(counted: Iterable[tuple[int, str]], rule: BlockingRule) -> list[str]:
    """A record's blocking tokens from its (frequency, token) pairs: the rarest usable ones."""
    ranked = sorted((f, t) for f, t in counted if usable(f, rule.max_block_size))
    chosen = ranked[: rule.param] if rule.param > 0 else ranked
    return [t for _, t in chosen]


def initials_of(value: str) -> str:
    """First letters of a value's words, small connecting words left out."""
    return "".join([t[0] for t in value.split() if t not in _ACRONYM_SKIP])


# the neighbourhood's names come back batch after batch: each one's initials are read once
# while it stays in the cache. A resolve-on-ingest neighbourhood is a few thousand names, so 32k
# holds several batches' worth; a bigger cache only costs memory, and a million-name batch run,
# which never sees a name twice, would fill it with no hits.
remembered_initials = lru_cache(maxsize=1 << 15)(initials_of)


def acronym_keys(value: str) -> list[str]:
    """Initials of the words, and the short words themselves: "ucla" meets "univ of cal la"."""
    initials = initials_of(value)
    keys = [initials] if len(initials) >= 3 else []
    keys.extend(t for t in value.split() if 3 <= len(t) <= 6 and t != initials)
    return list(dict.fromkeys(keys))


def single_key(value: str, rule: BlockingRule) -> str:
    """The one key of a present value under an exact, prefix or phonetic rule."""
    if rule.method == "prefix":
        return value[: rule.param or DEFAULT_PREFIX]
    if rule.method == "phonetic":
        return " ".join(soundex(t) for t in value.split())
    return value


def value_keys(value: str | None, rule: BlockingRule) -> list[str]:
    """Distinct keys of one value under a fixed-key rule (exact, prefix, phonetic, acronym)."""
    if not value:
        return []
    return acronym_keys(value) if rule.method == "acronym" else [single_key(value, rule)]


def scoped(parent: object, key: str) -> str:
    """A key made private to one parent."""
    return f"{parent or ''}{SCOPE_SEPARATOR}{key}"


def sort_value(value: str | None, parent: object, has_parent: bool) -> str | None:
    """What sorted neighbourhood sorts a record by (None: the record takes no part)."""
    if not value:
        return None
    return scoped(parent, value) if has_parent else value


def window_of(rule: BlockingRule) -> int:
    """How many sorted positions apart two records may be and still pair (at least 2)."""
    return max(rule.param or DEFAULT_WINDOW, 2)
