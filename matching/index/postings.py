"""Rows per key, kept up to date without a rebuild: a frozen base grouped at build time and the
changes since (rows added to a key, base rows whose keys no longer hold)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sortedcontainers import SortedList

from matching.blocking import Keyed

IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class Rows:
    """Which rows still hold their build-time keys: the base is never rewritten, rows leave it."""

    base_size: int
    # base rows removed or updated since the build: their base keys are void
    revised: set[int] = field(default_factory=set)

    def in_base(self, row: int) -> bool:
        """Whether the row's keys are the ones grouped at build time."""
        return row < self.base_size and row not in self.revised


class Postings:
    """Rows per key. A key's count and members cost a dict lookup, never a scan of the index."""

    def __init__(self, keyed: Keyed, rows: Rows) -> None:
        self._block = dict(zip(keyed.names, range(len(keyed.names)), strict=True))
        self._starts = keyed.starts
        # sizes as Python ints: counting is the hot path of every query
        self._sizes: list[int] = keyed.sizes().tolist()
        self._rows = keyed.rows.astype(np.int32)
        self._base = rows
        # base block -> how many of its rows have left it
        self._gone: dict[int, int] = {}
        self._added: dict[str, set[int]] = {}

    def count(self, key: str) -> int:
        """How many rows hold the key."""
        block = self._block.get(key)
        base = 0
        if block is not None:
            base = self._sizes[block] - self._gone.get(block, 0)
        added = self._added.get(key)
        return base + (len(added) if added else 0)

    def members(self, key: str) -> list[int]:
        """The rows holding the key."""
        out: list[int] = []
        block = self._block.get(key)
        if block is not None:
            start = self._starts.item(block)
            base = self._rows[start : start + self._sizes[block]].tolist()
            gone = self._gone.get(block, 0)
            out = [r for r in base if self._base.in_base(r)] if gone else base
        added = self._added.get(key)
        return out + sorted(added) if added else out

    def add(self, key: str, row: int) -> int:
        """Record that the row holds the key (a row outside the base); the key's new count."""
        self._added.setdefault(key, set()).add(row)
        return self.count(key)

    def discard(self, key: str, row: int) -> int:
        """Record that the row no longer holds the key; the key's new count.

        Call it for every key of a base row before the row is marked revised.
        """
        if self._base.in_base(row):
            block = self._block[key]
            self._gone[block] = self._gone.get(block, 0) + 1
        else:
            added = self._added[key]
            added.discard(row)
            if not added:
                del self._added[key]
        return self.count(key)


class TokenCounts:
    """Token postings of one field and how many tokens each frequency has, so the rarest token's
    frequency (the unseen-token weight of name comparisons) is known without a scan."""

    def __init__(self, keyed: Keyed, rows: Rows) -> None:
        self.postings = Postings(keyed, rows)
        sizes = keyed.sizes()
        present = np.flatnonzero(np.bincount(sizes))
        counts = np.bincount(sizes)[present]
        self._tokens_with = {int(f): int(c) for f, c in zip(present, counts, strict=True) if f}
        self._frequencies = SortedList(self._tokens_with)

    def count(self, token: str) -> int:
        """How many records hold the token."""
        return self.postings.count(token)

    def add(self, tokens: Iterable[str], row: int) -> None:
        """A row now holds these tokens."""
        for token in tokens:
            count = self.postings.add(token, row)
            self._move(count - 1, count)

    def discard(self, tokens: Iterable[str], row: int) -> None:
        """A row no longer holds these tokens."""
        for token in tokens:
            count = self.postings.discard(token, row)
            self._move(count + 1, count)

    def rarest(self, change: Mapping[str, int]) -> int | None:
        """The lowest token frequency once `change` (token -> +1/-1) applies (None: no tokens)."""
        shift: dict[int, int] = {}
        for token, delta in change.items():
            before = self.count(token)
            if delta and before:
                shift[before] = shift.get(before, 0) - 1
            if delta and before + delta:
                shift[before + delta] = shift.get(before + delta, 0) + 1
        # the first few frequencies suffice: `change` can empty at most len(change) of them
        for found in self._frequencies.islice(0, len(change) + 1):
            frequency = int(found)
            if self._tokens_with[frequency] + shift.get(frequency, 0) > 0:
                return min([frequency, *(f for f, d in shift.items() if d > 0 and f < frequency)])
        return min((f for f, d in shift.items() if d > 0), default=None)

    def _move(self, before: int, after: int) -> None:
        for frequency, delta in ((before, -1), (after, 1)):
            if frequency <= 0:
                continue
            held = self._tokens_with.get(frequency, 0) + delta
            if held:
                if frequency not in self._tokens_with:
                    self._frequencies.add(frequency)
                self._tokens_with[frequency] = held
            else:
                del self._tokens_with[frequency]
                self._frequencies.remove(frequency)
