"""`resolve --all`: clusters become golden records; ids stay stable; decisions are obeyed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden import membership, steward
from mdm.golden.lineage_models import GoldenLink, LinkKind
from mdm.golden.models import GoldenRecord
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.batch import resolve_all
from mdm.resolution.models import MatchCandidate, ModelVersion
from tests.support.lookups import golden_of

C = EntityType.CUSTOMER


def _customer(
    system: str, sid: str, name: str, city: str, phone: str, **extra: str
) -> dict[str, str]:
    return {
        "source_system": system,
        "source_id": sid,
        "name": name,
        "city": city,
        "country": "DE",
        "phone": phone,
        **extra,
    }


# Three real companies seen by three systems, plus unrelated noise to give EM some contrast.
ROWS = [
    _customer(
        "crm", "1", "Nordwind Logistik GmbH", "Hamburg", "+49 40 1234567", tax_id="DE123456789"
    ),
    _customer("erp", "1", "NORDWIND LOGISTIK", "Hamburg", "040 1234567", tax_id="DE123456789"),
    _customer("psa", "1", "Nordwind Logistik - EMEA", "Hamburg", "+49 40 1234567"),
    _customer("crm", "2", "Bergmann Consulting AG", "München", "+49 89 7654321"),
    _customer("erp", "2", "Bergmann Consulting", "Munchen", "089 7654321"),
    _customer(
        "crm", "3", "Kowalczyk Software Sp. z o.o.", "Kraków", "+48 12 3456789", country="PL"
    ),
    _customer("psa", "3", "Kowalczyk Software", "Krakow", "+48 12 3456789", country="PL"),
    *[
        _customer(
            "crm", f"n{i}", f"Firma{i} Handel GmbH", f"Stadt{i}", f"+49 30 {1000000 + i * 7919}"
        )
        for i in range(40)
    ],
]


def _load(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in rows], resolve=False)


def _resolve(engine: Engine, refit: bool = True) -> None:
    with session_scope(engine, write=True) as session:
        resolve_all(session, C, refit=refit)


def test_resolve_all_merges_each_company_and_keeps_others_apart(engine: Engine) -> None:
    _load(engine, ROWS)
    _resolve(engine)
    with Session(engine) as session:
        nordwind = {golden_of(engine, s, "1") for s in ("crm", "erp", "psa")}
        bergmann = {golden_of(engine, s, "2") for s in ("crm", "erp")}
        assert len(nordwind) == 1
        assert len(bergmann) == 1
        assert nordwind != bergmann
        assert len({golden_of(engine, "crm", f"n{i}") for i in range(40)}) == 40
        assert session.exec(select(ModelVersion)).one().version == 1


def test_merged_away_ids_redirect_to_the_survivor(engine: Engine) -> None:
    _load(engine, ROWS)
    with Session(engine) as session:
        before = {s: golden_of(engine, s, "1") for s in ("crm", "erp", "psa")}
    _resolve(engine)
    with Session(engine) as session:
        survivor = golden_of(engine, "crm", "1")
        assert survivor in before.values()
        for old in before.values():
            assert membership.resolve_id(session, old).id == survivor
        statuses = {g: session.get(GoldenRecord, g).status for g in before.values()}  # type: ignore[union-attr]
        assert sorted(statuses.values()) == ["active", "merged", "merged"]


def test_a_second_run_changes_nothing(engine: Engine) -> None:
    _load(engine, ROWS)
    _resolve(engine)
    with session_scope(engine, write=True) as session:
        report = resolve_all(session, C, refit=False)
    assert (report.created, report.absorbed, report.moved_records) == (0, 0, 0)


def test_links_carry_score_and_explanation(engine: Engine) -> None:
    _load(engine, ROWS)
    _resolve(engine)
    with Session(engine) as session:
        links = session.exec(select(GoldenLink).where(col(GoldenLink.active))).all()
    assert links
    assert all(0.0 <= (link.score or 0.0) <= 1.0 for link in links)
    assert {"name", "phone"} <= set(links[0].explanation["comparisons"])
    assert {link.kind for link in links} <= {LinkKind.AUTO.value, LinkKind.RULE.value}


def test_steward_split_survives_resolve_all(engine: Engine) -> None:
    _load(engine, ROWS)
    _resolve(engine)
    with session_scope(engine, write=True) as session:
        golden = golden_of(engine, "crm", "2")
        erp = session.exec(
            select(SourceRecord.id).where(
                col(SourceRecord.source_system) == "erp", col(SourceRecord.source_id) == "2"
            )
        ).one()
        assert erp is not None
        membership.split(session, C, golden, [erp], "steward:ann")
    _resolve(engine, refit=False)
    with Session(engine) as session:
        assert golden_of(engine, "crm", "2") != golden_of(engine, "erp", "2")
        candidates = session.exec(select(MatchCandidate)).all()
    assert all(c.status in ("open", "superseded") for c in candidates)


def test_steward_merge_survives_resolve_all(engine: Engine) -> None:
    _load(engine, ROWS)
    _resolve(engine)
    with session_scope(engine, write=True) as session:
        a, b = golden_of(engine, "crm", "n1"), golden_of(engine, "crm", "n2")
        membership.merge(session, C, a, b, "steward:ann", LinkKind.STEWARD)
    _resolve(engine, refit=False)
    with Session(engine) as session:
        assert golden_of(engine, "crm", "n1") == golden_of(engine, "crm", "n2")


def test_unmerge_after_resolve_gives_the_absorbed_records_a_new_id(engine: Engine) -> None:
    _load(engine, ROWS[3:5])
    with Session(engine) as session:
        first = golden_of(engine, "crm", "2")
    with session_scope(engine, write=True) as session:
        survivor = membership.merge(
            session, C, first, golden_of(engine, "erp", "2"), "steward:ann", LinkKind.STEWARD
        ).id
        kept, fresh = steward.unmerge(session, C, survivor, "steward:ann")
    assert kept == survivor
    assert fresh not in (first,)
