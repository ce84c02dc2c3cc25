"""Shipped settings per entity type: customers, projects, contracts, and people (FEBRL-style)."""

from __future__ import annotations

from pathlib import Path

from matching.config import (
    BlockingRule,
    ClusterSettings,
    ComparisonSpec,
    FieldSpec,
    MatchSettings,
    Thresholds,
)
from matching.prepare import LEGAL_FORM_SUFFIX
from matching.scoring import FittedModel

# weights fitted on generated data, for a hub that has none of its own yet
MODELS_DIR = Path(__file__).resolve().parent / "models"
NAME_LEVELS = (0.9, 0.75, 0.6, 0.45, 0.3)
LINK_FLOOR = 0.3
DATE_DAYS = (3.0, 31.0)
# a shared address is good evidence, not proof: sister companies share buildings
PLACE_BITS = 5.0
LOCATION = "location"
CONTACT: str | None = None


def customers() -> MatchSettings:
    """Organisations: name tokens weighted by rarity, legal form as its own evidence."""
    return MatchSettings(
        entity_type="customers",
        fields=(
            FieldSpec("name", ("name", "legal_name"), "org_name"),
            FieldSpec("country", ("country",), "country"),
            FieldSpec("postcode", ("postal_code",), "postcode"),
            FieldSpec("street", ("street",), "street"),
            FieldSpec("city", ("city",), "city"),
            FieldSpec("phone", ("phone",), "phone"),
            FieldSpec("domain", ("website", "email"), "domain"),
            FieldSpec("tax_id", ("tax_id",), "tax_id"),
        ),
        blocking=(
            BlockingRule("name", "tokens", max_block_size=150),
            BlockingRule("name", "sorted_neighbourhood", param=4),
            BlockingRule("name", "acronym", max_block_size=50),
            BlockingRule("phone", "exact", max_block_size=20),
            BlockingRule("domain", "exact", max_block_size=50),
            BlockingRule("tax_id", "exact", max_block_size=20),
        ),
        comparisons=(
            ComparisonSpec("name", "name", "name", NAME_LEVELS, link_floor=LINK_FLOOR),
            ComparisonSpec(
                "legal_form",
                "name" + LEGAL_FORM_SUFFIX,
                "exact",
                link_floor=1.0,
                conflict_on_else=True,
            ),
            ComparisonSpec("country", "country", "exact"),
            # street, postcode and city all say "same place": count only the strongest
            ComparisonSpec("postcode", "postcode", "exact", group=LOCATION, max_weight=PLACE_BITS),
            ComparisonSpec("city", "city", "string", (0.9,), group=LOCATION, max_weight=PLACE_BITS),
            ComparisonSpec(
                "street", "street", "string", (0.95, 0.85), group=LOCATION, max_weight=PLACE_BITS
            ),
            ComparisonSpec("phone", "phone", "exact", group=CONTACT),
            ComparisonSpec("domain", "domain", "exact", group=CONTACT),
            ComparisonSpec("tax_id", "tax_id", "edit", (0.85,)),
        ),
        thresholds=Thresholds(upper=0.9, lower=0.5),
        clustering=ClusterSettings(min_support=0.4, join_threshold=0.6),
        tax_id_field="tax_id",
        country_field="country",
        floor_lifted_by=("phone", "domain"),
        divergent_name_field="name",
    )


