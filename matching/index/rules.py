"""The blocking rules over an index: a record's candidates exactly as `matching.blocking.block`
would pair it, from the same per-value key functions, in work bounded by the block caps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from sortedcontainers import SortedList

from matching.blocking import (
    choose_tokens,
    scoped,
    sort_value,
    tokens_of,
    usable,
    value_keys,
    window_of,
)
from matching.config import BlockingRule
from matching.index.postings import Postings, TokenCounts
from matching.index.store import Probe, Store, Values

Frequency = Callable[[str], int]


class Blocker(Protocol):
    """A blocking rule over the index."""

    def candidates(self, probe: Probe) -> Iterator[int]:
        """Rows the rule pairs with the probe (before the parent filter)."""
        ...


class Maintained(Protocol):
    """A structure following every record the index gains or loses."""

    def attach(self, row: int, values: Values) -> None:
        """The row now holds these values."""
        ...

    def detach(self, row: int, values: Values) -> None:
        """The row no longer holds these values."""
        ...


def token_change(probe: Probe, field: str) -> dict[str, int]:
    """Token -> +1/-1: how the probe's tokens differ from what its row holds now."""
    new = set(tokens_of(probe.values.get(field)))
    old = set(tokens_of(probe.stored.get(field))) if probe.stored is not None else set()
    change = dict.fromkeys(new - old, 1)
    change.update(dict.fromkeys(old - new, -1))
    return change


def _parent(values: Values, parent_field: str | None) -> str | None:
    return values.get(parent_field) if parent_field else None


class KeyRule:
    """Exact, prefix, phonetic and acronym keys: a record's keys depend on its own value only."""

    def __init__(self, rule: BlockingRule, parent_field: str | None, postings: Postings) -> None:
        self.rule = rule
        self.parent_field = parent_field
        self.postings = postings

    def keys(self, values: Values) -> list[str]:
        """The record's keys, scoped to its parent when there is one."""
        keys = value_keys(values.get(self.rule.field), self.rule)
        if self.parent_field is None:
            return keys
        parent = _parent(values, self.parent_field)
        return [scoped(parent, k) for k in keys]

    def attach(self, row: int, values: Values) -> None:
        """The row now holds these values."""
        for key in self.keys(values):
            self.postings.add(key, row)

    def detach(self, row: int, values: Values) -> None:
        """The row no longer holds these values."""
        for key in self.keys(values):
            self.postings.discard(key, row)

    def candidates(self, probe: Probe) -> Iterator[int]:
        """Rows sharing a key with the probe, in blocks of at most the cap (probe counted)."""
        held = set(self.keys(probe.stored)) if probe.stored is not None else set()
        for key in self.keys(probe.values):
            size = self.postings.count(key) - (key in held) + 1
            if usable(size, self.rule.max_block_size):
                yield from (r for r in self.postings.members(key) if r != probe.row)


class TokenRule:
    """A record blocks on its rarest usable tokens, so frequencies decide, probe counted.

    Token counts are shared with the name comparison and kept by the index.
    """

    def __init__(self, rule: BlockingRule, tokens: TokenCounts, store: Store) -> None:
        self.rule = rule
        self.tokens = tokens
        self.store = store

    def candidates(self, probe: Probe) -> Iterator[int]:
        """Rows that chose a token the probe chose (a token's block: the records choosing it).

        A chosen token is usable, so at most `max_block_size` records hold it and its block
        (inside one parent or not) never passes the cap; records of another parent are left
        to the index's parent filter.
        """
        change = token_change(probe, self.rule.field)

        def frequency(token: str) -> int:
            return self.tokens.count(token) + change.get(token, 0)

        own = tokens_of(probe.values.get(self.rule.field))
        for token in choose_tokens(((frequency(t), t) for t in own), self.rule):
            others = (r for r in self.tokens.postings.members(token) if r != probe.row)
            if self.rule.param <= 0:
                # every record holding a usable token chose it
                yield from others
            else:
                yield from (r for r in others if self._chose(r, token, frequency))

    def _chose(self, row: int, token: str, frequency: Frequency) -> bool:
        own = tokens_of(self.store.value(row, self.rule.field))
        return token in choose_tokens(((frequency(t), t) for t in own), self.rule)


class NeighbourRule:
    """Sorted neighbourhood: the records within the window around the probe's sort position."""

    def __init__(self, rule: BlockingRule, parent_field: str | None, order: SortedList) -> None:
        self.rule = rule
        self.parent_field = parent_field
        self.order = order

    def entry(self, row: int, values: Values) -> tuple[str, int] | None:
        """The record's place in the sort order (None: it takes no part)."""
        parent = _parent(values, self.parent_field)
        value = sort_value(values.get(self.rule.field), parent, self.parent_field is not None)
        return None if value is None else (value, row)

    def attach(self, row: int, values: Values) -> None:
        """The row now holds these values."""
        entry = self.entry(row, values)
        if entry is not None:
            self.order.add(entry)

    def detach(self, row: int, values: Values) -> None:
        """The row no longer holds these values."""
        entry = self.entry(row, values)
        if entry is not None:
            self.order.remove(entry)

    def candidates(self, probe: Probe) -> Iterator[int]:
        """The nearest rows before and after the probe's place, its own stored place skipped."""
        entry = self.entry(probe.row, probe.values)
        if entry is None:
            return
        stored = self.entry(probe.row, probe.stored) if probe.stored is not None else None
        at = self.order.bisect_left(entry)
        reach = window_of(self.rule) - 1
        # one more than the window on each side: the probe's stored entry may be among them
        below = self.order.islice(max(at - reach - 1, 0), at, reverse=True)
        above = self.order.islice(at, at + reach + 1)
        for side in (below, above):
            near = [row for value, row in side if (value, row) != stored]
            yield from near[:reach]
