"""Prepared features as codes into distinct values: what the batch comparisons work on."""

from __future__ import annotations

import pandas as pd

from matching.batch.standardize import Column, Memo, prepare_distinct
from matching.config import MatchSettings

__all__ = ["Column", "Memo", "prepared_columns"]


def prepared_columns(
    records: pd.DataFrame, settings: MatchSettings, workers: int, memo: Memo | None = None
) -> tuple[pd.DataFrame, dict[str, Column]]:
    """Every feature as a `Column`, and as a frame of categoricals for blocking (the same codes,
    so blocking reads them without encoding a million strings again); `memo` as in
    `prepare_distinct`."""
    prepared = prepare_distinct(records, settings, workers=workers, memo=memo)
    frame = pd.DataFrame(
        {
            name: pd.Categorical.from_codes(column.codes, column.values)
            for name, column in prepared.columns.items()
        },
        index=range(prepared.size),
    )
    return frame, dict(prepared.columns)
