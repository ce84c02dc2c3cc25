"""The flows' configuration: legal entities (currency, tax code, ERP subsidiary), SLAs.

Read from `legal_entities.yaml` beside this module, or the file `MDM_SYNC_CONFIG_FILE` names.
A legal entity may bill only in currencies whose amounts integer hundredths can hold (not BHD,
KWD, ...: see `mdm.sync.currencies`); the file is refused rather than its amounts rounded.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mdm.errors import InvalidInput
from mdm.sync.currencies import storable

DEFAULT_FILE = Path(__file__).with_name("legal_entities.yaml")


class LegalEntity(BaseModel):
    """One of the firm's billing subsidiaries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    tax_code: str = Field(min_length=1, max_length=32)
    subsidiary: str = Field(min_length=1, max_length=32)
    payment_terms_days: int = Field(default=30, ge=0, le=365)
    # Other currencies it bills some clients in (NL01 serves Sweden in SEK).
    also_bills_in: tuple[str, ...] = ()

    @field_validator("currency")
    @classmethod
    def _storable(cls, currency: str) -> str:
        return storable(currency)

    @field_validator("also_bills_in")
    @classmethod
    def _all_storable(cls, currencies: tuple[str, ...]) -> tuple[str, ...]:
        # `billing_in` copies one of these into `currency` without validating it again.
        return tuple(storable(currency) for currency in currencies)

    def bills_in(self, currency: str | None) -> bool:
        """Whether a deal in `currency` can be billed by this entity."""
        return currency == self.currency or currency in self.also_bills_in

    def billing_in(self, currency: str | None) -> LegalEntity:
        """This entity billing in `currency` when it may, else in its own currency."""
        if currency and currency != self.currency and currency in self.also_bills_in:
            return self.model_copy(update={"currency": currency})
        return self


class SyncConfig(BaseModel):
    """Everything the flows read from configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_legal_entity: str
    legal_entities: dict[str, LegalEntity]
    # Reconciliation's service levels: a won deal's project should exist within this many hours,
    # and approved billable work be posted within this many days after its period closes.
    activation_sla_hours: float = Field(default=24.0, gt=0)
    posting_sla_days: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def _default_exists(self) -> SyncConfig:
        if self.default_legal_entity not in self.legal_entities:
            raise ValueError(f"default_legal_entity {self.default_legal_entity!r} is not listed")
        return self

    def entity(self, code: str | None, currency: str | None = None) -> LegalEntity | None:
        """The legal entity with this code (None when unknown), billing in the deal's currency
        when it is one the entity also bills in."""
        found = self.legal_entities.get(code or self.default_legal_entity)
        return found.billing_in(currency) if found is not None else None


@lru_cache(maxsize=8)
def load_sync_config(path: str | None = None) -> SyncConfig:
    """Parse and check the configuration file; a broken file is a clear error, not a crash."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        return SyncConfig.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"sync configuration {source}: {exc}") from exc
