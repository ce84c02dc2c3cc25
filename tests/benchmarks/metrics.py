"""Pairwise precision, recall and F1 of a clustering against true entities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Scores:
    """Pairwise scores; a true pair lost in blocking counts as a miss."""

    precision: float
    recall: float
    f1: float


def _pair_count(frame: pd.DataFrame, by: list[str], link: bool) -> float:
    if not link:
        sizes = frame.groupby(by).size().to_numpy(np.float64)
        return float((sizes * (sizes - 1) / 2).sum())
    # a link set counts only pairs with one record from each side
    sides = frame.groupby([*by, "source_system"]).size().unstack(fill_value=0).to_numpy(np.float64)
    if sides.shape[1] < 2:
        return 0.0
    return float((sides[:, 0] * sides[:, 1]).sum())


def cluster_scores(records: pd.DataFrame, cluster: pd.Series, link: bool) -> Scores:
    """Scores of cluster labels (aligned with `records`) against `records['entity']`."""
    frame = pd.DataFrame(
        {
            "source_system": records["source_system"].to_numpy(),
            "entity": records["entity"].to_numpy(),
            "cluster": cluster.to_numpy(),
        }
    )
    true_pairs = _pair_count(frame, ["entity"], link)
    found = _pair_count(frame, ["cluster"], link)
    correct = _pair_count(frame, ["cluster", "entity"], link)
    return _scores(correct, found, true_pairs)


def pair_scores(records: pd.DataFrame, left: np.ndarray, right: np.ndarray, link: bool) -> Scores:
    """Scores of an explicit pair list (row positions into `records`)."""
    entity = records["entity"].to_numpy()
    frame = pd.DataFrame({"source_system": records["source_system"].to_numpy(), "entity": entity})
    true_pairs = _pair_count(frame, ["entity"], link)
    correct = float((entity[left] == entity[right]).sum())
    return _scores(correct, float(len(left)), true_pairs)


def _scores(correct: float, found: float, true_pairs: float) -> Scores:
    precision = correct / found if found else 0.0
    recall = correct / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)
