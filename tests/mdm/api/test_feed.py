"""The change feed's service: cursors, paging, filters and the in-flight horizon's arithmetic."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.feed import (
    START,
    FeedFilter,
    InvalidCursor,
    Position,
    lowest_in_flight,
    parse_cursor,
    read_feed,
)
from mdm.golden.feed_rest import EventKind
from mdm.golden.history import EVENT_KINDS
from mdm.golden.lineage_models import LinkKind, OutboxEvent
from mdm.golden.membership import merge
from mdm.records.service import RecordInput, ingest


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def customers(engine: Engine, *names: str, system: str = "crm") -> list[str]:
    """Ingest one customer per name (each its own golden record); their golden ids."""
    rows = [RecordInput({"source_system": system, "source_id": n, "name": n}) for n in names]
    with session_scope(engine, write=True) as session:
        report = ingest(session, EntityType.CUSTOMER, rows, resolve=False)
    return [r.golden_id or "" for r in report.results]


def _all_positions(session: Session, ordered: bool) -> list[Position]:
    rows = session.exec(select(OutboxEvent)).all()
    found = [Position((r.txid or 0) if ordered else 0, r.id or 0) for r in rows]
    return sorted(found)


@pytest.mark.parametrize(
    "position", [START, Position(0, 1), Position(123456789012, 42), Position(2**63 - 1, 7)]
)
def test_cursor_round_trips(position: Position) -> None:
    assert parse_cursor(position.cursor()) == position


def test_no_cursor_is_the_start() -> None:
    assert parse_cursor(None) == START


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not-a-cursor",
        "%%%",
        _b64("v2.1.2"),
        _b64("v1.1"),
        _b64("v1.-1.2"),
        _b64("v1.1.x"),
        _b64("v1. 1.2"),
        _b64(f"v1.{2**63}.1"),
        _b64("v1.1.2.3"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "djEuMC4x" + "\u00e9",
    ],
)
def test_a_cursor_the_feed_did_not_hand_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor, match="not one this feed handed out"):
        parse_cursor(cursor)


@pytest.mark.parametrize(
    ("xmax", "in_flight", "foreign", "expected"),
    [
        (100, [], [], 100),  # nothing in flight: everything before xmax is final
        (100, [90, 95], [], 90),  # the lowest of ours holds the feed back
        (100, [90, 95], [90], 95),  # 90 runs in another database: it cannot write our outbox
        (100, [90, 95], [90, 95], 100),
        (2**32 + 100, [2**32 + 90], [90], 2**32 + 100),  # session ids are 32-bit: epoch dropped
        (100, [90], [91], 90),
    ],
)
def test_horizon_is_the_lowest_in_flight_transaction_of_this_database(
    xmax: int, in_flight: list[int], foreign: list[int], expected: int
) -> None:
    assert lowest_in_flight(xmax, in_flight, foreign) == expected


def test_event_kinds_match_the_ones_history_records() -> None:
    assert tuple(k.value for k in EventKind) == EVENT_KINDS


def test_pages_cover_every_event_once_in_feed_order(engine: Engine, backend: str) -> None:
    customers(engine, *(f"Customer {i}" for i in range(7)))
    customers(engine, "Late One", "Late Two")
    seen: list[Position] = []
    after = START
    with session_scope(engine) as session:
        for _ in range(10):
            page = read_feed(session, after, 3)
            seen += [e.position for e in page.events]
            assert page.has_more == (len(page.events) == 3 and len(seen) < 9)
            after = page.next
            if not page.events:
                break
        assert seen == _all_positions(session, backend == "postgresql")
        assert len(seen) == 9
        again = read_feed(session, after, 3)
    assert (again.events, again.next, again.has_more) == ([], after, False)


def test_events_carry_the_change_and_the_state_after_it(engine: Engine) -> None:
    first, second = customers(engine, "Acme GmbH", "Acme Germany GmbH")
    with session_scope(engine, write=True) as session:
        merge(session, EntityType.CUSTOMER, first, second, "steward-anna", LinkKind.STEWARD)
    with session_scope(engine) as session:
        page = read_feed(session, START, 100)
    kinds = [(e.row.topic, e.row.aggregate_id) for e in page.events]
    assert kinds[:2] == [("golden.created", first), ("golden.created", second)]
    assert sorted(kinds[2:]) == sorted([("golden.merged", first), ("golden.merged", second)])
    merged = {e.row.aggregate_id: e.row.payload for e in page.events[2:]}
    assert {merged[first]["actor"], merged[second]["actor"]} == {"steward-anna"}
    survivor = next(g for g in (first, second) if merged[g]["state"]["status"] == "active")
    members = ["crm:Acme Germany GmbH", "crm:Acme GmbH"]
    assert sorted(merged[survivor]["state"]["members"]) == members


def test_filters_keep_their_events_and_the_cursor_moves_past_the_rest(engine: Engine) -> None:
    customers(engine, "Alpha", "Beta")
    with session_scope(engine) as session:
        all_events = read_feed(session, START, 100)
        projects = read_feed(session, START, 100, FeedFilter(entity=EntityType.PROJECT))
        created = read_feed(session, START, 100, FeedFilter(kind="created"))
        merged = read_feed(session, START, 100, FeedFilter(kind="merged"))
    assert projects.events == []
    assert merged.events == []
    # Nothing matched, yet the consumer does not look at these rows again.
    assert projects.next == merged.next == all_events.next != START
    assert [e.row.id for e in created.events] == [e.row.id for e in all_events.events]


def test_a_filtered_full_page_resumes_after_its_last_event(engine: Engine) -> None:
    customers(engine, "A", "B", "C", "D")
    with session_scope(engine) as session:
        first = read_feed(session, START, 2, FeedFilter(entity=EntityType.CUSTOMER))
        rest = read_feed(session, first.next, 2, FeedFilter(entity=EntityType.CUSTOMER))
        done = read_feed(session, rest.next, 2, FeedFilter(entity=EntityType.CUSTOMER))
        ids = [e.id for e in session.exec(select(OutboxEvent).order_by(col(OutboxEvent.id)))]
    assert first.has_more
    assert first.next == first.events[-1].position
    assert [e.row.id for e in first.events + rest.events] == ids
    assert done.events == []


def test_a_cursor_beyond_the_end_stays_where_it_is(engine: Engine) -> None:
    customers(engine, "Solo")
    far = Position(2**62, 2**62)
    with session_scope(engine) as session:
        page = read_feed(session, far, 10)
    assert (page.events, page.next) == ([], far)
