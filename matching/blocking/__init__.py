"""Blocking: candidate pairs from several capped keys; values too common to identify are dropped.

`keys` derives a value's keys (shared with the incremental index), `columns` groups records by
key in integer codes, `pairs` pairs each group's records and unites the rules.
"""

from matching.blocking.columns import (
    Column,
    Keyed,
    chosen_tokens,
    fixed_keys,
    sorted_order,
    token_postings,
)
from matching.blocking.keys import (
    acronym_keys,
    choose_tokens,
    initials_of,
    rule_name,
    scoped,
    single_key,
    sort_value,
    soundex,
    tokens_of,
    usable,
    value_keys,
    window_of,
)
from matching.blocking.pairs import Candidates, block, block_columns, pairs_within

__all__ = [
    "Candidates",
    "Column",
    "Keyed",
    "acronym_keys",
    "block",
    "block_columns",
    "choose_tokens",
    "chosen_tokens",
    "fixed_keys",
    "initials_of",
    "pairs_within",
    "rule_name",
    "scoped",
    "single_key",
    "sort_value",
    "sorted_order",
    "soundex",
    "token_postings",
    "tokens_of",
    "usable",
    "value_keys",
    "window_of",
]
