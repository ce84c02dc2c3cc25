"""CLI end to end: a canonical CSV in, one cluster id per row out, pairs explained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from matching.__main__ import main
from matching.presets import customers
from tests.matching.customers_fixture import customer_frame


def _write_input(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    records, truth = customer_frame()
    path = tmp_path / "customers.csv"
    records.to_csv(path, index=False)
    return path, truth


def test_dedupe_writes_a_string_cluster_id_for_every_row(tmp_path: Path) -> None:
    source, truth = _write_input(tmp_path)
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    args = ["dedupe", str(source), "--preset", "customers", "--out", str(out)]
    assert main([*args, "--pairs", str(pairs)]) == 0
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == ["source_system", "source_id", "cluster_id"]
    assert sorted(clusters["source_id"]) == sorted(truth)
    same = clusters.groupby("cluster_id")["source_id"].apply(lambda ids: {truth[i] for i in ids})
    assert all(len(entities) == 1 for entities in same)
    assert clusters["cluster_id"].nunique() == len(set(truth.values()))
    explained = pd.read_csv(pairs)
    assert {"match_weight", "probability", "decision", "name", "name_weight"} <= set(explained)


def test_settings_file_and_saved_model_are_honoured(tmp_path: Path) -> None:
    source, _ = _write_input(tmp_path)
    settings = tmp_path / "settings.yaml"
    settings.write_text(customers().with_thresholds(upper=0.999999, lower=0.5).to_yaml())
    model = tmp_path / "model.json"
    out = tmp_path / "clusters.csv"
    args = ["dedupe", str(source), "--settings", str(settings), "--out", str(out)]
    assert main([*args, "--save-model", str(model)]) == 0
    saved = json.loads(model.read_text())
    assert saved["thresholds"]["upper"] == 0.999999
    assert main(["dedupe", str(source), "--model", str(model), "--out", str(out)]) == 0


def test_missing_key_columns_exit_with_an_error(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("name\nAcme\n")
    assert main(["dedupe", str(source), "--out", str(tmp_path / "x.csv")]) == 2


def test_module_runs_as_a_program(tmp_path: Path) -> None:
    source, truth = _write_input(tmp_path)
    out = tmp_path / "clusters.csv"
    done = subprocess.run(
        [sys.executable, "-m", "matching", "dedupe", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out)) == len(truth)
