"""Prepared features as codes into distinct values: what the batch comparisons work on."""

from __future__ import annotations

import pandas as pd

from matching.batch.standardize import Column, prepare_distinct
from matching.config import MatchSettings

__all__ = ["Column", "prepared_columns"]


def prepared_columns(
    records: pd.DataFrame, settings: MatchSettings, workers: int
) -> tuple[pd.DataFrame, dict[str, Column]]:
    """The prepared frame (for blocking) and every feature as a `Column`."""
    prepared = prepare_distinct(records, settings, workers=workers)
    return prepared.to_frame(), dict(prepared.columns)
