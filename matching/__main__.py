"""CLI: `python -m matching dedupe FILE --preset customers --out FILE [--pairs FILE]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from matching.config import MatchSettings
from matching.pipeline import dedupe
from matching.presets import PRESETS, preset
from matching.scoring import FittedModel


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("dedupe", help="cluster the rows of a canonical CSV file")
    run.add_argument("file", type=Path, help="canonical CSV with source_system, source_id, ...")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--preset", choices=sorted(PRESETS), default="customers")
    source.add_argument("--settings", type=Path, help="settings as JSON or YAML")
    run.add_argument("--model", type=Path, help="fitted model JSON (default: fit by EM)")
    run.add_argument("--out", type=Path, required=True, help="source_system,source_id,cluster_id")
    run.add_argument("--pairs", type=Path, help="scored pairs with their explanations")
    run.add_argument("--save-model", type=Path, help="write the fitted model JSON here")
    return parser


def _settings(args: argparse.Namespace) -> MatchSettings:
    if args.settings is None:
        return preset(args.preset)
    text = args.settings.read_text(encoding="utf-8")
    if args.settings.suffix.lower() == ".json":
        return MatchSettings.from_json(text)
    return MatchSettings.from_yaml(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = _parser().parse_args(argv)
    settings = _settings(args)
    records = pd.read_csv(args.file, dtype=str, keep_default_na=False)
    missing = {"source_system", "source_id"} - set(records.columns)
    if missing:
        print(f"error: {args.file} lacks columns {sorted(missing)}", file=sys.stderr)
        return 2
    model = FittedModel.from_json(args.model.read_text(encoding="utf-8")) if args.model else None
    result = dedupe(records, settings, model=model)
    result.clusters.to_csv(args.out, index=False)
    if args.pairs is not None:
        result.pairs.to_csv(args.pairs, index=False)
    if args.save_model is not None:
        args.save_model.write_text(result.model.to_json(), encoding="utf-8")
    n_clusters = result.clusters["cluster_id"].nunique()
    print(
        f"{len(records)} records, {len(result.pairs)} pairs, {n_clusters} clusters", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
