"""Prepared features as codes into distinct values: what the batch comparisons and blocking
work on."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.batch.standardize import Column, Memo, prepare_distinct
from matching.blocking import Candidates, block_columns
from matching.blocking import Column as BlockingColumn
from matching.config import MatchSettings

__all__ = ["Column", "Memo", "block_prepared", "prepared_columns"]


def prepared_columns(
    records: pd.DataFrame, settings: MatchSettings, workers: int, memo: Memo | None = None
) -> dict[str, Column]:
    """Every feature as a `Column`; `memo` as in `prepare_distinct`."""
    return dict(prepare_distinct(records, settings, workers=workers, memo=memo).columns)


def block_prepared(
    columns: dict[str, Column],
    size: int,
    settings: MatchSettings,
    *,
    sources: list[str] | None = None,
    probes: npt.NDArray[np.bool_] | None = None,
) -> Candidates:
    """`block` on the prepared columns of `size` records: their codes are blocking's columns
    as they stand (no frame of categoricals, nothing factorized again), the same pairs."""
    fields = dict.fromkeys(rule.field for rule in settings.blocking)
    coded = {f: BlockingColumn(columns[f].codes, list(map(str, columns[f].values))) for f in fields}
    parent = settings.parent_field
    parents = columns[parent].to_array() if parent else None
    return block_columns(
        coded, size, settings.blocking, sources=sources, parents=parents, probes=probes
    )
