"""The steward's queue: uncertainty x business impact, filters, and what the page holds."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.stewardship.impact import weight
from mdm.stewardship.queue import QueueFilter, next_after, queue_page, ranked
from tests.support import steward_world


def _order(engine: Engine, where: QueueFilter) -> list[int]:
    with session_scope(engine) as session:
        return [r.id for r in ranked(session, where)]


def test_priority_weighs_uncertainty_by_business_impact(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine) as session:
        order = ranked(session, QueueFilter())
    # By uncertainty alone Bergmann (0.55) would lead; Acme's 500k contract puts it first.
    assert [r.id for r in order] == [w.acme, w.bergmann, w.corvus]
    by_id = {r.id: r for r in order}
    assert by_id[w.bergmann].uncertainty > by_id[w.acme].uncertainty
    assert by_id[w.acme].impact == 500_000
    assert by_id[w.bergmann].impact == 8_000
    assert by_id[w.corvus].impact == 1_000
    assert by_id[w.acme].priority == pytest.approx(0.76 * weight(500_000), abs=1e-6)


def test_filters_by_entity_system_band_and_age(engine: Engine) -> None:
    w = steward_world.build(engine)
    steward_world.age(engine, w.corvus, days=10)
    assert _order(engine, QueueFilter(entity=EntityType.CONTRACT)) == []
    assert _order(engine, QueueFilter(entity=EntityType.CUSTOMER, system="erp")) == [
        w.acme,
        w.bergmann,
        w.corvus,
    ]
    assert _order(engine, QueueFilter(system="psa")) == []
    assert _order(engine, QueueFilter(band="50-70")) == [w.acme, w.bergmann]
    assert _order(engine, QueueFilter(band="70-90")) == [w.corvus]
    assert _order(engine, QueueFilter(age="old7")) == [w.corvus]
    assert _order(engine, QueueFilter(age="1d")) == [w.acme, w.bergmann]


def test_unknown_band_or_age_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="score band"):
        QueueFilter(band="0-100")
    with pytest.raises(InvalidInput, match="age"):
        QueueFilter(age="yesterday")


def test_a_page_holds_both_records_and_skip_moves_on(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine) as session:
        page = queue_page(session, QueueFilter(), 1)
        assert page.total == 3
        assert page.pages == 1
        first = page.items[0].view
        assert {first.a.key.source_id, first.b.key.source_id} == {"A1"}
        assert first.a.values["name"] != first.b.values["name"]
        assert next_after(session, QueueFilter(), w.acme) == w.bergmann
        assert next_after(session, QueueFilter(), w.corvus) == w.acme  # wraps round
        with pytest.raises(InvalidInput):
            queue_page(session, QueueFilter(), 0)
