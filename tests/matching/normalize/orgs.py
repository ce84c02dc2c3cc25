"""A shared helper for the organisation-name truth tables."""

from __future__ import annotations

from matching.normalize import OrgName, normalize_org_name


def parsed_org(raw: str) -> OrgName:
    """The normalised name, which these tests expect to exist."""
    result = normalize_org_name(raw)
    assert result is not None
    return result
