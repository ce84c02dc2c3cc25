"""`make screenshots`: the workbench's queue, comparison and golden record pages of the seeded
hub, rendered by headless Chromium to PNG files (for the README; tests never write them).

`.venv/bin/python -m tests.support.screenshots [OUT_DIR]` (default docs/screenshots).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from mdm import migrate
from mdm.auth.keys import create_key
from mdm.auth.principal import Scope
from mdm.db import create_db_engine, session_scope
from mdm.records.models import RecordStatus, SourceRecord
from mdm.records.seed import load_seeds
from mdm.resolution.batch import resolve_every_type
from mdm.settings import Settings
from seeds import DATA_DIR
from tests.support.browser import chromium
from tests.support.server import running_hub


def _seed(url: str) -> tuple[str, str]:
    """Seed and resolve the demo; a steward key (with finance) and a golden customer to show."""
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    migrate.upgrade(engine)
    load_seeds(engine, DATA_DIR)
    resolve_every_type(engine)
    with session_scope(engine, write=True) as session:
        scopes = frozenset({Scope.STEWARD, Scope.FINANCE})
        key = create_key(session, "dana.steward", scopes, "screenshots").secret
        members = func.count(col(SourceRecord.id))
        golden = session.exec(
            select(SourceRecord.golden_id)
            .where(
                col(SourceRecord.entity_type) == "customer",
                col(SourceRecord.status) == RecordStatus.ACTIVE.value,
            )
            .group_by(col(SourceRecord.golden_id))
            .order_by(members.desc(), col(SourceRecord.golden_id))
            .limit(1)
        ).one()
    engine.dispose()
    assert golden is not None
    return key, golden


def main(out: Path) -> None:
    """Write queue.png, compare.png and golden.png into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screens.db"
        key, golden = _seed(url)
        with running_hub(url, Path(tmp)) as base, chromium(Path(tmp) / "profile") as context:
            page = context.new_page()
            page.goto(f"{base}/steward/login")
            page.fill("input[name=key]", key)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/steward/queue")
            page.screenshot(path=str(out / "queue.png"), full_page=False)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/steward/candidates/**")
            page.screenshot(path=str(out / "compare.png"), full_page=True)
            page.goto(f"{base}/steward/golden/{golden}")
            page.screenshot(path=str(out / "golden.png"), full_page=True)
    for name in ("queue", "compare", "golden"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
