"""REST for source records: bulk upsert (canonical or native), read, soft delete, quarantine."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from mdm.api.body import read_limited
from mdm.api.deps import SessionDep, SettingsDep, WriteSessionDep
from mdm.api.openapi import UtcDateTime
from mdm.auth.deps import requires
from mdm.auth.masking import mask, mask_native
from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType
from mdm.records import quarantine
from mdm.records.bulk import parse_body
from mdm.records.canonical import VALUE_SCHEMAS, CanonicalValues
from mdm.records.models import QuarantineItem, QuarantineStatus, SourceRecordVersion
from mdm.records.queries import delete_record, record_history
from mdm.records.schemas import (
    IngestOut,
    QuarantineItemOut,
    QuarantinePage,
    RecordResultOut,
    ResubmitIn,
)
from mdm.records.service import ingest, prepare

router = APIRouter(prefix="/api/v1", tags=["records"])
# The id column is a 32-bit integer: a larger number is a 422, not a database overflow.
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Quarantine item id")]

Reader = Annotated[Principal, Depends(requires(Scope.READ))]
Ingester = Depends(requires(Scope.INGEST))
Steward = Depends(requires(Scope.STEWARD))


@router.post("/{entity}/records", response_model=IngestOut, dependencies=[Ingester])
async def bulk_upsert(
    entity: str,
    request: Request,
    reading: SessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    system: Annotated[str | None, Query(description="Native payloads of this system")] = None,
    snapshot: Annotated[bool, Query(description="Delete the systems' unlisted records")] = False,
) -> IngestOut:
    """Upsert up to 10,000 records; one result per record, good ones committed."""
    kind = EntityType.parse(entity)
    inputs = parse_body(await read_limited(request, settings.max_request_bytes), kind, system)
    # Checked and matched as far as a read snapshot allows before the write lock is taken
    # (the write session takes it at its first statement): other API processes write meanwhile.
    prepared = prepare(reading, kind, inputs)
    reading.rollback()  # the snapshot is let go of before the write
    return IngestOut.of(ingest(session, kind, inputs, snapshot=snapshot, prepared=prepared))


class VersionOut(BaseModel):
    """One version of a source record."""

    version: int
    deleted: bool
    data: dict[str, str | None]
    warnings: list[str]
    correlation_id: str | None
    created_at: UtcDateTime


class RecordOut(BaseModel):
    """A source record with its full history."""

    entity_type: str
    source_system: str
    source_id: str
    golden_id: str | None
    status: str
    version: int
    values: CanonicalValues | None
    versions: list[VersionOut]
    masked: list[str] = []  # attributes hidden from this caller (finance, steward scopes)


@router.get("/{entity}/records/{system}/{source_id:path}", response_model=RecordOut)
def get_record(
    entity: str, system: str, source_id: str, session: SessionDep, principal: Reader
) -> RecordOut:
    """One source record and every version of it; sensitive values masked by scope."""
    kind = EntityType.parse(entity)
    view = record_history(session, kind, system, source_id)
    schema = VALUE_SCHEMAS[kind]
    typed = schema.model_validate(view.values) if view.values is not None else None
    shown = mask(kind, typed.model_dump() if typed else {}, principal)
    versions, hidden = _masked_versions(kind, view.versions, principal)
    return RecordOut.model_validate(
        {
            **view.record.model_dump(),
            "values": schema.model_validate(shown.values) if typed else None,
            "versions": versions,
            "masked": sorted(shown.masked | hidden),
        }
    )


def _masked_versions(
    kind: EntityType, rows: list[SourceRecordVersion], principal: Principal
) -> tuple[list[VersionOut], frozenset[str]]:
    versions, hidden = [], frozenset[str]()
    for row in rows:
        out = VersionOut.model_validate(row, from_attributes=True)
        data = mask(kind, out.data, principal)
        versions.append(out.model_copy(update={"data": data.values}))
        hidden |= data.masked
    return versions, hidden


@router.delete(
    "/{entity}/records/{system}/{source_id:path}",
    response_model=RecordResultOut,
    dependencies=[Ingester],
)
def soft_delete(entity: str, system: str, source_id: str, session: WriteSessionDep) -> Any:
    """Soft-delete a record: a new version marked deleted; history is kept."""
    return RecordResultOut.of(delete_record(session, EntityType.parse(entity), system, source_id))


@router.get("/quarantine", response_model=QuarantinePage, tags=["quarantine"])
def list_quarantine(
    session: SessionDep,
    principal: Reader,
    entity: str | None = None,
    status: QuarantineStatus | None = QuarantineStatus.OPEN,
    source_system: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
) -> QuarantinePage:
    """Quarantined payloads, oldest first (open ones unless `status` says otherwise)."""
    where = quarantine.QuarantineFilter(
        EntityType.parse(entity) if entity else None, status, source_system, limit, offset
    )
    items, total = quarantine.list_items(session, where)
    return QuarantinePage(items=[_masked_item(i, principal) for i in items], total=total)


@router.get("/quarantine/{item_id}", response_model=QuarantineItemOut, tags=["quarantine"])
def show_quarantine(item_id: ItemId, session: SessionDep, principal: Reader) -> QuarantineItemOut:
    """One quarantined payload with every reason; sensitive values masked by scope."""
    return _masked_item(quarantine.get_item(session, item_id), principal)


def _masked_item(item: QuarantineItem, principal: Principal) -> QuarantineItemOut:
    kind = EntityType.parse(item.entity_type)
    payload = mask(kind, item.payload, principal)
    native = mask_native(kind, item.native, principal)
    out = QuarantineItemOut.of(item)
    return out.model_copy(
        update={
            "payload": payload.values,
            "native": None if native.masked else item.native,
            "masked": sorted(payload.masked | native.masked),
        }
    )


@router.post(
    "/quarantine/{item_id}/resubmit",
    response_model=RecordResultOut,
    tags=["quarantine"],
    dependencies=[Steward],
)
def resubmit_quarantine(item_id: ItemId, fix: ResubmitIn, session: WriteSessionDep) -> Any:
    """Resubmit a fixed payload; 422 with the remaining reasons if it is still invalid."""
    fields = {k: v or "" for k, v in fix.fields.items()}
    return RecordResultOut.of(quarantine.resubmit(session, item_id, fields, fix.native))
