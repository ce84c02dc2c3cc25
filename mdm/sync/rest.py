"""REST for the flows: a deal's trace end to end, the reconciliation, and resubmitting a deal
stopped in the exception queue.

Reading needs `read`; amounts are shown to `finance` only (masked otherwise). Resubmitting
needs `steward`: the people who fix the source data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime, BeforeValidator

from mdm.api.deps import SessionDep, SettingsDep, WriteSessionDep
from mdm.api.openapi import error_response, error_responses
from mdm.auth.deps import ActorDep, PrincipalDep, requires
from mdm.auth.principal import Scope
from mdm.clock import utcnow
from mdm.sync.config import load_sync_config
from mdm.sync.reconcile import reconcile
from mdm.sync.reconcile_schemas import ReconciliationOut
from mdm.sync.resubmit import resubmit
from mdm.sync.resubmit_schemas import ResubmittedOut
from mdm.sync.schemas import TraceOut
from mdm.sync.trace import MAX_KEY, trace

router = APIRouter(prefix="/api/v1", tags=["sync"])
DEFAULT_WINDOW = timedelta(days=30)
TraceKey = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_KEY,
        description="A correlation id, or an opportunity id or billing transaction id",
    ),
]
_UNKNOWN = error_response(
    404, "Nothing carries this id", detail="nothing carries the id '006Qy000001AbCdE'"
)


@router.get(
    "/trace/{correlation_id}",
    response_model=TraceOut,
    summary="Trace a deal end to end",
    responses={404: _UNKNOWN, **error_responses(422)},
)
def get_trace(correlation_id: TraceKey, session: SessionDep, principal: PrincipalDep) -> TraceOut:
    """The chain from opportunity to payment, the jobs that carried it, open exceptions."""
    return TraceOut.of(trace(session, correlation_id), principal)


def _date_time_text(value: object) -> object:
    # Pydantic reads a number as Unix seconds; the documented contract is an ISO 8601
    # date-time, so any number ("1700000000", "-1.5", "6.1e-05") is refused (422) rather than
    # taken as a time in 1970.
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError("since is an ISO 8601 date-time with its offset, e.g. 2026-01-01T00:00Z")
    return value


@router.get(
    "/reconciliation",
    response_model=ReconciliationOut,
    summary="Business and technical health of the flows",
    responses=error_responses(422),
)
def get_reconciliation(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    since: Annotated[
        AwareDatetime | None,
        BeforeValidator(_date_time_text),
        Query(description="Start of the window (default: 30 days ago); balances are not windowed"),
    ] = None,
) -> ReconciliationOut:
    """Activation, posting SLA, invoice lag, unreconciled value; queue, retries, errors."""
    now = utcnow()
    config = load_sync_config(settings.sync_config_file)
    found = reconcile(session, config, now, since or now - DEFAULT_WINDOW)
    return ReconciliationOut.of(found, principal)


OpportunityId = Annotated[
    str, Path(min_length=1, max_length=64, description="The CRM opportunity id of the deal")
]
_NO_DEAL = error_response(
    404, "No won deal for this opportunity", detail="no won deal for opportunity 006Qy0000"
)
_NOT_STOPPED = error_response(
    409, "The deal is not in exception", detail="deal 006Qy000001AbCdE is linked, not in exception"
)


@router.post(
    "/deals/{opportunity_id}/resubmit",
    response_model=ResubmittedOut,
    summary="Resubmit a deal stopped in the exception queue",
    dependencies=[Depends(requires(Scope.STEWARD))],
    responses={404: _NO_DEAL, 409: _NOT_STOPPED, **error_responses(422)},
)
def resubmit_deal(
    opportunity_id: OpportunityId, session: WriteSessionDep, actor: ActorDep
) -> ResubmittedOut:
    """Once its source is fixed: close the deal's open exceptions (as resolved by the caller)
    and validate it again; it stops again with new exceptions if something is still missing."""
    return ResubmittedOut.of(resubmit(session, opportunity_id, actor, utcnow()))
