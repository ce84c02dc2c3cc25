"""Score one record against its candidates with the batch path's own functions: `levels_for`
for the levels and `matching.pipeline.score` for weights, tax-id rules and link floors."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from matching.compare import LevelArray, TokenWeights, levels_for
from matching.config import ComparisonSpec, MatchSettings, Thresholds
from matching.index.postings import TokenCounts
from matching.index.rules import token_change
from matching.index.store import Probe, RecordKey, Store
from matching.pipeline import score
from matching.rules import RULE_NAMES
from matching.scoring import FittedModel

Verdict = Literal["link", "review", "distinct"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The model's word on one pair: the other record, its weight, probability and decision."""

    key: RecordKey
    match_weight: float
    probability: float
    decision: Verdict
    # the deterministic rule that decided ("tax_id_equal", "tax_id_differs"), "" for none
    rule: str


class IndexWeights(TokenWeights):
    """Name-token weights of a few tokens, with the unseen-token weight of the whole index."""

    def __init__(self, weights: Mapping[str, float], default: float) -> None:
        super().__init__(weights)
        self._unseen = default

    @property
    def default(self) -> float:
        """Weight of a token never seen: as rare as the rarest token in the index."""
        return self._unseen


def _weight(records: int, frequency: int) -> float:
    # `matching.compare.token_weights`, term by term
    return math.log((max(records, 1) + 1) / (frequency + 0.5))


def name_weights(
    counts: TokenCounts, probe: Probe, field: str, records: int, names: Sequence[str | None]
) -> IndexWeights:
    """IDF weights of the tokens in `names`, counted over the index with the probe in place."""
    change = token_change(probe, field)
    tokens = {t for name in set(names) if name for t in name.split()}
    weights = {t: _weight(records, counts.count(t) + change.get(t, 0)) for t in tokens}
    rarest = counts.rarest(change)
    return IndexWeights(weights, 1.0 if rarest is None else _weight(records, rarest))


def _levels(
    spec: ComparisonSpec,
    left: list[str | None],
    right: list[str | None],
    weights: TokenWeights | None,
) -> LevelArray:
    """`levels_for`, computed once per distinct value pair: candidates repeat names and places."""
    index: dict[tuple[str | None, str | None], int] = {}
    codes = [index.setdefault(pair, len(index)) for pair in zip(left, right, strict=True)]
    if len(index) == len(codes):
        return levels_for(spec, left, right, weights)
    distinct = levels_for(spec, [a for a, _ in index], [b for _, b in index], weights)
    return distinct[codes]


def _verdict(probability: float, thresholds: Thresholds) -> Verdict:
    if probability >= thresholds.upper:
        return "link"
    return "review" if probability >= thresholds.lower else "distinct"


@dataclass(frozen=True, slots=True)
class Scorer:
    """Everything scoring needs: settings, model, the records and the name-token counts."""

    settings: MatchSettings
    model: FittedModel
    store: Store
    tokens: Mapping[str, TokenCounts]

    def decisions(self, probe: Probe, rows: Sequence[int]) -> list[Decision]:
        """The probe scored against each row (ascending), as `dedupe` scores the pair."""
        if not rows:
            return []
        # as in dedupe, a pair's left record is the earlier row: rows before the probe's row
        # pair as (row, probe), the rest as (probe, row); position 0 of the frame is the probe
        split, k = bisect_left(rows, probe.row), len(rows)
        own_row = np.empty((1, len(self.store.fields)), dtype=object)
        own_row[0, :] = [probe.values.get(field) for field in self.store.fields]
        table = np.concatenate([own_row, self.store.table(rows)])
        others = {field: table[1:, j].tolist() for j, field in enumerate(self.store.fields)}
        left = np.concatenate([np.arange(1, split + 1), np.zeros(k - split, np.int64)])
        right = np.concatenate([np.zeros(split, np.int64), np.arange(split + 1, k + 1)])
        records = len(self.store) + (probe.stored is None)
        levels = np.zeros((k, len(self.settings.comparisons)), np.int8)
        for c, spec in enumerate(self.settings.comparisons):
            values, own = others[spec.field], probe.values.get(spec.field)
            weights = None
            if spec.kind == "name":
                counts = self.tokens[spec.field]
                weights = name_weights(counts, probe, spec.field, records, [own, *values])
            pair_left = values[:split] + [own] * (k - split)
            pair_right = [own] * split + values[split:]
            levels[:, c] = _levels(spec, pair_left, pair_right, weights)
        frame = pd.DataFrame(table, columns=self.store.fields, copy=False)
        scored = score(frame, self.settings, self.model, left, right, levels)
        return [
            Decision(key, weight, p, _verdict(p, self.model.thresholds), RULE_NAMES[rule])
            for key, weight, p, rule in zip(
                self.store.keys_at(rows),
                scored.total.tolist(),
                scored.prob.tolist(),
                scored.rule.tolist(),
                strict=True,
            )
        ]
