"""Scaling harness: generated customer sets of 10k to 1M records, this engine beside Splink.

    make bench-scale       # installs the bench extra; 10k,100k,1M, ours and splink, --latency
    python -m tests.benchmarks.scale [--sizes 10k,100k,1M] [--engines ours,splink] [--latency]
                                     [--seed 1] [--json PATH]

Each set is generated once per (n, seed) in its own process and cached as parquet under
`.bench-cache/`. Every (size, engine) then runs in a fresh process that loads the file (timed on
its own), runs the engine (seconds are the engine's alone) and reports its peak RSS, which
includes the loaded frame. Scores are pairwise precision/recall/F1 after clustering against the
generator's `entity_id`. Splink runs only when `--engines` names it. A child whose resident
memory passes `--memory-cap-gb` (16 by default; the machine is shared) is stopped and reported.
`--latency` times `MatchIndex.query` for 1,000 held-out records per size.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.benchmarks import scale_data, scale_engines, scale_latency
from tests.benchmarks.data import ROOT
from tests.benchmarks.scale_process import run_capped
from tests.benchmarks.scale_report import (
    growth_lines,
    latency_table,
    parse_sizes,
    run_table,
    target_lines,
)

STAGES = ("generate", "dedupe", "fit", "latency")


def _child_main(args: argparse.Namespace) -> dict[str, Any]:
    """Run one stage in this (fresh) process and return its figures."""
    n, folder = args.sizes[0], args.cache_dir
    if args.child == "generate":
        return scale_data.write(n, args.seed, folder)
    loaded = scale_data.read(n, args.seed, folder)
    head = {"size": n, "load_seconds": loaded.seconds, "load_peak_mb": loaded.peak_mb}
    if args.child == "dedupe":
        return {**head, **scale_engines.run(loaded.records, args.engines, n)}
    if args.child == "fit":
        return {**head, **scale_latency.fit(loaded.records, args.seed, args.model)}
    return {**head, **scale_latency.latency(loaded.records, args.model)}


@dataclass(frozen=True)
class Plan:
    """What every child of one run shares: the seed, the cache folder, the memory cap."""

    seed: int
    folder: Path
    cap_mb: float

    def spawn(self, stage: str, n: int, *extra: str) -> dict[str, Any]:
        """Run one stage for `n` records in a fresh process; its figures, or an error."""
        command = [sys.executable, "-m", "tests.benchmarks.scale", "--child", stage, *extra]
        command += ["--sizes", str(n), "--seed", str(self.seed), "--cache-dir", str(self.folder)]
        done = run_capped(command, ROOT, self.cap_mb)
        if done.capped:
            cap = f"{self.cap_mb:,.0f} MB memory cap"
            return {"size": n, "error": f"stopped above the {cap} after {done.seconds:.0f} s"}
        if done.returncode < 0:
            # killed (by the kernel's OOM killer, say): no traceback to show
            return {"size": n, "error": f"killed by {signal.Signals(-done.returncode).name}"}
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
            return {"size": n, "error": last}
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def _generate(sizes: Sequence[int], plan: Plan) -> dict[int, dict[str, Any]]:
    made: dict[int, dict[str, Any]] = {}
    for n in sizes:
        cached = scale_data.generation(n, plan.seed, plan.folder)
        figures = plan.spawn("generate", n) if cached is None else cached
        if "error" in figures:
            raise SystemExit(f"generating {n:,} records failed: {figures['error']}")
        made[n] = {"cached": cached is not None, **figures}
        took = figures.get("generate_seconds", float("nan"))
        how = "generated now" if cached is None else "cached"
        print(f"{n:>10,} records: {how}, generator {took:.1f} s", flush=True)
    return made


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _revision() -> str:
    """The commit measured, and whether the engine's code differs from it."""
    dirty = _git("status", "--porcelain", "--", "matching")
    return _git("rev-parse", "--short", "HEAD") + (" + uncommitted matching/" if dirty else "")


def _runs(sizes: Sequence[int], engines: Sequence[str], plan: Plan) -> list[dict[str, Any]]:
    if not engines:
        return []
    print("\n".join(run_table([])), flush=True)
    runs = []
    for n in sizes:
        for engine in engines:
            result = {"engine": engine, **plan.spawn("dedupe", n, "--engines", engine)}
            runs.append(result)
            print(run_table([result])[1], flush=True)
    return runs


def _latency(sizes: Sequence[int], plan: Plan) -> list[dict[str, Any]]:
    print("\n" + "\n".join(latency_table([])), flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in sizes:
            model = ["--model", str(Path(scratch) / f"model-{n}.json")]
            row = plan.spawn("fit", n, *model)
            if "error" not in row:
                fitted = {k: v for k, v in row.items() if k.startswith("fit_")}
                row = {**plan.spawn("latency", n, *model), **fitted}
            rows.append(row)
            print(latency_table([row])[1], flush=True)
    return rows


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.scale")
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("10k,100k,1M"))
    parser.add_argument("--engines", default="ours", help="comma list of ours, reference, splink")
    parser.add_argument("--latency", action="store_true", help="time MatchIndex.query too")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--cache-dir", type=Path, default=scale_data.CACHE)
    parser.add_argument(
        "--memory-cap-gb", type=float, default=16.0, help="stop a child above this resident size"
    )
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Generate what is missing, run every (size, engine) in its own process, print the tables."""
    args = _parser().parse_args(argv)
    if args.child:
        print(json.dumps(_child_main(args)))
        return 0
    # an empty list (`--engines ''`) runs the latency part alone
    engines = [e for e in args.engines.split(",") if e]
    unknown = sorted(set(engines) - set(scale_engines.ENGINES))
    if unknown:
        raise SystemExit(f"unknown engines {unknown}; choose from {scale_engines.ENGINES}")
    revision = _revision()
    print(
        f"sizes {args.sizes}, seed {args.seed}, {os.cpu_count()} cores, at {revision}", flush=True
    )
    plan = Plan(args.seed, args.cache_dir, args.memory_cap_gb * 1024)
    generated = _generate(args.sizes, plan)
    runs = _runs(args.sizes, engines, plan)
    latency = _latency(args.sizes, plan) if args.latency else []
    print("\nscaling (peak memory includes the loaded frame)")
    print("\n".join(growth_lines(runs)))
    print("\ntargets")
    print("\n".join(target_lines(runs, latency)))
    if args.json:
        record = {"seed": args.seed, "cores": os.cpu_count(), "revision": revision}
        record["generated"] = generated
        args.json.write_text(json.dumps({**record, "runs": runs, "latency": latency}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
