"""The tax-id rules of `matching.rules` on codes: integer comparisons, one edit distance per
distinct pair of differing tax ids."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import cpdist

from matching.rules import NO_RULE, TAX_ID_CONFLICT, TAX_ID_MATCH, RuleArray, _country_of_tax_id

IntArray = npt.NDArray[np.int64]


def tax_country_codes(
    tax_codes: IntArray,
    tax_values: list[str],
    country_codes: IntArray | None,
    country_values: list[str] | None,
) -> IntArray:
    """Per record, a code for the country its tax id belongs to (-1 when unknown)."""
    n = len(tax_codes)
    country = np.full(n, None, dtype=object)
    if country_codes is not None and country_values is not None:
        pool = np.array([*country_values, None], dtype=object)
        country = pool[np.where(country_codes >= 0, country_codes, len(country_values))]
    prefix = np.array([_country_of_tax_id(v, None) for v in tax_values] + [None], dtype=object)
    from_tax = prefix[np.where(tax_codes >= 0, tax_codes, len(tax_values))]
    chosen = np.where(pd.isna(country), from_tax, country)
    codes, _ = pd.factorize(pd.Series(chosen, dtype=object), use_na_sentinel=True)
    return np.asarray(codes, np.int64)


def tax_id_rules(
    tax_codes: IntArray,
    tax_values: list[str],
    country: IntArray,
    left: IntArray,
    right: IntArray,
    workers: int = 1,
) -> RuleArray:
    """Per pair: TAX_ID_MATCH when equal, TAX_ID_CONFLICT when different in one country."""
    out = np.full(len(left), NO_RULE, np.int8)
    ta, tb = tax_codes[left], tax_codes[right]
    both = (ta >= 0) & (tb >= 0)
    out[both & (ta == tb)] = TAX_ID_MATCH
    ca, cb = country[left], country[right]
    suspect = np.flatnonzero(both & (ta != tb) & (ca >= 0) & (ca == cb))
    if not len(suspect):
        return out
    size = len(tax_values)
    which, distinct = pd.factorize(ta[suspect] * size + tb[suspect])
    distinct = np.asarray(distinct, np.int64)
    pool = np.array(tax_values, dtype=object)
    # one mistyped or swapped character is a typo, not another legal entity
    far = cpdist(
        pool[distinct // size].tolist(),
        pool[distinct % size].tolist(),
        scorer=DamerauLevenshtein.distance,
        workers=workers,
    )
    conflict = np.asarray(far)[which] > 1
    out[suspect[conflict]] = TAX_ID_CONFLICT
    return out
