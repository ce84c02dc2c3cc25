"""Comparisons as ordered levels: 0 null, 1 exact, 2.. similarity thresholds, last else."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from matching.config import ComparisonSpec
from matching.normalize.aliases import alias_index
from matching.normalize.regions import place_words

LevelArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
NULL_LEVEL = 0
EXACT_LEVEL = 1
# a typo'd token still counts as shared when it is this close (and long enough to judge)
FUZZY_TOKEN_SIMILARITY = 0.9
FUZZY_TOKEN_MIN_LENGTH = 5
# share of the Dice similarity left when each name has a word the other lacks
DISTINCT_WORDS_FACTOR = 0.75


class TokenWeights(dict[str, float]):
    """Token -> weight, with the weight an unseen token gets (the rarest's) computed once."""

    @property
    def default(self) -> float:
        """Weight of a token never seen: as rare as the rarest."""
        cached: float | None = self.__dict__.get("_default")
        if cached is None:
            cached = self.__dict__["_default"] = max(self.values(), default=1.0)
        return cached


def token_weights(values: Sequence[str | None]) -> TokenWeights:
    """Inverse document frequency of every token: rare tokens weigh more than common ones."""
    df = Counter(t for v in values if v for t in set(v.split()))
    n = max(len(values), 1)
    return TokenWeights({t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()})


def _default_weight(weights: dict[str, float]) -> float:
    if isinstance(weights, TokenWeights):
        return weights.default
    return max(weights.values(), default=1.0)


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[str, ...]]:
    # canonical alias token -> its long spellings, so a typo'd "ijdustries" still meets "ind"
    out: dict[str, list[str]] = {}
    for spelling, canonical in alias_index().items():
        if len(spelling) >= FUZZY_TOKEN_MIN_LENGTH and spelling != canonical:
            out.setdefault(canonical, []).append(spelling)
    return {k: tuple(v) for k, v in out.items()}


def token_similarity(a: str, b: str) -> float:
    """How far two different tokens count as one: truncation, typo, or a typo'd alias spelling."""
    spelled = _spellings()
    plain = _plain_token_similarity(a, b)
    if a not in spelled and b not in spelled:  # most tokens: no alias spelling to try
        return plain if plain > 0.0 else 0.0
    best = max(
        (_plain_token_similarity(x, s) for x, y in ((a, b), (b, a)) for s in spelled.get(y, ())),
        default=0.0,
    )
    return max(best, plain)


def _plain_token_similarity(a: str, b: str) -> float:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3:
        return 0.0
    if long_.startswith(short):
        # "medi" / "media", "grou" / "group": a field cut short, not another word
        return FUZZY_TOKEN_SIMILARITY
    if len(long_) < FUZZY_TOKEN_MIN_LENGTH:
        return 0.0
    return float(JaroWinkler.normalized_similarity(a, b))


def _fuzzy_shared(
    rest_a: list[str], rest_b: list[str], weights: dict[str, float], default: float
) -> tuple[float, int]:
    """Weight shared through near-equal tokens, and how many tokens of `rest_a` found none."""
    shared, unmatched = 0.0, 0
    for ta in rest_a:
        best, best_t = 0.0, ""
        for tb in rest_b:
            sim = token_similarity(ta, tb)
            if sim > best:
                best, best_t = sim, tb
        if best >= FUZZY_TOKEN_SIMILARITY:
            rest_b.remove(best_t)
            shared += best * min(weights.get(ta, default), weights.get(best_t, default))
        else:
            unmatched += 1
    return shared, unmatched


# a pure function of the two names, met again by the dedupe after a probe and batch after batch
@lru_cache(maxsize=1 << 16)
def names_diverge(a: str, b: str) -> bool:
    """True when two names start with the same brand and each keeps a word the other lacks:
    "acme bau" / "acme systeme", not "acme" / "acme bau", "acme" / "zenith", a renamed
    "belira capital" / "almont capital", nor an office's place ("acme" / "acme fukuoka")."""
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b or not _same_word(words_a[0], words_b[0]):
        return False
    ta, tb = set(words_a), set(words_b)
    rest_b = sorted(tb - ta)
    _, unmatched_a = _fuzzy_shared(sorted(ta - tb), rest_b, {}, 1.0)
    if not unmatched_a or not rest_b:
        return False
    rest_a = [t for t in ta - tb if not any(_same_word(t, u) for u in tb)]
    places = place_words(words_a) | place_words(words_b)
    return bool(_distinctive(rest_a, rest_b, places)) and bool(_distinctive(rest_b, rest_a, places))


def _same_word(a: str, b: str) -> bool:
    return a == b or token_similarity(a, b) >= FUZZY_TOKEN_SIMILARITY


# words that join a name's parts, not words that tell two companies apart
_CONNECTORS = frozenset({"and", "the", "of", "for", "de", "du", "des", "la", "le", "et", "und"})


def _distinctive(words: list[str], others: list[str], places: set[str]) -> list[str]:
    # one letter off ("ala" / "alta") is a typo; a city or country is an office, not a company
    return [
        w
        for w in words
        if w not in places
        and w not in _CONNECTORS
        and all(Levenshtein.distance(w, o) > 1 for o in others)
    ]


