"""What the batch path says about every pair: `dedupe`'s own output, and the same pipeline steps
unrounded, so that the index can be held to both."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from matching.blocking import block
from matching.compare import compare
from matching.config import BlockingRule, MatchSettings
from matching.index import Decision, MatchIndex
from matching.pipeline import dedupe, score
from matching.prepare import prepare
from matching.rules import RULE_NAMES
from matching.scoring import FittedModel

RecordKey = tuple[str, str]


@dataclass(frozen=True)
class Said:
    """The batch path's word on one pair."""

    match_weight: float
    probability: float
    decision: str
    rule: str


Pairs = dict[RecordKey, dict[RecordKey, Said]]


@dataclass(frozen=True)
class Case:
    """Records, their settings and a model fitted once by `dedupe` on them."""

    records: pd.DataFrame
    settings: MatchSettings
    model: FittedModel


def keys_of(records: pd.DataFrame) -> list[RecordKey]:
    """(source_system, source_id) of every row."""
    systems, ids = records["source_system"].astype(str), records["source_id"].astype(str)
    return list(zip(systems, ids, strict=True))


def tight(settings: MatchSettings) -> MatchSettings:
    """The same settings with tiny block caps and two tokens a record: every cap is in play."""
    rules = tuple(
        dataclasses.replace(
            r,
            max_block_size=max(3, r.max_block_size // 30),
            param=2 if r.method == "tokens" else r.param,
        )
        for r in settings.blocking
    )
    return dataclasses.replace(settings, blocking=rules)


def mixed(settings: MatchSettings) -> MatchSettings:
    """The same comparisons blocked by every other kind of rule, small caps included."""
    name = next(r.field for r in settings.blocking if r.method == "tokens")
    other = next(r.field for r in settings.blocking if r.method == "exact")
    rules = (
        BlockingRule(name, "prefix", max_block_size=12, param=5),
        BlockingRule(name, "phonetic", max_block_size=8),
        BlockingRule(name, "tokens", max_block_size=25),
        BlockingRule(name, "acronym", max_block_size=6),
        BlockingRule(other, "sorted_neighbourhood", param=3),
        BlockingRule(other, "exact", max_block_size=4),
    )
    return dataclasses.replace(settings, blocking=rules)


def _verdict(probability: float, model: FittedModel) -> str:
    if probability >= model.thresholds.upper:
        return "link"
    return "review" if probability >= model.thresholds.lower else "distinct"


def _both_ways(pairs: list[tuple[RecordKey, RecordKey, Said]]) -> Pairs:
    out: Pairs = {}
    for a, b, said in pairs:
        out.setdefault(a, {})[b] = said
        out.setdefault(b, {})[a] = said
    return out


def unrounded(records: pd.DataFrame, settings: MatchSettings, model: FittedModel) -> Pairs:
    """Every candidate pair as `dedupe` scores it (prepare, block, compare, score), unrounded."""
    frame = records.reset_index(drop=True)
    keys = keys_of(frame)
    prepared = prepare(frame, settings)
    found = block(prepared, settings.blocking, parent_field=settings.parent_field)
    levels = compare(prepared, found.left, found.right, settings.comparisons)
    scored = score(prepared, settings, model, found.left, found.right, levels)
    pairs = []
    for k, (a, b) in enumerate(zip(found.left.tolist(), found.right.tolist(), strict=True)):
        p = float(scored.prob[k])
        rule = RULE_NAMES[int(scored.rule[k])]
        pairs.append((keys[a], keys[b], Said(float(scored.total[k]), p, _verdict(p, model), rule)))
    return _both_ways(pairs)


def unrounded_for_last(
    prepared: pd.DataFrame, keys: list[RecordKey], settings: MatchSettings, model: FittedModel
) -> dict[RecordKey, Said]:
    """The pairs of the last record, as `dedupe` would score them on the prepared records."""
    found = block(prepared, settings.blocking, parent_field=settings.parent_field)
    last = len(prepared) - 1
    mine = found.right == last  # the last record is on the right of each of its pairs
    left, right = found.left[mine], found.right[mine]
    # `compare` weighs name tokens over the whole frame, as dedupe does, for these pairs only
    levels = compare(prepared, left, right, settings.comparisons)
    scored = score(prepared, settings, model, left, right, levels)
    out = {}
    for k, a in enumerate(left.tolist()):
        p = float(scored.prob[k])
        rule = RULE_NAMES[int(scored.rule[k])]
        out[keys[a]] = Said(float(scored.total[k]), p, _verdict(p, model), rule)
    return out


def deduped(records: pd.DataFrame, settings: MatchSettings, model: FittedModel) -> Pairs:
    """Every pair in `dedupe`'s output (weights and probabilities rounded as it rounds them)."""
    result = dedupe(records.reset_index(drop=True), settings, model=model)
    pairs = []
    for row in result.pairs.itertuples():
        a = (str(row.source_system_l), str(row.source_id_l))
        b = (str(row.source_system_r), str(row.source_id_r))
        said = Said(float(row.match_weight), float(row.probability), row.decision, row.rule)
        pairs.append((a, b, said))
    return _both_ways(pairs)


def assert_same(
    got: list[Decision],
    exact: dict[RecordKey, Said],
    shown: dict[RecordKey, Said] | None = None,
) -> None:
    """One record's decisions from the index equal the batch path's, pair for pair: to 1e-9
    unrounded, and as `dedupe` shows them (`shown`) once rounded as it rounds."""
    by_key = {d.key: d for d in got}
    assert len(by_key) == len(got)
    assert set(by_key) == set(exact)
    for key, d in by_key.items():
        want = exact[key]
        assert abs(d.probability - want.probability) <= 1e-9, (key, d, want)
        assert abs(d.match_weight - want.match_weight) <= 1e-9, (key, d, want)
        assert (d.decision, d.rule) == (want.decision, want.rule), (key, d, want)
    if shown is None:
        return
    assert set(by_key) == set(shown)
    for key, d in by_key.items():
        rounded = shown[key]
        assert (d.decision, d.rule) == (rounded.decision, rounded.rule), (key, d, rounded)
        assert abs(round(d.probability, 5) - rounded.probability) <= 1e-9, (key, d, rounded)
        assert abs(round(d.match_weight, 3) - rounded.match_weight) <= 1e-9, (key, d, rounded)


def assert_index_equals_batch(
    index: MatchIndex, records: pd.DataFrame, case: Case, rows: list[int] | None = None
) -> int:
    """Each (or each given) record of `records`, queried, answers what the batch path says
    about the same records; how many pairs were compared."""
    exact = unrounded(records, case.settings, case.model)
    shown = deduped(records, case.settings, case.model)
    keys = keys_of(records)
    as_dicts = records.to_dict("records")
    compared = 0
    for i in range(len(records)) if rows is None else rows:
        got = index.query(as_dicts[i])
        assert set(index.candidates(as_dicts[i])) == {d.key for d in got}
        assert_same(got, exact.get(keys[i], {}), shown.get(keys[i], {}))
        compared += len(got)
    return compared
