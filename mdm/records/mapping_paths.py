"""Dotted paths into native JSON: `BillingAddress.city`, `items.0.id`, `refs[kind=x].id`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

# One segment: a key (anything but `.`, `[`, `]`), optionally filtered by `[key=value]`.
_SEGMENT = re.compile(r"^(?P<key>[^.\[\]=]+)(?:\[(?P<fkey>[^.\[\]=]+)=(?P<fval>[^\[\]]*)\])?$")
# A `[key=value]` filter may hold dots in its value, so split only outside brackets.
_SPLIT = re.compile(r"\.(?![^\[]*\])")


class PathSyntaxError(ValueError):
    """A path that does not follow the grammar."""


@dataclass(frozen=True)
class Segment:
    """One step of a path: a key, then an optional equality filter on a list of objects."""

    key: str
    filter_key: str | None = None
    filter_value: str | None = None


@lru_cache(maxsize=1024)
def parse_path(path: str) -> tuple[Segment, ...]:
    """Split a dotted path into segments; raise `PathSyntaxError` when it is malformed."""
    if not path or path != path.strip():
        raise PathSyntaxError(f"bad path {path!r}: empty or padded with spaces")
    segments = []
    for part in _SPLIT.split(path):
        match = _SEGMENT.match(part)
        if match is None:
            raise PathSyntaxError(f"bad path {path!r}: cannot read segment {part!r}")
        segments.append(Segment(match["key"], match["fkey"], match["fval"]))
    return tuple(segments)


def render_scalar(value: Any) -> str:
    """Text for a JSON scalar as a canonical cell holds it (`true`, `42`, `12.5`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr keeps the shortest exact digits; Decimal avoids the exponent form of 1e+16.
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _step(node: Any, segment: Segment) -> Any:
    if isinstance(node, Mapping):
        node = node.get(segment.key)
    elif isinstance(node, list) and segment.key.isdigit():
        index = int(segment.key)
        node = node[index] if index < len(node) else None
    else:
        return None
    if segment.filter_key is None:
        return node
    if not isinstance(node, list):
        return None
    # A filter picks the first element whose field equals the value, compared as text.
    for item in node:
        if isinstance(item, Mapping) and _matches(item.get(segment.filter_key), segment):
            return item
    return None


def _matches(value: Any, segment: Segment) -> bool:
    if value is None or isinstance(value, Mapping | list):
        return False
    return render_scalar(value).casefold() == (segment.filter_value or "").casefold()


def resolve(payload: Any, path: str) -> Any:
    """The value at `path` in `payload`, or None when any step is missing."""
    node = payload
    for segment in parse_path(path):
        node = _step(node, segment)
        if node is None:
            return None
    return node
