"""GraphQL attributes of golden records: typed values with lineage, masked for the caller."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

from mdm.golden.gql_base import GoldenRecord, Info
from mdm.golden.shown import ShownAttribute, shown_attributes


@strawberry.type(description="A source record by its key in its system.")
class SourceRef:
    system: str
    source_id: str


@strawberry.type(description="Where a survived value came from.")
class Lineage:
    rule: str = strawberry.field(description="The survivorship rule that chose it")
    source_record: SourceRef | None = strawberry.field(
        description="The record that supplied it; null for a steward's override"
    )


def _lineage(shown: ShownAttribute) -> Lineage:
    source = shown.source
    ref = SourceRef(system=source.system, source_id=source.source_id) if source else None
    return Lineage(rule=shown.rule, source_record=ref)


@strawberry.type(description="A text attribute; `value` is null when masked for the caller.")
class TextAttribute:
    value: str | None
    masked: bool
    lineage: Lineage


@strawberry.type(description="A date attribute; `value` is null when masked for the caller.")
class DateAttribute:
    value: date | None
    masked: bool
    lineage: Lineage


@strawberry.type(
    description="An amount; `value` is null when masked (financial values need finance)."
)
class AmountAttribute:
    value: Decimal | None
    masked: bool
    lineage: Lineage


async def _attribute(root: GoldenRecord, info: Info, name: str) -> ShownAttribute | None:
    values = await info.context.loaders.attributes.load(root.ref.id)
    if name not in values:
        return None
    shown = shown_attributes(root.ref.entity_type, {name: values[name]}, info.context.principal)
    return shown[name]


def text_field(name: str, description: str | None = None) -> Any:
    """A text attribute field reading survived attribute `name`."""

    async def resolve(root: GoldenRecord, info: Info) -> TextAttribute | None:
        shown = await _attribute(root, info, name)
        if shown is None:
            return None
        return TextAttribute(value=shown.value, masked=shown.masked, lineage=_lineage(shown))

    return strawberry.field(resolver=resolve, description=description)


def date_field(name: str, description: str | None = None) -> Any:
    """A date attribute field (stored as ISO text)."""

    async def resolve(root: GoldenRecord, info: Info) -> DateAttribute | None:
        shown = await _attribute(root, info, name)
        if shown is None:
            return None
        value = _date(shown.value)
        return DateAttribute(value=value, masked=shown.masked, lineage=_lineage(shown))

    return strawberry.field(resolver=resolve, description=description)


def amount_field(name: str, description: str | None = None) -> Any:
    """An amount attribute field (stored as plain decimal text)."""

    async def resolve(root: GoldenRecord, info: Info) -> AmountAttribute | None:
        shown = await _attribute(root, info, name)
        if shown is None:
            return None
        value = _amount(shown.value)
        return AmountAttribute(value=value, masked=shown.masked, lineage=_lineage(shown))

    return strawberry.field(resolver=resolve, description=description)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:  # survived values come from typed columns; guard old data anyway
        return None


def _amount(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None
