"""The in-memory token index behind golden-record search: bounded work per query.

Labels are standardized names (see `mdm.golden.search`). A query's tokens find the index's
tokens equal to them, starting with them (typing in progress) or close to them (typos); the
golden records holding those tokens are the candidates, at most `MAX_CANDIDATES` of them, rarest
tokens first; only they are scored. So a query costs one pass over the distinct tokens and a
bounded scoring, however many golden records the hub holds.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MAX_CANDIDATES = 5_000
MAX_QUERY_TOKENS = 8
CLOSE_TOKENS = 10  # typo neighbours of one query token
PREFIX_TOKENS = 50
MIN_TOKEN_SCORE = 80.0
MIN_PREFIX = 3
PREFIX_SCORE = 90.0  # below an equal name's 100


@dataclass(frozen=True)
class Scored:
    """A golden record, its best label (as given) and that label's score."""

    golden_id: str
    label: str
    score: float
    closeness: float  # plain similarity, to order equal scores


class TokenIndex:
    """Labels of golden records of one entity type, with token postings kept current."""

    def __init__(self) -> None:
        self._labels: dict[str, list[tuple[str, str]]] = {}  # golden id -> (raw, standardized)
        self._postings: dict[str, set[str]] = defaultdict(set)  # token -> golden ids
        self._vocabulary: list[str] | None = []  # sorted tokens; None when stale

    def __len__(self) -> int:
        return len(self._labels)

    def put(self, golden_id: str, labels: list[tuple[str, str]]) -> None:
        """Index (or re-index) a golden record's labels; none removes it."""
        self.drop(golden_id)
        if not labels:
            return
        self._labels[golden_id] = labels
        for token in _tokens(std for _raw, std in labels):
            if token not in self._postings:
                self._vocabulary = None
            self._postings[token].add(golden_id)

    def drop(self, golden_id: str) -> None:
        """Forget a golden record."""
        for token in _tokens(std for _raw, std in self._labels.pop(golden_id, [])):
            holders = self._postings.get(token)
            if holders is not None:
                holders.discard(golden_id)
                if not holders:
                    del self._postings[token]
                    self._vocabulary = None

    def search(self, query: str, first: int, min_score: float) -> list[Scored]:
        """The `first` best golden records for a standardized query, best first."""
        candidates = self._candidates(query.split()[:MAX_QUERY_TOKENS])
        scored = [self._score(gid, query) for gid in candidates]
        kept = [s for s in scored if s.score >= min_score]
        kept.sort(key=lambda s: (-s.score, -s.closeness, s.golden_id))
        return kept[:first]

    def _candidates(self, tokens: list[str]) -> set[str]:
        matched: set[str] = set()
        for token in tokens:
            matched |= self._near(token)
        found: set[str] = set()
        # Rarest tokens first: they say the most, and common ones cannot crowd them out.
        for token in sorted(matched, key=lambda t: (len(self._postings[t]), t)):
            holders = self._postings[token]
            if found and len(found) + len(holders) > MAX_CANDIDATES:
                break
            if len(holders) > MAX_CANDIDATES:  # one token so common it names nothing: a slice
                holders = set(sorted(holders)[:MAX_CANDIDATES])
            found |= holders
        return found

    def _near(self, token: str) -> set[str]:
        vocabulary = self._sorted_vocabulary()
        near = {token} & self._postings.keys()
        if len(token) >= MIN_PREFIX:
            start = bisect.bisect_left(vocabulary, token)
            for other in vocabulary[start : start + PREFIX_TOKENS]:
                if not other.startswith(token):
                    break
                near.add(other)
            close = process.extract(
                token,
                vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=MIN_TOKEN_SCORE,
                limit=CLOSE_TOKENS,
            )
            near |= {other for other, _score, _i in close}
        return near

    def _sorted_vocabulary(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = sorted(self._postings)
        return self._vocabulary

    def _score(self, golden_id: str, query: str) -> Scored:
        best = Scored(golden_id, "", -1.0, -1.0)
        for raw, std in self._labels[golden_id]:
            score = max(fuzz.token_set_ratio(query, std), _prefix_score(query, std))
            closeness = fuzz.ratio(query, std)
            if (score, closeness) > (best.score, best.closeness):
                best = Scored(golden_id, raw, round(score, 2), closeness)
        return best


def _prefix_score(query: str, label: str) -> float:
    """`PREFIX_SCORE` when each query token starts a token of the label (typing in progress)."""
    tokens = label.split()
    wanted = query.split()
    if wanted and all(any(t.startswith(w) for t in tokens) for w in wanted):
        return PREFIX_SCORE
    return 0.0


def _tokens(texts: Iterable[str]) -> set[str]:
    return {token for text in texts for token in text.split()}
