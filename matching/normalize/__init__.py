"""Standardization of organisation names, addresses, countries, phones, domains and tax ids.

Every function is pure and total: a value it cannot read gives None (or "" for `fold_text`).
Tables are module constants; results are cached with `functools.lru_cache`.

Decisions (each module's docstring says more):
- Umlauts: `fold_text` folds "ü" to "u" like any accent; names, streets and cities also fold the
  German transliterations "ue"/"oe"/"ae" inside a word, so "Müller" = "Mueller" = "muller".
- Aliases map both ways to ONE canonical token ("International"/"Intl" -> "intl"); legal forms
  are never aliases: they are removed into `OrgName.legal_form`.
- One legal-form code per form, shared by the countries that have it ("sa" in FR, ES, CH…);
  English renderings are that form ("K.K." and "Co., Ltd." -> "co_ltd", "G.K." -> "llc").
  `local_legal_form(code, country)` maps what only the country disambiguates (a Japanese
  "Corporation" is a co_ltd). Compare legal forms after that call.
- Regional labels ("- EMEA", "(UK)", "Deutschland") go to `OrgName.region`; a country needs
  punctuation or two words of name before it ("Air France" stays), a city is a label only
  after the legal form ("Acme GmbH München"), never after a comma ("Univ. of California, Irvine").
- Registrable domains use a compact table of second-level registries (co.uk, com.au, co.jp…)
  and hosting platforms instead of the full Public Suffix List: no new dependency, no download.
- Tax ids: formats for EU VAT, GB, CH, US, AU, IN; check digits only for AU ABN, CH UID and
  IN GSTIN (EU check digits are left to VIES, so a typo still matches its own typo).
- Phones: E.164 when the numbering plan knows the number, or when it is of a possible length
  with at least seven digits (CRM data is often outside the library's ranges).
"""

from matching.normalize.address import normalize_city, normalize_street
from matching.normalize.countries import normalize_country
from matching.normalize.domains import (
    is_free_mail_domain,
    is_free_mail_registrable,
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
    "is_free_mail_registrable",
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
