"""Job metrics: queue depth at scrape time, and each worker's durations, delays and failures."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from mdm.app import create_app
from mdm.jobs.metrics import JobMetrics
from mdm.jobs.tasks import registry
from mdm.jobs.worker import Worker, WorkerConfig
from mdm.settings import Settings
from tests.mdm.jobs.test_embedded import embedded_settings, enqueue, statuses, wait_until
from tests.mdm.jobs.test_rest import MAIL, dead_letters
from tests.mdm.jobs.test_rest import enqueue as enqueue_at_t0
from tests.mdm.jobs.test_shutdown import worker_process
from tests.support import slow_tasks
from tests.support.server import free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _samples(text: str) -> Samples:
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def _key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


def test_metrics_report_queue_depth_and_the_oldest_due_job(
    client: TestClient, engine: Engine
) -> None:
    dead_letters(engine, MAIL, 1, 2)
    enqueue_at_t0(engine, MAIL, 3)
    samples = _samples(client.get("/metrics").text)
    assert samples[_key("mdm_jobs", status="dead")] == 2
    assert samples[_key("mdm_jobs", status="todo")] == 1
    assert samples[_key("mdm_jobs", status="doing")] == 0
    assert samples[_key("mdm_job_oldest_due_seconds")] > 0  # due since 2026-01-01


def test_an_empty_queue_has_no_waiting_job(client: TestClient, engine: Engine) -> None:
    samples = _samples(client.get("/metrics").text)
    assert samples[_key("mdm_jobs", status="todo")] == 0
    assert samples[_key("mdm_job_oldest_due_seconds")] == 0


def test_a_worker_counts_durations_delays_retries_and_dead_letters(
    engine: Engine, tmp_path: Path
) -> None:
    enqueue(engine, slow_tasks.TOUCH, {"path": str(tmp_path / "t")})
    enqueue(engine, slow_tasks.ALWAYS_FAILS, {"n": 1})
    metrics = CollectorRegistry()
    worker = Worker(engine, registry, WorkerConfig(poll_seconds=0.01), observer=JobMetrics(metrics))
    worker.run(threading.Event(), burst=True)
    samples = _samples(generate_latest(metrics).decode())
    count = "mdm_job_duration_seconds_count"
    assert samples[_key(count, task=slow_tasks.TOUCH, outcome="succeeded")] == 1
    assert samples[_key(count, task=slow_tasks.ALWAYS_FAILS, outcome="retried")] == 1
    assert samples[_key(count, task=slow_tasks.ALWAYS_FAILS, outcome="dead")] == 1
    assert samples[_key("mdm_job_retries_total", task=slow_tasks.ALWAYS_FAILS)] == 1
    assert samples[_key("mdm_job_dead_letters_total", task=slow_tasks.ALWAYS_FAILS)] == 1
    assert samples[_key("mdm_job_queue_delay_seconds_count")] == 3  # one per attempt
    assert statuses(engine) == ["succeeded", "dead"]


def test_the_embedded_workers_metrics_are_served_by_the_app(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    with TestClient(create_app(embedded_settings(settings)), client=("127.0.0.1", 1)) as client:
        enqueue(engine, slow_tasks.TOUCH, {"path": str(tmp_path / "t")})
        wait_until(lambda: statuses(engine) == ["succeeded"], "the job to succeed")
        samples = _samples(client.get("/metrics").text)
    labels = {"task": slow_tasks.TOUCH, "outcome": "succeeded"}
    assert samples[_key("mdm_job_duration_seconds_count", **labels)] == 1
    assert samples[_key("mdm_jobs", status="succeeded")] == 1


def test_a_worker_process_serves_its_own_metrics_on_loopback(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    with worker_process(settings, tmp_path, "--metrics-port", str(port)) as worker:
        enqueue(engine, slow_tasks.TOUCH, {"path": str(tmp_path / "t")})
        wait_until(lambda: statuses(engine) == ["succeeded"], "the worker to run the job")
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    samples = _samples(text)
    labels = {"task": slow_tasks.TOUCH, "outcome": "succeeded"}
    assert samples[_key("mdm_job_duration_seconds_count", **labels)] == 1
    assert _key("mdm_process_cpu_seconds_total") in samples