def name_similarity(a: str, b: str, weights: dict[str, float]) -> float:
    """Term-frequency weighted token similarity in [0, 1]: mean of weighted Dice and containment.

    When each name keeps a word the other lacks ("acme bau" / "acme systeme"), neither contains
    the other: sister companies of one brand look like this, so only half the Dice counts.
    """
    ta, tb = set(a.split()), set(b.split())
    default = _default_weight(weights)
    wa = sum(weights.get(t, default) for t in ta)
    wb = sum(weights.get(t, default) for t in tb)
    if wa <= 0 or wb <= 0:
        return 1.0 if ta == tb else 0.0
    shared = sum(weights.get(t, default) for t in ta & tb)
    rest_b = sorted(tb - ta)
    fuzzy, unmatched_a = _fuzzy_shared(sorted(ta - tb), rest_b, weights, default)
    shared += fuzzy
    dice = 2 * shared / (wa + wb)
    if unmatched_a and rest_b:
        return dice * DISTINCT_WORDS_FACTOR
    containment = shared / min(wa, wb)
    return min(1.0, (dice + containment) / 2)


def _number_similarity(a: str, b: str) -> float:
    x, y = float(a), float(b)
    scale = max(abs(x), abs(y))
    return 1.0 if scale == 0 else 1.0 - abs(x - y) / scale


def days_apart(a: list[str], b: list[str]) -> FloatArray:
    """Days between aligned YYYYMMDD dates; infinite where either does not parse."""
    da = pd.to_datetime(pd.Series(a, dtype=object), format="%Y%m%d", errors="coerce")
    db = pd.to_datetime(pd.Series(b, dtype=object), format="%Y%m%d", errors="coerce")
    days = (da - db).dt.days.abs().to_numpy(np.float64, na_value=np.inf)
    return np.asarray(days, np.float64)


def similarities(
    spec: ComparisonSpec,
    a: list[str],
    b: list[str],
    weights: dict[str, float] | None,
    workers: int = 1,
) -> FloatArray:
    """Similarity in [0, 1] of aligned non-null value lists, by the comparison's kind."""
    if not a:
        return np.empty(0, np.float64)
    if spec.kind == "string":
        sims = cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=workers)
        return np.asarray(sims, np.float64)
    if spec.kind in ("date", "edit"):
        sims = cpdist(a, b, scorer=Levenshtein.normalized_similarity, workers=workers)
        return np.asarray(sims, np.float64)
    if spec.kind == "days":
        # a distance, not a similarity: negated so that "higher is closer" holds for every kind
        return -days_apart(a, b)
    if spec.kind == "number":
        return np.array([_number_similarity(x, y) for x, y in zip(a, b, strict=True)], np.float64)
    if spec.kind == "name":
        w = weights if weights is not None else TokenWeights()
        return np.array([name_similarity(x, y, w) for x, y in zip(a, b, strict=True)], np.float64)
    return np.zeros(len(a), np.float64)


def levels_for(
    spec: ComparisonSpec,
    left: Sequence[str | None],
    right: Sequence[str | None],
    weights: dict[str, float] | None = None,
) -> LevelArray:
    """Level of every aligned (left, right) value pair; a missing value is the null level."""
    n = len(left)
    out = np.full(n, spec.n_levels - 1, np.int8)
    present = [i for i in range(n) if left[i] is not None and right[i] is not None]
    null = np.ones(n, bool)
    null[present] = False
    out[null] = NULL_LEVEL
    exact = [i for i in present if left[i] == right[i]]
    out[exact] = EXACT_LEVEL
    fuzzy = [i for i in present if left[i] != right[i]]
    if spec.thresholds and fuzzy:
        sims = similarities(
            spec, [str(left[i]) for i in fuzzy], [str(right[i]) for i in fuzzy], weights
        )
        out[fuzzy] = fuzzy_levels(spec, sims)
    return out


def fuzzy_levels(spec: ComparisonSpec, sims: FloatArray) -> LevelArray:
    """Level of each similarity of two different values: the strictest threshold it clears."""
    levels = np.full(len(sims), spec.n_levels - 1, np.int8)
    sign = -1.0 if spec.kind == "days" else 1.0
    # thresholds run from strictest to loosest; the first one cleared wins
    for k in range(len(spec.thresholds) - 1, -1, -1):
        levels[sims >= sign * spec.thresholds[k]] = k + 2
    return levels


def compare(
    prepared: pd.DataFrame,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    comparisons: tuple[ComparisonSpec, ...],
) -> LevelArray:
    """Level matrix (pairs x comparisons) for the candidate pairs."""
    out = np.zeros((len(left), len(comparisons)), np.int8)
    for c, spec in enumerate(comparisons):
        column = prepared[spec.field].to_numpy(dtype=object)
        weights = token_weights(column.tolist()) if spec.kind == "name" else None
        out[:, c] = levels_for(spec, column[left].tolist(), column[right].tolist(), weights)
    return out
