"""Benchmark harness: this engine and Splink side by side, one table.

    make bench                                   # installs the bench extra, runs everything
    python -m tests.benchmarks.run [--half tune|report|all] [--engines ours,splink] [DATASET...]

Each (engine, data set) runs in a fresh process so wall time and peak memory are its own.
Scores are pairwise precision/recall/F1 after clustering at the shipped default thresholds;
blocking recall is the share of true pairs that were compared at all.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from tests.benchmarks.data import ROOT, available, load, seeds_present

ENGINES = ("ours", "splink")
COLUMNS = ("precision", "recall", "f1", "blocking_recall", "pairs", "seconds", "peak_mb")


def _one(engine: str, dataset: str, half: str) -> dict[str, Any]:
    module = importlib.import_module(f"tests.benchmarks.engine_{engine}")
    result: dict[str, Any] = module.run(load(dataset, half))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _in_child(engine: str, dataset: str, half: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.run", "--child", engine, dataset, "--half", half],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _row(dataset: str, engine: str, result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{dataset:<15} {engine:<7} error: {result['error'][:90]}"
    cells = [
        f"{result['precision']:.3f}",
        f"{result['recall']:.3f}",
        f"{result['f1']:.3f}",
        f"{result['blocking_recall']:.4f}",
        f"{result['pairs']:,}",
        f"{result['seconds']:.1f}",
        f"{result['peak_mb']:.0f}",
    ]
    extra = ""
    if "pairwise_f1" in result:
        extra = (
            f"  pairwise F1 at 0.9: {result['pairwise_f1']:.3f},"
            f" best at any threshold: {result['best_pairwise_f1']:.3f}"
        )
    return f"{dataset:<15} {engine:<7} " + " ".join(f"{c:>10}" for c in cells) + extra


def main(argv: Sequence[str] | None = None) -> int:
    """Run the harness and print the table."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run")
    parser.add_argument("datasets", nargs="*")
    parser.add_argument("--half", choices=("all", "tune", "report"), default="all")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "DATASET"))
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_one(args.child[0], args.child[1], args.half)))
        return 0
    datasets = args.datasets or available()
    print(f"half: {args.half}; customer seeds present: {seeds_present()}")
    header = " ".join(
        f"{c:>10}" for c in ("P", "R", "F1", "block rec", "pairs", "seconds", "peak MB")
    )
    print(f"{'data set':<15} {'engine':<7} {header}")
    for dataset in datasets:
        for engine in args.engines.split(","):
            print(_row(dataset, engine, _in_child(engine, dataset, args.half)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
