"""Name similarity for millions of pairs at once, equal to `matching.compare.name_similarity`.

Distinct names are split into sorted token ids once. A chunk of name pairs is exploded into
every (token of a, token of b) combination: equal tokens give the shared weight directly; the
leftover combinations need a token similarity, computed once per distinct token pair (cached
across chunks) with rapidfuzz in C++. The reference assigns near tokens greedily; that only
matters when a token has two near partners, which is rare, so those pairs (and only those)
run through the reference function itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import JaroWinkler, Prefix
from rapidfuzz.process import cpdist

from matching.blocking.columns import distinct
from matching.compare import (
    DISTINCT_WORDS_FACTOR,
    FUZZY_TOKEN_MIN_LENGTH,
    FUZZY_TOKEN_SIMILARITY,
    TokenWeights,
    _spellings,
    name_similarity,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# pairs per chunk: bounds the exploded token combinations held at once (~10 per pair)
CHUNK_PAIRS = 500_000


@dataclass(frozen=True, slots=True)
class Spellings:
    """Per vocabulary token, the long spellings of its alias group (CSR into `text`)."""

    indptr: IntArray
    ids: IntArray
    text: npt.NDArray[np.object_]
    length: IntArray

    @classmethod
    def of(cls, vocab: list[str]) -> Spellings:
        """Spellings of every token of `vocab` (none for most)."""
        table = _spellings()
        text: list[str] = []
        sizes = []
        for token in vocab:
            spelled = table.get(token, ())
            text.extend(spelled)
            sizes.append(len(spelled))
        indptr = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
        return cls(
            indptr=indptr,
            ids=np.arange(len(text), dtype=np.int64),
            text=np.array(text, dtype=object),
            length=np.array([len(t) for t in text], np.int64),
        )


@dataclass(frozen=True, slots=True)
class NameTokens:
    """Distinct names as sorted token ids (CSR), with IDF weights counted per record."""

    names: list[str]
    vocab: npt.NDArray[np.object_]
    length: IntArray
    spellings: Spellings
    indptr: IntArray
    tokens: IntArray
    weight: FloatArray
    total: FloatArray
    weights: TokenWeights

    @classmethod
    def build(cls, names: list[str], records_per_name: IntArray, n_records: int) -> NameTokens:
        """Tokenize distinct names; `records_per_name` counts the records holding each one."""
        split = list(map(_sorted_tokens, names))
        vocab = sorted({t for tokens in split for t in tokens})
        ids = {t: i for i, t in enumerate(vocab)}
        sizes = np.array([len(t) for t in split], np.int64)
        indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        flat = np.fromiter((ids[t] for tokens in split for t in tokens), np.int64, int(sizes.sum()))
        df = np.bincount(flat, weights=np.repeat(records_per_name, sizes), minlength=len(vocab))
        n = max(n_records, 1)
        # math.log, as `token_weights` does, so every weight is bit-for-bit the reference's
        weight = np.array([math.log((n + 1) / (c + 0.5)) for c in df.tolist()], np.float64)
        owner = np.repeat(np.arange(len(names)), sizes)
        total = np.bincount(owner, weights=weight[flat], minlength=len(names))
        return cls(
            names=names,
            vocab=np.array(vocab, dtype=object),
            length=np.array([len(t) for t in vocab], np.int64),
            spellings=Spellings.of(vocab),
            indptr=indptr,
            tokens=flat,
            weight=weight,
            total=np.asarray(total, np.float64),
            weights=TokenWeights(zip(vocab, weight.tolist(), strict=True)),
        )


# the neighbourhood's names come back batch after batch: each is split once while it stays in
# the cache. A resolve-on-ingest neighbourhood is a few thousand names, so 32k holds several
# batches' worth; a bigger cache only costs memory (tens of MB a process), and a
# million-name batch run, which never sees a name twice, would fill it with no hits.
@lru_cache(maxsize=1 << 15)
def _sorted_tokens(name: str) -> tuple[str, ...]:
    return tuple(sorted(set(name.split())))


@dataclass(slots=True)
class TokenPairCache:
    """Similarity of distinct token pairs (code = a * vocabulary size + b), grown per chunk."""

    tokens: NameTokens
    workers: int = 1
    codes: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    sims: FloatArray = field(default_factory=lambda: np.empty(0, np.float64))

    def lookup(self, x: IntArray, y: IntArray) -> FloatArray:
        """Similarity of each (x, y) token pair, computing the unseen ones."""
        size = len(self.tokens.vocab)
        wanted = x * size + y
        pos = np.searchsorted(self.codes, wanted)
        found = pos < len(self.codes)
        found[found] = self.codes[pos[found]] == wanted[found]
        if not found.all():
            new = distinct(wanted[~found])
            self._add(
                new, _token_pair_similarity(self.tokens, new // size, new % size, self.workers)
            )
            pos = np.searchsorted(self.codes, wanted)
        return self.sims[pos]

    def _add(self, codes: IntArray, sims: FloatArray) -> None:
        merged = np.concatenate([self.codes, codes])
        order = np.argsort(merged, kind="stable")
        self.codes = merged[order]
        self.sims = np.concatenate([self.sims, sims])[order]


def _plain(
    a: npt.NDArray[np.object_], b: npt.NDArray[np.object_], la: IntArray, lb: IntArray, workers: int
) -> FloatArray:
    """`_plain_token_similarity` in bulk: a prefix counts 0.9, else Jaro-Winkler when long."""
    short, long_ = np.minimum(la, lb), np.maximum(la, lb)
    out = np.zeros(len(a), np.float64)
    judged = short >= 3
    common = cpdist(a[judged], b[judged], scorer=Prefix.similarity, workers=workers)
    prefix = np.zeros(len(a), bool)
    prefix[judged] = np.asarray(common) == short[judged]
    out[prefix] = FUZZY_TOKEN_SIMILARITY
    fuzzy = judged & ~prefix & (long_ >= FUZZY_TOKEN_MIN_LENGTH)
    out[fuzzy] = cpdist(
        a[fuzzy],
        b[fuzzy],
        scorer=JaroWinkler.normalized_similarity,
        dtype=np.float64,
        workers=workers,
    )
    return out


def _ranges(starts: IntArray, sizes: IntArray) -> IntArray:
    """Concatenated ranges [start, start + size) as one index array."""
    offsets = np.arange(int(sizes.sum()), dtype=np.int64)
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + offsets


def _token_pair_similarity(
    tokens: NameTokens, x: IntArray, y: IntArray, workers: int
) -> FloatArray:
    """`token_similarity` for distinct token pairs: also against every long alias spelling."""
    out = _plain(tokens.vocab[x], tokens.vocab[y], tokens.length[x], tokens.length[y], workers)
    sp = tokens.spellings
    for own, other in ((x, y), (y, x)):
        # a token against each spelling of the other's alias: "ijdustries" meets "ind"
        sizes = sp.indptr[other + 1] - sp.indptr[other]
        if not sizes.any():
            continue
        which = np.repeat(np.arange(len(x)), sizes)
        spelled = sp.ids[_ranges(sp.indptr[other], sizes)]
        sims = _plain(
            tokens.vocab[own[which]],
            sp.text[spelled],
            tokens.length[own[which]],
            sp.length[spelled],
            workers,
        )
        np.maximum.at(out, which, sims)
    return out


@dataclass(frozen=True, slots=True)
class _Combos:
    """Every (token of a, token of b) combination of a chunk of name pairs."""

    pair: IntArray
    x: IntArray
    y: IntArray
    x_slot: IntArray
    y_slot: IntArray
    n_slots_a: int
    n_slots_b: int


def _explode(tokens: NameTokens, ia: IntArray, ib: IntArray) -> _Combos:
    la = tokens.indptr[ia + 1] - tokens.indptr[ia]
    lb = tokens.indptr[ib + 1] - tokens.indptr[ib]
    per_pair = la * lb
    pair = np.repeat(np.arange(len(ia)), per_pair)
    start = np.concatenate([[0], np.cumsum(per_pair)[:-1]]).astype(np.int64)
    offset = np.arange(int(per_pair.sum()), dtype=np.int64) - start[pair]
    xi, yi = offset // lb[pair], offset % lb[pair]
    a_slot0 = np.concatenate([[0], np.cumsum(la)[:-1]]).astype(np.int64)
    b_slot0 = np.concatenate([[0], np.cumsum(lb)[:-1]]).astype(np.int64)
    return _Combos(
        pair=pair,
        x=tokens.tokens[tokens.indptr[ia][pair] + xi],
        y=tokens.tokens[tokens.indptr[ib][pair] + yi],
        x_slot=a_slot0[pair] + xi,
        y_slot=b_slot0[pair] + yi,
        n_slots_a=int(la.sum()),
        n_slots_b=int(lb.sum()),
    )


def _chunk_similarity(
    tokens: NameTokens, cache: TokenPairCache, ia: IntArray, ib: IntArray
) -> FloatArray:
    n = len(ia)
    c = _explode(tokens, ia, ib)
    w = tokens.weight
    eq = c.x == c.y
    shared: FloatArray = np.asarray(
        np.bincount(c.pair[eq], weights=w[c.x[eq]], minlength=n), np.float64
    )
    n_eq = np.bincount(c.pair[eq], minlength=n)
    x_taken = np.zeros(c.n_slots_a, bool)
    x_taken[c.x_slot[eq]] = True
    y_taken = np.zeros(c.n_slots_b, bool)
    y_taken[c.y_slot[eq]] = True
    rest = np.flatnonzero(~x_taken[c.x_slot] & ~y_taken[c.y_slot])
    sims = cache.lookup(c.x[rest], c.y[rest])
    near = rest[sims >= FUZZY_TOKEN_SIMILARITY]
    near_sims = sims[sims >= FUZZY_TOKEN_SIMILARITY]
    # a token with two near partners makes the greedy order matter: the reference decides
    ambiguous = np.zeros(n, bool)
    for slots, size in ((c.x_slot[near], c.n_slots_a), (c.y_slot[near], c.n_slots_b)):
        per_slot = np.bincount(slots, minlength=size)
        ambiguous[c.pair[near][per_slot[slots] > 1]] = True
    clear = ~ambiguous[c.pair[near]]
    chosen = near[clear]
    gain = near_sims[clear] * np.minimum(w[c.x[chosen]], w[c.y[chosen]])
    shared = shared + np.bincount(c.pair[chosen], weights=gain, minlength=n)
    matched = n_eq + np.bincount(c.pair[chosen], minlength=n)
    out = _combine(tokens, ia, ib, shared, n_eq, matched)
    for k in np.flatnonzero(ambiguous).tolist():
        out[k] = name_similarity(tokens.names[ia[k]], tokens.names[ib[k]], tokens.weights)
    return out


def _combine(
    tokens: NameTokens,
    ia: IntArray,
    ib: IntArray,
    shared: FloatArray,
    n_eq: IntArray,
    matched: IntArray,
) -> FloatArray:
    la = tokens.indptr[ia + 1] - tokens.indptr[ia]
    lb = tokens.indptr[ib + 1] - tokens.indptr[ib]
    wa, wb = tokens.total[ia], tokens.total[ib]
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = 2 * shared / (wa + wb)
        containment = shared / np.minimum(wa, wb)
    distinct_words = (la - matched > 0) & (lb - matched > 0)
    out = np.where(
        distinct_words, dice * DISTINCT_WORDS_FACTOR, np.minimum(1.0, (dice + containment) / 2)
    )
    degenerate = (wa <= 0) | (wb <= 0)
    same_set = (la == lb) & (n_eq == la)
    out[degenerate] = np.where(same_set[degenerate], 1.0, 0.0)
    return np.asarray(out, np.float64)


def pair_similarity(
    tokens: NameTokens, ia: Sequence[int] | IntArray, ib: Sequence[int] | IntArray, workers: int = 1
) -> FloatArray:
    """Name similarity of each (names[ia[k]], names[ib[k]]), in chunks of bounded memory."""
    left, right = np.asarray(ia, np.int64), np.asarray(ib, np.int64)
    cache = TokenPairCache(tokens, workers)
    out = np.empty(len(left), np.float64)
    for start in range(0, len(left), CHUNK_PAIRS):
        end = start + CHUNK_PAIRS
        out[start:end] = _chunk_similarity(tokens, cache, left[start:end], right[start:end])
    return out