def _child(entity_type: str, id_fields: tuple[FieldSpec, ...]) -> MatchSettings:
    # a code or reference with one character off is a typo, not another project
    strong = tuple(ComparisonSpec(f.name, f.name, "edit", (0.85,)) for f in id_fields)
    return MatchSettings(
        entity_type=entity_type,
        fields=(
            FieldSpec("name", ("name",), "text"),
            FieldSpec("system", ("source_system",), "identifier"),
            FieldSpec("name_numbers", ("name",), "numbers_in_text"),
            FieldSpec("parent_key", ("customer_golden_id", "customer_id"), "identifier"),
            *id_fields,
            FieldSpec("start_date", ("start_date",), "date"),
            FieldSpec("end_date", ("end_date",), "date"),
            FieldSpec("amount", ("budget", "value"), "number"),
            FieldSpec("currency", ("currency",), "identifier"),
        ),
        blocking=(
            BlockingRule("name", "tokens", max_block_size=100, param=3),
            BlockingRule("name", "sorted_neighbourhood", param=4),
            *(BlockingRule(f.name, "exact", max_block_size=20) for f in id_fields),
        ),
        comparisons=(
            ComparisonSpec("name", "name", "name", NAME_LEVELS),
            ComparisonSpec("name_numbers", "name_numbers", "exact"),
            *strong,
            # one system rarely holds the same project twice: EM learns how rarely
            ComparisonSpec("system", "system", "exact"),
            # a follow-on phase shares the reference and budget but neither date; systems
            # disagree by a day or so (time zones, inclusive ends), a new phase by months
            ComparisonSpec("start_date", "start_date", "days", DATE_DAYS),
            ComparisonSpec("end_date", "end_date", "days", DATE_DAYS),
            ComparisonSpec("amount", "amount", "number", (0.95,)),
            ComparisonSpec("currency", "currency", "exact"),
        ),
        # children only ever match inside one resolved parent customer
        parent_field="parent_key",
    )


def projects() -> MatchSettings:
    """Projects inside their customer; code and opportunity reference are strong evidence."""
    return _child(
        "projects",
        (
            FieldSpec("code", ("code",), "identifier"),
            FieldSpec("opportunity_ref", ("opportunity_ref",), "identifier"),
        ),
    )


def contracts() -> MatchSettings:
    """Contracts inside their customer; number (SOW/PO) and opportunity reference are strong."""
    return _child(
        "contracts",
        (
            FieldSpec("number", ("number",), "identifier"),
            FieldSpec("opportunity_ref", ("opportunity_ref",), "identifier"),
            FieldSpec("contract_type", ("contract_type",), "identifier"),
        ),
    )


def people() -> MatchSettings:
    """Person records (FEBRL columns): names, date of birth, address, social security id."""
    return MatchSettings(
        entity_type="people",
        fields=(
            FieldSpec("given_name", ("given_name",), "person_name"),
            FieldSpec("surname", ("surname",), "person_name"),
            FieldSpec("dob", ("date_of_birth",), "date"),
            FieldSpec("ssn", ("soc_sec_id",), "identifier"),
            FieldSpec("street_number", ("street_number",), "identifier"),
            FieldSpec("address_1", ("address_1",), "text"),
            FieldSpec("address_2", ("address_2",), "text"),
            FieldSpec("suburb", ("suburb",), "text"),
            FieldSpec("postcode", ("postcode",), "identifier"),
            FieldSpec("state", ("state",), "text"),
        ),
        blocking=(
            BlockingRule("surname", "phonetic", max_block_size=100),
            BlockingRule("given_name", "phonetic", max_block_size=100),
            BlockingRule("dob", "exact", max_block_size=50),
            BlockingRule("ssn", "exact", max_block_size=20),
            BlockingRule("postcode", "exact", max_block_size=50),
        ),
        comparisons=(
            ComparisonSpec("given_name", "given_name", "string", (0.92, 0.8)),
            ComparisonSpec("surname", "surname", "string", (0.92, 0.8)),
            ComparisonSpec("dob", "dob", "date", (0.875, 0.75)),
            ComparisonSpec("ssn", "ssn", "edit", (0.85,)),
            ComparisonSpec("street_number", "street_number", "exact"),
            ComparisonSpec("address_1", "address_1", "string", (0.9, 0.8)),
            ComparisonSpec("address_2", "address_2", "string", (0.9,)),
            ComparisonSpec("suburb", "suburb", "string", (0.9,), group="locality"),
            ComparisonSpec("postcode", "postcode", "date", (0.75,), group="locality"),
            ComparisonSpec("state", "state", "exact"),
        ),
        thresholds=Thresholds(upper=0.9, lower=0.5),
    )


PRESETS = {"customers": customers, "projects": projects, "contracts": contracts, "people": people}


def preset(name: str) -> MatchSettings:
    """Shipped settings by name (customers, projects, contracts, people)."""
    try:
        return PRESETS[name]()
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}") from None


def default_model(name: str) -> FittedModel | None:
    """The weights a preset starts with before any fit on real data (None: no default)."""
    preset(name)  # an unknown name is an error, not "no default"
    path = MODELS_DIR / f"{name}.json"
    return FittedModel.from_json(path.read_text(encoding="utf-8")) if path.exists() else None
