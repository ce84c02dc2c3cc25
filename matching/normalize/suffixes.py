"""A compact public-suffix table: the multi-label suffixes business domains actually use.

The full Public Suffix List is not shipped (it would be a new dependency); a single-label TLD is
the default suffix, and these second-level registries and hosting platforms are recognised.
"""

from __future__ import annotations

# country code: second-level labels registered under it ("uk": "co" means "co.uk").
_SECOND_LEVEL = {
    "uk": "co ac gov ltd plc me net org sch nhs police mod",
    "au": "com net org edu gov asn id csiro",
    "nz": "co ac org net govt geek gen kiwi maori school",
    "jp": "co ne or ac go gr ed lg ad",
    "br": "com net org gov edu art eng ind inf",
    "za": "co org gov ac net web nom edu",
    "cn": "com net org gov edu ac",
    "hk": "com org net edu gov idv",
    "sg": "com org net edu gov per",
    "my": "com org net edu gov name",
    "in": "co net org firm gen ind ac edu res gov nic",
    "mx": "com org net edu gob",
    "ar": "com org net edu gob int",
    "tr": "com org net edu gov gen biz info av bel",
    "kr": "co or ne ac go re pe",
    "il": "co org net ac gov muni",
    "tw": "com org net edu gov idv",
    "th": "co or ac go in net",
    "ph": "com org net edu gov",
    "id": "co or ac go web net sch",
    "vn": "com net org edu gov",
    "pk": "com net org edu gov",
    "sa": "com net org edu gov",
    "eg": "com net org edu gov",
    "ng": "com net org edu gov",
    "ke": "co or ac go ne",
    "co": "com org net edu gov",
    "pe": "com org net edu gob",
    "cl": "gob",
    "ve": "com org net gob",
    "ua": "com net org gov edu in kiev",
    "pl": "com net org gov edu waw",
    "at": "co or ac gv",
    "gr": "com org net edu gov",
    "cy": "com org net ac gov",
    "mt": "com org net edu gov",
    "es": "com org nom edu gob",
    "pt": "com org edu gov",
    "be": "ac",
    "fr": "asso gouv tm",
    "hu": "co org info",
    "ru": "com net org",
    "ae": "co net org ac gov",
    "qa": "com net org edu gov",
    "lk": "com org edu gov",
    "bd": "com org net edu gov",
    "np": "com org net edu gov",
    "uy": "com org net edu gub",
    "ec": "com org net edu gob",
}

# Platforms where every customer gets its own subdomain (private part of the suffix list).
_PLATFORMS = (
    "github.io blogspot.com herokuapp.com azurewebsites.net cloudfront.net appspot.com "
    "wordpress.com wixsite.com myshopify.com netlify.app vercel.app pages.dev web.app "
    "firebaseapp.com sharepoint.com squarespace.com weebly.com"
)

MULTI_LABEL_SUFFIXES = frozenset(
    {f"{sld}.{cc}" for cc, slds in _SECOND_LEVEL.items() for sld in slds.split()}
    | set(_PLATFORMS.split())
)


def registrable(labels: list[str]) -> str | None:
    """The registrable domain (one label under its public suffix) of a domain's labels."""
    suffix = 2 if ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES else 1
    if len(labels) <= suffix:
        return None
    return ".".join(labels[-suffix - 1 :])
