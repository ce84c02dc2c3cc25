"""Which neighbours an arrival could join or be reviewed with: the probe of resolve on ingest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.batch.probe import probe_pairs
from matching.batch.standardize import Memo
from matching.config import MatchSettings
from matching.scoring import FittedModel
from mdm.resolution.batch import workers_for
from mdm.resolution.frames import RecordFrame

# Standardizing is a pure function of a value, and each batch meets mostly the neighbours the
# last one met: one memo per process serves every entity type and thread.
MEMO = Memo()


def partners(
    records: RecordFrame, others: RecordFrame, settings: MatchSettings, model: FittedModel
) -> set[int]:
    """Neighbours that score at least `review` with a touched record: the only golden records
    whose clustering an arrival can change (the rest of the neighbourhood stays as it is).

    Tokens are weighed over the records given: the arrivals and these neighbours."""
    if not others.record_ids:
        return set()
    frame = pd.concat([records.frame, others.frame], ignore_index=True)
    ids = records.record_ids + others.record_ids
    first = len(records.record_ids)
    # Probes from the smaller side: the pairs between the two sides are the same either way
    # (so are their scores: one frame), and a probe's pairs within its own side are fewer.
    fewer = first <= len(others.record_ids)
    probes = range(first) if fewer else range(first, len(ids))
    workers = workers_for(len(ids))
    probed = probe_pairs(frame, probes, settings, model, workers=workers, memo=MEMO)
    worth = probed.probability >= settings.thresholds.lower
    if not fewer:  # only pairs with a touched record count
        worth &= (probed.left < first) != (probed.right < first)
    rows = np.concatenate([probed.left[worth], probed.right[worth]])
    return {ids[row] for row in rows.tolist()}
