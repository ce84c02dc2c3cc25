"""Standardization of organisation names, addresses, countries, phones, domains and tax ids.

Every function is pure and total: a value it cannot read gives None (or "" for `fold_text`).
"""

from matching.normalize.address import normalize_city, normalize_street
from matching.normalize.countries import normalize_country
from matching.normalize.domains import (
    is_free_mail_domain,
    normalize_email_domain,
    normalize_website_domain,
)
from matching.normalize.legal_forms import legal_form_countries, local_legal_form
from matching.normalize.org_names import OrgName, normalize_org_name
from matching.normalize.phones import normalize_phone
from matching.normalize.postcodes import normalize_postcode
from matching.normalize.tax_ids import normalize_tax_id
from matching.normalize.text import fold_text

__all__ = [
    "OrgName",
    "fold_text",
    "is_free_mail_domain",
    "legal_form_countries",
    "local_legal_form",
    "normalize_city",
    "normalize_country",
    "normalize_email_domain",
    "normalize_org_name",
    "normalize_phone",
    "normalize_postcode",
    "normalize_street",
    "normalize_tax_id",
    "normalize_website_domain",
]
