"""The country registry: every country the generator knows, in a fixed order."""

from __future__ import annotations

from typing import Final

from seeds.generator.geo import Country
from seeds.generator.geo_americas import BR, CA, US
from seeds.generator.geo_apac import AU, IN, JP, SG
from seeds.generator.geo_emea import ES, IT, SE
from seeds.generator.geo_europe import CH, DE, FR, GB, NL

# Order matters: weighted draws walk this tuple, so reordering changes every generated file.
COUNTRIES: Final[tuple[Country, ...]] = (US, GB, DE, FR, NL, CH, ES, IT, SE, CA, BR, AU, IN, SG, JP)
BY_CODE: Final[dict[str, Country]] = {c.code: c for c in COUNTRIES}
COUNTRY_WEIGHTS: Final[tuple[float, ...]] = tuple(c.weight for c in COUNTRIES)
