"""Prepared features as codes into distinct values: what the batch comparisons work on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.config import MatchSettings
from matching.prepare import prepare

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Column:
    """One prepared feature: `values[codes[i]]` is record i's value, code -1 when missing.

    Distinct values are distinct: equal codes mean equal values and the other way round.
    """

    codes: IntArray
    values: list[str]

    @classmethod
    def of(cls, values: pd.Series) -> Column:
        """Factorize a column of prepared values (None = missing)."""
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return cls(np.asarray(codes, np.int64), [str(v) for v in uniques])


def prepared_columns(
    records: pd.DataFrame, settings: MatchSettings, workers: int
) -> tuple[pd.DataFrame, dict[str, Column]]:
    """The prepared frame (for blocking) and every feature as a `Column`."""
    del workers
    frame = prepare(records, settings)
    return frame, {name: Column.of(frame[name]) for name in frame.columns}
