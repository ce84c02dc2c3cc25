"""The model version the hub resolves with: the preset's default weights (version 0) until a
fit is stored."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from matching.config import MatchSettings
from matching.presets import default_model, preset
from matching.scoring import FittedModel
from mdm.entities import EntityType
from mdm.resolution.models import ModelVersion


def settings_for(entity: EntityType) -> MatchSettings:
    """The shipped matching settings of an entity type."""
    return preset(entity.plural)


def active_model(
    session: Session, entity: EntityType
) -> tuple[MatchSettings, FittedModel | None, int]:
    """Settings, fitted model and version number in force (0: the preset's default weights;
    None only for a preset that ships none)."""
    query = select(ModelVersion).where(
        col(ModelVersion.entity_type) == entity.value, col(ModelVersion.active)
    )
    stored = session.exec(query).first()
    if stored is None or stored.model is None:
        return settings_for(entity), default_model(entity.plural), 0
    return (
        MatchSettings.from_dict(stored.settings),
        FittedModel.from_json(stored.model),
        stored.version,
    )


def store_model(
    session: Session, entity: EntityType, settings: MatchSettings, model: FittedModel, origin: str
) -> int:
    """Save a fitted model as the new active version; older ones stay for the record."""
    latest = session.exec(
        select(func.max(ModelVersion.version)).where(col(ModelVersion.entity_type) == entity.value)
    ).one()
    version = int(latest or 0) + 1
    session.execute(
        update(ModelVersion)
        .where(col(ModelVersion.entity_type) == entity.value)
        .values(active=False)
    )
    session.add(
        ModelVersion(
            entity_type=entity.value,
            version=version,
            origin=origin,
            settings=settings.to_dict(),
            model=model.to_json(),
            active=True,
        )
    )
    session.flush()
    return version
