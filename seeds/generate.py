"""`python -m seeds.generate [--out DIR] [--seed N] [--customers N]`: (re)write the seed files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from seeds.generator.pipeline import DEFAULT_CUSTOMERS, DEFAULT_SEED
from seeds.generator.writer import write_seeds

SEEDS_DIR = Path(__file__).resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, write the files, print one line per file to stderr."""
    parser = argparse.ArgumentParser(prog="python -m seeds", description=__doc__)
    parser.add_argument("--out", type=Path, default=SEEDS_DIR, help="folder to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help="true customers to draw"
    )
    args = parser.parse_args(argv)
    for path in write_seeds(args.out, args.seed, args.customers):
        with path.open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        print(f"{rows:>7} rows  {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
