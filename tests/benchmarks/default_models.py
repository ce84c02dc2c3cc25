"""`python -m tests.benchmarks.default_models`: refit the weights a new hub starts with.

An empty hub has no data to learn from, so each entity type ships a Fellegi-Sunter model fitted
(without labels, by EM) on a generated world that is NOT the demo seeds (another random seed),
written to `matching/models/<entity>.json`. Children are fitted inside their true customer, as
the hub matches them inside its resolved one.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from matching.batch.pipeline import dedupe_batch
from matching.presets import MODELS_DIR, preset
from seeds import write_seeds
from tests.benchmarks.data import Dataset, seed_children, seed_customers

WORLD_SEED = 11
WORLD_CUSTOMERS = 4000


def main() -> int:
    """Generate the world, fit each hub entity type, write the model files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_seeds(root, WORLD_SEED, WORLD_CUSTOMERS)
        worlds: dict[str, Dataset] = {
            "customers": seed_customers(root),
            "contracts": seed_children("contracts", root),
            "projects": seed_children("projects", root),
        }
        for kind, data in worlds.items():
            records = data.records.drop(columns=["entity"])
            model = dedupe_batch(records, preset(kind)).model
            target = MODELS_DIR / f"{kind}.json"
            target.write_text(model.to_json() + "\n", encoding="utf-8")
            print(f"{len(records):>6} {kind} -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
