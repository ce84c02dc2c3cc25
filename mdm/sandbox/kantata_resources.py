"""The Kantata objects the sandbox keeps, their writable fields, and how a write is checked.

Kantata names: clients are `workspace_groups`, projects are `workspaces`, and milestones are
`stories` with `story_type: "milestone"` (as in Kantata, where a story is a task, deliverable,
milestone or issue). Ids are numeric strings. Money is in cents (`price_in_cents`,
`rate_in_cents`, `amount_in_cents`, `budget_estimate_in_cents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from mdm.sandbox.kantata_envelope import KantataError
from mdm.sandbox.records import RecordStore


class Kind(StrEnum):
    """How a field's value is checked and stored."""

    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    ID = "id"  # another record's id, kept as a numeric string
    IDS = "ids"  # a list of ids


@dataclass(frozen=True)
class Resource:
    """One Kantata collection: its URL key, its singular body key and its fields."""

    key: str
    singular: str
    subject_type: str
    fields: Mapping[str, Kind]
    required: tuple[str, ...] = ()
    # Exact-match query filters on the index route.
    filters: tuple[str, ...] = ()
    # Fields naming records of another collection, which must exist.
    parents: Mapping[str, str] = field(default_factory=dict)
    # `include=` names: the field holding the id(s), and the side-loaded collection.
    includes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # Whether `external_references` may be attached on create.
    referable: bool = True


USERS = Resource("users", "user", "User", {"full_name": Kind.TEXT, "email_address": Kind.TEXT})
WORKSPACE_GROUPS = Resource(
    "workspace_groups",
    "workspace_group",
    "WorkspaceGroup",
    {"name": Kind.TEXT, "company": Kind.BOOL, "currency": Kind.TEXT, "country": Kind.TEXT},
    required=("name",),
)
WORKSPACES = Resource(
    "workspaces",
    "workspace",
    "Workspace",
    {
        "title": Kind.TEXT,
        "description": Kind.TEXT,
        "budgeted": Kind.BOOL,
        "price_in_cents": Kind.INT,
        "currency": Kind.TEXT,
        "start_date": Kind.DATE,
        "due_date": Kind.DATE,
        "status": Kind.TEXT,
        "workspace_group_ids": Kind.IDS,
    },
    required=("title",),
    filters=("status",),
    parents={"workspace_group_ids": "workspace_groups"},
    includes={"workspace_groups": ("workspace_group_ids", "workspace_groups")},
)
TIME_ENTRIES = Resource(
    "time_entries",
    "time_entry",
    "TimeEntry",
    {
        "workspace_id": Kind.ID,
        "user_id": Kind.ID,
        "date_performed": Kind.DATE,
        "time_in_minutes": Kind.INT,
        "billable": Kind.BOOL,
        "rate_in_cents": Kind.INT,
        "currency": Kind.TEXT,
        "approved": Kind.BOOL,
        "notes": Kind.TEXT,
    },
    required=("workspace_id", "date_performed", "time_in_minutes"),
    filters=("workspace_id", "user_id", "approved"),
    parents={"workspace_id": "workspaces", "user_id": "users"},
    includes={"user": ("user_id", "users"), "workspace": ("workspace_id", "workspaces")},
)
EXPENSES = Resource(
    "expenses",
    "expense",
    "Expense",
    {
        "workspace_id": Kind.ID,
        "user_id": Kind.ID,
        "date": Kind.DATE,
        "category": Kind.TEXT,
        "amount_in_cents": Kind.INT,
        "currency": Kind.TEXT,
        "billable": Kind.BOOL,
        "approved": Kind.BOOL,
        "notes": Kind.TEXT,
    },
    required=("workspace_id", "date", "amount_in_cents"),
    filters=("workspace_id", "approved"),
    parents={"workspace_id": "workspaces", "user_id": "users"},
    includes={"user": ("user_id", "users")},
)
STORIES = Resource(
    "stories",
    "story",
    "Story",
    {
        "workspace_id": Kind.ID,
        "title": Kind.TEXT,
        "story_type": Kind.TEXT,
        "state": Kind.TEXT,
        "due_date": Kind.DATE,
        "completed_on": Kind.DATE,
        "budget_estimate_in_cents": Kind.INT,
        "currency": Kind.TEXT,
    },
    required=("workspace_id", "title"),
    filters=("workspace_id", "story_type", "state"),
    parents={"workspace_id": "workspaces"},
)
RESOURCES = (USERS, WORKSPACE_GROUPS, WORKSPACES, TIME_ENTRIES, EXPENSES, STORIES)
BY_SUBJECT = {r.subject_type: r for r in RESOURCES}
STORY_TYPES = ("task", "deliverable", "milestone", "issue")
STORY_STATES = ("not started", "started", "completed", "blocked")
BULK_LIMIT = 100


def clean(
    resource: Resource, body: Any, store: RecordStore, *, partial: bool = False
) -> dict[str, Any]:
    """The checked fields of a create (or, with `partial`, an update); KantataError if bad."""
    if not isinstance(body, dict):
        raise KantataError(422, "validation", f"{resource.singular} must be an object")
    values: dict[str, Any] = {}
    for name, raw in body.items():
        if name == "external_references":
            continue  # attached separately, see kantata_refs
        kind = resource.fields.get(name)
        if kind is None:
            raise KantataError(422, "validation", f"unknown attribute {name}", name)
        values[name] = _coerce(kind, name, raw)
    missing = [n for n in resource.required if values.get(n) in (None, "")]
    if missing and not partial:
        raise KantataError(422, "validation", f"{missing[0]} can't be blank", missing[0])
    _check_parents(resource, values, store)
    _check_story(resource, values)
    return values


def _coerce(kind: Kind, name: str, raw: Any) -> Any:
    if raw is None:
        return None
    try:
        return _COERCE[kind](raw)
    except (TypeError, ValueError):
        raise KantataError(422, "validation", f"{name} is not a valid {kind}", name) from None


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError(raw)
    return raw


def _int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise TypeError(raw)
    return int(raw)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return bool(raw == "true")
    raise TypeError(raw)


def _date(raw: Any) -> str:
    return date.fromisoformat(_text(raw)).isoformat()


def _id(raw: Any) -> str:
    return str(_int(raw))


def _ids(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        raise TypeError(raw)
    return [_id(item) for item in raw]


_COERCE = {
    Kind.TEXT: _text,
    Kind.INT: _int,
    Kind.BOOL: _bool,
    Kind.DATE: _date,
    Kind.ID: _id,
    Kind.IDS: _ids,
}


def _check_parents(resource: Resource, values: dict[str, Any], store: RecordStore) -> None:
    for name, parent in resource.parents.items():
        value = values.get(name)
        ids = value if isinstance(value, list) else [value] if value is not None else []
        for parent_id in ids:
            if store.get(parent, parent_id) is None:
                raise KantataError(422, "validation", f"{name} {parent_id} does not exist", name)


def _check_story(resource: Resource, values: dict[str, Any]) -> None:
    if resource is not STORIES:
        return
    if values.get("story_type", "task") not in STORY_TYPES:
        raise KantataError(
            422, "validation", "story_type is not included in the list", "story_type"
        )
    if values.get("state", "not started") not in STORY_STATES:
        raise KantataError(422, "validation", "state is not included in the list", "state")
