"""Imports every feature's table models so `SQLModel.metadata` describes the whole schema.

Alembic autogenerate and the migrations-equal-models test both read the metadata from here;
a feature that adds tables adds its `models` module below.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import mdm.auth.models
import mdm.db
import mdm.golden.lineage_models
import mdm.golden.models
import mdm.jobs.models
import mdm.jobs.relay
import mdm.records.models
import mdm.resolution.models
import mdm.stewardship.models
import mdm.sync.models
import mdm.webhooks.models  # noqa: F401

metadata = SQLModel.metadata
