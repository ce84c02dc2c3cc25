"""Large synthetic customer sets with the seeds' corruption model, for benchmarks."""

from __future__ import annotations

import gc
import random

from seeds.generator.ids import SystemIds
from seeds.generator.pipeline import DEFAULT_SEED, render_customers

# Source records per true customer under the presence and duplicate rates (measured: ~2.5).
_RECORDS_PER_ENTITY = 2.3


def generate_customers(n: int, seed: int = DEFAULT_SEED) -> list[dict[str, str]]:
    """`n` customer source records of all three systems, shuffled, each with its `entity_id`.

    Every row has the canonical customer columns, `crm_id` (empty on CRM rows) and `entity_id`,
    the true real-world customer: drop it before ingest, keep it to score a matcher.
    Linear in `n`; the same (n, seed) always gives the same rows.
    """
    if n <= 0:
        return []
    # Millions of small dicts make the cyclic GC rescan the whole heap again and again (half the
    # run time at 300k rows); nothing here builds reference cycles, so pause it meanwhile.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(n, seed)
    finally:
        if was_enabled:
            gc.enable()


def _generate(n: int, seed: int) -> list[dict[str, str]]:
    entities = int(n / _RECORDS_PER_ENTITY) + 8
    while True:
        rng = random.Random(seed)
        customers = render_customers(rng, SystemIds(rng), entities)
        if sum(len(rows) for rows in customers.rows.values()) >= n:
            break
        entities += entities // 2 + 8  # a rare short draw for a tiny n: draw a larger world
    entity_of = {(s, i): e for s, i, e in customers.truth}
    rows: list[dict[str, str]] = []
    for system in ("crm", "psa", "erp"):
        for row in customers.rows[system]:  # extended in place: a copy would double the memory
            row.setdefault("crm_id", "")
            row["entity_id"] = entity_of[(system, row["source_id"])]
            rows.append(row)
    rng.shuffle(rows)
    # The world is drawn a little large, so cutting keeps n rows without skewing any rate.
    return rows[:n]
