"""The hub ingest harness runs end to end at a small size, in one process and in two."""

from __future__ import annotations

import pytest

from tests.benchmarks import hub_ingest


@pytest.mark.parametrize("workers", [1, 2])
def test_the_harness_ingests_and_scores_a_small_hub(
    workers: int, capsys: pytest.CaptureFixture[str]
) -> None:
    hub_ingest.main(2000, fit_first=False, workers=workers)

    out = capsys.readouterr().out
    assert f"{workers} ingest process(es), batches of 1000: 2000 records" in out
    f1 = float(out.rsplit("F1 ", 1)[1].split()[0])
    assert f1 > 0.9  # the clusters are the entities', whichever process wrote them
