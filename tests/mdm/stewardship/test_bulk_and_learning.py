"""Bulk accept needs a sample shown first (server-enforced); refits preview, then apply."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, func, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import Conflict, Forbidden, InvalidInput
from mdm.records.service import RecordInput, ingest
from mdm.resolution.models import MatchCandidate, ModelVersion
from mdm.stewardship import bulk, learning, sessions
from tests.support import steward_world
from tests.support.lookups import record_id
from tests.support.steward_client import csrf_of, log_in

C = EntityType.CUSTOMER


def _open_session(engine: Engine, name: str = "ann") -> int:
    key = steward_world.steward_key(engine, name)
    with session_scope(engine, write=True) as session:
        return sessions.open_session(session, key).session_id


def _statuses(engine: Engine) -> dict[int, str]:
    with session_scope(engine) as session:
        return {c.id or 0: c.status for c in session.exec(select(MatchCandidate))}


def test_bulk_accept_decides_only_the_band_that_was_shown(engine: Engine) -> None:
    w = steward_world.build(engine)
    sid = _open_session(engine)
    with session_scope(engine, write=True) as session:
        preview = bulk.show_sample(session, sid, C, "50-70")
    assert preview.size == 2
    assert {v.id for v in preview.sample} == {w.acme, w.bergmann}
    with session_scope(engine, write=True) as session:
        done = bulk.bulk_accept(session, sid, preview.id, "ann")
    assert sorted(done.accepted) == sorted([w.acme, w.bergmann])
    assert _statuses(engine) == {w.acme: "accepted", w.bergmann: "accepted", w.corvus: "open"}
    with session_scope(engine, write=True) as session, pytest.raises(Conflict):
        bulk.bulk_accept(session, sid, preview.id, "ann")  # a sample buys one bulk accept


def test_bulk_accept_without_a_sample_of_this_session_is_refused(engine: Engine) -> None:
    steward_world.build(engine)
    mine, theirs = _open_session(engine, "ann"), _open_session(engine, "bob")
    with session_scope(engine, write=True) as session:
        preview = bulk.show_sample(session, theirs, C, "50-70")
    for session_id, preview_id in ((mine, preview.id), (mine, 999_999)):
        with session_scope(engine, write=True) as session, pytest.raises(Forbidden):
            bulk.bulk_accept(session, session_id, preview_id, "ann")
    assert set(_statuses(engine).values()) == {"open"}


def test_the_bulk_form_is_refused_over_http_until_a_sample_is_shown(
    anonymous_client: TestClient, engine: Engine
) -> None:
    steward_world.build(engine)
    csrf = log_in(anonymous_client, steward_world.steward_key(engine))
    refused = anonymous_client.post("/steward/bulk/1/accept", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert set(_statuses(engine).values()) == {"open"}
    sample = anonymous_client.get("/steward/bulk", params={"entity": "customer", "band": "50-70"})
    assert sample.status_code == 200
    assert 'data-testid="band-size">2<' in sample.text
    action = sample.text.split('action="/steward/bulk/')[1].split("/accept")[0]
    done = anonymous_client.post(
        f"/steward/bulk/{action}/accept", data={"csrf_token": csrf_of(sample.text)}
    )
    assert done.status_code == 200
    assert "Accepted 2; skipped 0." in done.text
    assert sorted(_statuses(engine).values()) == ["accepted", "accepted", "open"]


def _labelled_world(engine: Engine) -> None:
    """Twelve customer pairs, six the same company and six not, decided by a steward."""
    rows = []
    for i in range(6):
        rows.append(
            {
                "source_system": "crm",
                "source_id": f"m{i}",
                "name": f"Alpha{i} Systems GmbH",
                "city": f"Town{i}",
                "country": "DE",
            }
        )
        rows.append(
            {
                "source_system": "erp",
                "source_id": f"m{i}",
                "name": f"ALPHA{i} SYSTEMS",
                "city": f"Town{i}",
                "country": "DE",
            }
        )
        rows.append(
            {
                "source_system": "crm",
                "source_id": f"n{i}",
                "name": f"Beta{i} Handel AG",
                "city": f"Ort{i}",
                "country": "DE",
            }
        )
        rows.append(
            {
                "source_system": "erp",
                "source_id": f"n{i}",
                "name": f"Gamma{i} Logistik",
                "city": f"Dorf{i}",
                "country": "AT",
            }
        )
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in rows], resolve=False)
        for i in range(6):
            for prefix, match in (("m", True), ("n", False)):
                a = record_id(session, "crm", f"{prefix}{i}")
                b = record_id(session, "erp", f"{prefix}{i}")
                steward_world.label(session, a, b, match)
        steward_world.open_candidate(session, ("crm", "m0"), ("erp", "n1"), 0.6)


def test_refit_preview_measures_then_apply_stores_that_version(engine: Engine) -> None:
    _labelled_world(engine)
    with session_scope(engine) as session:
        refit = learning.preview(session, C)
        assert session.exec(select(func.count()).select_from(ModelVersion)).one() == 0
    assert (refit.labels, refit.matches, refit.queue_open) == (12, 6, 1)
    assert refit.current_version == 0
    assert refit.precision_after is not None
    assert 0.0 <= refit.precision_after <= 1.0
    assert 0 <= refit.decided_after <= 1
    with session_scope(engine, write=True) as session:
        version = learning.apply(session, C, refit.fingerprint, "ann")
    with session_scope(engine) as session:
        stored = session.exec(select(ModelVersion).where(col(ModelVersion.active))).one()
    assert (stored.version, stored.origin, stored.entity_type) == (version, "labels", "customer")
    assert stored.model == refit.model.to_json()


def test_apply_refuses_when_decisions_changed_since_the_preview(engine: Engine) -> None:
    _labelled_world(engine)
    with session_scope(engine) as session:
        refit = learning.preview(session, C)
    with session_scope(engine, write=True) as session:
        a, b = record_id(session, "crm", "m0"), record_id(session, "erp", "n0")
        steward_world.label(session, a, b, False)
    with session_scope(engine, write=True) as session, pytest.raises(Conflict):
        learning.apply(session, C, refit.fingerprint, "ann")
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(ModelVersion)).one() == 0


def test_refit_needs_enough_decisions_of_both_kinds(engine: Engine) -> None:
    steward_world.build(engine)
    with session_scope(engine) as session, pytest.raises(InvalidInput, match="at least"):
        learning.preview(session, C)
