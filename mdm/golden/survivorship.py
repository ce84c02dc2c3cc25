"""Survivorship: choose each golden attribute from the members, and say which record and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
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
_Step = tuple[str, tuple[str, ...]]  # a strategy's name, and its systems if source_priority


@dataclass(frozen=True)
class Rules:
    """Strategies per attribute for one entity type."""

    default: tuple[Strategy, ...]
    attributes: Mapping[str, tuple[Strategy, ...]]

    def for_attribute(self, name: str) -> tuple[Strategy, ...]:
        """The strategies that decide `name`."""
        return self.attributes.get(name, self.default)

    def steps(self, name: str) -> tuple[_Step, ...]:
        """`name`'s strategies as (rule, source priority) pairs, the priority empty but for
        `source_priority`: the shape `_decide` walks."""
        found = self._steps.get(name)
        if found is None:
            found = self._steps[name] = tuple(
                ("source_priority", tuple(s["source_priority"])) if isinstance(s, dict) else (s, ())
                for s in self.for_attribute(name)
            )
        return found

    def lone(self, system: str, role: str | None) -> _Lone:
        """How a lone holder from `system` (in `role`) survives, per attribute."""
        found = self._lone.get((system, role))
        if found is None:
            found = self._lone[(system, role)] = _Lone(self, system, role)
        return found

    @cached_property
    def _steps(self) -> dict[str, tuple[_Step, ...]]:
        return {}

    @cached_property
    def _lone(self) -> dict[tuple[str, str | None], _Lone]:
        # per rule set, not per call: a batch decides thousands of lone holders from a few systems
        return {}


class _Lone(dict[str, tuple[bool, str]]):
    """Per attribute, the rule a lone holder from one system survives by: whether `well_formed`
    takes its value first when written in mixed case, and the rule that takes it otherwise.
    Filled as attributes are asked for; what `_decide` would choose for one holder."""

    def __init__(self, rules: Rules, system: str, role: str | None) -> None:
        super().__init__()
        self.rules, self.system, self.role = rules, system, role

    def __missing__(self, name: str) -> tuple[bool, str]:
        well_formed_first = False
        found: tuple[bool, str] | None = None
        for strategy in self.rules.for_attribute(name):
            if isinstance(strategy, dict):
                wanted = strategy["source_priority"]
                if self.system in wanted or self.role in wanted:
                    found = (well_formed_first, "source_priority")
                    break
            elif strategy == "well_formed":
                well_formed_first = True  # it takes the value, or nothing: the same later on
            else:
                found = (well_formed_first, strategy)
                break
        self[name] = found = found or (well_formed_first, "most_recent")
        return found


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
    if not members:
        return {
            n: Survived(overrides[n], None, OVERRIDE_RULE)
            for n in attributes
            if overrides and n in overrides
        }
    if len(members) == 1:  # most golden records a batch touches: no sort, nothing to compare
        return _survive_lone(members[0], rules, attributes, overrides)
    # Most recent first, then by id, so every tie breaks the same way.
    ordered = sorted(members, key=lambda m: (-m.updated_at.timestamp(), m.record_id))
    # Each attribute's holders in that order, gathered in one pass over the members' values
    # (fewer steps than a pass over the members per attribute).
    holders_of: dict[str, list[Member]] = {}
    for member in ordered:
        for name, value in member.values.items():
            if value:
                if name in holders_of:
                    holders_of[name].append(member)
                else:
                    holders_of[name] = [member]
    out: dict[str, Survived] = {}
    for name in attributes:
        if overrides and name in overrides:
            out[name] = Survived(overrides[name], None, OVERRIDE_RULE)
            continue
        holders = holders_of.get(name)
        if holders is None:
            continue
        if len(holders) > 1:
            out[name] = _decide(name, holders, rules.steps(name))
        else:
            only = holders[0]
            out[name] = _only(name, only, rules.lone(only.source_system, only.role))
    return out


def _survive_lone(
    member: Member, rules: Rules, attributes: Sequence[str], overrides: Mapping[str, str] | None
) -> dict[str, Survived]:
    """`survive` for one member: each value it holds is its attribute's."""
    out: dict[str, Survived] = {}
    values, lone = member.values, rules.lone(member.source_system, member.role)
    for name in attributes:
        if overrides and name in overrides:
            out[name] = Survived(overrides[name], None, OVERRIDE_RULE)
        elif value := values.get(name):  # `_only`, inlined: a batch asks it some 10,000 times
            well_formed_first, rule = lone[name]
            if well_formed_first and _mixed_case(value):
                rule = "well_formed"
            out[name] = Survived(value, member.record_id, rule)
    return out


def _only(name: str, member: Member, lone: _Lone) -> Survived:
    """The one holder's value, with the rule of the first strategy that takes it."""
    value = member.values[name]
    well_formed_first, rule = lone[name]
    if well_formed_first and _mixed_case(value):
        rule = "well_formed"
    return Survived(value, member.record_id, rule)


def _decide(name: str, holders: list[Member], steps: tuple[_Step, ...]) -> Survived:
    for rule, wanted in steps:
        if rule == "source_priority":
            chosen = _by_priority(wanted, holders)
        elif rule == "most_recent":
            chosen = holders[0]
        elif rule == "most_complete":
            chosen = max(holders, key=_filled)  # max keeps the first tie
        else:
            chosen = _most_frequent(name, holders, well_formed=rule == "well_formed")
        if chosen is not None:
            return Survived(chosen.values[name], chosen.record_id, rule)
    first = holders[0]
    return Survived(first.values[name], first.record_id, "most_recent")


def _by_priority(wanted: tuple[str, ...], holders: list[Member]) -> Member | None:
    for system in wanted:
        for member in holders:
            if member.source_system == system or member.role == system:
                return member
    return None


def _most_frequent(name: str, holders: list[Member], *, well_formed: bool) -> Member | None:
    if well_formed:
        # "ACME CORP" and "acme corp" are how some systems store names, not how they are written
        holders = [m for m in holders if _mixed_case(m.values[name])]
        if not holders:
            return None
    if len(holders) <= 2:
        # Two values either agree or tie at one vote each: the more recent holder wins both ways.
        return holders[0]
    values = [m.values[name] for m in holders]
    if len(set(values)) == 1:  # one spelling throughout (most attributes): the most recent
        return holders[0]
    # The value most records agree on (ignoring case and spacing), then its commonest spelling.
    same = [_same(v) for v in values]
    counts = Counter(same)
    best = max(counts.values())
    winner = next(key for key in same if counts[key] == best)
    group = [i for i, key in enumerate(same) if key == winner]
    spellings = Counter(values[i] for i in group)
    top = max(spellings.values())
    return next(holders[i] for i in group if spellings[values[i]] == top)


def _filled(member: Member) -> int:
    """How many attributes a member has a value for (counted only when a rule asks)."""
    return sum(1 for v in member.values.values() if v)


def _mixed_case(value: str) -> bool:
    # str.isupper/islower look at cased characters only and are False when there are none
    return not (value.isupper() or value.islower())


def _same(value: str) -> str:
    return " ".join(value.casefold().split())
