"""Record sets for the blocking and index tests: the shipped seeds and a generated set."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from seeds import generate_customers

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SYSTEMS = ("crm", "psa", "erp")


def _read(kind: str) -> pd.DataFrame:
    frames = []
    for system in SYSTEMS:
        path = SEEDS / "data" / system / f"{kind}.csv"
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame["source_system"] = frame.get("source_system", system)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@lru_cache(maxsize=1)
def seed_customers() -> pd.DataFrame:
    """The shipped CRM, PSA and ERP customers in one frame."""
    return _read("customers")


@lru_cache(maxsize=1)
def seed_projects() -> pd.DataFrame:
    """The shipped projects, each under its true customer (children match inside a parent)."""
    records = _read("projects")
    truth = pd.read_csv(SEEDS / "truth" / "customers.csv", dtype=str)
    entity = dict(
        zip(
            zip(truth["source_system"], truth["source_id"], strict=True),
            truth["entity_id"],
            strict=True,
        )
    )
    parents = zip(records["source_system"], records["customer_source_id"], strict=True)
    records["customer_golden_id"] = [entity.get(k, "") for k in parents]
    return records


@lru_cache(maxsize=2)
def generated_customers(n: int) -> pd.DataFrame:
    """`n` generated customer records, the truth column dropped."""
    return pd.DataFrame(generate_customers(n, seed=1)).drop(columns=["entity_id"])
