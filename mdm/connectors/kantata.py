"""The PSA port over Kantata OX (Mavenlink): clients, workspaces, time, expenses, milestones.

Kantata has no upsert and ignores idempotency keys, so a create retried after a timeout would
store a second record. Every write therefore looks the record up by its external reference
first (`GET /external_references.json?subject_type=…&service_name=mdm&service_model_ref=…`),
updates what it finds, and creates (with the reference attached) only when nothing is there:
the retry of a lost create finds what the lost attempt stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import AmbiguousExternalId, RemoteError
from mdm.connectors.http import VendorClient, generic_error
from mdm.connectors.kantata_records import (
    expense_from,
    milestone_from,
    time_entry_from,
    workspace_body,
    workspace_group_body,
)
from mdm.connectors.ports import (
    CustomerSpec,
    Expense,
    Milestone,
    ProjectSpec,
    RemoteRef,
    TimeEntry,
)

SYSTEM = "kantata"
API = "/api/v1"
# The service name the hub files its external references under, and its models.
SERVICE = "mdm"
CUSTOMER_MODEL = "customer"
PROJECT_MODEL = "project"
PER_PAGE = 200
BULK_LIMIT = 100


@dataclass(frozen=True)
class ItemResult:
    """One item of a batch write: its reference, or why it failed (retry the item alone)."""

    external_id: str
    ref: RemoteRef | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Kind:
    key: str
    singular: str
    subject_type: str
    model: str


GROUPS = _Kind("workspace_groups", "workspace_group", "WorkspaceGroup", CUSTOMER_MODEL)
WORKSPACES = _Kind("workspaces", "workspace", "Workspace", PROJECT_MODEL)


class KantataPsa:
    """PsaPort over Kantata's REST API."""

    system = SYSTEM

    def __init__(self, client: VendorClient) -> None:
        self._client = client

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    # --- writes ----------------------------------------------------------------------------

    def ensure_customer(self, customer: CustomerSpec, *, key: str) -> RemoteRef:
        """Find the client (workspace group) by its external reference, or create it."""
        found = self._lookup(GROUPS, customer.external_id, key)
        if found is not None:
            return RemoteRef(SYSTEM, found, customer.external_id, created=False)
        body = workspace_group_body(customer) | {"external_references": [_ref(GROUPS, customer)]}
        return self._create(GROUPS, customer.external_id, body, key)

    def upsert_project(self, project: ProjectSpec, *, key: str) -> RemoteRef:
        """Update the workspace with this external reference, or create it."""
        found = self._lookup(WORKSPACES, project.external_id, key)
        body = workspace_body(project)
        if found is not None:
            path = f"{API}/workspaces/{found}.json"
            self._client.request("PUT", path, json={"workspace": body}, idempotency_key=key)
            return RemoteRef(SYSTEM, found, project.external_id, created=False)
        body["external_references"] = [_ref(WORKSPACES, project)]
        return self._create(WORKSPACES, project.external_id, body, key)

    def upsert_projects(self, projects: Sequence[ProjectSpec], *, key: str) -> list[ItemResult]:
        """Many projects: existing ones updated one by one, new ones created in batches of 100.

        A refused item is reported, not raised; retrying the whole call is safe (the lookup
        finds what was stored), so a caller may simply run it again for the failed ones.
        """
        results: dict[str, ItemResult] = {}
        new: list[ProjectSpec] = []
        for project in projects:
            if self._lookup(WORKSPACES, project.external_id, key) is None:
                new.append(project)
            else:
                results[project.external_id] = ItemResult(
                    project.external_id, self.upsert_project(project, key=key)
                )
        for start in range(0, len(new), BULK_LIMIT):
            results.update(self._create_batch(new[start : start + BULK_LIMIT], key))
        return [results[p.external_id] for p in projects]

    def _create_batch(self, batch: list[ProjectSpec], key: str) -> dict[str, ItemResult]:
        items = [workspace_body(p) | {"external_references": [_ref(WORKSPACES, p)]} for p in batch]
        response = self._client.request(
            "POST", f"{API}/workspaces.json", json={"workspaces": items}, idempotency_key=key
        )
        body = response.json()
        created = [body["workspaces"][r["id"]] for r in body["results"]]
        refused = {int(e["index"]): e.get("message", "refused") for e in body.get("errors", [])}
        results: dict[str, ItemResult] = {}
        made = iter(created)
        for index, project in enumerate(batch):
            # Kantata lists what it created in request order, skipping refused items.
            if index in refused:
                results[project.external_id] = ItemResult(project.external_id, None, refused[index])
            else:
                record = next(made)
                ref = RemoteRef(SYSTEM, str(record["id"]), project.external_id, created=True)
                results[project.external_id] = ItemResult(project.external_id, ref)
        return results

    def _lookup(self, kind: _Kind, external_id: str, key: str) -> str | None:
        params = {
            "subject_type": kind.subject_type,
            "service_name": SERVICE,
            "service_model": kind.model,
            "service_model_ref": external_id,
        }
        body = self._client.request(
            "GET", f"{API}/external_references.json", params=params, idempotency_key=key
        ).json()
        subjects = sorted(
            {body["external_references"][r["id"]]["subject_id"] for r in body["results"]}
        )
        if len(subjects) > 1:
            raise AmbiguousExternalId(
                f"{kind.key} {', '.join(subjects)} all carry {external_id}", system=SYSTEM
            )
        return str(subjects[0]) if subjects else None

    def _create(self, kind: _Kind, external_id: str, body: dict[str, Any], key: str) -> RemoteRef:
        response = self._client.request(
            "POST", f"{API}/{kind.key}.json", json={kind.singular: body}, idempotency_key=key
        )
        (first,) = response.json()["results"]
        return RemoteRef(SYSTEM, str(first["id"]), external_id, created=True)

    # --- reads -----------------------------------------------------------------------------

    def approved_time_entries(self, project_id: str, since: date | None) -> list[TimeEntry]:
        """Approved time on the workspace, performed on or after `since`."""
        params = {"workspace_id": project_id, "approved": "true", "include": "user"}
        entries = (time_entry_from(r, side) for r, side in self._pages("time_entries", params))
        return [e for e in entries if since is None or e.performed_on >= since]

    def approved_expenses(self, project_id: str, since: date | None) -> list[Expense]:
        """Approved expenses on the workspace, dated on or after `since`."""
        params = {"workspace_id": project_id, "approved": "true"}
        expenses = (expense_from(r) for r, _ in self._pages("expenses", params))
        return [e for e in expenses if since is None or e.incurred_on >= since]

    def completed_milestones(self, project_id: str, since: date | None) -> list[Milestone]:
        """Completed milestone stories, completed on or after `since`."""
        params = {"workspace_id": project_id, "story_type": "milestone", "state": "completed"}
        found = (milestone_from(r) for r, _ in self._pages("stories", params))
        return [m for m in found if since is None or (m.completed_on and m.completed_on >= since)]

    def _pages(self, key: str, params: dict[str, str]) -> Iterator[tuple[dict[str, Any], Any]]:
        """Every matching record in `results` order, with the response it came in."""
        page = 1
        while True:
            query = {**params, "page": str(page), "per_page": str(PER_PAGE)}
            body = self._client.request("GET", f"{API}/{key}.json", params=query).json()
            for result in body["results"]:
                yield body[result["key"]][result["id"]], body
            if page >= int(body["meta"]["page_count"]):
                return
            page += 1


def _ref(kind: _Kind, spec: CustomerSpec | ProjectSpec) -> dict[str, str]:
    return {
        "service_name": SERVICE,
        "service_model": kind.model,
        "service_model_ref": spec.external_id,
        "status": "successful",
    }


def classify(response: httpx.Response) -> RemoteError | None:
    """Kantata's errors: the generic sorting, with the first error's type as the vendor code."""
    error = generic_error(SYSTEM, response)
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        errors = []
    if errors and isinstance(errors[0], dict):
        error.vendor_code = errors[0].get("type")
    return error


def build(
    connection: SystemConnection, base_url: str, *, transport: httpx.BaseTransport | None = None
) -> KantataPsa:
    """The Kantata adapter; `base_url` is the host (the sandbox) or ends in /api/v1."""
    root = base_url.rstrip("/").removesuffix(API)
    client = VendorClient(SYSTEM, connection, root, classify=classify, transport=transport)
    return KantataPsa(client)
