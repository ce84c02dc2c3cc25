"""Peeling an organisation name's suffixes (legal form, region, status) and prefix forms."""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate, chain

from matching.normalize.aliases import REGION_GUARDS
from matching.normalize.legal_forms import could_end_legal_form, match_suffix
from matching.normalize.regions import could_end_region, place_label, region_label

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
_PREFIXES_BY_FIRST_WORD = {
    first: [(prefix, code) for prefix, code in _PREFIX_FORMS.items() if prefix[0] == first]
    for first in {prefix[0] for prefix in _PREFIX_FORMS}
}
ARTICLES = frozenset({"the"})
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
CONJUNCTIONS = frozenset({"and"})
# Last words of the suffixes peeled by a plain word match (legal forms and regions aside).
_PEELED_LAST_WORDS = ARTICLES | CONJUNCTIONS | {suffix[-1] for suffix in _STATUS_SUFFIXES}

# Legal-form spellings too short or too common to vouch that what follows is a place label.
_WEAK_FORMS = frozenset({("co",), ("company",), ("cie",), ("pty",), ("pl",), ("pt",), ("as",)})


def _strong(spelling: tuple[str, ...]) -> bool:
    return spelling not in _WEAK_FORMS and (len(spelling) > 1 or len(spelling[0]) >= 2)


_ENDS_REGION = 1
_ENDS_LEGAL_FORM = 2
_ENDS_PEELED_WORDS = 4


@lru_cache(maxsize=65536)
def _suffix_flags(token: str) -> int:
    """Which suffixes `token` can end: a region, a legal form (or its typo), peeled words."""
    return (
        (_ENDS_REGION if could_end_region(token) else 0)
        | (_ENDS_LEGAL_FORM if could_end_legal_form(token) else 0)
        | (_ENDS_PEELED_WORDS if token in _PEELED_LAST_WORDS else 0)
    )


class Parts:
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
        if _leading_article(self.tokens):
            self.drop_head(1)
        found = _prefix_form(self.tokens)
        if found is not None:
            self.drop_head(len(found[0]))
            self.legal_form = self.legal_form or found[1]

    def peel(self) -> None:
        """Peel suffixes to a fixed point, then the prefix forms."""
        if _leading_article(self.tokens):
            self.drop_head(1)
        while not _quiet(self.tokens) and (
            self.peel_region()
            or self.peel_legal_form()
            or self.peel_status()
            or self.peel_label_after_legal_form()
            or self.peel_word(ARTICLES)
            or self.peel_word(CONJUNCTIONS)
        ):
            pass
        self.peel_prefix()


def _leading_article(tokens: list[str]) -> bool:
    return len(tokens) > 1 and tokens[0] in ARTICLES


def _prefix_form(tokens: list[str]) -> tuple[tuple[str, ...], str] | None:
    for prefix, code in _PREFIXES_BY_FIRST_WORD.get(tokens[0], ()):
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            return prefix, code
    return None


def _quiet(tokens: list[str]) -> bool:
    """Whether no suffix step can apply: a cheap look at the last three tokens."""
    size = len(tokens)
    if size < 2:
        return True
    flags = _suffix_flags
    # a place after a legal form ends in one or two words
    if flags(tokens[-1]) or flags(tokens[-2]) & _ENDS_LEGAL_FORM:
        return False
    return size == 2 or not flags(tokens[-3]) & _ENDS_LEGAL_FORM


def settled(tokens: list[str]) -> bool:
    """Whether `Parts([tokens]).peel()` would leave `tokens` as they are."""
    return not _leading_article(tokens) and _quiet(tokens) and _prefix_form(tokens) is None
