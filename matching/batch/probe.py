"""Score only the candidate pairs that touch some records: how new arrivals find partners.

Resolve-on-ingest first asks which existing records a batch of arrivals could join or be
reviewed with; only those partners' golden records are then re-clustered. Blocking,
comparison and scoring are the batch path's own, so a partner found here is a pair the
batch path would score the same way on the same records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.batch.columns import Memo, block_prepared, prepared_columns
from matching.batch.pipeline import _rules, _score, compare_all, token_tables
from matching.config import MatchSettings
from matching.scoring import FittedModel

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Probed:
    """Scored pairs (row indices into the records given) with a probe on at least one side."""

    left: IntArray
    right: IntArray
    probability: FloatArray


def probe_pairs(
    records: pd.DataFrame,
    probes: Sequence[int],
    settings: MatchSettings,
    model: FittedModel,
    *,
    workers: int = 2,
    memo: Memo | None = None,
) -> Probed:
    """Block all records into the pairs touching a probe row, and score them with `model`."""
    n = len(records)
    empty = np.empty(0, np.int64)
    if n < 2 or not len(probes):
        return Probed(empty, empty, np.empty(0, np.float64))
    columns = prepared_columns(records.reset_index(drop=True), settings, workers, memo)
    is_probe = np.zeros(n, bool)
    is_probe[np.asarray(probes, np.int64)] = True
    # most of a neighbourhood's pairs join two neighbours: they are never made
    cands = block_prepared(columns, n, settings, probes=is_probe)
    left, right = cands.left, cands.right
    tokens = token_tables(columns, settings)
    levels = compare_all(columns, settings, (left, right), tokens, workers)
    rule = _rules(columns, settings, left, right, workers)
    _total, prob = _score(settings, model, levels, rule, (columns, left, right))
    return Probed(left, right, prob)
