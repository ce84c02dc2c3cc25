"""`/api/v1/jobs`: queue depth, jobs and their history, audited replay; admin only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from mdm.app import create_app
from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext, JobRecord
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, Task
from mdm.settings import Settings

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _noop(_ctx: JobContext, **_args: object) -> None:
    return None


PUSH = Task("test.push", _noop, RetryStrategy(max_attempts=3), lock="customer:{n}")
MAIL = Task("test.mail", _noop, RetryStrategy(max_attempts=3))


def enqueue(engine: Engine, task: Task, *ns: int, now: datetime = T0) -> None:
    """Jobs of `task` with args `{"n": n}`, due at `now`."""
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [store.new_job(task, {"n": n}) for n in ns], now)


def claim(
    engine: Engine, task: Task, worker: str = "w1", limit: int = 100, now: datetime = T0
) -> list[JobRecord]:
    """Claim jobs of `task` due at `now` as `worker`."""
    with session_scope(engine, write=True) as session:
        return store.claim(
            session,
            worker,
            queues=["default"],
            tasks=[task.name],
            now=now,
            lease_seconds=30,
            limit=limit,
        )


def dead_letters(engine: Engine, task: Task, *ns: int, error: str = "HTTP 503") -> list[int]:
    """Jobs of `task` that died at T0 with `error`; their ids."""
    enqueue(engine, task, *ns)
    jobs = claim(engine, task)
    with session_scope(engine, write=True) as session:
        for job in jobs:
            store.fail(session, job, "w1", T0, error=f"{error} ({job.args['n']})", retry_at=None)
    return [job.id for job in jobs]


def _status(engine: Engine, job_id: int) -> str:
    with engine.connect() as connection:
        query = select(store.JOB.c.status).where(store.JOB.c.id == job_id)
        return str(connection.execute(query).scalar_one())


def test_stats_count_per_status_and_task_and_show_running_jobs(
    client: TestClient, engine: Engine
) -> None:
    dead_letters(engine, MAIL, 1, 2)
    enqueue(engine, PUSH, 1)
    (running,) = claim(engine, PUSH, worker="hub-1")
    enqueue(engine, MAIL, 3)
    body = client.get("/api/v1/jobs/stats").json()
    assert body["by_status"] == {"todo": 1, "doing": 1, "succeeded": 0, "dead": 2}
    assert body["by_task"] == {
        "test.mail": {"todo": 1, "doing": 0, "succeeded": 0, "dead": 2},
        "test.push": {"todo": 0, "doing": 1, "succeeded": 0, "dead": 0},
    }
    # The job still waiting was due at T0: it has waited since then.
    assert body["oldest_due_seconds"] > (datetime.now(UTC) - T0).total_seconds() - 60
    (shown,) = body["running"]
    assert (shown["id"], shown["worker_id"], shown["attempts"]) == (running.id, "hub-1", 1)
    assert shown["lease_expires_at"] == "2026-01-01T09:00:30Z"


def test_stats_of_an_empty_queue_are_zero(client: TestClient, engine: Engine) -> None:
    body = client.get("/api/v1/jobs/stats").json()
    assert body == {
        "by_status": {"todo": 0, "doing": 0, "succeeded": 0, "dead": 0},
        "by_task": {},
        "oldest_due_seconds": 0.0,
        "running": [],
    }


def test_listing_filters_dead_letters_by_task_and_pages_by_cursor(
    client: TestClient, engine: Engine
) -> None:
    mail = dead_letters(engine, MAIL, 1, 2, 3)
    dead_letters(engine, PUSH, 9)
    enqueue(engine, MAIL, 4)
    first = client.get("/api/v1/jobs", params={"status": "dead", "task": MAIL.name, "limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [job["id"] for job in page["jobs"]] == mail[:2]
    assert page["has_more"] is True
    assert page["jobs"][0]["last_error"] == "HTTP 503 (1)"
    after = {"status": "dead", "task": MAIL.name, "after": page["next_after"]}
    rest = client.get("/api/v1/jobs", params=after).json()
    assert [job["id"] for job in rest["jobs"]] == mail[2:]
    assert rest["has_more"] is False
    keyed = client.get("/api/v1/jobs", params={"lock_key": "customer:9"}).json()
    assert [job["task"] for job in keyed["jobs"]] == [PUSH.name]


def test_listing_refuses_a_bad_status_or_an_oversized_page(client: TestClient) -> None:
    for params in ({"status": "lost"}, {"limit": 501}, {"after": -1}):
        response = client.get("/api/v1/jobs", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"] == "invalid_input"


def test_show_gives_the_attempt_history(client: TestClient, engine: Engine) -> None:
    (job_id,) = dead_letters(engine, MAIL, 1)
    body = client.get(f"/api/v1/jobs/{job_id}").json()
    assert body["status"] == "dead"
    assert [(e["kind"], e["attempt"], e["worker_id"]) for e in body["events"]] == [
        ("claimed", 1, "w1"),
        ("dead", 1, "w1"),
    ]
    assert body["events"][1]["detail"] == {"error": "HTTP 503 (1)"}
    assert client.get("/api/v1/jobs/999999").status_code == 404
    assert client.get(f"/api/v1/jobs/{2**31}").status_code == 422


def test_replay_puts_a_dead_letter_back_under_its_key_with_an_audit_event(
    client: TestClient, engine: Engine
) -> None:
    (job_id,) = dead_letters(engine, MAIL, 1)
    key = client.get(f"/api/v1/jobs/{job_id}").json()["idempotency_key"]
    response = client.post(f"/api/v1/jobs/{job_id}/replay", json={"reason": "endpoint fixed"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["attempts"], body["replay_count"]) == ("todo", 0, 1)
    assert body["idempotency_key"] == key
    replayed = body["events"][-1]
    assert (replayed["kind"], replayed["actor"]) == ("replayed", "admin")
    assert replayed["detail"] == {"reason": "endpoint fixed", "replay": 1}


def test_replay_refuses_unknown_and_live_jobs_and_needs_a_reason(
    client: TestClient, engine: Engine
) -> None:
    enqueue(engine, MAIL, 1)
    (job,) = claim(engine, MAIL)
    missing = client.post("/api/v1/jobs/999999/replay", json={"reason": "x"})
    assert missing.status_code == 404
    live = client.post(f"/api/v1/jobs/{job.id}/replay", json={"reason": "x"})
    assert live.status_code == 409
    assert "only dead letters" in live.json()["detail"]
    assert client.post(f"/api/v1/jobs/{job.id}/replay", json={"reason": ""}).status_code == 422
    assert _status(engine, job.id) == JobStatus.DOING


def test_replay_stops_at_the_cap(
    settings: Settings, engine: Engine, make_key: Callable[..., str]
) -> None:
    (job_id,) = dead_letters(engine, MAIL, 1)
    capped = settings.model_copy(update={"jobs_max_replays": 1})
    with TestClient(create_app(capped)) as client:
        client.headers["Authorization"] = f"Bearer {make_key(Scope.ADMIN, name='ops')}"
        assert client.post(f"/api/v1/jobs/{job_id}/replay", json={"reason": "1"}).is_success
        (job,) = claim(engine, MAIL, now=datetime.now(UTC))  # replayed jobs are due now
        with session_scope(engine, write=True) as session:
            store.fail(session, job, "w1", T0, error="still broken", retry_at=None)
        again = client.post(f"/api/v1/jobs/{job_id}/replay", json={"reason": "2"})
    assert again.status_code == 409
    assert "the cap is 1" in again.json()["detail"]
    assert _status(engine, job_id) == JobStatus.DEAD


def test_bulk_replay_takes_matching_dead_letters_up_to_the_limit(
    settings: Settings, engine: Engine, make_key: Callable[..., str]
) -> None:
    mail = dead_letters(engine, MAIL, 1, 2, 3, error="timeout")
    push = dead_letters(engine, PUSH, 4, error="HTTP 400")
    limited = settings.model_copy(update={"jobs_replay_limit": 2})
    with TestClient(create_app(limited)) as client:
        client.headers["Authorization"] = f"Bearer {make_key(Scope.ADMIN, name='ops')}"
        body = {"error_contains": "timeout", "died_before": "2026-01-02T00:00:00Z", "reason": "r"}
        report = client.post("/api/v1/jobs/replay", json=body).json()
        assert report == {"replayed": mail[:2], "refused": [], "truncated": True}
        history = client.get(f"/api/v1/jobs/{mail[0]}").json()["events"]
    assert history[-1]["actor"] == "ops"
    assert [_status(engine, i) for i in (*mail, *push)] == ["todo", "todo", "dead", "dead"]


def test_bulk_replay_without_a_filter_or_with_a_naive_or_numeric_time_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    (job_id,) = dead_letters(engine, MAIL, 1)
    bodies = [
        {"reason": "everything"},
        {"died_after": "2026-01-01T00:00:00", "reason": "no zone"},
        {"died_after": 0.4, "reason": "seconds since 1970 are not the documented ISO text"},
        {"task": MAIL.name},
        {"task": MAIL.name, "reason": "x", "surprise": 1},
    ]
    for body in bodies:
        response = client.post("/api/v1/jobs/replay", json=body)
        assert response.status_code == 422, body
    assert _status(engine, job_id) == JobStatus.DEAD
    window = {"died_after": (T0 - timedelta(hours=1)).isoformat(), "reason": "window"}
    assert client.post("/api/v1/jobs/replay", json=window).json()["replayed"] == [job_id]


def test_every_jobs_route_needs_the_admin_scope(
    anonymous_client: TestClient, make_key: Callable[..., str]
) -> None:
    steward = {"Authorization": f"Bearer {make_key(Scope.STEWARD, Scope.INGEST)}"}
    calls = [
        ("GET", "/api/v1/jobs/stats", None),
        ("GET", "/api/v1/jobs", None),
        ("GET", "/api/v1/jobs/1", None),
        ("POST", "/api/v1/jobs/1/replay", {"reason": "x"}),
        ("POST", "/api/v1/jobs/replay", {"task": "t", "reason": "x"}),
    ]
    for method, path, body in calls:
        assert anonymous_client.request(method, path, json=body).status_code == 401, path
        answer = anonymous_client.request(method, path, json=body, headers=steward)
        assert answer.status_code == 403, path
        assert "admin" in answer.json()["detail"]
