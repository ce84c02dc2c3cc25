"""The scaling harness's pure helpers: sizes, growth exponents, tables, target checks, cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from seeds import generate_customers
from tests.benchmarks import scale_data
from tests.benchmarks.scale_latency import split
from tests.benchmarks.scale_process import run_capped
from tests.benchmarks.scale_report import (
    growth_exponent,
    growth_lines,
    latency_table,
    parse_sizes,
    run_table,
    target_lines,
)


def _run(engine: str, size: int, seconds: float, peak: float, f1: float = 0.9) -> dict[str, Any]:
    return {
        "engine": engine,
        "size": size,
        "seconds": seconds,
        "peak_mb": peak,
        "f1": f1,
        "precision": 0.95,
        "recall": 0.85,
        "pairs": 1234567,
        "load_seconds": 0.4,
    }


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("10000,100000,1000000", [10_000, 100_000, 1_000_000]),
        ("10k, 100K,1M", [10_000, 100_000, 1_000_000]),
        ("2.5k", [2_500]),
        ("200", [200]),
    ],
)
def test_sizes_parse_plain_and_suffixed(text: str, sizes: list[int]) -> None:
    assert parse_sizes(text) == sizes


@pytest.mark.parametrize(
    ("small", "large", "exponent"),
    [(10.0, 100.0, 1.0), (10.0, 10.0, 0.0), (1.0, 1000.0, 3.0), (4.0, 8.0, 0.30103)],
)
def test_growth_exponent_is_the_log_ratio_over_a_tenfold_size(
    small: float, large: float, exponent: float
) -> None:
    assert growth_exponent(small, large, 100_000, 1_000_000) == pytest.approx(exponent, abs=1e-5)


def test_run_table_prints_one_aligned_line_per_run_and_errors_inline() -> None:
    lines = run_table(
        [_run("ours", 10_000, 1.234, 512.4), {"engine": "splink", "size": 10_000, "error": "boom"}]
    )
    header = ["size", "engine", "seconds", "peak", "MB", "F1", "P", "R", "pairs", "load", "s"]
    assert lines[0].split() == header
    cells = ["10,000", "ours", "1.2", "512", "0.9000", "0.9500", "0.8500", "1,234,567", "0.4"]
    assert lines[1].split() == cells
    assert lines[2].split()[:3] == ["10,000", "splink", "error:"]
    assert len(lines[0]) == len(lines[1])


def test_growth_lines_compare_consecutive_sizes_per_engine_and_skip_failures() -> None:
    runs = [
        _run("ours", 10_000, 1.0, 100.0),
        _run("ours", 100_000, 10.0, 300.0),
        _run("ours", 1_000_000, 125.0, 3000.0),
        _run("splink", 10_000, 2.0, 500.0),
        {"engine": "splink", "size": 100_000, "error": "killed"},
    ]
    lines = growth_lines(runs)
    assert len(lines) == 2
    assert "10,000 ->   100,000: time exponent 1.00" in lines[0]
    assert "100,000 -> 1,000,000: time exponent 1.10" in lines[1]
    assert "peak memory x10.0 for x10 records" in lines[1]
    assert growth_lines(runs[3:]) == ["(needs two sizes of one engine)"]


def test_targets_pass_and_fail_on_the_measured_figures() -> None:
    runs = [
        _run("ours", 10_000, 0.5, 300.0, f1=0.93),
        _run("ours", 100_000, 5.0, 600.0),
        _run("ours", 1_000_000, 80.0, 3000.0, f1=0.94),
        _run("splink", 1_000_000, 200.0, 13000.0),
    ]
    latency = [{"size": 1_000_000, "p99_ms": 6.5}]
    lines = target_lines(runs, latency)
    verdicts = {line.split("] ")[1].split(":")[0]: line[1:5] for line in lines}
    assert verdicts == {
        "1M in <= 60 s": "FAIL",
        "1M in <= 4 GB": "pass",
        "faster and leaner than Splink at 1M": "pass",
        "F1 at 1M >= F1 at 10k": "pass",
        "growth 100k -> 1M": "FAIL",
        "query at 1M < 5 ms p99": "FAIL",
    }
    assert target_lines(runs[:2], []) == ["(targets are judged at 1M with the batch path)"]


def test_splink_that_did_not_finish_at_1m_is_named_with_its_error() -> None:
    runs = [
        _run("ours", 1_000_000, 50.0, 3000.0),
        {"engine": "splink", "size": 1_000_000, "error": "stopped above the cap after 300 s"},
    ]
    lines = target_lines(runs, [])
    assert lines[2] == (
        "[pass] faster and leaner than Splink at 1M:"
        " Splink did not finish: stopped above the cap after 300 s"
    )


def test_latency_table_formats_quantiles_in_milliseconds() -> None:
    row = {
        "size": 10_000,
        "indexed": 9_000,
        "p50_ms": 0.41,
        "p99_ms": 1.234,
        "max_ms": 12.0,
        "build_seconds": 2.5,
        "peak_mb": 800.0,
        "fit_records": 9_000,
        "link_precision": 0.98,
        "partner_found": 0.9,
    }
    cells = ["10,000", "9,000", "0.41", "1.23", "12.0", "2.5", "800", "9,000", "0.980", "0.900"]
    assert latency_table([row])[1].split() == cells


def test_cache_round_trip_keeps_every_record_and_the_held_out_tail(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="the parquet cache is part of the bench extra")
    assert scale_data.generation(200, 3, tmp_path) is None
    figures = scale_data.write(200, 3, tmp_path)
    assert figures["generate_seconds"] > 0
    assert scale_data.generation(200, 3, tmp_path) == figures
    records = scale_data.read(200, 3, tmp_path).records
    pd.testing.assert_frame_equal(records, pd.DataFrame(generate_customers(200, 3)))
    assert {"source_system", "source_id", "name", scale_data.TRUTH} <= set(records.columns)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []
    base, held = split(records, hold_out=50)
    assert (len(base), len(held)) == (150, 50)
    assert held["source_id"].tolist() == records["source_id"].tolist()[150:]


def test_a_child_within_the_cap_runs_to_the_end_and_keeps_its_output(tmp_path: Path) -> None:
    done = run_capped([sys.executable, "-c", "print('figures')"], tmp_path, cap_mb=4096)
    assert (done.returncode, done.stdout.strip(), done.capped) == (0, "figures", False)


def test_a_child_past_the_memory_cap_is_stopped(tmp_path: Path) -> None:
    hog = "import time; block = bytearray(300 * 2**20); time.sleep(30)"
    done = run_capped([sys.executable, "-c", hog], tmp_path, cap_mb=150)
    assert done.capped
    assert done.returncode != 0
    assert 0 < done.seconds < 30
