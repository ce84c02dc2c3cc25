"""Tables, growth figures and target checks of the scaling harness (pure formatting)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

RUN_HEADER = ("size", "engine", "seconds", "peak MB", "F1", "P", "R", "pairs", "load s")
LATENCY_HEADER = (
    "size",
    "indexed",
    "p50 ms",
    "p99 ms",
    "max ms",
    "build s",
    "peak MB",
    "fit on",
    "link P",
    "found",
)
# "at most slightly faster than linear" from 100k to 1M, made a number
MAX_EXPONENT = 1.15
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 4096.0
TARGET_P99_MS = 5.0
MILLION = 1_000_000
SUFFIXES = {"k": 1_000, "m": MILLION}


def parse_sizes(text: str) -> list[int]:
    """`10000,100000` or `10k,100k,1M` as record counts."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = SUFFIXES.get(part[-1:], 1)
        sizes.append(int(float(part[:-1] if scale > 1 else part) * scale))
    return sizes


def growth_exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    """k in t ∝ n^k between two sizes: 1.0 is linear."""
    return math.log(large / small) / math.log(n_large / n_small)


def _cells(row: Sequence[object], widths: Sequence[int]) -> str:
    return " ".join(f"{c!s:>{w}}" for c, w in zip(row, widths, strict=True))


def _run_cells(run: dict[str, Any]) -> list[object]:
    return [
        f"{run['size']:,}",
        run["engine"],
        f"{run['seconds']:.1f}",
        f"{run['peak_mb']:,.0f}",
        f"{run['f1']:.4f}",
        f"{run['precision']:.4f}",
        f"{run['recall']:.4f}",
        f"{run['pairs']:,}",
        f"{run['load_seconds']:.1f}",
    ]


def run_table(runs: Iterable[dict[str, Any]]) -> list[str]:
    """One line per (size, engine): seconds, peak MB, F1, precision, recall, pairs compared."""
    widths = (10, 15, 8, 8, 7, 7, 7, 12, 7)
    lines = [_cells(RUN_HEADER, widths)]
    for run in runs:
        if "error" in run:
            lead = _cells([f"{run['size']:,}", run["engine"]], widths[:2])
            lines.append(f"{lead}  error: {run['error'][:100]}")
        else:
            lines.append(_cells(_run_cells(run), widths))
    return lines


def _ok(runs: Iterable[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["engine"], r["size"]): r for r in runs if "error" not in r}


def growth_lines(runs: Sequence[dict[str, Any]]) -> list[str]:
    """Time exponent and memory ratio per engine between consecutive sizes."""
    done = _ok(runs)
    lines = []
    for engine in dict.fromkeys(r["engine"] for r in runs):
        sizes = sorted(n for e, n in done if e == engine)
        for small, large in pairwise(sizes):
            a, b = done[(engine, small)], done[(engine, large)]
            k = growth_exponent(a["seconds"], b["seconds"], small, large)
            lines.append(
                f"{engine:<15} {small:>9,} -> {large:>9,}: time exponent {k:.2f}"
                f" (1.00 = linear), peak memory x{b['peak_mb'] / a['peak_mb']:.1f}"
                f" for x{large / small:.0f} records"
            )
    return lines or ["(needs two sizes of one engine)"]


def _latency_cells(row: dict[str, Any]) -> list[object]:
    return [
        f"{row['size']:,}",
        f"{row['indexed']:,}",
        f"{row['p50_ms']:.2f}",
        f"{row['p99_ms']:.2f}",
        f"{row['max_ms']:.1f}",
        f"{row['build_seconds']:.1f}",
        f"{row['peak_mb']:,.0f}",
        f"{row['fit_records']:,}",
        f"{row['link_precision']:.3f}",
        f"{row['partner_found']:.3f}",
    ]


def latency_table(rows: Iterable[dict[str, Any]]) -> list[str]:
    """One line per size: query p50/p99/max, build time, peak, what the model was fitted on."""
    widths = (10, 10, 7, 7, 7, 8, 8, 8, 7, 7)
    lines = [_cells(LATENCY_HEADER, widths)]
    for row in rows:
        if "error" in row:
            lines.append(f"{row['size']:>10,}  error: {row['error'][:100]}")
        else:
            lines.append(_cells(_latency_cells(row), widths))
    return lines


def _check(label: str, passed: bool, figure: str) -> str:
    return f"[{'pass' if passed else 'FAIL'}] {label}: {figure}"


def _splink_check(ours: dict[str, Any], splink: dict[str, Any] | None) -> list[str]:
    label = "faster and leaner than Splink at 1M"
    if splink is None:
        return []
    if "error" in splink:
        # Splink failing where ours finished is a win, but say how it failed
        return [_check(label, True, f"Splink did not finish: {splink['error']}")]
    faster = ours["seconds"] < splink["seconds"] and ours["peak_mb"] < splink["peak_mb"]
    figure = (
        f"{ours['seconds']:.1f} s / {ours['peak_mb']:,.0f} MB against"
        f" {splink['seconds']:.1f} s / {splink['peak_mb']:,.0f} MB"
    )
    return [_check(label, faster, figure)]


def _speed_checks(
    done: dict[tuple[str, int], dict[str, Any]], splink: dict[str, Any] | None
) -> list[str]:
    ours = done.get(("ours", MILLION))
    if ours is None:
        return []
    lines = [
        _check("1M in <= 60 s", ours["seconds"] <= TARGET_SECONDS, f"{ours['seconds']:.1f} s"),
        _check("1M in <= 4 GB", ours["peak_mb"] <= TARGET_PEAK_MB, f"{ours['peak_mb']:,.0f} MB"),
    ]
    lines += _splink_check(ours, splink)
    small = done.get(("ours", 10_000))
    if small is not None:
        figure = f"{ours['f1']:.4f} at 1M, {small['f1']:.4f} at 10k"
        lines.append(_check("F1 at 1M >= F1 at 10k", ours["f1"] >= small["f1"], figure))
    mid = done.get(("ours", 100_000))
    if mid is not None:
        k = growth_exponent(mid["seconds"], ours["seconds"], 100_000, MILLION)
        lines.append(_check("growth 100k -> 1M", k <= MAX_EXPONENT, f"exponent {k:.2f}"))
    return lines


def target_lines(runs: Sequence[dict[str, Any]], latency: Sequence[dict[str, Any]]) -> list[str]:
    """The scaling targets this run measured, each marked pass or FAIL."""
    splink = next((r for r in runs if r["engine"] == "splink" and r["size"] == MILLION), None)
    lines = _speed_checks(_ok(runs), splink)
    for row in latency:
        if row["size"] == MILLION and "error" not in row:
            figure = f"p99 {row['p99_ms']:.2f} ms"
            lines.append(_check("query at 1M < 5 ms p99", row["p99_ms"] < TARGET_P99_MS, figure))
    return lines or ["(targets are judged at 1M with the batch path)"]
