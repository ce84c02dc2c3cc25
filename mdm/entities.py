"""The three mastered entity types and the names each interface uses for them."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, cast

from mdm.errors import InvalidInput

Plural = Literal["customers", "projects", "contracts"]


class EntityType(StrEnum):
    """Mastered entity types; the value is the singular lower-case name used in CSV exports."""

    CUSTOMER = "customer"
    PROJECT = "project"
    CONTRACT = "contract"

    @property
    def plural(self) -> Plural:
        """The name in CLI commands and REST paths (`customers`)."""
        return cast(Plural, f"{self.value}s")

    @property
    def golden_prefix(self) -> str:
        """Prefix of this type's golden ids (`cus_…`)."""
        return _PREFIXES[self]

    @classmethod
    def parse(cls, name: str) -> EntityType:
        """Accept the plural or the singular, any case; a clear error otherwise."""
        key = name.strip().lower()
        for entity in cls:
            if key in (entity.value, entity.plural):
                return entity
        choices = ", ".join(e.plural for e in cls)
        raise InvalidInput(f"unknown entity type {name!r}; expected one of {choices}")


_PREFIXES = {EntityType.CUSTOMER: "cus", EntityType.PROJECT: "prj", EntityType.CONTRACT: "con"}
