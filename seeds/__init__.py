"""Demo and test seeds: a consulting firm's CRM, PSA and ERP exports with their ground truth.

`python -m seeds` rewrites `seeds/data/` and `seeds/truth/` from a fixed random seed;
`generate_customers(n, seed)` makes large synthetic customer sets with the same corruption model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from seeds.generator.pipeline import DEFAULT_CUSTOMERS, DEFAULT_SEED
from seeds.generator.synthetic import generate_customers
from seeds.generator.writer import write_seeds

SEEDS_DIR: Final = Path(__file__).resolve().parent
DATA_DIR: Final = SEEDS_DIR / "data"
TRUTH_DIR: Final = SEEDS_DIR / "truth"

__all__ = [
    "DATA_DIR",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_SEED",
    "SEEDS_DIR",
    "TRUTH_DIR",
    "generate_customers",
    "write_seeds",
]
