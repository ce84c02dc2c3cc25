"""Deterministic rules beside the model: tax ids decide, steward constraints are always obeyed."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from matching.compare import names_diverge

RuleArray = npt.NDArray[np.int8]
NO_RULE, TAX_ID_MATCH, TAX_ID_CONFLICT, MUST_LINK, CANNOT_LINK, NAMES_DIVERGE = 0, 1, 2, 3, 4, 5
RULE_NAMES = ("", "tax_id_equal", "tax_id_differs", "must_link", "cannot_link", "names_diverge")


def _country_of_tax_id(tax_id: str | None, country: str | None) -> str | None:
    if country:
        return country
    # an EU VAT number (or CHE UID) carries its country in front
    if tax_id and len(tax_id) > 2 and tax_id[:2].isalpha():
        return tax_id[:2].upper()
    return None


def tax_id_rules(
    prepared: pd.DataFrame,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    tax_field: str | None,
    country_field: str | None,
) -> RuleArray:
    """Per pair: TAX_ID_MATCH when equal, TAX_ID_CONFLICT when different in one country."""
    out = np.zeros(len(left), np.int8)
    if not tax_field or tax_field not in prepared:
        return out
    tax = prepared[tax_field].to_numpy(dtype=object)
    has_country = bool(country_field) and country_field in prepared
    country = prepared[country_field].to_numpy(dtype=object) if has_country else None
    for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        ta, tb = tax[a], tax[b]
        if ta is None or tb is None:
            continue
        if ta == tb:
            out[k] = TAX_ID_MATCH
            continue
        ca = _country_of_tax_id(ta, country[a] if country is not None else None)
        cb = _country_of_tax_id(tb, country[b] if country is not None else None)
        # one mistyped or swapped character is a typo, not another legal entity
        if ca is not None and ca == cb and DamerauLevenshtein.distance(ta, tb) > 1:
            out[k] = TAX_ID_CONFLICT
    return out


def cap_divergent_names(
    names: npt.NDArray[np.object_],
    pairs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    prob: npt.NDArray[np.float64],
    rule: RuleArray,
    ceiling: float,
) -> None:
    """Cap at `ceiling` (in place) each pair above it that no rule decided and whose names
    diverge, marking it NAMES_DIVERGE; only those few pairs are looked at, each name pair once."""
    left, right = pairs
    todo = np.flatnonzero((prob > ceiling) & (rule == NO_RULE))
    lefts, rights = names[left[todo]].tolist(), names[right[todo]].tolist()
    for k, a, b in zip(todo.tolist(), lefts, rights, strict=True):
        if a is not None and b is not None and names_diverge(a, b):
            prob[k], rule[k] = ceiling, NAMES_DIVERGE
