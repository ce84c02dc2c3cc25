"""One model per data set, fitted once by `dedupe` and shared by the index tests."""

from __future__ import annotations

import pytest

from matching.pipeline import dedupe
from matching.presets import customers, projects
from tests.matching.index.records import seed_customers, seed_projects
from tests.matching.index.reference import Case


@pytest.fixture(scope="session")
def customers_case() -> Case:
    """The shipped customers, the customers preset, a model fitted on them."""
    records, settings = seed_customers(), customers()
    return Case(records, settings, dedupe(records, settings).model)


@pytest.fixture(scope="session")
def projects_case() -> Case:
    """The shipped projects under their true customers, the projects preset, a model."""
    records, settings = seed_projects(), projects()
    return Case(records, settings, dedupe(records, settings).model)
