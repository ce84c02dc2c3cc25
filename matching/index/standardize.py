"""One record's prepared values without a one-row DataFrame (its overhead is most of a query).

Exactly `matching.prepare.prepare` on a frame holding the record (a test holds it to that): the
same standardizers, the first non-blank of each field's columns, countries read first.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from matching.config import FieldSpec, MatchSettings
from matching.normalize import local_legal_form, normalize_org_name
from matching.prepare import IN_COUNTRY, LEGAL_FORM_SUFFIX, SIMPLE, clean_raw

Prepared = dict[str, str | None]
# at most this many records warm the standardizers up
WARM_UP_RECORDS = 2_000


def _first_present(record: Mapping[str, object], columns: tuple[str, ...]) -> str | None:
    for column in columns:
        text = clean_raw(record.get(column))
        if text is not None:
            return text
    return None


def _prepare_value(spec: FieldSpec, raw: str | None, country: str | None) -> Prepared:
    if spec.standardizer == "org_name":
        name = normalize_org_name(raw) if raw else None
        if name is None:
            return {spec.name: None, spec.name + LEGAL_FORM_SUFFIX: None}
        return {
            spec.name: name.clean or None,
            spec.name + LEGAL_FORM_SUFFIX: local_legal_form(name.legal_form, country),
        }
    if not raw:
        return {spec.name: None}
    if spec.standardizer in IN_COUNTRY:
        return {spec.name: IN_COUNTRY[spec.standardizer](raw, country)}
    return {spec.name: SIMPLE[spec.standardizer](raw)}


def prepare_record(record: Mapping[str, object], settings: MatchSettings) -> Prepared:
    """The prepared values `prepare` gives the record, by feature name."""
    prepared: Prepared = {}
    # countries first: phones, postcodes and tax ids are read in their record's country
    for spec in sorted(settings.fields, key=lambda f: f.standardizer != "country"):
        country_field = settings.country_field
        country = prepared.get(country_field) if country_field else None
        prepared.update(_prepare_value(spec, _first_present(record, spec.columns), country))
    parent = settings.parent_field
    if parent and parent not in prepared:
        prepared[parent] = _first_present(record, (parent,))
    return prepared


def warm_up(records: pd.DataFrame, settings: MatchSettings) -> None:
    """Prepare one record per country spelling now: standardizers load some tables lazily (the
    phone numbering plan of each region), and a first query should not wait for them."""
    country = next((f for f in settings.fields if f.name == settings.country_field), None)
    columns = [c for c in country.columns if c in records.columns] if country else []
    sample = records.drop_duplicates(columns) if columns else records.iloc[:1]
    for record in sample.iloc[:WARM_UP_RECORDS].to_dict("records"):
        prepare_record(record, settings)
