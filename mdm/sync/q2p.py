"""Quote-to-project: a won deal becomes a validated deal, an ERP customer and job, a PSA
project, and a link, one idempotent job per step.

Each step runs under the deal's lock key (`deal:<opportunity id>`), checks the deal's state
before doing anything (a step run twice finds its work done and stops), makes its remote
writes with the job's idempotency key and an external id the hub chose (so a retry after a
lost answer finds the record instead of making another), and records its result on the deal
in the same transaction that enqueues the next step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mdm.clock import utcnow
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.db import session_scope
from mdm.jobs.context import JobContext
from mdm.jobs.store import NewJob, enqueue, new_job
from mdm.jobs.tasks import PermanentError, RetryStrategy, Task, registry
from mdm.sync import systems
from mdm.sync.config import load_sync_config
from mdm.sync.models import DealState, SyncDeal, SyncException
from mdm.sync.q2p_specs import customer_spec, load_deal, project_spec
from mdm.sync.rate_cards import rate_card_of
from mdm.sync.validation import FLOW, DealTerms, Problem, problems
from mdm.sync.xrefs import contract_of_opportunity, customer_of_account, ids_in

DEAL_WON, ERP_CUSTOMER = "q2p.deal_won", "q2p.erp_customer"
PSA_CUSTOMER, PSA_PROJECT, LINK = "q2p.psa_customer", "q2p.psa_project", "q2p.link"
LOCK = "deal:{opportunity_id}"
# The PSA has no upsert: finding or creating a customer is a lookup then a create, so two deals
# of one new customer must not run it at once. The queue's lock key serialises them per golden
# customer (the second finds what the first made), without holding a database lock over a call.
PSA_CUSTOMER_LOCK = "psa-customer:{golden_customer_id}"
# Remote systems throttle and fail for minutes at a time; a step keeps trying for about an hour.
RETRY = RetryStrategy(max_attempts=10, base_delay_s=1.0, max_delay_s=600.0)


def step_key(task_name: str, opportunity_id: str) -> str:
    """`q2p:<step>:<opportunity id>`: one job per step and deal, ever."""
    return f"q2p:{task_name.removeprefix('q2p.')}:{opportunity_id}"


def step_job(task_name: str, deal: SyncDeal) -> NewJob:
    """The job for a step of this deal, carrying the deal's correlation id."""
    task = registry.get(task_name)
    assert task is not None, task_name
    return _job(task, deal)


def _job(task: Task, deal: SyncDeal) -> NewJob:
    args = {"opportunity_id": deal.opportunity_id}
    if task.name == PSA_CUSTOMER:
        args["golden_customer_id"] = _golden(deal)
    job = new_job(task, args, idempotency_key=step_key(task.name, deal.opportunity_id))
    return dataclasses.replace(job, correlation_id=deal.correlation_id or job.correlation_id)


def _advance(session: Session, deal: SyncDeal, state: DealState, now: datetime, nxt: str) -> None:
    deal.state = state
    session.add(deal)
    session.flush()
    enqueue(session, [step_job(nxt, deal)], now)


def _require(deal: SyncDeal, state: DealState) -> bool:
    """Whether the deal is where this step starts; a deal past it had this step done."""
    return deal.state == state


@registry.task(name=DEAL_WON, retry=RETRY, lock=LOCK)
def deal_won(context: JobContext, opportunity_id: str) -> None:
    """Resolve the deal's account to its golden customer and validate its terms."""
    config = load_sync_config(systems.settings_of(context).sync_config_file)
    now = utcnow()
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.RECEIVED):
            return
        deal.golden_customer_id = customer_of_account(session, deal.account_id)
        contract = contract_of_opportunity(session, opportunity_id)
        deal.golden_contract_id = contract.golden_id if contract else None
        card = rate_card_of(session, contract, deal.golden_customer_id)
        deal.rate_card = card.name if card else None
        found = problems(_terms(deal), config)
        if found:
            _raise_exceptions(session, deal, found, now)
            return
        _advance(session, deal, DealState.VALIDATED, now, ERP_CUSTOMER)


def _terms(deal: SyncDeal) -> DealTerms:
    return DealTerms(
        opportunity_id=deal.opportunity_id,
        golden_customer_id=deal.golden_customer_id,
        billing_method=deal.billing_method,
        legal_entity=deal.legal_entity,
        currency=deal.currency,
        golden_contract_id=deal.golden_contract_id,
        rate_card=deal.rate_card,
    )


