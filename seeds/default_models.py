"""`python -m seeds.default_models`: refit the weights a new hub starts with.

An empty hub has no data to learn from, so each entity type ships a Fellegi-Sunter model fitted
(without labels, by EM) on a generated world that is NOT the demo seeds (another random seed),
written to `matching/models/<entity>.json`. Children are fitted inside their true customer, as
the hub matches them inside their resolved one.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

from matching.batch.pipeline import dedupe_batch
from matching.presets import MODELS_DIR, preset
from seeds.generator.writer import write_seeds

WORLD_SEED = 11
WORLD_CUSTOMERS = 1500
SYSTEMS = ("crm", "psa", "erp")


def _table(root: Path, kind: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False)
        for system in SYSTEMS
        if (path := root / "data" / system / f"{kind}.csv").exists()
    ]
    return pd.concat(frames, ignore_index=True)


def _with_true_customer(root: Path, children: pd.DataFrame) -> pd.DataFrame:
    truth = pd.read_csv(root / "truth" / "customers.csv", dtype=str)
    entity = dict(
        zip(
            zip(truth["source_system"], truth["source_id"], strict=True),
            truth["entity_id"],
            strict=True,
        )
    )
    parents = zip(children["source_system"], children["customer_source_id"], strict=True)
    children["customer_golden_id"] = [entity.get(k, "") for k in parents]
    return children


def main() -> int:
    """Generate the world, fit each hub entity type, write the model files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_seeds(root, WORLD_SEED, WORLD_CUSTOMERS)
        for kind in ("customers", "contracts", "projects"):
            records = _table(root, kind)
            if kind != "customers":
                records = _with_true_customer(root, records)
            model = dedupe_batch(records, preset(kind)).model
            target = MODELS_DIR / f"{kind}.json"
            target.write_text(model.to_json() + "\n", encoding="utf-8")
            print(f"{len(records):>6} {kind} -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
