"""Survivorship: choose each golden attribute from the members, and say which record and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

from mdm.entities import EntityType

OVERRIDE_RULE = "steward_override"


@dataclass(frozen=True)
class Member:
    """One active source record of a golden record, as survivorship sees it."""

    record_id: int
    source_system: str
    role: str | None
    updated_at: datetime
    values: Mapping[str, str]


@dataclass(frozen=True)
class Survived:
    """A golden attribute and where it came from."""

    value: str
    source_record_id: int | None
    rule: str


Strategy = str | dict[str, list[str]]


@dataclass(frozen=True)
class Rules:
    """Strategies per attribute for one entity type."""

    default: tuple[Strategy, ...]
    attributes: Mapping[str, tuple[Strategy, ...]]

    def for_attribute(self, name: str) -> tuple[Strategy, ...]:
        """The strategies that decide `name`."""
        return self.attributes.get(name, self.default)


@cache
def default_rules(entity: EntityType) -> Rules:
    """The shipped rules (`mdm/golden/survivorship.yaml`)."""
    text = resources.files("mdm.golden").joinpath("survivorship.yaml").read_text()
    return parse_rules(yaml.safe_load(text)[entity.plural])


def parse_rules(spec: Mapping[str, Any]) -> Rules:
    """Rules from their YAML shape; unknown strategies are rejected."""
    default = tuple(_check(s) for s in spec.get("default", ["most_recent"]))
    attributes = {k: tuple(_check(s) for s in v) for k, v in spec.get("attributes", {}).items()}
    return Rules(default, attributes)


_NAMED = {"most_recent", "most_complete", "most_frequent", "well_formed"}


def _check(strategy: Any) -> Strategy:
    if isinstance(strategy, str) and strategy in _NAMED:
        return strategy
    if isinstance(strategy, dict) and set(strategy) == {"source_priority"}:
        return {"source_priority": [str(s) for s in strategy["source_priority"]]}
    raise ValueError(f"unknown survivorship strategy {strategy!r}")


def survive(
    members: Sequence[Member],
    rules: Rules,
    attributes: Sequence[str],
    overrides: Mapping[str, str] | None = None,
) -> dict[str, Survived]:
    """Every attribute that some member (or an override) supplies."""
    # Most recent first, then by id, so every tie breaks the same way (a lone member, as most
    # golden records a batch touches are, needs no sort).
    ordered = (
        list(members)
        if len(members) < 2
        else sorted(members, key=lambda m: (-m.updated_at.timestamp(), m.record_id))
    )
    out: dict[str, Survived] = {}
    for name in attributes:
        if overrides and name in overrides:
            out[name] = Survived(overrides[name], None, OVERRIDE_RULE)
            continue
        holders = [m for m in ordered if m.values.get(name)]
        if holders:
            out[name] = _decide(name, holders, rules.for_attribute(name))
    return out


def _decide(name: str, holders: list[Member], strategies: tuple[Strategy, ...]) -> Survived:
    if len(holders) == 1:  # most golden records: the first strategy that takes it names the rule
        return _only(name, holders[0], strategies)
    for strategy in strategies:
        chosen = _apply(strategy, name, holders)
        if chosen is not None:
            return Survived(chosen.values[name], chosen.record_id, _label(strategy))
    first = holders[0]
    return Survived(first.values[name], first.record_id, "most_recent")


def _only(name: str, member: Member, strategies: tuple[Strategy, ...]) -> Survived:
    """`_decide` for one holder, without counting anything: what `_apply` would choose."""
    value = member.values[name]
    for strategy in strategies:
        if isinstance(strategy, dict):
            wanted = strategy["source_priority"]
            if member.source_system in wanted or member.role in wanted:
                return Survived(value, member.record_id, "source_priority")
        elif strategy != "well_formed" or _mixed_case(value):
            return Survived(value, member.record_id, strategy)
    return Survived(value, member.record_id, "most_recent")


def _apply(strategy: Strategy, name: str, holders: list[Member]) -> Member | None:
    if isinstance(strategy, dict):
        for wanted in strategy["source_priority"]:
            for member in holders:
                if member.source_system == wanted or member.role == wanted:
                    return member
        return None
    if strategy == "most_recent":
        return holders[0]
    if strategy == "most_complete":
        return max(holders, key=_filled)  # max keeps the first tie
    if strategy == "well_formed":
        # "ACME CORP" and "acme corp" are how some systems store names, not how they are written
        holders = [m for m in holders if _mixed_case(m.values[name])]
        if not holders:
            return None
    if len(holders) <= 2:
        # Two values either agree or tie at one vote each: the more recent holder wins both ways.
        return holders[0]
    # The value most records agree on (ignoring case and spacing), then its commonest spelling.
    same = [_same(m.values[name]) for m in holders]
    counts = Counter(same)
    best = max(counts.values())
    winner = next(key for key in same if counts[key] == best)
    group = [m for m, key in zip(holders, same, strict=True) if key == winner]
    spellings = Counter(m.values[name] for m in group)
    top = max(spellings.values())
    return next(m for m in group if spellings[m.values[name]] == top)


def _filled(member: Member) -> int:
    """How many attributes a member has a value for (counted only when a rule asks)."""
    return sum(1 for v in member.values.values() if v)


def _mixed_case(value: str) -> bool:
    # str.isupper/islower look at cased characters only and are False when there are none
    return not (value.isupper() or value.islower())


def _same(value: str) -> str:
    return " ".join(value.casefold().split())


def _label(strategy: Strategy) -> str:
    if isinstance(strategy, dict):
        return "source_priority"
    return strategy