def _raise_exceptions(
    session: Session, deal: SyncDeal, found: list[Problem], now: datetime
) -> None:
    for problem in found:
        session.add(
            SyncException(
                flow=FLOW,
                subject=deal.opportunity_id,
                reason=problem.reason,
                detail=problem.detail,
                correlation_id=deal.correlation_id,
                created_at=now,
            )
        )
    deal.state = DealState.EXCEPTION
    session.add(deal)


@registry.task(name=ERP_CUSTOMER, retry=RETRY, lock=LOCK)
def erp_customer(context: JobContext, opportunity_id: str) -> None:
    """Make sure the ERP has the customer (the hub's xref, else an upsert by golden id) and
    the job (project) the ERP will bill, `opp_<opportunity id>`, under it."""
    key = context.idempotency_key
    erp = systems.erp(context)
    with session_scope(context.engine) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.VALIDATED):
            return
        plan = _plan(session, deal, "erp")
    customer_id = plan.known or erp.ensure_customer(plan.spec, key=f"{key}:customer").id
    project = dataclasses.replace(plan.project, customer_ref=customer_id)
    job = erp.ensure_project(project, key=f"{key}:project")
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.VALIDATED):
            return
        deal.erp_customer_id, deal.erp_project_id = customer_id, job.id
        _advance(session, deal, DealState.ERP_CUSTOMER, utcnow(), PSA_CUSTOMER)


@registry.task(name=PSA_CUSTOMER, retry=RETRY, lock=PSA_CUSTOMER_LOCK)
def psa_customer(context: JobContext, opportunity_id: str, golden_customer_id: str) -> None:
    """The PSA's own id for the customer: the hub's xref, else found or created by golden id."""
    psa = systems.psa(context)
    with session_scope(context.engine) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.ERP_CUSTOMER) or deal.psa_customer_id is not None:
            return
        plan = _plan(session, deal, "psa")
    found = plan.known or psa.ensure_customer(plan.spec, key=context.idempotency_key).id
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.ERP_CUSTOMER) or deal.psa_customer_id is not None:
            return
        deal.psa_customer_id = found
        _advance(session, deal, DealState.ERP_CUSTOMER, utcnow(), PSA_PROJECT)


@registry.task(name=PSA_PROJECT, retry=RETRY, lock=LOCK)
def psa_project(context: JobContext, opportunity_id: str) -> None:
    """Create (or update) the PSA project shell under the PSA's customer id found before."""
    key = context.idempotency_key
    psa = systems.psa(context)
    with session_scope(context.engine) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.ERP_CUSTOMER) or deal.psa_customer_id is None:
            return
        plan = _plan(session, deal, "psa")
    project = dataclasses.replace(plan.project, customer_ref=deal.psa_customer_id)
    made = psa.upsert_project(project, key=f"{key}:project")
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.ERP_CUSTOMER):
            return
        deal.psa_project_id = made.id
        _advance(session, deal, DealState.PROJECT, utcnow(), LINK)


@registry.task(name=LINK, retry=RETRY, lock=LOCK)
def link(context: JobContext, opportunity_id: str) -> None:
    """Cross-reference the project to the opportunity and its golden contract: it is live."""
    now = utcnow()
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        if not _require(deal, DealState.PROJECT):
            return
        contract = contract_of_opportunity(session, opportunity_id)
        deal.golden_contract_id = contract.golden_id if contract else deal.golden_contract_id
        deal.state, deal.activated_at = DealState.LINKED, now
        session.add(deal)


@dataclass(frozen=True)
class _Plan:
    """A step's remote writes, decided from the hub before any remote call."""

    known: str | None  # the system's id of the customer, from the hub's cross-reference
    spec: CustomerSpec  # the customer to ensure when the hub knows none
    project: ProjectSpec  # its customer_ref filled in once the customer's id is known


def _plan(session: Session, deal: SyncDeal, system: str) -> _Plan:
    golden = _golden(deal)
    known = ids_in(session, golden, system)
    return _Plan(
        known=known[0] if known else None,
        spec=customer_spec(session, golden),
        project=project_spec(session, deal, ""),
    )


def _golden(deal: SyncDeal) -> str:
    if deal.golden_customer_id is None:  # validation stops such deals; a bug if seen here
        raise PermanentError(f"deal {deal.opportunity_id} has no golden customer")
    return deal.golden_customer_id
