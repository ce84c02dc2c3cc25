"""Read services of golden records: redirects, members, lineage, relations, history as of a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.exports.references import golden_references
from mdm.golden import queries
from mdm.golden.timeline import events_of, states_as_of
from mdm.records.queries import delete_record
from mdm.resolution.models import MatchCandidate
from tests.mdm.golden.world import load_world
from tests.support.lookups import record_id


def test_a_merged_away_id_resolves_to_its_survivor_and_says_so(engine: Engine) -> None:
    world = load_world(engine)
    with Session(engine) as session:
        found = queries.resolve_goldens(session, [world.merged_away, world.bergmann, "cus_nope"])
    assert found[world.merged_away].id == world.bergmann
    assert found[world.merged_away].redirected_from == world.merged_away
    assert found[world.bergmann].redirected_from is None
    assert "cus_nope" not in found


def test_lookup_by_key_finds_the_golden_record_of_any_member(engine: Engine) -> None:
    world = load_world(engine)
    with Session(engine) as session:
        by_psa = queries.golden_by_key(session, EntityType.CUSTOMER, "PSA", "1")
        wrong_type = queries.golden_by_key(session, EntityType.PROJECT, "crm", "1")
        missing = queries.golden_by_key(session, EntityType.CUSTOMER, "crm", "404")
    assert by_psa is not None
    assert by_psa.id == world.nordwind
    assert (wrong_type, missing) == (None, None)


def test_members_carry_the_xref_status_and_external_ids_skip_deleted_ones(engine: Engine) -> None:
    world = load_world(engine)
    with session_scope(engine, write=True) as session:
        delete_record(session, EntityType.CUSTOMER, "psa", "1")
        pair = sorted([record_id(session, "crm", "2"), record_id(session, "crm", "1-UK")])
        session.add(
            MatchCandidate(
                entity_type="customer",
                record_a_id=pair[0],
                record_b_id=pair[1],
                probability=0.6,
                explanation={},
            )
        )
    with Session(engine) as session:
        members = queries.members_of_many(session, [world.nordwind, world.bergmann])
    nordwind = {(m.key.system, m.key.source_id): m.status for m in members[world.nordwind]}
    assert nordwind == {("crm", "1"): "linked", ("erp", "1"): "linked", ("psa", "1"): "deleted"}
    bergmann = {(m.key.system, m.key.source_id): m.status for m in members[world.bergmann]}
    assert bergmann == {("crm", "2"): "pending_review", ("crm", "9"): "linked"}
    assert queries.external_ids(members[world.nordwind], "ERP") == ["1"]
    assert queries.external_ids(members[world.nordwind], "psa") == []


def test_attributes_name_the_record_and_rule_that_supplied_them(engine: Engine) -> None:
    world = load_world(engine)
    with Session(engine) as session:
        attributes = queries.attributes_of(session, [world.nordwind])[world.nordwind]
    tax_id = attributes["tax_id"]
    assert tax_id.value == "DE123456789"
    assert tax_id.source is not None
    assert (tax_id.source.system, tax_id.source.source_id) == ("crm", "1")
    assert tax_id.rule


def test_children_are_the_exact_inverse_of_the_exported_references(engine: Engine) -> None:
    world = load_world(engine)
    relations = {
        queries.SUBSIDIARIES: (world.nordwind, [world.subsidiary]),
        queries.CUSTOMER_CONTRACTS: (world.nordwind, sorted([world.msa, world.sow])),
        queries.CUSTOMER_PROJECTS: (world.nordwind, sorted([world.project, world.erp_project])),
        queries.CONTRACT_CHILDREN: (world.msa, [world.sow]),
        queries.CONTRACT_PROJECTS: (world.sow, [world.project]),
    }
    with Session(engine) as session:
        for relation, (parent, expected) in relations.items():
            found = queries.children_of(session, relation, [parent, world.bergmann])
            assert found == {parent: expected}, relation
            forward = golden_references(session, relation.child, expected)
            assert all(parent in refs.values() for refs in forward.values())


def test_history_and_states_as_of_a_time(engine: Engine) -> None:
    world = load_world(engine)
    with Session(engine) as session:
        events = events_of(session, [world.nordwind])[world.nordwind]
        kinds = [e.kind for e in events]
        assert kinds[0] == "created"
        assert "merged" in kinds
        first, last = events[0], events[-1]
        before = first.at - timedelta(seconds=1)
        naive = last.at.astimezone(UTC).replace(tzinfo=None)  # bare times are UTC
        states = states_as_of(
            session, [(world.nordwind, before), (world.nordwind, first.at), (world.nordwind, naive)]
        )
    assert states[0] is None
    assert states[1] == first.state
    assert states[2] == last.state
    assert sorted(last.state["members"]) == ["crm:1", "erp:1", "psa:1"]
    assert last.at <= datetime.now(UTC)
